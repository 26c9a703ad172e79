"""Optional login end to end: st.login against a real OIDC provider on loopback, in Chromium.

With ``[auth]`` in the secrets, Ada logs in, trains a tiny run, logs out; Bob logs in and sees
none of her runs, not even with her workspace's name in the address; Ada, logging in again from
a fresh browser, finds her run. Without ``[auth]`` (the shared server) nothing asks for a login.

The app server reads a ``secrets.toml`` written to this test's temporary folder, named by
``STREAMLIT_SECRETS_FILES``: the repository's ``.streamlit/`` folder is never written.
"""

from __future__ import annotations

import pytest

from embedlab_ui.login import identity_workspace_name
from tests.browser.conftest import AppServer, screenshot, wait_until_idle
from tests.browser.oidc_provider import SECRETS_FILES_ENV, oidc_provider, write_auth_secrets

pytestmark = pytest.mark.browser

USERS = {"ada": {"email": "ada@school.example", "name": "Ada Lovelace"},
         "bob": {"email": "bob@school.example", "name": "Bob"}}


@pytest.fixture(scope="module")
def login_server(tmp_path_factory):
    """An app server whose secrets have ``[auth]`` for a provider on loopback; yields (server, issuer)."""
    folder = tmp_path_factory.mktemp("login")
    with oidc_provider(USERS) as issuer:
        server = AppServer(folder / "runs", folder / "streamlit.log")
        secrets_file = write_auth_secrets(folder, issuer, server.port, ["ada@school.example"])
        with pytest.MonkeyPatch.context() as patch:  # only this server: the shared one must start without [auth]
            patch.setenv(SECRETS_FILES_ENV, str(secrets_file))
            server.start()
        try:
            yield server, issuer
        finally:
            server.stop()


def log_in(page, url: str, subject: str) -> None:
    """Open ``url``, press Log in, pick ``subject`` on the provider's form, and wait for the app to come back."""
    page.goto(url)
    wait_until_idle(page)
    page.get_by_role("button", name="Log in", exact=True).click()
    page.get_by_role("button", name=subject, exact=True).click()  # the provider's one-click user
    page.get_by_text(f"Logged in as {USERS[subject]['name']}").wait_for()
    wait_until_idle(page)


def open_runs_tab(page) -> None:
    page.get_by_role("tab", name="Runs").click()
    wait_until_idle(page)


def test_a_login_keeps_runs_to_its_identity(login_server, browser):
    server, issuer = login_server
    ada_workspace = identity_workspace_name(issuer, "ada")
    contexts = []

    def new_page():
        context = browser.new_context(viewport={"width": 1400, "height": 1000})
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(60_000)
        return page

    try:
        ada = new_page()
        # The login screen at any address, not "page not found" ("train" first: a fresh server's first deep link must
        # name a page of pages/, see embedlab_ui.streamlit_internals; "login" is the login screen's own address).
        for path in ("train", "login", "predict"):
            ada.goto(f"{server.url}/{path}")
            wait_until_idle(ada)
            assert ada.get_by_text("asks you to log in").is_visible()
            assert ada.get_by_role("dialog").count() == 0 and ada.get_by_test_id("stException").count() == 0
        assert ada.get_by_role("tab", name="Runs").count() == 0  # no page before the login
        screenshot(ada, "login_screen")
        log_in(ada, server.url, "ada")
        assert ada.get_by_text("Logged in as Ada Lovelace (instructor)").is_visible()  # listed in the secrets

        # A tiny run on the built-in 200 sentences: one epoch of average pooling.
        ada.get_by_test_id("stSidebarNav").get_by_text("Train", exact=True).click()
        wait_until_idle(ada)
        ada.get_by_label("Encoder").first.click()
        ada.get_by_role("option", name="Average pooling", exact=True).click()
        ada.wait_for_timeout(1_000)
        wait_until_idle(ada)
        box = ada.get_by_label("Epochs", exact=True)
        box.fill("1")
        box.press("Enter")
        wait_until_idle(ada)
        ada.get_by_role("button", name="Train", exact=True).click()
        ada.get_by_role("heading", name="Results: random pooling").wait_for(timeout=300_000)
        wait_until_idle(ada)
        assert [path.name for path in (server.runs_dir / ada_workspace).iterdir() if path.is_dir()]
        screenshot(ada, "login_trained")

        ada.get_by_role("button", name="Log out").click()
        ada.get_by_role("button", name="End session").click()  # the provider's own logout form
        ada.get_by_role("button", name="Log in", exact=True).wait_for()
        ada.goto(f"{server.url}/train")  # logged out for good, not just this tab
        wait_until_idle(ada)
        assert ada.get_by_role("button", name="Log in", exact=True).is_visible()

        bob = new_page()
        log_in(bob, server.url, "bob")
        assert bob.get_by_text("(instructor)").count() == 0
        bob.goto(f"{server.url}/train?workspace={ada_workspace}")  # Ada's workspace, named in the address
        wait_until_idle(bob)
        bob.get_by_text("was not opened").wait_for()
        assert "workspace=" not in bob.url
        open_runs_tab(bob)
        assert bob.get_by_text("No runs yet").first.is_visible()
        assert bob.get_by_label("Name", exact=True).count() == 0  # no run to name
        screenshot(bob, "login_other_identity")

        again = new_page()  # Ada from another browser: her run is there
        log_in(again, f"{server.url}/train", "ada")
        again.get_by_test_id("stSidebarNav").get_by_text("Train", exact=True).click()
        wait_until_idle(again)
        open_runs_tab(again)
        again.get_by_role("button", name="Download .zip").wait_for()
        assert again.get_by_label("Name", exact=True).input_value() == "random pooling"
    finally:
        for context in contexts:
            context.close()


def test_without_auth_nothing_asks_for_a_login(app_server, page):
    page.goto(f"{app_server.url}/?workspace=nologinXq7Lm2w")
    wait_until_idle(page)
    page.get_by_role("heading", name="Data").first.wait_for()
    assert page.get_by_role("button", name="Log in").count() == 0
    assert page.get_by_text("asks you to log in").count() == 0
    assert page.get_by_role("button", name="Log out").count() == 0
