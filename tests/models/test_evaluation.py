"""Evaluation metrics on arrays whose answers are known by hand."""

import numpy as np
import pytest

from embedlab.errors import EmbedLabError
from embedlab.models.evaluation import Evaluation, evaluate_predictions, evaluate_run, worst_mistakes

NAMES = ["negative", "positive"]


def test_binary_metrics_match_hand_counts():
    # true:      0    0    0    1    1    1    1    1
    # p(pos):   .1   .6   .2   .9   .8   .4   .7   .3   → predicted 0 1 0 1 1 0 1 0
    labels = [0, 0, 0, 1, 1, 1, 1, 1]
    positive = [0.1, 0.6, 0.2, 0.9, 0.8, 0.4, 0.7, 0.3]
    evaluation = evaluate_predictions(labels, positive, NAMES)
    # TP = 3, FP = 1, FN = 2, TN = 2
    assert evaluation.confusion_matrix == [[2, 1], [2, 3]]
    assert evaluation.accuracy == pytest.approx(5 / 8)
    assert evaluation.precision == pytest.approx(3 / 4)
    assert evaluation.recall == pytest.approx(3 / 5)
    assert evaluation.f1 == pytest.approx(2 * 0.75 * 0.6 / 1.35)
    assert evaluation.per_class[0] == pytest.approx(
        {"class": "negative", "precision": 0.5, "recall": 2 / 3, "f1": 4 / 7, "support": 3})
    # AUC = share of (positive, negative) pairs ordered right: 3 + 3 + 2 + 3 + 2 = 13 of 15.
    assert evaluation.auc == pytest.approx(13 / 15)
    assert evaluation.roc["fpr"][0] == 0.0 and evaluation.roc["tpr"][-1] == 1.0


def test_one_column_and_two_column_probabilities_agree():
    labels = [0, 1, 1, 0]
    positive = np.array([0.2, 0.7, 0.4, 0.9])
    one = evaluate_predictions(labels, positive.reshape(-1, 1), NAMES)
    two = evaluate_predictions(labels, np.stack([1 - positive, positive], axis=1), NAMES)
    assert one.to_dict() == two.to_dict()


def test_multi_class_uses_macro_averages():
    labels = [0, 1, 2, 2]
    probabilities = [[0.8, 0.1, 0.1], [0.1, 0.8, 0.1], [0.1, 0.8, 0.1], [0.1, 0.1, 0.8]]
    evaluation = evaluate_predictions(labels, probabilities, ["a", "b", "c"])
    assert evaluation.average == "macro" and evaluation.roc is None and evaluation.auc is None
    assert evaluation.confusion_matrix == [[1, 0, 0], [0, 1, 0], [0, 1, 1]]
    # precision per class 1, 1/2, 1; recall 1, 1, 1/2
    assert evaluation.precision == pytest.approx((1 + 0.5 + 1) / 3)
    assert evaluation.recall == pytest.approx((1 + 1 + 0.5) / 3)
    assert evaluation.f1 == pytest.approx((1 + 2 / 3 + 2 / 3) / 3)


def test_worst_mistakes_are_the_most_confident_wrong_ones():
    texts = ["right", "wrong but unsure", "very wrong", "wrong"]
    labels = [1, 1, 0, 0]
    positive = [0.9, 0.45, 0.99, 0.7]
    worst = worst_mistakes(labels, positive, NAMES, texts, count=2)
    assert [row["text"] for row in worst] == ["very wrong", "wrong"]
    assert worst[0] == {"text": "very wrong", "true": "negative", "predicted": "positive",
                        "confidence": pytest.approx(0.99)}
    assert evaluate_predictions(labels, positive, NAMES, texts).worst[-1]["text"] == "wrong but unsure"


def test_round_trip_through_a_dict():
    evaluation = evaluate_predictions([0, 1, 1], [0.2, 0.9, 0.3], NAMES, ["a", "b", "c"])
    assert Evaluation.from_dict(evaluation.to_dict()).to_dict() == evaluation.to_dict()


@pytest.mark.parametrize(
    "labels, probabilities, names, message",
    [([], np.zeros((0, 2)), NAMES, "no test rows"), ([0, 1], [[0.5, 0.5]], NAMES, "2 labels but 1 predictions"),
     ([0, 1], [[0.2, 0.3, 0.5], [0.1, 0.1, 0.8]], NAMES, "3 columns but there are 2 class names")],
)
def test_mismatched_inputs_are_refused(labels, probabilities, names, message):
    with pytest.raises(EmbedLabError, match=message):
        evaluate_predictions(labels, probabilities, names)


def test_a_run_is_evaluated_on_its_own_test_split(tiny_run):
    evaluation = evaluate_run(tiny_run)
    table = tiny_run.test_split()
    assert evaluation.rows == len(table) == 16
    assert evaluation.accuracy == pytest.approx(tiny_run.metrics["accuracy"], abs=1e-6)
    assert sum(map(sum, evaluation.confusion_matrix)) == 16
