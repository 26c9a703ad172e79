"""Predict page in a real browser: the prediction follows typing, without pressing Enter."""

import pytest

from tests.browser.conftest import screenshot, upload_file, wait_until_idle
from tests.conftest import train_tiny_run

pytestmark = pytest.mark.browser

WORKSPACE = "predictbrowser"


def _type_slowly(page, box, text: str) -> None:
    """Type one character at a time, as a person does, and let the debounced reruns finish."""
    box.press_sequentially(text, delay=40)
    page.wait_for_timeout(600)  # longer than the box's 200 ms debounce
    wait_until_idle(page)


def _label(page) -> str:
    return page.locator(".embedlab-label").first.inner_text(timeout=30_000).strip()


def test_prediction_follows_typing_and_user_text_stays_text(app_server, page):
    train_tiny_run(app_server.runs_dir / WORKSPACE)
    page.set_viewport_size({"width": 1400, "height": 1900})  # Streamlit scrolls inside; show the whole page
    page.goto(f"{app_server.url}/predict?workspace={WORKSPACE}")
    wait_until_idle(page)
    box = page.locator("input.stkeyup__input")
    box.wait_for(state="visible")

    _type_slowly(page, box, "a wonderful and beautiful film")
    page.wait_for_function("() => document.querySelector('.embedlab-label')?.dataset.label === 'positive'")
    assert _label(page) == "positive"
    assert page.locator(".embedlab-token").count() == 5
    screenshot(page, "predict_positive")

    box.fill("")
    page.wait_for_timeout(400)
    wait_until_idle(page)
    _type_slowly(page, box, "a boring and awful film")
    page.wait_for_function("() => document.querySelector('.embedlab-label')?.dataset.label === 'negative'")
    assert _label(page) == "negative"
    screenshot(page, "predict_negative")

    box.fill("")
    page.wait_for_timeout(400)
    wait_until_idle(page)
    _type_slowly(page, box, "<b>bold</b><script>wonderful")
    tokens = page.locator(".embedlab-tokens")
    tokens.wait_for(state="visible")
    shown = tokens.inner_text()
    assert "<" in shown and "script" in shown and "b" in shown
    # Had the text been rendered as HTML there would be a <b> element inside the token row.
    assert tokens.locator("b").count() == 0
    assert page.locator(".embedlab-tokens script").count() == 0
    screenshot(page, "predict_html_literal")


def test_uploaded_models_are_checked_in_the_browser(app_server, page, tmp_path):
    from embedlab.models.runs.catalog import list_runs

    runs = list_runs(app_server.runs_dir / WORKSPACE) or [train_tiny_run(app_server.runs_dir / WORKSPACE)]
    junk = tmp_path / "junk.keras"
    junk.write_bytes(b"PK\x03\x04 this is not a model")
    page.set_viewport_size({"width": 1400, "height": 1600})
    page.goto(f"{app_server.url}/predict?workspace={WORKSPACE}")
    wait_until_idle(page)
    page.get_by_text("A .keras file saved by EmbedLab").click()
    wait_until_idle(page)
    upload_file(page, junk)
    error = page.get_by_test_id("stAlertContentError").first
    error.wait_for(state="visible")
    assert "junk.keras is not a .keras model file" in error.inner_text()
    screenshot(page, "predict_upload_refused")

    upload_file(page, runs[0].model_path)
    box = page.locator("input.stkeyup__input")
    _type_slowly(page, box, "a wonderful film")
    page.wait_for_function("() => document.querySelector('.embedlab-label')?.dataset.label === 'positive'")
    screenshot(page, "predict_upload_scored")
