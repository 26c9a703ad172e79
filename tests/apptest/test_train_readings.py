"""Train page (AppTest): what its charts say. Curves are labelled training / validation with the test level beside
them and overfitting named; Compare picks the newest runs; each embedding has one colour on every chart; labels
0/1 read as classes on categorical axes."""

import json
import shutil
from types import SimpleNamespace

import pytest
from streamlit.testing.v1 import AppTest

from embedlab_ui.colours import EMBEDDING_COLOURS
from embedlab_ui.study_charts import study_figure

PAGE = "pages/train.py"
WORKSPACE = "trainreadings"
CLIMB = [0.55, 0.91, 0.97, 0.99, 0.99]  # training accuracy of a model learning 160 rows by heart
METRICS = {"accuracy": 0.525, "precision": 0.5, "recall": 0.6, "f1": 0.55, "average": "binary", "auc": 0.55,
           "test_rows": 40, "confusion_matrix": [[9, 11], [8, 12]], "class_names": ["negative", "positive"],
           "best_epoch": 5, "epochs_run": 5, "stopped": False, "seconds": 1.0}


@pytest.fixture
def runs_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("EMBEDLAB_RUNS_DIR", str(tmp_path / "runs"))
    return tmp_path / "runs" / WORKSPACE


def _run(tiny_run, folder, name: str, created: str, embedding: str = "random", history: dict | None = None,
         validation_rows: int = 0, **metrics):
    """A copy of the tiny run with the name, embedding, curves and test scores a test needs."""
    path = shutil.copytree(tiny_run.path, folder / name)
    config = json.loads((path / "config.json").read_text())
    config.update(name=name, created=created, model={**config["model"], "embedding": embedding},
                  dataset={**config["dataset"], "validation_rows": validation_rows})
    (path / "config.json").write_text(json.dumps(config))
    (path / "history.json").write_text(json.dumps(history or {"accuracy": CLIMB, "loss": [0.69, 0.5, 0.3, 0.2, 0.1]}))
    (path / "metrics.json").write_text(json.dumps({**METRICS, **metrics}))
    return path


def _page(project_root) -> AppTest:
    at = AppTest.from_file(str(project_root / PAGE), default_timeout=90)
    at.session_state["workspace"] = WORKSPACE
    return at.run()


def _figures(at: AppTest) -> list[dict]:
    return [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]


def _titled(at: AppTest, start: str) -> list[dict]:
    return [figure for figure in _figures(at) if figure["layout"].get("title", {}).get("text", "").startswith(start)]


def test_training_curves_say_so_stand_beside_the_test_level_and_overfitting_is_named(runs_dir, project_root,
                                                                                     tiny_run):
    _run(tiny_run, runs_dir, "by heart", "2026-01-01T10:00:00")
    at = _page(project_root)
    assert not at.exception
    [accuracy] = _titled(at, "Accuracy on the training rows (no validation split)")
    assert [trace["name"] for trace in accuracy["data"]] == ["training"]
    assert accuracy["layout"]["annotations"][0]["text"] == "test (held out): 52.5%"
    [warning] = [warning.value for warning in at.warning if "verfitting" in warning.value]
    assert warning.startswith("Overfitting: at the last epoch, training accuracy 99.0% against test accuracy 52.5%")


def test_validation_curves_are_dashed_and_a_level_run_is_said_to_show_no_overfitting(runs_dir, project_root,
                                                                                   tiny_run):
    history = {"accuracy": [0.6, 0.7, 0.8], "val_accuracy": [0.58, 0.69, 0.78],
               "loss": [0.7, 0.6, 0.5], "val_loss": [0.7, 0.62, 0.55]}
    _run(tiny_run, runs_dir, "level", "2026-01-01T10:00:00", history=history, validation_rows=2_000)
    at = _page(project_root)
    [loss] = _titled(at, "Loss: training rows (solid), validation rows (dashed)")
    assert [trace["name"] for trace in loss["data"]] == ["training", "validation"]
    assert loss["data"][1]["line"]["dash"] == "dash"
    assert any(caption.value.startswith("No sign of overfitting") for caption in at.caption)
    assert not [warning for warning in at.warning if "verfitting" in warning.value]


def test_compare_picks_the_newest_runs_again_when_a_run_is_added(runs_dir, project_root, tiny_run):
    for day in (1, 2):
        _run(tiny_run, runs_dir, f"run {day}", f"2026-01-0{day}T10:00:00")
    at = _page(project_root)
    assert at.multiselect(key="train.compare").value == ["run 2", "run 1"]
    at.multiselect(key="train.compare").unselect("run 2").run()
    assert at.multiselect(key="train.compare").value == ["run 1"]  # the visitor's choice, kept on a rerun
    at.run()
    assert at.multiselect(key="train.compare").value == ["run 1"]
    for day in (3, 4):  # two more trained: the newest three are compared, the fourth run included
        _run(tiny_run, runs_dir, f"run {day}", f"2026-01-0{day}T10:00:00")
    at.run()
    assert not at.exception
    assert at.multiselect(key="train.compare").value == ["run 4", "run 3", "run 2"]


def test_each_embedding_has_one_colour_in_compare_and_in_the_study(runs_dir, project_root, tiny_run):
    for day, embedding in enumerate(("random", "glove-frozen", "glove-finetuned"), start=1):
        _run(tiny_run, runs_dir, embedding, f"2026-01-0{day}T10:00:00", embedding=embedding)
    at = _page(project_root)
    compare = [figure for figure in _titled(at, "Accuracy") if len(figure["data"]) == 3]
    assert compare, "the Compare tab's accuracy chart is not drawn"
    compared = {trace["name"].split(" · ")[0]: trace["line"]["color"] for trace in compare[0]["data"]}
    assert compared == EMBEDDING_COLOURS
    cells = [{"size": 100, "embedding": embedding, "seed": 0, "accuracy": 0.6, "f1": 0.6, "best_epoch": 3,
              "epochs_run": 3, "seconds": 1.0} for embedding in EMBEDDING_COLOURS]
    study = study_figure(SimpleNamespace(to_json=lambda: {"cells": cells, "baselines": []}))
    drawn = {trace.line.color for trace in study.data if trace.mode == "lines+markers"}
    assert drawn == set(compared.values())


def test_labels_0_and_1_are_classes_on_categorical_axes(runs_dir, project_root, tiny_run):
    _run(tiny_run, runs_dir, "numeric labels", "2026-01-01T10:00:00", class_names=["0", "1"],
         roc={"fpr": [0, 0.5, 1], "tpr": [0, 0.7, 1], "auc": 0.6})
    at = _page(project_root)
    [confusion] = _titled(at, "Confusion matrix")
    assert confusion["layout"]["xaxis"]["type"] == confusion["layout"]["yaxis"]["type"] == "category"
    assert confusion["data"][0]["x"] == ["class 0", "class 1"]
    assert confusion["data"][0]["colorbar"]["title"]["text"] == "test rows"
    assert _titled(at, "ROC curve of class 1")
    assert any("precision, recall and F1 of “class 1”: binary averages" in caption.value for caption in at.caption)
