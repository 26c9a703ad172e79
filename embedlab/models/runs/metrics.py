"""A run's metrics.json as typed fields: its test scores and how its training went.

``train`` writes the file (``embedlab.models.training.fit``): the held-out test split's
scores (``Evaluation.to_dict``) and the training's course (best epoch, epochs run, time).
``read_run`` builds a ``RunMetrics`` from it once (``Run.metrics_``); the file's format
is unchanged. A run saved before a key was written has None in that field, as reading
the key with ``dict.get`` gave; keys this class does not know are left in ``Run.metrics``.
"""

from __future__ import annotations

from dataclasses import dataclass, fields


@dataclass(frozen=True)
class RunMetrics:
    """One run's metrics. Every field is None when the run's metrics.json lacks it.

    Example::

        run = read_run(folder)
        run.metrics_.accuracy, run.metrics_.best_epoch
    """

    # On the held-out test split (embedlab.models.evaluation.Evaluation).
    accuracy: float | None = None
    precision: float | None = None
    recall: float | None = None
    f1: float | None = None
    average: str | None = None  # how precision, recall and F1 average over the classes: "binary", "macro"
    auc: float | None = None  # binary classifiers only
    test_rows: int | None = None
    per_class: list[dict] | None = None  # per class: class, precision, recall, f1, support
    confusion_matrix: list[list[int]] | None = None  # rows: true class, columns: predicted
    class_names: list[str] | None = None
    roc: dict | None = None  # binary only: {"fpr": [...], "tpr": [...], "auc": float}
    worst: list[dict] | None = None  # the most confident mistakes
    f1_macro: float | None = None  # F1 averaged over the classes, whatever ``average`` is
    # How the training went.
    best_epoch: int | None = None  # the epoch whose weights were kept
    epochs_run: int | None = None
    stopped: bool | None = None  # True when the Stop button ended the training
    seconds: float | None = None
    seconds_to_best: float | None = None  # training time until the best epoch ended
    embedding_coverage: float | None = None  # share of the vocabulary found in the word vectors (GloVe only)

    @classmethod
    def from_dict(cls, metrics: dict | None) -> RunMetrics:
        """From a metrics.json's object (or a job's ``metrics``); missing keys give None, unknown keys are ignored."""
        metrics = metrics or {}
        return cls(**{field.name: metrics.get(field.name) for field in fields(cls)})
