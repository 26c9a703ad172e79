"""Sidebar vector picker (AppTest): built-in GloVe by default, server files, refused paths, errors."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from embedlab_ui.streamlit_internals import apptest_runs_app_py
from embedlab_ui.vectors import BUILT_IN, SERVER_FILE

SMALL_GLOVE = "cat 0.1 0.2 0.3\ndog 0.2 0.1 0.3\nfish 0.9 0.8 0.7\n"


@pytest.fixture
def app(project_root, tmp_path, monkeypatch) -> AppTest:
    monkeypatch.setenv("EMBEDLAB_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("EMBEDLAB_VECTORS_DIR", raising=False)
    at = AppTest.from_file(str(project_root / "app.py"), default_timeout=60)
    at.session_state["workspace"] = "apptest"
    with apptest_runs_app_py():  # the sidebar lives in app.py, which AppTest would otherwise skip
        yield at


def _captions(at: AppTest) -> str:
    return "\n".join(caption.value for caption in at.sidebar.caption)


def _errors(at: AppTest) -> str:
    return "\n".join(error.value for error in at.sidebar.error)


def test_default_is_built_in_glove_and_ready(app):
    at = app.run()
    assert not at.exception
    assert at.sidebar.radio(key="vectors.source").value == BUILT_IN
    assert "GloVe 6B 50d" in _captions(at)
    assert "400,000 words · 50 dimensions" in _captions(at)


def test_server_folder_file_becomes_the_current_vectors_on_every_page(app, tmp_path, monkeypatch):
    folder = tmp_path / "vectors"
    folder.mkdir()
    (folder / "small.txt").write_text(SMALL_GLOVE)
    monkeypatch.setenv("EMBEDLAB_VECTORS_DIR", str(folder))
    at = app.run()
    at.sidebar.radio(key="vectors.source").set_value(SERVER_FILE).run()
    assert at.sidebar.selectbox(key="vectors.server_file").options == ["small.txt"]
    at.sidebar.selectbox(key="vectors.server_file").select("small.txt").run()
    assert not at.exception and not at.sidebar.error
    assert "small.txt** · 3 words · 3 dimensions" in _captions(at)
    at.switch_page("pages/predict.py").run()
    assert "small.txt** · 3 words · 3 dimensions" in _captions(at)  # the choice follows the visitor
    at.sidebar.radio(key="vectors.source").set_value(BUILT_IN).run()
    assert "400,000 words" in _captions(at)


def test_path_outside_the_folder_is_refused_and_default_kept(app, tmp_path, monkeypatch):
    folder = tmp_path / "vectors"
    folder.mkdir()
    (tmp_path / "secret.txt").write_text(SMALL_GLOVE)
    monkeypatch.setenv("EMBEDLAB_VECTORS_DIR", str(folder))
    at = app.run()
    at.sidebar.radio(key="vectors.source").set_value(SERVER_FILE).run()
    at.sidebar.text_input(key="vectors.server_path").input("../secret.txt").run()
    assert not at.exception
    assert "outside the vectors folder" in _errors(at)
    assert "400,000 words" in _captions(at)


def test_bad_path_shows_an_error_and_the_page_still_renders(app, tmp_path):
    bad = tmp_path / "bad.txt"
    bad.write_text("cat 0.1 0.2 0.3\ndog 0.2 oops 0.3\n")
    at = app.run()
    at.sidebar.radio(key="vectors.source").set_value(SERVER_FILE).run()
    at.sidebar.text_input(key="vectors.path").input(str(tmp_path / "missing.txt")).run()
    assert not at.exception
    assert "no file at" in _errors(at)
    assert "400,000 words" in _captions(at)
    assert at.title[0].value == "Data"  # the page below the sidebar still renders
    at.sidebar.text_input(key="vectors.path").input(str(bad)).run()
    assert "line 2" in _errors(at) and "'oops' is not a number" in _errors(at)
    assert "400,000 words" in _captions(at)


def test_good_file_then_bad_file_keeps_the_good_one(app, tmp_path):
    good, bad = tmp_path / "good.vec", tmp_path / "bad.vec"
    good.write_text("2 3\n" + "\n".join(SMALL_GLOVE.splitlines()[:2]) + "\n")
    bad.write_text("")
    at = app.run()
    at.sidebar.radio(key="vectors.source").set_value(SERVER_FILE).run()
    at.sidebar.text_input(key="vectors.path").input(str(good)).run()
    assert "good.vec** · 2 words · 3 dimensions" in _captions(at)
    at.sidebar.text_input(key="vectors.path").input(str(bad)).run()
    assert "is empty" in _errors(at)
    assert "good.vec** · 2 words" in _captions(at)
    assert "Still using the vectors picked before." in _captions(at)


def test_a_picked_file_that_disappears_falls_back_to_glove_with_a_message(app, tmp_path):
    path = tmp_path / "gone.txt"
    path.write_text(SMALL_GLOVE)
    at = app.run()
    at.sidebar.radio(key="vectors.source").set_value(SERVER_FILE).run()
    at.sidebar.text_input(key="vectors.path").input(str(path)).run()
    assert "gone.txt** · 3 words" in _captions(at)
    path.unlink()
    at.run()
    assert not at.exception
    assert "no file at" in _errors(at)
    assert "400,000 words" in _captions(at)
    assert "Using the built-in GloVe instead." in _captions(at)


def test_rows_left_out_of_a_file_are_counted_in_the_sidebar(app, tmp_path):
    path = tmp_path / "with_nan.txt"
    path.write_text(SMALL_GLOVE + "nan* nan 0.1 0.2\nbig 3e38 3e38 0\n")
    at = app.run()
    at.sidebar.radio(key="vectors.source").set_value(SERVER_FILE).run()
    at.sidebar.text_input(key="vectors.path").input(str(path)).run()
    assert not at.exception and not at.sidebar.error
    assert "with_nan.txt** · 3 words · 3 dimensions" in _captions(at)
    warnings = "\n".join(warning.value for warning in at.sidebar.warning)
    assert "2 words of with_nan.txt left out ('nan\\*', 'big')" in warnings and "NaN or infinite" in warnings


def test_an_oversized_file_is_refused_by_size_with_the_limit(app, tmp_path, monkeypatch):
    monkeypatch.setenv("EMBEDLAB_MAX_VECTOR_MB", "1")
    path = tmp_path / "huge.txt"
    with open(path, "wb") as handle:
        handle.truncate(3_000_000)  # sparse: 3 MB that take no disk
    at = app.run()
    at.sidebar.radio(key="vectors.source").set_value(SERVER_FILE).run()
    at.sidebar.text_input(key="vectors.path").input(str(path)).run()
    assert not at.exception
    assert "huge.txt is 3.00 MB; vector files are limited to 1.00 MB" in _errors(at)
    assert "400,000 words" in _captions(at)
