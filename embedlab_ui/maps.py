"""Streamlit glue for maps: the numba warm-up at server start, and cached maps.

Finished maps are derived, read-only values, so they live in ``st.cache_data`` keyed by
the source's content fingerprint, a hash of the word list and the parameters. A visitor's
loaded models and word scores stay in their ``st.session_state`` (``embedlab_ui.runs``).
"""

from __future__ import annotations

import hashlib
import threading

import numpy as np
import streamlit as st


@st.cache_resource(show_spinner=False)
def start_warm_up() -> threading.Thread:
    """Compile (or load from numba's cache) every kernel a map needs, once per server process.

    Runs in a daemon thread so the server answers at once; the first visitor who asks for
    a map then finds umap imported and numba compiled.
    """
    from embedlab.maps.projection import warm_up

    thread = threading.Thread(target=warm_up, name="embedlab-map-warm-up", daemon=True)
    thread.start()
    return thread


def words_key(words: list[str]) -> str:
    return hashlib.sha1("\n".join(words).encode("utf-8", "surrogatepass")).hexdigest()[:16]


@st.cache_data(max_entries=24, show_spinner=False)
def cached_map(source_key: str, words_hash: str, params: tuple, _matrix: np.ndarray):
    """A Projection of ``_matrix`` (not hashed: ``source_key`` + ``words_hash`` name it)."""
    from embedlab.maps.projection import project

    return project(_matrix, **dict(params))


@st.cache_data(max_entries=24, show_spinner=False)
def cached_trust(source_key: str, words_hash: str, params: tuple, _matrix: np.ndarray, _coords: np.ndarray,
                 metric: str) -> float:
    """Trustworthiness at k=10 of the map that ``params`` made of these words (named by the keys)."""
    from embedlab.maps.neighbours import TRUST_NEIGHBORS, trustworthiness

    return trustworthiness(_matrix, _coords, TRUST_NEIGHBORS, metric)


@st.cache_data(max_entries=24, show_spinner=False)
def cached_neighbours(source_key: str, words_hash: str, _unit: np.ndarray) -> np.ndarray:
    """Each word's 5 nearest words among the mapped ones, in the original space."""
    from embedlab.maps.neighbours import nearest_neighbours

    return nearest_neighbours(_unit, 5)
