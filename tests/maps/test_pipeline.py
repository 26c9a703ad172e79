"""``build_map`` and ``project`` on vectors of fewer dimensions than the map, and the map's exports."""

import numpy as np
import pytest

from embedlab.maps.pipeline import MapParams, build_map
from embedlab.maps.projection import project
from embedlab.vectors.word_vectors import WordVectors


def _vectors(dim: int, n: int = 12) -> WordVectors:
    values = np.random.default_rng(3).normal(size=(n, dim)).astype(np.float32)
    return WordVectors([f"w{i}" for i in range(n)], values, name=f"{dim}-d")


@pytest.mark.parametrize("metric", ["euclidean", "cosine"])
@pytest.mark.parametrize("n_components", [2, 3])
def test_one_dimensional_vectors_make_a_pca_map_on_a_line(n_components, metric):
    vectors = _vectors(1)
    word_map = build_map(vectors, vectors.words, MapParams("pca", n_components, metric=metric))
    coords = word_map.coords
    assert coords.shape == (12, n_components) and np.isfinite(coords).all()
    np.testing.assert_array_equal(coords[:, 1:], 0.0)  # on a line: y (and z) = 0
    if metric == "euclidean":  # the line keeps the words' order and spacing
        values = vectors.vectors[:, 0]
        np.testing.assert_allclose(np.abs(coords[:, 0]), np.abs(values - values.mean()), rtol=1e-5)
    assert word_map.projection.explained_variance[1:] == [0.0] * (n_components - 1)
    assert any("1 dimension" in note and "line" in note for note in word_map.projection.notes)
    word_map.figure()  # the figure (frame, labels) is drawn too
    assert list(word_map.table().columns) == ["word", "x", "y", "z"][: n_components + 1]


def test_two_dimensional_vectors_make_a_flat_3d_pca_map():
    vectors = _vectors(2)
    projection = project(vectors.vectors, method="pca", n_components=3, metric="euclidean")
    assert projection.coords.shape == (12, 3)
    np.testing.assert_array_equal(projection.coords[:, 2], 0.0)
    np.testing.assert_allclose(projection.coords[:, :2], project(vectors.vectors, method="pca",
                                                                 metric="euclidean").coords)
    assert any("2 dimensions" in note and "z = 0" in note for note in projection.notes)


def test_vectors_with_enough_dimensions_have_no_such_note():
    assert project(_vectors(5).vectors, method="pca").notes == []


def test_the_coordinate_csv_keeps_formula_like_words_inert():
    words = ["=HYPERLINK(\"http://x\")", "+cmd", "-1", "@sum", "plain", "'=quoted", "a", "b", "c", "d"]
    vectors = WordVectors(words, np.random.default_rng(0).normal(size=(10, 4)).astype(np.float32), name="hostile")
    word_map = build_map(vectors, words, MapParams("pca"))
    import io

    import pandas as pd

    from embedlab.data.spreadsheet import restored

    table = pd.read_csv(io.StringIO(word_map.csv()), dtype={"word": str})
    assert table["word"].tolist()[:6] == ["'=HYPERLINK(\"http://x\")", "'+cmd", "'-1", "'@sum", "plain", "''=quoted"]
    np.testing.assert_allclose(table[["x", "y"]].to_numpy(), word_map.coords, rtol=1e-6)
    assert restored(table)["word"].tolist() == words  # reversible, as the other exports
