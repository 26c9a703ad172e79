"""Trainings in the background: the one interface pages, studies and the command line use.

A fit takes seconds to hours, so a page never calls ``train`` itself. It describes a
training as a ``TrainingSpec``, hands it to ``submit`` (or several to ``submit_series``)
and polls the ``Job`` it gets back::

    job = submit(TrainingSpec(dataset, config, options, save_to=folder, name="lstm"))
    status = job.snapshot()   # a JobStatus: state, queue place, progress, history, metrics
    job.stop()                # ends after the current batch; the best epoch is saved
    status.run                # the saved Run once the job is done (or stopped)
    status.failure            # one line for a person once it failed

``Job`` (in ``base``) is the contract. ``new_job`` picks the backend named by
``EMBEDLAB_EXECUTOR`` from the registry (``base.BACKENDS``) and imports only that module:

- ``process`` (the default): a pool of worker processes started with ``spawn``, one per
  core (``processes``). Trainings neither share the server's interpreter (its garbage
  collection and page reruns) nor take it down when TensorFlow fails.
- ``thread``: ``train`` in a thread of the server process (``threads``); no workers to
  start, so it is what a one-off command line run needs least.
- ``ray``: a Ray task on a cluster (``ray_tasks``).

Workers (``process``, ``ray``) run at nice 10 or lower priority (``EMBEDLAB_TRAINING_NICE``),
below a server at the usual 0: pages answer first, trainings take the rest.

Every job waits in a first-come, first-served queue first (``slots.SlotQueue``), so the
page can say how many jobs are ahead: on this server's ``SLOTS`` (``TRAINING_SLOTS``
trainings at once, for all visitors) with the thread and process backends; on Ray, in a
queue per workspace in front of the cluster, which starts each task when a CPU is free.
``queue_description`` asks the backend to say which, in words for the page.

A workspace (a runs folder) may have ``EMBEDLAB_MAX_QUEUED_PER_WORKSPACE`` trainings queued
or running at once (6 unless set; ``submit`` refuses more with a message), and each of them
keeps a note in that folder until it ends (``durable``), so that after a restart the Train
page can tell the visitor which trainings the restart ended.
"""

from __future__ import annotations

import threading

import embedlab.models.jobs.durable as durable
from embedlab.models.jobs.base import (
    FINISHED_STATES,
    STATES,
    Job,
    JobStatus,
    TrainingSpec,
    backend,
    executor_name,
    training_nice,
)
from embedlab.models.runs.catalog import Run

__all__ = [
    "FINISHED_STATES", "STATES", "Job", "JobStatus", "TrainingSeries", "TrainingSpec", "executor_name", "new_job",
    "queue_description", "submit", "submit_series",
]


def new_job(spec: TrainingSpec, executor: str | None = None) -> Job:
    """A job for ``spec``, not yet started, on ``executor`` (default: ``executor_name()``)."""
    training_nice()  # a bad EMBEDLAB_TRAINING_NICE is said here, to the visitor, not by a worker later
    return backend(executor or executor_name()).new_job(spec)


def queue_description(executor: str | None = None) -> str:
    """How trainings wait on ``executor`` (default: this server's backend), in words for a visitor."""
    return backend(executor or executor_name()).queue_description()


def check_destination(spec: TrainingSpec) -> None:
    """Refuse a spec whose runs folder cannot take a run now, not after the whole training (EmbedLabError)."""
    if spec.save_to is None:
        return
    from embedlab.models.runs.catalog import ensure_writable_runs_folder
    from embedlab.models.runs.storage import ensure_writable_remote, is_remote

    if is_remote(spec.save_to):
        ensure_writable_remote(str(spec.save_to))
    else:
        ensure_writable_runs_folder(spec.save_to)


def submit(spec: TrainingSpec, executor: str | None = None) -> Job:
    """Start training ``spec`` in the background; poll the returned job's ``snapshot()``.

    Raises EmbedLabError at once when the spec's runs folder cannot take a run, or when its
    workspace already has as many trainings queued or running as it may have.
    """
    check_destination(spec)
    [job] = _noted_jobs([spec], executor)
    return job.start()


def _noted_jobs(specs: list[TrainingSpec], executor: str | None = None) -> list[Job]:
    """Jobs for ``specs`` (all for one runs folder), each with its note written, if the workspace has room."""
    with durable.ROOM_LOCK:  # from the count to the notes: two clicks at once cannot both squeeze in
        durable.check_room(specs[0].save_to, len(specs))
        jobs = [new_job(spec, executor) for spec in specs]
        for job in jobs:
            job.keep_note()
    return jobs


class TrainingSeries:
    """Several jobs one after another (e.g. the three embedding choices on the same split).

    Each job still queues for a slot, so a series never holds more than one slot at a
    time; ``stop()`` stops the running job and cancels the ones not started.
    """

    def __init__(self, jobs: list[Job]) -> None:
        self.jobs = jobs
        self._thread = threading.Thread(target=self._work, name="embedlab-training-series", daemon=True)

    def start(self) -> TrainingSeries:
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
    """Train ``specs`` (all for one runs folder) one after another in the background.

    EmbedLabError at once for a bad runs folder, or when the workspace has no room for them
    all; every one is noted now, so a restart reports the ones not yet started too.
    """
    for spec in specs:
        check_destination(spec)
    return TrainingSeries(_noted_jobs(specs)).start()
