"""The workspace's durable queue: a small note per submitted training, so a restart can say what it ended.

Jobs live in the server's memory: a server killed (``kill -9``, a crash, a redeploy) loses
the running training and every queued one. So each job with a runs folder leaves a note in
``<runs folder>/.queue/<note id>.json``, written atomically when it is submitted, updated
when it starts, and removed when it ends (saved, stopped, cancelled or failed)::

    note = enter(spec)        # on submission (None when the spec names no runs folder)
    started(note)             # it took a slot
    leave(note)               # it ended, however it ended

A note keeps the training's settings (model config, training options, run name, columns)
and what it trained on by name only: the dataset's name, fingerprint and rows, the word
vectors' name and fingerprint. Not the data itself (an upload lives in the visitor's
session and nowhere else), so an interrupted training is never resumed on its own: the
Train page reads ``interrupted(folder)``, tells the visitor, and offers to train it again
with the same settings once the same dataset is loaded.

A note belongs to the process that wrote it (host, pid, and the process's start time, so a
new process that got the old pid is not taken for it). It names an interrupted training when
that process is gone, or when it is this process and the job is no longer alive here. A
runs folder is read by one machine: a note written on another host counts as interrupted.
For an ``s3://`` runs folder the notes are kept on this machine, in the cache folder
(``queues/<hash of the URL>``), so a restart of this server is reported the same way.

The live notes also count a workspace's trainings queued or running, for the limit
``EMBEDLAB_MAX_QUEUED_PER_WORKSPACE`` (``check_room``).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import socket
import threading
import time
import uuid
from dataclasses import asdict, dataclass, fields
from functools import lru_cache
from pathlib import Path

from embedlab.cache import cache_dir
from embedlab.errors import EmbedLabError
from embedlab.models.architecture import ModelConfig
from embedlab.models.runs.storage import is_remote
from embedlab.models.runs.writing import sync_path, write_durably
from embedlab.models.training.options import TrainingOptions
from embedlab.settings import whole_number_setting

QUEUE_FOLDER = ".queue"
MAX_QUEUED_VARIABLE, DEFAULT_MAX_QUEUED = "EMBEDLAB_MAX_QUEUED_PER_WORKSPACE", 6
ROOM_LOCK = threading.Lock()  # held from the limit's check to the notes' writing, so two clicks cannot both fit
_live: set[str] = set()  # ids of the notes this process wrote for jobs not yet ended
_live_lock = threading.Lock()
_log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Note:
    """One submitted training as its note keeps it: enough to say what it was and to train it again."""

    path: Path
    id: str
    name: str
    submitted: float  # seconds since the epoch
    started: float | None  # when it took a slot; None: it was still waiting in the queue
    owner: dict
    dataset: dict  # {"name", "fingerprint", "rows"}
    vectors: dict | None  # {"name", "fingerprint"} of the word vectors it was given, or None
    config: dict
    options: dict
    text_column: str = "text"
    label_column: str = "label"

    def model_config(self) -> ModelConfig:
        known = {field.name for field in fields(ModelConfig)}
        return ModelConfig(**{key: value for key, value in self.config.items() if key in known})

    def training_options(self) -> TrainingOptions:
        known = {field.name for field in fields(TrainingOptions)}
        return TrainingOptions(**{key: value for key, value in self.options.items() if key in known})


def max_queued_per_workspace() -> int:
    """Trainings one workspace may have queued or running at once: ``EMBEDLAB_MAX_QUEUED_PER_WORKSPACE`` (6)."""
    return whole_number_setting(MAX_QUEUED_VARIABLE, DEFAULT_MAX_QUEUED,
                                "the trainings one workspace may have queued or running at once")


def queue_folder(runs_folder) -> Path:
    """Where the notes of ``runs_folder`` are kept: its ``.queue``, or for a bucket a folder of this machine's cache."""
    if is_remote(runs_folder):
        return cache_dir("queues", hashlib.sha256(str(runs_folder).rstrip("/").encode()).hexdigest()[:20])
    return Path(runs_folder) / QUEUE_FOLDER


# ---------------------------------------------------------------------------------------------
# Writing: a job's note from submission to its end.

def enter(spec) -> dict | None:
    """Write the note of ``spec`` (a TrainingSpec) now; returns it (to pass to ``started`` and ``leave``).

    None when the spec names no runs folder, or when the note cannot be written (the
    training goes ahead; only a restart could not report it).
    """
    if spec.save_to is None:
        return None
    dataset, vectors = spec.dataset, spec.vectors
    record = {
        "id": uuid.uuid4().hex, "name": spec.name, "submitted": time.time(), "started": None, "owner": _this_owner(),
        "dataset": {"name": getattr(dataset, "name", ""), "fingerprint": getattr(dataset, "fingerprint", None),
                    "rows": len(dataset) if dataset is not None else 0},
        "vectors": None if vectors is None else {"name": getattr(vectors, "name", ""),
                                                 "fingerprint": getattr(vectors, "fingerprint", None)},
        "config": asdict(spec.config), "options": asdict(spec.options),
        "text_column": spec.text_column, "label_column": spec.label_column,
    }
    try:
        path = queue_folder(spec.save_to) / f"{record['id']}.json"
        _write(path, record)
    except OSError as error:
        _log.warning("could not keep a note of training %r for a restart: %s", spec.name, error)
        return None
    with _live_lock:
        _live.add(record["id"])
    return {"path": path, "record": record}


def started(note: dict | None) -> None:
    """Record that the job took a slot (a restart then says it was training, not waiting)."""
    if note is None:
        return
    note["record"]["started"] = time.time()
    try:
        _write(note["path"], note["record"])
    except OSError as error:
        _log.warning("could not update the note %s: %s", note["path"].name, error)


def leave(note: dict | None) -> None:
    """The job ended (saved, stopped, cancelled or failed): its note goes."""
    if note is None:
        return
    with _live_lock:
        _live.discard(note["record"]["id"])
    try:
        note["path"].unlink(missing_ok=True)
    except OSError as error:
        _log.warning("could not remove the note %s: %s", note["path"].name, error)


def discard(note: Note) -> None:
    """Forget an interrupted training (the visitor dismissed it, or trained it again)."""
    try:
        note.path.unlink(missing_ok=True)
    except OSError as error:
        _log.warning("could not remove the note %s: %s", note.path.name, error)


def _write(path: Path, record: dict) -> None:
    """Atomically: a reader sees the old note or the new one, never half of one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.partial")
    write_durably(partial, json.dumps(record))
    os.replace(partial, path)
    sync_path(path.parent)


# ---------------------------------------------------------------------------------------------
# Reading: what a restart ended, and how many are queued or running.

def notes(runs_folder) -> list[Note]:
    """Every note of ``runs_folder``, oldest first (an unreadable one is left out: it holds no settings to show)."""
    try:
        folder = queue_folder(runs_folder)
        files = sorted(folder.glob("*.json")) if folder.is_dir() else []
    except OSError:
        return []
    found = []
    for file in files:
        try:
            record = json.loads(file.read_text(encoding="utf-8"))
            found.append(Note(path=file, id=record["id"], name=record["name"], submitted=record["submitted"],
                              started=record.get("started"), owner=record["owner"], dataset=record["dataset"],
                              vectors=record.get("vectors"), config=record["config"], options=record["options"],
                              text_column=record.get("text_column", "text"),
                              label_column=record.get("label_column", "label")))
        except (OSError, ValueError, KeyError, TypeError):
            continue  # removed meanwhile, or not a note of ours
    return sorted(found, key=lambda note: note.submitted)


def interrupted(runs_folder) -> list[Note]:
    """The notes of trainings no process is running any more: a restart (or a crash) ended them."""
    return [note for note in notes(runs_folder) if not _alive(note)]


def check_room(runs_folder, asked: int) -> None:
    """Refuse ``asked`` more trainings when the workspace of ``runs_folder`` would pass its limit (EmbedLabError).

    Hold ``ROOM_LOCK`` from this check until the new jobs' notes are written.
    """
    limit = max_queued_per_workspace()
    if runs_folder is None:
        return
    current = sum(_alive(note) for note in notes(runs_folder))
    if current + asked <= limit:
        return
    plural = "s" if limit != 1 else ""
    if asked > limit:
        fix = (f"Ask for at most {limit} at once (train the embeddings one by one instead of comparing all three), "
               "or wait")
    else:
        needed = current + asked - limit
        one = needed == 1
        fix = (f"Wait until {needed} of them finish{'es' if one else ''} (or stop {'it' if one else 'them'}), then "
               "train again")
    raise EmbedLabError(f"This server lets a workspace have at most {limit} training{plural} queued or running, so "
                        f"that every visitor gets a turn; this one has {current} and you asked for {asked} more. "
                        f"{fix}.")


def _alive(note: Note) -> bool:
    if note.owner == _this_owner():
        with _live_lock:
            return note.id in _live
    return _owner_alive(note.owner)


def _owner_alive(owner: dict) -> bool:
    if owner.get("host") != socket.gethostname() or not isinstance(owner.get("pid"), int):
        return False
    since = process_started_at(owner["pid"])
    if since is not None:
        return owner.get("started") is not None and abs(since - owner["started"]) < 1.0
    if os.path.isdir("/proc"):
        return False  # the process is gone
    try:  # no /proc (macOS): a process of that pid is the best sign there is
        os.kill(owner["pid"], 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _this_owner() -> dict:
    return {"host": socket.gethostname(), "pid": os.getpid(), "started": server_started_at()}


def server_started_at() -> float:
    """When this process started (seconds since the epoch): the time of the restart a visitor is told about."""
    return _started_at_of(os.getpid())


@lru_cache(maxsize=8)
def _started_at_of(pid: int) -> float:
    return process_started_at(pid) or time.time()


def process_started_at(pid: int) -> float | None:
    """When process ``pid`` started (seconds since the epoch) by /proc; None without /proc or without the process."""
    try:
        with open(f"/proc/{pid}/stat", encoding="utf-8") as stat:
            ticks = int(stat.read().rsplit(")", 1)[1].split()[19])  # field 22: start time, in ticks after boot
        return round(_boot_time() + ticks / os.sysconf("SC_CLK_TCK"), 2)
    except (OSError, ValueError, IndexError, StopIteration):
        return None


@lru_cache(maxsize=1)
def _boot_time() -> float:
    with open("/proc/stat", encoding="utf-8") as stat:
        return float(next(line.split()[1] for line in stat if line.startswith("btime")))
