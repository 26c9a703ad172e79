"""Analogies page in a real browser: type king − man + woman (each word applies on Enter), read queen first;
presentation mode's map labels are large on a 1280×720 projector."""

import pytest

from tests.browser.conftest import screenshot, wait_until_idle

pytestmark = pytest.mark.browser


def _fill(page, label: str, word: str) -> None:
    """Type a word and press Enter: the page applies it at once (no Solve button)."""
    box = page.get_by_label(label, exact=True)
    box.fill("")
    box.press_sequentially(word, delay=30)
    box.press("Enter")
    wait_until_idle(page)


def _first_answer(page, expected: str) -> str:
    """The word in the first row of the answers table (a canvas grid with a hidden accessible copy)."""
    cell = page.get_by_test_id("stDataFrame").first.get_by_test_id("glide-cell-1-0")
    page.wait_for_function(
        "(word) => document.querySelector('[data-testid=\"stDataFrame\"] [data-testid=\"glide-cell-1-0\"]')"
        "?.textContent === word", arg=expected)
    return cell.text_content().strip()


def test_typed_analogy_answers_queen(app_server, page):
    page.set_viewport_size({"width": 1400, "height": 1500})
    page.goto(f"{app_server.url}/analogies?workspace=analogiesbrowser")
    wait_until_idle(page)
    assert page.get_by_role("button", name="Solve").count() == 0
    # Start from another analogy, so the answer on screen comes from what is typed here.
    _fill(page, "a (start from)", "paris")
    _fill(page, "− b (take away)", "france")
    _fill(page, "+ c (add)", "italy")
    assert _first_answer(page, "rome") == "rome"

    _fill(page, "a (start from)", "king")
    _fill(page, "− b (take away)", "man")
    _fill(page, "+ c (add)", "woman")
    _fill(page, "Expected answer (optional)", "queen")
    success = page.get_by_test_id("stAlertContentSuccess").first
    success.wait_for(state="visible")
    assert "'queen' is answer #1" in success.inner_text()
    assert _first_answer(page, "queen") == "queen"
    page.locator(".js-plotly-plot").first.wait_for(state="visible")
    screenshot(page, "analogies_queen")


def _label_sizes(page) -> list[float]:
    """Rendered font sizes (px) of the word labels on the analogy map."""
    return page.eval_on_selector_all(
        ".js-plotly-plot .textpoint text", "nodes => nodes.map(n => parseFloat(getComputedStyle(n).fontSize))")


def test_presentation_mode_labels_are_large_at_1280x720(app_server, page):
    page.set_viewport_size({"width": 1280, "height": 720})
    page.goto(f"{app_server.url}/analogies?workspace=analogiespresent")
    wait_until_idle(page)
    page.locator(".js-plotly-plot .textpoint text").first.wait_for(state="attached")
    normal = _label_sizes(page)
    page.get_by_text("Presentation mode", exact=True).click()
    wait_until_idle(page)
    page.wait_for_function("() => [...document.querySelectorAll('.js-plotly-plot .textpoint text')]"
                           ".every(n => parseFloat(getComputedStyle(n).fontSize) >= 20)")
    large = _label_sizes(page)
    assert max(normal) <= 15 and min(large) >= 20  # the normal 13–15 px, then far above the 11 px reported
    answer = page.get_by_test_id("stTable").first.locator("td").first
    assert float(answer.evaluate("n => parseFloat(getComputedStyle(n).fontSize)")) >= 22
    screenshot(page, "analogies_presentation_1280x720")
