"""What is in a labelled dataset: class balance, lengths, vocabulary, telling words, GloVe coverage.

Texts are cut with :func:`embedlab.text.tokenize`, the same rules the model's
``TextVectorization`` and GloVe use, so a length here is the length the model sees and
a "missing word" here is one the model really has no GloVe vector for.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from embedlab.data.labelled import LabelledDataset
from embedlab.text import tokenize

MIN_SEQUENCE_LENGTH, MAX_SEQUENCE_LENGTH = 8, 512
# Enough texts to place the 95th percentile of their lengths; more only costs tokenizing time.
SEQUENCE_LENGTH_SAMPLE = 20_000

# Common English function words (and the clitics GloVe splits off): frequent in every
# class, so they would fill every "top words" list without saying anything about it.
STOPWORDS = frozenset("""
a about above after again against all am an and any are as at be because been before being below between both
but by can could did do does doing down during each few for from further had has have having he her here hers
herself him himself his how i if in into is it its itself just me more most my myself no nor not now of off on
once only or other our ours ourselves out over own same she should so some such than that the their theirs them
themselves then there these they this those through to too under until up very was we were what when where which
while who whom why will with would you your yours yourself yourselves 's n't 're 've 'll 'd 'm also one even
""".split())


def tokenize_all(texts: list[str]) -> list[list[str]]:
    """Every text as its list of tokens."""
    return [tokenize(text) for text in texts]


def suggested_sequence_length(p95_length: float) -> int:
    """The 95th-percentile length rounded up to a multiple of 8, clamped to 8..512.

    Example: ``suggested_sequence_length(37.2)`` → ``40``.
    """
    rounded = int(math.ceil(max(p95_length, 1) / 8) * 8)
    return min(max(rounded, MIN_SEQUENCE_LENGTH), MAX_SEQUENCE_LENGTH)


def default_sequence_length(texts: list[str]) -> int:
    """The sequence length the Data page suggests for ``texts``: what the Train page, the CLI and a study start from.

    The 95th percentile of token counts, rounded up to a multiple of 8
    (``suggested_sequence_length``), read from the first ``SEQUENCE_LENGTH_SAMPLE`` texts.
    """
    if not texts:
        return MIN_SEQUENCE_LENGTH
    lengths = [len(tokenize(text)) for text in texts[:SEQUENCE_LENGTH_SAMPLE]]
    return suggested_sequence_length(float(np.percentile(lengths, 95)))


@dataclass
class DatasetSummary:
    """Numbers that describe a dataset; ``to_dict`` gives the JSON the CLI prints."""

    name: str
    num_examples: int
    class_counts: dict[str, int]
    dropped: dict[str, int]
    num_tokens: int
    vocabulary_size: int
    mean_length: float
    median_length: float
    p95_length: float
    max_length: int
    suggested_sequence_length: int
    lengths: np.ndarray = field(repr=False)
    histogram_counts: np.ndarray = field(repr=False)
    histogram_edges: np.ndarray = field(repr=False)
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {
            "name": self.name, "num_examples": self.num_examples, "class_counts": self.class_counts,
            "dropped": self.dropped, "num_tokens": self.num_tokens, "vocabulary_size": self.vocabulary_size,
            "length": {"mean": round(self.mean_length, 2), "median": self.median_length,
                       "p95": round(self.p95_length, 2), "max": self.max_length},
            "suggested_sequence_length": self.suggested_sequence_length, "notes": self.notes,
        }


def describe(dataset: LabelledDataset, tokens: list[list[str]] | None = None) -> DatasetSummary:
    """Class balance, text lengths in tokens (with a histogram) and vocabulary size of ``dataset``.

    Args:
        dataset: the dataset to describe.
        tokens: ``tokenize_all(dataset.texts)`` if already computed (it is the slow part).
    """
    tokens = tokenize_all(dataset.texts) if tokens is None else tokens
    lengths = np.fromiter((len(t) for t in tokens), dtype=np.int64, count=len(tokens))
    counts = np.bincount(np.asarray(dataset.labels, dtype=np.int64), minlength=dataset.num_classes)
    vocabulary = set()
    for text_tokens in tokens:
        vocabulary.update(text_tokens)
    longest = int(lengths.max()) if len(lengths) else 0
    width = max(1, math.ceil((longest + 1) / 40))  # at most ~40 bars, whole tokens per bar
    histogram, edges = np.histogram(lengths, bins=np.arange(0, longest + width + 1, width))
    p95 = float(np.percentile(lengths, 95)) if len(lengths) else 0.0
    return DatasetSummary(
        name=dataset.name,
        num_examples=len(dataset),
        class_counts={name: int(count) for name, count in zip(dataset.class_names, counts)},
        dropped=dict(dataset.dropped),
        num_tokens=int(lengths.sum()),
        vocabulary_size=len(vocabulary),
        mean_length=float(lengths.mean()) if len(lengths) else 0.0,
        median_length=float(np.median(lengths)) if len(lengths) else 0.0,
        p95_length=p95,
        max_length=longest,
        suggested_sequence_length=suggested_sequence_length(p95),
        lengths=lengths,
        histogram_counts=histogram,
        histogram_edges=edges,
        notes=list(dataset.notes),
    )


def _is_word(token: str) -> bool:
    return token not in STOPWORDS and any(character.isalnum() for character in token)


def class_words(dataset: LabelledDataset, topn: int = 10, tokens: list[list[str]] | None = None,
                min_count: int = 2) -> pd.DataFrame:
    """The most frequent and the most telling words of each class.

    "Telling" is the z-score of the log-odds ratio of the word in this class against all
    other classes, with an informative Dirichlet prior (Monroe, Colaresi & Quinn, 2008):
    rare words are shrunk toward zero instead of topping the list on one lucky count.
    Stopwords and punctuation are left out of both lists.

    Returns:
        A DataFrame with columns class, rank, word, count, log_odds_z, kind ("count" or "log-odds"),
        ``topn`` rows per class and kind (fewer if the class has fewer words).
    """
    tokens = tokenize_all(dataset.texts) if tokens is None else tokens
    per_class = [Counter() for _ in dataset.class_names]
    for text_tokens, label in zip(tokens, dataset.labels):
        per_class[int(label)].update(text_tokens)
    total = Counter()
    for counter in per_class:
        total.update(counter)
    words = [word for word, count in total.items() if _is_word(word) and count >= min_count]
    if not words:
        return pd.DataFrame(columns=["class", "kind", "rank", "word", "count", "log_odds_z"])
    index = {word: position for position, word in enumerate(words)}
    matrix = np.zeros((len(per_class), len(words)), dtype=np.float64)
    for row, counter in enumerate(per_class):
        for word, count in counter.items():
            if word in index:
                matrix[row, index[word]] = count
    z = _log_odds_z(matrix)
    rows = []
    for row, name in enumerate(dataset.class_names):
        present = np.flatnonzero(matrix[row] > 0)
        by_count = present[np.lexsort((np.array(words, dtype=object)[present], -matrix[row, present]))][:topn]
        by_odds = present[np.argsort(-z[row, present], kind="stable")][:topn]
        for kind, chosen in (("count", by_count), ("log-odds", by_odds)):
            for rank, column in enumerate(chosen, 1):
                score = round(float(z[row, column]), 3)
                rows.append((name, kind, rank, words[column], int(matrix[row, column]), score))
    return pd.DataFrame(rows, columns=["class", "kind", "rank", "word", "count", "log_odds_z"])


def _log_odds_z(counts: np.ndarray, prior_strength: float = 0.1) -> np.ndarray:
    """z-scores of each word's log-odds in each class (row) against the rest, with a Dirichlet prior.

    The prior is the pooled word distribution scaled to ``prior_strength`` × corpus size.
    """
    pooled = counts.sum(axis=0)
    alpha = pooled / pooled.sum() * (prior_strength * pooled.sum()) + 0.01
    alpha_total = alpha.sum()
    z = np.zeros_like(counts)
    with np.errstate(divide="ignore", invalid="ignore"):  # a class holding every word: no odds, z stays 0
        for row in range(counts.shape[0]):
            z[row] = _row_z(counts[row], pooled, alpha, alpha_total)
    return np.nan_to_num(z, nan=0.0, posinf=0.0, neginf=0.0)


def _row_z(inside: np.ndarray, pooled: np.ndarray, alpha: np.ndarray, alpha_total: float) -> np.ndarray:
    outside = pooled - inside
    n_in, n_out = inside.sum(), outside.sum()
    odds_in = np.log((inside + alpha) / (n_in + alpha_total - inside - alpha))
    odds_out = np.log((outside + alpha) / (n_out + alpha_total - outside - alpha))
    variance = 1.0 / (inside + alpha) + 1.0 / (outside + alpha)
    return (odds_in - odds_out) / np.sqrt(variance)


@dataclass
class Coverage:
    """How much of a dataset's text a vector set knows.

    Attributes:
        token_share: share of all token occurrences that have a vector.
        type_share: share of distinct tokens that have a vector.
        missing: the most frequent tokens without a vector, as (word, count), most frequent first.
    """

    vectors_name: str
    num_tokens: int
    num_types: int
    covered_tokens: int
    covered_types: int
    missing: list[tuple[str, int]]

    @property
    def token_share(self) -> float:
        return self.covered_tokens / self.num_tokens if self.num_tokens else 0.0

    @property
    def type_share(self) -> float:
        return self.covered_types / self.num_types if self.num_types else 0.0

    def to_dict(self) -> dict:
        return {"vectors": self.vectors_name, "token_share": round(self.token_share, 4),
                "type_share": round(self.type_share, 4), "num_tokens": self.num_tokens, "num_types": self.num_types,
                "missing": [{"word": word, "count": count} for word, count in self.missing]}


def glove_coverage(dataset: LabelledDataset, vectors, topn: int = 20,
                   tokens: list[list[str]] | None = None) -> Coverage:
    """Share of ``dataset``'s tokens and distinct tokens that ``vectors`` (a WordVectors) has, and the top missing.

    Example: with GloVe 6B, "movie" is covered and a typo like "moive" shows up in ``missing``.
    """
    tokens = tokenize_all(dataset.texts) if tokens is None else tokens
    counts = Counter()
    for text_tokens in tokens:
        counts.update(text_tokens)
    known = vectors.key_to_index
    covered = {word: count for word, count in counts.items() if word in known}
    missing = sorted(((word, count) for word, count in counts.items() if word not in known),
                     key=lambda item: (-item[1], item[0]))
    return Coverage(
        vectors_name=getattr(vectors, "name", "vectors"),
        num_tokens=sum(counts.values()),
        num_types=len(counts),
        covered_tokens=sum(covered.values()),
        covered_types=len(covered),
        missing=missing[:topn],
    )
