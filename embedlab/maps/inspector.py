"""The map's inspector: a word's nearest neighbours in the original space, and where the map put them.

A 2D (or 3D) map keeps some neighbourhoods and tears others apart. The inspector answers,
for one word on a map, "which words are truly nearest to it" (cosine in the full vector
space, among the mapped words, as the Embedding Projector's inspector lists them) and
beside each "how far apart did the map draw them" (distance on the map, and the rank of
that distance among every mapped word). The search box also takes typed queries
(``king - man + woman``), answered with the Analogies page's arithmetic
(``embedlab.vectors.similarity.solve_analogy``).

Example:
    >>> inspection = inspect_word(glove, word_map.words, word_map.coords, "king", k=5)   # doctest: +SKIP
    >>> [(n.word, round(n.cosine, 2), n.map_rank) for n in inspection.neighbours][:2]     # doctest: +SKIP
    [('prince', 0.82, 3), ('queen', 0.78, 41)]
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from embedlab.errors import EmbedLabError
from embedlab.vectors.word_vectors import WordVectors

MAX_K = 200
OPERATORS = {"+": 1, "-": -1, "−": -1}  # a typed "−" (U+2212) reads as minus too


@dataclass(frozen=True)
class Neighbour:
    """One of the inspected word's nearest words: its cosine in the original space and its place on the map."""

    word: str
    cosine: float
    map_distance: float  # Euclidean distance between the two points on the map
    map_rank: int  # 1 = the map's nearest point to the inspected word; n - 1 = its farthest


@dataclass(frozen=True)
class Inspection:
    """A word on the map and its ``k`` nearest words in the original space, nearest first."""

    word: str
    neighbours: list[Neighbour]

    @property
    def words(self) -> list[str]:
        """The inspected word, then its neighbours: the neighbourhood to highlight or isolate."""
        return [self.word] + [neighbour.word for neighbour in self.neighbours]

    def kept(self, k: int | None = None) -> int:
        """How many of the neighbours the map also drew among the inspected word's ``k`` nearest points."""
        k = len(self.neighbours) if k is None else k
        return sum(neighbour.map_rank <= k for neighbour in self.neighbours)

    def table(self):
        """A DataFrame: rank, word, cosine, map distance, map rank."""
        import pandas as pd

        return pd.DataFrame({"rank": range(1, len(self.neighbours) + 1),
                             "word": [n.word for n in self.neighbours],
                             "cosine": [n.cosine for n in self.neighbours],
                             "map distance": [n.map_distance for n in self.neighbours],
                             "rank on the map": [n.map_rank for n in self.neighbours]})


def inspect_word(vectors: WordVectors, words: list[str], coords: np.ndarray, word: str, k: int = 10) -> Inspection:
    """``word``'s ``k`` nearest mapped words by cosine in ``vectors``, each with its distance and rank on the map.

    Args:
        vectors: the source the map was drawn from (its full dimensions).
        words: the mapped words, in the map's order (``WordMap.words``).
        coords: their ``(n, 2|3)`` map coordinates.
        word: the word to inspect; it must be on the map.
        k: how many neighbours (1 to ``MAX_K``; fewer when the map has fewer other words).

    Raises:
        EmbedLabError: ``word`` is not on the map (saying whether the vocabulary has it), or ``k`` is out of range.
    """
    if not 1 <= int(k) <= MAX_K:
        raise EmbedLabError(f"k is {k}; the inspector lists 1 to {MAX_K} neighbours — pick a number in that range")
    if word not in words:
        if word in vectors:
            raise EmbedLabError(f"“{word}” is in the vocabulary but not among the mapped words; map more words, "
                                "or pick a word on the map")
        raise EmbedLabError(vectors.unknown_word_message(word))
    row = words.index(word)
    if vectors.words[:len(words)] == words:  # the most frequent words, the usual map: a view, no copy
        unit = vectors.unit_vectors[:len(words)]
    else:
        unit = vectors.unit_vectors[[vectors.index(w) for w in words]]
    cosines = unit @ unit[row]
    cosines[row] = -np.inf  # a word is not its own neighbour
    k = min(int(k), len(words) - 1)
    nearest = np.argsort(-cosines, kind="stable")[:k]
    distances = np.linalg.norm(np.asarray(coords, dtype=np.float64) - np.asarray(coords[row], dtype=np.float64),
                               axis=1)
    others = np.sort(np.delete(distances, row))
    # rank 1 = nearest point on the map; ties share the better rank
    ranks = np.searchsorted(others, distances[nearest], side="left") + 1
    return Inspection(word, [Neighbour(words[j], float(cosines[j]), float(distances[j]), int(rank))
                             for j, rank in zip(nearest, ranks)])


def is_typed_query(text: str) -> bool:
    """True when ``text`` is word arithmetic (``king - man + woman``): an operator standing alone between words.

    A word that holds a hyphen ("e-mail", GloVe's "-lrb-") is a word, not a query.
    """
    return any(token in OPERATORS for token in text.split())


def parse_typed_query(text: str) -> tuple[list[str], list[str]]:
    """``(positive, negative)`` words of ``king - man + woman``: ``(["king", "woman"], ["man"])``, gensim's order.

    Raises:
        EmbedLabError: an operator with no word after it, two words with no operator between them, or no word.
    """
    tokens = text.split()
    positive: list[str] = []
    negative: list[str] = []
    sign: int | None = 1  # the first word counts as positive unless a "-" comes before it
    for token in tokens:
        if token in OPERATORS:
            if sign is not None and (positive or negative):
                raise EmbedLabError(f"“{text}” has two operators in a row; write one word between operators, "
                                    "for example king - man + woman")
            sign = OPERATORS[token]
            continue
        if sign is None:
            raise EmbedLabError(f"“{text}” has two words with no + or - between them (“{token}”); write word "
                                "arithmetic as king - man + woman")
        (positive if sign > 0 else negative).append(token)
        sign = None
    if sign is not None:
        raise EmbedLabError(f"“{text}” ends with an operator; add the word it applies to, for example king - man "
                            "+ woman")
    return positive, negative
