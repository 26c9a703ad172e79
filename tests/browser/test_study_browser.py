"""The Study tab in a real browser: a study started on the page fills its chart cell by cell, then reads out."""

import re

import pytest

from tests.browser.conftest import screenshot, wait_until_idle

pytestmark = pytest.mark.browser


def test_a_study_started_on_the_page_fills_its_chart_and_writes_a_reading(app_server, page):
    page.set_viewport_size({"width": 1400, "height": 1800})
    page.goto(f"{app_server.url}/train?workspace=studybrowser")
    wait_until_idle(page)
    page.get_by_role("tab", name="Study").click()
    wait_until_idle(page)
    # Small enough for a test: the built-in 200 sentences, 100 rows and all, three embeddings, one seed.
    seeds = page.get_by_label("Seeds per cell", exact=True)
    seeds.fill("1")
    epochs = page.get_by_label("Epochs at most (early stopping on)", exact=True)
    epochs.fill("3")
    page.get_by_role("button", name="Start the study").click()

    page.get_by_text("cells,").first.wait_for(timeout=120_000)
    page.locator(".js-plotly-plot").first.wait_for(timeout=300_000)  # drawn as soon as one cell is done
    screenshot(page, "study_live")
    page.get_by_role("button", name="Stop the study").wait_for(state="detached", timeout=600_000)
    wait_until_idle(page)
    progress = page.get_by_text("Study on").first.inner_text()
    assert "finished" in progress
    done, planned = [int(number) for number in re.search(r"(\d+) of (\d+) cells", progress).groups()]
    assert done == planned > 0
    reading = page.locator('[data-testid="stMarkdownContainer"] li')
    assert reading.count() >= 1
    assert any(word in reading.first.inner_text() for word in ("GloVe", "Random", "random", "baseline", "test set"))
    assert page.get_by_role("button", name="Download the cells (.csv)").is_visible()
    screenshot(page, "study_done")
