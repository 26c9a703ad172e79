"""Explore's map view: the words, settings, colouring and search of one map, then the chart, inspector and selection.

The map's points are one figure built once per content (``embedlab_ui.maps.base_figure``); what a
visitor changes often (search, a click, isolate, density) is a small overlay on it
(``embedlab.maps.figures.with_overlay``), so a search at 100,000 words does not rebuild 100,000 points.
"""

from __future__ import annotations

import streamlit as st

from embedlab_ui import numbers
from embedlab_ui.explore_inspector import (SEARCH, SELECTION, SELECTION_IN_LINK, clear_selection, inspect_clicked,
                                           kept_selection, search_highlights, show_inspection)
from embedlab_ui.explore_pickers import COLOUR_CLUSTER, COLOUR_DATASET, COLOUR_LIST, COLOUR_MODEL, COLOUR_NONE
from embedlab_ui.explore_pickers import pick_colouring, pick_words, value_or_error
from embedlab_ui.maps import (base_figure, figure_identity, map_exports, map_settings, map_with_preview, show_selection,
                              trust_caption)

# This view's own settings and their defaults (the page's ``remember`` keeps them across views).
MAP_HEIGHT = 520  # pixels: beside its settings, the whole map is on the first screen at 1440×900, most at 1280×720
MAP_VIEW_DEFAULTS = {"explore.inspect_k": 10, "explore.isolate": False, "explore.density": False, SELECTION: ""}


def map_view(vectors, run):
    from embedlab.maps.figures import with_overlay

    # The map beside its settings, so it is on the first screen at 1280×720 (issue 29, item 4).
    settings, chart = st.columns([2, 3], gap="medium")
    with settings:
        words = value_or_error(pick_words, vectors)
        params = map_settings("explore")
        left, right = st.columns(2)
        colour_mode = left.selectbox("Colour by", [COLOUR_NONE, COLOUR_CLUSTER, COLOUR_MODEL, COLOUR_DATASET,
                                                   COLOUR_LIST], key="explore.colour")
        search = right.text_input("Find a word on the map", key=SEARCH, placeholder="e.g. king, or king - man + woman",
                                  help="A word, or word arithmetic such as king - man + woman (answered as on the "
                                       "Analogies page). Clicking a point finds its word.").strip()
        k = st.slider("Neighbours to inspect", 1, 50, key="explore.inspect_k",
                      help="Nearest words by cosine in the original space, among the mapped words.")
        b, c = st.columns(2)
        isolate = b.toggle("Isolate", key="explore.isolate", help="Show only the inspected word and its nearest "
                           "words (the Embedding Projector's isolate).")
        density = c.toggle("Density", key="explore.density", help="Density contours: where the points crowd (2D maps).")
    if words is None:
        return
    with settings:
        colouring = pick_colouring(colour_mode, words, vectors, run)  # its controls go here, above the map
    with chart:  # the map, then what it answers: the search, the inspector, the selection, the exports
        placeholder = st.empty()
        word_map = map_with_preview(vectors, words, params, placeholder, "explore")
        highlights, inspection = search_highlights(vectors, word_map, search, k)
        selected = kept_selection(word_map)
        fig = with_overlay(base_figure(vectors, word_map, colouring), word_map.words, word_map.coords, highlights,
                           title=word_map.title, isolate=isolate, density=density, selected=selected)
        with placeholder.container():  # replaces the PCA preview
            st.plotly_chart(fig, key="explore.chart", on_select=inspect_clicked, height=MAP_HEIGHT,
                            selection_mode=("points", "box", "lasso"))
            trust_slot = st.empty()  # under the map, which comes first on the screen
            if word_map.projection.explained_variance is not None:
                st.caption("PCA: the axes hold "
                           + " + ".join(numbers.percent(v) for v in word_map.projection.explained_variance)
                           + " of the variance (straight projections; distances far apart are kept, local ones blur).")
        trust_caption(trust_slot, vectors, word_map, f" Drawn in {numbers.seconds(word_map.projection.seconds)}.")
        if density and word_map.coords.shape[1] == 3:
            st.caption("Density contours are drawn on 2D maps; switch to 2D to see them.")
        show_inspection(inspection)
        show_selection([word_map.words[row] for row in selected], word_map, "explore", clear=clear_selection)
        if len(st.session_state.get(SELECTION) or "") > SELECTION_IN_LINK:
            st.caption(f"A selection this long (over {SELECTION_IN_LINK:,} characters of words) is not carried in "
                       "the view link; the link opens the map without it.")
        figure_id = figure_identity(vectors, word_map, colouring, highlights, isolate, density, selected)
        map_exports(vectors, word_map, fig, "explore", figure_id)
