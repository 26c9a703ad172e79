"""A Ray training that waits for a free CPU stays queued; only the real Ray cluster tests run Ray itself."""

import ray.exceptions

from embedlab.data.builtins import builtin_dataset
from embedlab.models.architecture import ModelConfig
from embedlab.models.jobs import ray_tasks as ray_jobs
from embedlab.models.jobs.base import TrainingSpec
from embedlab.models.jobs.ray_tasks import RayJob
from embedlab.models.jobs.slots import SlotQueue
from embedlab.models.training.options import TrainingOptions


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


class RecordingBoard:
    """Stands in for the ``ProgressBoard`` actor: records each call, in the order the server made them."""

    def __init__(self) -> None:
        self.calls: list[str] = []

    def __getattr__(self, method: str):
        board = self

        class Method:
            @staticmethod
            def remote(*args):
                board.calls.append(method)
                return method

        return Method


class TrainingTask:
    @staticmethod
    def remote(*args):
        return "result"


def test_a_stop_pressed_after_the_training_ended_leaves_nothing_on_the_board(monkeypatch):
    board, fake = RecordingBoard(), PendingThenDoneRay(pending_polls=0)
    monkeypatch.setattr(ray_jobs, "connect", lambda: fake)
    monkeypatch.setattr(ray_jobs, "progress_board", lambda ray: board)
    monkeypatch.setattr(ray_jobs, "_training_task", lambda ray: TrainingTask)
    monkeypatch.setattr(ray_jobs, "_vectors_ref", lambda ray, vectors: None)
    spec = TrainingSpec(builtin_dataset("pang-lee-200"), ModelConfig(encoder="pooling"), TrainingOptions(epochs=1))
    job = RayJob(spec, queue=SlotQueue(1)).start()
    job.join(timeout=30)
    assert job.snapshot().state == "done"
    job.stop()  # a late press: the page had not yet redrawn without the Stop button
    assert [call for call in board.calls if call != "read"] == ["forget"]  # the board keeps nothing of the job


def test_a_worker_s_error_comes_back_as_its_one_line_not_ray_s_traceback():
    from embedlab.errors import EmbedLabError

    # What ray.get raises: a RayTaskError that is also an EmbedLabError, whose text is the worker's traceback.
    raised = ray.exceptions.RayTaskError("train_on_worker", "Traceback (most recent call last):\n  File ...",
                                         EmbedLabError("the dataset has 1 distinct label(s)")).as_instanceof_cause()
    assert isinstance(raised, EmbedLabError) and "\n" in str(raised)
    assert str(ray_jobs._as_failure(raised)) == "the dataset has 1 distinct label(s)"
