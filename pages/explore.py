"""Explore: maps of word vectors (UMAP or PCA, 2D or 3D), two sources compared, axes made of words, a model's
sentiment axis."""

from __future__ import annotations

import streamlit as st

from embedlab.errors import EmbedLabError
from embedlab_ui.explore_axes import WORD_AXES_DEFAULTS, word_axes_view
from embedlab_ui.explore_compare import axis_view, compare_view
from embedlab_ui.explore_map import MAP_VIEW_DEFAULTS, map_view
from embedlab_ui.explore_pickers import COLOUR_NONE, PASTED, SOURCE_VECTORS, WORDS_TOP, pick_source
from embedlab_ui.explore_view_state import explore_source, restore_view, share_view
from embedlab_ui.maps import EXPLORE_TOP_WORDS, map_defaults, start_warm_up
from embedlab_ui.session import route_through_app, show_error

route_through_app()  # a deep link on a fresh server still gets app.py's frame

VIEW_MAP, VIEW_COMPARE, VIEW_AXIS, VIEW_WORD_AXES = "Map", "Compare two sources", "Sentiment axis", "Axes from words"
# Every setting's default, once: the views draw different widgets, and these keep their values across views.
DEFAULTS = {
    "explore.view": VIEW_MAP, "explore.source": SOURCE_VECTORS, "explore.words_mode": WORDS_TOP,
    "explore.top_n": EXPLORE_TOP_WORDS, "explore.pasted": PASTED, "explore.query": "king", "explore.query_k": 200,
    "explore.colour": COLOUR_NONE, "explore.search": "", "explore.clusters": 8, "explore.mark": "good bad great awful",
    "explore.compare_first.source": SOURCE_VECTORS, "explore.compare_second.source": SOURCE_VECTORS,
    "explore.compare_n": 1_000, "explore.axis_n": 2_000, **map_defaults("explore"), **map_defaults("explore.compare"),
    **MAP_VIEW_DEFAULTS, **WORD_AXES_DEFAULTS,
}

start_warm_up()  # normally already running since app.py started it; a no-op then
restore_view(DEFAULTS)  # a view link's settings (checked), then the ones kept across views
st.session_state.setdefault("explore.drawn", set())  # maps this visitor already waited for (no preview again)


title_column, view_column = st.columns([1, 3], vertical_alignment="bottom")  # one row: the map comes sooner
title_column.title("Explore", help="Maps of word vectors: UMAP or PCA, 2D or 3D. Hover a point for its nearest "
                   "words; find a word; select a region to list its words.")
view = view_column.radio("View", [VIEW_MAP, VIEW_COMPARE, VIEW_WORD_AXES, VIEW_AXIS], horizontal=True,
                         key="explore.view", label_visibility="collapsed")
vectors = None
try:
    if view == VIEW_COMPARE:
        compare_view()
    else:
        vectors, run = explore_source() or pick_source("explore")  # a read-only link's snapshot, or a pick
        if vectors is not None and view == VIEW_WORD_AXES:
            word_axes_view(vectors)
        elif vectors is not None:
            (map_view if view == VIEW_MAP else axis_view)(vectors, run)
except EmbedLabError as error:
    show_error(error)
share_view(DEFAULTS, vectors)  # the address is this view; "Copy link to this view" in the sidebar
