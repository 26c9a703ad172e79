"""The Ray backend: each training (and each study cell) is a Ray actor with declared resources.

``EMBEDLAB_EXECUTOR=ray`` picks it. ``EMBEDLAB_RAY_ADDRESS=host:port`` (the address
``ray start --head`` prints) joins an existing cluster; without it, Ray is started on
this machine. Ray queues the actors by resources (one CPU each, and a GPU when
``EMBEDLAB_RAY_GPUS`` says a training should take one), so a class of fifty spreads over
every worker machine of the cluster.

An actor rather than a plain task, because a training must be watched and stopped
while it runs: the actor trains in one of its threads and answers ``poll`` and ``stop``
from another (``max_concurrency``). The server keeps a limit in front of Ray per runs
folder (one per workspace in the app): hundreds of submissions at once would otherwise
all become pending actors on the head node. Our code reaches the workers as a
``py_modules`` runtime environment, so worker machines need the dependencies only.

The finished run is saved by the worker into ``spec.save_to``, so on a cluster of
several machines that folder must be shared storage (an ``s3://`` runs folder).
"""

from __future__ import annotations

import os
import threading
from dataclasses import replace
from pathlib import Path

from embedlab.errors import EmbedLabError
from embedlab.models.job_types import FINISHED_STATES, Job, JobStatus, TrainingSpec, lower_training_priority
from embedlab.models.runs import Run
from embedlab.models.thread_jobs import SlotQueue

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
                from embedlab.models.process_jobs import job_environment

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


class TrainingActor:
    """Lives on a Ray worker for one training: trains in one thread, answers ``poll`` and ``stop`` in others."""

    def __init__(self) -> None:
        lower_training_priority()  # the machine's pages (a server may share it) answer first
        self.started = False
        self.progress = None
        self.stop_event = threading.Event()

    def train(self, spec: TrainingSpec, vectors) -> dict:
        from embedlab.models.thread_jobs import configure_tensorflow_threads
        from embedlab.models.training import train

        self.started = True
        configure_tensorflow_threads(slots=max(1, os.cpu_count() or 1))
        result = train(spec.dataset, spec.config, spec.options, vectors, self._report, self.stop_event,
                       **spec.train_arguments())
        run = result.save(spec.save_to) if spec.save_to is not None else None
        return {"run": (run.location or str(run.path)) if run is not None else None, "metrics": result.metrics,
                "history": result.history, "stopped": result.stopped}

    def _report(self, progress) -> None:
        self.progress = progress

    def poll(self):
        return self.started, self.progress

    def pid(self) -> int:
        return os.getpid()

    def stop(self) -> None:
        self.stop_event.set()


class RayJob(Job):
    """A training as a Ray actor, after a place in this workspace's queue is free."""

    def __init__(self, spec: TrainingSpec, queue: SlotQueue | None = None) -> None:
        self.spec = spec
        self.queue = queue or workspace_queue(spec)
        self.stop_event = threading.Event()
        self._lock = threading.Lock()
        self._state = "waiting"
        self._progress = None
        self._history: dict[str, list[float]] = {}
        self._metrics: dict | None = None
        self._run: Run | None = None
        self._error: BaseException | None = None
        self.actor = None
        self._thread = threading.Thread(target=self._work, name=f"embedlab-ray-job-{spec.name}", daemon=True)

    def start(self) -> "RayJob":
        self._thread.start()
        return self

    def stop(self) -> None:
        self.stop_event.set()
        actor = self.actor
        if actor is not None:
            actor.stop.remote()

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
                run=self._run, error=self._error, metrics=self._metrics,
            )

    def _work(self) -> None:
        if not self.queue.acquire(self, self.stop_event):
            with self._lock:
                self._state = "cancelled"
            return
        ray = None
        try:
            ray = connect()
            self.actor = _actor_class(ray).remote()
            if self.stop_event.is_set():
                self.actor.stop.remote()
            result = self.actor.train.remote(replace(self.spec, vectors=None), _vectors_ref(ray, self.spec.vectors))
            self._follow(ray, result)
        except Exception as error:  # shown on the page; the server keeps running
            with self._lock:
                self._error, self._state = _as_failure(error), "failed"
        finally:
            if self.actor is not None and ray is not None:
                try:
                    ray.kill(self.actor)
                except Exception:  # the actor is already gone
                    pass
            self.queue.release()

    def _follow(self, ray, result) -> None:
        from embedlab.models.runs import read_run

        while True:
            done, _ = ray.wait([result], timeout=POLL_SECONDS)
            try:
                started, progress = ray.get(self.actor.poll.remote(), timeout=30) if not done else (True, None)
            except ray.exceptions.GetTimeoutError:  # the actor waits for a free CPU: Ray queues it, not a failure
                started, progress = False, None
            with self._lock:
                if started and self._state == "waiting":
                    self._state = "running"
                if progress is not None:
                    self._progress = progress
                    if progress.history is not None:
                        self._history = progress.history
            if done:
                break
        outcome = ray.get(result)
        run = read_run(outcome["run"]) if outcome["run"] else None
        with self._lock:
            self._history, self._metrics, self._run = outcome["history"], outcome["metrics"], run
            self._state = "stopped" if outcome["stopped"] else "done"


def _actor_class(ray):
    resources = {"num_cpus": 1}
    gpus = float(os.environ.get("EMBEDLAB_RAY_GPUS", "0") or 0)
    if gpus > 0:
        resources["num_gpus"] = gpus
    return ray.remote(**resources, max_concurrency=4)(TrainingActor)


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
    """Ray wraps a worker's exception; bring back the one line a person needs."""
    if isinstance(error, EmbedLabError):
        return error
    cause = getattr(error, "cause", None)
    if isinstance(cause, EmbedLabError):
        return EmbedLabError(str(cause))
    if cause is not None:
        return EmbedLabError(f"training failed: {type(cause).__name__}: {cause}")
    name = type(error).__name__
    if "ActorDied" in name or "ActorError" in name or "WorkerCrashed" in name:
        return EmbedLabError("the Ray worker running this training died (killed, out of memory or its node was "
                             "lost); the server is fine: try again")
    return EmbedLabError(f"training failed: {name}: {str(error).splitlines()[0] if str(error) else ''}")
