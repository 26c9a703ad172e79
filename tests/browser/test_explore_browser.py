"""Explore page in a real browser: a GloVe map, "king" found and labelled on it, two runs compared."""

import re

import pytest

from tests.browser.conftest import choose_radio, screenshot, wait_until_idle
from tests.conftest import train_tiny_run

pytestmark = pytest.mark.browser

WORKSPACE = "explorebrowser"
SLOW = 240_000  # a first UMAP map on a loaded machine


def test_map_search_and_compare_two_runs(app_server, page):
    train_tiny_run(app_server.runs_dir / WORKSPACE, name="tiny pooling")
    train_tiny_run(app_server.runs_dir / WORKSPACE, encoder="conv1d", name="tiny conv")
    page.set_viewport_size({"width": 1400, "height": 2200})
    page.goto(f"{app_server.url}/explore?workspace={WORKSPACE}")
    wait_until_idle(page, SLOW)
    plot = page.locator(".js-plotly-plot").first
    plot.wait_for(state="visible", timeout=SLOW)
    assert page.get_by_text("Trustworthiness at k=10").count() == 1
    # Frequent telling words are written on the map as SVG text; stop words and punctuation are not.
    labels = [text.strip() for text in plot.locator(".annotation-text").all_text_contents()]
    assert len(labels) >= 20 and {"the", "to", ",", "."}.isdisjoint(labels)
    screenshot(page, "explore_map")

    # A box drawn over the middle of the map lists the words inside it, ready to download.
    plot.hover()
    plot.locator('.modebar-btn[data-title="Box Select"]').click()
    area = plot.locator(".nsewdrag").first.bounding_box()
    page.mouse.move(area["x"] + area["width"] * 0.25, area["y"] + area["height"] * 0.25)
    page.mouse.down()
    page.mouse.move(area["x"] + area["width"] * 0.75, area["y"] + area["height"] * 0.75, steps=12)
    page.mouse.up()
    wait_until_idle(page, SLOW)
    selected = page.get_by_text(re.compile(r"^[0-9,]+ words selected$"))
    selected.wait_for(state="visible", timeout=SLOW)
    assert 0 < int(selected.inner_text().split()[0].replace(",", "")) < 2_000
    assert page.get_by_text("Download the selection (CSV)").count() == 1
    page.wait_for_timeout(1_500)  # the table is a canvas grid; let it paint before the picture
    screenshot(page, "explore_selection")

    search = page.get_by_label("Find a word on the map")
    search.fill("king")
    search.press("Enter")
    wait_until_idle(page, SLOW)
    found = page.get_by_test_id("stAlertContentSuccess").first
    found.wait_for(state="visible")
    assert "king — nearest on this map's words: prince" in found.inner_text()
    label = page.locator(".js-plotly-plot .annotation-text").filter(has_text="king")
    assert label.count() >= 1  # "king" drawn on the map itself, not only listed
    screenshot(page, "explore_search_king")

    page.get_by_text("Compare two sources").click()
    wait_until_idle(page, SLOW)
    choose_radio(page, "A run's learned embedding", 0, SLOW)
    choose_radio(page, "A run's learned embedding", 1, SLOW)
    page.get_by_test_id("stSelectbox").nth(1).click()
    page.get_by_role("option").nth(1).click()
    wait_until_idle(page, SLOW)
    page.get_by_text("The words that moved most").wait_for(state="visible", timeout=SLOW)
    assert page.get_by_test_id("stAlertContentError").count() == 0
    assert page.locator(".js-plotly-plot").count() >= 1
    titles = [title.text_content() for title in page.locator(".js-plotly-plot .gtitle").all()]
    assert any("(learned) → tiny" in title for title in titles), titles
    assert page.locator(".js-plotly-plot").count() == 1  # the PCA preview was replaced, not left above
    screenshot(page, "explore_compare_runs")


def _number_in(page, label: str) -> str:
    return page.get_by_label(label, exact=True).input_value()


def test_map_settings_survive_map_compare_map(app_server, page):
    page.set_viewport_size({"width": 1400, "height": 1400})
    page.goto(f"{app_server.url}/explore?workspace=exploresettings")
    wait_until_idle(page, SLOW)
    page.locator(".js-plotly-plot").first.wait_for(state="visible", timeout=SLOW)
    page.get_by_test_id("stMain").get_by_text("PCA", exact=True).click()
    wait_until_idle(page, SLOW)
    words = page.get_by_label("How many (most frequent first)", exact=True)
    words.fill("10000")
    words.press("Enter")
    wait_until_idle(page, SLOW)
    page.get_by_text("10,000 words, PCA 2D").first.wait_for(state="attached", timeout=SLOW)  # the map's title

    page.get_by_text("Compare two sources", exact=True).click()
    wait_until_idle(page, SLOW)
    page.get_by_text("Pick two different sources").wait_for()  # the Compare view, whose widgets differ
    page.get_by_text("Map", exact=True).first.click()
    wait_until_idle(page, SLOW)
    assert _number_in(page, "How many (most frequent first)") == "10000"  # not reset to 2000
    page.get_by_text("10,000 words, PCA 2D").first.wait_for(state="attached", timeout=SLOW)
    screenshot(page, "explore_settings_kept")
