"""The dataset this visitor is working with, shared by the Data, Train and Explore pages."""

from __future__ import annotations

import threading

import streamlit as st

from embedlab.data.builtins import DEFAULT_DATASET, builtin_dataset
from embedlab.data.labelled import LabelledDataset
from embedlab_ui.kept_datasets import remember, remembered_dataset
from embedlab_ui.uploads import hold, release

DATASET_KEY = "dataset"  # st.session_state key: this visitor's LabelledDataset


@st.cache_resource(show_spinner=False)
def _default_dataset() -> LabelledDataset:
    """The built-in default, read once per server; treated as read-only by every page."""
    return builtin_dataset(DEFAULT_DATASET)


def current_dataset() -> LabelledDataset:
    """The dataset this visitor chose on the Data page, or the built-in default until they choose."""
    if DATASET_KEY not in st.session_state:  # a new session: the workspace's address brings back its last dataset
        st.session_state[DATASET_KEY] = remembered_dataset(builtin)
    dataset = st.session_state.get(DATASET_KEY)
    return _default_dataset() if dataset is None else dataset


def set_current_dataset(dataset: LabelledDataset, upload=None) -> None:
    """Make ``dataset`` this visitor's current dataset, kept with their workspace's address (``kept_datasets``).

    ``upload``: the uploaded file it was read from, so it counts in the server's uploads budget as
    that upload (once, beside the table parsed from it) for as long as it is the current dataset;
    EmbedLabError when the budget has no room. A built-in dataset is nobody's upload.
    """
    if upload is None:
        release(DATASET_KEY)
    else:
        hold(DATASET_KEY, upload.file_id, upload.size, upload.name)
    st.session_state[DATASET_KEY] = dataset
    remember(dataset, upload)


_BUILTINS: dict[str, LabelledDataset] = {}  # name → dataset, shared read-only: built-ins are nobody's upload
_BUILTINS_LOCK = threading.Lock()
KEPT_BUILTINS = 3


def builtin(name: str, _progress=None) -> LabelledDataset:
    """A built-in dataset by name, read once per server and shared read-only (it is nobody's upload).

    ``_progress`` reports a first download to the visitor who asked. Not ``st.cache_resource``:
    it records the progress bar's updates made inside the function and replays them on every
    later hit, into the first visitor's bar, which is gone by then (CacheReplayClosureError).
    """
    with _BUILTINS_LOCK:
        if name not in _BUILTINS:
            dataset = builtin_dataset(name, progress=_progress)
            while len(_BUILTINS) >= KEPT_BUILTINS:
                _BUILTINS.pop(next(iter(_BUILTINS)))
            _BUILTINS[name] = dataset
        return _BUILTINS[name]


builtin.clear = _BUILTINS.clear  # as the cache decorators have it; tests start from nothing


@st.cache_data(show_spinner=False, max_entries=20)
def dataset_stats(dataset_fingerprint: str, vectors_fingerprint: str, _dataset: LabelledDataset, _vectors):
    """Summary, each class's frequent and telling words, and vector coverage of a dataset, keyed by their content.

    Everything returned is derived numbers and words, so sharing them between visitors
    whose data hash the same is harmless. Names inside the results (the dataset's, the
    vectors') are those of whoever computed them first: show the visitor's own names instead.
    """
    from embedlab.data.stats import class_words, describe, glove_coverage, tokenize_all

    tokens = tokenize_all(_dataset.texts)
    return describe(_dataset, tokens), class_words(_dataset, 10, tokens), glove_coverage(_dataset, _vectors, 20, tokens)
