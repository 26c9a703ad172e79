"""Uploads kept with the address (AppTest): a new session of the same workspace gets the dataset back.

Each AppTest is a new session, as a new tab, a reload or a restarted server gives: what it finds
comes from the workspace's storage (a temporary runs folder here), not from another session's memory.
"""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

import embedlab.models.runs.kept_datasets as kept
from embedlab_ui.datasets import DATASET_KEY, builtin
from tests.s3_endpoint import s3_endpoint, s3_runs  # noqa: F401 (fixtures: pytest finds them by name here)

PAGE = "pages/data.py"
CSV = b"review,sentiment\na wonderful film,positive\na dull mess,negative\ngreat fun,positive\nawful,negative\n"
OTHER_CSV = CSV.replace(b"awful", b"truly awful")


@pytest.fixture(autouse=True)
def own_runs_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("EMBEDLAB_RUNS_DIR", str(tmp_path / "runs"))
    monkeypatch.setenv("EMBEDLAB_CACHE_DIR", str(tmp_path / "cache"))
    builtin.clear()
    yield
    builtin.clear()


def _visit(project_root, workspace: str = "keptvisitor1") -> AppTest:
    at = AppTest.from_file(str(project_root / PAGE), default_timeout=90)
    at.session_state["workspace"] = workspace
    return at.run()


def _use_upload(at: AppTest, name: str, content: bytes) -> AppTest:
    at.file_uploader(key="data.upload").set_value((name, content, "text/csv")).run()
    return at.button(key="data.use").click().run()


def test_a_used_upload_comes_back_in_a_new_session_of_its_workspace_only(project_root):
    first = _use_upload(_visit(project_root), "reviews.csv", CSV)
    assert not first.exception and not first.error and not first.warning

    again = _visit(project_root)  # a new tab on the same address
    assert not again.exception and "reviews.csv" in again.header[0].value
    assert again.session_state[DATASET_KEY].texts == first.session_state[DATASET_KEY].texts
    assert again.selectbox(key="data.kept").options == ["reviews.csv · 4 texts · 2 classes"]

    stranger = _visit(project_root, "keptvisitor2")
    assert "Pang & Lee" in stranger.header[0].value
    assert not [box for box in stranger.selectbox if box.key == "data.kept"]


def test_on_s3_too_a_used_upload_comes_back_in_a_new_session(project_root, monkeypatch, s3_runs):  # noqa: F811
    import s3fs

    s3fs.S3FileSystem.clear_instance_cache()  # clients made for another endpoint are not reused
    monkeypatch.setenv("EMBEDLAB_RUNS_DIR", s3_runs)
    first = _use_upload(_visit(project_root), "reviews.csv", CSV)
    assert not first.exception and not first.warning
    again = _visit(project_root)
    assert not again.exception and not again.warning and "reviews.csv" in again.header[0].value


def test_a_damaged_kept_file_gives_the_built_in_and_says_why(project_root, tmp_path):
    first = _use_upload(_visit(project_root), "reviews.csv", CSV)
    fingerprint = first.session_state[DATASET_KEY].fingerprint
    (tmp_path / "runs" / "keptvisitor1" / kept.FOLDER / f"{fingerprint}.json").write_text("{cut short")

    again = _visit(project_root)
    assert not again.exception and "Pang & Lee" in again.header[0].value
    assert any("could not be brought back" in warning.value and "is damaged" in warning.value
               for warning in again.warning)


def test_a_full_workspace_says_so_and_deleting_one_makes_room(project_root, monkeypatch):
    monkeypatch.setenv(kept.COUNT_ENV, "1")
    at = _use_upload(_visit(project_root), "first.csv", CSV)
    at = _use_upload(at, "second.csv", OTHER_CSV)
    assert not at.exception and "second.csv" in at.header[0].value  # in use on this page all the same
    assert any("not kept with the address" in warning.value and "at most 1 datasets" in warning.value
               for warning in at.warning)

    assert at.selectbox(key="data.kept").options == ["first.csv · 4 texts · 2 classes"]
    at.button(key="data.kept_delete").click().run()
    assert not at.exception and "Deleted first.csv" in at.success[0].value
    at.button(key="data.use").click().run()
    assert not at.warning and at.selectbox(key="data.kept").options == ["second.csv · 4 texts · 2 classes"]
    assert "second.csv" in _visit(project_root).header[0].value


def test_a_kept_dataset_can_be_picked_again(project_root):
    at = _use_upload(_visit(project_root), "first.csv", CSV)
    at = _use_upload(at, "second.csv", OTHER_CSV)
    options = at.selectbox(key="data.kept").options
    assert options == ["second.csv · 4 texts · 2 classes", "first.csv · 4 texts · 2 classes"]
    at.selectbox(key="data.kept").select_index(1).run()
    at.button(key="data.kept_use").click().run()
    assert not at.exception and "Now using first.csv" in at.success[0].value
    assert "first.csv" in _visit(project_root).header[0].value


def test_a_storage_that_does_not_answer_leaves_the_upload_in_use_and_names_no_address(project_root, monkeypatch):
    import s3fs

    monkeypatch.setenv("EMBEDLAB_RUNS_DIR", "s3://embedlab-runs/runs")
    for key, value in (("AWS_ENDPOINT_URL", "http://127.0.0.1:1"), ("AWS_ACCESS_KEY_ID", "embedlab-test"),
                       ("AWS_SECRET_ACCESS_KEY", "embedlab-test"), ("AWS_DEFAULT_REGION", "us-east-1")):
        monkeypatch.setenv(key, value)
    s3fs.S3FileSystem.clear_instance_cache()
    at = _use_upload(_visit(project_root, "keptunreachable1"), "reviews.csv", CSV)
    assert not at.exception and "reviews.csv" in at.header[0].value
    messages = [warning.value for warning in at.warning]
    assert any("could not be brought back" in text for text in messages)  # the index, read when the page opened
    assert any("address will not bring it back" in text and "storage cannot be used now" in text for text in messages)
    assert not [text for text in messages if "s3:" in text or "127.0.0.1" in text]
    s3fs.S3FileSystem.clear_instance_cache()
