"""Analogies page (AppTest): both methods side by side, one rule (every change applies at once), clear errors,
words looked up lower-cased, presentation mode, neighbours, similarity, benchmarks in one number style."""

import json

import pytest
from streamlit.testing.v1 import AppTest


@pytest.fixture
def at(project_root) -> AppTest:
    at = AppTest.from_file(str(project_root / "app.py"), default_timeout=120).run()
    at.switch_page("pages/analogies.py").run()
    assert not at.exception
    return at


def _ask(at: AppTest, a: str, b: str, c: str) -> AppTest:
    """Type the three words of a − b + c; each applies as it is entered (no Solve button)."""
    at.text_input(key="analogies.a").input(a)
    at.text_input(key="analogies.b").input(b)
    at.text_input(key="analogies.c").input(c)
    return at.run()


def _figure(at: AppTest, index: int = 0) -> dict:
    return json.loads(at.get("plotly_chart")[index].proto.spec)


def test_default_form_answers_queen_with_both_methods_side_by_side(at):
    assert not at.error
    # The answer first, in one line right under the words (the settings below it), then each method's list.
    assert [header.value for header in at.subheader][:3] == ["king − man + woman ≈ queen (both methods)", "3CosAdd",
                                                             "3CosMul"]
    for results in at.dataframe[:2]:
        assert results.value["word"].iloc[0] == "queen" and len(results.value) == 10
        assert {"king", "man", "woman"}.isdisjoint(results.value["word"])
    assert any("left out of the answers" in caption.value for caption in at.caption)
    assert len(at.get("plotly_chart")) == 1
    assert not [button for button in at.button if button.label == "Solve"]  # one rule: changes apply at once


def test_every_setting_and_word_applies_at_once(at):
    at.text_input(key="analogies.expected").input("princess").run()  # no button pressed
    notes = [element.value for element in [*at.info, *at.success]]
    assert sum("'princess' is" in note for note in notes) == 2  # one rank per method
    at.number_input(key="analogies.topn").set_value(3).run()
    assert [len(results.value) for results in at.dataframe[:2]] == [3, 3]
    at.toggle(key="analogies.exclude").set_value(False).run()
    assert any("may appear among the answers" in caption.value for caption in at.caption)
    _ask(at, "paris", "france", "italy")
    assert at.dataframe[0].value["word"].iloc[0] == "rome"


def test_a_capitalised_word_is_looked_up_lower_cased_and_the_page_says_so(at):
    _ask(at, "King", "man", "Woman")
    assert not at.error
    assert at.dataframe[0].value["word"].iloc[0] == "queen"
    notes = [info.value for info in at.info]
    assert "'King' is not in GloVe 6B 50d; its lower-case form 'king' was used." in notes
    assert "'Woman' is not in GloVe 6B 50d; its lower-case form 'woman' was used." in notes
    at.text_input(key="analogies.neighbour_word").input("Teacher").run()
    assert any("its lower-case form 'teacher' was used" in caption.value for caption in at.caption)
    assert "teachers" in set(at.dataframe[2].value["word"])


@pytest.mark.parametrize("words, message", [
    (("kinq", "man", "woman"), "Did you mean"),
    (("king", "king", "woman"), "'king' is given"),
    (("king", "", "woman"), "a word field is empty"),
])
def test_bad_words_get_clear_messages_and_the_page_keeps_running(at, words, message):
    _ask(at, *words)
    assert not at.exception
    assert message in at.error[0].value
    assert at.text_input(key="analogies.neighbour_word").value == "frog"  # the other tabs still render


def test_lists_mode_without_positive_words(at):
    at.radio(key="analogies.mode").set_value("Lists of positive and negative words").run()
    assert at.dataframe[0].value["word"].iloc[0] == "queen"
    at.text_input(key="analogies.positive").input("  ").run()
    assert "no positive word" in at.error[0].value


def test_presentation_mode_enlarges_type_tables_and_map_labels(at):
    assert _figure(at)["data"][1]["textfont"]["size"] <= 15
    at.toggle(key="analogies.present").set_value(True).run()
    assert not at.exception
    figure = _figure(at)
    assert min(trace["textfont"]["size"] for trace in figure["data"]) >= 24
    assert len(at.table) == 2 and len(at.dataframe) < 2  # the answers as large HTML tables
    assert any("font-size" in html.proto.body for html in at.get("html"))


def test_neighbours_and_similarity_tab(at):
    at.text_input(key="analogies.neighbour_word").input("paris").run()
    neighbours = at.dataframe[2].value  # [0] and [1] are the analogy answers
    assert len(neighbours) == 10 and "paris" not in set(neighbours["word"])
    at.text_input(key="analogies.similarity_second").input("qqzzq").run()
    assert any("not in the vocabulary" in error.value for error in at.error)
    at.text_input(key="analogies.similarity_second").input("dog").run()
    assert 0.5 < float(at.metric[0].value) < 1.0 and len(at.metric[0].value) == 5  # three decimals


def test_word_similarity_benchmark_reads_in_one_number_style(at):
    at.button(key="analogies.run_similarity").click().run()
    assert not at.exception
    table = at.dataframe[-1].value
    assert list(table.columns) == ["Word-pair set", "Pairs scored", "Pairs with an unknown word", "Pearson",
                                   "Spearman"]
    assert table["Word-pair set"].tolist() == ["WordSim353", "SimLex999"]
    # SimLex999's oov_ratio 0.1001 is a percentage: one pair in 999, 0.1% — not 10%.
    assert table["Pairs with an unknown word"].tolist() == ["0.0%", "0.1%"]
    assert table["Pairs scored"].tolist() == ["353", "998"]
    assert all(len(value) == 5 and float(value) > 0 for value in table["Spearman"])  # 0.xxx


def test_analogy_benchmark_counts_skipped_questions_and_draws_totals_apart(at):
    at.number_input(key="analogies.benchmark_restrict").set_value(2_000).run()
    at.button(key="analogies.run_analogies").click().run()
    assert not at.exception and not at.error
    assert at.metric[-1].label == "Analogy accuracy" and at.metric[-1].value.endswith("%")
    counts = next(caption.value for caption in at.caption if "skipped because a word is missing" in caption.value)
    asked, skipped, scored = [int(part.split()[0].replace(",", "")) for part in
                              (counts, counts.split(", ")[1], counts.split("; ")[1])]
    assert asked == 19_544 and skipped + scored == asked and "from the first 2,000 words" in counts
    sections = at.dataframe[-3].value  # then the wrong answers and the skipped questions
    assert list(sections.columns) == ["Section", "Correct", "Questions", "Accuracy"]
    assert sections["Section"].tolist()[-2:] == ["Semantic total", "Syntactic total"]
    assert sum(int(value.replace(",", "")) for value in sections["Questions"].tolist()[-2:]) == scored
    assert all(value.endswith("%") for value in sections["Accuracy"])
    chart = _figure(at, 1)
    assert [trace["name"] for trace in chart["data"]] == ["section", "semantic / syntactic total"]
    assert chart["data"][0]["marker"]["color"] != chart["data"][1]["marker"]["color"]
    wrong = at.dataframe[-2].value
    assert list(wrong.columns) == ["Section", "a", "b", "c", "Expected", "Answer"]
    assert (wrong["Answer"] != wrong["Expected"]).all()
    skipped_table = at.dataframe[-1].value
    assert list(skipped_table.columns)[-1] == "Missing" and len(skipped_table) == 20


def test_each_methods_scores_come_with_their_scale(at):
    """3CosMul's scores can pass 1; said beside its table, with 3CosAdd's −1…1 and the neighbours' cosine."""
    captions = [caption.value for caption in at.caption]
    assert any("from −1 to 1 (1 = the same direction, 0 = unrelated)" in caption for caption in captions)
    [cosmul] = [caption for caption in captions if "Above 1 the word is closer to a and c together" in caption]
    assert "from 0 up, not a cosine" in cosmul
    assert any(caption.value.startswith("Cosine similarity, from −1 to 1") for caption in at.caption)


def test_two_methods_that_disagree_are_named_apart_in_the_answer_line(at):
    from embedlab_ui.analogy_view import answer_line

    def answer(method_top):
        return type("Answer", (), {"query": type("Query", (), {"positive": ("a", "c"), "negative": ("b",)}),
                                   "results": [(method_top, 0.9)]})

    assert answer_line({"cosadd": answer("x"), "cosmul": answer("y")}) == "a − b + c ≈ x (3CosAdd) · y (3CosMul)"
