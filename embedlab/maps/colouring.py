"""Colours for the points of a word map: KMeans clusters, a model's scores, a dataset's class lean, a word list.

Each returns a ``Colouring``: the value of every word, how to read the values, and a note
for the reader saying what the colour means.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

import numpy as np


@dataclass
class Colouring:
    """One colour value per word, and how to show them.

    Attributes:
        values: numbers (drawn on a colour scale) or labels (one legend entry each).
        label: the colour bar's or legend's title.
        categorical: True for labels.
        hover: one extra hover line per word, or None.
        note: a sentence for the reader on what the colour means ("" for none).
        range: (low, middle, high) of a numeric scale centred on "no lean"; None fits it to the values.
    """

    values: np.ndarray
    label: str
    categorical: bool = False
    hover: list[str] | None = None
    note: str = ""
    range: tuple[float, float, float] | None = None


def centred_range(values: np.ndarray, centre: float, share: float = 0.99) -> tuple[float, float, float]:
    """(low, centre, high): the smallest range symmetric around ``centre`` that holds ``share`` of the values.

    The few values beyond (a handful of extreme words) are drawn in the end colours, rather
    than stretching the scale until every other word looks the same.

    A model's single-word scores often stay within a few hundredths of 0.5; a scale fitted
    to them (rather than 0..1) shows their differences, and a symmetric one keeps "no lean"
    at the scale's neutral middle. The half-width is rounded up to twice a round tick step
    (1, 1.5, 2, 2.5, 3, 4, 5, 6 or 8 times a power of ten), so the colour bar's five ticks read plainly.

    Example:
        >>> centred_range(np.array([0.46, 0.52, 0.535]), 0.5)
        (0.46, 0.5, 0.54)
    """
    values = np.asarray(values, dtype=np.float64)
    finite = values[np.isfinite(values)]
    distances = np.abs(finite - centre)
    half = float(np.quantile(distances, share)) if len(finite) else 0.0
    if half <= 0:
        half = float(distances.max()) if len(finite) and distances.max() > 0 else 0.01
    power = 10.0 ** np.floor(np.log10(half / 2.0))
    step = next(power * nice for nice in (1.0, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0, 8.0, 10.0)
                if power * nice >= half / 2.0 * (1 - 1e-9))
    digits = max(0, 2 - int(np.floor(np.log10(step))))
    return float(round(centre - 2 * step, digits)), centre, float(round(centre + 2 * step, digits))


def cluster_colouring(vectors: np.ndarray, n_clusters: int = 8, seed: int = 0) -> Colouring:
    """KMeans clusters of the words' vectors, named "cluster 1" … "cluster n"."""
    labels = clusters(vectors, n_clusters, seed)
    return Colouring(np.array([f"cluster {c + 1}" for c in labels]), "cluster", categorical=True)


def score_colouring(scores: np.ndarray, model_name: str, class_name: str = "positive") -> Colouring:
    """A model's probability of ``class_name`` for each word read alone."""
    scores = np.asarray(scores)
    low, _, high = span = centred_range(scores, 0.5)
    return Colouring(
        scores, f"p({class_name})", hover=[f"model: p({class_name}) {s:.2f}" for s in scores],
        note=f"Each word is scored **alone** by {model_name}'s model: its probability of “{class_name}” for a "
             f"one-word text. The colours run from {low:g} (red) through 0.5 (grey, no lean) to {high:g} (blue): "
             "the range of nearly all these words' scores (any beyond take the end colours), kept symmetric around "
             "0.5. Words outside the model's vocabulary all read as the same unknown token, so they share one "
             "colour.",
        range=span)


def log_odds_colouring(texts: list[str], labels: np.ndarray, class_names: list[str], words: list[str],
                       dataset_name: str) -> Colouring:
    """How much more often each word appears in the positive class's texts than in the rest (log-odds)."""
    from embedlab.data.labelled import positive_class

    positive = positive_class(list(class_names))
    values = class_log_odds(texts, labels, class_names, words, positive)
    low, _, high = span = centred_range(values, 0.0)
    return Colouring(
        values, "log-odds", hover=[f"dataset log-odds {v:+.2f}" for v in values],
        note=f"Log-odds of each word's count in “{positive}” texts vs the rest of **{dataset_name}** (sizes "
             f"balanced, +1 smoothing; 0 = no lean or unseen). The colours run from {low:g} to {high:g}, "
             "symmetric around 0.",
        range=span)


def list_colouring(words: list[str], text: str) -> Colouring:
    """The words of ``text`` (separated by spaces or commas) against every other word."""
    marked = {word for word in re.split(r"[\s,]+", text or "") if word}
    return Colouring(np.array(["in the list" if word in marked else "other" for word in words]), "list",
                     categorical=True)


def clusters(vectors: np.ndarray, n_clusters: int = 8, seed: int = 0) -> np.ndarray:
    """KMeans cluster of each word on its unit vector (cosine-like), seeded."""
    from sklearn.cluster import KMeans

    from embedlab.vectors.word_vectors import unit_rows

    n_clusters = max(1, min(int(n_clusters), len(vectors)))
    return KMeans(n_clusters=n_clusters, n_init=3, random_state=seed).fit_predict(unit_rows(vectors, vectors.dtype))


def class_log_odds(texts: list[str], labels: np.ndarray, class_names: list[str], words: list[str],
                   positive: str | None = None) -> np.ndarray:
    """log((count in positive texts + 1) / (count in other texts + 1)), per word, counts normalised by size.

    ``positive`` defaults to a class called "positive", else the last class. A word
    never seen in the dataset scores 0 (no evidence either way).
    """
    from embedlab.data.labelled import positive_class
    from embedlab.text import tokenize

    positive = positive or positive_class(list(class_names))
    target = list(class_names).index(positive)
    wanted = set(words)
    inside, outside = Counter(), Counter()
    for text, label in zip(texts, labels):
        counter = inside if int(label) == target else outside
        counter.update(token for token in tokenize(text) if token in wanted)
    total_in = max(sum(inside.values()), 1)
    total_out = max(sum(outside.values()), 1)
    scale = total_out / total_in  # make the two classes' totals comparable
    return np.array(
        [np.log((inside[w] * scale + 1.0) / (outside[w] + 1.0)) for w in words], dtype=np.float32
    )
