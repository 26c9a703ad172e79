"""Explore's inspector: a clicked, found or answered word's nearest neighbours in the original space.

The search box takes a word (``king``) or word arithmetic (``king - man + woman``, answered as the
Analogies page answers it, through the same per-server cache). The word found, or the answer,
is inspected (``embedlab.maps.inspector``): its nearest mapped words by cosine in the full
vectors, listed with where the map put them, and highlighted on the map. Clicking a point
writes its word into the search box, so a click, a typed word and the page's address agree.
"""

from __future__ import annotations

import streamlit as st

from embedlab.errors import EmbedLabError
from embedlab.maps.figures import Highlight
from embedlab.maps.inspector import Inspection, inspect_word, is_typed_query, parse_typed_query
from embedlab_ui import numbers
from embedlab_ui.session import literal

SEARCH, CHART = "explore.search", "explore.chart"
# A box or lasso's words, one per line. The page keeps them itself: the rings and labels it draws for them change
# the figure, and Streamlit then mounts a fresh chart whose own selection starts empty.
SELECTION = "explore.selection"
SELECTION_IN_LINK = 4_000  # characters of selected words a view link carries (explore_view_state.TABLE)
ANSWERS = 10  # answers of a typed query listed, as the Analogies page lists by default


def inspect_clicked() -> None:
    """``st.plotly_chart``'s on_select: a click on one point puts its word in the search box; a box or lasso
    replaces the kept selection (``SELECTION``) with the words inside it (none: the selection is cleared)."""
    event = st.session_state.get(CHART) or {}
    selection = event.get("selection", {}) if isinstance(event, dict) else {}
    points = selection.get("points") or []
    words = [point_word(point) for point in points]
    if selection.get("box") or selection.get("lasso"):
        st.session_state[SELECTION] = "\n".join(dict.fromkeys(word for word in words if word is not None))
    elif len(words) == 1 and words[0] is not None:
        st.session_state[SEARCH] = words[0]


def clear_selection() -> None:
    st.session_state[SELECTION] = ""


def kept_selection(word_map) -> tuple[int, ...]:
    """The rows of the map's words in the kept selection, in the selection's order (words not on this map left out)."""
    rows = {word: row for row, word in enumerate(word_map.words)}
    chosen = (rows.get(word) for word in str(st.session_state.get(SELECTION) or "").split("\n"))
    return tuple(dict.fromkeys(row for row in chosen if row is not None))


def point_word(point) -> str | None:
    """The word of a point in a chart's selection event (its customdata), or None."""
    word = point.get("customdata") if isinstance(point, dict) else None  # the word (a one-item list when wrapped)
    word = word[0] if isinstance(word, list) and word else word
    return word if isinstance(word, str) else None


def search_highlights(vectors, word_map, search: str, k: int) -> tuple[tuple[Highlight, ...], Inspection | None]:
    """Answer the search box (a word or word arithmetic) above the map; the highlights to draw and the inspection.

    Messages go on the page here; a bad search is a warning, and the map is still drawn.
    """
    if not search:
        return (), None
    try:
        if is_typed_query(search):
            word, name = _answer(vectors, word_map, search)
            if word is None:
                return (), None
        else:
            word, name = search, f"“{search}” and its nearest words"
        inspection = inspect_word(vectors, word_map.words, word_map.coords, word, k)
    except EmbedLabError as error:
        st.warning(literal(str(error)), icon=":material/warning:")
        return (), None
    if not is_typed_query(search):
        st.success(f"**{literal(word)}** — nearest on this map's words: "
                   + literal(", ".join(neighbour.word for neighbour in inspection.neighbours)),
                   icon=":material/search:")
    hover = ["inspected"] + [f"cosine {numbers.score(n.cosine)} · #{n.map_rank:,} nearest on the map"
                             for n in inspection.neighbours]
    return (Highlight(name, [word_map.words.index(w) for w in inspection.words], hover),), inspection


def _answer(vectors, word_map, search: str) -> tuple[str | None, str]:
    """The best answer of word arithmetic that is on the map, said above it; (None, "") when none is."""
    from embedlab_ui.vector_queries import analogy_answer

    positive, negative = parse_typed_query(search)
    answer = analogy_answer(vectors, positive, negative, "cosadd", ANSWERS, True, None, None)
    for note in answer.query.notes:
        st.info(literal(note), icon=":material/match_case:")
    query = _written(answer.query.positive, answer.query.negative)
    if not answer.results:
        st.info(f"{literal(query)}: no word is left to answer with.")
        return None, ""
    on_map = set(word_map.words)
    best, score = answer.results[0]
    others = ", ".join(f"{word} ({numbers.score(value)})" for word, value in answer.results[1:])
    st.success(f"**{literal(query)} = {literal(best)}** (cosine {numbers.score(score)}, 3CosAdd as on the Analogies "
               f"page); next: {literal(others)}", icon=":material/calculate:")
    found = [word for word, _ in answer.results if word in on_map]
    if not found:
        st.warning(f"None of the {len(answer.results)} best answers is among the mapped words; map more words to "
                   "see where they lie.", icon=":material/warning:")
        return None, ""
    if found[0] != best:
        st.info(f"“{literal(best)}” is not among the mapped words; highlighting the best answer that is: "
                f"“{literal(found[0])}”.")
    return found[0], f"{query} = {found[0]}, and its nearest words"


def _written(positive, negative) -> str:
    """``king − man + woman`` from gensim's lists (the first positive word first)."""
    text = positive[0]
    for word in negative:
        text += f" − {word}"
    for word in positive[1:]:
        text += f" + {word}"
    return text


def show_inspection(inspection: Inspection | None) -> None:
    """The inspected word's neighbours: cosine in the original space beside distance and rank on the map."""
    if inspection is None:
        st.caption("Click a point, or find a word, to list its nearest words in the original space and see where "
                   "the map put them.")
        return
    k = len(inspection.neighbours)
    st.write(f"**Inspector: the {k} nearest words to “{literal(inspection.word)}” in the original space**")
    st.caption(f"The map drew {inspection.kept()} of them among its {k} points nearest to "
               f"“{literal(inspection.word)}”; a large rank on the map is a neighbour the map tore apart.")
    st.dataframe(inspection.table(), hide_index=True, width="stretch", height=min(38 + 35 * k, 400),
                 key="explore.inspector_table",
                 column_config={"cosine": st.column_config.NumberColumn(format="%.3f"),
                                "map distance": st.column_config.NumberColumn(format="%.2f")})
