"""A class member's training reaches the board from the server, whether or not their page runs again."""

from __future__ import annotations

import threading
import time
from types import SimpleNamespace

from embedlab_ui import classes


class QueuedThenTrained:
    """A job that waits in the queue (no thread to join), then trains, then is saved as ``run``."""

    def __init__(self, spec, run) -> None:
        self.spec, self._run, self._done = spec, run, threading.Event()

    def finish(self) -> None:
        self._done.set()

    @property
    def finished(self) -> bool:
        return self._done.is_set()

    def join(self, timeout=None) -> None:
        return None  # like a queued QueuedJob: returns at once, the job not started

    def snapshot(self):
        return SimpleNamespace(run=self._run if self.finished else None, finished=self.finished)


def test_a_saved_class_run_goes_on_the_board_with_no_page_run_after_it(monkeypatch):
    boarded = []
    monkeypatch.setattr(classes, "load_class", lambda code: f"record {code}")
    monkeypatch.setattr(classes, "record_run", lambda record, name, run: boarded.append((record, name, run)))
    spec, other_spec = object(), object()
    monkeypatch.setattr(classes.st, "session_state", {classes.SPECS_KEY: [
        {"spec": spec, "code": "ABC234", "name": "Ana", "recorded": False}]})
    job = QueuedThenTrained(spec, run="Ana's run")
    not_for_a_class = QueuedThenTrained(other_spec, run="a run of her own")

    classes.board_when_saved([job, not_for_a_class])
    time.sleep(1.0)
    assert boarded == []  # still queued: nothing to put on the board yet
    job.finish()
    not_for_a_class.finish()
    deadline = time.monotonic() + 10
    while not boarded and time.monotonic() < deadline:
        time.sleep(0.1)
    assert boarded == [("record ABC234", "Ana", "Ana's run")]  # the browser never ran a page meanwhile


def test_a_training_that_ends_without_a_run_puts_nothing_on_the_board(monkeypatch):
    boarded = []
    monkeypatch.setattr(classes, "load_class", lambda code: code)
    monkeypatch.setattr(classes, "record_run", lambda *args: boarded.append(args))
    job = QueuedThenTrained(object(), run=None)  # stopped before its first epoch, failed or cancelled
    job.finish()
    classes._board_after(job, "ABC234", "Ana")
    assert boarded == []
