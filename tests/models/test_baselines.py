"""Baselines: mean-vector and TF-IDF logistic regression on given rows, with known answers on hand-made data."""

import numpy as np
import pytest

from embedlab.data.labelled import LabelledDataset
from embedlab.errors import EmbedLabError
from embedlab.models.baselines import MEAN_VECTOR, TFIDF, Baselines, baseline_scores, mean_vectors
from embedlab.vectors.word_vectors import WordVectors

VECTORS = WordVectors(["good", "great", "bad", "awful", "film"],
                      np.array([[1, 0], [0.8, 0.2], [-1, 0], [-0.8, -0.2], [0, 1]], dtype=np.float32), name="tiny")


def separable() -> LabelledDataset:
    positive = ["good film", "great film", "good great", "great good film", "film good"] * 4
    negative = ["bad film", "awful film", "bad awful", "awful bad film", "film bad"] * 4
    return LabelledDataset(positive + negative, np.array([1] * 20 + [0] * 20), ["negative", "positive"], name="t")


def test_mean_vectors_average_the_found_words_and_skip_the_rest():
    features, coverage = mean_vectors(["good zzz bad", "Great!", "zzz"], VECTORS)
    np.testing.assert_allclose(features[0], [0, 0])
    np.testing.assert_allclose(features[1], [0.8, 0.2])  # tokenized as the model tokenizes: "great", "!"
    np.testing.assert_allclose(features[2], [0, 0])
    assert coverage == pytest.approx(3 / 6)


def test_both_baselines_separate_a_separable_set_on_the_given_rows():
    dataset = separable()
    train_rows, test_rows = np.arange(0, 40, 2), np.arange(1, 40, 2)
    scores = {score.name: score for score in baseline_scores(dataset, train_rows, test_rows, VECTORS)}
    assert set(scores) == {MEAN_VECTOR, TFIDF}
    assert scores[MEAN_VECTOR].accuracy == 1.0 and scores[MEAN_VECTOR].f1 == 1.0
    assert scores[TFIDF].accuracy == 1.0
    assert scores[TFIDF].train_rows == 20 and scores[TFIDF].test_rows == 20


def test_without_vectors_only_tfidf_is_scored_and_one_class_is_refused():
    dataset = separable()
    assert [score.name for score in Baselines(dataset).score(np.arange(0, 40, 2), [1, 39])] == [TFIDF]
    with pytest.raises(EmbedLabError, match="single class"):
        Baselines(dataset, VECTORS).score(np.arange(0, 10), [39])
