"""The child processes of ``python -m embedlab serve``: app servers and nginx, each in a process group of its own.

Each child starts a session of its own, so a Ctrl-C in the terminal reaches ``serve`` alone
and ``serve`` stops them in order (nginx first, then the apps); stopping a child ends its
whole group, a training's worker processes included. Where util-linux's ``setpriv`` is
installed, a child also gets SIGTERM if ``serve`` itself is killed outright.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from embedlab.errors import EmbedLabError

HEALTH_TIMEOUT_S = 180.0  # a cold start on a loaded two-core machine takes a good part of a minute
STOP_TIMEOUT_S = 20.0


def free_ports(count: int) -> list[int]:
    """``count`` different loopback ports that were free a moment ago."""
    sockets = []
    try:
        for _ in range(count):
            sock = socket.socket()
            sock.bind(("127.0.0.1", 0))
            sockets.append(sock)
        return [sock.getsockname()[1] for sock in sockets]
    finally:
        for sock in sockets:
            sock.close()


def answers(url: str, timeout: float = 2.0) -> bool:
    """True if ``url`` answers 200."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status == 200
    except OSError:
        return False


def log_tail(path: Path, lines: int = 15) -> str:
    try:
        return "\n".join(path.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


class Child:
    """One command run in its own session, its output in ``log_path``."""

    def __init__(self, name: str, argv: list[str], log_path: Path, env: dict[str, str] | None = None,
                 cwd: Path | None = None, health_url: str | None = None) -> None:
        self.name, self.argv, self.log_path, self.env, self.cwd = name, argv, log_path, env, cwd
        self.health_url = health_url
        self.process: subprocess.Popen | None = None
        self.started_at = 0.0

    def start(self) -> None:
        setpriv = shutil.which("setpriv")  # util-linux: the child gets SIGTERM when serve dies, even by SIGKILL
        prefix = [setpriv, "--pdeathsig", "TERM", "--"] if setpriv and sys.platform.startswith("linux") else []
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen(prefix + self.argv, stdin=subprocess.DEVNULL, stdout=log,
                                            stderr=subprocess.STDOUT, env=self.env, cwd=self.cwd,
                                            start_new_session=True)
        self.started_at = time.monotonic()

    @property
    def pid(self) -> int:
        return self.process.pid if self.process else 0

    def exit_code(self) -> int | None:
        """None while it runs."""
        return self.process.poll() if self.process else 0

    def healthy(self) -> bool:
        return self.health_url is None or answers(self.health_url)

    def signal(self, signum: int) -> None:
        if self.process and self.process.poll() is None:
            try:
                os.kill(self.process.pid, signum)
            except ProcessLookupError:
                pass


def wait_until_healthy(children: list[Child], timeout: float = HEALTH_TIMEOUT_S) -> None:
    """Return when every child answers its health URL; an EmbedLabError if one exits or the time runs out."""
    waiting = list(children)
    deadline = time.monotonic() + timeout
    while waiting:
        for child in list(waiting):
            code = child.exit_code()
            if code is not None:
                raise EmbedLabError(f"{child.name} exited (code {code}) while starting; the end of its log:\n"
                                    + log_tail(child.log_path))
            if child.healthy():
                waiting.remove(child)
        if waiting and time.monotonic() > deadline:
            names = ", ".join(child.name for child in waiting)
            raise EmbedLabError(f"{names} did not answer in {timeout:.0f} s; the end of the first one's log:\n"
                                + log_tail(waiting[0].log_path))
        if waiting:
            time.sleep(0.3)


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
        return True
    except ProcessLookupError:
        return False
    except PermissionError:  # a process of another user took the number meanwhile: not ours
        return False


def stop(children: list[Child], timeout: float = STOP_TIMEOUT_S) -> None:
    """SIGTERM each child and wait; then whatever is left of their process groups gets SIGTERM, then SIGKILL."""
    started = [child for child in children if child.process is not None]
    for child in started:
        child.signal(signal.SIGTERM)
    deadline = time.monotonic() + timeout
    for child in started:
        try:
            child.process.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            pass
    # What is left: a child that would not stop, or its own children (a training's worker processes).
    for signum, grace in ((signal.SIGTERM, 3.0), (signal.SIGKILL, 3.0)):
        groups = [child.pid for child in started if _group_alive(child.pid)]
        for pgid in groups:
            try:
                os.killpg(pgid, signum)
            except (ProcessLookupError, PermissionError):
                pass
        end = time.monotonic() + grace
        while groups and time.monotonic() < end:
            for child in started:
                child.process.poll()  # reap the leader, so that it no longer counts in its group
            groups = [pgid for pgid in groups if _group_alive(pgid)]
            time.sleep(0.1)
        if not groups:
            break
    for child in started:
        try:
            child.process.wait(timeout=1)
        except subprocess.TimeoutExpired:
            pass
