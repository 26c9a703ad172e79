"""Streamlit glue for maps: the numba warm-up at server start, cached maps, per-visitor models.

Finished maps are derived, read-only values, so they live in ``st.cache_data`` keyed by
the source's identity (a vector set's fingerprint, or a run's path and modification
time), a hash of the word list and the parameters. A visitor's loaded models and word
scores stay in their ``st.session_state``.
"""

from __future__ import annotations

import hashlib
import threading

import numpy as np
import streamlit as st

from embedlab.vectors import WordVectors

MAX_MODELS = 4  # loaded models kept per visitor; older ones are dropped


@st.cache_resource(show_spinner=False)
def start_warm_up() -> threading.Thread:
    """Compile (or load from numba's cache) every kernel a map needs, once per server process.

    Runs in a daemon thread so the server answers at once; the first visitor who asks for
    a map then finds umap imported and numba compiled.
    """
    from embedlab.projection import warm_up

    thread = threading.Thread(target=warm_up, name="embedlab-map-warm-up", daemon=True)
    thread.start()
    return thread


def fingerprint(vectors: WordVectors) -> str:
    """A short identity for a vector set: its name, shape, words and a sample of its numbers."""
    digest = hashlib.sha1(f"{vectors.name}|{vectors.vectors.shape}".encode())
    digest.update("\n".join(vectors.words[:50_000]).encode("utf-8", "surrogatepass"))
    step = max(1, len(vectors) // 1_000)
    digest.update(np.ascontiguousarray(vectors.vectors[::step]).tobytes())
    return digest.hexdigest()[:16]


def words_key(words: list[str]) -> str:
    return hashlib.sha1("\n".join(words).encode("utf-8", "surrogatepass")).hexdigest()[:16]


@st.cache_data(max_entries=24, show_spinner=False)
def cached_map(source_key: str, words_hash: str, params: tuple, _matrix: np.ndarray):
    """A Projection of ``_matrix`` (not hashed: ``source_key`` + ``words_hash`` name it)."""
    from embedlab.projection import project

    return project(_matrix, **dict(params))


@st.cache_data(max_entries=24, show_spinner=False)
def cached_trust(source_key: str, words_hash: str, params: tuple, _matrix: np.ndarray, _coords: np.ndarray,
                 metric: str) -> float:
    """Trustworthiness at k=10 of the map that ``params`` made of these words (named by the keys)."""
    from embedlab.projection import TRUST_NEIGHBORS, trustworthiness

    return trustworthiness(_matrix, _coords, TRUST_NEIGHBORS, metric)


@st.cache_data(max_entries=24, show_spinner=False)
def cached_neighbours(source_key: str, words_hash: str, _unit: np.ndarray) -> np.ndarray:
    """Each word's 5 nearest words among the mapped ones, in the original space."""
    from embedlab.wordmaps import nearest_neighbours

    return nearest_neighbours(_unit, 5)


def run_key(run) -> str:
    """A run's identity for caches: its folder and its model file's modification time."""
    return f"run:{run.path}:{run.model_path.stat().st_mtime_ns}"


def _visitor_cache(name: str) -> dict:
    return st.session_state.setdefault(f"explore.{name}", {})


def _remember(cache: dict, key, make):
    if key not in cache:
        cache[key] = make()
        while len(cache) > MAX_MODELS:
            cache.pop(next(iter(cache)))
    return cache[key]


def learned_vectors(run) -> WordVectors:
    """This visitor's run's learned embedding, loaded once per model file version."""
    from embedlab.alignment import learned_embedding

    return _remember(_visitor_cache("learned"), run_key(run), lambda: learned_embedding(run))


def run_predictor(run):
    """A Predictor for this visitor's run, loaded once per model file version."""
    from embedlab.prediction import Predictor

    return _remember(_visitor_cache("predictors"), run_key(run), lambda: Predictor.from_run(run))


def run_word_scores(run, words: list[str]) -> np.ndarray:
    """The run's model's p(positive) for each word alone; kept for this visitor."""
    from embedlab.alignment import word_scores

    key = (run_key(run), words_key(words))
    return _remember(_visitor_cache("scores"), key, lambda: word_scores(run_predictor(run), words))
