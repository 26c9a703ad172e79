"""Data page in a real browser: an uploaded CSV with markup in its texts becomes the dataset, shown as text."""

import pytest

from tests.browser.conftest import screenshot, upload_file, wait_until_idle

pytestmark = pytest.mark.browser

CSV = ("review,sentiment\n"
       '"<script>window.__pwned = 1</script> an awful film",negative\n'
       '"<b>bold</b> and wonderful",positive\n'
       "a dull and boring mess,negative\n"
       "great fun from start to end,positive\n"
       "a moving story,positive\n")


def test_upload_with_markup_is_used_and_shown_literally(app_server, page, tmp_path):
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    path = tmp_path / "markup.csv"
    path.write_text(CSV, encoding="utf-8")
    page.set_viewport_size({"width": 1400, "height": 2600})
    page.goto(f"{app_server.url}/data?workspace=databrowser")
    wait_until_idle(page)
    page.get_by_role("heading", name="Current dataset: Pang & Lee").wait_for()
    screenshot(page, "data_default")

    page.get_by_role("tab", name="Upload").click()
    upload_file(page, path)
    page.get_by_text("Detected:").wait_for()
    page.get_by_test_id("stButton").filter(has_text="Use this dataset").click()
    wait_until_idle(page)
    page.get_by_role("heading", name="Current dataset: markup.csv").wait_for()
    assert "Now using markup.csv: 5 texts in 2 classes." in page.get_by_test_id("stAlertContentSuccess").inner_text()
    # The markup stayed data: no script ran, no <b> element or script was added to the page.
    assert page.evaluate("() => window.__pwned") is None
    assert dialogs == []
    assert page.locator("script", has_text="__pwned").count() == 0
    assert page.locator("b", has_text="bold").count() == 0
    screenshot(page, "data_uploaded_markup")


def test_an_upload_comes_back_with_the_address_in_a_new_tab_and_after_a_restart(app_server, browser, page, tmp_path):
    path = tmp_path / "kept.csv"
    path.write_text("review,sentiment\na wonderful film,positive\na dull mess,negative\ngreat fun,positive\n"
                    "an awful bore,negative\n", encoding="utf-8")
    address = f"{app_server.url}/data?workspace=keptQ7r2xZ9w"
    page.goto(address)
    wait_until_idle(page)
    page.get_by_role("tab", name="Upload").click()
    upload_file(page, path)
    page.get_by_test_id("stButton").filter(has_text="Use this dataset").click()
    wait_until_idle(page)
    page.get_by_role("heading", name="Current dataset: kept.csv").wait_for()

    other = browser.new_context(viewport={"width": 1280, "height": 720})  # a new tab, without the first's cookies
    try:
        tab = other.new_page()
        tab.goto(address)
        tab.get_by_role("heading", name="Current dataset: kept.csv").wait_for(timeout=60_000)
    finally:
        other.close()

    app_server.restart()
    page.goto(address)
    page.get_by_role("heading", name="Current dataset: kept.csv").wait_for(timeout=90_000)
    page.get_by_role("tab", name="Your datasets").click()
    kept_list = page.get_by_role("combobox", name="Your datasets")  # the list to pick from came back too
    assert kept_list.input_value() == "kept.csv · 4 texts · 2 classes"
    page.set_viewport_size({"width": 1280, "height": 720})
    screenshot(page, "data_kept_after_restart")
