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


def test_the_first_screen_welcomes_a_new_visitor_in_one_strip_that_can_be_closed(app_server, page):
    page.set_viewport_size({"width": 1280, "height": 720})
    page.goto(app_server.url)
    wait_until_idle(page)
    strip = page.locator(".st-key-welcome-strip")
    strip.wait_for(state="visible")
    text = strip.inner_text()
    assert "trains a sentiment classifier on word vectors" in text  # what the app is for
    assert "Data (pick or upload labelled texts) → Train → Explore (word maps) · Analogies · Predict" in text
    workspace = page.url.split("workspace=")[1]
    assert "This page's address keeps your work" in text and workspace in text
    box = strip.bounding_box()
    assert box["y"] + box["height"] < 720 and box["height"] < 160  # on the first screen, and compact
    screenshot(page, "welcome_1280x720")
    page.get_by_test_id("stSidebarNav").get_by_text("Train", exact=True).click()
    page.wait_for_url("**/train?**")
    page.get_by_test_id("stMain").get_by_role("heading", name="Train", exact=True).wait_for()
    wait_until_idle(page)
    assert page.locator(".st-key-welcome-strip").count() == 0  # the first screen only
    page.get_by_test_id("stSidebarNav").get_by_text("Data", exact=True).click()
    page.locator(".st-key-welcome-strip").wait_for(state="visible")
    wait_until_idle(page)
    page.locator(".st-key-welcome-strip").get_by_role("button").click()
    wait_until_idle(page)
    assert page.locator(".st-key-welcome-strip").count() == 0  # closed, it stays closed
    assert page.get_by_test_id("stMain").get_by_role("heading", name="Data", exact=True).is_visible()
