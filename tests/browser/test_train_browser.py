"""Train page in a real browser: an uploaded CSV trained on, live curves, metrics after, the run kept over a restart."""

import pytest

from tests.browser.conftest import screenshot, upload_file, wait_until_idle
from tests.conftest import NEGATIVE_SENTENCES, POSITIVE_SENTENCES

pytestmark = pytest.mark.browser

WORKSPACE = "trainbrowser"


def _set_number(page, label: str, value: int) -> None:
    box = page.get_by_label(label, exact=True)
    box.fill(str(value))
    box.press("Enter")
    wait_until_idle(page)


def _reviews_csv(folder):
    """32 short reviews, half of each kind, as a person might export them from a spreadsheet."""
    rows = [(text + ending, label) for ending in ("", " , really")
            for texts, label in ((POSITIVE_SENTENCES, "pos"), (NEGATIVE_SENTENCES, "neg")) for text in texts]
    path = folder / "my_reviews.csv"
    path.write_text("review,sentiment\n" + "".join(f'"{text}",{label}\n' for text, label in rows), encoding="utf-8")
    return path


def test_an_uploaded_csv_trains_with_live_curves_then_metrics_and_the_run_survives_a_restart(
        app_server, page, tmp_path):
    url = f"{app_server.url}/train?workspace={WORKSPACE}"
    page.set_viewport_size({"width": 1400, "height": 1800})
    page.goto(f"{app_server.url}/?workspace={WORKSPACE}")
    wait_until_idle(page)
    page.get_by_role("tab", name="Upload").click()
    upload_file(page, _reviews_csv(tmp_path))
    page.get_by_text("Detected:").wait_for()
    page.get_by_test_id("stButton").filter(has_text="Use this dataset").click()
    wait_until_idle(page)
    page.get_by_role("heading", name="Current dataset: my_reviews.csv").wait_for()

    # Same session, so the sidebar (not a new page load) takes the dataset to the Train page.
    page.get_by_test_id("stSidebarNav").get_by_text("Train", exact=True).click()
    wait_until_idle(page)
    page.get_by_text("my_reviews.csv").first.wait_for()
    assert "32 rows" in page.get_by_text("Dataset:").first.inner_text()
    _set_number(page, "Epochs", 4)
    _set_number(page, "Sequence length (tokens)", 16)
    _set_number(page, "Vocabulary size", 1000)
    _set_number(page, "Encoder size (units / filters)", 8)
    name = page.get_by_label("Run name")
    name.fill("browser run")
    name.press("Enter")
    wait_until_idle(page)
    screenshot(page, "train_settings")

    page.get_by_role("button", name="Train", exact=True).click()
    # While training: the Stop button, progress bars and the live loss/accuracy charts.
    page.get_by_role("button", name="Stop").wait_for(timeout=120_000)
    page.get_by_test_id("stProgress").first.wait_for(timeout=120_000)
    page.locator(".js-plotly-plot").first.wait_for(timeout=120_000)
    assert page.get_by_text("All epochs:").first.is_visible()
    screenshot(page, "train_live")

    # After: metrics, the confusion matrix and ROC charts.
    page.get_by_text("Test accuracy").first.wait_for(timeout=300_000)
    wait_until_idle(page)
    assert page.get_by_role("button", name="Stop", exact=True).count() == 0
    assert page.locator(".js-plotly-plot").count() >= 4  # loss, accuracy, confusion matrix, ROC
    assert page.get_by_text("Most confident mistakes").first.is_visible()
    screenshot(page, "train_results")

    app_server.restart()
    page.goto(url)
    wait_until_idle(page)
    page.get_by_role("tab", name="Runs").click()
    wait_until_idle(page)
    page.get_by_role("button", name="Download .zip").wait_for(timeout=60_000)
    assert page.get_by_label("Name", exact=True).input_value() == "browser run"
    assert page.get_by_text("Most confident mistakes").first.is_visible()
    screenshot(page, "train_runs_after_restart")
