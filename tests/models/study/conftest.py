"""The loopback S3 endpoint (tests/s3_endpoint.py) for the kept-studies tests in this folder."""

from tests.s3_endpoint import s3_endpoint, s3_runs  # noqa: F401 (fixtures: pytest finds them by name here)
