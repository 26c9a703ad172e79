"""Train page in a real browser: an uploaded CSV trained on, live curves, metrics after, the run kept over a restart;
a run name that follows the settings; a series whose finished runs show at once; the form on one screen."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import choose_option, screenshot, set_number, upload_file, wait_until_idle
from tests.conftest import NEGATIVE_SENTENCES, POSITIVE_SENTENCES

pytestmark = pytest.mark.browser

WORKSPACE = "trainbrowser"


def _open_settings(page, which: str = "Model settings") -> None:
    if page.get_by_text(which, exact=True).count() == 0:  # recommended settings on: hand every value over
        page.get_by_text("Recommended settings for this embedding and encoder", exact=True).first.click()
        wait_until_idle(page)
    page.get_by_text(which, exact=True).click()
    wait_until_idle(page)


def _bottom(locator) -> float:
    box = locator.bounding_box()
    return box["y"] + box["height"]


def _name_box(page):
    return page.get_by_label("Run name", exact=True)


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
    set_number(page, "Epochs", 20)  # long enough (a few seconds) to be watched while it trains
    _open_settings(page)
    set_number(page, "Sequence length (tokens)", 16)
    set_number(page, "Vocabulary size", 1000)
    set_number(page, "Encoder size (units / filters)", 8)
    name = _name_box(page)
    name.fill("browser run")
    name.press("Enter")
    wait_until_idle(page)
    screenshot(page, "train_settings")

    page.get_by_role("button", name="Train", exact=True).click()
    # While training: the Stop button, progress bars and the live loss/accuracy charts.
    page.get_by_role("button", name="Stop").wait_for(timeout=120_000)
    page.get_by_test_id("stProgress").first.wait_for(timeout=120_000)
    # Waited for, not read at one instant: with a warm worker even 20 epochs of 32 rows take only seconds, so
    # the progress bars may be gone again by the time the curves are drawn.
    page.get_by_text("All epochs:").first.wait_for(timeout=120_000)
    page.locator(".js-plotly-plot").first.wait_for(timeout=120_000)
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


def test_the_run_name_follows_the_settings_and_the_results_and_legend_say_it(app_server, page):
    page.set_viewport_size({"width": 1440, "height": 900})
    page.goto(f"{app_server.url}/train?workspace=trainnames")
    wait_until_idle(page)
    expect(_name_box(page)).to_have_value("random lstm", timeout=30_000)
    # The Study tab's embedding choices carry the same words: pick the Train tab's radio button.
    page.get_by_test_id("stRadio").get_by_text("GloVe, frozen", exact=True).click()
    wait_until_idle(page)
    choose_option(page, "Encoder", "GRU")
    expect(_name_box(page)).to_have_value("GloVe frozen gru", timeout=30_000)
    _name_box(page).fill("my own name")
    _name_box(page).press("Enter")
    wait_until_idle(page)
    choose_option(page, "Encoder", "Average pooling")
    expect(_name_box(page)).to_have_value("my own name", timeout=30_000)  # typed by the visitor: kept
    _name_box(page).fill("")
    _name_box(page).press("Enter")
    wait_until_idle(page)
    expect(_name_box(page)).to_have_value("GloVe frozen pooling", timeout=30_000)
    set_number(page, "Epochs", 2)

    # At 1440x900 the Train button is on the first screen (the series test checks the live progress).
    train = page.get_by_role("button", name="Train", exact=True)
    assert _bottom(train) <= 900
    train.click()
    page.get_by_role("heading", name="Results: GloVe frozen pooling").wait_for(timeout=600_000)
    wait_until_idle(page)
    # The same settings again: a new name.
    expect(_name_box(page)).to_have_value("GloVe frozen pooling 2", timeout=30_000)

    page.get_by_role("button", name="Train", exact=True).click()
    page.get_by_role("heading", name="Results: GloVe frozen pooling 2").wait_for(timeout=600_000)
    wait_until_idle(page)
    page.get_by_role("tab", name="Compare").click()
    wait_until_idle(page)
    legend = page.locator(".legendtext").all_text_contents()
    assert "GloVe frozen pooling · training" in legend and "GloVe frozen pooling 2 · training" in legend


def test_a_series_shows_each_finished_run_and_lists_it_while_the_next_trains(app_server, page):
    page.set_viewport_size({"width": 1440, "height": 900})
    page.goto(f"{app_server.url}/train?workspace=trainseries")
    wait_until_idle(page)
    set_number(page, "Epochs", 30)
    _open_settings(page, "Training settings")
    page.get_by_text("Early stopping", exact=True).click()  # all 30 epochs of small batches: each run takes a while
    wait_until_idle(page)
    page.get_by_role("slider", name="Batch size").focus()
    page.keyboard.press("Home")  # batch size 8
    page.wait_for_timeout(1_000)
    wait_until_idle(page)
    page.get_by_role("button", name="Compare the three embedding choices").click()
    # At 1440x900 the live progress shows on the first screen, under the Stop button.
    bar = page.get_by_test_id("stProgress").first
    bar.wait_for(timeout=300_000)
    assert _bottom(bar) <= 900
    screenshot(page, "train_live_1440x900")
    # The first run finishes: it stays in the live panel with its test accuracy while the series goes on ...
    page.get_by_text("random lstm — Finished").wait_for(timeout=600_000)
    assert page.get_by_text("GloVe frozen lstm —").first.is_visible()
    assert page.get_by_text("Test accuracy ").first.is_visible()
    assert page.get_by_role("button", name="Stop", exact=True).is_visible()
    screenshot(page, "train_series_live")
    # ... and the Runs tab lists it now, not only once the whole series has ended.
    page.get_by_role("tab", name="Runs").click()
    page.get_by_role("button", name="Download .zip").wait_for(timeout=60_000)
    assert page.get_by_text("No runs yet").count() == 0
    page.get_by_role("tab", name="Train").click()
    page.get_by_role("button", name="Stop", exact=True).click(timeout=5_000)  # the series is still training
    wait_until_idle(page)
    page.get_by_role("heading", name="The three embedding choices, same split").wait_for(timeout=120_000)
