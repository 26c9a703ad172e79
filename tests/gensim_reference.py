"""gensim's KeyedVectors for the same vectors, built once per test process (the reference for parity)."""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from embedlab.vectors.word_vectors import WordVectors


def keyed_vectors(vectors: WordVectors):
    """A gensim KeyedVectors holding ``vectors`` in the same order."""
    from gensim.models import KeyedVectors

    kv = KeyedVectors(vector_size=vectors.dim)
    kv.add_vectors(list(vectors.words), np.asarray(vectors.vectors, dtype=np.float32))
    return kv


@lru_cache(maxsize=2)
def glove_keyed_vectors(words: int | None = None):
    """GloVe 6B 50d (or its ``words`` most frequent words) as gensim KeyedVectors, built once per process."""
    from embedlab.vectors.io import load_default_vectors

    glove = load_default_vectors()
    return keyed_vectors(glove if words is None else glove.head(words))
