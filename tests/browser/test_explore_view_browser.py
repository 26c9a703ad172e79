"""Explore's view in a real browser: a copied address opens the same view, settings survive Map → Compare → Map
with a run's embedding (and the download then gives a file), a read-only link shows the map without the owner's
runs, and the map is on the first screen."""

import re

import pytest

from tests.browser.conftest import choose_radio, wait_until_idle
from tests.conftest import train_tiny_run

pytestmark = pytest.mark.browser

SLOW = 240_000  # a first UMAP map on a loaded machine
RUN_SOURCE = "A run's learned embedding"


def _open_explore(page, url: str) -> None:
    page.goto(url)
    wait_until_idle(page, SLOW)
    page.locator(".js-plotly-plot").first.wait_for(state="visible", timeout=SLOW)
    wait_until_idle(page, SLOW)


def _type(page, label: str, text: str) -> None:
    box = page.get_by_label(label, exact=True)
    box.fill(text)
    box.press("Enter")
    wait_until_idle(page, SLOW)


def _map_title(page, text: str) -> None:
    page.locator(".js-plotly-plot .gtitle").filter(has_text=text).first.wait_for(state="attached", timeout=SLOW)


def test_a_copied_view_address_opens_the_same_view_in_a_fresh_browser(app_server, browser, page):
    _open_explore(page, f"{app_server.url}/explore?workspace=viewlinkowner01")
    page.get_by_test_id("stMain").get_by_text("PCA", exact=True).click()
    wait_until_idle(page, SLOW)
    _type(page, "How many (most frequent first)", "500")
    _type(page, "Find a word on the map", "film")
    _map_title(page, "500 words, PCA 2D")
    address = page.url
    assert {"top_n=500", "method=pca", "search=film"} <= set(address.split("?")[1].split("&"))

    context = browser.new_context(viewport={"width": 1400, "height": 1000})  # someone else's browser
    other = context.new_page()
    other.set_default_timeout(60_000)
    _open_explore(other, address)
    _map_title(other, "500 words, PCA 2D")
    assert other.get_by_label("How many (most frequent first)", exact=True).input_value() == "500"
    assert other.get_by_role("radio", name="PCA", exact=True).is_checked()
    assert other.get_by_label("Find a word on the map", exact=True).input_value() == "film"
    assert "film — nearest on this map's words" in other.get_by_test_id("stAlertContentSuccess").first.inner_text()
    context.close()


def test_settings_survive_map_compare_map_with_a_runs_embedding_and_the_download_gives_a_file(app_server, page):
    workspace = "viewroundtrip01"
    train_tiny_run(app_server.runs_dir / workspace, name="tiny older", epochs=3)
    train_tiny_run(app_server.runs_dir / workspace, name="tiny newer", epochs=3)
    _open_explore(page, f"{app_server.url}/explore?workspace={workspace}")
    choose_radio(page, RUN_SOURCE, 0, SLOW)
    page.get_by_role("combobox", name="Run", exact=True).click()
    page.get_by_role("option").filter(has_text="tiny older").click()
    wait_until_idle(page, SLOW)
    page.get_by_test_id("stMain").get_by_text("PCA", exact=True).click()
    wait_until_idle(page, SLOW)
    _type(page, "How many (most frequent first)", "30")
    _map_title(page, "tiny older (learned): 30 words, PCA 2D")

    page.get_by_text("Compare two sources", exact=True).click()
    wait_until_idle(page, SLOW)
    choose_radio(page, RUN_SOURCE, 0, SLOW)  # a run picked in Compare: the second run of that view
    page.get_by_text("The words that moved most").wait_for(state="visible", timeout=SLOW)
    page.get_by_text("Map", exact=True).first.click()
    wait_until_idle(page, SLOW)

    # The browser shows what was set, not the widgets' own defaults (10 words, current vectors, UMAP).
    assert page.get_by_label("How many (most frequent first)", exact=True).input_value() == "30"
    assert page.get_by_role("radio", name=RUN_SOURCE, exact=True).is_checked()
    assert page.get_by_role("radio", name="PCA", exact=True).is_checked()
    assert page.get_by_role("combobox", name="Run", exact=True).input_value().startswith("tiny older")
    _type(page, "Find a word on the map", "good")  # the next action keeps them too: no 10-dot map
    _map_title(page, "tiny older (learned): 30 words, PCA 2D")

    page.get_by_text("Export", exact=True).click()
    with page.expect_download(timeout=60_000) as download:
        page.get_by_text("Coordinates (CSV)").click()
    lines = open(download.value.path(), encoding="utf-8").read().splitlines()
    assert lines[0].startswith("word,") and len(lines) == 1 + 30


def test_a_read_only_view_link_shows_the_map_without_the_owners_runs_or_delete(app_server, browser, page):
    owner = "viewreadonlyowner01"
    train_tiny_run(app_server.runs_dir / owner, name="tiny shared", epochs=3)
    _open_explore(page, f"{app_server.url}/explore?workspace={owner}")
    choose_radio(page, RUN_SOURCE, 0, SLOW)
    _map_title(page, "tiny shared (learned)")
    page.get_by_text("Copy link to this view").click()
    page.get_by_text("Make a read-only link").click()
    wait_until_idle(page, SLOW)
    link = page.get_by_test_id("stCode").filter(has_text="shared=").inner_text().replace("\n", "").strip()
    assert re.search(r"shared=[0-9a-f]{32}", link) and "workspace=" not in link and "run=" not in link

    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    student = context.new_page()
    student.set_default_timeout(60_000)
    _open_explore(student, link)
    _map_title(student, "tiny shared (learned)")
    assert student.get_by_text("A read-only view someone shared").count() == 1
    assert f"workspace={owner}" not in student.url  # the student has a workspace of their own
    assert student.get_by_role("radio", name=RUN_SOURCE, exact=True).count() == 0  # no picker of anyone's runs
    student.get_by_role("link", name="Train").click()
    wait_until_idle(student, SLOW)
    assert student.get_by_text("tiny shared").count() == 0
    assert student.get_by_role("button", name=re.compile("Delete")).count() == 0
    context.close()


@pytest.mark.parametrize("width, height", [(1280, 720), (1440, 900)])
def test_the_map_is_on_the_first_screen(app_server, page, width, height):
    page.set_viewport_size({"width": width, "height": height})
    _open_explore(page, f"{app_server.url}/explore?workspace=viewfirstscreen01")
    _map_title(page, "UMAP 2D")
    box = page.locator(".js-plotly-plot").first.bounding_box()
    on_screen = min(box["y"] + box["height"], height) - max(box["y"], 0)
    assert box["y"] < height / 2, box  # it starts in the upper half of the first screen, no scrolling
    assert on_screen >= (0.8 if height < 900 else 1.0) * box["height"], box
