"""The thread backend: ``train`` in a daemon thread of this process, after a slot of a first-come queue is free.

``SlotQueue`` is also the queue in front of the other backends: every job, wherever it
trains, waits here for one of ``TRAINING_SLOTS`` slots, so the page can say how many
jobs are ahead and a stop before the start cancels without touching a worker.
"""

from __future__ import annotations

import os
import threading

from embedlab.models.training.callbacks import Progress
from embedlab.models.jobs.base import FINISHED_STATES, Job, JobStatus, TrainingSpec
from embedlab.models.runs.catalog import Run
from embedlab.models.training.fit import TrainingResult, train

EXECUTORS = ("process", "thread", "ray")


def executor_name() -> str:
    """The backend this server uses: ``EMBEDLAB_EXECUTOR`` (process, thread or ray), process by default."""
    from embedlab.errors import EmbedLabError

    name = os.environ.get("EMBEDLAB_EXECUTOR", "process").strip().lower() or "process"
    if name not in EXECUTORS:
        raise EmbedLabError(f"EMBEDLAB_EXECUTOR={name!r} is not known; set it to one of {', '.join(EXECUTORS)}")
    return name


def _default_slots() -> int:
    # Threads share one process, where one fit loop already keeps every core busy: more at once only
    # slow each other down. Worker processes each get their share of the cores, one per core.
    if "EMBEDLAB_TRAINING_SLOTS" in os.environ:
        return max(1, int(os.environ["EMBEDLAB_TRAINING_SLOTS"]))
    return 1 if os.environ.get("EMBEDLAB_EXECUTOR", "process").strip().lower() == "thread" else (os.cpu_count() or 1)


# Trainings running at once for all visitors of this server.
TRAINING_SLOTS = _default_slots()


class SlotQueue:
    """A first-come, first-served queue in front of ``slots`` concurrent trainings."""

    def __init__(self, slots: int) -> None:
        self.slots = slots
        self.running = 0
        self.waiting: list[object] = []
        self.condition = threading.Condition()

    def acquire(self, job, cancel: threading.Event) -> bool:
        """Wait for a slot in turn; False if ``cancel`` is set before the slot is taken."""
        with self.condition:
            self.waiting.append(job)
            try:
                while True:
                    if cancel.is_set():
                        return False
                    if self.waiting[0] is job and self.running < self.slots:
                        self.running += 1
                        return True
                    self.condition.wait(0.2)
            finally:
                self.waiting.remove(job)
                self.condition.notify_all()

    def release(self) -> None:
        with self.condition:
            self.running -= 1
            self.condition.notify_all()

    def ahead_of(self, job) -> int:
        """Trainings that will start before ``job`` (running ones included); 0 once it runs."""
        with self.condition:
            if job not in self.waiting:
                return 0
            return self.running + self.waiting.index(job)


SLOTS = SlotQueue(TRAINING_SLOTS)


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
        self._result: TrainingResult | None = None
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
            spec = self.spec
            result = train(spec.dataset, spec.config, spec.options, spec.vectors, self._on_progress,
                           self.stop_event, **spec.train_arguments())
            run = result.save(spec.save_to) if spec.save_to is not None else None
            with self._lock:
                self._result, self._run = result, run
                self._state = "stopped" if result.stopped else "done"
        except Exception as error:  # shown on the page; the server keeps running
            with self._lock:
                self._error = error
                self._state = "failed"
        finally:
            self.queue.release()


def configure_tensorflow_threads(slots: int = TRAINING_SLOTS) -> None:
    """Give TensorFlow's op pools one share of the cores each, so parallel trainings do not oversubscribe.

    Only possible before TensorFlow starts its runtime; later calls change nothing.
    """
    import tensorflow as tf

    cores = os.cpu_count() or 1
    try:
        tf.config.threading.set_intra_op_parallelism_threads(max(1, cores // slots))
        tf.config.threading.set_inter_op_parallelism_threads(max(1, cores // slots))
    except RuntimeError:
        pass  # the runtime is already up (another page used TensorFlow first)
