"""One contract, every job backend: the same checks run on each, as scikit-learn's ``check_estimator`` does.

A ``check_*`` function takes ``make_job(spec, queue)`` (a job of one backend, not started,
waiting in ``queue``) and a runs folder of its own, and raises AssertionError when the
backend breaks a promise the pages rely on. The tests below run every check on the thread
and process backends; ``tests/ray_scenarios.py`` runs the same checks on a real Ray cluster
inside a network namespace, and ``test_ray_tasks.py`` reads what they found.
"""

from __future__ import annotations

import json
import math
import threading
import time
from pathlib import Path

import numpy as np
import pytest

from embedlab.data.labelled import LabelledDataset
from embedlab.models.jobs.base import EXECUTORS, JobStatus, TrainingSpec
from embedlab.models.jobs.processes import ProcessJob, WorkerPool
from embedlab.models.jobs.slots import SlotQueue
from embedlab.models.jobs.threads import ThreadJob
from embedlab.models.runs.catalog import list_runs, read_run
from embedlab.models.training.options import TrainingOptions
from tests.models.training.test_fit import tiny_config, tiny_dataset

POOL = WorkerPool(threads_per_worker=1)  # one pool for the process backend's tests: each worker imports TensorFlow once


def wait_until(condition, seconds: float = 60.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False


def runs_in(folder: Path) -> list:
    return list_runs(folder) if Path(folder).exists() else []


def notes_in(folder: Path) -> list[Path]:
    """The workspace queue's notes (``jobs.durable``): one per training started and not yet ended."""
    return sorted((Path(folder) / ".queue").glob("*.json"))


def tiny_spec(folder: Path, name: str, **options) -> TrainingSpec:
    return TrainingSpec(tiny_dataset(), tiny_config(), TrainingOptions(**{"epochs": 2, "batch_size": 8, **options}),
                        save_to=folder, name=name)


def check_a_job_waits_for_a_free_slot_then_starts(make_job, folder: Path):
    queue = SlotQueue(1)
    assert queue.acquire(object(), threading.Event())  # someone else is training
    job = make_job(tiny_spec(folder, "queued"), queue)
    assert job.snapshot() == JobStatus("waiting")  # made, not yet queued
    job.start()
    assert wait_until(lambda: job.snapshot().ahead == 1), job.snapshot()
    time.sleep(0.3)  # the slot is still taken: nothing starts
    status = job.snapshot()
    assert status.state == "waiting" and status.ahead == 1 and status.progress is None and not status.finished
    queue.release()
    job.join(timeout=300)
    status = job.snapshot()
    assert status.state == "done", status.failure
    assert status.ahead is None and status.error is None and len(status.history["loss"]) == 2
    assert queue.running == 0 and queue.waiting == []  # its slot is free again
    return job


def check_a_job_stopped_before_it_starts_is_cancelled_and_saves_nothing(make_job, folder: Path):
    queue = SlotQueue(1)
    assert queue.acquire(object(), threading.Event())
    waiting = make_job(tiny_spec(folder, "stopped while waiting"), queue).start()
    assert wait_until(lambda: waiting.snapshot().ahead == 1), waiting.snapshot()
    waiting.stop()
    waiting.join(timeout=30)
    free = SlotQueue(1)
    early = make_job(tiny_spec(folder, "stopped before its start"), free)
    early.stop()  # even with a slot free, a job stopped before it starts never trains
    early.start().join(timeout=30)
    for job in (waiting, early):
        status = job.snapshot()
        assert status.state == "cancelled" and status.finished, status
        assert status.run is None and status.error is None and status.progress is None and status.metrics is None
    assert queue.waiting == [] and queue.running == 1 and free.running == 0  # the other training keeps its slot
    assert runs_in(folder) == []
    queue.release()


def check_stop_keeps_the_best_epoch(make_job, folder: Path, while_running=None):
    """Stop lands after a batch; the run is saved with the best epoch's weights and its metrics.

    ``while_running(job)`` (optional) is called while the job trains, before Stop is pressed.
    """
    dataset = tiny_dataset()
    options = TrainingOptions(epochs=500, batch_size=2, early_stopping=False, validation_split=0.25)
    spec = TrainingSpec(dataset, tiny_config(learning_rate=0.1), options, save_to=folder, name="stopped")
    job = make_job(spec, SlotQueue(1)).start()
    assert wait_until(lambda: (job.snapshot().progress or None) is not None and job.snapshot().progress.epoch >= 3,
                      300), job.snapshot().failure
    if while_running is not None:
        while_running(job)
    job.stop()
    job.join(timeout=120)
    status = job.snapshot()
    assert status.state == "stopped", status.failure
    assert status.metrics["stopped"] and 2 <= len(status.history["val_loss"]) < 500
    run = read_run(status.run.path)  # as the page reads it back
    assert [saved.run_id for saved in runs_in(folder)] == [run.run_id] and run.metrics["stopped"]
    losses = run.history["val_loss"]
    assert run.metrics["best_epoch"] == int(np.argmin(losses)) + 1
    # The saved weights are the best epoch's: the loaded model's validation loss is the lowest one seen.
    from embedlab.models.prediction import Predictor
    from embedlab.models.training.splits import split_dataset

    validation = split_dataset(dataset, options).validation
    texts = [dataset.texts[row] for row in validation]
    probabilities = Predictor.from_run(run).predict_proba(texts)
    chosen = np.clip(probabilities[np.arange(len(texts)), dataset.labels[validation]], 1e-7, 1.0)
    assert math.isclose(float(-np.mean(np.log(chosen))), min(losses), rel_tol=1e-3), (-np.mean(np.log(chosen)), losses)
    assert_predicts_its_metrics(run)
    return job


def check_a_failure_is_one_line_for_a_person(make_job, folder: Path):
    bad = LabelledDataset(["a", "b", "c"], np.array([0, 0, 0]), ["x", "y"])
    queue = SlotQueue(1)
    job = make_job(TrainingSpec(bad, tiny_config(), TrainingOptions(epochs=1), save_to=folder, name="failing"), queue)
    job.start().join(timeout=300)
    status = job.snapshot()
    assert status.state == "failed" and status.finished and status.run is None, status
    expected = "the dataset has 1 distinct label(s); a classifier needs at least 2"
    assert status.failure.startswith(expected), status.failure
    assert "\n" not in status.failure and "Traceback" not in status.failure
    assert queue.running == 0 and runs_in(folder) == []
    assert notes_in(folder) == []  # a failure is said on the page; there is nothing left for a restart to report


def check_a_job_keeps_a_note_in_its_runs_folder_until_its_run_is_saved(make_job, folder: Path):
    """A restart must be able to say what it interrupted: a started job has a note in the runs folder until it ends."""
    queue = SlotQueue(1)
    assert queue.acquire(object(), threading.Event())
    job = make_job(tiny_spec(folder, "noted"), queue).start()
    [note] = notes_in(folder)
    record = json.loads(note.read_text())
    assert record["name"] == "noted" and record["started"] is None, record  # waiting: not started
    queue.release()
    job.join(timeout=300)
    assert job.snapshot().state == "done", job.snapshot().failure
    assert notes_in(folder) == [] and len(runs_in(folder)) == 1
    return job


def check_the_run_loads_back_and_predicts(make_job, folder: Path):
    job = make_job(tiny_spec(folder, "round trip"), SlotQueue(1)).start()
    job.join(timeout=300)
    status = job.snapshot()
    assert status.state == "done", status.failure
    run = read_run(status.run.path)
    assert [saved.run_id for saved in runs_in(folder)] == [run.run_id] and run.name == "round trip"
    assert run.history == status.history and len(run.history["loss"]) == 2
    assert run.metrics["accuracy"] == status.metrics["accuracy"] and not run.metrics["stopped"]
    assert status.result is None or status.result.metrics == status.metrics  # only a backend in this process has it
    assert_predicts_its_metrics(run)
    return job


def assert_predicts_its_metrics(run) -> None:
    """The loaded run predicts its own test rows, and scores the test accuracy it was saved with."""
    from embedlab.models.prediction import Predictor

    table = run.test_split()
    probabilities = Predictor.from_run(run).predict_proba(list(table["text"]))
    assert probabilities.shape == (len(table), 2) and np.allclose(probabilities.sum(axis=1), 1.0, atol=1e-5)
    accuracy = float(np.mean(probabilities.argmax(axis=1) == table["label"].to_numpy()))
    assert math.isclose(accuracy, run.metrics["accuracy"], abs_tol=1e-9), (accuracy, run.metrics["accuracy"])


CHECKS = (check_a_job_waits_for_a_free_slot_then_starts,
          check_a_job_stopped_before_it_starts_is_cancelled_and_saves_nothing, check_stop_keeps_the_best_epoch,
          check_a_failure_is_one_line_for_a_person, check_the_run_loads_back_and_predicts,
          check_a_job_keeps_a_note_in_its_runs_folder_until_its_run_is_saved)

# How each backend makes a job on a given queue. Ray's checks run in tests/ray_scenarios.py, on a real cluster.
MAKERS = {
    "thread": lambda spec, queue: ThreadJob(spec, queue=queue),
    "process": lambda spec, queue: ProcessJob(spec, queue=queue, pool=POOL),
}
ELSEWHERE = {"ray"}


def test_every_backend_in_the_registry_is_checked():
    assert set(MAKERS) | ELSEWHERE == set(EXECUTORS)


@pytest.fixture(params=sorted(MAKERS))
def make_job(request):
    return MAKERS[request.param]


def test_a_job_waits_for_a_free_slot_then_starts(make_job, tmp_path):
    check_a_job_waits_for_a_free_slot_then_starts(make_job, tmp_path / "runs")


def test_a_job_stopped_before_it_starts_is_cancelled_and_saves_nothing(make_job, tmp_path):
    check_a_job_stopped_before_it_starts_is_cancelled_and_saves_nothing(make_job, tmp_path / "runs")


def test_stop_keeps_the_best_epoch(make_job, tmp_path):
    check_stop_keeps_the_best_epoch(make_job, tmp_path / "runs")


def test_a_failure_is_one_line_for_a_person(make_job, tmp_path):
    check_a_failure_is_one_line_for_a_person(make_job, tmp_path / "runs")


def test_the_run_loads_back_and_predicts(make_job, tmp_path):
    check_the_run_loads_back_and_predicts(make_job, tmp_path / "runs")


def test_a_job_keeps_a_note_in_its_runs_folder_until_its_run_is_saved(make_job, tmp_path):
    check_a_job_keeps_a_note_in_its_runs_folder_until_its_run_is_saved(make_job, tmp_path / "runs")
