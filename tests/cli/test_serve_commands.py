"""``python -m embedlab serve``: the nginx configuration it writes, run in front of stand-in servers, and the
command itself (one process per core behind nginx, or one on its own), stopped by Ctrl-C with nothing left.

The configuration's tests put Debian's nginx in front of two tiny HTTP servers that say who
they are, so they check in a second what nginx does: which requests reach a server, which
one, and what nginx answers from disk. ``tests/browser/test_serve.py`` drives the real app
through it.
"""

from __future__ import annotations

import http.client
import http.server
import os
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from embedlab.cli import main, serve_commands
from embedlab.cli.serve_config import DEPLOY_STATIC_ROOT, nginx_config, site_config, streamlit_static_dir
from embedlab.cli.serve_processes import Child, free_ports, stop, wait_until_healthy
from embedlab.errors import EmbedLabError

ROOT = Path(__file__).resolve().parents[2]
NGINX = serve_commands.find_nginx()
needs_nginx = pytest.mark.skipif(NGINX is None, reason="nginx is not installed (tests/run.sh installs it)")
STATIC = streamlit_static_dir()
COOKIE = "embedlab_server"


def test_deploy_nginx_conf_is_what_the_command_prints(capsys):
    code = main(["serve", "--print-nginx-config", "--port", "80", "--upstream", "127.0.0.1:8501",
                 "--upstream", "127.0.0.1:8502", "--static-root", DEPLOY_STATIC_ROOT])
    assert code == 0
    assert capsys.readouterr().out == (ROOT / "deploy" / "nginx.conf").read_text(encoding="utf-8"), (
        "deploy/nginx.conf is out of date: write it again with the command in its header")


def test_upstreams_are_addresses_listed_once():
    site = site_config(["10.0.0.11:8501", "[::1]:8502"])
    assert "server 10.0.0.11:8501;" in site and "server [::1]:8502;" in site
    assert '"~(^| )\\[::1\\]:8502$" "[::1]:8502";' in site
    for wrong in (["app1.school.lan:8501"], ["10.0.0.11"], ["10.0.0.11:0"], ["10.0.0.11:8501", "10.0.0.11:8501"], []):
        with pytest.raises(EmbedLabError):
            site_config(wrong)


@pytest.mark.parametrize("cores, processes, slots", [(2, 2, "1"), (8, 2, "4"), (32, 8, "4"), (2, 4, "1"), (4, 1, "4")])
def test_the_machines_training_slots_are_shared_out_between_the_app_processes(monkeypatch, cores, processes, slots):
    monkeypatch.setattr(os, "cpu_count", lambda: cores)

    env = serve_commands.app_environment({}, processes)

    assert env["EMBEDLAB_TRAINING_SLOTS"] == slots
    assert len(env["STREAMLIT_SERVER_COOKIE_SECRET"]) == 64


def test_a_slots_setting_or_a_cookie_secret_given_by_the_admin_is_kept(monkeypatch):
    env = serve_commands.app_environment({"EMBEDLAB_TRAINING_SLOTS": "3", "STREAMLIT_SERVER_COOKIE_SECRET": "s"}, 2)

    assert env["EMBEDLAB_TRAINING_SLOTS"] == "3" and env["STREAMLIT_SERVER_COOKIE_SECRET"] == "s"


def test_one_process_when_asked_or_without_nginx(monkeypatch, tmp_path):
    assert serve_commands.single_process_reason(4, "/usr/sbin/nginx") is None
    assert serve_commands.single_process_reason(1, "/usr/sbin/nginx").startswith("--processes 1: one app process")
    monkeypatch.setattr(serve_commands.shutil, "which", lambda name: None)
    monkeypatch.setattr(serve_commands, "DEBIAN_NGINX", str(tmp_path / "no-nginx"))
    assert serve_commands.find_nginx() is None
    reason = serve_commands.single_process_reason(4, serve_commands.find_nginx())
    assert reason.startswith("nginx not found") and "apt-get install nginx" in reason and "\n" not in reason
    assert serve_commands.find_nginx(str(tmp_path / "missing")) is None


# --- nginx in front of two stand-in servers ---------------------------------------------------------------


class StandIn:
    """An HTTP server on a loopback port that answers every request with its port and keeps what it was sent."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.requests: list[tuple[str, str, dict]] = []
        stand_in = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def _answer(self):
                length = int(self.headers.get("Content-Length") or 0)
                if length:
                    self.rfile.read(length)
                stand_in.requests.append((self.command, self.path, dict(self.headers)))
                body = f"{stand_in.port} {self.command} {self.path}".encode()
                self.send_response(200)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_PUT = do_POST = do_DELETE = _answer

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", port), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def front(tmp_path):
    """nginx with the generated configuration in front of two stand-ins; yields (port, stand-ins, access log)."""
    if NGINX is None:
        pytest.skip("nginx is not installed (tests/run.sh installs it)")
    listen, *ports = free_ports(3)
    stand_ins = [StandIn(port) for port in ports]
    site = site_config([s.address for s in stand_ins], listen, "127.0.0.1", STATIC, tmp_path / "access.log")
    config = tmp_path / "nginx.conf"
    config.write_text(nginx_config(site, tmp_path, tmp_path))
    nginx = Child("nginx", [NGINX, "-p", str(tmp_path), "-c", str(config), "-e", str(tmp_path / "nginx-error.log"),
                            "-g", "daemon off;"], tmp_path / "nginx-error.log",
                  health_url=f"http://127.0.0.1:{listen}/manifest.json")
    try:
        nginx.start()
        wait_until_healthy([nginx], timeout=30)
        yield listen, stand_ins, tmp_path / "access.log"
    finally:
        stop([nginx])
        for stand_in in stand_ins:
            stand_in.close()


def request(port: int, path: str, method: str = "GET", headers: dict | None = None, body: bytes | None = None):
    """(status, headers with lower-case names, body), redirects not followed."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return response.status, {name.lower(): value for name, value in response.getheaders()}, response.read()
    finally:
        connection.close()


def _cookie(headers: dict) -> str:
    match = re.match(rf"{COOKIE}=([^;]+); Path=/; HttpOnly; SameSite=Lax$", headers.get("set-cookie", ""))
    assert match, headers
    return match.group(1)


def test_new_visitors_take_the_servers_in_turn_and_keep_theirs(front):
    port, (first, second), _ = front
    # Four visitors from one address (a school behind NAT), one after another: servers in turn, not all on one.
    assigned = [_cookie(request(port, "/_stcore/health")[1]) for _ in range(4)]
    assert assigned == [first.address, second.address, first.address, second.address]

    # Whatever needs the visitor's session goes to the server the cookie names: the WebSocket, an upload,
    # media, a component, host-config, and the health check again (which keeps the cookie).
    cookie = {"Cookie": f"{COOKIE}={second.address}"}
    before = len(first.requests)
    for method, path in (("GET", "/_stcore/stream"), ("PUT", "/_stcore/upload_file/session/file"),
                         ("DELETE", "/_stcore/upload_file/session/file"), ("GET", "/media/abc.png"),
                         ("GET", "/component/st_keyup/index.html"), ("GET", "/_stcore/host-config"),
                         ("GET", "/_stcore/bidi-components/keyup/index.js"), ("GET", "/predict/_stcore/health"),
                         ("GET", "/_stcore/health")):
        status, headers, body = request(port, path, method, cookie, b"x" * 10 if method == "PUT" else None)
        assert status == 200 and body == f"{second.port} {method} {path}".encode()
        assert headers["x-embedlab-server"] == second.address
    assert len(first.requests) == before
    assert _cookie(request(port, "/_stcore/health", headers=cookie)[1]) == second.address
    # The app server sees the address the visitor typed (Streamlit checks the WebSocket's Origin against it).
    _, _, sent = second.requests[-1]
    assert sent["Host"] == f"127.0.0.1:{port}" and sent["X-Forwarded-For"] == "127.0.0.1"


def test_a_cookie_never_names_where_nginx_connects(front):
    port, stand_ins, log = front
    ours = {stand_in.address for stand_in in stand_ins}
    for forged in ("10.0.0.1:80", f"127.0.0.1:{port}", "embedlab_any", "127.0.0.1:8501"):
        status, headers, _ = request(port, "/_stcore/stream", headers={"Cookie": f"{COOKIE}={forged}"})
        assert status == 200 and headers["x-embedlab-server"] in ours
        status, headers, _ = request(port, "/_stcore/health", headers={"Cookie": f"{COOKIE}={forged}"})
        assert _cookie(headers) in ours  # and the visitor is given a real one
    upstreams = re.findall(r"/_stcore/\S* HTTP/1.1\" .* upstream=(\S+)", log.read_text())
    assert len(upstreams) == 8 and set(upstreams) <= ours


def test_a_visitor_whose_server_is_gone_gets_the_other(front):
    port, (first, second), _ = front
    first.close()
    status, headers, body = request(port, "/_stcore/health", headers={"Cookie": f"{COOKIE}={first.address}"})
    assert status == 200 and body.startswith(str(second.port).encode())
    assert _cookie(headers) == second.address


def test_the_frontend_comes_from_disk_not_from_a_server(front):
    port, stand_ins, log = front
    index = (STATIC / "index.html").read_bytes()
    bundle = re.search(rb'<script type="module" crossorigin src="\./(static/js/index\.[\w-]+\.js)"', index).group(1)
    status, headers, body = request(port, "/" + bundle.decode())
    assert status == 200 and body == (STATIC / bundle.decode()).read_bytes()
    assert headers["cache-control"] == "public, immutable, max-age=31536000"
    assert headers["content-type"].startswith("application/javascript")
    assert "x-embedlab-server" not in headers and "set-cookie" not in headers
    status, headers, body = request(port, "/" + bundle.decode(), headers={"Accept-Encoding": "gzip"})
    assert headers.get("content-encoding") == "gzip" and len(body) < len((STATIC / bundle.decode()).read_bytes()) / 2

    # A page URL is index.html, as Streamlit answers it; /predict/ is sent to /predict, so that ./static/ resolves.
    for page in ("/", "/predict?workspace=x", "/train", "/index.html", "/static/js/gone.js"):
        status, headers, body = request(port, page)
        assert (status, body) == (200, index), page
        assert headers["cache-control"] == "no-cache" and headers["content-type"] == "text/html; charset=utf-8"
    status, headers, _ = request(port, "/predict/?workspace=x")
    assert status == 301 and headers["location"] == "/predict?workspace=x"
    status, headers, _ = request(port, "//evil.example/")  # never a redirect to another site
    assert status == 301 and headers["location"] == "/evil.example"
    assert request(port, "/favicon.png")[2] == (STATIC / "favicon.png").read_bytes()

    assert all(not stand_in.requests for stand_in in stand_ins)  # no app server saw any of it
    assert set(re.findall(r"upstream=(\S+)", log.read_text())) == {"-"}


# --- the command itself ----------------------------------------------------------------------------------


def _descendants(pid: int) -> set[int]:
    """Every process below ``pid``, from /proc."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            parent = int(stat.rsplit(")", 1)[1].split()[1])
            children.setdefault(parent, []).append(int(entry.name))
    found, todo = set(), [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.add(child)
            todo.append(child)
    return found


def _alive(pid: int) -> bool:
    try:
        return (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def _start_serve(tmp_path: Path, *args: str) -> tuple[subprocess.Popen, list[str]]:
    """``python -m embedlab serve …`` as a terminal would run it; returns it and its output up to the address."""
    env = {**os.environ, "EMBEDLAB_RUNS_DIR": str(tmp_path / "runs"), "TF_CPP_MIN_LOG_LEVEL": "2"}
    serve = subprocess.Popen([sys.executable, "-m", "embedlab", "serve", "--address", "127.0.0.1", *args],
                             cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    lines: list[str] = []
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline:
        line = serve.stdout.readline()
        if not line:
            break
        lines.append(line.rstrip("\n"))
        if line.startswith("EmbedLab is at "):
            return serve, lines
    serve.kill()
    raise AssertionError("serve did not say where it is:\n" + "\n".join(lines))


def _stop_and_check_nothing_is_left(serve: subprocess.Popen, signum: int, port: int) -> list[str]:
    """Send ``signum`` (Ctrl-C is SIGINT) and check that serve and every process below it are gone."""
    assert serve.poll() is None, serve.stdout.read()
    below = _descendants(serve.pid)
    serve.send_signal(signum)
    rest, _ = serve.communicate(timeout=90)
    assert serve.returncode == 0, rest
    deadline = time.monotonic() + 10
    while any(_alive(pid) for pid in below) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not [pid for pid in below if _alive(pid)], "processes left behind"
    with pytest.raises(OSError):
        request(port, "/")
    return rest.splitlines()


@needs_nginx
def test_serve_puts_nginx_in_front_of_two_processes_and_ctrl_c_leaves_nothing(tmp_path):
    port = free_ports(1)[0]
    serve, lines = _start_serve(tmp_path, "--port", str(port), "--processes", "2", "--log-dir", str(tmp_path / "logs"))
    try:
        assert lines[-1].startswith(f"EmbedLab is at http://127.0.0.1:{port}: 2 app processes behind nginx")
        commands = [Path(f"/proc/{pid}/cmdline").read_bytes().decode().split("\0") for pid in _descendants(serve.pid)]
        apps = [command for command in commands if command[1:4] == ["-m", "streamlit", "run"]]
        nginx = [command[0].split() for command in commands if command[0].startswith("nginx: master process")]
        assert len(apps) == 2 and len(nginx) == 1
        assert all("--server.cookieSecret" not in command for command in apps)  # the secret is in the environment
        folder = Path(nginx[0][nginx[0].index("-p") + 1])
        assert (folder / "nginx.conf").is_file()
        # Two fresh visitors, two processes; the page itself from nginx.
        assigned = {_cookie(request(port, "/_stcore/health")[1]) for _ in range(2)}
        assert len(assigned) == 2
        status, headers, body = request(port, "/predict?workspace=x")
        assert status == 200 and body == (STATIC / "index.html").read_bytes()
        assert request(port, "/_stcore/host-config")[0] == 200
        assert request(port, "/predict/_stcore/health")[0] == 404  # the page's probe for a base path: the app's 404
    finally:
        rest = _stop_and_check_nothing_is_left(serve, signal.SIGINT, port)
    assert rest[-1] == "EmbedLab stopped (nginx and 2 app processes)."
    assert not folder.exists()  # its configuration, pid file and temporary files
    assert {path.name for path in (tmp_path / "logs").iterdir()} >= {"app-1.log", "app-2.log", "access.log"}


def test_serve_without_nginx_runs_one_process_and_sigterm_stops_it(tmp_path):
    port = free_ports(1)[0]
    serve, lines = _start_serve(tmp_path, "--port", str(port), "--processes", "2", "--nginx", str(tmp_path / "none"))
    try:
        assert lines[0].startswith("nginx not found") and "one app process" in lines[0]
        assert lines[-1].startswith(f"EmbedLab is at http://127.0.0.1:{port}: one app process")
        status, headers, _ = request(port, "/_stcore/health")
        assert status == 200 and "x-embedlab-server" not in headers  # the app itself, no nginx
    finally:
        rest = _stop_and_check_nothing_is_left(serve, signal.SIGTERM, port)
    assert rest[-1] == "EmbedLab stopped (the app process)."
