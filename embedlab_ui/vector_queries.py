"""Word-vector queries answered once per server for every visitor who asks the same thing.

A class opens the Analogies page together, and every student's first screen asks the same
question (king − man + woman) of the same GloVe vectors: each of those answers depends only on
the vector set's content (``WordVectors.fingerprint``) and the query, so it is cached by exactly
those (``st.cache_data``, which hands each visitor a copy). Nobody reads anything through the cache
that they could not compute themselves: an uploaded set's answers are found only by a visitor
holding the same bytes. A query that fails (an unknown word) raises, and is not cached.
"""

from __future__ import annotations

import streamlit as st

from embedlab.vectors.similarity import AnalogyAnswer, analogy_map, neighbours, solve_analogy
from embedlab.vectors.word_vectors import WordVectors

QUERIES_KEPT = 2_048  # answers of each kind; a few kB each


def analogy_answer(vectors: WordVectors, positive: list[str], negative: list[str], method: str, topn: int,
                   exclude_inputs: bool, restrict_vocab: int | None, expected: str | None) -> AnalogyAnswer:
    """``solve_analogy``'s answer, computed once per server for each vector set and query."""
    return _analogy_answer(vectors.fingerprint, tuple(positive), tuple(negative), method, topn, exclude_inputs,
                           restrict_vocab, expected or None, vectors)


def analogy_points(vectors: WordVectors, words: list[str], neighbours_per_word: int) -> list[dict]:
    """``analogy_map``'s points, computed once per server for each vector set and word list."""
    return _analogy_points(vectors.fingerprint, tuple(words), neighbours_per_word, vectors)


def nearest_words(vectors: WordVectors, word: str, topn: int) -> list[tuple[str, float]]:
    """``neighbours`` of one word, computed once per server for each vector set and word."""
    return _nearest_words(vectors.fingerprint, word, topn, vectors)


@st.cache_data(show_spinner=False, max_entries=QUERIES_KEPT)
def _analogy_answer(fingerprint: str, positive: tuple[str, ...], negative: tuple[str, ...], method: str, topn: int,
                    exclude_inputs: bool, restrict_vocab: int | None, expected: str | None,
                    _vectors: WordVectors) -> AnalogyAnswer:
    return solve_analogy(_vectors, list(positive), list(negative), topn=topn, method=method,
                         exclude_inputs=exclude_inputs, restrict_vocab=restrict_vocab, expected=expected)


@st.cache_data(show_spinner=False, max_entries=QUERIES_KEPT)
def _analogy_points(fingerprint: str, words: tuple[str, ...], neighbours_per_word: int,
                    _vectors: WordVectors) -> list[dict]:
    return analogy_map(_vectors, list(words), neighbours_per_word=neighbours_per_word)


@st.cache_data(show_spinner=False, max_entries=QUERIES_KEPT)
def _nearest_words(fingerprint: str, word: str, topn: int, _vectors: WordVectors) -> list[tuple[str, float]]:
    return neighbours(_vectors, word, topn=topn)
