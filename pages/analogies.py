"""Analogies: king − man + woman, nearest neighbours, similarity, and the standard benchmarks."""

from __future__ import annotations


import streamlit as st

from embedlab.errors import EmbedLabError
from embedlab.vectors.similarity import METHODS, analogy_map, neighbors, similarity, solve_analogy
from embedlab_ui import vector_charts
from embedlab_ui.session import route_through_app, show_error
from embedlab_ui.vectors import current_vectors

route_through_app()  # a deep link on a fresh server still gets app.py's frame

FORM, LISTS = "a − b + c", "Lists of positive and negative words"
METHOD_LABELS = {"cosadd": "3CosAdd", "cosmul": "3CosMul"}
MAX_MAP_WORDS = 12  # query words in the map; each brings a few neighbours


def split_words(text: str) -> list[str]:
    """Words typed in one box, separated by commas or spaces."""
    return [word for word in text.replace(",", " ").split() if word]


def ranked_table(results: list[tuple[str, float]], score_name: str = "score"):
    import pandas as pd

    return pd.DataFrame({"rank": range(1, len(results) + 1), "word": [word for word, _ in results],
                         score_name: [score for _, score in results]})


def query_inputs(mode: str) -> tuple[list[str], list[str], list[tuple[str, str]], str]:
    """The words of the query in the chosen mode; arrows for the map; the expected answer."""
    if mode == FORM:
        st.caption("**a − b + c**: start from *a*, take away *b*, add *c*. It reads “*b* is to *a* as *c* is to ?”: "
                   "man is to king as woman is to … queen. In gensim's words: positive = [a, c], negative = [b].")
        left, middle, right, expected_column = st.columns(4)
        a = left.text_input("a (start from)", value="king", key="analogies.a")
        b = middle.text_input("− b (take away)", value="man", key="analogies.b")
        c = right.text_input("+ c (add)", value="woman", key="analogies.c")
        expected = expected_column.text_input("Expected answer (optional)", key="analogies.expected",
                                              placeholder="e.g. queen")
        return [a, c], [b], [(b, a), (c, "?")], expected
    left, right, expected_column = st.columns(3)
    positive = left.text_input("Positive words (pull toward the answer)", value="king, woman",
                               key="analogies.positive", help="Separate words with commas or spaces.")
    negative = right.text_input("Negative words (push away from it)", value="man", key="analogies.negative",
                                help="May be left empty: then this lists the neighbours of the positive words.")
    expected = expected_column.text_input("Expected answer (optional)", key="analogies.expected_lists",
                                          placeholder="e.g. queen")
    return split_words(positive), split_words(negative), [], expected


def query_options(vectors) -> dict:
    left, middle, right = st.columns([2, 1, 2])
    method = left.radio("Method", list(METHODS), format_func=METHOD_LABELS.get, horizontal=True,
                        key="analogies.method")
    left.caption(METHODS[method])
    topn = middle.number_input("Answers", min_value=1, max_value=100, value=10, key="analogies.topn")
    exclude = right.toggle("Exclude the input words", value=True, key="analogies.exclude")
    right.caption("The query words are left out of the answers (gensim's rule)." if exclude else
                  "The query words may appear among the answers (often the top one).")
    restrict = right.toggle("Search only the most frequent words", value=False, key="analogies.restrict_on")
    restrict_vocab = None
    if restrict:
        restrict_vocab = right.number_input("How many of the most frequent words", min_value=1,
                                            max_value=len(vectors), value=min(30_000, len(vectors)), step=1_000,
                                            key="analogies.restrict")
    return {"method": method, "topn": int(topn), "exclude_inputs": exclude,
            "restrict_vocab": None if restrict_vocab is None else int(restrict_vocab)}


def show_analogy(vectors) -> None:
    mode = st.radio("Query", [FORM, LISTS], horizontal=True, key="analogies.mode")
    with st.form("analogies.form", border=False):
        positive, negative, arrows, expected = query_inputs(mode)
        st.form_submit_button("Solve", type="primary")
    options = query_options(vectors)
    try:
        answer = solve_analogy(vectors, positive, negative, expected=expected, **options)
    except EmbedLabError as error:
        show_error(error)
        return
    if not answer.results:
        st.info("No word is left to answer with; search more words or include the input words.")
        return
    if answer.expected_note:
        (st.success if answer.expected_rank and answer.expected_rank <= options["topn"] else st.info)(
            answer.expected_note)
    results_column, map_column = st.columns([2, 3])
    results_column.dataframe(ranked_table(answer.results), hide_index=True, width="stretch",
                             key="analogies.results")
    top_answer = answer.results[0][0]
    map_words = [*answer.query.positive, *answer.query.negative, top_answer][:MAX_MAP_WORDS]
    try:
        points = analogy_map(vectors, map_words, neighbors_per_word=4)
    except EmbedLabError as error:
        show_error(error)
        return
    arrows = [(start, top_answer if end == "?" else end) for start, end in arrows]
    with map_column:
        st.plotly_chart(vector_charts.analogy_figure(points, arrows), key="analogies.map")
        st.caption("Your words, the top answer and four neighbours of each, projected to 2-D with PCA. "
                   + ("The red arrows b → a and c → answer are the two sides of the parallelogram: the more "
                      "parallel, the cleaner the analogy." if arrows else ""))


def show_neighbours(vectors) -> None:
    left, right = st.columns(2)
    with left:
        st.subheader("Nearest neighbours")
        word = st.text_input("Word", value="frog", key="analogies.neighbor_word")
        topn = st.number_input("How many", min_value=1, max_value=100, value=10, key="analogies.neighbor_topn")
        try:
            st.dataframe(ranked_table(neighbors(vectors, word, topn=int(topn)), "cosine"), hide_index=True,
                         width="stretch", key="analogies.neighbors")
        except EmbedLabError as error:
            show_error(error)
    with right:
        st.subheader("Similarity of two words")
        first = st.text_input("First word", value="cat", key="analogies.similarity_first")
        second = st.text_input("Second word", value="dog", key="analogies.similarity_second")
        try:
            st.metric("Cosine similarity", f"{similarity(vectors, first, second):.4f}")
            st.caption("1 = the same direction, 0 = unrelated, −1 = opposite.")
        except EmbedLabError as error:
            show_error(error)


@st.cache_data(show_spinner=False, max_entries=16)
def analogy_benchmark(vectors_fingerprint: str, restrict_vocab: int, _vectors) -> dict:
    """Google analogy scores of one vector set, keyed by its content (the progress bar replays empty)."""
    from embedlab.vectors.benchmarks import evaluate_word_analogies

    bar = st.progress(0.0, "Answering the analogy questions…")
    result = evaluate_word_analogies(_vectors, restrict_vocab=restrict_vocab,
                                     progress=lambda fraction, message: bar.progress(fraction, message))
    bar.empty()
    return result.to_dict()


@st.cache_data(show_spinner="Scoring WordSim353 and SimLex999…", max_entries=16)
def similarity_benchmark(vectors_fingerprint: str, restrict_vocab: int, _vectors) -> list[dict]:
    """WordSim353 and SimLex999 correlations of one vector set, keyed by its content."""
    from embedlab.vectors.benchmarks import evaluate_similarity_sets

    return [result.to_dict() for result in evaluate_similarity_sets(_vectors, restrict_vocab=restrict_vocab)]


def show_benchmarks(vectors) -> None:
    import pandas as pd

    st.caption("Google's 19,544 analogy questions and two sets of human similarity judgements, scored with "
               "gensim's rules (questions with a word outside the searched vocabulary are skipped).")
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
            result = analogy_benchmark(*key, vectors)
            total = result["total"]
            st.metric("Analogy accuracy", f"{total['accuracy']:.2%}",
                      help=f"{total['correct']:,} of {total['questions']:,} questions; "
                           f"{result['skipped']:,} skipped for unknown words")
            sections = pd.DataFrame(result["sections"] + result["groups"])
            st.plotly_chart(vector_charts.section_accuracy_figure(sections, vectors.name), key="analogies.sections_chart")
            st.dataframe(sections, hide_index=True, width="stretch", key="analogies.sections_table",
                         column_config={"accuracy": st.column_config.NumberColumn(format="percent")})
            with st.expander("Some wrong answers (a is to b as c is to expected; the vectors said answer)"):
                st.dataframe(pd.DataFrame(result["wrong_examples"]), hide_index=True, width="stretch")
        if ("similarity", *key) in done:
            table = pd.DataFrame(similarity_benchmark(*key, vectors))
            st.plotly_chart(vector_charts.correlation_figure(table, vectors.name), key="analogies.similarity_chart")
            st.dataframe(table, hide_index=True, width="stretch", key="analogies.similarity_table")
    except EmbedLabError as error:
        show_error(error)


st.session_state.setdefault("analogies.benchmarked", set())  # benchmarks this visitor asked for

st.title("Analogies")
st.caption("Word arithmetic (king − man + woman ≈ queen), nearest neighbours, and how the vectors score on "
           "the standard benchmarks.")
vectors = current_vectors()
analogy_tab, neighbours_tab, benchmark_tab = st.tabs(["Analogy", "Neighbours & similarity", "Benchmarks"])
with analogy_tab:
    show_analogy(vectors)
with neighbours_tab:
    show_neighbours(vectors)
with benchmark_tab:
    show_benchmarks(vectors)
