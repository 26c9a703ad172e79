"""The result of each page's main action is on the first screen at 1280×720 and 1440×900, without scrolling:
Train's progress and live curves, Predict's label and coloured words, the answer in Analogies' presentation mode."""

import pytest

from tests.browser.conftest import screenshot, wait_until_idle
from tests.conftest import train_tiny_run

pytestmark = pytest.mark.browser

SCREENS = [(1280, 720), (1440, 900)]


def _to_top(page) -> None:
    """Scroll every scrolled element back to the top: what a visitor sees before scrolling."""
    page.evaluate("() => { for (const element of document.querySelectorAll('*')) { if (element.scrollTop) "
                  "element.scrollTop = 0; } window.scrollTo(0, 0); }")
    page.wait_for_timeout(200)


def _on_first_screen(page, locator, what: str) -> None:
    width, height = page.viewport_size["width"], page.viewport_size["height"]
    box = locator.bounding_box()
    assert box is not None, f"{what} is not drawn"
    inside = box["x"] >= 0 and box["y"] >= 0 and box["x"] + box["width"] <= width and box["y"] + box["height"] <= height
    assert inside, f"{what} at {box} is not inside the first {width}×{height} screen"


def test_trains_progress_and_live_curves_are_on_the_first_screen(app_server, page):
    page.set_viewport_size({"width": 1280, "height": 720})
    page.goto(f"{app_server.url}/train?workspace=firstscreentrain")
    wait_until_idle(page)
    box = page.get_by_label("Epochs", exact=True)
    box.fill("200")  # the 200 built-in rows, every epoch run: long enough to be looked at, then stopped
    box.press("Enter")
    wait_until_idle(page)
    page.get_by_role("button", name="Train", exact=True).click()
    panel_charts = page.locator(".js-plotly-plot")
    panel_charts.nth(1).wait_for(timeout=300_000)  # loss and accuracy, once the first batches have run
    for width, height in SCREENS:
        page.set_viewport_size({"width": width, "height": height})
        wait_until_idle(page)
        _to_top(page)
        if page.get_by_role("button", name="Stop", exact=True).count() == 0:
            pytest.fail("the training ended before its live panel could be looked at")
        screenshot(page, f"train_first_screen_{width}x{height}")
        _on_first_screen(page, page.get_by_test_id("stProgress").first, "the epoch's progress bar")
        _on_first_screen(page, page.get_by_test_id("stProgress").nth(1), "the whole training's progress bar")
        _on_first_screen(page, panel_charts.nth(0), "the live loss curve")
        _on_first_screen(page, panel_charts.nth(1), "the live accuracy curve")
    page.get_by_role("button", name="Stop", exact=True).click()
    page.get_by_role("heading", name="Results: random lstm").wait_for(timeout=120_000)


def test_predicts_label_and_coloured_words_are_on_the_first_screen(app_server, page):
    train_tiny_run(app_server.runs_dir / "firstscreenpredict")
    for width, height in SCREENS:
        page.set_viewport_size({"width": width, "height": height})
        page.goto(f"{app_server.url}/predict?workspace=firstscreenpredict")
        wait_until_idle(page)
        box = page.locator("input.stkeyup__input")
        box.press_sequentially("a wonderful and beautiful film", delay=30)
        page.wait_for_function("() => document.querySelector('.embedlab-label')?.dataset.label === 'positive'")
        wait_until_idle(page)
        _to_top(page)
        _on_first_screen(page, page.locator(".embedlab-label").first, "the predicted label")
        _on_first_screen(page, page.locator(".embedlab-tokens").first, "the coloured words")


def test_the_answer_in_analogies_presentation_mode_is_on_the_first_screen(app_server, page):
    for width, height in SCREENS:
        page.set_viewport_size({"width": width, "height": height})
        page.goto(f"{app_server.url}/analogies?workspace=firstscreenanalogies")
        wait_until_idle(page)
        page.get_by_text("Presentation mode", exact=True).click()
        wait_until_idle(page)
        answer = page.get_by_role("heading", name="king − man + woman ≈ queen (both methods)")
        answer.wait_for()
        _to_top(page)
        _on_first_screen(page, answer, "the answer")
        screenshot(page, f"analogies_presentation_{width}x{height}")
