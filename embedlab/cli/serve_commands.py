"""``python -m embedlab serve``: the app on every core of one machine, behind nginx, in one command.

One ``streamlit run app.py`` answers every visitor from one Python process, so a class on a
machine with many cores would wait on one of them. ``serve`` starts one app process per core
(``--processes``) on loopback ports, with one shared cookie secret and the same environment,
and Debian's nginx in front on ``--port``: nginx serves the frontend's files itself and keeps
each visitor on one process by a cookie (``serve_config``). Ctrl-C or SIGTERM stops nginx,
then every app process and whatever they started. Without nginx, or with ``--processes 1``,
it runs one app process on ``--port`` directly. Trainings run where they always do: in each
app process's worker processes, or on Ray (``EMBEDLAB_EXECUTOR``).
"""

from __future__ import annotations

import os
import secrets
import shutil
import signal
import socket
import sys
import tempfile
import time
from pathlib import Path

from embedlab.cli import serve_config
from embedlab.cli.serve_processes import Child, free_ports, log_tail, stop, wait_until_healthy
from embedlab.errors import EmbedLabError

APP_FOLDER = Path(__file__).resolve().parents[2]  # app.py, pages/ and .streamlit/ beside the embedlab package
DEBIAN_NGINX = "/usr/sbin/nginx"  # not on a normal user's PATH
RESTART_AFTER_S = 60.0  # an app process that ran at least this long is started again when it stops


def add_commands(subparsers) -> None:
    """Register ``serve``."""
    parser = subparsers.add_parser(
        "serve", help="run the app for a class: one process per core behind nginx",
        description="Start one app process per core and nginx in front of them on --port (nginx serves the "
                    "frontend's files and keeps each visitor on one process by a cookie); Ctrl-C stops them all. "
                    "Without nginx, or with --processes 1, one app process answers on --port itself.")
    parser.add_argument("--port", type=int, default=8501, help="where visitors connect (default: 8501)")
    parser.add_argument("--address", default="", help="the address to listen on (default: every interface; "
                                                      "127.0.0.1: this machine only)")
    parser.add_argument("--processes", type=int, default=os.cpu_count() or 1,
                        help=f"app processes (default: one per core, here {os.cpu_count() or 1})")
    parser.add_argument("--nginx", default=None, metavar="PATH",
                        help=f"the nginx program (default: nginx on the PATH, else {DEBIAN_NGINX})")
    parser.add_argument("--log-dir", default=None, metavar="DIR",
                        help="keep the app processes' and nginx's logs here (default: a temporary folder, "
                             "removed when serve stops)")
    printing = parser.add_argument_group("the configuration for app servers on several machines")
    printing.add_argument("--print-nginx-config", action="store_true",
                          help="print nginx's configuration for the --upstream servers and exit")
    printing.add_argument("--upstream", action="append", default=[], metavar="IP:PORT",
                          help="an app server (repeat for each)")
    printing.add_argument("--static-root", default=None, metavar="DIR",
                          help="Streamlit's frontend files on the nginx machine (default: this machine's)")
    printing.add_argument("--access-log", default=serve_config.DEPLOY_ACCESS_LOG, metavar="FILE",
                          help=f"nginx's access log (default: {serve_config.DEPLOY_ACCESS_LOG})")
    parser.set_defaults(handler=serve_command)


def find_nginx(explicit: str | None = None) -> str | None:
    """The nginx program to run, or None if there is none."""
    if explicit is not None:
        return explicit if os.path.isfile(explicit) and os.access(explicit, os.X_OK) else None
    found = shutil.which("nginx")
    if found:
        return found
    return DEBIAN_NGINX if os.path.isfile(DEBIAN_NGINX) and os.access(DEBIAN_NGINX, os.X_OK) else None


def single_process_reason(processes: int, nginx: str | None, explicit: str | None = None) -> str | None:
    """Why serve runs one app process on its own (one line), or None when it puts nginx in front of several."""
    if processes <= 1:
        return "--processes 1: one app process answers on the port itself, no nginx"
    if nginx is None:
        where = explicit or f"on the PATH or at {DEBIAN_NGINX}"
        return (f"nginx not found ({where}; Debian: apt-get install nginx): one app process answers on the port "
                f"itself instead of {processes} behind nginx")
    return None


def serve_command(args):
    if args.print_nginx_config:
        static_root = args.static_root or serve_config.streamlit_static_dir()
        text = serve_config.site_config(args.upstream, args.port, args.address, static_root, args.access_log,
                                        serve_config.max_upload_mb(APP_FOLDER))
        return text, text.rstrip("\n")
    if args.upstream or args.static_root:
        raise EmbedLabError("--upstream and --static-root go with --print-nginx-config")
    if not 0 < args.port < 65536 or args.processes < 1:
        raise EmbedLabError("--port must be 1-65535 and --processes at least 1")
    if not (APP_FOLDER / "app.py").is_file():
        raise EmbedLabError(f"app.py is not in {APP_FOLDER}: serve runs the app from EmbedLab's source folder")
    nginx = find_nginx(args.nginx)
    reason = single_process_reason(args.processes, nginx, args.nginx)
    if reason:
        print(reason, flush=True)
    folder = Path(tempfile.mkdtemp(prefix="embedlab-serve-"))
    log_dir = Path(args.log_dir).resolve() if args.log_dir else folder
    log_dir.mkdir(parents=True, exist_ok=True)
    try:
        processes = 1 if reason else args.processes
        stopped_by = _run(args.port, args.address, processes, None if reason else nginx, folder, log_dir)
    finally:
        if folder.exists():
            shutil.rmtree(folder, ignore_errors=True)
    what = f"nginx and {processes} app processes" if processes > 1 else "the app process"
    return {"stopped": True, "processes": processes, "by": stopped_by}, f"EmbedLab stopped ({what})."


class _Stop(Exception):
    """Ctrl-C (SIGINT), SIGTERM or SIGHUP (the terminal closed): stop everything."""


def _raise_stop(signum, frame):
    raise _Stop(signal.Signals(signum).name)


def _app(name: str, port: int, address: str, log_dir: Path, env: dict[str, str]) -> Child:
    argv = [sys.executable, "-m", "streamlit", "run", str(APP_FOLDER / "app.py"), "--server.headless", "true",
            "--server.address", address, "--server.port", str(port), "--server.fileWatcherType", "none"]
    host = "127.0.0.1" if address in ("0.0.0.0", "") else address
    return Child(name, argv, log_dir / f"{name}.log", env, APP_FOLDER, f"http://{_url_host(host)}:{port}/_stcore/health")


def _url_host(host: str) -> str:
    return f"[{host}]" if ":" in host else host


def app_environment(env: dict[str, str], processes: int) -> dict[str, str]:
    """The environment every app process gets: one cookie secret, and the machine's training slots shared out.

    Every process signs Streamlit's cookies (the upload's XSRF token) alike; the secret goes in the
    environment, not the command line, where any user of the machine could read it with ps. Each app
    keeps its own training queue, so the cores are divided between them (at least one training each)
    unless ``EMBEDLAB_TRAINING_SLOTS`` says otherwise: N processes with a queue of one per core each
    would run N trainings per core.
    """
    env = dict(env)
    env.setdefault("STREAMLIT_SERVER_COOKIE_SECRET", secrets.token_hex(32))
    env.setdefault("EMBEDLAB_TRAINING_SLOTS", str(max(1, (os.cpu_count() or 1) // max(1, processes))))
    return env


def _run(port: int, address: str, processes: int, nginx: str | None, folder: Path, log_dir: Path) -> str:
    """Start, wait until every part answers, tell where, watch; stop everything on Ctrl-C or SIGTERM."""
    env = app_environment(dict(os.environ), 1 if nginx is None else processes)
    if nginx is None:
        apps = [_app("app", port, address or "0.0.0.0", log_dir, env)]
    else:
        apps = [_app(f"app-{number}", internal, "127.0.0.1", log_dir, env)
                for number, internal in enumerate(free_ports(processes), 1)]
    front = None
    if nginx is not None:
        site = serve_config.site_config([f"127.0.0.1:{app_port(app)}" for app in apps], port, address,
                                        serve_config.streamlit_static_dir(), log_dir / "access.log",
                                        serve_config.max_upload_mb(APP_FOLDER))
        config = folder / "nginx.conf"
        config.write_text(serve_config.nginx_config(site, folder, log_dir), encoding="utf-8")
        probe = "127.0.0.1" if address in ("", "0.0.0.0", "*") else address
        front = Child("nginx", [nginx, "-p", str(folder), "-c", str(config), "-e", str(log_dir / "nginx-error.log"),
                                "-g", "daemon off;"], log_dir / "nginx-error.log", health_url=f"http://{_url_host(probe)}:{port}/")
    children = ([front] if front else []) + apps
    # Ctrl-C too, even where the shell started serve with SIGINT ignored (a background job): `kill -INT` stops it.
    previous = {signum: signal.signal(signum, _raise_stop) for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)}
    stopped_by = "SIGINT"
    try:
        for child in apps + ([front] if front else []):
            child.start()
        wait_until_healthy(children)
        print(_ready_line(port, address, processes, log_dir if log_dir != folder else None), flush=True)
        _watch(front, apps)
    except KeyboardInterrupt:
        pass
    except _Stop as stop_signal:
        stopped_by = str(stop_signal)
    finally:
        for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            signal.signal(signum, signal.SIG_IGN)  # a second Ctrl-C must not cut the stopping short
        try:
            print("Stopping nginx and the app processes…" if front else "Stopping the app process…", flush=True)
            stop([front] if front else [])
            stop(apps)
        finally:
            for signum, handler in previous.items():
                signal.signal(signum, handler)
    return stopped_by


def app_port(app: Child) -> int:
    return int(app.argv[app.argv.index("--server.port") + 1])


def _watch(front: Child | None, apps: list[Child]) -> None:
    """Until stopped: nginx stopping ends serve; an app process that stops after a good run is started again."""
    while True:
        time.sleep(1.0)
        if front is not None and (code := front.exit_code()) is not None:
            raise EmbedLabError(f"nginx stopped (code {code}); the end of its log:\n{log_tail(front.log_path)}")
        for app in apps:
            code = app.exit_code()
            if code is None:
                continue
            ran = time.monotonic() - app.started_at
            if front is None or ran < RESTART_AFTER_S:
                raise EmbedLabError(f"{app.name} stopped (code {code}) after {ran:.0f} s; the end of its log:\n"
                                    + log_tail(app.log_path))
            print(f"{app.name} stopped (code {code}); starting it again on port {app_port(app)}", flush=True)
            app.start()


def _ready_line(port: int, address: str, processes: int, log_dir: Path | None) -> str:
    host = address if address not in ("", "0.0.0.0", "*") else _this_machine()
    behind = f"{processes} app processes behind nginx" if processes > 1 else "one app process"
    logs = f"; logs in {log_dir}" if log_dir else ""
    local = f" (on this machine: http://localhost:{port})" if host not in ("127.0.0.1", "localhost") else ""
    return f"EmbedLab is at http://{_url_host(host)}:{port}{local}: {behind}{logs}. Ctrl-C stops it."


def _this_machine() -> str:
    """This machine's address on its network (no packet is sent), for the others in the room."""
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
            sock.connect(("10.255.255.255", 1))
            return sock.getsockname()[0]
    except OSError:
        return "localhost"
