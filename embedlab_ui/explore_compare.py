"""Explore's other views: two sources compared on one map, and a run's sentiment axis."""

from __future__ import annotations

import streamlit as st

from embedlab.maps.projection import MAX_WORDS
from embedlab_ui import numbers
from embedlab_ui.explore_pickers import pick_source, show_notes, value_or_error
from embedlab_ui.maps import figure_exports, map_settings, map_with_preview, trust_caption
from embedlab_ui.runs import learned_vectors, run_picker, run_scored_class, run_word_scores
from embedlab_ui.session import literal


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
               f"orthogonal to it. Colour: the model's p({literal(run_scored_class(scoring_run))}) for the word alone.")
    fig = axis.figure()
    st.plotly_chart(fig, key="explore.axis_chart")
    figure_exports(fig, axis.table(), "explore.axis", "sentiment_axis")
