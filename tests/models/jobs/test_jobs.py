"""Jobs: the failure message, series, the queue's description and the registry of backends.

What every backend promises (the queue, cancel, Stop, failures, a run that loads) is
checked on each backend in test_contract.py.
"""

import pytest

from embedlab.errors import EmbedLabError
from embedlab.models.jobs import Job, JobStatus, TrainingSeries, TrainingSpec, new_job, queue_description
from embedlab.models.jobs.slots import TRAINING_SLOTS, SlotQueue
from embedlab.models.jobs.threads import ThreadJob
from embedlab.models.training.options import TrainingOptions
from tests.models.training.test_fit import tiny_config, tiny_dataset


@pytest.mark.parametrize("error, message", [
    (EmbedLabError("epochs 0 is out of range; pick 1 to 1,000"), "epochs 0 is out of range; pick 1 to 1,000"),
    (MemoryError("out of memory"), "training failed: MemoryError: out of memory"),
    (None, None),
])
def test_the_failure_message_is_one_line_for_a_person(error, message):
    assert JobStatus("failed" if error else "done", error=error).failure == message


class RecordingJob(Job):
    """A stand-in backend: finishes as soon as it starts, and records what the series asked of it."""

    def __init__(self, name: str, log: list) -> None:
        self.spec = TrainingSpec(None, None, None, name=name)
        self.log, self.state = log, "waiting"

    def start(self):
        self.log.append(f"start {self.name}")
        self.state = "cancelled" if self.state == "stopping" else "done"
        return self

    def stop(self):
        self.log.append(f"stop {self.name}")
        self.state = "stopping" if self.state == "waiting" else self.state

    def join(self, timeout=None):
        self.log.append(f"join {self.name}")

    def snapshot(self):
        return JobStatus(self.state)


def test_a_series_runs_any_backends_jobs_one_after_another():
    log = []
    series = TrainingSeries([RecordingJob("a", log), RecordingJob("b", log)]).start()
    series.join(timeout=10)
    assert log == ["start a", "join a", "start b", "join b"]
    assert series.finished and series.runs() == []


def test_stopping_a_series_cancels_the_jobs_not_yet_started():
    queue = SlotQueue(1)
    jobs = [ThreadJob(TrainingSpec(tiny_dataset(), tiny_config(), TrainingOptions(epochs=1), name=name), queue=queue)
            for name in ("first", "second")]
    series = TrainingSeries(jobs)
    assert [job.snapshot().ahead for job in jobs] == [None, None]  # neither is queued yet
    series.stop()
    series.start().join(timeout=60)
    assert [job.snapshot().state for job in jobs] == ["cancelled", "cancelled"] and queue.running == 0


def test_the_queue_is_described_as_it_works_on_each_backend():
    from embedlab.models.jobs.ray_tasks import JOBS_PER_WORKSPACE

    on_ray = queue_description("ray")
    assert "Ray cluster" in on_ray and f"at most {JOBS_PER_WORKSPACE} at a time" in on_ray
    assert "This server runs" not in on_ray  # the cluster's CPUs decide, not this server's slots
    on_processes = queue_description("process")
    assert f"This server runs {TRAINING_SLOTS} training" in on_processes and "worker process" in on_processes
    assert "inside the server process" in queue_description("thread")


def test_an_unknown_backend_is_refused_with_the_names_it_could_be(monkeypatch):
    monkeypatch.setenv("EMBEDLAB_EXECUTOR", "slurm")
    with pytest.raises(EmbedLabError, match="'slurm' is not known; set it to one of process, thread, ray"):
        queue_description()
    with pytest.raises(EmbedLabError, match="not known"):
        new_job(TrainingSpec(tiny_dataset(), tiny_config(), TrainingOptions()), executor="slurm")


def test_each_backend_is_picked_by_its_name():
    from embedlab.models.jobs.processes import ProcessJob
    from embedlab.models.jobs.ray_tasks import RayJob

    spec = TrainingSpec(tiny_dataset(), tiny_config(), TrainingOptions())
    kinds = {name: type(new_job(spec, executor=name)) for name in ("thread", "process", "ray")}
    assert kinds == {"thread": ThreadJob, "process": ProcessJob, "ray": RayJob}
