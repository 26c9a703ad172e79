"""A model's sentiment direction in a word space: where words sit along what the model reads as positive.

``sentiment_direction`` finds the direction along which a trained model's word scores
(``embedlab.models.learned.word_scores``) grow; ``sentiment_axis`` places words along it
(x) and along the main remaining variation (y), ready to draw and export.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from embedlab.errors import EmbedLabError
from embedlab.maps.words import WordChoice
from embedlab.vectors.word_vectors import WordVectors, unit_rows

LABELLED_EACH_END = 15


@dataclass
class SentimentAxis:
    """Words placed by a model's sentiment direction.

    Attributes:
        words: the placed words.
        coords: ``(n, 2)``: x along the model's direction, y the first principal component orthogonal to it.
        scores: the model's probability of ``class_name`` for each word read alone.
        class_name: the class the scores are for.
    """

    words: list[str]
    coords: np.ndarray
    scores: np.ndarray
    class_name: str = "positive"

    def figure(self):
        """The words on the two axes, coloured by score; the most extreme words of each end labelled."""
        from embedlab.maps.figures import axis_map

        order = np.argsort(self.scores)
        ends = list(order[:LABELLED_EACH_END]) + list(order[-LABELLED_EACH_END:])
        return axis_map(self.words, self.coords, self.scores, [self.words[i] for i in ends], self.class_name)

    def table(self):
        """word, position along the direction, position across it, the model's score."""
        import pandas as pd

        return pd.DataFrame({"word": self.words, "sentiment axis": self.coords[:, 0],
                             "orthogonal axis": self.coords[:, 1], f"p({self.class_name}) alone": self.scores})


def sentiment_axis(vectors: WordVectors, words: list[str], scores: np.ndarray,
                   class_name: str = "positive") -> SentimentAxis:
    """Place ``words`` of ``vectors`` along the direction in which their ``scores`` grow."""
    subset = vectors.subset(words)
    scores = np.asarray(scores)
    coords = sentiment_axes(subset.vectors, sentiment_direction(subset.vectors, scores))
    return SentimentAxis(subset.words, coords, scores, class_name)


def words_the_model_knows(words: list[str], learned: WordVectors, model_name: str) -> WordChoice:
    """The ``words`` that have a row in the model's own embedding ``learned``, with a note on the rest.

    Any other word reads as the model's one unknown token, so all of them would get the same score.
    """
    kept = [word for word in words if word in learned]
    notes = []
    if len(kept) < len(words):
        notes.append(f"{len(kept):,} of the {len(words):,} words are in {model_name}'s vocabulary; the others "
                     "would all read as the same unknown token, so they are left out.")
    if len(kept) < 4:
        raise EmbedLabError(f"only {len(kept)} of these words are in {model_name}'s vocabulary; a sentiment axis "
                            "needs at least 4 — map the run's learned embedding instead")
    return WordChoice(kept, notes)


def sentiment_direction(vectors: np.ndarray, scores: np.ndarray, share: float = 0.25) -> np.ndarray:
    """The unit direction from the words a model scores lowest to those it scores highest.

    The difference of the mean unit vectors of the top and bottom ``share`` of words by
    score: the axis along which the model's reading of single words changes most plainly.
    """
    vectors = unit_rows(vectors, np.float64)
    if len(vectors) < 4:
        raise EmbedLabError("a sentiment direction needs at least 4 words with scores; add words")
    order = np.argsort(scores, kind="stable")
    count = max(1, int(len(order) * share))
    direction = vectors[order[-count:]].mean(axis=0) - vectors[order[:count]].mean(axis=0)
    norm = np.linalg.norm(direction)
    if norm == 0:
        raise EmbedLabError("the model scores every word the same, so there is no direction to show")
    return direction / norm


def sentiment_axes(vectors: np.ndarray, direction: np.ndarray) -> np.ndarray:
    """``(n, 2)`` coordinates: x along ``direction``; y the first principal component orthogonal to it."""
    vectors = unit_rows(vectors, np.float64)
    x = vectors @ direction
    rest = vectors - np.outer(x, direction)
    rest = rest - rest.mean(axis=0)
    _, _, components = np.linalg.svd(rest, full_matrices=False)
    y = rest @ components[0]
    return np.column_stack([x, y]).astype(np.float32)

