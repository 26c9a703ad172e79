"""The Analogies page's answers are computed once per server for each vector set's content and query."""

from __future__ import annotations

import numpy as np
import pytest

from embedlab.errors import EmbedLabError
from embedlab.vectors.word_vectors import WordVectors
from embedlab_ui import vector_queries

WORDS = ["king", "queen", "man", "woman", "prince", "girl"]


def small_set(seed: int) -> WordVectors:
    """Six words with random vectors; the name is the same for every seed, the content is not."""
    return WordVectors(WORDS, np.random.default_rng(seed).normal(size=(len(WORDS), 8)).astype(np.float32),
                       name="vectors.txt")


@pytest.fixture
def computed(monkeypatch) -> list[tuple]:
    """Every analogy that was really computed (not answered from the cache)."""
    for cached in (vector_queries._analogy_answer, vector_queries._analogy_points, vector_queries._nearest_words):
        cached.clear()
    calls = []
    real = vector_queries.solve_analogy

    def counted(vectors, positive, negative, **options):
        calls.append((vectors.fingerprint, tuple(positive), tuple(negative)))
        return real(vectors, positive, negative, **options)

    monkeypatch.setattr(vector_queries, "solve_analogy", counted)
    return calls


def ask(vectors: WordVectors, c: str = "woman"):
    return vector_queries.analogy_answer(vectors, ["king", c], ["man"], "cosadd", 3, True, None, "queen")


def test_the_same_question_of_the_same_vectors_is_computed_once_for_every_visitor(computed):
    first, again = ask(small_set(0)), ask(small_set(0))  # a second visitor: another object, the same content

    assert len(computed) == 1
    assert again.results == first.results and again.expected_rank == first.expected_rank


def test_another_question_or_other_vectors_of_the_same_name_are_computed_afresh(computed):
    original = ask(small_set(0))
    other_vectors = ask(small_set(1))
    other_question = ask(small_set(0), c="girl")

    assert len(computed) == 3
    assert other_vectors.results != original.results
    assert other_question.query.positive == ("king", "girl")


def test_a_bad_word_is_refused_every_time_and_never_cached(computed):
    for _ in range(2):
        with pytest.raises(EmbedLabError, match="not in"):
            ask(small_set(0), c="wmoan")
    assert len(computed) == 2
