"""The Ray backend: each training (and each study cell) is a Ray task with declared resources.

``EMBEDLAB_EXECUTOR=ray`` picks it. ``EMBEDLAB_RAY_ADDRESS=host:port`` (the address
``ray start --head`` prints) joins an existing cluster; without it, Ray is started on
this machine. Ray queues the tasks by resources (one CPU each, and a GPU when
``EMBEDLAB_RAY_GPUS`` says a training should take one), so a class of fifty spreads over
every worker machine of the cluster.

A plain task rather than an actor per training, because Ray hands a finished task's
worker process to the next task: TensorFlow is imported once per worker, not once per
training, and an idle worker holds no CPU (actors kept alive between trainings held the
cluster's CPUs while idle, and new trainings waited on them for ever). A training must
still be watched and stopped while it runs, so each server keeps one small
``ProgressBoard`` actor (no CPU): a task posts its progress there four times a second and
reads back whether Stop was pressed; the server reads the board. The server keeps a
limit in front of Ray per runs folder (one per workspace in the app): hundreds of
submissions at once would otherwise all become pending tasks on the head node. Our code
reaches the workers as a ``py_modules`` runtime environment, so worker machines need the
dependencies only.

The finished run is saved by the worker into ``spec.save_to``, so on a cluster of
several machines that folder must be shared storage (an ``s3://`` runs folder).
"""

from __future__ import annotations

import os
import threading
import uuid
from dataclasses import replace
from pathlib import Path

from embedlab.errors import EmbedLabError
from embedlab.models.jobs.base import QueuedJob, TrainingSpec, lower_training_priority
from embedlab.models.jobs.slots import SlotQueue
from embedlab.models.jobs.work import configure_tensorflow_threads, job_environment, outcome, train_and_save

# Jobs one runs folder (one workspace) may have inside Ray at once; the rest wait here.
JOBS_PER_WORKSPACE = max(1, int(os.environ.get("EMBEDLAB_RAY_JOBS_PER_WORKSPACE", "4")))
POLL_SECONDS = 0.25
_connect_lock = threading.Lock()
_workspace_queues: dict[str, SlotQueue] = {}
_vector_refs: dict[str, object] = {}  # fingerprint → ObjectRef: each vector set goes to the cluster once


def connect():
    """Join the cluster named by ``EMBEDLAB_RAY_ADDRESS``, or start Ray on this machine; return ``ray``."""
    import ray

    with _connect_lock:
        if not ray.is_initialized():
            import embedlab

            address = os.environ.get("EMBEDLAB_RAY_ADDRESS", "").strip() or None
            try:
                # Our code and the run-storage settings (AWS_*, EMBEDLAB_*) travel with every actor.
                ray.init(address=address, namespace="embedlab", log_to_driver=False,
                         runtime_env={"py_modules": [str(Path(embedlab.__file__).parent)],
                                      "env_vars": job_environment()})
            except (ConnectionError, RuntimeError) as error:
                raise EmbedLabError(
                    f"could not reach the Ray cluster at {address or 'this machine'} ({error}); start it with "
                    "`ray start --head` and set EMBEDLAB_RAY_ADDRESS to the address it prints, or unset "
                    "EMBEDLAB_EXECUTOR to train in local worker processes"
                ) from None
    return ray


def workspace_queue(spec: TrainingSpec) -> SlotQueue:
    key = str(spec.save_to or "")
    with _connect_lock:
        return _workspace_queues.setdefault(key, SlotQueue(JOBS_PER_WORKSPACE))


class ProgressBoard:
    """One per server, on the cluster: where running trainings post progress and read whether to stop."""

    def __init__(self) -> None:
        self.posted: dict[str, tuple[int, object]] = {}  # job key → (worker pid, latest progress)
        self.stops: set[str] = set()

    def post(self, key: str, pid: int, progress) -> bool:
        """A training's latest progress (None before its first batch); answers whether Stop was pressed."""
        self.posted[key] = (pid, progress)
        return key in self.stops

    def stop(self, key: str) -> None:
        self.stops.add(key)

    def read(self, key: str):
        """(started, progress, worker pid); a training still waiting for a CPU has not posted."""
        if key not in self.posted:
            return False, None, None
        pid, progress = self.posted[key]
        return True, progress, pid

    def forget(self, key: str) -> None:
        self.posted.pop(key, None)
        self.stops.discard(key)


def train_on_worker(spec: TrainingSpec, vectors, board, key: str) -> dict:
    """The Ray task: train ``spec`` on this worker, posting progress to ``board`` until the training ends."""
    import ray

    lower_training_priority()  # the machine's pages (a server may share it) answer first
    stop_event, ended = threading.Event(), threading.Event()
    latest = [None]  # the newest progress, written by the training, read by the relay

    def remember(progress) -> None:
        latest[0] = progress

    def post() -> None:
        if ray.get(board.post.remote(key, os.getpid(), latest[0])):
            stop_event.set()

    def relay() -> None:
        while not ended.wait(POLL_SECONDS):
            try:
                post()
            except Exception:  # the board is gone (its server stopped): train on, the run is still saved
                pass

    post()  # the server sees the training start, and a Stop pressed while it waited for a CPU
    relay_thread = threading.Thread(target=relay, daemon=True, name="embedlab-progress-relay")
    relay_thread.start()
    try:
        configure_tensorflow_threads(slots=max(1, os.cpu_count() or 1))  # once per worker; later calls are no-ops
        result, run = train_and_save(replace(spec, vectors=vectors), remember, stop_event)
    finally:
        ended.set()
        relay_thread.join()
    return outcome(result, run)


class RayJob(QueuedJob):
    """A training as a Ray task, after a place in this workspace's queue is free."""

    thread_name = "embedlab-ray-job"

    def __init__(self, spec: TrainingSpec, queue: SlotQueue | None = None) -> None:
        super().__init__(spec, queue or workspace_queue(spec))
        self.key = uuid.uuid4().hex  # this job on the progress board
        self.worker_pid: int | None = None  # the Ray worker process training it, once it has started
        self.board = None
        self._forgotten = False  # the board no longer holds this job: a Stop now must not be left there

    def stop(self) -> None:
        super().stop()
        # Under the lock that orders it against ``forget``: Ray runs one caller's calls to an actor in
        # the order they were made, so a Stop sent before ``forget`` is cleared by it, and none is sent after.
        with self._lock:
            if self.board is not None and not self._forgotten:
                self.board.stop.remote(self.key)

    def _train(self) -> None:
        ray = connect()
        self.board = progress_board(ray)
        if self.stop_event.is_set():
            self.board.stop.remote(self.key)
        result = _training_task(ray).remote(replace(self.spec, vectors=None),
                                            _vectors_ref(ray, self.spec.vectors), self.board, self.key)
        self._follow(ray, result)

    def _failure(self, error: Exception) -> BaseException:
        return _as_failure(error)

    def _release(self) -> None:
        if self.board is not None:
            with self._lock:
                self._forgotten = True
                self.board.forget.remote(self.key)

    def _follow(self, ray, result) -> None:
        while True:
            done, _ = ray.wait([result], timeout=POLL_SECONDS)
            try:
                started, progress, pid = ray.get(self.board.read.remote(self.key), timeout=30) if not done \
                    else (True, None, None)
            except ray.exceptions.GetTimeoutError:  # the board is busy: read it again next time round
                started, progress, pid = False, None, None
            with self._lock:
                if pid is not None:
                    self.worker_pid = pid
                if started and self._state == "waiting":
                    self._state = "running"
            if progress is not None:
                self._on_progress(progress)
            if done:
                break
        self._finished(ray.get(result))


_board = None  # this server's ProgressBoard; made on its first training
_task = None


def progress_board(ray):
    """This server's ``ProgressBoard`` on the cluster, made once (it takes no CPU and ends with the server)."""
    global _board
    with _connect_lock:
        if _board is None:
            _board = ray.remote(num_cpus=0)(ProgressBoard).remote()
        return _board


def _training_task(ray):
    """``train_on_worker`` as a Ray task: one CPU (a GPU if asked), and never retried.

    Ray would run a task whose worker died again, up to three times; a training killed
    (out of memory, its node lost) is reported failed instead, and the visitor decides.
    """
    global _task
    with _connect_lock:
        if _task is None:
            resources = {"num_cpus": 1}
            gpus = float(os.environ.get("EMBEDLAB_RAY_GPUS", "0") or 0)
            if gpus > 0:
                resources["num_gpus"] = gpus
            _task = ray.remote(**resources, max_retries=0)(train_on_worker)
        return _task


def _vectors_ref(ray, vectors):
    if vectors is None:
        return None
    fingerprint = vectors.fingerprint
    with _connect_lock:
        if fingerprint not in _vector_refs:
            _vector_refs.clear()  # keep one vector set in the object store
            _vector_refs[fingerprint] = ray.put(vectors)
        return _vector_refs[fingerprint]


def _as_failure(error: BaseException) -> BaseException:
    """Ray wraps a worker's exception; bring back the one line a person needs.

    The wrapper Ray raises is also an instance of the worker's exception type, but its text
    is the worker's whole traceback: the cause is asked first.
    """
    cause = getattr(error, "cause", None)
    if isinstance(cause, EmbedLabError):
        return EmbedLabError(str(cause))
    if isinstance(error, EmbedLabError):
        return error
    if cause is not None:
        return EmbedLabError(f"training failed: {type(cause).__name__}: {cause}")
    name = type(error).__name__
    if any(kind in name for kind in ("ActorDied", "ActorError", "WorkerCrashed", "OutOfMemory", "NodeDied")):
        return EmbedLabError("the Ray worker running this training died (killed, out of memory or its node was "
                             "lost); the server is fine: try again")
    return EmbedLabError(f"training failed: {name}: {str(error).splitlines()[0] if str(error) else ''}")


def new_job(spec: TrainingSpec) -> RayJob:
    return RayJob(spec)


def queue_description() -> str:
    return (f"Trainings run as tasks on the Ray cluster, each as soon as a worker has a free CPU. This "
            f"workspace sends at most {JOBS_PER_WORKSPACE} at a time; the rest wait here, and the page says "
            "how many are ahead.")
