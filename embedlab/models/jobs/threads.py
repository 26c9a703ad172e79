"""The thread backend: ``train`` in a daemon thread of this process, after a slot of the server's queue is free.

No workers to start, so it is what a one-off command line run needs least; the
trainings share the server's interpreter (its garbage collection and page reruns).
"""

from __future__ import annotations

from embedlab.models.jobs.base import QueuedJob, TrainingSpec
from embedlab.models.jobs.slots import SLOTS, SlotQueue, slots_description
from embedlab.models.jobs.work import configure_tensorflow_threads, outcome, train_and_save


class ThreadJob(QueuedJob):
    """``train`` in a background thread of this process, after a slot of ``queue`` is free."""

    thread_name = "embedlab-training"

    def __init__(self, spec: TrainingSpec, queue: SlotQueue | None = None) -> None:
        super().__init__(spec, queue or SLOTS)

    def _train(self) -> None:
        self._running()
        configure_tensorflow_threads()
        result, run = train_and_save(self.spec, self._on_progress, self.stop_event)
        self._finished(outcome(result, run), run=run, result=result)


def new_job(spec: TrainingSpec) -> ThreadJob:
    return ThreadJob(spec)


def queue_description() -> str:
    return slots_description("inside the server process")
