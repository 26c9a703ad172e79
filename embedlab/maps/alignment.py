"""Putting two embeddings in one space, to see which words moved between them.

- ``align``: orthogonal Procrustes — the rotation that lays one set of vectors over
  another (Hamilton et al.'s method for comparing embeddings of the same words).
- ``compare``: two vector sets on their shared words, aligned, with how far each word moved;
  the ``Comparison`` gives the vectors to map (each word twice), and the figure and tables
  of that map.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from embedlab.errors import EmbedLabError
from embedlab.vectors.word_vectors import WordVectors, unit_rows

MOVED = "cosine distance after alignment"


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
    pad = lambda m: np.pad(m, ((0, 0), (0, width - m.shape[1])))  # noqa: E731 (a one-line helper for the two lines below)
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
    first_name: str = "first"
    second_name: str = "second"

    def most_moved(self, n: int = 20) -> list[tuple[str, float]]:
        """The ``n`` words that moved most, largest first."""
        order = np.argsort(-self.moved, kind="stable")[:n]
        return [(self.words[i], float(self.moved[i])) for i in order]

    def move_summary(self, shown: int = 10) -> str:
        """How large the moves are, in numbers: the median and the largest, and the smallest of the ``shown``
        biggest."""
        order = np.sort(self.moved)[::-1]
        shown = min(shown, len(order))
        return (f"Moves ({MOVED}, from 0 to 2: 0 = same place, 1 = unrelated, 2 = opposite): "
                f"median {np.median(self.moved):.3f}, "
                f"largest {order[0]:.3f}; the {shown} biggest, drawn and named, are {order[shown - 1]:.3f} "
                "or more.")

    def stacked(self) -> WordVectors:
        """Both sets as one, to draw in one map: each word twice, as "word (1)" and "word (2)"."""
        words = [f"{word} (1)" for word in self.words] + [f"{word} (2)" for word in self.words]
        return WordVectors(words, np.vstack([self.first, self.second]),
                           name=f"{self.first_name} + {self.second_name}")

    def figure(self, coords: np.ndarray):
        """Both sets' words on the map of ``stacked()`` (coordinates ``coords``); the biggest moves as lines."""
        from embedlab.maps.figures import moves_map

        count = len(self.words)
        return moves_map(self.words, coords[:count, :2], coords[count:, :2], self.moved, self.first_name,
                         self.second_name, summary=self.move_summary())

    def table(self, coords: np.ndarray):
        """Every shared word with both positions on the map of ``stacked()`` and its move."""
        import pandas as pd

        count = len(self.words)
        return pd.DataFrame({"word": self.words, "x_first": coords[:count, 0], "y_first": coords[:count, 1],
                             "x_second": coords[count:, 0], "y_second": coords[count:, 1],
                             MOVED: self.moved})

    def moved_table(self, n: int = 50):
        """The ``n`` words that moved most, as a DataFrame (word, move), largest first."""
        import pandas as pd

        return pd.DataFrame(self.most_moved(n), columns=["word", MOVED])


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
    a = unit_rows(first.subset(shared).vectors, np.float64)
    b = unit_rows(second.subset(shared).vectors, np.float64)
    a, b = _same_width(a, b)
    _, aligned = align(a, b)
    moved = 1.0 - np.sum(aligned * b, axis=1) / np.maximum(
        np.linalg.norm(aligned, axis=1) * np.linalg.norm(b, axis=1), 1e-12
    )
    return Comparison(shared, aligned.astype(np.float32), b.astype(np.float32), np.clip(moved, 0.0, 2.0),
                      first.name, second.name)

