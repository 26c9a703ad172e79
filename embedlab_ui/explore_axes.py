"""Explore's "Axes from words" view: words placed by their projection on directions between words (x: bad → good).

Each axis is two boxes of words (its low end and its high end); a suggested pair fills them.
The core is ``embedlab.maps.word_axes``; a run's sentiment axis stays its own view beside this one.
"""

from __future__ import annotations

import numpy as np
import streamlit as st

from embedlab.maps.projection import MAX_WORDS
from embedlab.maps.word_axes import SUGGESTED_PAIRS, Axis
from embedlab_ui import numbers
from embedlab_ui.explore_pickers import show_notes
from embedlab_ui.maps import figure_exports
from embedlab_ui.session import literal

OWN = "(your own words)"
LABELLED_EACH_END = 6
AXES_SEARCH, AXES_CHART = "explore.axes.search", "explore.axes_chart"
WORD_AXES_DEFAULTS = {
    "explore.axes.n": 2_000, AXES_SEARCH: "",
    "explore.axes.x.pair": "bad → good", "explore.axes.x.start": SUGGESTED_PAIRS["bad → good"][0],
    "explore.axes.x.end": SUGGESTED_PAIRS["bad → good"][1],
    "explore.axes.y.pair": "she → he", "explore.axes.y.start": SUGGESTED_PAIRS["she → he"][0],
    "explore.axes.y.end": SUGGESTED_PAIRS["she → he"][1],
}


def _use_pair(name: str) -> None:
    """A suggested pair was picked: fill that axis's two boxes with it."""
    pair = st.session_state[f"explore.axes.{name}.pair"]
    if pair in SUGGESTED_PAIRS:
        st.session_state[f"explore.axes.{name}.start"], st.session_state[f"explore.axes.{name}.end"] = \
            SUGGESTED_PAIRS[pair]


def pick_axis(name: str) -> Axis:
    """One axis's widgets: a suggested pair, then its low-end and high-end words."""
    st.selectbox(f"{name} axis: a suggested pair", [OWN, *SUGGESTED_PAIRS], key=f"explore.axes.{name}.pair",
                 on_change=_use_pair, args=(name,),
                 help="Opposed words used to teach with word axes; or type your own in the two boxes.")
    left, right = st.columns(2)
    start = left.text_input(f"{name}: from (low end)", key=f"explore.axes.{name}.start",
                            help="One word or several, separated by spaces or commas; their mean is the low end.")
    end = right.text_input(f"{name}: to (high end)", key=f"explore.axes.{name}.end")
    return Axis.from_text(start, end)


def _clicked() -> None:
    """The chart's on_select: a clicked point's word goes into this view's search box, as on the map."""
    from embedlab_ui.explore_inspector import point_word

    event = st.session_state.get(AXES_CHART) or {}
    points = (event.get("selection", {}) if isinstance(event, dict) else {}).get("points") or []
    word = point_word(points[0]) if len(points) == 1 else None
    if word is not None:
        st.session_state[AXES_SEARCH] = word


def word_axes_view(vectors) -> None:
    from embedlab.maps.figures import with_overlay, word_axes_map
    from embedlab_ui.explore_inspector import search_highlights, show_inspection
    from embedlab.maps.word_axes import word_axes
    from embedlab.maps.words import most_frequent_words

    st.caption("Each axis runs from the mean of its first words to the mean of its second words; a word sits at "
               "its projection on that direction (cosine scaled by the direction's length), as the Embedding "
               "Projector's custom projection and whatlies place words.")
    left, right = st.columns(2)
    with left:
        x = pick_axis("x")
    with right:
        y = pick_axis("y")
    count, search_column = st.columns(2)
    n = count.number_input("Most frequent words", 10, MAX_WORDS, step=500, key="explore.axes.n")
    search = search_column.text_input("Find a word on the axes", key=AXES_SEARCH,
                                      placeholder="e.g. excellent, or king - man + woman",
                                      help="A word, or word arithmetic; its nearest words in the original space are "
                                           "highlighted and listed. Clicking a point finds its word.").strip()
    choice = most_frequent_words(vectors, n)
    show_notes(choice)
    axis_words = [word for word in x.start + x.end + y.start + y.end if word in vectors]
    words = list(dict.fromkeys(choice.words + axis_words))  # the axes' own words are always placed
    axes = word_axes(vectors, words, x, y)  # unknown axis words: one clear message (the page shows it)
    if abs(axes.cosine_between) > 0.5:
        st.warning(f"The two directions have cosine {numbers.score(axes.cosine_between)}: they largely measure the "
                   "same thing, so the words fall along a diagonal. Pick a second pair about something else.",
                   icon=":material/warning:")
    fig = word_axes_map(axes.words, axes.coords, _labelled(axes, axis_words), x.label(), y.label(),
                        f"{vectors.name}: {len(axes.words):,} words on axes made of words")
    highlights, inspection = search_highlights(vectors, axes, search, st.session_state.get("explore.inspect_k", 10))
    if highlights:
        fig = with_overlay(fig.to_dict(), axes.words, axes.coords, highlights)
    st.plotly_chart(fig, key=AXES_CHART, on_select=_clicked, selection_mode="points")
    st.caption(f"x: {literal(x.label())}; y: {literal(y.label())}. Cosine between the two directions: "
               f"{numbers.score(axes.cosine_between)} (0 = independent).")
    if search:
        show_inspection(inspection)
    figure_exports(fig, axes.table(), "explore.axes", "word_axes")


def _labelled(axes, axis_words: list[str]) -> list[str]:
    """The axes' own words, then the framed words furthest toward each end of each axis, none overlapping."""
    from embedlab.maps.labels import frame, is_telling, labels_in_order

    inside = ~frame(axes.coords).outside
    rows = {word: i for i, word in enumerate(axes.words)}
    wanted = [rows[word] for word in axis_words]
    for column in (0, 1):
        order = [i for i in np.argsort(axes.coords[:, column], kind="stable") if inside[i]
                 and is_telling(axes.words[i])]
        wanted += order[:LABELLED_EACH_END] + order[-LABELLED_EACH_END:][::-1]
    return labels_in_order(axes.words, axes.coords, wanted)
