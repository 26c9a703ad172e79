"""Vector queries: analogies (3CosAdd, 3CosMul), nearest neighbours, cosine similarity.

The formulas are gensim 4.4's ``KeyedVectors.most_similar`` and
``most_similar_cosmul``, computed on ``WordVectors.unit_vectors`` (normalised once per
vector set). Words are checked first, so a typo, an empty field or a word given twice
gets a message that says how to fix it instead of a ``KeyError``. A word missing as typed
("Teacher") but known in lower case ("teacher") is looked up lower-cased, and the query
says so in ``notes`` (GloVe's and word2vec's common vocabularies are lower-case), as it
does for a word whose vector is all zeros (cosine 0.0 with every word, which says nothing).
``zero_vector_notes`` and ``neighbour_notes`` give those sentences for ``similarity`` and
``neighbours``, which return bare numbers.

    >>> most_similar(glove, positive=["king", "woman"], negative=["man"], topn=1)
    [('queen', 0.8523...)]
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from embedlab.errors import EmbedLabError
from embedlab.vectors.word_vectors import WordVectors

METHODS = {
    "cosadd": "3CosAdd: the word closest to a − b + c (gensim most_similar)",
    "cosmul": "3CosMul: the word most similar to a and c and least to b, multiplied (Levy & Goldberg 2014)",
}
MAX_TOPN = 1_000
COSMUL_EPSILON = 1e-6  # gensim's guard against dividing by a zero product of negatives


@dataclass(frozen=True)
class AnalogyQuery:
    """Checked inputs of a query: rows of the words and how many rows are searched."""

    positive: tuple[str, ...]
    negative: tuple[str, ...]
    positive_rows: tuple[int, ...]
    negative_rows: tuple[int, ...]
    limit: int  # only the first `limit` (most frequent) words are candidates
    notes: tuple[str, ...] = ()  # for a person: words looked up in lower case, words with all-zero vectors


def lookup(vectors: WordVectors, word: str) -> tuple[str, str | None]:
    """The word to use for ``word``, and a note when it is not the word as typed.

    A word missing as typed but known in lower case is looked up lower-cased ("Teacher" →
    "teacher"); any other unknown word raises EmbedLabError with close spellings.

    Example:
        >>> lookup(glove, "Teacher")  # doctest: +SKIP
        ('teacher', "'Teacher' is not in GloVe 6B 50d; its lower-case form 'teacher' was used.")
    """
    word = str(word).strip()
    if word in vectors or not word:
        vectors.index(word)  # the empty field's message
        return word, None
    lowered = word.lower()
    if lowered in vectors:
        return lowered, f"'{word}' is not in {vectors.name}; its lower-case form '{lowered}' was used."
    vectors.index(word)  # raises, with close spellings
    return word, None


def check_query(vectors: WordVectors, positive: Sequence[str] | str, negative: Sequence[str] | str = (),
                restrict_vocab: int | None = None) -> AnalogyQuery:
    """Validate the words of a query and find their rows.

    Args:
        vectors: the vector set to query.
        positive: words that pull toward the answer (a single string is one word).
        negative: words that push away from it.
        restrict_vocab: search only the first N (most frequent) words; None searches all.

    Returns:
        An AnalogyQuery; raises EmbedLabError for an empty field, an unknown word, a word
        given twice, no positive word or a restrict_vocab below 1.
    """
    notes: list[str] = []
    positive = _looked_up(vectors, _as_words(positive), notes)
    negative = _looked_up(vectors, _as_words(negative), notes)
    if not positive:
        raise EmbedLabError("no positive word given; an analogy or neighbour query needs at least one, "
                            "for example positive=['king', 'woman'], negative=['man']")
    for word in positive + negative:
        if not word:
            raise EmbedLabError(vectors.unknown_word_message(word))
    seen: dict[str, str] = {}
    for role, words in (("positive", positive), ("negative", negative)):
        for word in words:
            if word in seen:
                where = "twice" if seen[word] == role else f"as both {seen[word]} and {role}"
                raise EmbedLabError(f"'{word}' is given {where}; each word may appear once in a query — "
                                    "replace one of them with another word")
            seen[word] = role
    positive_rows = tuple(vectors.index(word) for word in positive)
    negative_rows = tuple(vectors.index(word) for word in negative)
    notes += zero_vector_notes(vectors, positive + negative)
    return AnalogyQuery(tuple(positive), tuple(negative), positive_rows, negative_rows,
                        _limit(vectors, restrict_vocab), tuple(notes))


def _looked_up(vectors: WordVectors, words: list[str], notes: list[str]) -> list[str]:
    """``words`` with any known only in lower case lowered, a note added for each; others unchanged."""
    used = []
    for word in words:
        if word and word not in vectors and word.lower() in vectors:
            word, note = lookup(vectors, word)
            notes.append(note)
        used.append(word)
    return used


def analogy_scores(vectors: WordVectors, query: AnalogyQuery, method: str = "cosadd",
                   exclude_inputs: bool = True) -> np.ndarray:
    """Score of every candidate word (the first ``query.limit``) for a checked query.

    3CosAdd (gensim ``most_similar``): cosine with the normalised mean of the unit
    vectors weighted +1 (positive) and −1 (negative). 3CosMul (gensim
    ``most_similar_cosmul``): cosines shifted to [0, 1] by (1 + cos) / 2, the product
    over positives divided by (the product over negatives + 1e-6). Input words get −inf
    when ``exclude_inputs``.
    """
    if method not in METHODS:
        raise EmbedLabError(f"unknown method '{method}'; expected one of {', '.join(METHODS)}")
    candidates = vectors.unit_vectors[: query.limit]
    unit = vectors.unit_vectors
    if method == "cosadd":
        weights = np.array([1.0] * len(query.positive_rows) + [-1.0] * len(query.negative_rows), dtype=np.float32)
        mean = weights @ unit[list(query.positive_rows + query.negative_rows)] / len(weights)
        norm = np.linalg.norm(mean)
        if norm > 0:
            mean = mean / norm
        scores = candidates @ mean.astype(np.float32)
    else:
        # One matrix-vector product per word (as gensim does): a (N, 3) product would be strided.
        positive = [(1.0 + candidates @ unit[row]) / 2.0 for row in query.positive_rows]
        negative = [(1.0 + candidates @ unit[row]) / 2.0 for row in query.negative_rows]
        scores = np.prod(positive, axis=0) / (np.prod(negative, axis=0) + COSMUL_EPSILON if negative
                                              else np.float32(1.0 + COSMUL_EPSILON))
    scores = np.array(scores, dtype=np.float32)  # a fresh, writable copy: inputs are masked below
    if exclude_inputs:
        inputs = [row for row in query.positive_rows + query.negative_rows if row < query.limit]
        scores[inputs] = -np.inf
    return scores


def best_scoring_words(vectors: WordVectors, scores: np.ndarray, topn: int) -> list[tuple[str, float]]:
    """The ``topn`` best-scoring words, best first (−inf scores are never returned)."""
    _check_topn(topn)
    available = int(np.isfinite(scores).sum())
    k = min(topn, available)
    if k == 0:
        return []
    if k < len(scores):
        best = np.argpartition(-scores, k - 1)[:k]
    else:
        best = np.arange(len(scores))
    best = best[np.argsort(-scores[best], kind="stable")]
    return [(vectors.words[row], float(scores[row])) for row in best if np.isfinite(scores[row])]


def most_similar(vectors: WordVectors, positive: Sequence[str] | str, negative: Sequence[str] | str = (),
                 topn: int = 10, method: str = "cosadd", exclude_inputs: bool = True,
                 restrict_vocab: int | None = None) -> list[tuple[str, float]]:
    """The words nearest to ``positive`` and away from ``negative``, as gensim computes them.

    Args:
        vectors: the vector set to query.
        positive: words that pull toward the answer ("king", "woman").
        negative: words that push away from it ("man").
        topn: how many words to return (1 to 1,000).
        method: "cosadd" (3CosAdd, gensim ``most_similar``) or "cosmul" (3CosMul,
            gensim ``most_similar_cosmul``).
        exclude_inputs: leave the query words out of the answers, as gensim does.
        restrict_vocab: search only the first N (most frequent) words.

    Returns:
        ``[(word, score)]``, best first.

    Example:
        >>> most_similar(glove, ["king", "woman"], ["man"], topn=1)[0][0]
        'queen'
    """
    _check_topn(topn)
    query = check_query(vectors, positive, negative, restrict_vocab)
    return best_scoring_words(vectors, analogy_scores(vectors, query, method, exclude_inputs), topn)


@dataclass(frozen=True)
class AnalogyAnswer:
    """Answers to a query, and where an expected word ranks among all candidates."""

    query: AnalogyQuery
    results: list[tuple[str, float]]
    expected: str | None = None
    expected_rank: int | None = None  # 1-based among all candidates; None when not ranked
    expected_note: str | None = None  # one sentence about the expected word, for a person


def solve_analogy(vectors: WordVectors, positive: Sequence[str] | str, negative: Sequence[str] | str = (),
                  topn: int = 10, method: str = "cosadd", exclude_inputs: bool = True,
                  restrict_vocab: int | None = None, expected: str | None = None) -> AnalogyAnswer:
    """``most_similar`` plus the rank of an ``expected`` answer (for example "queen").

    Example:
        >>> solve_analogy(glove, ["king", "woman"], ["man"], topn=3, expected="queen").expected_rank
        1
    """
    _check_topn(topn)
    query = check_query(vectors, positive, negative, restrict_vocab)
    scores = analogy_scores(vectors, query, method, exclude_inputs)
    results = best_scoring_words(vectors, scores, topn)
    expected = (expected or "").strip() or None
    if expected is None:
        return AnalogyAnswer(query, results)
    if expected not in vectors and expected.lower() in vectors:
        expected = expected.lower()
    rank = rank_of(vectors, expected, scores)
    if expected not in vectors:
        note = vectors.unknown_word_message(expected)
    elif rank is not None:
        place = f"answer #{rank}" if rank <= topn else f"not in the top {topn}: it ranks #{rank:,}"
        note = f"'{expected}' is {place} of {int(np.isfinite(scores).sum()):,} candidates."
    elif exclude_inputs and expected in query.positive + query.negative:
        note = f"'{expected}' is one of the query words, which are left out of the answers."
    else:
        note = f"'{expected}' is not among the {query.limit:,} most frequent words searched."
    return AnalogyAnswer(query, results, expected, rank, note)


def neighbours(vectors: WordVectors, word: str, topn: int = 10,
               restrict_vocab: int | None = None) -> list[tuple[str, float]]:
    """The ``topn`` words with the highest cosine similarity to ``word`` (itself excluded)."""
    return most_similar(vectors, [word], topn=topn, restrict_vocab=restrict_vocab)


def similarity(vectors: WordVectors, first: str, second: str) -> float:
    """Cosine similarity of two words (gensim ``KeyedVectors.similarity``)."""
    rows = [vectors.index(_check_word(vectors, word)) for word in (first, second)]  # lower-cased if need be
    unit = vectors.unit_vectors
    return float(unit[rows[0]] @ unit[rows[1]])


def zero_vector_notes(vectors: WordVectors, words: Sequence[str]) -> list[str]:
    """A sentence for each of ``words`` (as typed; looked up as ``lookup`` does) whose vector is all zeros.

    Such a word has no direction: its cosine with every word is 0.0, so a similarity, neighbour
    list or analogy that involves it says nothing about it.
    """
    unit = vectors.unit_vectors
    notes = []
    for word in dict.fromkeys(_check_word(vectors, word) for word in words):
        if not np.any(unit[vectors.index(word)]):
            notes.append(f"'{word}' has an all-zero vector in {vectors.name}, so it points nowhere: its cosine "
                         "similarity with every word is 0.0 and it adds nothing to a query — pick another word, or "
                         "check the vector file it comes from")
    return notes


def neighbour_notes(vectors: WordVectors, word: str, restrict_vocab: int | None = None) -> list[str]:
    """What a person should know about ``neighbours(vectors, word, restrict_vocab=…)``: the word's vector is
    all zeros, or there is no other word to compare it with (an empty answer)."""
    word = _check_word(vectors, word)
    limit = _limit(vectors, restrict_vocab)
    others = limit - (vectors.index(word) < limit)
    if others:
        return zero_vector_notes(vectors, [word])
    if len(vectors) == 1:
        return [f"'{word}' is the only word in {vectors.name}, so there are no other words to compare it with — "
                "load vectors of more words"]
    return [f"there is no other word among the {limit:,} most frequent words searched, so '{word}' has no "
            "neighbours there — search more words (a larger restrict_vocab, or none)"]


def rank_of(vectors: WordVectors, word: str, scores: np.ndarray) -> int | None:
    """1-based rank of ``word`` among the scored candidates; None when it is not one of them."""
    row = vectors.key_to_index.get(word.strip())
    if row is None or row >= len(scores) or not np.isfinite(scores[row]):
        return None
    return int((scores > scores[row]).sum()) + 1


def analogy_map(vectors: WordVectors, words: Sequence[str], neighbours_per_word: int = 4,
                restrict_vocab: int | None = 50_000) -> list[dict]:
    """2-D coordinates (PCA) of ``words`` and a few neighbours of each, for a small map.

    Returns one dict per point: ``word``, ``role`` ("query" for the given words,
    "neighbour" otherwise), ``x`` and ``y``. The plane is the best-fitting one through
    these points only (SVD of the centred unit vectors), so the parallelogram of an
    analogy shows as well as two dimensions allow.
    """
    given = list(dict.fromkeys(_check_word(vectors, word) for word in words))
    points = {word: "query" for word in given}
    for word in given:
        for neighbour, _ in neighbours(vectors, word, topn=neighbours_per_word, restrict_vocab=restrict_vocab):
            points.setdefault(neighbour, "neighbour")
    names = list(points)
    matrix = vectors.unit_vectors[[vectors.index(word) for word in names]].astype(np.float64)
    centred = matrix - matrix.mean(axis=0)
    _, _, components = np.linalg.svd(centred, full_matrices=False)
    coordinates = centred @ components[:2].T
    if coordinates.shape[1] < 2:  # a single point: put it at the origin
        coordinates = np.zeros((len(names), 2))
    return [{"word": word, "role": points[word], "x": float(x), "y": float(y)}
            for word, (x, y) in zip(names, coordinates)]


def _as_words(words: Sequence[str] | str | None) -> list[str]:
    if words is None:
        return []
    if isinstance(words, str):
        words = [words]
    return [str(word).strip() for word in words]


def _check_word(vectors: WordVectors, word: str) -> str:
    """The word to use: as typed, or lower-cased when only that is known (see ``lookup``)."""
    return lookup(vectors, word)[0]


def _check_topn(topn: int) -> None:
    if isinstance(topn, bool) or not isinstance(topn, (int, np.integer)) or not 1 <= topn <= MAX_TOPN:
        raise EmbedLabError(f"topn is {topn!r}; expected a whole number from 1 to {MAX_TOPN:,} — "
                            "ask for fewer words")


def _limit(vectors: WordVectors, restrict_vocab: int | None) -> int:
    if restrict_vocab is None:
        return len(vectors)
    if isinstance(restrict_vocab, bool) or not isinstance(restrict_vocab, (int, np.integer)) or restrict_vocab < 1:
        raise EmbedLabError(f"restrict_vocab is {restrict_vocab!r}; expected a whole number of words of at least 1 "
                            "(the N most frequent words are searched), or none to search them all")
    return min(int(restrict_vocab), len(vectors))
