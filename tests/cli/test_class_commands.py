"""``python -m embedlab class …`` and ``train --class``: three members' runs, one board, one test set."""

from __future__ import annotations

import contextlib
import io
import json
from pathlib import Path

import pandas as pd
import pytest

from embedlab.cli import main
from embedlab.data.builtins import builtin_dataset

pytestmark = pytest.mark.slow

SMALL = ["--encoder", "pooling", "--epochs", "2", "--max-tokens", "500", "--units", "8", "--batch-size", "16",
         "--validation-split", "0.1"]


def run_cli(*argv) -> tuple[int, dict | None, str]:
    stdout, stderr = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
        code = main(list(argv))
    return code, (json.loads(stdout.getvalue()) if code == 0 and "--json" in argv else None), stderr.getvalue()


@pytest.fixture(scope="module")
def class_with_three_runs(tmp_path_factory):
    """A class on the 200 built-in rows, and three students who each trained one run with --class."""
    runs = tmp_path_factory.mktemp("class-runs")
    code, created, _ = run_cli("class", "create", "pang-lee-200", "--runs", str(runs), "--json")
    assert code == 0
    summaries = []
    for student, output_dim in (("Ana", "4"), ("Ben", "16"), ("Cy", "8")):
        workspace = runs / f"workspace-{student}"  # each student's own runs folder
        code, summary, stderr = run_cli("train", "pang-lee-200", *SMALL, "--output-dim", output_dim,
                                        "--class", created["code"], "--student", student, "--class-runs", str(runs),
                                        "--out", str(workspace), "--json")
        assert code == 0, stderr
        summaries.append(summary)
    return runs, created, summaries


def test_create_prints_a_code_and_an_instructor_key(class_with_three_runs):
    _, created, _ = class_with_three_runs
    assert len(created["code"]) == 6 and created["instructor_key"]
    assert created["rows"] == 200 and created["test_rows"] == 40


def test_the_board_lists_the_three_runs_best_first_on_the_same_test_rows(class_with_three_runs):
    runs, created, summaries = class_with_three_runs
    code, board, _ = run_cli("class", "board", created["code"], "--runs", str(runs), "--json")
    assert code == 0
    rows = board["rows"]
    assert sorted(row["student"] for row in rows) == ["Ana", "Ben", "Cy"]
    accuracies = [row["accuracy"] for row in rows]
    assert accuracies == sorted(accuracies, reverse=True)
    by_student = {summary["class"]["student"]: summary["metrics"]["accuracy"] for summary in summaries}
    assert {row["student"]: row["accuracy"] for row in rows} == by_student
    assert {row["test_rows"] for row in rows} == {40}
    # The same 40 texts in every run's held-out split: the class's test rows, not each run's own split.
    tests = [set(pd.read_csv(Path(summary["run"]) / "test_split.csv")["text"]) for summary in summaries]
    dataset = builtin_dataset("pang-lee-200")
    class_file = json.loads((runs / ".classes" / created["code"] / "class.json").read_text())
    assert tests[0] == tests[1] == tests[2] == {dataset.texts[row] for row in class_file["test_rows"]}
    assert all(set(row) >= {"student", "run", "embedding", "encoder", "rows", "accuracy", "test_rows", "when"}
               for row in rows)


def test_join_then_a_duplicate_name_and_a_bad_code_are_one_line_each(class_with_three_runs):
    runs, created, _ = class_with_three_runs
    code, joined, _ = run_cli("class", "join", created["code"], "Dee", "--runs", str(runs), "--json")
    assert code == 0 and joined["student"] == "Dee" and joined["member_key"]
    code, _, stderr = run_cli("class", "join", created["code"], "ana", "--runs", str(runs))
    assert code == 2 and "the name 'Ana' is already taken" in stderr and "Traceback" not in stderr
    code, _, stderr = run_cli("class", "board", "NOPE", "--runs", str(runs))
    assert code == 2 and "'NOPE' is not a class code" in stderr


def test_train_refuses_data_that_is_not_the_class_dataset(class_with_three_runs, tmp_path):
    runs, created, _ = class_with_three_runs
    other = tmp_path / "other.csv"
    other.write_text("text,label\n" + "".join(f"row {i} text,{'ab'[i % 2]}\n" for i in range(30)))
    code, _, stderr = run_cli("train", str(other), *SMALL, "--class", created["code"], "--student", "Eve",
                              "--class-runs", str(runs), "--out", str(tmp_path / "out"))
    assert code == 2 and f"DATA is not class {created['code']}'s dataset" in stderr
    code, _, stderr = run_cli("train", "pang-lee-200", *SMALL, "--class", created["code"],
                              "--class-runs", str(runs), "--out", str(tmp_path / "out"))
    assert code == 2 and "--class needs --student NAME" in stderr


def test_the_board_shows_numbers_not_where_the_runs_are(class_with_three_runs):
    runs, created, summaries = class_with_three_runs
    _, board, _ = run_cli("class", "board", created["code"], "--runs", str(runs), "--json")
    text = json.dumps(board)
    assert all(Path(summary["run"]).parent.name not in text for summary in summaries)  # no student's workspace


def test_class_study_starts_with_the_key_and_reads_what_members_trained(class_with_three_runs):
    from embedlab.classes.records import load_class
    from embedlab.classes.store import ClassStore
    from embedlab.classes.study import claim_next, finish_cell

    runs, created, _ = class_with_three_runs
    start = ["class", "study", created["code"], "--sizes", "40,120", "--embeddings", "random", "--runs", str(runs)]
    code, _, stderr = run_cli(*start, "--key", "not-the-key")
    assert code == 2 and "needs its instructor key" in stderr
    code, study, _ = run_cli(*start, "--key", created["instructor_key"], "--json")
    assert code == 0 and study["planned_cells"] == 2 and study["cells"] == []
    assert study["reading"] == ["No cell has finished yet."] and study["baselines"]
    store = ClassStore(runs)
    record = load_class(created["code"], store=store)
    while (claim := claim_next(record, "Ana", store=store)) is not None:
        finish_cell(record, claim, {"accuracy": 0.6, "f1": 0.6, "seconds": 1.0}, "Ana", store=store)
    code, study, _ = run_cli("class", "study", created["code"], "--runs", str(runs), "--json")
    assert code == 0 and len(study["cells"]) == 2 and {cell["student"] for cell in study["cells"]} == {"Ana"}
