"""How good a trained classifier is on held-out rows: accuracy, precision/recall/F1, confusion, ROC.

``evaluate_predictions`` works on plain arrays (labels and class probabilities), so it
is tested on arrays whose answers are known; ``evaluate_model`` scores texts with a
Keras model first. scikit-learn is imported inside the functions.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from embedlab.errors import EmbedLabError

WORST_EXAMPLES = 20  # the most confident mistakes kept with a run


@dataclass
class Evaluation:
    """Test-split metrics; ``to_dict`` is what a run saves as metrics.json.

    ``precision``/``recall``/``f1`` are for the positive class (index 1) with two classes
    and macro averages with more; ``per_class`` has every class's own.
    """

    accuracy: float
    precision: float
    recall: float
    f1: float
    average: str
    per_class: list[dict]
    confusion_matrix: list[list[int]]
    class_names: list[str]
    rows: int
    roc: dict | None = None  # binary only: {"fpr": [...], "tpr": [...], "auc": float}
    worst: list[dict] = field(default_factory=list)  # most confident mistakes

    @property
    def auc(self) -> float | None:
        return None if self.roc is None else self.roc["auc"]

    def to_dict(self) -> dict:
        return {
            "accuracy": self.accuracy, "precision": self.precision, "recall": self.recall, "f1": self.f1,
            "average": self.average, "auc": self.auc, "test_rows": self.rows, "per_class": self.per_class,
            "confusion_matrix": self.confusion_matrix, "class_names": self.class_names, "roc": self.roc,
            "worst": self.worst,
        }

    @classmethod
    def from_dict(cls, metrics: dict) -> Evaluation:
        """Rebuild from a run's metrics.json (as written by ``to_dict``)."""
        return cls(metrics["accuracy"], metrics.get("precision", float("nan")), metrics.get("recall", float("nan")),
                   metrics.get("f1", float("nan")), metrics.get("average", ""), metrics.get("per_class", []),
                   metrics.get("confusion_matrix", []), metrics.get("class_names", []),
                   metrics.get("test_rows", 0), metrics.get("roc"), metrics.get("worst", []))


def evaluate_predictions(labels, probabilities, class_names: list[str], texts: list[str] | None = None,
                         worst: int = WORST_EXAMPLES) -> Evaluation:
    """Metrics for true ``labels`` against predicted class ``probabilities``.

    Args:
        labels: int array of true classes, shape ``(n,)``.
        probabilities: shape ``(n, classes)``, or ``(n,)``/``(n, 1)`` = p(class 1) for two classes.
        class_names: names by class index.
        texts: the rows' texts, for the list of most confident mistakes.
        worst: how many mistakes to keep.

    Example::

        evaluate_predictions([0, 1, 1], [[0.9, 0.1], [0.2, 0.8], [0.6, 0.4]], ["neg", "pos"]).accuracy  # 2/3
    """
    from sklearn import metrics

    labels = np.asarray(labels, dtype=int)
    probabilities = _as_matrix(probabilities, len(class_names))
    if len(labels) == 0:
        raise EmbedLabError("there are no test rows to evaluate on; use a larger dataset or a larger test split")
    if probabilities.shape[0] != len(labels):
        raise EmbedLabError(f"{len(labels)} labels but {probabilities.shape[0]} predictions; give one per row")
    predicted = probabilities.argmax(axis=1)
    classes = list(range(len(class_names)))
    binary = len(class_names) == 2
    average = "binary" if binary else "macro"
    precision, recall, f1, _ = metrics.precision_recall_fscore_support(
        labels, predicted, labels=classes, average=average, pos_label=1, zero_division=0)
    each = metrics.precision_recall_fscore_support(labels, predicted, labels=classes, average=None, zero_division=0)
    per_class = [
        {"class": name, "precision": float(each[0][i]), "recall": float(each[1][i]), "f1": float(each[2][i]),
         "support": int(each[3][i])}
        for i, name in enumerate(class_names)
    ]
    roc = None
    if binary and len(np.unique(labels)) == 2:
        fpr, tpr, _ = metrics.roc_curve(labels, probabilities[:, 1])
        roc = {"fpr": _thin(fpr), "tpr": _thin(tpr), "auc": float(metrics.roc_auc_score(labels, probabilities[:, 1]))}
    return Evaluation(
        accuracy=float(np.mean(predicted == labels)), precision=float(precision), recall=float(recall),
        f1=float(f1), average=average, per_class=per_class,
        confusion_matrix=metrics.confusion_matrix(labels, predicted, labels=classes).tolist(),
        class_names=list(class_names), rows=len(labels), roc=roc,
        worst=worst_mistakes(labels, probabilities, class_names, texts, worst) if texts is not None else [],
    )


def worst_mistakes(labels, probabilities, class_names: list[str], texts: list[str], count: int = WORST_EXAMPLES
                   ) -> list[dict]:
    """The wrong predictions made with the highest confidence, most confident first."""
    labels = np.asarray(labels, dtype=int)
    probabilities = _as_matrix(probabilities, len(class_names))
    predicted = probabilities.argmax(axis=1)
    confidence = probabilities.max(axis=1)
    wrong = np.flatnonzero(predicted != labels)
    order = wrong[np.argsort(-confidence[wrong], kind="stable")][:count]
    return [
        {"text": str(texts[i]), "true": class_names[labels[i]], "predicted": class_names[predicted[i]],
         "confidence": float(confidence[i])}
        for i in order
    ]


def predict_probabilities(model, texts: list[str], batch_size: int = 512) -> np.ndarray:
    """Class probabilities from an EmbedLab Keras model, shape ``(n, classes)`` (two columns for binary)."""
    if len(texts) == 0:
        return np.zeros((0, 2), dtype=np.float32)
    outputs = model.predict(np.asarray(texts, dtype=object), batch_size=batch_size, verbose=0)
    return _as_matrix(outputs, max(2, outputs.shape[-1]))


def evaluate_model(model, texts: list[str], labels, class_names: list[str]) -> Evaluation:
    """Score ``texts`` with ``model`` and measure against ``labels``."""
    return evaluate_predictions(labels, predict_probabilities(model, texts), class_names, texts)


def evaluate_run(run, texts: list[str] | None = None, labels=None) -> Evaluation:
    """Evaluate a saved run on given rows, or on its own saved test split."""
    class_names = list(run.config.get("class_names") or [])
    if texts is None:
        table = run.test_split()
        if table is None:
            raise EmbedLabError(f"run '{run.name}' kept no test split; give data to evaluate on")
        texts, labels = table["text"].astype(str).tolist(), table["label"].to_numpy(dtype=int)
    model = run.load_model()
    probabilities = predict_probabilities(model, texts)
    if not class_names:
        class_names = [f"class {i}" for i in range(probabilities.shape[1])]
    if probabilities.shape[1] != len(class_names):
        raise EmbedLabError(
            f"the model has {probabilities.shape[1]} classes but the run names {len(class_names)}; "
            "the run folder is inconsistent — train it again"
        )
    return evaluate_predictions(labels, probabilities, class_names, texts)


def _as_matrix(probabilities, num_classes: int) -> np.ndarray:
    probabilities = np.asarray(probabilities, dtype=np.float64)
    if probabilities.ndim == 1 or probabilities.shape[-1] == 1:
        positive = probabilities.reshape(-1)
        if num_classes != 2:
            raise EmbedLabError(f"one probability column fits 2 classes, not {num_classes}")
        return np.stack([1.0 - positive, positive], axis=1)
    if probabilities.shape[1] != num_classes:
        raise EmbedLabError(
            f"predictions have {probabilities.shape[1]} columns but there are {num_classes} class names"
        )
    return probabilities


def _thin(values: np.ndarray, limit: int = 400) -> list[float]:
    """At most ``limit`` points of a curve (ends kept), enough to draw it and small in metrics.json."""
    if len(values) <= limit:
        return [float(v) for v in values]
    keep = np.unique(np.linspace(0, len(values) - 1, limit).round().astype(int))
    return [float(values[i]) for i in keep]
