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
    assert "vectors/small.txt" in at.sidebar.selectbox(key="vectors.server_file").options
    at.sidebar.selectbox(key="vectors.server_file").select("vectors/small.txt").run()
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
    assert "is not one of this server's vector files" in _errors(at)
    assert "400,000 words" in _captions(at)


@pytest.fixture
def offered(app, tmp_path, monkeypatch):
    """The admin's vectors folder, set with EMBEDLAB_VECTORS_DIR, and the sidebar switched to it."""
    folder = tmp_path / "offered"
    folder.mkdir()
    monkeypatch.setenv("EMBEDLAB_VECTORS_DIR", str(folder))
    at = app.run()
    at.sidebar.radio(key="vectors.source").set_value(SERVER_FILE).run()
    return at, folder


def _type_path(at: AppTest, typed: str) -> AppTest:
    return at.sidebar.text_input(key="vectors.server_path").input(typed).run()


SECRET = "root:$6$secret:19000:0:99999:7:::\n"


@pytest.mark.parametrize("typed", [
    "{outside}/secret.conf",            # an absolute path to a file that exists
    "{outside}/no-such-file.txt",       # an absolute path to nothing
    "{outside}",                        # an absolute path to a folder
    "../outside/secret.conf",           # climbing out of the folder
    "/etc/passwd",
    "/etc",
    "~/../../etc/hostname",
    "link-to-secret.txt",               # a symlink inside the folder that points outside
])
def test_no_path_outside_the_allowed_folders_is_read_or_told_apart(offered, tmp_path, typed):
    at, folder = offered
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.conf").write_text(SECRET + "password 1 2\n")
    (folder / "link-to-secret.txt").symlink_to(outside / "secret.conf")
    _type_path(at, typed.format(outside=outside))
    assert not at.exception
    errors = _errors(at)
    assert "is not one of this server's vector files" in errors  # the same words whether it exists or not
    assert "$6$secret" not in errors and "password" not in errors and "root:" not in errors
    assert "is a folder" not in errors and "no file" not in errors
    assert "400,000 words" in _captions(at)


def test_the_list_offers_the_folder_and_gensims_samples_but_not_links_out_of_the_folder(offered, tmp_path):
    at, folder = offered
    (folder / "small.txt").write_text(SMALL_GLOVE)
    (folder / "sub").mkdir()
    (folder / "sub" / "more.vec").write_text("1 3\ncat 0.1 0.2 0.3\n")
    (tmp_path / "elsewhere.txt").write_text(SMALL_GLOVE)
    (folder / "link.txt").symlink_to(tmp_path / "elsewhere.txt")
    options = _type_path(at, "").sidebar.selectbox(key="vectors.server_file").options
    assert "vectors/small.txt" in options and "vectors/sub/more.vec" in options
    assert "samples/test_glove.txt" in options
    assert "vectors/link.txt" not in options
    at.sidebar.selectbox(key="vectors.server_file").select("samples/test_glove.txt").run()
    assert not at.exception and not at.sidebar.error
    assert "test_glove.txt**" in _captions(at)


def test_without_a_vectors_folder_setting_only_the_samples_and_the_cache_folder_are_offered(app, tmp_path):
    outside = tmp_path / "anywhere.txt"
    outside.write_text(SMALL_GLOVE)
    at = app.run()
    at.sidebar.radio(key="vectors.source").set_value(SERVER_FILE).run()
    _type_path(at, str(outside))
    assert "is not one of this server's vector files" in _errors(at)
    (tmp_path / "cache" / "vectors" / "dropped.txt").write_text(SMALL_GLOVE)
    _type_path(at, "cache/dropped.txt")
    assert not at.sidebar.error
    assert "dropped.txt** · 3 words" in _captions(at)


def test_a_projector_metadata_file_linked_outside_the_folder_is_not_read(offered, tmp_path):
    at, folder = offered
    (folder / "vectors.tsv").write_text("0.1\t0.2\n0.3\t0.4\n")
    (tmp_path / "private.tsv").write_text("alice\nbob\n")
    (folder / "metadata.tsv").symlink_to(tmp_path / "private.tsv")
    _type_path(at, "vectors.tsv")
    assert "points outside the server's vector folders" in _errors(at)
    assert "alice" not in _errors(at)
    assert "400,000 words" in _captions(at)


def test_a_non_vector_file_in_the_folder_is_refused_without_quoting_it(offered):
    at, folder = offered
    (folder / "notes.txt").write_text("db_password = hunter2\nanother line\n")
    _type_path(at, "notes.txt")
    assert "notes.txt holds no vectors: line 1 is not a word followed by numbers" in _errors(at)
    assert "hunter2" not in _errors(at)


def test_bad_path_shows_an_error_and_the_page_still_renders(offered):
    at, folder = offered
    (folder / "bad.txt").write_text("cat 0.1 0.2 0.3\ndog 0.2 oops 0.3\n")
    _type_path(at, "missing.txt")
    assert not at.exception
    assert "no file vectors/missing.txt" in _errors(at)
    assert "400,000 words" in _captions(at)
    assert at.title[0].value == "Data"  # the page below the sidebar still renders
    _type_path(at, "bad.txt")
    assert "line 2" in _errors(at) and "'oops' is not a number" in _errors(at)
    assert "400,000 words" in _captions(at)


def test_good_file_then_bad_file_keeps_the_good_one(offered):
    at, folder = offered
    (folder / "good.vec").write_text("2 3\n" + "\n".join(SMALL_GLOVE.splitlines()[:2]) + "\n")
    (folder / "bad.vec").write_text("")
    _type_path(at, "good.vec")
    assert "good.vec** · 2 words · 3 dimensions" in _captions(at)
    _type_path(at, "bad.vec")
    assert "is empty" in _errors(at)
    assert "good.vec** · 2 words" in _captions(at)
    assert "Still using the vectors picked before." in _captions(at)


def test_a_picked_file_that_disappears_falls_back_to_glove_with_a_message(offered):
    at, folder = offered
    path = folder / "gone.txt"
    path.write_text(SMALL_GLOVE)
    _type_path(at, "gone.txt")
    assert "gone.txt** · 3 words" in _captions(at)
    path.unlink()
    at.run()
    assert not at.exception
    assert "no file vectors/gone.txt" in _errors(at)
    assert "400,000 words" in _captions(at)
    assert "Using the built-in GloVe instead." in _captions(at)


def test_rows_left_out_of_a_file_are_counted_in_the_sidebar(offered):
    at, folder = offered
    (folder / "with_nan.txt").write_text(SMALL_GLOVE + "nan* nan 0.1 0.2\nbig 3e38 3e38 0\n")
    _type_path(at, "with_nan.txt")
    assert not at.exception and not at.sidebar.error
    assert "with_nan.txt** · 3 words · 3 dimensions" in _captions(at)
    warnings = "\n".join(warning.value for warning in at.sidebar.warning)
    assert "2 words of with_nan.txt left out ('nan\\*', 'big')" in warnings and "NaN or infinite" in warnings


def test_an_oversized_file_is_refused_by_size_with_the_limit(offered, monkeypatch):
    at, folder = offered
    monkeypatch.setenv("EMBEDLAB_MAX_VECTOR_MB", "1")
    with open(folder / "huge.txt", "wb") as handle:
        handle.truncate(3_000_000)  # sparse: 3 MB that take no disk
    _type_path(at, "huge.txt")
    assert not at.exception
    assert "huge.txt is 3.00 MB; vector files are limited to 1.00 MB" in _errors(at)
    assert "400,000 words" in _captions(at)
