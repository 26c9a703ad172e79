"""The workspace's durable queue: a note per submitted training until it ends, what a restart finds, the limit.

A server killed with ``kill -9`` loses its jobs (they live in its memory); the notes in
``<runs folder>/.queue`` are what tells the next server, and the visitor, what was lost.
"""

import json
import os
import signal
import subprocess
import sys
import threading
from dataclasses import asdict
from pathlib import Path

import pytest

from embedlab.errors import EmbedLabError
from embedlab.models.jobs import submit, submit_series, threads
from embedlab.models.jobs.slots import SlotQueue
from embedlab.models.training.options import TrainingOptions
from tests.models.jobs.test_contract import tiny_spec
from tests.models.training.test_fit import tiny_config, tiny_dataset

ROOT = Path(__file__).resolve().parents[3]


def notes_in(folder: Path) -> list[Path]:
    return sorted((folder / ".queue").glob("*.json"))


@pytest.fixture
def busy_slots(monkeypatch) -> SlotQueue:
    """The thread backend's one slot, taken by someone else: submitted trainings wait."""
    queue = SlotQueue(1)
    assert queue.acquire(object(), threading.Event())
    monkeypatch.setattr(threads, "SLOTS", queue)
    return queue


def test_a_submitted_training_leaves_a_note_in_its_workspace_until_its_run_is_saved(tmp_path, busy_slots):
    job = submit(tiny_spec(tmp_path, "noted"), executor="thread")
    [note] = notes_in(tmp_path)
    record = json.loads(note.read_text())
    assert record["name"] == "noted" and record["started"] is None  # waiting in the queue
    assert record["dataset"] == {"name": "tiny", "fingerprint": tiny_dataset().fingerprint, "rows": len(tiny_dataset())}
    assert record["config"] == asdict(tiny_config()) and record["options"]["epochs"] == 2
    busy_slots.release()
    job.join(timeout=300)
    assert job.snapshot().state == "done", job.snapshot().failure
    assert notes_in(tmp_path) == []  # the run is saved: nothing left to tell


def test_a_training_cancelled_or_stopped_takes_its_note_with_it(tmp_path, busy_slots):
    jobs = [submit(tiny_spec(tmp_path, name), executor="thread") for name in ("first", "second")]
    assert len(notes_in(tmp_path)) == 2
    for job in jobs:
        job.stop()
        job.join(timeout=30)
    assert [job.snapshot().state for job in jobs] == ["cancelled", "cancelled"] and notes_in(tmp_path) == []


KILLED_SERVER = """
import sys, time
from pathlib import Path
from embedlab.models.jobs import submit, threads
from embedlab.models.jobs.slots import SlotQueue
from tests.models.jobs.test_contract import tiny_spec

threads.SLOTS = SlotQueue(1)
folder = Path(sys.argv[1])
running = submit(tiny_spec(folder, "was running", epochs=1000), executor="thread")
queued = submit(tiny_spec(folder, "was queued"), executor="thread")
while running.snapshot().state != "running":
    time.sleep(0.02)
print("ready", flush=True)
time.sleep(600)
"""


def test_after_kill_9_the_next_server_finds_the_running_and_the_queued_training_interrupted(tmp_path, monkeypatch):
    from embedlab.models.jobs.durable import interrupted

    server = subprocess.Popen([sys.executable, "-c", KILLED_SERVER, str(tmp_path)], cwd=ROOT, stdout=subprocess.PIPE,
                              text=True, env={**os.environ, "EMBEDLAB_EXECUTOR": "thread"})
    try:
        assert server.stdout.readline().strip() == "ready"
        assert interrupted(tmp_path) == []  # its server is alive: nothing is interrupted yet
    finally:
        os.kill(server.pid, signal.SIGKILL)
        server.wait(timeout=30)
    notes = sorted(interrupted(tmp_path), key=lambda note: note.name)
    assert [note.name for note in notes] == ["was queued", "was running"]
    queued, running = notes
    assert queued.started is None and running.started is not None and running.started >= running.submitted
    # Everything but the data is kept: the settings rebuild the same training on the same dataset.
    assert running.model_config() == tiny_config()
    assert running.training_options() == TrainingOptions(epochs=1000, batch_size=8)
    assert running.dataset == {"name": "tiny", "fingerprint": tiny_dataset().fingerprint, "rows": len(tiny_dataset())}
    # Interrupted trainings do not count against the workspace's limit; this server's own live ones do.
    monkeypatch.setenv("EMBEDLAB_MAX_QUEUED_PER_WORKSPACE", "1")
    blocker = SlotQueue(1)
    assert blocker.acquire(object(), threading.Event())
    monkeypatch.setattr(threads, "SLOTS", blocker)
    alive = submit(tiny_spec(tmp_path, "after the restart"), executor="thread")
    assert sorted(note.name for note in interrupted(tmp_path)) == ["was queued", "was running"]
    alive.stop()
    alive.join(timeout=30)


def test_a_workspace_may_have_only_so_many_trainings_queued_or_running(tmp_path, busy_slots, monkeypatch):
    monkeypatch.setenv("EMBEDLAB_MAX_QUEUED_PER_WORKSPACE", "2")
    monkeypatch.setenv("EMBEDLAB_EXECUTOR", "thread")
    jobs = [submit(tiny_spec(tmp_path, f"queued {number}"), executor="thread") for number in (1, 2)]
    with pytest.raises(EmbedLabError) as refused:
        submit(tiny_spec(tmp_path, "one too many"), executor="thread")
    message = str(refused.value)
    assert "at most 2 trainings queued or running" in message and "this one has 2" in message, message
    assert "you asked for 1 more" in message and "Wait until 1 of them finishes" in message, message
    assert len(notes_in(tmp_path)) == 2  # nothing was queued for the refused one
    other = submit(tiny_spec(tmp_path / "another workspace", "elsewhere"), executor="thread")  # not counted here
    for job in [*jobs, other]:
        job.stop()
        job.join(timeout=30)
    with pytest.raises(EmbedLabError, match="you asked for 3 more") as refused:
        submit_series([tiny_spec(tmp_path, name) for name in ("a", "b", "c")])
    assert "Ask for at most 2 at once" in str(refused.value)
    assert notes_in(tmp_path) == []


def test_a_limit_that_is_not_a_count_is_refused_with_how_to_fix_it(tmp_path, monkeypatch):
    monkeypatch.setenv("EMBEDLAB_MAX_QUEUED_PER_WORKSPACE", "many")
    with pytest.raises(EmbedLabError, match=r"EMBEDLAB_MAX_QUEUED_PER_WORKSPACE is 'many'; it must be a whole number"):
        submit(tiny_spec(tmp_path, "any"), executor="thread")


def test_an_s3_workspace_keeps_its_notes_in_this_machines_cache_and_a_dead_owner_makes_them_interrupted(
        tmp_path, monkeypatch):
    from embedlab.models.jobs import durable

    monkeypatch.setenv("EMBEDLAB_CACHE_DIR", str(tmp_path / "cache"))
    url = "s3://bucket/runs/workspace"
    note = durable.enter(tiny_spec(url, "remote"))
    assert note["path"].parent == durable.queue_folder(url) and tmp_path / "cache" in note["path"].parents
    assert durable.queue_folder("s3://bucket/runs/other") != durable.queue_folder(url)
    assert [kept.name for kept in durable.notes(url)] == ["remote"] and durable.interrupted(url) == []
    ended = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    record = json.loads(note["path"].read_text())
    record["owner"]["pid"] = int(ended.stdout)  # as if a server that has ended had written it
    note["path"].write_text(json.dumps(record))
    assert [kept.name for kept in durable.interrupted(url)] == ["remote"]
    durable.discard(durable.interrupted(url)[0])
    assert durable.notes(url) == []
    durable.leave(note)
