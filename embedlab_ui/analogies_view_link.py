"""The Analogies page's view link: the query and its settings in the address, and the vectors they ask.

A copied address opens the same analogy (a, b, c or the word lists, the answers asked for,
presentation mode). "Copy link to this view" also makes a read-only link without the workspace:
its vectors are the built-in GloVe, or a content-addressed snapshot of the visitor's own set
(``embedlab_ui.view_snapshots``), so the recipient sees the same answers and none of the owner's
runs. The page calls ``apply_view_link`` at its top and ``linked_vectors`` where it picks its vectors.
"""

from __future__ import annotations

import streamlit as st

from embedlab.vectors.word_vectors import WordVectors
from embedlab_ui import shared_views
from embedlab_ui.analogy_view import FORM, LISTS
from embedlab_ui.view_params import Choice, Flag, Param, Text, Whole

PAGE = "analogies"
# The widgets' own ``value=`` defaults (embedlab_ui.analogy_view and the page): settings at these stay out of links.
DEFAULTS = {
    "analogies.mode": FORM, "analogies.a": "king", "analogies.b": "man", "analogies.c": "woman",
    "analogies.expected": "", "analogies.positive": "king, woman", "analogies.negative": "man",
    "analogies.expected_lists": "", "analogies.topn": 10, "analogies.exclude": True, "analogies.restrict_on": False,
    "analogies.present": False,
}
PARAMS: list[Param] = [
    Choice("mode", {"form": FORM, "lists": LISTS}),
    Text("a", 100), Text("b", 100), Text("c", 100), Text("expected", 100),
    Text("positive", 500), Text("negative", 500), Text("expected_lists", 100),
    Whole("topn", 1, 100), Flag("exclude"), Flag("restrict_on"), Whole("restrict", 1, 10_000_000),
    Flag("present"),
]
TABLE: dict[str, Param] = {f"{PAGE}.{param.name}": param for param in PARAMS}


def apply_view_link() -> None:
    """At the page's top: a link's query into the widgets' keys, then one rerun.

    The widgets are drawn with ``value=``; a value set in the run that draws them would also raise
    Streamlit's "set via the Session State API" warning, so they are drawn on the rerun instead.
    """
    if shared_views.apply_address(PAGE, TABLE):
        st.rerun()


def linked_vectors() -> WordVectors:
    """The vectors this view asks: a read-only link's (said in a banner), else the sidebar's; the address updated."""
    from embedlab_ui.vectors import current_vectors

    shared_views.show_notes(PAGE)
    vectors = shared_views.shared_vectors(PAGE)
    if vectors is not None:
        shared_views.shared_banner(PAGE, vectors)
    else:
        vectors = current_vectors()
    if st.session_state.get("analogies.restrict", 0) > len(vectors):  # a link's count past these vectors' words
        del st.session_state["analogies.restrict"]
    written = shared_views.publish(PAGE, TABLE, DEFAULTS)
    shared_views.share_popover(PAGE, written, vectors)
    return vectors
