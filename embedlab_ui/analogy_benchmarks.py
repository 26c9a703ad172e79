"""The Analogies page's Benchmarks tab: Google's analogy questions, WordSim353 and SimLex-999.

Each score depends only on the vector set's content and the searched vocabulary, so it is cached
by exactly those (``vectors.fingerprint``, ``restrict_vocab``) and shared by every visitor who asks.
"""

from __future__ import annotations

import streamlit as st

from embedlab.errors import EmbedLabError
from embedlab_ui import benchmark_tables, numbers, vector_charts
from embedlab_ui.session import show_error


@st.cache_data(show_spinner=False, max_entries=16)
def analogy_benchmark(vectors_fingerprint: str, restrict_vocab: int, _vectors) -> dict:
    """Google analogy scores of one vector set, keyed by its content (the progress bar replays empty)."""
    from embedlab.vectors.benchmarks import evaluate_word_analogies

    bar = st.progress(0.0, "Answering the analogy questions…")
    result = evaluate_word_analogies(_vectors, restrict_vocab=restrict_vocab,
                                     progress=lambda fraction, message: bar.progress(fraction, message))
    bar.empty()
    return {**result.to_dict(), "skipped_examples": result.skipped_examples, "counts": result.counts_sentence()}


@st.cache_data(show_spinner="Scoring WordSim353 and SimLex999…", max_entries=16)
def similarity_benchmark(vectors_fingerprint: str, restrict_vocab: int, _vectors) -> list[dict]:
    """WordSim353 and SimLex999 correlations of one vector set, keyed by its content."""
    from embedlab.vectors.benchmarks import evaluate_similarity_sets

    return [result.to_dict() for result in evaluate_similarity_sets(_vectors, restrict_vocab=restrict_vocab)]


def show_analogy_scores(vectors, key: tuple) -> None:
    result = analogy_benchmark(*key, vectors)
    total = result["total"]
    st.metric("Analogy accuracy", numbers.percent(total["accuracy"]),
              help=f"{numbers.count(total['correct'])} of {numbers.count(total['questions'])} questions scored")
    st.caption(result["counts"] + ".")
    st.plotly_chart(vector_charts.section_accuracy_figure(benchmark_tables.section_rows(result), vectors.name),
                    key="analogies.sections_chart")
    table = benchmark_tables.section_table(result)
    st.dataframe(table, hide_index=True, width="stretch", height=35 * (len(table) + 1) + 3,  # every row, totals too
                 key="analogies.sections_table")
    with st.expander("Some wrong answers (a is to b as c is to expected; the vectors said answer)"):
        st.dataframe(benchmark_tables.wrong_table(result), hide_index=True, width="stretch")
    if result["skipped_examples"]:
        with st.expander(f"Skipped questions ({numbers.count(result['skipped'])}): a word is missing"):
            st.dataframe(benchmark_tables.skipped_table(result["skipped_examples"]), hide_index=True, width="stretch")
            if result["skipped"] > len(result["skipped_examples"]):
                st.caption(f"The first {len(result['skipped_examples'])} are listed.")


def show_benchmarks(vectors) -> None:
    st.caption("Google's 19,544 analogy questions and two sets of human similarity judgements, scored with "
               "gensim's rules (questions with a word outside the searched vocabulary are skipped and counted).")
    restrict_vocab = int(st.number_input("Known words (the N most frequent)", min_value=1, value=300_000,
                                         step=10_000, key="analogies.benchmark_restrict"))
    key = (vectors.fingerprint, restrict_vocab)
    done = st.session_state["analogies.benchmarked"]
    left, right = st.columns(2)
    if left.button("Score analogies", type="primary", key="analogies.run_analogies"):
        done.add(("analogies", *key))
    if right.button("Score word similarity", key="analogies.run_similarity"):
        done.add(("similarity", *key))
    try:
        if ("analogies", *key) in done:
            show_analogy_scores(vectors, key)
        if ("similarity", *key) in done:
            results = similarity_benchmark(*key, vectors)
            st.plotly_chart(vector_charts.correlation_figure(results, vectors.name), key="analogies.similarity_chart")
            st.dataframe(benchmark_tables.similarity_table(results), hide_index=True, width="stretch",
                         key="analogies.similarity_table")
    except EmbedLabError as error:
        show_error(error)
