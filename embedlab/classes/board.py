"""A class's board: each member's finished run as one small file of numbers, read back sorted by accuracy.

A member's run is saved in their own workspace (only they can open its model and files); what the
class sees of it is its board entry, ``.classes/<CODE>/board/<member id>-<run id>.json``, written once
when the run is saved::

    {"student", "run", "embedding", "encoder", "rows", "accuracy", "f1", "test_rows",
     "test_fingerprint", "when", "seconds", "history": {"accuracy": [...], "val_accuracy": [...], ...}}

Entries never change once written, so a board that refreshes every few seconds lists the folder and
reads only the files it has not seen (``read_board``'s ``seen``). The run's own config records the
class too (``"class": {"code", "student"}``), so its owner sees which class a run was for.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field

from embedlab.classes.records import ClassRecord, member_id, normalise_name
from embedlab.classes.store import ClassStore
from embedlab.errors import EmbedLabError
from embedlab.jsonable import jsonable
import embedlab.models.runs.damage as damage
import embedlab.models.runs.files as files
import embedlab.models.runs.storage as storage

CURVE_KEYS = ("accuracy", "val_accuracy", "loss", "val_loss")


@dataclass(frozen=True)
class BoardRow:
    """One run on a class's board: who trained it, with what, and its accuracy on the class's test rows."""

    student: str
    run: str
    embedding: str
    encoder: str
    rows: int
    accuracy: float | None
    test_rows: int
    when: str
    f1: float | None = None
    seconds: float | None = None
    test_fingerprint: str = ""
    history: dict = field(default_factory=dict, compare=False)

    def to_json(self, curves: bool = False) -> dict:
        row = asdict(self)
        if not curves:
            row.pop("history")
        return row


def class_rows(record: ClassRecord) -> dict:
    """``TrainingSpec`` keyword arguments that train on every row but the class's test rows and test on those."""
    return {"train_rows": record.train_rows(), "test_rows": record.test_rows}


def record_run(record: ClassRecord, student: str, run, store: ClassStore | None = None) -> BoardRow:
    """Put ``run`` (a ``catalog.Run`` trained with ``class_rows(record)``) on the class's board as ``student``'s.

    EmbedLabError when the run was not trained on the class's dataset and test rows.
    """
    store = store or ClassStore()
    student = normalise_name(student)
    data = run.config.get("dataset") or {}
    if (data.get("rows") != record.dataset_rows or data.get("test_rows") != len(record.test_rows)
            or list(run.config.get("class_names") or []) != list(record.class_names)):
        raise EmbedLabError(f"run '{run.name}' was not trained on class {record.code}'s dataset and test rows; "
                            "load the class dataset and train again")
    tag_run(run, record.code, student)
    model = run.config.get("model") or {}
    metrics = run.metrics_
    row = BoardRow(student=student, run=run.name, embedding=str(model.get("embedding", "")),
                   encoder=str(model.get("encoder", "")),
                   rows=int(data.get("train_rows", 0)) + int(data.get("validation_rows", 0)),
                   accuracy=metrics.accuracy, test_rows=int(metrics.test_rows or data.get("test_rows", 0)),
                   when=str(run.config.get("created", "")), f1=metrics.f1, seconds=metrics.seconds,
                   test_fingerprint=record.test_fingerprint,
                   history={key: [float(value) for value in run.history.get(key, [])]
                            for key in CURVE_KEYS if key in run.history})
    store.write_json(f"{record.code}/board/{member_id(student)}-{run.run_id}.json", row.to_json(curves=True))
    return row


def tag_run(run, code: str, student: str) -> None:
    """Record the class and student in the run's config.json, replaced in one step as a rename does."""
    config = {**run.config, "class": {"code": code, "student": student}}
    text = json.dumps(config, indent=2, default=jsonable)
    if run.location:
        storage.publish_file(run.location, "config.json", text.encode("utf-8"))
        return
    with files.folder_lock(run.path):
        current, problem = damage.read_json_object(run.path / "config.json")
        if not problem:
            text = json.dumps({**current, "class": config["class"]}, indent=2, default=jsonable)
        files.replace_durably(run.path / "config.json", text)


def read_board(record: ClassRecord, store: ClassStore | None = None, seen: dict | None = None) -> list[BoardRow]:
    """The class's board, best accuracy first (ties: earliest first); a damaged entry is left out.

    ``seen``: a dict the caller keeps between calls (file name → row); files in it are not read again.
    """
    store = store or ClassStore()
    seen = {} if seen is None else seen
    names = store.names(f"{record.code}/board")
    for name in names:
        if name in seen:
            continue
        try:
            raw = store.read_json(f"{record.code}/board/{name}")
            row = BoardRow(**{key: raw[key] for key in BoardRow.__dataclass_fields__ if key in raw})
        except (EmbedLabError, TypeError):
            continue
        if row.test_fingerprint == record.test_fingerprint:  # scored on the class's test rows, or not shown
            seen[name] = row
    rows = [seen[name] for name in names if name in seen]
    return sorted(rows, key=lambda row: (row.accuracy is None, -(row.accuracy or 0.0), row.when))


def board_json(record: ClassRecord, rows: list[BoardRow]) -> dict:
    """The board as ``class board --json`` prints it."""
    return {"code": record.code, "dataset": record.dataset_name, "test_rows": len(record.test_rows),
            "rows": [row.to_json() for row in rows]}

