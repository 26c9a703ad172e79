"""Analogies: king − man + woman, nearest neighbours, similarity, and the standard benchmarks.

One rule for the analogy: every change applies at once (a word when Enter is pressed or the
box is left, a setting when it is changed). Both methods answer over the whole vocabulary in
a fraction of a second, so a Solve button would only add a step, and an instructor at a
projector sees each change as soon as it is made.
"""

from __future__ import annotations

import streamlit as st

from embedlab.errors import EmbedLabError
from embedlab.vectors.similarity import lookup, similarity
from embedlab_ui import numbers
from embedlab_ui.analogies_view_link import apply_view_link, linked_vectors
from embedlab_ui.analogy_benchmarks import show_benchmarks
from embedlab_ui.analogy_view import ranked_table, show_analogy
from embedlab_ui.session import literal, route_through_app, show_error
from embedlab_ui.vector_queries import nearest_words

route_through_app()  # a deep link on a fresh server still gets app.py's frame
apply_view_link()  # a view link's query, checked, before the widgets are drawn

# Presentation mode: type and tables large enough to read from the back of a room (static CSS, no user text).
# A backslash at a line's end joins it to the next: the long selector lists are one line in the CSS.
PRESENTATION_CSS = """<style>
[data-testid="stMain"] [data-testid="stMarkdownContainer"] p, \
[data-testid="stMain"] input { font-size: 1.3rem !important; }
[data-testid="stMain"] [data-testid="stTable"] td, \
[data-testid="stMain"] [data-testid="stTable"] th { font-size: 1.7rem !important; }
[data-testid="stMain"] h3 { font-size: 2.2rem !important; }
</style>"""


def looked_up(vectors, word: str) -> str:
    """``word`` as it is found (lower-cased when only that is known, said under the field)."""
    used, note = lookup(vectors, word)
    if note:
        st.caption(literal(note))
    return used


def show_neighbours(vectors) -> None:
    left, right = st.columns(2)
    with left:
        st.subheader("Nearest neighbours")
        word = st.text_input("Word", value="frog", key="analogies.neighbour_word")
        topn = st.number_input("How many", min_value=1, max_value=100, value=10, key="analogies.neighbour_topn")
        try:
            st.dataframe(ranked_table(nearest_words(vectors, looked_up(vectors, word), topn=int(topn)), "cosine"),
                         hide_index=True, width="stretch", key="analogies.neighbours")
            st.caption("Cosine similarity, from −1 to 1: 1 = the same direction, 0 = unrelated.")
        except EmbedLabError as error:
            show_error(error)
    with right:
        st.subheader("Similarity of two words")
        first = st.text_input("First word", value="cat", key="analogies.similarity_first")
        second = st.text_input("Second word", value="dog", key="analogies.similarity_second")
        try:
            first, second = looked_up(vectors, first), looked_up(vectors, second)
            st.metric("Cosine similarity", numbers.score(similarity(vectors, first, second)))
            st.caption("1 = the same direction, 0 = unrelated, −1 = opposite.")
        except EmbedLabError as error:
            show_error(error)


st.session_state.setdefault("analogies.benchmarked", set())  # benchmarks this visitor asked for

title_column, mode_column = st.columns([3, 1], vertical_alignment="bottom")
title_column.title("Analogies")
large = mode_column.toggle("Presentation mode", key="analogies.present",
                           help="Large type, tables and map labels, for a projector.")
if large:
    st.html(PRESENTATION_CSS)
st.caption("Word arithmetic (king − man + woman ≈ queen), nearest neighbours, and how the vectors score on "
           "the standard benchmarks.")
vectors = linked_vectors()  # a read-only link's vectors, or the sidebar's; the address kept as the view
analogy_tab, neighbours_tab, benchmark_tab = st.tabs(["Analogy", "Neighbours & similarity", "Benchmarks"])
with analogy_tab:
    show_analogy(vectors, large)
with neighbours_tab:
    show_neighbours(vectors)
with benchmark_tab:
    show_benchmarks(vectors)
