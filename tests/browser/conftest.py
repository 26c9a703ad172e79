"""A real EmbedLab server and Debian's Chromium, driven by Playwright.

The server runs with its own empty runs folder; ``app_server.restart()`` stops and
starts it on the same port and folder (to check that runs survive a restart).
Screenshots land in ``tests/browser/screenshots/`` for a person to look at.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = Path(__file__).resolve().parent / "screenshots"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class AppServer:
    """``streamlit run app.py`` in a subprocess, with health-check waiting."""

    def __init__(self, runs_dir: Path, log_path: Path) -> None:
        self.port = _free_port()
        self.runs_dir = runs_dir
        self.log_path = log_path
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        env = {**os.environ, "EMBEDLAB_RUNS_DIR": str(self.runs_dir), "TF_CPP_MIN_LOG_LEVEL": "2"}
        log = open(self.log_path, "ab")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true",
             "--server.port", str(self.port), "--server.address", "127.0.0.1",
             "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"streamlit exited early; see {self.log_path}")
            try:
                with urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=2) as response:
                    if response.status == 200:
                        return
            except OSError:
                time.sleep(0.3)
        raise RuntimeError(f"streamlit did not become healthy in 90 s; see {self.log_path}")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
        self.process = None

    def restart(self) -> None:
        self.stop()
        self.start()


@pytest.fixture(scope="session")
def app_server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("app")
    server = AppServer(folder / "runs", folder / "streamlit.log")
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(60_000)
    yield page
    context.close()


def screenshot(page, name: str) -> Path:
    """Save a full-page screenshot for a person to look at."""
    SCREENSHOTS.mkdir(exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def wait_until_idle(page, timeout: float = 60_000) -> None:
    """Wait until Streamlit has finished running the script for the last interaction.

    The app's script state turns "running" only after the click has gone through the
    websocket, so a check made at once can still see the state from before the click; on a
    loaded machine a test then acted during the rerun and its next click was lost. So the
    state is first given a moment to turn "running" (a rerun quicker than that is over anyway).
    """
    try:
        page.wait_for_selector('[data-testid="stApp"][data-test-script-state="running"]', timeout=700)
    except Exception:  # playwright's TimeoutError: the rerun was quicker than that, or there was none
        pass
    page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]', timeout=timeout)
    page.wait_for_timeout(200)


def choose_radio(page, option: str, nth: int = 0, timeout: float = 60_000) -> None:
    """Pick ``option`` in the ``nth`` radio group that offers it, and wait until the page shows it picked.

    A click the page received while it was being redrawn can be dropped; a person would see
    that and click again, so the helper does too (at most three times).
    """
    radio = page.get_by_role("radio", name=option, exact=True).nth(nth)
    for _ in range(3):
        page.get_by_text(option, exact=True).nth(nth).click()
        wait_until_idle(page, timeout)
        if radio.is_checked():
            return
    raise AssertionError(f"the radio option {option!r} (#{nth}) did not stay picked after three clicks")


def set_number(page, label: str, value: int) -> None:
    """Type ``value`` into the number box labelled ``label`` and wait for the rerun it starts."""
    box = page.get_by_label(label, exact=True)
    box.fill(str(value))
    box.press("Enter")
    wait_until_idle(page)


def choose_option(page, label: str, option: str) -> None:
    """Pick ``option`` in the select box labelled ``label`` and wait for the rerun it starts."""
    page.get_by_label(label).first.click()
    page.get_by_role("option", name=option, exact=True).click()
    page.wait_for_timeout(1_000)  # the rerun starts a moment after the menu closes
    wait_until_idle(page)


def upload_file(page, path) -> None:
    """Hand ``path`` to the page's first file uploader and wait until Streamlit shows it.

    A file handed over within a second of the uploader first appearing is sometimes
    dropped by Streamlit's frontend (seen in about half the runs here); a person is
    never that fast, so the helper hands it over again.
    """
    for _ in range(3):
        page.get_by_test_id("stFileUploaderDropzoneInput").first.set_input_files(str(path))
        try:
            page.get_by_test_id("stFileChipName").filter(has_text=path.name).wait_for(timeout=4_000)
            break
        except Exception:
            wait_until_idle(page)
    wait_until_idle(page)
