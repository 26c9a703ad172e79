"""The dataset this visitor is working with, shared by the Data, Train and Explore pages."""

from __future__ import annotations

import streamlit as st

from embedlab.datasets import DEFAULT_DATASET, LabelledDataset, builtin_dataset

DATASET_KEY = "dataset"  # st.session_state key: this visitor's LabelledDataset


@st.cache_resource(show_spinner=False)
def _default_dataset() -> LabelledDataset:
    """The built-in default, read once per server; treated as read-only by every page."""
    return builtin_dataset(DEFAULT_DATASET)


def current_dataset() -> LabelledDataset:
    """The dataset this visitor chose on the Data page, or the built-in default until they choose."""
    dataset = st.session_state.get(DATASET_KEY)
    return _default_dataset() if dataset is None else dataset


def set_current_dataset(dataset: LabelledDataset) -> None:
    """Make ``dataset`` this visitor's current dataset (kept in their session only)."""
    st.session_state[DATASET_KEY] = dataset
