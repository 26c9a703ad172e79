"""The process backend: trainings in spawned worker processes, watched and stopped from the server.

What every backend promises (the queue, cancel, Stop, failures, a run that loads) is in test_contract.py.
"""

import os
import signal
import threading

import pytest

from embedlab.errors import EmbedLabError
from embedlab.models.jobs import new_job
from embedlab.models.jobs.base import TrainingSpec, executor_name
from embedlab.models.jobs.processes import ProcessJob, WorkerPool
from embedlab.models.jobs.slots import SlotQueue
from embedlab.models.runs.catalog import list_runs
from embedlab.models.training.options import TrainingOptions
from tests.models.jobs.test_contract import POOL, wait_until  # the contract's workers: TensorFlow is imported once
from tests.models.training.test_fit import tiny_config, tiny_dataset


def test_the_default_backend_is_worker_processes(monkeypatch):
    monkeypatch.delenv("EMBEDLAB_EXECUTOR", raising=False)
    assert executor_name() == "process"
    assert isinstance(new_job(TrainingSpec(tiny_dataset(), tiny_config(), TrainingOptions())), ProcessJob)


def test_a_worker_killed_mid_job_fails_the_job_with_a_message_and_the_next_job_still_trains(tmp_path):
    spec = TrainingSpec(tiny_dataset(), tiny_config(), TrainingOptions(epochs=500, batch_size=2), save_to=tmp_path)
    job = ProcessJob(spec, queue=SlotQueue(1), pool=POOL).start()
    wait_until(lambda: job.snapshot().progress is not None, 300)
    os.kill(job._worker.process.pid, signal.SIGKILL)
    job.join(timeout=60)
    status = job.snapshot()
    assert status.state == "failed" and "ended unexpectedly" in status.failure and list_runs(tmp_path) == []
    again = ProcessJob(TrainingSpec(tiny_dataset(), tiny_config(), TrainingOptions(epochs=1), save_to=tmp_path),
                       queue=SlotQueue(1), pool=POOL).start()
    again.join(timeout=300)
    assert again.snapshot().state == "done" and len(list_runs(tmp_path)) == 1


def test_a_job_stopped_while_waiting_never_starts_a_worker():
    queue = SlotQueue(1)
    assert queue.acquire(object(), threading.Event())
    job = ProcessJob(TrainingSpec(tiny_dataset(), tiny_config(), TrainingOptions(epochs=1)), queue=queue,
                     pool=WorkerPool(1)).start()
    wait_until(lambda: job.snapshot().ahead == 1)
    job.stop()
    job.join(timeout=30)
    assert job.snapshot().state == "cancelled" and job.pool.idle == []


def test_a_runs_folder_under_a_file_is_refused_before_anything_trains(tmp_path):
    import pytest

    from embedlab.errors import EmbedLabError
    from embedlab.models.jobs import submit

    (tmp_path / "a-file").write_text("not a folder")
    spec = TrainingSpec(tiny_dataset(), tiny_config(), TrainingOptions(epochs=1), save_to=tmp_path / "a-file" / "runs")
    with pytest.raises(EmbedLabError, match="is a file"):
        submit(spec)


def thread_nice_values(pid: int) -> set[int]:
    """The nice value of every thread of ``pid`` (Linux keeps one per thread)."""
    values = set()
    for task in os.listdir(f"/proc/{pid}/task"):
        try:
            with open(f"/proc/{pid}/task/{task}/stat") as stat:
                values.add(int(stat.read().rsplit(")", 1)[1].split()[16]))  # field 19 of stat: nice
        except FileNotFoundError:
            continue  # the thread ended between the listing and the read
    return values


def test_a_worker_trains_at_a_lower_cpu_priority_than_the_server_so_pages_answer_first(tmp_path):
    server_nice = os.getpriority(os.PRIO_PROCESS, 0)
    spec = TrainingSpec(tiny_dataset(), tiny_config(), TrainingOptions(epochs=500, batch_size=2), save_to=tmp_path)
    job = ProcessJob(spec, queue=SlotQueue(1), pool=POOL).start()
    wait_until(lambda: job.snapshot().progress is not None, 300)  # TensorFlow's threads are running by now
    training_threads = thread_nice_values(job._worker.process.pid)
    job.stop()
    job.join(timeout=60)
    assert training_threads == {max(server_nice, 10)}
    assert os.getpriority(os.PRIO_PROCESS, 0) == server_nice  # the server itself is left as it was


@pytest.mark.parametrize("value", ["low", "²", "20"])  # "²" passes str.isdigit() but not int()
def test_a_training_priority_that_is_not_a_nice_increment_is_refused_with_how_to_fix_it(monkeypatch, value):
    monkeypatch.setenv("EMBEDLAB_TRAINING_NICE", value)
    with pytest.raises(EmbedLabError, match=rf"EMBEDLAB_TRAINING_NICE is '{value}'; it must be a whole number from 0"):
        new_job(TrainingSpec(tiny_dataset(), tiny_config(), TrainingOptions()))


KILLED_SERVER = """
import sys, time
from pathlib import Path
from embedlab.models.jobs.processes import ProcessJob, WorkerPool
from embedlab.models.jobs.slots import SlotQueue
from tests.models.jobs.test_contract import tiny_spec

spec = tiny_spec(Path(sys.argv[1]), "orphaned", epochs=1000, batch_size=2, early_stopping=False)
job = ProcessJob(spec, queue=SlotQueue(1), pool=WorkerPool(1)).start()
while job.snapshot().progress is None:
    time.sleep(0.05)
print(job._worker.process.pid, flush=True)
time.sleep(600)
"""


def process_ended(pid: int) -> bool:
    """Gone, or a zombie nobody has reaped yet (an orphan's new parent may never reap it)."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] == "Z"
    except FileNotFoundError:
        return True


def test_a_worker_whose_server_was_killed_ends_at_once_and_saves_nothing(tmp_path):
    # Nobody is left to report to, and the restarted server tells the visitor the training was interrupted
    # (jobs.durable): a worker that trained on would take a core from the new server's trainings, and save
    # a run the visitor was just told was lost.
    import subprocess
    import sys
    from pathlib import Path

    server = subprocess.Popen([sys.executable, "-c", KILLED_SERVER, str(tmp_path)], stdout=subprocess.PIPE, text=True,
                              cwd=Path(__file__).resolve().parents[3])
    try:
        worker = int(server.stdout.readline())
    finally:
        os.kill(server.pid, signal.SIGKILL)
        server.wait(timeout=30)
    ended = wait_until(lambda: process_ended(worker), 10)
    if not ended:
        os.kill(worker, signal.SIGKILL)
    assert ended, "the worker trains on for a server that is gone"
    assert list_runs(tmp_path) == []
