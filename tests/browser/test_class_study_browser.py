"""A class study in a real browser: the instructor starts 2 sizes × 3 embeddings × 1 seed, two students' Class
pages train the cells between them, and the board (never reloaded) draws the shared curve and its reading."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.classroom import join_class, start_class
from tests.browser.conftest import screenshot, wait_until_idle

pytestmark = pytest.mark.browser


def test_two_students_fill_the_class_study_and_the_board_reads_it(app_server, browser, page):
    join_link, board_link = start_class(page, app_server.url)
    page.goto(board_link)
    wait_until_idle(page)
    page.get_by_label("Epochs per cell").fill("1")
    page.get_by_label("Epochs per cell").press("Enter")
    wait_until_idle(page)
    page.get_by_role("button", name="Start the class study").click()
    wait_until_idle(page)
    page.get_by_text("0 of 6 cells finished").wait_for()

    students = [join_class(browser, join_link, name) for name in ("Ana", "Ben")]
    try:
        for _, student in students:
            student.get_by_text("Class study: training").wait_for(timeout=30_000)
        expect(page.get_by_text("6 of 6 cells finished")).to_be_visible(timeout=300_000)
        chart = page.get_by_test_id("stPlotlyChart").last
        expect(chart).to_contain_text("training rows")
        expect(chart).to_contain_text("GloVe")
        assert page.get_by_text(re.compile(r"At \d+(–\d+)? training rows")).count() >= 1  # the reading
        screenshot(page, "class_study_board")
        counts = []
        for _, student in students:  # each page's own line: "no cell left for you · you trained N."
            line = student.get_by_text(re.compile(r"no cell left for you · you trained \d+"))
            line.wait_for(timeout=30_000)
            counts.append(int(re.search(r"you trained (\d+)", line.inner_text()).group(1)))
        assert len(counts) == 2 and sum(counts) == 6 and min(counts) >= 1  # both students trained some cells
    finally:
        for context, _ in students:
            context.close()
