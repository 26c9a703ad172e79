"""The shared vector source: cached loading, and the sidebar picker every page shows."""

from __future__ import annotations

import streamlit as st

from embedlab.vector_io import load_default_vectors
from embedlab.vectors import WordVectors


@st.cache_resource(show_spinner="Loading GloVe 6B 50d…")
def default_vectors() -> WordVectors:
    """GloVe 6B 50d, loaded once per server and shared read-only by every visitor."""
    return load_default_vectors()


def current_vectors() -> WordVectors:
    """The vector set this visitor picked in the sidebar (GloVe 50d by default)."""
    return default_vectors()
