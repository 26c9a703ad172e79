"""Explore's pickers: the source, the words and the colouring of a map, drawn as widgets."""

from __future__ import annotations

import streamlit as st

from embedlab.errors import EmbedLabError
from embedlab.maps.projection import MAX_WORDS
from embedlab_ui.datasets import current_dataset
from embedlab_ui.runs import learned_vectors, run_picker, run_scored_class, run_word_scores
from embedlab_ui.session import literal, show_error
from embedlab_ui.vectors import current_vectors

SOURCE_VECTORS, SOURCE_RUN = "Current vectors (sidebar)", "A run's learned embedding"
WORDS_TOP, WORDS_DATASET, WORDS_PASTED, WORDS_NEIGHBOURHOOD = (
    "Most frequent", "The current dataset's words", "A pasted list", "Neighbourhood of a word")
COLOUR_NONE, COLOUR_CLUSTER, COLOUR_MODEL, COLOUR_DATASET, COLOUR_LIST = (
    "None", "Cluster (KMeans)", "Trained model's sentiment", "Class-frequency ratio in the dataset",
    "Membership in a list")
VIEW_MAP, VIEW_COMPARE, VIEW_AXIS = "Map", "Compare two sources", "Sentiment axis"
PASTED = ("king queen prince princess man woman boy girl paris france berlin germany london england rome italy "
          "good bad great terrible happy sad")


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
            chosen = colouring.score_colouring(run_word_scores(scoring_run, words), scoring_run.name,
                                               run_scored_class(scoring_run))
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


def value_or_error(pick, *args):
    """``pick(*args)``, or None after showing its error there: the settings below it are still drawn,
    since Streamlit forgets the values of widgets that a run does not draw."""
    try:
        return pick(*args)
    except EmbedLabError as error:
        show_error(error)
        return None

