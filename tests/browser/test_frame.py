"""The frame: every page is reachable from the navigation, and a visitor gets a workspace."""

import pytest

from tests.browser.conftest import screenshot, wait_until_idle

pytestmark = pytest.mark.browser

PAGES = ["Data", "Train", "Explore", "Analogies", "Predict"]


def test_navigation_lists_every_page_and_gives_a_workspace(app_server, page):
    page.goto(app_server.url)
    wait_until_idle(page)
    navigation = page.get_by_test_id("stSidebarNav")
    for title in PAGES:
        assert navigation.get_by_text(title, exact=True).is_visible()
    assert "workspace=" in page.url
    screenshot(page, "frame")


@pytest.mark.parametrize("path", ["analogies", "predict", "data"])
def test_a_deep_link_on_a_fresh_server_gets_the_whole_frame(app_server, page, path):
    # Streamlit's old pages/ mode is on until the first st.navigation call of a process,
    # so only the first request after a start shows whether a deep link is routed through app.py.
    app_server.restart()
    page.goto(f"{app_server.url}/{path}?workspace=deeplink")
    wait_until_idle(page)
    navigation = page.get_by_test_id("stSidebarNav")
    navigation.get_by_text(path.title(), exact=True).wait_for()
    for title in PAGES:
        assert navigation.get_by_text(title, exact=True).is_visible()
    assert not navigation.get_by_text("app", exact=True).is_visible()
    assert page.get_by_test_id("stSidebar").get_by_text("Word vectors").is_visible()
    assert "workspace=deeplink" in page.url
    page.get_by_test_id("stMain").get_by_role("heading", name=path.title(), exact=True).wait_for()
    screenshot(page, f"deep_link_{path}")
