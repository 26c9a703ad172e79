"""Explore's map view: the words, settings, colouring and search of one map, then the chart and its selection."""

from __future__ import annotations

import streamlit as st

from embedlab.errors import EmbedLabError
from embedlab_ui import numbers
from embedlab_ui.explore_pickers import COLOUR_CLUSTER, COLOUR_DATASET, COLOUR_LIST, COLOUR_MODEL, COLOUR_NONE
from embedlab_ui.explore_pickers import pick_colouring, pick_words, value_or_error
from embedlab_ui.maps import map_exports, map_settings, map_with_preview, show_selection, trust_caption
from embedlab_ui.session import literal


def find_word(word_map, search: str, vectors) -> str | None:
    """Say where ``search`` is (its nearest mapped words) or why it is not on the map; the word to highlight."""
    if not search:
        return None
    try:
        nearest = word_map.nearest(search, vectors)
    except EmbedLabError as error:
        st.warning(literal(str(error)), icon=":material/warning:")
        return None
    st.success(f"**{literal(search)}** — nearest on this map's words: " + literal(", ".join(nearest)),
               icon=":material/search:")
    return search



def map_view(vectors, run):
    words = value_or_error(pick_words, vectors)
    params = map_settings("explore")
    left, right = st.columns(2)
    colour_mode = left.selectbox("Colour by", [COLOUR_NONE, COLOUR_CLUSTER, COLOUR_MODEL, COLOUR_DATASET,
                                               COLOUR_LIST], key="explore.colour")
    search = right.text_input("Find a word on the map", key="explore.search", placeholder="e.g. king").strip()
    if words is None:
        return
    colouring = pick_colouring(colour_mode, words, vectors, run)  # its controls go here, above the map
    placeholder = st.empty()
    word_map = map_with_preview(vectors, words, params, placeholder, "explore")
    fig = word_map.figure(colouring, highlight=find_word(word_map, search, vectors))
    with placeholder.container():  # replaces the PCA preview
        trust_slot = st.empty()
        if word_map.projection.explained_variance is not None:
            st.caption("PCA: the axes hold "
                       + " + ".join(numbers.percent(v) for v in word_map.projection.explained_variance)
                       + " of the variance (straight projections; distances far apart are kept, local ones blur).")
        event = st.plotly_chart(fig, key="explore.chart", on_select="rerun", selection_mode=("box", "lasso"))
    trust_caption(trust_slot, vectors, word_map, f" Drawn in {numbers.seconds(word_map.projection.seconds)}.")
    show_selection(event, word_map, "explore")
    map_exports(vectors, word_map, fig, "explore")
