"""The loopback S3 endpoint (tests/s3_endpoint.py) for the s3:// run storage tests in this folder, and a cache
folder per test: what the runs layer keeps there (fetched copies of s3:// runs, runs kept aside) never lands in
the user's cache, and no test sees another's."""

import pytest

from tests.s3_endpoint import s3_endpoint, s3_runs  # noqa: F401 (fixtures: pytest finds them by name here)


@pytest.fixture(autouse=True)
def own_cache_folder(tmp_path_factory, monkeypatch):
    folder = tmp_path_factory.mktemp("cache")  # beside the test's tmp_path, not in it: tests list that folder
    monkeypatch.setenv("EMBEDLAB_CACHE_DIR", str(folder))
    return folder
