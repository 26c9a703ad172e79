"""Fixtures shared by every test: tiny vectors with known answers, the real GloVe."""

from __future__ import annotations

import os
import sys
from pathlib import Path


def _cpu_flags() -> set[str]:
    try:
        with open("/proc/cpuinfo") as cpuinfo:
            return next((set(line.split(":", 1)[1].split()) for line in cpuinfo if line.startswith("flags")), set())
    except OSError:
        return set()


# tests/test_same_outputs.py compares seeded maps and benchmark scores bit for bit with
# tests/golden/, recorded with OpenBLAS's Haswell kernels (what it picks on an AMD EPYC). On an
# AVX-512 Xeon OpenBLAS picks other kernels, which sum in another order: the last bits differ
# and a UMAP layout grows them (a word moved 17 units). So the tests use the Haswell kernels on
# every CPU that has their instructions. OpenBLAS reads this when numpy loads it, so it is set before numpy is imported.
if {"avx2", "fma"} <= _cpu_flags():
    os.environ.setdefault("OPENBLAS_CORETYPE", "Haswell")

import numpy as np  # noqa: E402 (OPENBLAS_CORETYPE must be set before numpy loads)
import pytest  # noqa: E402 (with numpy, below the OpenBLAS setting)

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

from embedlab.vectors.word_vectors import WordVectors  # noqa: E402 (sys.path set above)


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
    from embedlab.vectors.io import load_default_vectors

    return load_default_vectors()


@pytest.fixture(scope="session")
def gensim_test_data() -> Path:
    import gensim

    return Path(gensim.__file__).parent / "test" / "test_data"


POSITIVE_SENTENCES = [
    "a wonderful , moving and beautiful film", "great acting and a brilliant story",
    "funny , charming and delightful", "an excellent , touching movie", "i loved it , a joy to watch",
    "superb performances and a smart script", "beautiful , warm and wonderful", "brilliant and great fun",
]
NEGATIVE_SENTENCES = [
    "a dull , boring and awful film", "terrible acting and a stupid story", "tedious , silly and bad",
    "an awful , lifeless movie", "i hated it , a waste of time", "poor performances and a weak script",
    "boring , bland and dreadful", "stupid and terrible mess",
]


def train_tiny_run(runs_dir: Path, embedding: str = "random", encoder: str = "pooling", epochs: int = 30,
                   name: str | None = None, vectors: WordVectors | None = None):
    """Train a small sentiment model on 16 clear sentences and save it as a run.

    Learns quickly enough (pooling encoder, 30 epochs, under 10 s) that "wonderful"
    scores positive and "awful" negative, which tests of explore and predict rely on.
    """
    import dataclasses

    import pandas as pd

    from embedlab.models.architecture import ModelConfig, build_model, build_vectorizer
    from embedlab.models.runs.catalog import save_run

    texts = POSITIVE_SENTENCES + NEGATIVE_SENTENCES
    labels = np.array([1] * len(POSITIVE_SENTENCES) + [0] * len(NEGATIVE_SENTENCES))
    config = ModelConfig(max_tokens=500, sequence_length=16, embedding=embedding, encoder=encoder,
                         output_dim=16, units=16, dropout=0.0, learning_rate=0.02)
    import keras

    keras.utils.set_random_seed(0)
    vectorizer = build_vectorizer(config, texts)
    model = build_model(config, vectorizer, vectors)
    if embedding != "random":  # the run records the vectors' size, as ``train`` does (build_model leaves config)
        config = dataclasses.replace(config, output_dim=vectors.dim)
    history = model.fit(np.asarray(texts, dtype=object), labels, epochs=epochs, batch_size=8, verbose=0)
    accuracy = float(model.evaluate(np.asarray(texts, dtype=object), labels, verbose=0)[1])
    run_config = {
        "name": name or f"tiny {embedding} {encoder}",
        "model": config.to_dict(),
        "class_names": ["negative", "positive"],
        "dataset": {"name": "tiny sentiment", "text_column": "text", "label_column": "label",
                    "rows": len(texts)},
        "training": {"epochs": epochs, "batch_size": 8, "seed": 0},
    }
    test_split = pd.DataFrame({"text": texts, "label": labels})
    return save_run(runs_dir, model, run_config, {k: list(map(float, v)) for k, v in history.history.items()},
                    {"accuracy": accuracy}, test_split=test_split)


@pytest.fixture(scope="session")
def tiny_run(tmp_path_factory):
    """A trained run (random embedding, pooling encoder) in its own runs folder."""
    return train_tiny_run(tmp_path_factory.mktemp("runs"))
