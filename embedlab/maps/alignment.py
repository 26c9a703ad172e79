"""Putting two embeddings in one space, and a model's sentiment direction in one.

- ``align``: orthogonal Procrustes — the rotation that lays one set of vectors over
  another (Hamilton et al.'s method for comparing embeddings of the same words).
- ``compare``: two vector sets on their shared words, aligned, with how far each word moved.
- ``sentiment_direction`` / ``sentiment_axes``: the direction along which a trained model's
  word scores (``embedlab.models.learned.word_scores``) grow, and positions along it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from embedlab.errors import EmbedLabError
from embedlab.vectors.word_vectors import WordVectors


def align(source: np.ndarray, target: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The orthogonal matrix R minimising ‖source·R − target‖, and ``source·R``.

    Rows are paired (row i of both is the same word). Sets of different widths are
    zero-padded to the wider one first (a rotation cannot change the dimension).

    Example:
        >>> rotation, aligned = align(a, a @ q)   # q orthogonal  # doctest: +SKIP
        >>> np.allclose(rotation, q)                              # doctest: +SKIP
        True
    """
    source, target = _same_width(np.asarray(source, dtype=np.float64), np.asarray(target, dtype=np.float64))
    if source.shape != target.shape:
        raise EmbedLabError(
            f"cannot align {source.shape[0]} rows with {target.shape[0]}; expected the same words in both sets"
        )
    if len(source) < 2:
        raise EmbedLabError("alignment needs at least 2 shared words; pick sources that share more words")
    # Procrustes: with U S Vᵀ = svd(sourceᵀ target), R = U Vᵀ.
    u, _, vt = np.linalg.svd(source.T @ target)
    rotation = u @ vt
    return rotation, source @ rotation


def _same_width(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    width = max(a.shape[1], b.shape[1])
    pad = lambda m: np.pad(m, ((0, 0), (0, width - m.shape[1])))  # noqa: E731
    return pad(a), pad(b)


@dataclass
class Comparison:
    """Two vector sets on their shared words, the first rotated onto the second.

    Attributes:
        words: the shared words, in the order asked for.
        first, second: unit rows of each set, ``first`` already aligned to ``second``.
        moved: cosine distance of each word between the two, after alignment (0 = same place).
    """

    words: list[str]
    first: np.ndarray
    second: np.ndarray
    moved: np.ndarray

    def most_moved(self, n: int = 20) -> list[tuple[str, float]]:
        """The ``n`` words that moved most, largest first."""
        order = np.argsort(-self.moved, kind="stable")[:n]
        return [(self.words[i], float(self.moved[i])) for i in order]


def compare(first: WordVectors, second: WordVectors, words: list[str]) -> Comparison:
    """Align ``first`` onto ``second`` on the ``words`` both know, and measure each word's move.

    Raises EmbedLabError when fewer than 3 of the words are in both sets.
    """
    shared = [word for word in dict.fromkeys(words) if word in first and word in second]
    if len(shared) < 3:
        raise EmbedLabError(
            f"only {len(shared)} of the {len(words):,} words are in both {first.name} and {second.name}; "
            "comparing needs at least 3 shared words — pick more words or sources with a common vocabulary"
        )
    a = _unit(first.subset(shared).vectors)
    b = _unit(second.subset(shared).vectors)
    a, b = _same_width(a, b)
    _, aligned = align(a, b)
    moved = 1.0 - np.sum(aligned * b, axis=1) / np.maximum(
        np.linalg.norm(aligned, axis=1) * np.linalg.norm(b, axis=1), 1e-12
    )
    return Comparison(shared, aligned.astype(np.float32), b.astype(np.float32), np.clip(moved, 0.0, 2.0))


def _unit(matrix: np.ndarray) -> np.ndarray:
    matrix = np.asarray(matrix, dtype=np.float64)
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    return matrix / np.where(norms == 0, 1.0, norms)


def sentiment_direction(vectors: np.ndarray, scores: np.ndarray, share: float = 0.25) -> np.ndarray:
    """The unit direction from the words a model scores lowest to those it scores highest.

    The difference of the mean unit vectors of the top and bottom ``share`` of words by
    score: the axis along which the model's reading of single words changes most plainly.
    """
    vectors = _unit(vectors)
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
    vectors = _unit(vectors)
    x = vectors @ direction
    rest = vectors - np.outer(x, direction)
    rest = rest - rest.mean(axis=0)
    _, _, components = np.linalg.svd(rest, full_matrices=False)
    y = rest @ components[0]
    return np.column_stack([x, y]).astype(np.float32)
