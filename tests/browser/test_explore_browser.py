"""Explore page in a real browser: a GloVe map, "king" found and labelled on it, two runs compared; the inspector,
axes made of words, word arithmetic in search, lasso selection, and the largest map the page allows."""

import re
import time
from pathlib import Path

import pytest

from tests.browser.conftest import choose_radio, screenshot, wait_until_idle
from tests.conftest import train_tiny_run

ASSETS = Path(__file__).resolve().parents[2] / "assets"

pytestmark = pytest.mark.browser

WORKSPACE = "explorebrowser"
SLOW = 240_000  # a first UMAP map on a loaded machine
# The size: 100,000 words (PCA, so the browser's part is what is tested). The test took 20 s on 2 quiet
# cores; 62 s at a load of 9.
LARGE_MAP = 100_000


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

    search = page.get_by_label("Find a word on the map", exact=True)
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


def _open_map(page, url: str, workspace: str) -> None:
    page.goto(f"{url}/explore?workspace={workspace}")
    wait_until_idle(page, SLOW)
    page.locator(".js-plotly-plot").first.wait_for(state="visible", timeout=SLOW)


def _pca(page) -> None:
    page.get_by_test_id("stMain").get_by_text("PCA", exact=True).click()
    wait_until_idle(page, SLOW)


def _type(page, label: str, text: str) -> None:
    box = page.get_by_label(label, exact=True)
    box.fill(text)
    box.press("Enter")
    wait_until_idle(page, SLOW)


def _point(page, word: str) -> dict:
    """Where ``word``'s point is drawn in the window, in pixels (read from plotly's own axes), the chart in view."""
    return page.evaluate("""(word) => {
        const plot = document.querySelector('.js-plotly-plot');
        plot.scrollIntoView({block: 'center'});
        const xaxis = plot._fullLayout.xaxis, yaxis = plot._fullLayout.yaxis, box = plot.getBoundingClientRect();
        for (const trace of plot._fullData) {
            const at = Array.from(trace.customdata || []).indexOf(word);
            if (at >= 0) return {x: box.left + xaxis._offset + xaxis.l2p(trace.x[at]),
                                 y: box.top + yaxis._offset + yaxis.l2p(trace.y[at])};
        }
        return null;
    }""", word)


def _asset(page, name: str, locator, block: str = "start") -> None:
    """A 1280×720 picture of the page with ``locator`` at its top (or ``block``), into assets/ for the README."""
    page.set_viewport_size({"width": 1280, "height": 720})
    locator.evaluate("(node, block) => node.scrollIntoView({block: block})", block)
    page.wait_for_timeout(1_000)
    page.screenshot(path=str(ASSETS / f"{name}.png"))


def test_inspector_lists_a_clicked_words_neighbours_in_the_original_space(app_server, page):
    _open_map(page, app_server.url, "exploreinspector")
    choose_radio(page, "A pasted list", 0, SLOW)  # 22 words: a click lands on one point
    _pca(page)
    page.locator(".js-plotly-plot .annotation-text").first.wait_for(state="attached", timeout=SLOW)
    where = _point(page, "paris")
    assert where is not None
    page.mouse.click(where["x"], where["y"])
    wait_until_idle(page, SLOW)
    page.get_by_text("Inspector: the 10 nearest words to “paris” in the original space").wait_for(timeout=SLOW)
    assert page.get_by_label("Find a word on the map", exact=True).input_value() == "paris"  # the click found it
    found = page.get_by_test_id("stAlertContentSuccess").first.inner_text()
    assert "paris — nearest on this map's words: france, london" in found
    label = page.locator(".js-plotly-plot .annotation-text").filter(has_text=re.compile(r"^paris$"))
    assert label.count() == 1 and "bold" in label.first.inner_html()  # the clicked word, set apart
    _asset(page, "explore_inspector_1280x720", page.get_by_text("Inspector: the 10 nearest"), "center")
    page.get_by_text("Isolate", exact=True).click()
    wait_until_idle(page, SLOW)
    assert page.evaluate("document.querySelector('.js-plotly-plot')._fullData.length") == 1  # only the neighbourhood


def test_word_pair_axes_put_good_words_to_the_right_and_a_word_is_found_on_them(app_server, page):
    _open_map(page, app_server.url, "exploreaxes")
    choose_radio(page, "Axes from words", 0, SLOW)
    page.locator(".js-plotly-plot").first.wait_for(state="visible", timeout=SLOW)
    titles = page.locator(".js-plotly-plot .xtitle").all_text_contents()
    assert titles == ["bad awful terrible poor → good great excellent wonderful"]
    assert _point(page, "great")["x"] > _point(page, "bad")["x"]  # further toward good
    assert _point(page, "he")["y"] < _point(page, "she")["y"]  # higher on screen = toward "he"
    _asset(page, "explore_word_axes_1280x720", page.locator(".js-plotly-plot").first)
    page.set_viewport_size({"width": 1400, "height": 1000})
    _type(page, "Find a word on the axes", "excellent")  # found and inspected on the axes, as on a map
    page.get_by_text("Inspector: the 10 nearest words to “excellent” in the original space").wait_for(timeout=SLOW)
    legend = page.locator(".js-plotly-plot .legendtext").filter(has_text="“excellent” and its nearest words")
    legend.wait_for(state="attached", timeout=SLOW)  # the chart is redrawn with the highlight
    label = page.locator(".js-plotly-plot .annotation-text").filter(has_text=re.compile(r"^excellent$"))
    assert label.count() == 1 and "bold" in label.first.inner_html()
    assert page.locator(".js-plotly-plot .xtitle").all_text_contents() == titles  # still the word axes


def test_king_minus_man_plus_woman_highlights_queen(app_server, page):
    _open_map(page, app_server.url, "explorequery")
    _pca(page)
    _type(page, "How many (most frequent first)", "3000")  # "queen" is GloVe's 2,061st word
    _type(page, "Find a word on the map", "king - man + woman")
    answer = page.get_by_test_id("stAlertContentSuccess").first
    answer.wait_for(timeout=SLOW)
    assert "king − man + woman = queen (cosine" in answer.inner_text()
    queen = page.locator(".js-plotly-plot .annotation-text").filter(has_text=re.compile(r"^queen$"))
    assert queen.count() == 1 and "bold" in queen.first.inner_html()  # the answer's label, in bold
    legend = page.locator(".js-plotly-plot .legendtext").all_text_contents()
    assert "king − man + woman = queen, and its nearest words" in legend


def test_lasso_selection_lists_the_words_inside_labels_them_and_goes_into_the_view_link(app_server, browser, page):
    _open_map(page, app_server.url, "explorelasso")
    plot = page.locator(".js-plotly-plot").first
    plot.hover()
    plot.locator('.modebar-btn[data-title="Lasso Select"]').click()
    area = plot.locator(".nsewdrag").first.bounding_box()
    corners = [(0.4, 0.4), (0.6, 0.4), (0.6, 0.6), (0.4, 0.6), (0.4, 0.41)]  # few enough words for a link
    page.mouse.move(area["x"] + area["width"] * corners[0][0], area["y"] + area["height"] * corners[0][1])
    page.mouse.down()
    for fx, fy in corners[1:]:
        page.mouse.move(area["x"] + area["width"] * fx, area["y"] + area["height"] * fy, steps=8)
    page.mouse.up()
    wait_until_idle(page, SLOW)
    selected = page.get_by_text(re.compile(r"^[0-9,]+ words selected$"))
    selected.wait_for(state="visible", timeout=SLOW)
    assert 0 < int(selected.inner_text().split()[0].replace(",", "")) < 2_000
    assert page.get_by_text("Download the selection (CSV)").count() == 1
    assert page.get_by_text("Inspector:").count() == 0  # a lasso is a selection, not a click on one word
    count = int(selected.inner_text().split()[0].replace(",", ""))
    # ringed and labelled on the map (the first 15), and still there after a search
    legend = page.locator(".js-plotly-plot .legendtext").all_text_contents()
    assert f"{count:,} selected word" + "s" * (count != 1) in legend
    listed = page.evaluate("document.querySelector('.js-plotly-plot')._fullData.at(-1).customdata")
    labels = {text.strip() for text in page.locator(".js-plotly-plot .annotation-text").all_text_contents()}
    assert set(listed[:15]) <= labels
    _type(page, "Find a word on the map", "king")
    page.get_by_text(f"{count:,} words selected", exact=True).wait_for(state="visible", timeout=SLOW)
    screenshot(page, "explore_lasso_selection")
    if "selection=" not in page.url:  # more words than a link carries: the page says so
        assert page.get_by_text("is not carried in the view link").count() == 1
    else:  # the same words selected in someone else's browser
        context = browser.new_context(viewport={"width": 1400, "height": 1000})
        other = context.new_page()
        other.set_default_timeout(60_000)
        other.goto(page.url)
        other.get_by_text(f"{count:,} words selected", exact=True).wait_for(state="visible", timeout=SLOW)
        context.close()
    page.get_by_role("button", name="Clear the selection").click()
    wait_until_idle(page, SLOW)
    page.get_by_text("Draw a box or lasso on the map").wait_for(state="visible", timeout=SLOW)
    assert "selection=" not in page.url


def test_a_large_map_is_drawn_and_searched(app_server, page):
    """100,000 words, drawn with PCA and searched: the browser's part (WebGL points, the search's small overlay on
    the cached figure); the 100,000-word UMAP map's speed and trust are bench_projection's."""
    _open_map(page, app_server.url, "explorelarge")
    _pca(page)  # the layout's own speed is the bench's business
    started = time.perf_counter()
    _type(page, "How many (most frequent first)", str(LARGE_MAP))
    page.get_by_text(f"{LARGE_MAP:,} words, PCA 2D").first.wait_for(state="attached", timeout=SLOW)
    drawn = time.perf_counter() - started
    assert page.evaluate("document.querySelector('.js-plotly-plot')._fullData[0].customdata.length") == LARGE_MAP
    assert page.get_by_text("Trustworthiness at k=15 on a fixed sample of 1,000 words").count() == 1
    started = time.perf_counter()
    _type(page, "Find a word on the map", "king")
    page.get_by_text("Inspector: the 10 nearest words to “king” in the original space").wait_for(timeout=SLOW)
    searched = time.perf_counter() - started
    assert page.locator(".js-plotly-plot .annotation-text").filter(has_text=re.compile(r"^king$")).count() == 1
    # the points are the cached base figure's, the highlight one small trace on top
    traces = page.evaluate("Array.from(document.querySelector('.js-plotly-plot')._fullData, t => t.customdata.length)")
    assert traces == [LARGE_MAP, 11]
    print(f"{LARGE_MAP:,}-word map: drawn in {drawn:.1f} s, searched in {searched:.1f} s (browser wall time)")
    screenshot(page, "explore_large_map")
