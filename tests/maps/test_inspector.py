"""The inspector: nearest words by cosine in the original space, each with its distance and rank on the map."""

import numpy as np
import pytest

from embedlab.errors import EmbedLabError
from embedlab.maps.inspector import inspect_word, is_typed_query, parse_typed_query
from embedlab.vectors.word_vectors import WordVectors


@pytest.fixture
def random_map():
    rng = np.random.default_rng(7)
    words = [f"w{i}" for i in range(300)]
    vectors = WordVectors(words, rng.normal(size=(300, 20)).astype(np.float32), name="random")
    coords = rng.normal(size=(300, 2)).astype(np.float32)
    return vectors, words, coords


@pytest.mark.parametrize("word, k", [("w0", 1), ("w17", 10), ("w299", 40)])
def test_neighbours_match_a_brute_force_cosine_and_map_distance(random_map, word, k):
    vectors, words, coords = random_map
    inspection = inspect_word(vectors, words, coords, word, k=k)

    unit = vectors.vectors / np.linalg.norm(vectors.vectors, axis=1, keepdims=True)
    row = words.index(word)
    cosines = unit @ unit[row]
    expected = [j for j in np.argsort(-cosines) if j != row][:k]
    assert [n.word for n in inspection.neighbours] == [words[j] for j in expected]
    np.testing.assert_allclose([n.cosine for n in inspection.neighbours], cosines[expected], rtol=1e-5)
    distances = np.sqrt(((coords - coords[row]) ** 2).sum(axis=1))
    np.testing.assert_allclose([n.map_distance for n in inspection.neighbours], distances[expected], rtol=1e-5)
    # rank on the map: 1 + how many other points the map drew strictly nearer
    expected_ranks = [int((np.delete(distances, row) < distances[j]).sum()) + 1 for j in expected]
    assert [n.map_rank for n in inspection.neighbours] == expected_ranks
    assert inspection.words[0] == word and word not in inspection.words[1:]


def test_a_map_that_kept_the_neighbourhood_ranks_it_first(tiny_vectors):
    words = tiny_vectors.words  # king queen man woman apple prince
    coords = np.array([[0, 0], [5, 5], [9, 9], [8, 8], [20, 20], [0.1, 0]], dtype=np.float32)
    inspection = inspect_word(tiny_vectors, words, coords, "king", k=1)
    assert inspection.neighbours[0].word == "prince" and inspection.neighbours[0].map_rank == 1
    assert inspection.kept() == 1


def test_k_larger_than_the_map_lists_every_other_word(tiny_vectors):
    coords = np.arange(12, dtype=np.float32).reshape(6, 2)
    assert len(inspect_word(tiny_vectors, tiny_vectors.words, coords, "queen", k=50).neighbours) == 5


@pytest.mark.parametrize("word, k, message", [
    ("apple", 5, "not among the mapped words"),
    ("kingg", 5, "Did you mean: king"),
    ("king", 0, "1 to 200"),
])
def test_bad_inspections_say_what_to_do(tiny_vectors, word, k, message):
    words = ["king", "queen", "man", "woman", "prince"]
    coords = np.zeros((5, 2), dtype=np.float32)
    with pytest.raises(EmbedLabError, match=message):
        inspect_word(tiny_vectors, words, coords, word, k=k)


@pytest.mark.parametrize("text, positive, negative", [
    ("king - man + woman", ["king", "woman"], ["man"]),
    ("paris − france + italy", ["paris", "italy"], ["france"]),
    ("- man + woman", ["woman"], ["man"]),
    ("king + queen", ["king", "queen"], []),
])
def test_typed_queries_split_into_gensims_positive_and_negative(text, positive, negative):
    assert is_typed_query(text)
    assert parse_typed_query(text) == (positive, negative)


@pytest.mark.parametrize("text", ["king", "e-mail", "-lrb-", "king queen"])
def test_words_with_hyphens_are_words_not_queries(text):
    assert not is_typed_query(text)


@pytest.mark.parametrize("text, message", [
    ("king - + woman", "two operators in a row"),
    ("king man + woman", "no \\+ or - between"),
    ("king - man +", "ends with an operator"),
])
def test_malformed_queries_say_how_to_write_them(text, message):
    with pytest.raises(EmbedLabError, match=message):
        parse_typed_query(text)
