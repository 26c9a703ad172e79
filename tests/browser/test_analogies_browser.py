"""Analogies page in a real browser: type king − man + woman, press Solve, read queen first."""

import pytest

from tests.browser.conftest import screenshot, wait_until_idle

pytestmark = pytest.mark.browser


def _fill(page, label: str, word: str) -> None:
    box = page.get_by_label(label, exact=True)
    box.fill("")
    box.press_sequentially(word, delay=30)


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
    # Start from another analogy, so the answer on screen comes from what is typed here.
    _fill(page, "a (start from)", "paris")
    _fill(page, "− b (take away)", "france")
    _fill(page, "+ c (add)", "italy")
    page.get_by_role("button", name="Solve").click()
    wait_until_idle(page)
    assert _first_answer(page, "rome") == "rome"

    _fill(page, "a (start from)", "king")
    _fill(page, "− b (take away)", "man")
    _fill(page, "+ c (add)", "woman")
    _fill(page, "Expected answer (optional)", "queen")
    page.get_by_role("button", name="Solve").click()
    wait_until_idle(page)
    success = page.get_by_test_id("stAlertContentSuccess").first
    success.wait_for(state="visible")
    assert "'queen' is answer #1" in success.inner_text()
    assert _first_answer(page, "queen") == "queen"
    page.locator(".js-plotly-plot").first.wait_for(state="visible")
    screenshot(page, "analogies_queen")
