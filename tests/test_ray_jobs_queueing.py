"""A Ray training that waits for a free CPU stays queued; only the real Ray cluster tests run Ray itself."""

import ray.exceptions

from embedlab.data.builtins import builtin_dataset
from embedlab.models.architecture import ModelConfig
from embedlab.models.job_types import TrainingSpec
from embedlab.models.ray_jobs import RayJob
from embedlab.models.training_options import TrainingOptions


class PendingThenDoneRay:
    """Stands in for ``ray``: the task has not started for the first reads of the board, then it trains."""

    exceptions = ray.exceptions

    def __init__(self, pending_polls: int) -> None:
        self.pending_polls = pending_polls
        self.polls = 0

    def wait(self, refs, timeout):
        return (refs, []) if self.polls > self.pending_polls else ([], refs)

    def get(self, ref, timeout=None):
        if ref == "read":
            self.polls += 1
            return (False, None, None) if self.polls <= self.pending_polls else (True, None, 4242)
        return {"run": None, "metrics": {"accuracy": 0.7}, "history": {"loss": [0.5]}, "stopped": False}


class Board:
    class read:  # noqa: N801 (ray's actor.method.remote() shape)
        @staticmethod
        def remote(key):
            return "read"


def test_a_training_that_waits_for_a_cpu_is_queued_not_failed():
    spec = TrainingSpec(builtin_dataset("pang-lee-200"), ModelConfig(encoder="pooling"), TrainingOptions(epochs=1))
    job = RayJob(spec)
    job.board = Board()
    fake = PendingThenDoneRay(pending_polls=3)
    job._follow(fake, "result")
    status = job.snapshot()
    assert fake.polls == 4 and status.state == "done" and status.metrics == {"accuracy": 0.7}
    assert job.worker_pid == 4242
