"""One type for a set of word vectors: ``WordVectors``.

Words are kept in frequency order (most frequent first, as GloVe and word2vec files
list them), so "the N most frequent words" is simply the first N rows. The matrix is
float32 and may be a read-only memory map; the unit-normalised view used by every
cosine query is computed once, on first use.
"""

from __future__ import annotations

import difflib
import hashlib
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np

from embedlab.errors import EmbedLabError


def unit_rows(matrix: np.ndarray, dtype=np.float32) -> np.ndarray:
    """Each row of ``matrix`` scaled to length 1, as a new ``dtype`` array; a row of length 0 stays as it is.

    Every cosine in EmbedLab (queries, benchmarks, maps, trustworthiness, clusters, alignments)
    starts here, so a zero row means one thing everywhere: it is divided by 1 and stays zero,
    cosine 0 with every word, never NaN. So does a row whose numbers are so small that their
    squares underflow (length 0 in ``dtype``): it stays near zero. Every other row is divided
    by its ``np.linalg.norm``.

    The rows are converted to ``dtype`` first and keep their memory order: the seeded maps and
    benchmark scores depend on the last bit of these norms, and summing a Fortran-ordered
    matrix's rows gives other last bits than summing the same rows held row by row.

    One guard serves every caller, parity included. gensim's ``get_normed_vectors`` divides a
    zero row by 0 (a NaN row); here it stays zero, and every other row comes out as gensim's, bit
    for bit. sklearn's ``normalize`` (inside its ``trustworthiness(metric="cosine")``) divides a row
    shorter than 10 × the dtype's eps by 1, as this does for length 0; word vectors have no nonzero
    rows that short. A floor on the length instead (``max(norm, tiny)``, ``max(norm, 1e-12)``)
    gives the same bits except on such rows, which a floor blows up or leaves shorter than 1.

    Example:
        >>> unit_rows(np.array([[3.0, 4.0], [0.0, 0.0]])).tolist()
        [[0.6000000238418579, 0.800000011920929], [0.0, 0.0]]
    """
    matrix = np.asarray(matrix, dtype=dtype)
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return matrix / norms


@dataclass(eq=False)
class WordVectors:
    """Word vectors in frequency order.

    Args:
        words: the vocabulary, most frequent first; no duplicates.
        vectors: float32 array of shape ``(len(words), dim)``.
        name: a short human name for the set ("GloVe 6B 50d").
        notes: what the loader decided that a person should see (rows it left out, and why).

    Example:
        >>> wv = WordVectors(["king", "queen"], np.eye(2, dtype=np.float32), name="tiny")
        >>> wv["queen"].tolist()
        [0.0, 1.0]
    """

    words: list[str]
    vectors: np.ndarray
    name: str = "vectors"
    notes: list[str] = field(default_factory=list)
    key_to_index: dict[str, int] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        if self.vectors.ndim != 2 or self.vectors.shape[0] != len(self.words):
            raise EmbedLabError(
                f"{len(self.words)} words but a vector matrix of shape {self.vectors.shape}; "
                "expected one row per word — check that the file was not cut short"
            )
        if self.vectors.shape[0] == 0:
            raise EmbedLabError("the vector set is empty; expected at least one word with a vector")
        if self.vectors.dtype != np.float32:
            self.vectors = self.vectors.astype(np.float32)
        self.key_to_index = {}
        for index, word in enumerate(self.words):
            # Keep the first (most frequent) occurrence, as gensim does for duplicate keys.
            self.key_to_index.setdefault(word, index)

    def __len__(self) -> int:
        return len(self.words)

    def __contains__(self, word: str) -> bool:
        return word in self.key_to_index

    def __getitem__(self, word: str) -> np.ndarray:
        return self.vectors[self.index(word)]

    @property
    def dim(self) -> int:
        """Number of dimensions of each vector."""
        return int(self.vectors.shape[1])

    @cached_property
    def unit_vectors(self) -> np.ndarray:
        """``unit_rows`` of the vectors (zero rows stay zero), read-only; computed once, then shared."""
        unit = unit_rows(self.vectors)
        unit.setflags(write=False)
        return unit

    @cached_property
    def fingerprint(self) -> str:
        """A hash of every word and every number: this set's identity in every cache.

        Never the name: two files both called ``vectors.txt`` are different sets, and a set cut
        down with ``head`` keeps its name but not its content.
        """
        digest = hashlib.blake2b(digest_size=16)
        digest.update(str(self.vectors.shape).encode())
        for start in range(0, len(self.words), 100_000):  # bounded memory for millions of words
            digest.update("\n".join(self.words[start:start + 100_000]).encode("utf-8", "surrogatepass") + b"\n")
            digest.update(np.ascontiguousarray(self.vectors[start:start + 100_000]).tobytes())
        return digest.hexdigest()

    def index(self, word: str) -> int:
        """Row of ``word``; raises an EmbedLabError with close suggestions when unknown."""
        try:
            return self.key_to_index[word]
        except KeyError:
            raise EmbedLabError(self.unknown_word_message(word)) from None

    def unknown_word_message(self, word: str) -> str:
        """A message for a word that is not in the vocabulary, with close spellings."""
        if not word.strip():
            return "a word field is empty; type a word, for example 'king'"
        suggestions = self.suggest(word)
        hint = f" Did you mean: {', '.join(suggestions)}?" if suggestions else ""
        lowered = word.lower()
        if lowered != word and lowered in self.key_to_index:
            hint = f" This vocabulary is lower-case: try '{lowered}'."
        return f"'{word}' is not in the vocabulary of {self.name} ({len(self):,} words).{hint}"

    def suggest(self, word: str, n: int = 5, search_top: int = 50_000) -> list[str]:
        """Up to ``n`` known words spelled like ``word``, from the ``search_top`` most frequent."""
        candidates = self.words[:search_top]
        return difflib.get_close_matches(word.lower(), candidates, n=n, cutoff=0.75)

    def head(self, n: int) -> WordVectors:
        """The ``n`` most frequent words as a new set (shares memory where it can)."""
        n = max(1, min(int(n), len(self)))
        return WordVectors(self.words[:n], self.vectors[:n], name=self.name, notes=self.notes)

    def subset(self, words: list[str]) -> WordVectors:
        """The given known words, in the order given; unknown ones raise EmbedLabError."""
        rows = [self.index(word) for word in words]
        return WordVectors(list(words), np.asarray(self.vectors[rows]), name=self.name, notes=self.notes)
