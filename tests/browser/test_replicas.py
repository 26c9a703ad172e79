"""Two app servers behind nginx (deploy/nginx.conf): two visitors from one address land on different servers,
one uploads and trains through nginx, every request of theirs reaches their own server, both servers list the run.

What replicas need (README, "Scale out"): sticky sessions by a cookie nginx sets (not by
address: a school behind one NAT address would all land on one server), the WebSocket
upgrade passed on, the same ``server.cookieSecret`` and the same run storage
(``EMBEDLAB_RUNS_DIR``). Everything here stays on loopback: nginx runs as this user with
its configuration, pid, logs and temporary files under ``tmp_path``.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

from embedlab.cli.serve_config import DEPLOY_ACCESS_LOG, DEPLOY_STATIC_ROOT, streamlit_static_dir
from tests.browser.conftest import ROOT, AppServer, _free_port, screenshot, upload_file, wait_until_idle
from tests.conftest import NEGATIVE_SENTENCES, POSITIVE_SENTENCES

pytestmark = pytest.mark.browser

WORKSPACE = "replicas"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"  # tests/run.sh installs Debian's nginx
UPSTREAMS = ("127.0.0.1:8501", "127.0.0.1:8502")  # as deploy/nginx.conf lists them
COOKIE = "embedlab_server"


def nginx_config(folder: Path, listen: int, servers: list[AppServer]) -> Path:
    """deploy/nginx.conf with this test's ports, inside a whole configuration that keeps every file in ``folder``."""
    site = (ROOT / "deploy" / "nginx.conf").read_text()
    for placeholder, server in zip(UPSTREAMS, servers):
        ours = f"127.0.0.1:{server.port}"
        assert placeholder in site, f"deploy/nginx.conf no longer lists {placeholder}"
        site = site.replace(placeholder, ours).replace(re.escape(placeholder), re.escape(ours))
    assert not [address for address in UPSTREAMS if address in site or re.escape(address) in site]
    for old, new in (("listen 80;", f"listen 127.0.0.1:{listen};"),
                     (f"root {DEPLOY_STATIC_ROOT};", f"root {streamlit_static_dir()};"),
                     (f"access_log {DEPLOY_ACCESS_LOG} ", f"access_log {folder}/access.log ")):
        assert old in site, f"deploy/nginx.conf no longer says {old!r}"
        site = site.replace(old, new)
    (folder / "embedlab.conf").write_text(site)
    user = "user root;\n" if os.geteuid() == 0 else ""  # workers stay this user (they read folder's files)
    config = folder / "nginx.conf"
    config.write_text(
        f"{user}daemon off;\nworker_processes 2;\npid {folder}/nginx.pid;\nerror_log {folder}/error.log;\n"
        "events { worker_connections 256; }\n"
        "http {\n"
        + "".join(f"  {kind}_temp_path {folder}/{kind}_temp;\n"
                  for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
        + f"  include {folder}/embedlab.conf;\n"
        "}\n")
    return config


@pytest.fixture
def replicas(tmp_path, monkeypatch):
    """Two servers sharing a cookie secret and a runs folder, and nginx in front; yields (nginx URL, servers)."""
    monkeypatch.setenv("STREAMLIT_SERVER_COOKIE_SECRET", "the-same-secret-on-every-replica")
    runs = tmp_path / "runs"
    servers = [AppServer(runs, tmp_path / f"streamlit-{index}.log") for index in range(2)]
    nginx = None
    try:
        for server in servers:
            server.start()
        listen = _free_port()
        config = nginx_config(tmp_path, listen, servers)
        nginx = subprocess.Popen([NGINX, "-p", str(tmp_path), "-c", str(config), "-e", str(tmp_path / "error.log")],
                                 stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
        url = f"http://127.0.0.1:{listen}"
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                    assert response.status == 200
                    break
            except OSError:
                assert nginx.poll() is None, (tmp_path / "error.log").read_text()
                assert time.monotonic() < deadline, "nginx did not answer in 30 s"
                time.sleep(0.2)
        yield url, servers, tmp_path
    finally:
        if nginx is not None:
            nginx.terminate()
            nginx.wait(timeout=10)
        for server in servers:
            server.stop()


def _reviews_csv(folder: Path) -> Path:
    rows = [(text, label) for texts, label in ((POSITIVE_SENTENCES, "pos"), (NEGATIVE_SENTENCES, "neg"))
            for text in texts]
    path = folder / "replica_reviews.csv"
    path.write_text("review,sentiment\n" + "".join(f'"{text}",{label}\n' for text, label in rows), encoding="utf-8")
    return path


def _visit(browser, url: str):
    """A new visitor (a browser context of its own) on the home page; returns (context, page, their server)."""
    context = browser.new_context(viewport={"width": 1400, "height": 1800})
    page = context.new_page()
    page.set_default_timeout(120_000)
    page.goto(f"{url}/?workspace={WORKSPACE}")
    wait_until_idle(page)
    return context, page, next(cookie["value"] for cookie in context.cookies() if cookie["name"] == COOKIE)


def test_two_visitors_from_one_address_land_on_both_servers_and_keep_theirs(replicas, browser):
    url, servers, folder = replicas
    addresses = {f"127.0.0.1:{server.port}" for server in servers}
    first, page, first_server = _visit(browser, url)
    second, other_page, second_server = _visit(browser, url)  # the same address as the first: 127.0.0.1
    try:
        assert {first_server, second_server} == addresses
        page.get_by_role("tab", name="Upload").click()
        upload_file(page, _reviews_csv(folder))
        page.get_by_text("Detected:").wait_for()
        page.get_by_test_id("stButton").filter(has_text="Use this dataset").click()
        wait_until_idle(page)
        page.get_by_role("heading", name="Current dataset: replica_reviews.csv").wait_for()

        page.get_by_test_id("stSidebarNav").get_by_text("Train", exact=True).click()
        wait_until_idle(page)
        page.get_by_text("replica_reviews.csv").first.wait_for()
        page.get_by_test_id("stSelectbox").filter(has_text="Encoder").first.click()
        page.get_by_role("option", name="Average pooling", exact=True).click()
        wait_until_idle(page)
        epochs = page.get_by_label("Epochs", exact=True)
        epochs.fill("1")
        epochs.press("Enter")
        wait_until_idle(page)
        name = page.get_by_label("Run name", exact=True)
        name.fill("through nginx")
        name.press("Enter")
        wait_until_idle(page)
        page.get_by_role("button", name="Train", exact=True).click()
        page.get_by_text("Test accuracy").first.wait_for(timeout=300_000)
        wait_until_idle(page)
        assert page.get_by_test_id("stException").count() == 0
        screenshot(page, "replicas_trained_through_nginx")

        # The second visitor, on the other server, has their own session: the built-in dataset.
        other_page.get_by_test_id("stSidebarNav").get_by_text("Train", exact=True).click()
        wait_until_idle(other_page)
        assert other_page.get_by_text("replica_reviews.csv").count() == 0
        assert other_page.get_by_test_id("stException").count() == 0
    finally:
        first.close()
        second.close()

    # One run, complete, in the shared folder...
    saved = [path.parent for path in (folder / "runs" / WORKSPACE).glob("*/metrics.json")
             if not path.parent.name.startswith(".")]
    assert len(saved) == 1
    # ...listed by each server, opened directly, in the same workspace.
    for server in servers:
        direct = browser.new_context(viewport={"width": 1400, "height": 1400})
        page = direct.new_page()
        page.set_default_timeout(120_000)
        try:
            page.goto(f"{server.url}/train?workspace={WORKSPACE}")
            wait_until_idle(page)
            page.get_by_role("tab", name="Runs").click()
            wait_until_idle(page)
            page.get_by_role("button", name="Download .zip").wait_for()
            assert page.get_by_label("Name", exact=True).input_value() == "through nginx"
            assert page.get_by_test_id("stException").count() == 0
        finally:
            direct.close()

    # Each visitor's WebSocket went through nginx's upgrade (101) to their own server, and so did the upload.
    access = (folder / "access.log").read_text()
    for visitor in (first_server, second_server):
        streams = re.findall(rf'"GET /_stcore/stream HTTP/1\.1" 101 .* upstream=(\S+) cookie={re.escape(visitor)}$',
                             access, re.MULTILINE)
        assert streams and set(streams) == {visitor}, access[-3000:]
    uploads = re.findall(r'"(?:PUT|POST) /_stcore/upload_file/\S* HTTP/1\.1" 20\d .* upstream=(\S+) cookie=(\S+)$',
                         access, re.MULTILINE)
    assert uploads and all(upstream == cookie == first_server for upstream, cookie in uploads), access[-3000:]
    # The frontend's files came from nginx: no server saw a request for them.
    assert re.search(r'"GET /static/js/\S+ HTTP/1\.1" 200 .* upstream=- ', access)
    assert not re.search(r'"GET /static/\S+ HTTP/1\.1" .* upstream=127', access)
