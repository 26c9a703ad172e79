"""The login gate in app.py (AppTest): with ``[auth]`` in the secrets the identity decides the workspace.

A visitor not logged in sees the login screen and no workspace is given; a logged-in one gets
their identity's workspace whatever the link says; instructors come from the secrets and the
environment. Without ``[auth]`` nothing asks for a login (the rest of tests/apptest runs so).
The real st.login round trip against an OIDC provider is tests/browser/test_login_browser.py.
"""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from embedlab_ui.login import INSTRUCTORS_ENV, identity_workspace_name
from embedlab_ui.streamlit_internals import apptest_runs_app_py

ISSUER = "https://login.school.example"
AUTH = {"redirect_uri": "http://localhost:8501/oauth2callback", "cookie_secret": "not-used-by-apptest",
        "client_id": "embedlab", "client_secret": "x",
        "server_metadata_url": f"{ISSUER}/.well-known/openid-configuration"}


def ada(**claims) -> dict:
    return {"is_logged_in": True, "iss": ISSUER, "sub": "ada-17", "email": "ada@school.example", "name": "Ada",
            **claims}


@pytest.fixture
def app(project_root, tmp_path, monkeypatch) -> AppTest:
    monkeypatch.setenv("EMBEDLAB_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("EMBEDLAB_RUNS_DIR", str(tmp_path / "runs"))
    monkeypatch.delenv("EMBEDLAB_VECTORS_DIR", raising=False)
    monkeypatch.delenv(INSTRUCTORS_ENV, raising=False)
    at = AppTest.from_file(str(project_root / "app.py"), default_timeout=60)
    at.secrets["auth"] = AUTH
    with apptest_runs_app_py():
        yield at


def _buttons(at: AppTest) -> list[str]:
    return [button.label for button in at.button]


def _sidebar_text(at: AppTest) -> str:
    return "\n".join(text.value for text in at.sidebar.text)


def test_a_visitor_not_logged_in_sees_only_the_login_screen(app):
    app.user = {"is_logged_in": False}
    app.query_params["workspace"] = "k3J9xQ7pLm2w"
    at = app.run()
    assert not at.exception
    assert _buttons(at) == ["Log in"]
    assert "workspace" not in at.session_state  # no page ran, no runs were listed
    assert "log in" in at.markdown[0].value


def test_a_logged_in_visitor_works_in_their_identitys_workspace_with_a_log_out_button(app):
    app.user = ada()
    at = app.run()
    assert not at.exception
    assert at.session_state["workspace"] == identity_workspace_name(ISSUER, "ada-17")
    assert "Logged in as Ada" in _sidebar_text(at) and "Log out" in [button.label for button in at.sidebar.button]
    assert "workspace" not in at.query_params  # the workspace is not a link to pass on


def test_a_workspace_link_does_not_open_another_workspace_for_a_logged_in_visitor(app):
    app.user = ada()
    app.query_params["workspace"] = identity_workspace_name(ISSUER, "bob-18")  # Bob's, or any other
    at = app.run()
    assert at.session_state["workspace"] == identity_workspace_name(ISSUER, "ada-17")
    assert "workspace" not in at.query_params
    assert any("was not opened" in info.value for info in at.info)


def test_instructors_are_listed_in_the_secrets_or_the_environment(app, monkeypatch):
    monkeypatch.setenv(INSTRUCTORS_ENV, "carol@school.example, ADA@school.example")  # both places count
    app.secrets["embedlab"] = {"instructors": ["bob@school.example"]}
    app.user = ada()
    assert "Logged in as Ada (instructor)" in _sidebar_text(app.run())


def test_a_login_that_names_no_one_is_refused_with_a_way_out(app):
    app.user = {"is_logged_in": True, "email": "ada@school.example"}  # no iss, no sub
    at = app.run()
    assert "workspace" not in at.session_state
    assert "did not say who you are" in at.error[0].value and _buttons(at) == ["Log out"]


def test_without_auth_nothing_asks_for_a_login(app):
    app.secrets.clear()
    app.user = {}
    at = app.run()
    assert not at.exception
    assert "Log in" not in _buttons(at) and not _sidebar_text(at)
    assert at.session_state["workspace"] == at.query_params["workspace"]  # the link's capability name, as before


def test_an_auth_section_missing_a_setting_says_so_instead_of_offering_a_broken_login(app):
    app.secrets["auth"] = {key: value for key, value in AUTH.items() if key != "cookie_secret"}
    app.user = {"is_logged_in": False}
    at = app.run()
    assert not at.exception and "Log in" not in _buttons(at)
    assert "lacks cookie_secret" in at.error[0].value and "workspace" not in at.session_state


@pytest.mark.parametrize("listed, may_start", [(["ada@school.example"], True), (["bob@school.example"], False)])
def test_with_login_only_a_listed_instructor_starts_a_class(project_root, app, listed, may_start):  # app: its env
    page = AppTest.from_file(str(project_root / "pages" / "classes.py"), default_timeout=60)
    page.secrets.update({"auth": AUTH, "embedlab": {"instructors": listed}})
    page.user = ada()
    at = page.run()
    at.button(key="classes.start").click().run()
    assert not at.exception
    assert ("classes.instructing" in at.session_state) is may_start
    refused = [error.value for error in at.main.error if "Only the instructors this server lists" in error.value]
    assert bool(refused) is not may_start
    if refused:  # says who is logged in and how to become an instructor
        assert "ada" in refused[0] and INSTRUCTORS_ENV in refused[0]


def test_a_link_naming_the_visitors_own_workspace_opens_it_without_a_note(app):
    app.user = ada()
    app.query_params["workspace"] = identity_workspace_name(ISSUER, "ada-17")  # e.g. a view link they copied
    at = app.run()
    assert at.session_state["workspace"] == identity_workspace_name(ISSUER, "ada-17")
    assert "workspace" not in at.query_params
    assert not any("was not opened" in info.value for info in at.info)


def test_a_link_opened_before_logging_in_is_said_to_need_opening_again(app):
    app.user = {"is_logged_in": False}
    app.query_params["class"] = "K7Q2MX"  # a class's join link: Streamlit's login returns to the first page
    at = app.run()
    assert "open the link you came with again" in at.caption[0].value
