"""The workspace in a visitor's link (AppTest): valid names kept, anything else refused out loud.

Before: ``?workspace=abc%0A`` was accepted (a runs folder named ``abc\\n``), and other invalid
names silently got a random workspace, so a visitor with a mangled link saw their runs vanish.
"""

from __future__ import annotations

import re

import pytest
from streamlit.testing.v1 import AppTest

from embedlab_ui.streamlit_internals import apptest_runs_app_py


def valid_workspace_name(name: str) -> bool:
    return re.fullmatch(r"[A-Za-z0-9_-]{1,64}", name) is not None


@pytest.fixture
def app(project_root, tmp_path, monkeypatch) -> AppTest:
    monkeypatch.setenv("EMBEDLAB_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("EMBEDLAB_RUNS_DIR", str(tmp_path / "runs"))
    monkeypatch.delenv("EMBEDLAB_VECTORS_DIR", raising=False)
    at = AppTest.from_file(str(project_root / "app.py"), default_timeout=60)
    with apptest_runs_app_py():
        yield at


def _warnings(at: AppTest) -> str:
    return "\n".join(warning.value for warning in at.main.warning)


@pytest.mark.parametrize("name", ["abc\n", "abc\r\n", "../escape", "a b", "x" * 65, "ünïcode", "<b>bold</b>"])
def test_an_invalid_link_gets_a_new_workspace_and_a_warning(app, name):
    app.query_params["workspace"] = name
    at = app.run()
    assert not at.exception
    given = at.session_state["workspace"]
    assert given != name and valid_workspace_name(given)
    assert at.query_params["workspace"] == given  # the address bar now holds the new, valid link
    warning = _warnings(at)
    assert "The workspace in your link" in warning and "is not a valid name" in warning and given in warning


def test_the_warning_shows_the_link_text_as_plain_text(app):
    app.query_params["workspace"] = "<b>x</b>\n"
    at = app.run()
    warning = _warnings(at)
    # repr() shows the newline as \n; Markdown marks are escaped, so nothing is rendered as HTML.
    assert "'\\<b\\>x\\</b\\>\\\\n'" in warning


@pytest.mark.parametrize("name", ["k3J9xQ7pLm2w", "Team_2-runs-7fQx9Lz", "x" * 30 + "Q7pLm2w"])
def test_a_valid_link_keeps_its_workspace_without_a_warning(app, name):
    app.query_params["workspace"] = name
    at = app.run()
    assert at.session_state["workspace"] == name and not _warnings(at)


@pytest.mark.parametrize("name", ["a", "abc", "test", "Team_2-runs", "class-2024", "demo_1", "x" * 64, "embedlab-lab"])
def test_a_guessable_name_is_kept_with_a_warning_and_a_fresh_private_link(app, name):
    """Old links keep working, but the visitor learns anyone can guess the name, and gets a private one."""
    app.query_params["workspace"] = name
    at = app.run()
    assert not at.exception
    assert at.session_state["workspace"] == name and at.query_params["workspace"] == name  # still accepted
    warning = _warnings(at)
    assert "anyone can guess it" in warning and "see, rename and delete its runs" in warning
    [fresh] = re.findall(r"\]\(\?workspace=([^)]+)\)", warning)  # a Markdown link to a fresh workspace
    assert valid_workspace_name(fresh) and len(fresh) >= 12 and fresh != name
    at.run()
    assert re.findall(r"\]\(\?workspace=([^)]+)\)", _warnings(at)) == [fresh]  # the same link on every rerun


def test_no_workspace_in_the_link_is_a_new_visitor_not_an_error(app):
    at = app.run()
    assert valid_workspace_name(at.session_state["workspace"]) and not _warnings(at)


@pytest.mark.parametrize("page", ["pages/train.py", "pages/explore.py", "pages/data.py"])
def test_a_guessable_link_is_warned_about_once_on_pages_that_read_the_runs_folder(app, page):
    """Pages that list runs, kept datasets or studies ask the name again; only app.py says what is wrong."""
    app.query_params["workspace"] = "demo_1"
    app.run()
    at = app.switch_page(page).run()
    assert not at.exception
    assert _warnings(at).count("anyone can guess it") == 1
