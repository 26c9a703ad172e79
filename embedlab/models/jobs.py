"""Trainings in the background: the one interface pages use, and the thread-based backend behind it.

A fit takes seconds to hours, so a page never calls ``train`` itself. It describes a
training as a ``TrainingSpec``, hands it to ``submit`` (or several to ``submit_series``)
and polls the ``Job`` it gets back::

    job = submit(TrainingSpec(dataset, config, options, save_to=folder, name="lstm"))
    status = job.snapshot()   # a JobStatus: state, queue place, progress, history
    job.stop()                # ends after the current batch; the best epoch is saved
    status.run                # the saved Run once the job is done (or stopped)
    status.failure            # one line for a person once it failed

``Job`` is the contract; ``ThreadJob`` is its one implementation: ``train`` in a daemon
thread of this process, behind a first-come, first-served queue (``SLOTS``) that lets
``TRAINING_SLOTS`` trainings of all visitors run at once, so one visitor's training
neither freezes the server nor starves the others. Another backend — a pool of spawned
processes, or Ray — implements ``Job`` (its ``snapshot`` answers from what its worker
reports, its ``stop`` forwards a stop request, its run is the folder the worker saved)
and ``new_job`` picks it; pages, series and studies built on ``Job`` stay as they are.
"""

from __future__ import annotations

import os
import threading
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from pathlib import Path

from embedlab.data.labelled import LabelledDataset
from embedlab.errors import EmbedLabError
from embedlab.models.architecture import ModelConfig
from embedlab.models.callbacks import Progress
from embedlab.models.runs import Run
from embedlab.models.training import TrainingResult, train
from embedlab.models.training_options import TrainingOptions

# Trainings running at once in one server process. One fit loop already keeps every core
# TensorFlow is given busy; more at once only slow each other down.
TRAINING_SLOTS = max(1, int(os.environ.get("EMBEDLAB_TRAINING_SLOTS", "1")))
STATES = ("waiting", "running", "done", "stopped", "cancelled", "failed")
FINISHED_STATES = frozenset({"done", "stopped", "cancelled", "failed"})


@dataclass
class TrainingSpec:
    """Everything one training needs: what a backend ships to wherever it trains.

    Args:
        dataset, config, options, vectors: as for ``train``.
        save_to: a runs folder; the finished run is saved there (``JobStatus.run``).
        name: the run's name.
    """

    dataset: LabelledDataset
    config: ModelConfig
    options: TrainingOptions
    vectors: object = None  # WordVectors for the GloVe embeddings
    save_to: Path | str | None = None
    name: str = ""
    # A study cell names its rows: training (and validation) rows are drawn from ``train_rows``,
    # the test set is exactly ``test_rows``. None: ``train`` splits the whole dataset itself.
    train_rows: tuple[int, ...] | None = None
    test_rows: tuple[int, ...] | None = None

    def train_arguments(self) -> dict:
        """Keyword arguments for ``train`` beyond dataset, config, options and vectors."""
        rows = {} if self.train_rows is None else {"train_rows": self.train_rows, "test_rows": self.test_rows}
        return {"name": self.name, **rows}


@dataclass(frozen=True)
class JobStatus:
    """A consistent picture of one job, safe to read from any thread.

    ``state`` goes ``waiting`` (queued for a slot) → ``running`` → one of ``done``,
    ``stopped`` (by ``stop()``; the best weights are kept and the run is saved),
    ``cancelled`` (stopped before it started) or ``failed`` (``error`` says why).
    """

    state: str
    ahead: int | None = None  # trainings that start before this one; None while not in the queue
    progress: Progress | None = None
    history: dict = field(default_factory=dict)  # per-epoch metrics so far
    run: Run | None = None  # the saved run, once done or stopped (when the spec names a folder)
    error: BaseException | None = None
    result: TrainingResult | None = None  # the in-memory model; only backends in this process have it
    metrics: dict | None = None  # test metrics once done or stopped, from every backend (see TrainingResult.metrics)

    @property
    def finished(self) -> bool:
        return self.state in FINISHED_STATES

    @property
    def failure(self) -> str | None:
        """Why the job failed, as one line for a person; None unless it failed."""
        if self.error is None:
            return None
        if isinstance(self.error, EmbedLabError):
            return str(self.error)
        return f"training failed: {type(self.error).__name__}: {self.error}"


class Job(ABC):
    """One training, wherever it runs. Made waiting; ``start()`` queues it; ``stop()`` may come at any time."""

    spec: TrainingSpec

    @property
    def name(self) -> str:
        return self.spec.name

    @abstractmethod
    def start(self) -> "Job":
        """Queue the training and return at once."""

    @abstractmethod
    def stop(self) -> None:
        """End after the current batch, keeping the best weights; a job not yet running is cancelled."""

    @abstractmethod
    def join(self, timeout: float | None = None) -> None:
        """Wait until the job has finished, or ``timeout`` seconds."""

    @abstractmethod
    def snapshot(self) -> JobStatus:
        """Where the job is now."""

    @property
    def finished(self) -> bool:
        return self.snapshot().finished


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


def new_job(spec: TrainingSpec) -> Job:
    """A job for ``spec``, not yet started, from the backend this server uses (threads, for now)."""
    return ThreadJob(spec)


def submit(spec: TrainingSpec) -> Job:
    """Start training ``spec`` in the background; poll the returned job's ``snapshot()``."""
    return new_job(spec).start()


class TrainingSeries:
    """Several jobs one after another (e.g. the three embedding choices on the same split).

    Each job still queues for a slot, so a series never holds more than one slot at a
    time; ``stop()`` stops the running job and cancels the ones not started.
    """

    def __init__(self, jobs: list[Job]) -> None:
        self.jobs = jobs
        self._thread = threading.Thread(target=self._work, name="embedlab-training-series", daemon=True)

    def start(self) -> "TrainingSeries":
        self._thread.start()
        return self

    def _work(self) -> None:
        for job in self.jobs:
            job.start()
            job.join()

    def stop(self) -> None:
        for job in self.jobs:
            job.stop()

    def join(self, timeout: float | None = None) -> None:
        self._thread.join(timeout)

    @property
    def finished(self) -> bool:
        return all(job.finished for job in self.jobs)

    def runs(self) -> list[Run]:
        """The runs saved so far, in the series' order."""
        return [run for run in (job.snapshot().run for job in self.jobs) if run is not None]


def submit_series(specs: list[TrainingSpec]) -> TrainingSeries:
    """Train ``specs`` one after another in the background."""
    return TrainingSeries([new_job(spec) for spec in specs]).start()


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
