"""What a first visit needs, made ready when the server starts rather than when visitors arrive.

On a cold server every first visitor pays for the same things at once: GloVe read into
memory, TensorFlow and Plotly imported, the default dataset's statistics, the Explore
page's default map, a training worker process started. When several visitors open
pages together they all wait for all of it. ``start_server_warm_up`` does that work
once, in a background thread, while the server already answers; a visitor who arrives
mid-way waits only for what is still missing (the caches hand them the finished value).

Everything here fills the same caches the pages read, with the same keys, so nothing is
computed twice and nothing visitor-specific is kept.
"""

from __future__ import annotations

import gc
import logging
import threading

import streamlit as st

_LOGGER = logging.getLogger(__name__)


def _training_workers() -> None:
    from embedlab.models.jobs import executor_name

    if executor_name() == "process":
        from embedlab.models.jobs.processes import warm_pool

        warm_pool()  # the worker imports TensorFlow while nobody waits for it


def _data_and_analogies() -> None:
    from embedlab.vectors.similarity import analogy_map, solve_analogy
    from embedlab_ui.datasets import _default_dataset, dataset_stats
    from embedlab_ui.vectors import default_vectors

    vectors = default_vectors()
    dataset = _default_dataset()
    dataset_stats(dataset.fingerprint, vectors.fingerprint, dataset, vectors)
    answer = solve_analogy(vectors, ["king", "woman"], ["man"])  # the Analogies page's default question
    analogy_map(vectors, ["king", "woman", "man", answer.results[0][0]], neighbours_per_word=4)


def _libraries() -> None:
    import plotly.graph_objects  # noqa: F401  every chart
    import keras  # noqa: F401  Predict loads a model; TensorFlow comes with it


def _default_map() -> None:
    """The Explore page's first map, from the page's own defaults (``EXPLORE_TOP_WORDS``, ``MapParams()``)."""
    from embedlab.maps.pipeline import MapParams
    from embedlab.maps.words import most_frequent_words
    from embedlab_ui.maps import EXPLORE_TOP_WORDS, fill_map_caches, start_warm_up
    from embedlab_ui.vectors import default_vectors

    start_warm_up().join()  # numba's kernels first; the map below would otherwise compile them itself
    vectors = default_vectors()
    fill_map_caches(vectors, most_frequent_words(vectors, EXPLORE_TOP_WORDS).words, MapParams())


def _freeze_long_lived() -> None:
    """Leave what the server loaded for good (TensorFlow, Plotly, GloVe's index, numba) out of every later collection.

    With TensorFlow imported the server holds over half a million objects the collector tracks, and
    each of Python's automatic full collections walks them all: about half a second holding the GIL,
    every few journeys under a class's load, while every visitor on the process waits (bench_serve's
    rare slow steps). ``gc.freeze`` moves every object alive now into a permanent generation that
    collections skip; objects made afterwards (sessions, figures, models) are collected as before.
    The collection first frees what the imports left as garbage, so none of it is kept forever.
    """
    gc.collect()
    gc.freeze()


STEPS = (_training_workers, _data_and_analogies, _libraries, _default_map, _freeze_long_lived)


def _warm() -> None:
    for step in STEPS:
        try:
            step()
        except Exception:  # a warm-up that fails only means the first visitor does the work
            _LOGGER.warning("warm-up step %s failed", step.__name__, exc_info=True)


def start_server_warm_up() -> threading.Thread | None:
    """Start warming, once per server process (in a daemon thread; returns at once).

    Only a served page warms: AppTest's sessions have no browser connection (no request
    headers) and no use for a worker process or a map drawn behind their back.
    """
    if not st.context.headers:
        return None
    return _start()


@st.cache_resource(show_spinner=False)
def _start() -> threading.Thread:
    thread = threading.Thread(target=_warm, name="embedlab-server-warm-up", daemon=True)
    thread.start()
    return thread
