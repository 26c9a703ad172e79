"""Analogies page (AppTest): the default analogy, clear errors, neighbours, similarity, benchmarks."""

import pytest
from streamlit.testing.v1 import AppTest


@pytest.fixture
def at(project_root) -> AppTest:
    at = AppTest.from_file(str(project_root / "app.py"), default_timeout=120).run()
    at.switch_page("pages/analogies.py").run()
    assert not at.exception
    return at


def _solve(at: AppTest, a: str, b: str, c: str) -> AppTest:
    """Fill the three fields of the a − b + c form and press Solve (a form applies them together)."""
    at.text_input(key="analogies.a").input(a)
    at.text_input(key="analogies.b").input(b)
    at.text_input(key="analogies.c").input(c)
    return at.button[0].click().run()


def test_default_form_answers_queen_and_map_is_drawn(at):
    assert not at.error
    results = at.dataframe[0].value
    assert results["word"].iloc[0] == "queen"
    assert {"king", "man", "woman"}.isdisjoint(results["word"])
    assert len(results) == 10
    assert any("left out of the answers" in caption.value for caption in at.caption)
    assert len(at.get("plotly_chart")) == 1


def test_method_expected_answer_and_included_inputs(at):
    at.radio(key="analogies.method").set_value("cosmul").run()
    assert at.dataframe[0].value["word"].iloc[0] == "queen"
    at.text_input(key="analogies.expected").input("princess")
    at.button[0].click().run()
    assert any("'princess' is" in info.value for info in [*at.info, *at.success])
    at.toggle(key="analogies.exclude").set_value(False).run()
    assert any("may appear among the answers" in caption.value for caption in at.caption)


@pytest.mark.parametrize("words, message", [
    (("kinq", "man", "woman"), "Did you mean"),
    (("king", "king", "woman"), "'king' is given"),
    (("king", "", "woman"), "a word field is empty"),
])
def test_bad_words_get_clear_messages_and_the_page_keeps_running(at, words, message):
    _solve(at, *words)
    assert not at.exception
    assert message in at.error[0].value
    assert at.text_input(key="analogies.neighbor_word").value == "frog"  # the other tabs still render


def test_lists_mode_without_positive_words(at):
    at.radio(key="analogies.mode").set_value("Lists of positive and negative words").run()
    assert at.dataframe[0].value["word"].iloc[0] == "queen"
    at.text_input(key="analogies.positive").input("  ")
    at.button[0].click().run()
    assert "no positive word" in at.error[0].value


def test_neighbours_and_similarity_tab(at):
    at.text_input(key="analogies.neighbor_word").input("paris").run()
    neighbours = at.dataframe[1].value  # [0] is the analogy answers
    assert len(neighbours) == 10 and "paris" not in set(neighbours["word"])
    at.text_input(key="analogies.similarity_second").input("qqzzq").run()
    assert any("not in the vocabulary" in error.value for error in at.error)
    at.text_input(key="analogies.similarity_second").input("dog").run()
    assert 0.5 < float(at.metric[0].value) < 1.0


def test_word_similarity_benchmark_shows_both_sets(at):
    at.button(key="analogies.run_similarity").click().run()
    assert not at.exception
    table = at.dataframe[-1].value
    assert table["name"].tolist() == ["WordSim353", "SimLex999"]
    assert (table["spearman"] > 0).all()


def test_analogy_benchmark_shows_accuracy_per_section(at):
    at.number_input(key="analogies.benchmark_restrict").set_value(2_000).run()
    at.button(key="analogies.run_analogies").click().run()
    assert not at.exception and not at.error
    assert at.metric[-1].label == "Analogy accuracy"
    sections = at.dataframe[-2].value  # the last is the wrong answers
    assert len(sections) == 16  # 14 sections, then semantic and syntactic
    assert sections["section"].tolist()[-2:] == ["semantic", "syntactic"]
    assert len(at.get("plotly_chart")) == 2  # the analogy map and the per-section bars
    wrong = at.dataframe[-1].value
    assert list(wrong.columns) == ["section", "a", "b", "c", "expected", "answer"]
    assert (wrong["answer"] != wrong["expected"]).all()
