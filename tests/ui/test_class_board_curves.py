"""The board's curves say whose rows they measure: validation rows, or the training rows of a run that kept none."""

from __future__ import annotations

from embedlab.classes.board import BoardRow
from embedlab_ui.class_board import curves_figure


def _row(student: str, history: dict) -> BoardRow:
    return BoardRow(student=student, run="random pooling", embedding="random", encoder="pooling", rows=160,
                    accuracy=0.55, test_rows=40, when="2026-12-07T09:00:00Z", test_fingerprint="f", history=history)


def test_a_run_without_validation_rows_is_drawn_as_training_accuracy_and_says_so():
    figure = curves_figure([_row("Ana", {"accuracy": [0.6, 0.9]})])
    [trace] = figure.data
    assert trace.name.endswith("· training") and trace.line.dash == "dot"
    assert figure.layout.yaxis.title.text == "training accuracy (rows it learned from)"


def test_validation_curves_are_named_validation_and_a_mix_says_both():
    validated = _row("Ben", {"accuracy": [0.7, 0.95], "val_accuracy": [0.6, 0.7]})
    assert list(curves_figure([validated]).data[0].y) == [0.6, 0.7]
    assert curves_figure([validated]).layout.yaxis.title.text == "validation accuracy"
    mixed = curves_figure([validated, _row("Cy", {"accuracy": [0.5, 0.8]})])
    assert [trace.name.rsplit("· ", 1)[1] for trace in mixed.data] == ["validation", "training"]
    assert mixed.layout.yaxis.title.text == "accuracy (validation or training)"
