"""A class in a real browser: an instructor starts it, three students join with the link and each trains one
run, and the instructor's board (never reloaded) lists the three runs with their accuracies on the shared test
rows; after a restart of the server the board and a student's membership are still there."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.classroom import join_class, start_class
from tests.browser.conftest import choose_option, screenshot, set_number, wait_until_idle

pytestmark = pytest.mark.browser

STUDENTS = ("Ana", "Ben", "Cy")


def _student_trains(browser, join_link: str, name: str, epochs: int):
    context, page = join_class(browser, join_link, name, height=1400)
    page.get_by_test_id("stSidebarNav").get_by_text("Train", exact=True).click()
    wait_until_idle(page)
    page.get_by_text(f"as {name}: your runs train on the class dataset").wait_for()
    choose_option(page, "Encoder", "Average pooling")
    set_number(page, "Epochs", epochs)
    page.get_by_role("button", name="Train", exact=True).click()
    wait_until_idle(page)
    return context, page


def test_three_students_train_and_the_board_lists_them_live_and_after_a_restart(app_server, browser, page):
    join_link, board_link = start_class(page, app_server.url)
    code = re.search(r"class=([A-Z0-9]{6})", join_link).group(1)
    assert join_link.startswith(app_server.url) and f"class-board?class={code}&key=" in board_link
    page.goto(board_link)
    wait_until_idle(page)
    page.get_by_text("No runs yet").wait_for()

    students = [_student_trains(browser, join_link, name, epochs) for name, epochs in zip(STUDENTS, (1, 2, 2))]
    try:
        # The board refreshes itself every few seconds; the page is not reloaded.
        expect(page.get_by_text("3 students joined · 3 runs")).to_be_visible(timeout=240_000)
        table = page.get_by_test_id("stDataFrame")
        for name in STUDENTS:
            expect(table).to_contain_text(name)
        metrics = page.get_by_test_id("stMetricValue").all_inner_texts()
        assert len(metrics) == 3 and all(re.fullmatch(r"\d+\.\d%", value) for value in metrics)
        values = [float(value.rstrip("%")) for value in metrics]
        assert values == sorted(values, reverse=True)  # the leaderboard: best first
        assert page.get_by_text("every run tested on the same 40 rows").count() == 1
        screenshot(page, "class_board")
        page.get_by_text("Presenter view").click()  # large type for a projector, still live
        wait_until_idle(page)
        expect(page.get_by_role("heading", name=re.compile(r"^1\. (Ana|Ben|Cy) — \d+\.\d%$"))).to_be_visible()
        expect(page.get_by_role("heading", name=f"Join: {code}")).to_be_visible()
        screenshot(page, "class_board_presenter")
        member_link = students[0][1].url
    finally:
        for context, _ in students:
            context.close()

    app_server.restart()
    page.goto(board_link)
    wait_until_idle(page)
    expect(page.get_by_text("3 students joined · 3 runs")).to_be_visible(timeout=60_000)
    # Ana's link (her Train page's address) in a new session: still a member, on the class dataset at once.
    assert f"class={code}" in member_link and "member=" in member_link
    page.goto(member_link)
    wait_until_idle(page)
    page.get_by_text("as Ana: your runs train on the class dataset").wait_for()
    page.get_by_test_id("stSidebarNav").get_by_text("Class", exact=True).click()
    wait_until_idle(page)
    page.get_by_text("You are in class").wait_for()
    assert "member=" in page.url  # the link still finds her after another reload
