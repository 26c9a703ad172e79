"""A run deleted in another tab (AppTest): pages that show it say so instead of switching to another run.

Before: Predict and Explore silently showed another run once the chosen one was deleted in
another tab, and a stale Runs tab's "Download .zip" served an empty 22-byte zip named after
the deleted run.
"""

from __future__ import annotations

import io
import json
import shutil
import zipfile

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from embedlab.errors import EmbedLabError

WORKSPACE = "deletedruns"
PICKERS = {"predict": "predict.run", "explore": "explore.run", "train": "train.run_pick"}


@pytest.fixture
def workspace(tmp_path, monkeypatch, tiny_run):
    """Two runs: "older" and "newest" (the one every picker starts on)."""
    folder = tmp_path / "runs" / WORKSPACE
    for name, created in (("older", "2026-01-01T10:00:00"), ("newest", "2026-01-02T10:00:00")):
        path = shutil.copytree(tiny_run.path, folder / f"run-{name}")
        config = json.loads((path / "config.json").read_text())
        (path / "config.json").write_text(json.dumps({**config, "name": name, "created": created}))
    monkeypatch.setenv("EMBEDLAB_RUNS_DIR", str(tmp_path / "runs"))
    return folder


def _page(project_root, page: str) -> AppTest:
    at = AppTest.from_file(str(project_root / "pages" / f"{page}.py"), default_timeout=120)
    at.session_state["workspace"] = WORKSPACE
    at.run()
    if page == "explore":
        at.radio(key="explore.source").set_value("A run's learned embedding").run()
    return at


def _third_run(folder) -> None:
    path = shutil.copytree(folder / "run-older", folder / "run-third")
    config = json.loads((path / "config.json").read_text())
    (path / "config.json").write_text(json.dumps({**config, "name": "third", "created": "2026-01-01T12:00:00"}))


def _passage(at: AppTest, text: str) -> AppTest:
    """Predict scoring ``text`` typed into the multi-line box (the live box is a component AppTest cannot type in)."""
    if at.toggle(key="predict.live").value:
        at.toggle(key="predict.live").set_value(False).run()
    return at.text_area(key="predict.passage").input(text).run()


def _deleted_notes(at: AppTest) -> list[str]:
    return [warning.value for warning in at.warning if "was deleted" in warning.value]


@pytest.mark.parametrize("page", list(PICKERS))
def test_a_run_deleted_in_another_tab_is_said_not_swapped(workspace, project_root, page):
    at = _page(project_root, page)
    picker = PICKERS[page]
    assert at.selectbox(key=picker).value == "run-newest" and not _deleted_notes(at)
    shutil.rmtree(workspace / "run-newest")  # another tab's Delete
    at.run()
    assert not at.exception
    assert _deleted_notes(at) == ["The run “newest” was deleted (in another tab?); pick another."]
    assert at.selectbox(key=picker).value is None  # not silently the other run
    assert at.selectbox(key=picker).options == ["older · random · pooling · test acc 100.0%"]
    if page == "train":  # nothing of the deleted run is offered
        assert not at.get("download_button")
    at.selectbox(key=picker).set_value("run-older").run()
    assert not at.exception and not _deleted_notes(at)
    assert at.selectbox(key=picker).value == "run-older"


def test_the_last_run_deleted_elsewhere_is_said_too(workspace, project_root):
    at = _page(project_root, "predict")
    at.selectbox(key="predict.run").set_value("run-older").run()
    shutil.rmtree(workspace / "run-newest")
    shutil.rmtree(workspace / "run-older")
    at.run()
    assert _deleted_notes(at) == ["The run “older” was deleted (in another tab?); pick another."]
    assert any("No trained runs yet" in info.value for info in at.info)


def test_deleting_in_this_tab_is_not_reported_as_another_tabs(workspace, project_root):
    at = _page(project_root, "train")
    at.button(key="train.delete").click().run()
    at.button(key="train.delete_yes").click().run()
    assert not at.exception and not (workspace / "run-newest").exists()
    assert not _deleted_notes(at) and at.selectbox(key="train.run_pick").value == "run-older"


@pytest.fixture
def downloads(monkeypatch):
    """The data the page hands to each download button, by label (AppTest cannot press them)."""
    given = {}
    original = type(st.sidebar).download_button

    def spy(self, label, data, *args, **kwargs):
        given[label] = data
        return original(self, label, data, *args, **kwargs)

    monkeypatch.setattr(type(st.sidebar), "download_button", spy)
    return given


def test_a_stale_runs_tabs_downloads_refuse_a_deleted_run(workspace, project_root, downloads):
    _page(project_root, "train")
    archive = downloads["Download .zip"]()
    with zipfile.ZipFile(io.BytesIO(archive)) as opened:
        assert "run-newest/model.keras" in opened.namelist()
    shutil.rmtree(workspace / "run-newest")  # another tab's Delete; this tab still shows the buttons
    for label in ("Download .zip", "Download .keras"):
        with pytest.raises(EmbedLabError, match="the run “newest” was deleted \\(in another tab\\?\\)"):
            downloads[label]()


@pytest.mark.parametrize(("page", "picker"), [("train", "train.compare"), ("predict", "predict.compare")])
def test_a_compared_run_deleted_in_another_tab_leaves_the_comparison_by_name(workspace, project_root, page, picker):
    _third_run(workspace)  # so two are left to compare after the delete
    at = _page(project_root, page)
    if page == "predict":
        _passage(at.selectbox(key="predict.run").set_value("run-older").run(), "a fine film")
        at.multiselect(key=picker).set_value(["run-newest", "run-third"]).run()
    assert "run-newest" in at.multiselect(key=picker).value
    shutil.rmtree(workspace / "run-newest")  # another tab's Delete
    at.run()
    assert not at.exception
    assert [warning.value for warning in at.warning if "compared" in warning.value] == [
        "“newest” was deleted (in another tab?), so no longer compared here."]
    assert "run-newest" not in at.multiselect(key=picker).value and "run-third" in at.multiselect(key=picker).value
    at.run()
    assert not [warning.value for warning in at.warning if "compared" in warning.value]  # said once


def test_the_run_predict_shows_is_not_offered_beside_itself_and_is_not_called_deleted(workspace, project_root):
    _third_run(workspace)
    at = _page(project_root, "predict")
    at = _passage(at.selectbox(key="predict.run").set_value("run-older").run(), "a fine film")
    at.multiselect(key="predict.compare").set_value(["run-newest"]).run()
    at.selectbox(key="predict.run").set_value("run-newest").run()  # the compared run becomes the page's own
    assert not at.exception
    assert at.multiselect(key="predict.compare").value == []
    assert not [warning.value for warning in at.warning if "deleted" in warning.value]
