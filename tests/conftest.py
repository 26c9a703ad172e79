"""Fixtures shared by every test: tiny vectors with known answers, the real GloVe."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

from embedlab.vectors import WordVectors  # noqa: E402


@pytest.fixture(scope="session")
def project_root() -> Path:
    return ROOT


@pytest.fixture
def tiny_vectors() -> WordVectors:
    """Six 3-d vectors whose analogy answers are known exactly.

    king − man + woman lands on queen; "apple" sits far from the royals.
    """
    words = ["king", "queen", "man", "woman", "apple", "prince"]
    vectors = np.array(
        [
            [1.0, 1.0, 0.0],   # king   = royal + male
            [1.0, -1.0, 0.0],  # queen  = royal + female
            [0.0, 1.0, 0.1],   # man    = male
            [0.0, -1.0, 0.1],  # woman  = female
            [0.0, 0.0, 5.0],   # apple  = nothing royal, nothing gendered
            [0.9, 1.1, 0.2],   # prince = close to king
        ],
        dtype=np.float32,
    )
    return WordVectors(words, vectors, name="tiny")


@pytest.fixture(scope="session")
def glove() -> WordVectors:
    """The real GloVe 6B 50d vectors (memory-mapped; ready in well under a second)."""
    from embedlab.vector_io import load_default_vectors

    return load_default_vectors()


@pytest.fixture(scope="session")
def gensim_test_data() -> Path:
    import gensim

    return Path(gensim.__file__).parent / "test" / "test_data"
