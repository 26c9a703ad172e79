"""The loopback S3 endpoint for the s3:// class tests, and the pang-lee-200 built-in as every class's dataset."""

import pytest

from embedlab.data.builtins import builtin_dataset
from tests.s3_endpoint import s3_endpoint, s3_runs  # noqa: F401 (fixtures: pytest finds them by name here)


@pytest.fixture(scope="session")
def dataset():
    return builtin_dataset("pang-lee-200")
