"""The process backend: each training runs in a worker process started with ``spawn``.

The server process never trains. A job first waits for a slot of the shared queue
(``slots.SLOTS``, one slot per worker), then takes an idle worker from the pool,
sends it the spec and reads what the worker reports: progress, then a result or a
failure. Workers are started with ``spawn``, never ``fork``: a forked copy of a process
that has loaded TensorFlow hangs or crashes (tensorflow#27074), and the server may
have loaded it for a map or a prediction. A worker keeps TensorFlow loaded between
jobs, so only the first job of each worker pays for the import.

Messages between server and worker are tuples over a ``multiprocessing`` pipe:

    server → worker   ("train", job_id, spec, vectors_or_None, fingerprint, environment)   ("stop", job_id)   ("exit",)
    worker → server   ("progress", job_id, Progress)   ("done", job_id, outcome)   ("failed", job_id, kind, text)

Word vectors are large (GloVe 6B 50d pickles to 80 MB), so a worker keeps the last
vectors it was sent and the server only sends them again when their fingerprint
changes. A worker that dies mid-job (killed, out of memory, a crash in native code)
closes its pipe: the job is marked failed with a message and the server lives on.
"""

from __future__ import annotations

import itertools
import multiprocessing
import os
import queue
import threading
from dataclasses import replace

from embedlab.errors import EmbedLabError
from embedlab.models.jobs.base import QueuedJob, TrainingSpec, lower_training_priority
from embedlab.models.jobs.slots import SLOTS, TRAINING_SLOTS, SlotQueue, slots_description
from embedlab.models.jobs.spawning import no_script_as_main
from embedlab.models.jobs.work import configure_tensorflow_threads, job_environment, outcome, train_and_save

_job_ids = itertools.count(1)


class Worker:
    """One spawned worker process and the server's end of its pipe."""

    def __init__(self, threads: int) -> None:
        context = multiprocessing.get_context("spawn")
        self.connection, child_end = context.Pipe(duplex=True)
        self.process = context.Process(target=worker_main, args=(child_end, threads), daemon=True,
                                       name="embedlab-training-worker")
        with no_script_as_main():
            self.process.start()
        child_end.close()
        self.vectors_fingerprint: str | None = None
        self.send_lock = threading.Lock()

    def send(self, message: tuple) -> None:
        with self.send_lock:
            self.connection.send(message)

    @property
    def alive(self) -> bool:
        return self.process.is_alive()

    def close(self) -> None:
        try:
            self.send(("exit",))
        except (OSError, ValueError):
            pass
        self.process.join(timeout=5)
        if self.process.is_alive():
            self.process.kill()
        self.connection.close()


class WorkerPool:
    """Idle workers waiting for jobs; a job that holds a slot always finds one (or a new one is spawned)."""

    def __init__(self, threads_per_worker: int) -> None:
        self.threads_per_worker = threads_per_worker
        self.idle: list[Worker] = []
        self.lock = threading.Lock()

    def take(self) -> Worker:
        with self.lock:
            while self.idle:
                worker = self.idle.pop()
                if worker.alive:
                    return worker
                worker.close()
        return Worker(self.threads_per_worker)

    def give_back(self, worker: Worker) -> None:
        with self.lock:
            self.idle.append(worker)

    def warm(self, workers: int) -> None:
        """Start ``workers`` idle workers now, so the first trainings do not wait for a process to start."""
        with self.lock:
            missing = workers - len(self.idle)
        for _ in range(max(0, missing)):
            self.give_back(Worker(self.threads_per_worker))


POOL = WorkerPool(threads_per_worker=max(1, (os.cpu_count() or 1) // TRAINING_SLOTS))


class ProcessJob(QueuedJob):
    """A training in a worker process, after a slot of ``queue`` is free."""

    thread_name = "embedlab-process-job"

    def __init__(self, spec: TrainingSpec, queue: SlotQueue | None = None, pool: WorkerPool | None = None) -> None:
        super().__init__(spec, queue or SLOTS)
        self.pool = pool or POOL
        self.job_id = next(_job_ids)
        self._worker: Worker | None = None

    def stop(self) -> None:
        super().stop()
        with self._lock:
            worker = self._worker
        if worker is not None:
            try:
                worker.send(("stop", self.job_id))
            except (OSError, ValueError):
                pass  # the worker is gone; its job is being marked failed

    def _train(self) -> None:
        worker = self.pool.take()
        with self._lock:
            self._worker, self._state = worker, "running"
        self._send_spec(worker)
        if self.stop_event.is_set():  # Stop pressed while the spec was on its way
            worker.send(("stop", self.job_id))
        self._follow(worker)

    def _release(self) -> None:
        with self._lock:
            worker, self._worker = self._worker, None
        if worker is not None and worker.alive and self._state != "failed":
            self.pool.give_back(worker)
        elif worker is not None:
            worker.close()

    def _send_spec(self, worker: Worker) -> None:
        vectors = self.spec.vectors
        fingerprint = getattr(vectors, "fingerprint", None) if vectors is not None else None
        sent_vectors = vectors if vectors is not None and fingerprint != worker.vectors_fingerprint else None
        worker.send(("train", self.job_id, replace(self.spec, vectors=None), sent_vectors, fingerprint,
                     job_environment()))
        worker.vectors_fingerprint = fingerprint if vectors is not None else worker.vectors_fingerprint

    def _follow(self, worker: Worker) -> None:
        """Read the worker's reports until the job ends; a closed pipe means the worker died."""
        while True:
            try:
                message = worker.connection.recv()
            except (EOFError, OSError):
                worker.process.join(timeout=5)
                raise EmbedLabError(
                    f"the training process ended unexpectedly (exit code {worker.process.exitcode}), perhaps out "
                    "of memory; the server is fine: try again, or train a smaller model or on fewer rows"
                ) from None
            kind, job_id = message[0], message[1]
            if job_id != self.job_id:
                continue
            if kind == "progress":
                self._on_progress(message[2])
            elif kind == "done":
                self._finished(message[2])
                return
            elif kind == "failed":
                raise _worker_failure(message[2], message[3])


def _worker_failure(kind: str, text: str) -> EmbedLabError:
    # EmbedLab's own errors are already one line for a person; anything else gets its type named.
    return EmbedLabError(text if kind == "EmbedLabError" else f"training failed: {kind}: {text}")


def warm_pool(workers: int | None = None) -> None:
    """Start the workers ahead of the first training (in the background; returns at once)."""
    threading.Thread(target=POOL.warm, args=(workers or TRAINING_SLOTS,), daemon=True,
                     name="embedlab-warm-workers").start()


# ---------------------------------------------------------------------------------------------
# Inside the worker process.

def worker_main(connection, threads: int) -> None:
    """The worker's loop: train each spec it is sent; a listener thread turns stop requests into events."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    try:
        lower_training_priority()  # first, so every thread the worker starts inherits the lower priority
    except EmbedLabError:
        pass  # a bad setting: the server refuses jobs with its message (jobs.new_job)
    tasks: queue.Queue = queue.Queue()
    stop_events: dict[int, threading.Event] = {}
    send_lock = threading.Lock()

    def send(message: tuple) -> None:
        with send_lock:
            connection.send(message)

    def listen() -> None:
        while True:
            try:
                message = connection.recv()
            except (EOFError, OSError):
                message = ("exit",)
            if message[0] == "train":
                stop_events[message[1]] = threading.Event()
                tasks.put(message)
            elif message[0] == "stop" and message[1] in stop_events:
                stop_events[message[1]].set()
            elif message[0] == "exit":
                tasks.put(None)
                return

    threading.Thread(target=listen, daemon=True, name="embedlab-worker-listener").start()
    configure_tensorflow_threads(slots=max(1, (os.cpu_count() or 1) // max(1, threads)))
    vectors_by_fingerprint: dict = {}
    while (task := tasks.get()) is not None:
        _, job_id, spec, vectors, fingerprint, environment = task
        os.environ.update(environment)
        if vectors is not None:
            vectors_by_fingerprint = {fingerprint: vectors}  # keep only the latest set
        spec = replace(spec, vectors=vectors_by_fingerprint.get(fingerprint) if fingerprint else None)
        _train_in_worker(job_id, spec, stop_events[job_id], send)
        stop_events.pop(job_id, None)


def _train_in_worker(job_id: int, spec: TrainingSpec, stop_event: threading.Event, send) -> None:
    try:
        result, run = train_and_save(spec, lambda progress: send(("progress", job_id, progress)), stop_event)
        send(("done", job_id, outcome(result, run)))
    except Exception as error:  # reported to the server, which marks the job failed
        send(("failed", job_id, type(error).__name__, str(error)))


def new_job(spec: TrainingSpec) -> ProcessJob:
    return ProcessJob(spec)


def queue_description() -> str:
    return slots_description("each in its own worker process")
