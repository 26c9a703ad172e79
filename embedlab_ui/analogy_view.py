"""The Analogies page's Analogy tab: a − b + c answered by 3CosAdd and 3CosMul, with the parallelogram drawn.

The answer comes right under the words (the settings below it), so that in presentation mode at 1280×720
a projector shows the question and its answer on one screen. Each method's scores come with their scale.
"""

from __future__ import annotations

import streamlit as st

from embedlab.errors import EmbedLabError
from embedlab.vectors.similarity import METHODS
from embedlab_ui import numbers, vector_charts
from embedlab_ui.session import literal, show_error
from embedlab_ui.vector_queries import analogy_answer, analogy_points

FORM, LISTS = "a − b + c", "Lists of positive and negative words"
METHOD_LABELS = {"cosadd": "3CosAdd", "cosmul": "3CosMul"}
MAX_MAP_WORDS = 12  # query words in the map; each brings a few neighbours
# Each method's score in its own units, said beside its table: 3CosMul's pass 1, which reads as a mistake unsaid.
SCORE_SCALES = {
    "cosadd": "Score: the cosine similarity to a − b + c, from −1 to 1 (1 = the same direction, 0 = unrelated).",
    "cosmul": "Score: a ratio, from 0 up, not a cosine: each cosine is shifted to 0…1 (0.5 = unrelated), those to a "
              "and c multiplied, then divided by the one to b. Above 1 the word is closer to a and c together than "
              "to b; compare scores within this list, not with 3CosAdd's.",
}

def split_words(text: str) -> list[str]:
    """Words typed in one box, separated by commas or spaces."""
    return [word for word in text.replace(",", " ").split() if word]


def ranked_table(results: list[tuple[str, float]], score_name: str = "score"):
    import pandas as pd

    return pd.DataFrame({"rank": range(1, len(results) + 1), "word": [word for word, _ in results],
                         score_name: [numbers.score(value) for _, value in results]})


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
    left, middle, right = st.columns([1, 2, 2])
    topn = left.number_input("Answers", min_value=1, max_value=100, value=10, key="analogies.topn")
    exclude = middle.toggle("Exclude the input words", value=True, key="analogies.exclude")
    middle.caption("The query words are left out of the answers (gensim's rule)." if exclude else
                   "The query words may appear among the answers (often the top one).")
    restrict = right.toggle("Search only the most frequent words", value=False, key="analogies.restrict_on")
    restrict_vocab = None
    if restrict:
        restrict_vocab = right.number_input("How many of the most frequent words", min_value=1,
                                            max_value=len(vectors), value=min(30_000, len(vectors)), step=1_000,
                                            key="analogies.restrict")
    return {"topn": int(topn), "exclude_inputs": exclude,
            "restrict_vocab": None if restrict_vocab is None else int(restrict_vocab)}


def show_answers(answer, method: str, topn: int, large: bool) -> None:
    """One method's answers: its name and rule, the expected word's rank, the ranked words."""
    st.subheader(METHOD_LABELS[method])
    if answer.expected_note:
        shown = st.success if answer.expected_rank and answer.expected_rank <= topn else st.info
        shown(literal(answer.expected_note))
    table = ranked_table(answer.results)
    if large:  # a plain HTML table, whose type the presentation style can enlarge
        st.table(table.set_index("rank"))
    else:
        st.dataframe(table, hide_index=True, width="stretch", key=f"analogies.results.{method}")
    # Below the table, so both tables start level.
    st.caption(f"{METHODS[method].split(': ', 1)[1]}. {SCORE_SCALES[method]}")


def answer_line(answers: dict) -> str:
    """The question and each method's top answer in one line: ``king − man + woman ≈ queen (both methods)``."""
    query = answers["cosadd"].query
    words = list(query.positive[:1]) + [f"− {word}" for word in query.negative] + [
        f"+ {word}" for word in query.positive[1:]]
    tops = {METHOD_LABELS[method]: answer.results[0][0] for method, answer in answers.items() if answer.results}
    if len(set(tops.values())) == 1:
        found = f"{next(iter(tops.values()))} (both methods)"
    else:
        found = " · ".join(f"{word} ({method})" for method, word in tops.items())
    return f"{' '.join(words)} ≈ {found}"


def show_analogy(vectors, large: bool) -> None:
    st.caption("Every change applies at once: type a word and press Enter, or change a setting.")
    mode = st.radio("Query", [FORM, LISTS], horizontal=True, key="analogies.mode")
    positive, negative, arrows, expected = query_inputs(mode)
    answer_area = st.container()  # the answer right under the words; the settings that shape it below
    options = query_options(vectors)
    try:
        answers = {method: analogy_answer(vectors, positive, negative, method, options["topn"],
                                          options["exclude_inputs"], options["restrict_vocab"], expected)
                   for method in METHOD_LABELS}
    except EmbedLabError as error:
        show_error(error)
        return
    with answer_area:
        for note in answers["cosadd"].query.notes:
            st.info(literal(note), icon=":material/match_case:")
        if not answers["cosadd"].results:
            st.info("No word is left to answer with; search more words or include the input words.")
            return
        st.subheader(literal(answer_line(answers)), anchor=False)
        for column, (method, answer) in zip(st.columns(2), answers.items()):
            with column:
                show_answers(answer, method, options["topn"], large)
    query = answers["cosadd"].query
    tops = list(dict.fromkeys(answer.results[0][0] for answer in answers.values()))
    map_words = list(dict.fromkeys([*query.positive, *query.negative, *tops]))[:MAX_MAP_WORDS]
    try:
        points = analogy_points(vectors, map_words, neighbours_per_word=4)
    except EmbedLabError as error:
        show_error(error)
        return
    lookups = dict(zip(positive + negative, query.positive + query.negative))  # as typed → as looked up
    arrows = [(lookups.get(start, start), tops[0] if end == "?" else lookups.get(end, end)) for start, end in arrows]
    st.plotly_chart(vector_charts.analogy_figure(points, arrows, large=large), key="analogies.map")
    st.caption("Your words, the top answer of each method and four neighbours of each, projected to 2-D with PCA. "
               + ("The red arrows b → a and c → 3CosAdd's answer are the two sides of the parallelogram: the more "
                  "parallel, the cleaner the analogy." if arrows else ""))
