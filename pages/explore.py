"""Explore: maps of word vectors (UMAP or PCA, 2D or 3D), two sources compared, a model's sentiment axis."""

from __future__ import annotations

import streamlit as st

from embedlab.errors import EmbedLabError
from embedlab.maps.projection import MAX_WORDS
from embedlab_ui import numbers
from embedlab_ui.datasets import current_dataset
from embedlab_ui.maps import (EXPLORE_TOP_WORDS, figure_exports, map_defaults, map_exports, map_settings,
                              map_with_preview, show_selection, start_warm_up, trust_caption)
from embedlab_ui.runs import learned_vectors, run_picker, run_word_scores
from embedlab_ui.session import literal, route_through_app, show_error
from embedlab_ui.vectors import current_vectors
from embedlab_ui.widget_memory import remember

route_through_app()  # a deep link on a fresh server still gets app.py's frame

SOURCE_VECTORS, SOURCE_RUN = "Current vectors (sidebar)", "A run's learned embedding"
WORDS_TOP, WORDS_DATASET, WORDS_PASTED, WORDS_NEIGHBOURHOOD = (
    "Most frequent", "The current dataset's words", "A pasted list", "Neighbourhood of a word")
COLOUR_NONE, COLOUR_CLUSTER, COLOUR_MODEL, COLOUR_DATASET, COLOUR_LIST = (
    "None", "Cluster (KMeans)", "Trained model's sentiment", "Class-frequency ratio in the dataset",
    "Membership in a list")
VIEW_MAP, VIEW_COMPARE, VIEW_AXIS = "Map", "Compare two sources", "Sentiment axis"
PASTED = ("king queen prince princess man woman boy girl paris france berlin germany london england rome italy "
          "good bad great terrible happy sad")
# Every setting's default, once: the views draw different widgets, and these keep their values across views.
DEFAULTS = {
    "explore.view": VIEW_MAP, "explore.source": SOURCE_VECTORS, "explore.words_mode": WORDS_TOP,
    "explore.top_n": EXPLORE_TOP_WORDS, "explore.pasted": PASTED, "explore.query": "king", "explore.query_k": 200,
    "explore.colour": COLOUR_NONE, "explore.search": "", "explore.clusters": 8, "explore.mark": "good bad great awful",
    "explore.compare_first.source": SOURCE_VECTORS, "explore.compare_second.source": SOURCE_VECTORS,
    "explore.compare_n": 1_000, "explore.axis_n": 2_000, **map_defaults("explore"), **map_defaults("explore.compare"),
}

start_warm_up()  # normally already running since app.py started it; a no-op then
remember(DEFAULTS)
st.session_state.setdefault("explore.drawn", set())  # maps this visitor already waited for (no preview again)


def pick_source(key: str, label: str = "Source"):
    """(WordVectors, run or None) for the source chosen with widgets under ``key``; (None, None) if none yet."""
    source = st.radio(label, [SOURCE_VECTORS, SOURCE_RUN], horizontal=True, key=f"{key}.source")
    if source == SOURCE_VECTORS:
        return current_vectors(), None
    run = run_picker("Run", key=f"{key}.run")
    if run is None:
        return None, None
    with st.spinner(f"Reading the embedding of {literal(run.name)}…"):
        return learned_vectors(run), run


def show_notes(choice) -> None:
    for note in choice.notes:
        st.caption(literal(note))


def pick_words(vectors):
    """The words to map, chosen with the word widgets; warnings and notes shown here."""
    from embedlab.maps.words import dataset_words, most_frequent_words, neighbourhood_words, pasted_words

    mode = st.radio("Which words", [WORDS_TOP, WORDS_DATASET, WORDS_PASTED, WORDS_NEIGHBOURHOOD], horizontal=True,
                    key="explore.words_mode")
    if mode == WORDS_TOP:
        n = st.number_input("How many (most frequent first)", min_value=10, max_value=MAX_WORDS, step=500,
                            key="explore.top_n",
                            help=f"Up to {MAX_WORDS:,}. Vector sets and a model's vocabulary both list words "
                                 "most frequent first.")
        choice = most_frequent_words(vectors, n)
    elif mode == WORDS_DATASET:
        dataset = current_dataset()
        st.caption(f"Words of **{literal(dataset.name)}** ({len(dataset):,} texts) that {literal(vectors.name)} knows.")
        choice = dataset_words(vectors, dataset.texts)
    elif mode == WORDS_PASTED:
        text = st.text_area("Words, separated by spaces, commas or new lines", key="explore.pasted", height=100)
        choice = pasted_words(vectors, text)
    else:
        left, right = st.columns([2, 1])
        query = left.text_input("Word", key="explore.query")
        k = right.number_input("Nearest words", min_value=10, max_value=5_000, step=50, key="explore.query_k")
        choice = neighbourhood_words(vectors, query, k)
    if choice.unknown:
        st.warning(literal(choice.unknown_message(vectors.name)), icon=":material/warning:")
    show_notes(choice)
    return choice.words


def pick_colouring(mode, words, vectors, run):
    """The chosen colouring of the map (its controls drawn here), or None."""
    from embedlab.maps import colouring

    if mode == COLOUR_CLUSTER:
        n = st.slider("Clusters", 2, 20, key="explore.clusters")
        return colouring.cluster_colouring(vectors.subset(words).vectors, n)
    if mode == COLOUR_MODEL:
        scoring_run = run if run is not None else run_picker("Run whose model scores the words", "explore.score_run")
        if scoring_run is None:
            return None
        with st.spinner(f"Scoring {len(words):,} words with {literal(scoring_run.name)}…"):
            chosen = colouring.score_colouring(run_word_scores(scoring_run, words), scoring_run.name)
    elif mode == COLOUR_DATASET:
        dataset = current_dataset()
        chosen = colouring.log_odds_colouring(dataset.texts, dataset.labels, dataset.class_names, words, dataset.name)
    elif mode == COLOUR_LIST:
        text = st.text_input("Words to mark (spaces or commas)", key="explore.mark")
        chosen = colouring.list_colouring(words, text)
    else:
        return None
    if chosen.note:
        st.caption(literal(chosen.note))
    return chosen


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


def value_or_error(pick, *args):
    """``pick(*args)``, or None after showing its error there: the settings below it are still drawn,
    since Streamlit forgets the values of widgets that a run does not draw."""
    try:
        return pick(*args)
    except EmbedLabError as error:
        show_error(error)
        return None


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


def compare_view():
    from embedlab.maps.alignment import MOVED, compare
    from embedlab.maps.words import most_frequent_words

    st.caption("Two sources on the same words (the words both know), the first rotated onto the second by "
               "orthogonal Procrustes, then ONE map of both: each word appears twice, and the biggest moves are "
               "drawn as lines.")
    left, right = st.columns(2)
    with left:
        first, _ = pick_source("explore.compare_first", "First source")
    with right:
        second, _ = pick_source("explore.compare_second", "Second source")
    if first is None or second is None:
        return
    if first.fingerprint == second.fingerprint:
        st.info("Pick two different sources (for example two runs, or a run and the vectors).")
        return
    n = st.number_input("Most frequent words of the first source", 10, MAX_WORDS // 2, step=500,
                        key="explore.compare_n")
    choice = most_frequent_words(first, n)
    show_notes(choice)  # e.g. a run's vocabulary smaller than n
    comparison = value_or_error(compare, first, second, choice.words)
    params = map_settings("explore.compare", dimensions=(2,))
    if comparison is None:
        return
    st.caption(f"{numbers.count(len(comparison.words))} of the {numbers.count(len(choice.words))} most frequent words "
               f"of {literal(first.name)} are also in {literal(second.name)}; only words both know can be compared.")
    largest = float(comparison.moved.max())
    if largest < 0.01:
        st.info(f"These two sources barely differ on these words: the largest move is {largest:.2g} (cosine "
                "distance after alignment). Each word is still drawn twice, and UMAP keeps even identical points "
                "a little apart (min_dist), so the pairs on the map are not real moves.", icon=":material/info:")
    both = comparison.stacked()
    placeholder = st.empty()
    word_map = map_with_preview(both, both.words, params, placeholder, "explore", topn=0)
    fig = comparison.figure(word_map.coords)
    with placeholder.container():  # replaces the PCA preview
        trust_slot = st.empty()
        st.plotly_chart(fig, key="explore.compare_chart")
    trust_caption(trust_slot, both, word_map)  # how large the moves are: under the chart's title
    st.write("**The words that moved most**")
    st.dataframe(comparison.moved_table(50), hide_index=True, width="stretch", key="explore.moved_table",
                 column_config={MOVED: st.column_config.NumberColumn(format="%.3f")})
    figure_exports(fig, comparison.table(word_map.coords), "explore.compare", "comparison")


def axis_view(vectors, run):
    from embedlab.maps.sentiment_axis import sentiment_axis, words_the_model_knows
    from embedlab.maps.words import most_frequent_words

    scoring_run = run if run is not None else run_picker("Run whose model reads the words", "explore.axis_run")
    if scoring_run is None:
        return
    n = st.number_input("Most frequent words", 10, MAX_WORDS, step=500, key="explore.axis_n")
    choice = most_frequent_words(vectors, n)
    show_notes(choice)
    if run is None:  # a vector set's words: keep those the model has a row for, or they all read as [UNK]
        choice = words_the_model_knows(choice.words, learned_vectors(scoring_run), scoring_run.name)
        show_notes(choice)
    with st.spinner(f"Scoring {len(choice.words):,} words with {literal(scoring_run.name)}…"):
        scores = run_word_scores(scoring_run, choice.words)
    axis = sentiment_axis(vectors, choice.words, scores)
    st.caption(f"x: the direction from the quarter of words {literal(scoring_run.name)}'s model scores most "
               "negative to the quarter it scores most positive, each word scored **alone** as a one-word text "
               f"(difference of their mean unit vectors in {literal(vectors.name)}); y: the first principal component "
               "orthogonal to it. Colour: the model's p(positive) for the word alone.")
    fig = axis.figure()
    st.plotly_chart(fig, key="explore.axis_chart")
    figure_exports(fig, axis.table(), "explore.axis", "sentiment_axis")


st.title("Explore")
st.caption("Maps of word vectors: UMAP or PCA, 2D or 3D. Hover a point for its nearest words; find a word; "
           "select a region to list its words.")
view = st.radio("View", [VIEW_MAP, VIEW_COMPARE, VIEW_AXIS], horizontal=True, key="explore.view",
                label_visibility="collapsed")
try:
    if view == VIEW_COMPARE:
        compare_view()
    else:
        vectors, run = pick_source("explore")
        if vectors is not None:
            (map_view if view == VIEW_MAP else axis_view)(vectors, run)
except EmbedLabError as error:
    show_error(error)
