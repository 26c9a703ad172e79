"""The sidebar vector picker in a real browser: built-in GloVe by default, then a small upload."""

import pytest

from tests.browser.conftest import screenshot, wait_until_idle

pytestmark = pytest.mark.browser

SMALL_GLOVE = b"cat 0.1 0.2 0.3\ndog 0.2 0.1 0.3\nfish 0.9 0.8 0.7\nbird 0.5 0.5 0.5\n"


def test_upload_a_small_vector_file_in_the_sidebar(app_server, page, tmp_path):
    page.goto(app_server.url)
    wait_until_idle(page)
    sidebar = page.get_by_test_id("stSidebar")
    assert sidebar.get_by_text("400,000 words · 50 dimensions").is_visible()
    screenshot(page, "vector_picker_default")

    sidebar.get_by_text("Upload a small file").click()
    wait_until_idle(page)
    assert sidebar.get_by_text("up to 50 MB").first.is_visible()
    upload = tmp_path / "pets.txt"
    upload.write_bytes(SMALL_GLOVE)
    sidebar.locator('input[type="file"]').set_input_files(str(upload))
    page.wait_for_function(
        "() => document.querySelector('[data-testid=\"stSidebar\"]').innerText.includes('4 words')",
        timeout=60_000,
    )
    wait_until_idle(page)
    assert sidebar.get_by_text("pets.txt").first.is_visible()
    screenshot(page, "vector_picker_upload")

    page.get_by_test_id("stSidebarNav").get_by_text("Predict", exact=True).click()
    wait_until_idle(page)
    assert "4 words · 3 dimensions" in sidebar.inner_text()  # the choice follows the visitor to every page
