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
