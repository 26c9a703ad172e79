"""Axes made of words: place words by their projection on directions between two words or two word lists.

An axis goes from list A to list B (x: bad → good, y: she → he). Its direction is the mean
of B's unit vectors minus the mean of A's, and each word's coordinate is its unit vector's
dot product with that direction, divided by the direction's length (scalar projection on a
unit direction), as the Embedding Projector's "Custom" projection and whatlies'
``EmbeddingSet.plot(x_axis=emb["man"], y_axis=emb["woman"])`` do. Unit vectors keep a frequent
word's long vector from lying at the far end of every axis.

Example:
    >>> axes = word_axes(glove, glove.words[:2_000], Axis(["bad"], ["good"]), Axis(["she"], ["he"]))  # doctest: +SKIP
    >>> axes.table().loc[lambda t: t.word == "great", "x"].item() > 0                              # doctest: +SKIP
    True
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from embedlab.errors import EmbedLabError
from embedlab.vectors.word_vectors import WordVectors

# Opposed pairs used to teach with word-embedding axes (Touretzky et al., AAAI 2022 uses he/she, young/old).
SUGGESTED_PAIRS = {
    "bad → good": ("bad awful terrible poor", "good great excellent wonderful"),
    "she → he": ("she her woman girl", "he him man boy"),
    "young → old": ("young child youth baby", "old elderly aged ancient"),
    "small → big": ("small tiny little", "big large huge"),
    "cheap → expensive": ("cheap inexpensive", "expensive costly"),
    "sad → happy": ("sad unhappy sorrow", "happy glad joy"),
}


@dataclass(frozen=True)
class Axis:
    """A direction from the words ``start`` (the low end) to the words ``end`` (the high end)."""

    start: list[str]
    end: list[str]

    def label(self) -> str:
        return f"{' '.join(self.start)} → {' '.join(self.end)}"

    @classmethod
    def from_text(cls, start: str, end: str) -> Axis:
        """An axis from two boxes of words separated by spaces or commas."""
        return cls(_words(start), _words(end))


@dataclass(frozen=True)
class WordAxes:
    """Words placed on two word axes: ``coords[:, 0]`` on ``x``, ``coords[:, 1]`` on ``y``."""

    words: list[str]
    coords: np.ndarray
    x: Axis
    y: Axis
    cosine_between: float  # cosine of the two directions: near 0 = independent axes, near ±1 = the same idea

    def table(self):
        """A DataFrame: word, x, y."""
        import pandas as pd

        return pd.DataFrame({"word": self.words, "x": self.coords[:, 0], "y": self.coords[:, 1]})


def direction(vectors: WordVectors, axis: Axis) -> np.ndarray:
    """The direction of ``axis``: mean unit vector of its end words minus that of its start words.

    Raises:
        EmbedLabError: a side with no words, words unknown to ``vectors`` (all of them named, with close
            spellings), or two sides that mean the same (a zero direction).
    """
    for side, words in (("start", axis.start), ("end", axis.end)):
        if not words:
            raise EmbedLabError(f"the axis {axis.label()!r} has no words at its {side}; type at least one word "
                                "there, for example 'bad' → 'good'")
    unknown = [word for word in axis.start + axis.end if word not in vectors]
    if unknown:
        hints = " ".join(vectors.unknown_word_message(word) for word in unknown)
        raise EmbedLabError(f"{len(unknown)} word(s) of the axis {axis.label()} are not in {vectors.name}, so they "
                            f"have no vector to place the axis by; change or remove them. {hints}")
    unit = vectors.unit_vectors
    gap = (unit[[vectors.index(w) for w in axis.end]].mean(axis=0)
           - unit[[vectors.index(w) for w in axis.start]].mean(axis=0))
    if float(np.linalg.norm(gap)) < 1e-6:
        raise EmbedLabError(f"the two ends of the axis {axis.label()} have the same mean vector, so it points "
                            "nowhere; pick words with opposite meanings at its two ends")
    return gap.astype(np.float64)


def word_axes(vectors: WordVectors, words: list[str], x: Axis, y: Axis) -> WordAxes:
    """Place ``words`` by their scalar projections on the directions of ``x`` and ``y``.

    Args:
        vectors: the source (its unit vectors are projected).
        words: the words to place, all known to ``vectors``.
        x, y: the two axes.

    Returns:
        a ``WordAxes``; coordinate = unit vector · direction / |direction|.
    """
    if not words:
        raise EmbedLabError("no words to place on the axes; pick some words first")
    directions = [direction(vectors, axis) for axis in (x, y)]
    unit = vectors.unit_vectors[[vectors.index(w) for w in words]].astype(np.float64)
    normed = [d / np.linalg.norm(d) for d in directions]
    coords = np.stack([unit @ d for d in normed], axis=1).astype(np.float32)
    return WordAxes(list(words), coords, x, y, float(normed[0] @ normed[1]))


def _words(text: str) -> list[str]:
    return [word for word in text.replace(",", " ").split() if word]
