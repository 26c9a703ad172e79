"""The board: members' runs as rows of numbers, best accuracy first, all on the class's test rows."""

from __future__ import annotations

import json

import pytest

from embedlab.classes.board import class_rows, read_board, record_run
from embedlab.classes.records import create_class
from embedlab.classes.store import ClassStore
from embedlab.errors import EmbedLabError
from embedlab.models.runs.catalog import Run


def fake_run(folder, record, name: str, accuracy: float, test_rows: int | None = None) -> Run:
    """A run folder as a class training leaves it (no model: the board reads only its JSON files)."""
    test_rows = len(record.test_rows) if test_rows is None else test_rows
    config = {"name": name, "created": f"2026-12-07T08:0{len(name) % 10}:00", "class_names": list(record.class_names),
              "model": {"embedding": "random", "encoder": "pooling"},
              "dataset": {"rows": record.dataset_rows, "train_rows": 128, "validation_rows": 32,
                          "test_rows": test_rows}}
    folder.mkdir(parents=True)
    (folder / "config.json").write_text(json.dumps(config))
    history, metrics = {"accuracy": [0.5, 0.6], "val_accuracy": [0.5, 0.55]}, {"accuracy": accuracy,
                                                                                "test_rows": test_rows}
    return Run(folder, config, history, metrics)


@pytest.mark.parametrize("where", ["local", "s3"])
def test_the_board_lists_every_members_run_best_first(tmp_path, dataset, where, request):
    store = ClassStore(tmp_path / "runs" if where == "local" else request.getfixturevalue("s3_runs"))
    record, _ = create_class(dataset, store=store)
    for student, accuracy in (("Ana", 0.61), ("Ben", 0.74), ("Cy", 0.55)):
        record_run(record, student, fake_run(tmp_path / student, record, f"{student}'s run", accuracy), store=store)

    rows = read_board(record, store=store)

    assert [(row.student, row.accuracy) for row in rows] == [("Ben", 0.74), ("Ana", 0.61), ("Cy", 0.55)]
    assert {row.test_rows for row in rows} == {len(record.test_rows)}
    assert rows[0].rows == 160 and rows[0].history["val_accuracy"] == [0.5, 0.55]
    # The run itself says which class and student it was for.
    assert json.loads((tmp_path / "Ben" / "config.json").read_text())["class"] == {"code": record.code,
                                                                                  "student": "Ben"}


def test_a_refresh_reads_only_new_entries(tmp_path, dataset):
    store = ClassStore(tmp_path)
    record, _ = create_class(dataset, store=store)
    record_run(record, "Ana", fake_run(tmp_path / "a", record, "a", 0.6), store=store)
    seen: dict = {}
    assert len(read_board(record, store=store, seen=seen)) == 1
    entry = next((tmp_path / ".classes" / record.code / "board").iterdir())
    entry.write_text("{damaged")  # not read again: the row seen stays
    record_run(record, "Ben", fake_run(tmp_path / "b", record, "b", 0.7), store=store)
    assert [row.student for row in read_board(record, store=store, seen=seen)] == ["Ben", "Ana"]
    assert [row.student for row in read_board(record, store=store)] == ["Ben"]  # a fresh reader skips the damage


def test_a_run_not_on_the_class_split_is_refused(tmp_path, dataset):
    store = ClassStore(tmp_path)
    record, _ = create_class(dataset, store=store)
    with pytest.raises(EmbedLabError, match="was not trained on class .*'s dataset and test rows"):
        record_run(record, "Ana", fake_run(tmp_path / "a", record, "a", 0.6, test_rows=7), store=store)
    assert read_board(record, store=store) == []


def test_class_rows_keep_the_test_rows_out_of_training(tmp_path, dataset):
    record, _ = create_class(dataset, store=ClassStore(tmp_path))
    rows = class_rows(record)
    assert rows["test_rows"] == record.test_rows
    assert sorted(rows["train_rows"] + rows["test_rows"]) == list(range(len(dataset)))
