"""Run storage that cannot be used (AppTest): every page that lists runs says what is wrong and how to fix it.

Before: with ``EMBEDLAB_RUNS_DIR`` on an S3 endpoint that does not answer (or refuses the
credentials), the Train page showed a traceback with the server's paths, since it listed runs
at module level; Predict and Explore quoted the storage's URL and endpoint. A bucket that does
not exist listed as an empty workspace ("No runs yet") until Train was pressed.
"""

from __future__ import annotations

import re

import pytest
from streamlit.testing.v1 import AppTest

from tests.s3_endpoint import s3_endpoint  # noqa: F401 (a fixture: pytest finds it by name here)

WORKSPACE = "storageapptest"
SERVER_DETAILS = re.compile(r"(/root|/home|/tmp|site-packages|\.py\b|s3://|127\.0\.0\.1|Traceback)")


@pytest.fixture(autouse=True)
def fresh_s3_clients():
    """s3fs keeps one client per set of arguments (the endpoint comes from the environment), and the page
    remembers a storage that failed: each test starts from neither."""
    import s3fs

    from embedlab_ui import runs

    s3fs.S3FileSystem.clear_instance_cache()
    runs._STORAGE_PROBLEMS.clear()  # a failed storage is remembered for half a minute, per server
    yield
    s3fs.S3FileSystem.clear_instance_cache()
    runs._STORAGE_PROBLEMS.clear()


@pytest.fixture
def unreachable(monkeypatch, tmp_path):
    """Runs in a bucket behind an endpoint where nothing listens."""
    monkeypatch.setenv("EMBEDLAB_RUNS_DIR", "s3://embedlab-runs/runs")
    monkeypatch.setenv("EMBEDLAB_CACHE_DIR", str(tmp_path / "cache"))
    for key, value in (("AWS_ENDPOINT_URL", "http://127.0.0.1:1"), ("AWS_ACCESS_KEY_ID", "embedlab-test"),
                       ("AWS_SECRET_ACCESS_KEY", "embedlab-test"), ("AWS_DEFAULT_REGION", "us-east-1")):
        monkeypatch.setenv(key, value)


@pytest.fixture
def missing_bucket(s3_endpoint, monkeypatch, tmp_path):  # noqa: F811 (the fixture imported above)
    """Runs in a bucket the (answering) endpoint does not have."""
    monkeypatch.setenv("EMBEDLAB_RUNS_DIR", "s3://no-such-embedlab-bucket/runs")
    monkeypatch.setenv("EMBEDLAB_CACHE_DIR", str(tmp_path / "cache"))


def _page(project_root, page: str) -> AppTest:
    at = AppTest.from_file(str(project_root / "pages" / f"{page}.py"), default_timeout=120)
    at.session_state["workspace"] = WORKSPACE
    return at.run()


def _messages(at: AppTest) -> list[str]:
    return [element.value for kind in ("error", "warning", "info") for element in getattr(at, kind)]


def _open_run_pickers(at: AppTest, page: str) -> AppTest:
    if page == "explore":
        at.radio(key="explore.source").set_value("A run's learned embedding").run()
    return at


@pytest.mark.parametrize("page", ["train", "predict", "explore"])
def test_unreachable_storage_is_one_clear_message_and_the_page_still_works(unreachable, project_root, page):
    at = _open_run_pickers(_page(project_root, page), page)
    assert not at.exception, at.exception
    [message] = [text for text in _messages(at) if "run storage" in text]
    assert "did not answer" in message and "EMBEDLAB_RUNS_DIR" in message and "AWS_ENDPOINT_URL" in message
    for text in _messages(at):
        assert not SERVER_DETAILS.search(text), text
    assert not [text for text in _messages(at) if "No runs yet" in text or "No trained runs yet" in text]
    if page == "train":  # the rest of the page: the settings and the other tabs; Train waits for the storage
        assert at.toggle(key="train.recommended").value and at.selectbox(key="train.encoder") is not None
        assert at.button(key="train.start").disabled and at.button(key="train.compare_three").disabled
        assert "Runs cannot be listed" in " ".join(_messages(at))


def test_storage_that_refuses_the_credentials_says_so(unreachable, project_root, monkeypatch):
    from embedlab.errors import EmbedLabError
    from embedlab_ui import runs

    def refused(folder):
        try:
            raise PermissionError("The AWS Access Key Id you provided does not exist in our records.")
        except PermissionError:
            raise EmbedLabError("the run storage at s3://embedlab-runs/runs did not answer as expected") from None

    monkeypatch.setattr(runs, "scan_runs", refused)
    at = _page(project_root, "predict")
    assert not at.exception
    [message] = [text for text in _messages(at) if "run storage" in text]
    assert "refused this server's credentials" in message and "AWS_SECRET_ACCESS_KEY" in message
    assert not SERVER_DETAILS.search(message)


@pytest.mark.parametrize("page", ["train", "predict", "explore"])
def test_a_missing_bucket_is_said_as_such_on_page_load(missing_bucket, project_root, page):
    at = _open_run_pickers(_page(project_root, page), page)
    assert not at.exception, at.exception
    [message] = [text for text in _messages(at) if "bucket" in text]
    assert "no bucket named “no-such-embedlab-bucket”" in message and "EMBEDLAB_RUNS_DIR" in message
    assert not [text for text in _messages(at) if "No runs yet" in text or "No trained runs yet" in text]
