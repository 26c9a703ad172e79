"""Train page's Runs tab (AppTest): a run a failed save kept aside is listed as not saved, and its button saves it."""

import shutil

import pytest
from streamlit.testing.v1 import AppTest

from embedlab.models.runs.catalog import list_runs, workspace_dir
from embedlab.models.runs.pending import keep_aside, pending_uploads

WORKSPACE = "pendingapptest"

pytestmark = pytest.mark.slow


def test_a_run_kept_aside_is_listed_with_a_retry_button_that_saves_it(tmp_path, monkeypatch, project_root, tiny_run):
    runs = tmp_path / "runs"
    monkeypatch.setenv("EMBEDLAB_RUNS_DIR", str(runs))
    monkeypatch.setenv("EMBEDLAB_CACHE_DIR", str(tmp_path / "cache"))
    folder = workspace_dir(WORKSPACE, runs)
    kept = keep_aside(shutil.copytree(tiny_run.path, tmp_path / "made" / tiny_run.run_id), folder,
                      "the runs folder's disk is full (No space left on device)")
    at = AppTest.from_file(str(project_root / "pages/train.py"), default_timeout=120)
    at.session_state["workspace"] = WORKSPACE
    at.run()
    assert not at.exception
    [note] = [warning.value for warning in at.warning if "not saved" in warning.value]
    assert tiny_run.name in note and "disk is full" in note and str(tmp_path) not in note
    button = at.button(key=f"train.runs.retry.{kept.run_id}")
    assert button.label == "Retry save"
    button.click().run()
    assert not at.exception and not at.error
    assert [run.run_id for run in list_runs(folder)] == [tiny_run.run_id] and pending_uploads(folder) == []
    assert not [warning for warning in at.warning if "not saved" in warning.value]
