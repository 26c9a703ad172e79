"""What the class browser tests do the same way: an instructor starts a class, a student joins by its link."""

from __future__ import annotations

import re

from tests.browser.conftest import wait_until_idle


def start_class(page, url: str) -> tuple[str, str]:
    """Start a class on ``page`` from the Class page; returns (the students' join link, the instructor's link)."""
    page.goto(url)  # a fresh server's first request at a deep link shows "Page not found" once
    wait_until_idle(page)
    page.goto(f"{url}/class")
    wait_until_idle(page)
    page.get_by_role("button", name="Start a class").click()
    wait_until_idle(page)
    join_link = page.get_by_label("Join link for students").input_value()
    return join_link, page.get_by_label(re.compile("Your instructor link")).input_value()


def join_class(browser, join_link: str, name: str, height: int = 1000):
    """A student in a browser context of their own opens ``join_link`` and joins as ``name``: (context, page)."""
    context = browser.new_context(viewport={"width": 1400, "height": height})
    page = context.new_page()
    page.set_default_timeout(60_000)
    page.goto(join_link)
    wait_until_idle(page)
    box = page.get_by_label("Your display name (the class sees it)")
    box.fill(name)
    box.press("Enter")
    wait_until_idle(page)
    page.get_by_role("button", name="Join", exact=True).click()
    wait_until_idle(page)
    page.get_by_text("You are in class").wait_for()
    return context, page
