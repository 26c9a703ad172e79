"""Vector queries: exact answers on tiny vectors, clear errors, and parity with gensim on GloVe."""

from __future__ import annotations

import numpy as np
import pytest

from embedlab.errors import EmbedLabError
from embedlab.vectors.similarity import (
    MAX_TOPN, analogy_map, most_similar, neighbours, similarity, solve_analogy,
)
from tests.gensim_reference import glove_keyed_vectors, keyed_vectors


@pytest.mark.parametrize("method", ["cosadd", "cosmul"])
def test_king_minus_man_plus_woman_is_queen(tiny_vectors, method):
    results = most_similar(tiny_vectors, positive=["king", "woman"], negative=["man"], method=method)
    assert results[0][0] == "queen"
    assert {"king", "woman", "man"}.isdisjoint(word for word, _ in results)
    scores = [score for _, score in results]
    assert scores == sorted(scores, reverse=True)


@pytest.mark.parametrize("method", ["cosadd", "cosmul"])
def test_tiny_scores_match_gensim(tiny_vectors, method):
    kv = keyed_vectors(tiny_vectors)
    reference = (kv.most_similar if method == "cosadd" else kv.most_similar_cosmul)(
        positive=["king", "woman"], negative=["man"], topn=3)
    ours = most_similar(tiny_vectors, ["king", "woman"], ["man"], topn=3, method=method)
    assert [word for word, _ in ours] == [word for word, _ in reference]
    assert [score for _, score in ours] == pytest.approx([score for _, score in reference], abs=1e-5)


def test_inputs_can_be_included_and_vocabulary_restricted(tiny_vectors):
    included = most_similar(tiny_vectors, ["king", "woman"], ["man"], topn=6, exclude_inputs=False)
    assert {"king", "woman", "man"} <= {word for word, _ in included}
    restricted = most_similar(tiny_vectors, ["king", "woman"], ["man"], topn=6, restrict_vocab=2)
    assert [word for word, _ in restricted] == ["queen"]  # king (row 0) is an input; only queen is left


def test_neighbours_similarity_and_map(tiny_vectors):
    assert neighbours(tiny_vectors, "king", topn=1)[0][0] == "prince"
    king, prince = tiny_vectors["king"], tiny_vectors["prince"]
    expected = float(king @ prince / np.linalg.norm(king) / np.linalg.norm(prince))
    assert similarity(tiny_vectors, "king", "prince") == pytest.approx(expected, abs=1e-6)
    assert similarity(tiny_vectors, " king ", "king") == pytest.approx(1.0, abs=1e-6)
    points = analogy_map(tiny_vectors, ["man", "king", "woman", "queen"], neighbours_per_word=1)
    assert {"man", "king", "woman", "queen"} <= {point["word"] for point in points}
    assert all(np.isfinite([point["x"], point["y"]]).all() for point in points)


@pytest.mark.parametrize("expected, rank, phrase", [
    ("queen", 1, "answer #1"),
    ("prince", 3, "not in the top 1: it ranks #3 of 3"),
    ("king", None, "one of the query words"),
    ("kinq", None, "Did you mean: king"),
])
def test_expected_answer_gets_its_rank(tiny_vectors, expected, rank, phrase):
    answer = solve_analogy(tiny_vectors, ["king", "woman"], ["man"], topn=1, expected=expected)
    assert answer.expected_rank == rank
    assert phrase in answer.expected_note


@pytest.mark.parametrize("positive, negative, kwargs, message", [
    (["kinq", "woman"], ["man"], {}, "Did you mean: king"),
    (["king", " "], ["man"], {}, "a word field is empty"),
    (["king", "woman"], [""], {}, "a word field is empty"),
    (["king", "king"], ["man"], {}, "'king' is given twice"),
    (["king", "woman"], ["king"], {}, "as both positive and negative"),
    ([], ["man"], {}, "no positive word"),
    (["king"], [], {"topn": 0}, "topn is 0"),
    (["king"], [], {"topn": MAX_TOPN + 1}, "topn is 1001"),
    (["king"], [], {"topn": "3"}, "topn is '3'"),
    (["king"], [], {"restrict_vocab": 0}, "restrict_vocab is 0"),
    (["king"], [], {"method": "cosine"}, "unknown method 'cosine'"),
])
def test_bad_queries_say_what_to_fix(tiny_vectors, positive, negative, kwargs, message):
    with pytest.raises(EmbedLabError, match=message):
        most_similar(tiny_vectors, positive, negative, **kwargs)


@pytest.mark.parametrize("first, second, message", [("king", "", "a word field is empty"),
                                                     ("kinq", "queen", "Did you mean: king")])
def test_bad_similarity_inputs(tiny_vectors, first, second, message):
    with pytest.raises(EmbedLabError, match=message):
        similarity(tiny_vectors, first, second)


PARITY_WORDS = 50_000  # the most frequent GloVe words: the same formulas on an eighth of the vocabulary


@pytest.fixture(scope="module")
def glove_head(glove):
    return glove.head(PARITY_WORDS)


@pytest.fixture(scope="module")
def glove_questions(glove_head, gensim_test_data):
    """500 Google analogy questions (a fixed random sample) whose words are all among the searched words."""
    questions = []
    for line in (gensim_test_data / "questions-words.txt").read_text().splitlines():
        words = line.lower().split()
        if len(words) == 4 and all(word in glove_head for word in words):
            questions.append(words)
    rows = np.random.default_rng(0).choice(len(questions), size=500, replace=False)
    return [questions[row] for row in rows]


@pytest.mark.parametrize("method", ["cosadd", "cosmul"])
def test_top_answers_match_gensim_on_glove(glove_head, glove_questions, method):
    kv = glove_keyed_vectors(PARITY_WORDS)
    reference = kv.most_similar if method == "cosadd" else kv.most_similar_cosmul
    disagreements = []
    for a, b, c, _ in glove_questions:
        theirs = reference(positive=[b, c], negative=[a], topn=1)[0]
        ours = most_similar(glove_head, [b, c], [a], topn=1, method=method)[0]
        assert ours[1] == pytest.approx(theirs[1], abs=1e-5)
        if ours[0] != theirs[0]:
            disagreements.append((a, b, c, ours, theirs))
    assert disagreements == []


def test_restricted_search_matches_gensim_on_glove(glove_head):
    kv = glove_keyed_vectors(PARITY_WORDS)
    theirs = kv.most_similar(positive=["paris", "germany"], negative=["france"], topn=10, restrict_vocab=5_000)
    ours = most_similar(glove_head, ["paris", "germany"], ["france"], topn=10, restrict_vocab=5_000)
    assert [word for word, _ in ours] == [word for word, _ in theirs]


def test_a_word_known_only_in_lower_case_is_looked_up_lower_cased_and_said_so(tiny_vectors):
    from embedlab.vectors.similarity import check_query, lookup

    assert lookup(tiny_vectors, "King") == ("king", "'King' is not in tiny; its lower-case form 'king' was used.")
    assert lookup(tiny_vectors, "king") == ("king", None)
    with pytest.raises(EmbedLabError, match="Did you mean: king"):
        lookup(tiny_vectors, "Kinq")
    query = check_query(tiny_vectors, ["King", "woman"], ["Man"])
    assert query.positive == ("king", "woman") and query.negative == ("man",)
    assert query.notes == ("'King' is not in tiny; its lower-case form 'king' was used.",
                           "'Man' is not in tiny; its lower-case form 'man' was used.")
    answer = solve_analogy(tiny_vectors, ["King", "woman"], ["Man"], expected="Queen")
    assert answer.results[0][0] == "queen" and answer.expected_rank == 1
    assert neighbours(tiny_vectors, "Prince", topn=1)[0][0] == "king"
    assert similarity(tiny_vectors, "King", "Queen") == similarity(tiny_vectors, "king", "queen")


@pytest.fixture
def with_zero_vector(tiny_vectors):
    from embedlab.vectors.word_vectors import WordVectors

    vectors = np.vstack([tiny_vectors.vectors, np.zeros((1, 3), dtype=np.float32)])
    return WordVectors([*tiny_vectors.words, "blank"], vectors, name="tiny")


def test_queries_with_an_all_zero_vector_say_so(with_zero_vector):
    from embedlab.vectors.similarity import check_query, neighbour_notes, zero_vector_notes

    zero = "'blank' has an all-zero vector in tiny"
    assert similarity(with_zero_vector, "king", "blank") == 0.0
    assert any(note.startswith(zero) for note in zero_vector_notes(with_zero_vector, ["king", "Blank"]))
    assert zero_vector_notes(with_zero_vector, ["king", "queen"]) == []
    assert any(zero in note for note in check_query(with_zero_vector, ["king", "blank"], ["man"]).notes)
    answer = solve_analogy(with_zero_vector, ["blank"], topn=3)
    assert {score for _, score in answer.results} == {0.0} and any(zero in note for note in answer.query.notes)
    assert any(zero in note for note in neighbour_notes(with_zero_vector, "blank"))
    assert check_query(with_zero_vector, ["king", "woman"], ["man"]).notes == ()


def test_neighbours_of_the_only_word_say_there_is_nothing_to_compare_with(tiny_vectors):
    from embedlab.vectors.similarity import neighbour_notes
    from embedlab.vectors.word_vectors import WordVectors

    alone = WordVectors(["hello"], np.ones((1, 3), dtype=np.float32), name="one.txt")
    assert neighbours(alone, "hello") == []
    assert neighbour_notes(alone, "hello") == [
        "'hello' is the only word in one.txt, so there are no other words to compare it with — load vectors of "
        "more words"]
    assert neighbours(tiny_vectors, "king", restrict_vocab=1) == []
    assert "no other word among the 1 most frequent words searched" in neighbour_notes(tiny_vectors, "king",
                                                                                       restrict_vocab=1)[0]
    assert neighbour_notes(tiny_vectors, "king") == [] and neighbour_notes(tiny_vectors, "queen", 1) == []
