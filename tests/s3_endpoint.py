"""An S3 endpoint on loopback (moto's server) for the s3:// run storage tests."""

from __future__ import annotations

import os
import uuid

import pytest


@pytest.fixture(scope="session")
def s3_endpoint():
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    saved = {key: os.environ.get(key) for key in ("AWS_ENDPOINT_URL", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY",
                                                  "AWS_DEFAULT_REGION")}
    os.environ.update(AWS_ENDPOINT_URL=f"http://{host}:{port}", AWS_ACCESS_KEY_ID="embedlab-test",
                      AWS_SECRET_ACCESS_KEY="embedlab-test", AWS_DEFAULT_REGION="us-east-1")
    yield f"http://{host}:{port}"
    server.stop()
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value


@pytest.fixture
def s3_runs(s3_endpoint) -> str:
    """A fresh ``s3://bucket/runs`` URL on the loopback endpoint."""
    import fsspec

    bucket = f"runs-{uuid.uuid4().hex[:12]}"
    filesystem = fsspec.filesystem("s3")
    filesystem.mkdir(bucket)
    return f"s3://{bucket}/runs"
