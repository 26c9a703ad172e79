"""Studies kept in a workspace's run storage, so an address brings them back and a stopped one can be resumed.

A study is one JSON file, ``<workspace runs folder>/.studies/<study id>.json``, rewritten as
each cell finishes: on local disk through a temporary file renamed over it
(``runs.files.replace_durably``), in ``s3://`` storage as one object (a PUT is all or nothing),
through the same storage layer as the runs (``runs.storage``). Every write is read back and
compared. The hidden folder is never listed as a run (runs are folders with a model, or with a
manifest in a bucket).

The study's id is a hash of what determines its cells: the dataset's content fingerprint, the
plan, and the word vectors' fingerprint. Starting the same study again on the same data is
therefore resuming it: ``run_study(..., kept=kept.data)`` trains only the missing cells.

A file is checked when it is read (format, fields, every cell's numbers); one that fails is
reported with what is wrong and what to do (``DamagedStudy``), never a traceback.

The Study tab lists the kept studies on every run of every visitor, so a listing reads and parses
only the files whose version changed since this process last parsed them (``study_files``: a local
file's inode, size and times; an object's ETag and size, from the listing call itself). The parsed
study, or the damaged file's message, is kept per process by the file's full path and version, so a
rewritten file is read again at once and a deleted one drops out. The studies returned are shared
by every session of the process: read them, never change them (``Keeper.kept`` hands a copy to
the study that resumes one).

    keep(folder, result, vectors, state="running")        # after each cell
    studies, damaged = kept_studies(folder)                # newest first
    kept = load_study(folder, study_id)
    run_study(dataset, plan, vectors, keep_in=folder)      # kept as it runs, resumed if kept unfinished
"""

from __future__ import annotations

import copy
import hashlib
import json
import math
import os
import socket
import threading
import time
from dataclasses import asdict, dataclass, is_dataclass

from embedlab.errors import EmbedLabError
from embedlab.models.architecture import EMBEDDING_KINDS
from embedlab.models.study import study_files
from embedlab.models.study.study_files import ParsedFiles

FORMAT = 1
STATES = ("running", "finished", "stopped", "failed")
_here: set[str] = set()  # ids of the studies this process is running now
_here_lock = threading.Lock()
_parsed = ParsedFiles(256)  # KeptStudy or a damaged file's message; a class's workspaces, a few studies each


class DamagedStudy(EmbedLabError):
    """A kept study file that cannot be read back as a study; the message says which and what to do."""


def study_id(dataset_fingerprint: str, plan, vectors_fingerprint: str | None) -> str:
    """The id of a study: a hash of the dataset's content, the plan and the vectors (not of any name)."""
    plan_dict = asdict(plan) if is_dataclass(plan) else dict(plan)
    key = json.dumps({"dataset": dataset_fingerprint, "plan": plan_dict, "vectors": vectors_fingerprint},
                     sort_keys=True, default=list)
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:20]


@dataclass(frozen=True)
class KeptStudy:
    """A study as its file keeps it; shared by the sessions that list it, so read-only (dicts included).

    ``running_now`` and ``condition`` are worked out each time they are read, never kept.
    """

    id: str
    state: str  # as written: "running" | "finished" | "stopped" | "failed"
    updated: float  # seconds since the epoch
    owner: dict  # {"host", "pid", "started"} of the process that ran it
    vectors: dict | None  # {"name", "fingerprint"}
    data: dict  # StudyResult.to_json()

    @property
    def plan(self) -> dict:
        """The plan as kept (``StudyPlan.from_json`` makes it a StudyPlan again)."""
        return dict(self.data["plan"])

    @property
    def dataset(self) -> dict:
        return self.data.get("dataset") or {}

    @property
    def missing(self) -> int:
        return max(0, int(self.data.get("planned_cells") or 0) - len(self.data["cells"]))

    @property
    def running_now(self) -> bool:
        """True while a process (this server, or a CLI on this machine) is still training it."""
        if self.state != "running":
            return False
        if self.owner == _this_owner():
            with _here_lock:
                return self.id in _here
        return _owner_alive(self.owner)

    @property
    def condition(self) -> str:
        """What a person is told: running, finished, stopped, interrupted (a restart or a crash ended it)."""
        if self.state == "running":
            return "running" if self.running_now else "interrupted"
        return "finished" if self.state == "finished" and not self.missing else self.state


def running_here(identifier: str, running: bool) -> None:
    """Mark the study ``identifier`` as being trained by this process (or no longer)."""
    with _here_lock:
        (_here.add if running else _here.discard)(identifier)


def _this_owner() -> dict:
    from embedlab.models.jobs.durable import server_started_at

    return {"host": socket.gethostname(), "pid": os.getpid(), "started": server_started_at()}


def _owner_alive(owner: dict) -> bool:
    from embedlab.models.jobs.durable import process_started_at

    if owner.get("host") != socket.gethostname() or not isinstance(owner.get("pid"), int):
        return False
    since = process_started_at(owner["pid"])
    return since is not None and owner.get("started") is not None and abs(since - owner["started"]) < 1.0


def keep(folder, result, vectors=None, state: str = "running", identifier: str | None = None) -> KeptStudy:
    """Write ``result`` (a StudyResult or its JSON) as the kept study in the workspace ``folder``; return it.

    The file is written in one step and read back; a write that did not land is an EmbedLabError.
    """
    data = result if isinstance(result, dict) else result.to_json()
    vectors_info = None if vectors is None else {"name": getattr(vectors, "name", ""),
                                                 "fingerprint": getattr(vectors, "fingerprint", None)}
    identifier = identifier or study_id(data["dataset"].get("fingerprint"), data["plan"],
                                        None if vectors_info is None else vectors_info["fingerprint"])
    record = {"format": FORMAT, "id": identifier, "state": state, "updated": time.time(), "owner": _this_owner(),
              "vectors": vectors_info, "study": data}
    text = json.dumps(record, indent=1, default=_plain)
    study_files.write(folder, f"{identifier}.json", text)
    if study_files.read(folder, f"{identifier}.json") != text:
        raise EmbedLabError(f"the study kept in {folder} did not read back as written; check the run storage")
    return _checked(json.loads(text), f"{identifier}.json")


def _plain(value):
    if hasattr(value, "item"):
        return value.item()  # numpy numbers
    if isinstance(value, tuple | set):
        return list(value)
    raise TypeError(f"{type(value).__name__} is not JSON")


def load_study(folder, identifier: str) -> KeptStudy:
    """The kept study ``identifier`` of ``folder``, checked (DamagedStudy when it cannot be read as one).

    One stat (local) or HEAD (s3://); the file is read and parsed again only when it changed.
    """
    name = f"{identifier}.json"
    try:
        return _study(folder, name, study_files.version(folder, name))
    except FileNotFoundError:
        raise EmbedLabError(f"no kept study {identifier} in this workspace; it may have been deleted") from None


def kept_studies(folder) -> tuple[list[KeptStudy], list[str]]:
    """The workspace's kept studies, newest first, and one message per file that is damaged.

    One listing; only the files changed since this process last parsed them are read.
    """
    studies, damaged = [], []
    for name, version in study_files.listed_versions(folder).items():
        try:
            studies.append(_study(folder, name, version))
        except DamagedStudy as error:
            damaged.append(str(error))
        except FileNotFoundError:
            continue  # deleted meanwhile
    return sorted(studies, key=lambda study: study.updated, reverse=True), damaged


def _study(folder, name: str, version: tuple | None) -> KeptStudy:
    """The study in the file ``name`` at ``version`` (None: no version yet), parsed once per version."""
    path = study_files.full_path(folder, name)
    known = _parsed.get(path, version)
    if known is None:
        text = study_files.read(folder, name)
        try:
            known = _parse(text, name)
        except DamagedStudy as error:
            known = str(error)  # kept too: a damaged file is read again only once it is rewritten
        _parsed.remember(path, study_files.version_read(folder, version, text), known)
    if isinstance(known, str):
        raise DamagedStudy(known)
    return known


def delete_study(folder, identifier: str) -> None:
    """Remove a kept study (its file); a study not there is no error."""
    study_files.remove(folder, f"{identifier}.json")


def _parse(text: str, name: str) -> KeptStudy:
    try:
        record = json.loads(text)
    except ValueError as error:
        raise DamagedStudy(f"the kept study {name} is damaged (not JSON: {error}); it cannot be shown — delete it "
                           "and run the study again") from None
    return _checked(record, name)


def _checked(record, name: str) -> KeptStudy:
    """A KeptStudy from a parsed file, every field checked; DamagedStudy saying the first thing wrong."""
    problem = _problem(record)
    if problem:
        raise DamagedStudy(f"the kept study {name} is damaged ({problem}); it cannot be shown — delete it and run "
                           "the study again")
    data = record["study"]
    return KeptStudy(record["id"], record["state"], float(record["updated"]), record.get("owner") or {},
                     record.get("vectors"), data)


def _problem(record) -> str | None:
    if not isinstance(record, dict):
        return "not a JSON object"
    if record.get("format") != FORMAT:
        return f"format {record.get('format')!r}, expected {FORMAT}"
    if not isinstance(record.get("id"), str) or record.get("state") not in STATES:
        return "no id or an unknown state"
    if not isinstance(record.get("updated"), int | float):
        return "no time of update"
    data = record.get("study")
    if not isinstance(data, dict) or not isinstance(data.get("cells"), list) \
            or not isinstance(data.get("baselines"), list) or not isinstance(data.get("plan"), dict):
        return "no cells, baselines or plan"
    if not isinstance(data.get("test_rows"), int) or data["test_rows"] < 1:
        return "no test set size"
    for index, cell in enumerate(data["cells"]):
        wrong = _cell_problem(cell)
        if wrong:
            return f"cell {index + 1}: {wrong}"
    for index, row in enumerate(data["baselines"]):
        if not isinstance(row, dict) or not isinstance(row.get("size"), int) or not _share(row.get("accuracy")):
            return f"baseline {index + 1}: no size or accuracy"
    return _plan_problem(data["plan"])


def _plan_problem(plan: dict) -> str | None:
    sizes, embeddings = plan.get("sizes"), plan.get("embeddings")
    if not isinstance(sizes, list) or not sizes or not all(size is None or isinstance(size, int) for size in sizes):
        return "its plan has no training sizes"
    if not isinstance(embeddings, list) or not embeddings or not set(embeddings) <= set(EMBEDDING_KINDS):
        return "its plan names no known embedding"
    if not isinstance(plan.get("seeds"), int) or plan["seeds"] < 1 or not isinstance(plan.get("encoder"), str):
        return "its plan has no seeds or encoder"
    return None


def _share(value) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value) \
        and 0.0 <= value <= 1.0


def _cell_problem(cell) -> str | None:
    if not isinstance(cell, dict):
        return "not an object"
    if not isinstance(cell.get("size"), int) or cell["size"] < 1:
        return "no training size"
    if cell.get("embedding") not in EMBEDDING_KINDS:
        return f"unknown embedding {cell.get('embedding')!r}"
    if not isinstance(cell.get("seed"), int):
        return "no seed"
    if not _share(cell.get("accuracy")) or not _share(cell.get("f1")):
        return "accuracy or F1 not a share between 0 and 1"
    return None


class Keeper:
    """Keeps one study in ``folder`` while ``run_study(..., keep_in=folder)`` runs it.

    ``kept()`` is the earlier, unfinished run of the same study to resume (None: none, or a damaged
    file the new run replaces; EmbedLabError: it is running now elsewhere); ``updating(on_update)``
    writes the result after every finished cell, then calls ``on_update``; ``write`` writes it once.
    Inside ``with keeper:`` this process counts as running the study. ``on_error(EmbedLabError)``
    hears of a write that failed: the study goes on, only its keeping is lost.
    """

    def __init__(self, folder, dataset, plan, vectors=None, on_error=None) -> None:
        self.folder, self.vectors, self.on_error = folder, vectors, on_error
        self.identifier = study_id(dataset.fingerprint, plan, getattr(vectors, "fingerprint", None))

    def kept(self) -> dict | None:
        try:
            earlier = load_study(self.folder, self.identifier)
        except DamagedStudy:
            return None
        except EmbedLabError as error:
            if "no kept study" in str(error):
                return None
            raise
        if earlier.running_now:
            raise EmbedLabError("this study is already running (in another tab or process); open it from the list "
                                "of kept studies to watch it")
        return copy.deepcopy(earlier.data)  # the resumed result takes its cells: never the shared parsed ones

    def write(self, result, state: str) -> None:
        try:
            keep(self.folder, result, self.vectors, state, self.identifier)
        except EmbedLabError as error:
            if self.on_error is not None:
                self.on_error(error)

    def updating(self, on_update):
        def update(result) -> None:
            self.write(result, "running")
            if on_update is not None:
                on_update(result)
        return update

    def __enter__(self) -> Keeper:
        running_here(self.identifier, True)
        return self

    def __exit__(self, *exc) -> None:
        running_here(self.identifier, False)
