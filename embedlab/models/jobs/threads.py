"""The thread backend: ``train`` in a daemon thread of this process, after a slot of the server's queue is free.

No workers to start, so it is what a one-off command line run needs least; the
trainings share the server's interpreter (its garbage collection and page reruns).
"""

from __future__ import annotations

import threading

from embedlab.models.jobs.base import FINISHED_STATES, Job, JobStatus, TrainingSpec
from embedlab.models.jobs.slots import SLOTS, SlotQueue, slots_description
from embedlab.models.jobs.work import configure_tensorflow_threads, train_and_save
from embedlab.models.runs.catalog import Run
from embedlab.models.training.callbacks import Progress


class ThreadJob(Job):
    """``train`` in a background thread of this process, after a slot of ``queue`` is free."""

    def __init__(self, spec: TrainingSpec, queue: SlotQueue | None = None) -> None:
        self.spec = spec
        self.queue = queue or SLOTS
        self.stop_event = threading.Event()
        self._lock = threading.Lock()
        self._state = "waiting"
        self._progress: Progress | None = None
        self._history: dict[str, list[float]] = {}
        self._result = None  # the TrainingResult, once trained
        self._run: Run | None = None
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._work, name=f"embedlab-training-{spec.name}", daemon=True)

    def start(self) -> "ThreadJob":
        self._thread.start()
        return self

    def stop(self) -> None:
        self.stop_event.set()

    def join(self, timeout: float | None = None) -> None:
        if self._thread.ident is not None:
            self._thread.join(timeout)

    @property
    def finished(self) -> bool:
        return self._state in FINISHED_STATES

    def snapshot(self) -> JobStatus:
        with self._lock:
            queued = self._state == "waiting" and self._thread.ident is not None
            return JobStatus(
                state=self._state, ahead=self.queue.ahead_of(self) if queued else None, progress=self._progress,
                history={key: list(values) for key, values in self._history.items()},
                run=self._run, error=self._error, result=self._result,
                metrics=self._result.metrics if self._result is not None else None,
            )

    def _on_progress(self, progress: Progress) -> None:
        with self._lock:
            self._progress = progress
            if progress.history is not None:
                self._history = progress.history

    def _work(self) -> None:
        # Into the queue first, so the queue place is right from the start (importing TensorFlow takes a while).
        if not self.queue.acquire(self, self.stop_event):
            with self._lock:
                self._state = "cancelled"
            return
        try:
            with self._lock:
                self._state = "running"
            configure_tensorflow_threads()
            result, run = train_and_save(self.spec, self._on_progress, self.stop_event)
            with self._lock:
                self._result, self._run = result, run
                self._state = "stopped" if result.stopped else "done"
        except Exception as error:  # shown on the page; the server keeps running
            with self._lock:
                self._error = error
                self._state = "failed"
        finally:
            self.queue.release()


def new_job(spec: TrainingSpec) -> ThreadJob:
    return ThreadJob(spec)


def queue_description() -> str:
    return slots_description("inside the server process")
