"""Collecting parsed rows into one float32 matrix, in bounded memory, keeping only usable rows.

Every format's parser hands its rows here a piece at a time. The matrix grows in place
(``ndarray.resize``: a ``realloc``, which moves big blocks' pages rather than copying them),
so a file's matrix costs its own size, not twice it. A row is usable when every number is
finite and its length fits float32 with room to spare: a NaN makes every cosine with it
NaN (invalid JSON, empty analogy answers, a map that drops points), and a vector so long
that its squared length overflows float32 turns every score into 0.0. Such rows are
dropped, counted, and named in a note the CLI and the sidebar show.
"""

from __future__ import annotations

import numpy as np

from embedlab.errors import EmbedLabError
from embedlab.vectors.streams import MAX_VECTOR_MB_ENV, megabytes

# Half the square root of float32's largest value: the squared length of any kept row, and the
# squared distance of any two (at most twice the longer length), stay finite in float32.
MAX_ROW_NORM = float(np.sqrt(np.finfo(np.float32).max)) / 2
MAX_DIM = 65_536  # word vectors have tens to a few thousand; a bigger "dimension" is not a vector file
_NAMED = 3  # dropped words quoted in the note


def check_shape(filename: str, rows: int | None, dim: int, limit: int) -> None:
    """Refuse a dimension no vector file has, or a promised matrix bigger than ``limit`` bytes, before reading."""
    if dim > MAX_DIM:
        raise EmbedLabError(f"{filename} says its vectors have {dim:,} dimensions; at most {MAX_DIM:,} are read "
                            "— is this a word-vector file?")
    if rows is not None and rows * dim * 4 > limit:
        raise EmbedLabError(
            f"{filename} holds about {rows:,} words of {dim} dimensions, a matrix of {megabytes(rows * dim * 4)}; "
            f"vector sets are limited to {megabytes(limit)} ({MAX_VECTOR_MB_ENV}) — keep the most frequent "
            "words (e.g. `head -n 400000 big.txt > smaller.txt`) or ask the admin to raise the limit"
        )


def usable_rows(block: np.ndarray) -> np.ndarray:
    """A boolean per row: every number finite and the row's length at most ``MAX_ROW_NORM``."""
    block = np.asarray(block)
    if not block.size:
        return np.ones(len(block), dtype=bool)
    with np.errstate(over="ignore", invalid="ignore"):
        if np.abs(block).max() * np.sqrt(block.shape[1]) <= MAX_ROW_NORM:  # the common case, in one pass
            return np.ones(len(block), dtype=bool)
        lengths = np.sqrt(np.einsum("ij,ij->i", block, block, dtype=np.float64))
    return lengths <= MAX_ROW_NORM  # NaN and inf compare False


def dropped_note(filename: str, count: int, examples: list[str]) -> str:
    """The note for rows left out because of their numbers."""
    named = ", ".join(repr(word) for word in examples[:_NAMED]) + (", …" if count > _NAMED else "")
    return (f"{count:,} word{'s' if count != 1 else ''} of {filename} left out ({named}): "
            f"{'their vectors hold' if count != 1 else 'its vector holds'} NaN or infinite numbers, or numbers so "
            "large that the vector's length overflows float32 — fix or remove those lines to keep them")


class RowCollector:
    """Rows of ``dim`` float32 numbers and their words, gathered piece by piece.

    Args:
        dim: numbers per row.
        filename: named in messages.
        limit: most bytes the matrix may take; passing it refuses the file.
        expected_rows: a guess at the final row count (the first allocation), or None.
    """

    def __init__(self, dim: int, filename: str, limit: int, expected_rows: int | None = None) -> None:
        check_shape(filename, None, dim, limit)
        self.dim, self.filename, self.limit = dim, filename, limit
        self.max_rows = max(1, limit // (4 * max(dim, 1)))
        # A guess from the head runs a little short or long; 5% more spares a resize, and rows never
        # written are never touched, so they cost address space, not memory.
        first = int((expected_rows or 1024) * 1.05) + 16
        self.matrix = np.empty((min(first, self.max_rows), dim), dtype=np.float32)
        self.words: list[str] = []
        self.parsed = 0  # rows the file held, dropped ones included
        self.dropped: list[str] = []  # a few of the dropped words, for the note
        self.dropped_count = 0

    def add(self, words: list[str], block: np.ndarray) -> None:
        """Append rows (dropping unusable ones); EmbedLabError once the matrix would pass the limit."""
        self.parsed += len(words)
        if not len(words):
            return
        keep = usable_rows(block)
        if not keep.all():
            bad = np.flatnonzero(~keep)
            self.dropped_count += len(bad)
            self.dropped += [words[row] for row in bad[:_NAMED].tolist()][:_NAMED - len(self.dropped)]
            words, block = [word for word, kept in zip(words, keep.tolist()) if kept], block[keep]
        rows = len(self.words)
        needed = rows + len(words)
        if needed > self.max_rows:
            check_shape(self.filename, needed, self.dim, self.limit)  # raises, with the figures
        if needed > len(self.matrix):
            grown = min(max(needed, len(self.matrix) + len(self.matrix) // 4), self.max_rows)
            self.matrix.resize((grown, self.dim), refcheck=False)  # only this object refers to it
        self.matrix[rows:needed] = block
        self.words += words

    def finish(self) -> tuple[list[str], np.ndarray, list[str]]:
        """``(words, matrix, notes)``; the matrix is cut to the rows kept (its spare room given back)."""
        if len(self.matrix) != len(self.words):
            self.matrix.resize((len(self.words), self.dim), refcheck=False)
        notes = [dropped_note(self.filename, self.dropped_count, self.dropped)] if self.dropped_count else []
        return self.words, self.matrix, notes
