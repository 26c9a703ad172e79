"""``python -m embedlab serve --processes 2`` in a real browser: two visitors from one address on two app processes,
each keeping their own session (an upload; a live training) through nginx; the frontend's files from nginx; and
Ctrl-C leaving no process behind, the training's worker processes included.

Which process a request reached is read from nginx's access log, which names the upstream
that answered each request (``upstream=-``: nginx answered it from disk) and the visitor's
``embedlab_server`` cookie.
"""

from __future__ import annotations

import re
import signal
import time
from pathlib import Path

import pytest

from tests.browser.conftest import screenshot, upload_file, wait_until_idle
from tests.cli.test_serve_commands import (
    STATIC,
    _descendants,
    _start_serve,
    _stop_and_check_nothing_is_left,
    needs_nginx,
)
from tests.conftest import NEGATIVE_SENTENCES, POSITIVE_SENTENCES

pytestmark = [pytest.mark.browser, needs_nginx]

WORKSPACE = "serveClassroom7q"
# Two students of one class: the same network address, each in their own workspace. (In one workspace the
# uploader's dataset is kept for that workspace, so a tab whose first run comes after the upload opens on it.)
UPLOADER, TRAINER = "serveUploader7q", "serveTrainer7q"
COOKIE = "embedlab_server"


class Served:
    """The running ``serve`` command: its URL, its logs, and a stop that checks nothing is left."""

    def __init__(self, folder: Path) -> None:
        from embedlab.cli.serve_processes import free_ports

        self.port = free_ports(1)[0]
        self.logs = folder / "logs"
        self.process, self.lines = _start_serve(folder, "--port", str(self.port), "--processes", "2",
                                                "--log-dir", str(self.logs))
        self.url = f"http://127.0.0.1:{self.port}"
        self.output: list[str] = []

    def access_log(self) -> str:
        return (self.logs / "access.log").read_text()

    def access_log_with(self, count: int, text: str, timeout: float = 10.0) -> str:
        """The access log once it holds ``count`` lines with ``text`` (a WebSocket is logged once it has closed)."""
        deadline = time.monotonic() + timeout
        while (log := self.access_log()).count(text) < count and time.monotonic() < deadline:
            time.sleep(0.2)
        return log

    def stop(self) -> None:
        if not self.output:
            self.output = _stop_and_check_nothing_is_left(self.process, signal.SIGINT, self.port)


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    served = Served(tmp_path_factory.mktemp("serve"))
    try:
        yield served
    finally:
        served.stop()


def _visitor(browser, url: str):
    context = browser.new_context(viewport={"width": 1400, "height": 1600})
    page = context.new_page()
    page.set_default_timeout(120_000)
    page.goto(url)
    wait_until_idle(page)
    return context, page, next(cookie["value"] for cookie in context.cookies() if cookie["name"] == COOKIE)


def _exception(page) -> str:
    return page.get_by_test_id("stException").first.inner_text()


def _reviews_csv(folder: Path) -> Path:
    rows = [(text, label) for texts, label in ((POSITIVE_SENTENCES, "pos"), (NEGATIVE_SENTENCES, "neg"))
            for text in texts]
    path = folder / "serve_reviews.csv"
    path.write_text("review,sentiment\n" + "".join(f'"{text}",{label}\n' for text, label in rows), encoding="utf-8")
    return path


def test_two_visitors_from_one_address_on_two_processes_keep_their_own_sessions(served, browser, tmp_path):
    # Two browsers on one machine: one address, as a class behind NAT; one after the other, as a class arrives.
    uploader, data_page, uploader_server = _visitor(browser, f"{served.url}/data?workspace={UPLOADER}")
    trainer, train_page, trainer_server = _visitor(browser, f"{served.url}/train?workspace={TRAINER}")
    try:
        assert uploader_server != trainer_server

        data_page.get_by_role("tab", name="Upload").click()
        upload_file(data_page, _reviews_csv(tmp_path))
        data_page.get_by_text("Detected:").wait_for()
        data_page.get_by_test_id("stButton").filter(has_text="Use this dataset").click()
        wait_until_idle(data_page)
        data_page.get_by_role("heading", name="Current dataset: serve_reviews.csv").wait_for()

        # The other visitor trains on the built-in dataset and watches it live.
        train_page.get_by_text("Pang & Lee").first.wait_for()
        train_page.get_by_test_id("stSelectbox").filter(has_text="Encoder").first.click()
        train_page.get_by_role("option", name="Average pooling", exact=True).click()
        wait_until_idle(train_page)
        epochs = train_page.get_by_label("Epochs", exact=True)
        epochs.fill("2")
        epochs.press("Enter")
        wait_until_idle(train_page)
        train_page.get_by_role("button", name="Train", exact=True).click()
        train_page.get_by_text("Test accuracy").first.wait_for(timeout=300_000)
        wait_until_idle(train_page)
        assert train_page.locator(".js-plotly-plot").count() >= 2  # the loss and accuracy curves
        assert train_page.get_by_test_id("stException").count() == 0, _exception(train_page)
        screenshot(train_page, "serve_trained")

        # The uploader's session still holds their dataset, on their own process.
        data_page.get_by_test_id("stSidebarNav").get_by_text("Train", exact=True).click()
        wait_until_idle(data_page)
        data_page.get_by_text("serve_reviews.csv").first.wait_for()
        assert train_page.get_by_text("serve_reviews.csv").count() == 0
        assert data_page.get_by_test_id("stException").count() == 0, _exception(data_page)
        screenshot(data_page, "serve_uploaded")
    finally:
        uploader.close()
        trainer.close()

    # Every request of each visitor that needed an app reached their own process: the WebSocket (logged
    # when it closes), the upload, host-config; and each process had exactly one visitor's WebSocket.
    access = served.access_log_with(2, '"GET /_stcore/stream HTTP/1.1" 101 ')
    for visitor in (uploader_server, trainer_server):
        mine = re.findall(rf'"(\w+) (/\S*) HTTP/1\.1" (\d+) .* upstream=(\S+) cookie={re.escape(visitor)}$',
                          access, re.MULTILINE)
        proxied = [(method, path, status, upstream) for method, path, status, upstream in mine if upstream != "-"]
        assert proxied and {upstream for *_, upstream in proxied} == {visitor}, access[-3000:]
        assert ("GET", "/_stcore/stream", "101", visitor) in proxied
    assert re.search(rf'"PUT /_stcore/upload_file/\S+ HTTP/1\.1" 20\d .* upstream={re.escape(uploader_server)} ',
                     access)


def test_the_frontend_files_come_from_nginx(served, browser):
    context, _, _ = _visitor(browser, f"{served.url}/analogies?workspace={WORKSPACE}")
    context.close()
    # Everything the browsers loaded from /static/ (scripts, styles, fonts) nginx answered itself.
    static = re.findall(r'"GET (/static/\S+) HTTP/1\.1" (\d+) \d+ upstream=(\S+)', served.access_log())
    assert len(static) > 20 and {upstream for *_, upstream in static} == {"-"}
    assert {status for _, status, _ in static} <= {"200", "304"}

    index = (STATIC / "index.html").read_bytes()
    bundle = re.search(rb'src="\./(static/js/index\.[\w-]+\.js)"', index).group(1).decode()
    context = browser.new_context()
    try:
        fetches = ((f"/{bundle}?fetched", STATIC / bundle), ("/predict?workspace=fetched", STATIC / "index.html"))
        for path, on_disk in fetches:
            response = context.request.get(served.url + path, headers={"Accept-Encoding": "identity"})
            assert response.status == 200 and response.body() == on_disk.read_bytes(), path
            assert "x-embedlab-server" not in response.headers  # no app process answered
            assert response.headers["server"].startswith("nginx")
    finally:
        context.close()
    fetched = re.findall(r'"GET \S+fetched HTTP/1\.1" 200 \d+ upstream=(\S+)', served.access_log())
    assert fetched == ["-", "-"]  # nginx answered both from disk


def test_ctrl_c_stops_nginx_the_apps_and_the_training_workers(served):
    """After the training above: its app process keeps worker processes, which must go too."""
    below = _descendants(served.process.pid)
    commands = [Path(f"/proc/{pid}/cmdline").read_bytes() for pid in below if Path(f"/proc/{pid}").exists()]
    assert sum(b"multiprocessing" in command for command in commands) >= 1  # the training's worker processes
    served.stop()  # Ctrl-C, then: every one of those processes gone, the port closed
    assert served.output[-1] == "EmbedLab stopped (nginx and 2 app processes)."
