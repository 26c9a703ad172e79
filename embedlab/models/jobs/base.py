"""The job contract every backend fills, and what their jobs share: the registry, the spec, the status, the skeleton.

A backend is a module named in ``BACKENDS`` (``EMBEDLAB_EXECUTOR`` picks one by name) that
provides ``new_job(spec) -> Job`` and ``queue_description() -> str``, and imports no other
backend: what they share is here, in ``slots`` (the queue) and in ``work`` (what runs where
the training runs). ``jobs`` resolves the module by name, so choosing a backend imports
only that one.
"""

from __future__ import annotations

import os
import threading
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from importlib import import_module
from pathlib import Path
from types import ModuleType

from embedlab.data.labelled import LabelledDataset
from embedlab.errors import EmbedLabError
from embedlab.models.architecture import ModelConfig
import embedlab.models.jobs.durable as durable
from embedlab.models.runs.catalog import Run, read_run
from embedlab.models.training.callbacks import Progress
from embedlab.models.training.options import TrainingOptions

# Job backends by the name EMBEDLAB_EXECUTOR gives them; the first is the default.
BACKENDS = {
    "process": "embedlab.models.jobs.processes",  # a pool of spawned worker processes, one per core
    "thread": "embedlab.models.jobs.threads",  # a thread of the server process
    "ray": "embedlab.models.jobs.ray_tasks",  # Ray tasks on a cluster
}
EXECUTORS = tuple(BACKENDS)
STATES = ("waiting", "running", "done", "stopped", "cancelled", "failed")
# The nice value (0–19) training threads run at, at least; a server runs at 0 unless started with `nice`.
TRAINING_NICE_VARIABLE, DEFAULT_TRAINING_NICE = "EMBEDLAB_TRAINING_NICE", 10
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
    # The columns the dataset was read from, recorded in the run's config.
    text_column: str = "text"
    label_column: str = "label"

    def train_arguments(self) -> dict:
        """Keyword arguments for ``train`` beyond dataset, config, options and vectors."""
        rows = {} if self.train_rows is None else {"train_rows": self.train_rows, "test_rows": self.test_rows}
        return {"name": self.name, "text_column": self.text_column, "label_column": self.label_column, **rows}


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
    result: object = None  # the in-memory TrainingResult (training.fit); only backends in this process have it
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
    def start(self) -> Job:
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

    def keep_note(self) -> None:
        """Leave the note a restart reads (``durable``) now, if the job keeps one; ``start`` does it too."""
        return None  # a job that keeps no note (QueuedJob keeps one)

    @property
    def stop_requested(self) -> bool:
        """Stop was asked for: the training ends after its current batch, then keeps its best epoch and is saved."""
        event = getattr(self, "stop_event", None)
        return event is not None and event.is_set()


class QueuedJob(Job):
    """The skeleton every backend's job shares: a thread waits its turn in ``queue``, trains, and records how it ended.

    A backend fills ``_train`` (called in the job's thread, holding a slot; it calls
    ``_running``, ``_on_progress`` and ``_finished`` as the training goes) and may add to
    ``stop`` (to reach a training that runs elsewhere), ``_failure`` (to shorten an error
    for a person) and ``_release`` (to give back what ``_train`` took, before the slot).

    A job with a runs folder keeps a note in it (``durable``) from ``start`` (or
    ``keep_note``) until it ends, so a restart of the server can tell what it ended.
    """

    thread_name = "embedlab-job"  # the job's thread is named this, then the spec's name

    def __init__(self, spec: TrainingSpec, queue) -> None:
        self.spec = spec
        self.queue = queue  # a slots.SlotQueue
        self.stop_event = threading.Event()
        self._lock = threading.Lock()
        self._state = "waiting"
        self._progress: Progress | None = None
        self._history: dict[str, list[float]] = {}
        self._metrics: dict | None = None
        self._result = None  # the TrainingResult, when the training ran in this process
        self._run: Run | None = None
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._work, name=f"{self.thread_name}-{spec.name}", daemon=True)
        self.note: dict | None = None  # this job's note in the workspace's durable queue, once written
        self._noted = False

    def keep_note(self) -> None:
        if not self._noted:
            self._noted = True
            self.note = durable.enter(self.spec)

    def start(self) -> QueuedJob:
        self.keep_note()
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
                run=self._run, error=self._error, result=self._result, metrics=self._metrics,
            )

    def _work(self) -> None:
        try:
            # Into the queue first, so the queue place is right from the start (importing TensorFlow takes a while).
            if not self.queue.acquire(self, self.stop_event):
                with self._lock:
                    self._state = "cancelled"
                return
            durable.started(self.note)
            try:
                self._train()
            except Exception as error:  # shown on the page; the server keeps running
                with self._lock:
                    self._error, self._state = self._failure(error), "failed"
            finally:
                self._release()
                self.queue.release()
        finally:
            durable.leave(self.note)  # saved, stopped, cancelled or failed: nothing left for a restart to report

    @abstractmethod
    def _train(self) -> None:
        """Train the spec, holding a slot; return once the run is recorded (``_finished``), raise if it failed."""

    def _failure(self, error: Exception) -> BaseException:
        """The error a failed job reports (``JobStatus.failure`` makes it one line)."""
        return error

    def _release(self) -> None:
        """Give back what ``_train`` took; called once the job has ended, however it ended."""

    def _running(self) -> None:
        with self._lock:
            self._state = "running"

    def _on_progress(self, progress: Progress) -> None:
        with self._lock:
            self._progress = progress
            if progress.history is not None:
                self._history = progress.history

    def _finished(self, outcome: dict, run: Run | None = None, result=None) -> None:
        """Record a finished training from its ``work.outcome``; its run is read back unless given."""
        if run is None and outcome.get("run"):
            run = read_run(outcome["run"])
        with self._lock:
            self._history, self._metrics, self._run, self._result = outcome["history"], outcome["metrics"], run, result
            self._state = "stopped" if outcome["stopped"] else "done"


def executor_name() -> str:
    """The backend this server uses: ``EMBEDLAB_EXECUTOR`` (process, thread or ray), process by default."""
    name = os.environ.get("EMBEDLAB_EXECUTOR", EXECUTORS[0]).strip().lower() or EXECUTORS[0]
    _check_backend(name)
    return name


def backend(name: str) -> ModuleType:
    """The module of the backend called ``name`` (one of ``EXECUTORS``), imported now if it was not yet."""
    _check_backend(name)
    return import_module(BACKENDS[name])


def _check_backend(name: str) -> None:
    if name not in BACKENDS:
        raise EmbedLabError(f"EMBEDLAB_EXECUTOR={name!r} is not known; set it to one of {', '.join(EXECUTORS)}")


def training_nice() -> int:
    """The nice value trainings run at, at least, from ``EMBEDLAB_TRAINING_NICE`` (0: the server's usual priority)."""
    text = os.environ.get(TRAINING_NICE_VARIABLE, "").strip()
    if not text:
        return DEFAULT_TRAINING_NICE
    if not (text.isascii() and text.isdigit() and 0 <= int(text) <= 19):  # "²".isdigit(), but int() refuses it
        raise EmbedLabError(f"{TRAINING_NICE_VARIABLE} is {text!r}; it must be a whole number from 0 (trainings at "
                            f"a server's usual CPU priority) to 19 (the lowest). Unset it for the default, "
                            f"{DEFAULT_TRAINING_NICE}")
    return int(text)


def lower_training_priority() -> None:
    """Run every thread of this process (a training worker) at nice ``training_nice()`` or lower priority.

    A server's pages answer first and its trainings take the CPU that is left: at one
    priority, visitors' page runs waited for the CPU behind a training. Linux keeps a nice
    value per thread and a new thread inherits its creator's, so the threads already running
    (a listener, Ray's) are set one by one and TensorFlow's pools, made later, inherit the
    value. Priorities are only ever lowered: Ray already runs its task threads at nice 15
    (its ``worker_niceness``), and those are left there.
    """
    level = training_nice()
    if not hasattr(os, "setpriority"):
        return
    threads = [int(task) for task in os.listdir("/proc/self/task")] if os.path.isdir("/proc/self/task") else [0]
    for thread in threads:
        try:
            if os.getpriority(os.PRIO_PROCESS, thread) < level:
                os.setpriority(os.PRIO_PROCESS, thread, level)
        except OSError:  # a thread that ended meanwhile
            pass
