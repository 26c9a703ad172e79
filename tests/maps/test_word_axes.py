"""Axes made of words: each word's coordinate is its projection on (mean of end words − mean of start words)."""

import numpy as np
import pytest

from embedlab.errors import EmbedLabError
from embedlab.maps.word_axes import SUGGESTED_PAIRS, Axis, word_axes


def test_coordinates_are_projections_on_the_difference_of_means(tiny_vectors):
    x, y = Axis(["man"], ["woman"]), Axis(["apple"], ["king", "queen"])
    axes = word_axes(tiny_vectors, tiny_vectors.words, x, y)

    unit = tiny_vectors.vectors / np.linalg.norm(tiny_vectors.vectors, axis=1, keepdims=True)
    row = {w: i for i, w in enumerate(tiny_vectors.words)}
    for column, axis in enumerate((x, y)):
        gap = unit[[row[w] for w in axis.end]].mean(axis=0) - unit[[row[w] for w in axis.start]].mean(axis=0)
        np.testing.assert_allclose(axes.coords[:, column], unit @ gap / np.linalg.norm(gap), rtol=1e-5, atol=1e-6)


def test_queen_sits_on_the_woman_side_and_king_on_the_man_side(tiny_vectors):
    axes = word_axes(tiny_vectors, ["king", "queen"], Axis(["man"], ["woman"]), Axis(["apple"], ["king"]))
    king, queen = axes.coords
    assert queen[0] > 0 > king[0]


def test_glove_places_good_words_right_of_bad_ones(glove):
    axes = word_axes(glove, ["excellent", "wonderful", "horrible", "awful"], Axis(["bad"], ["good"]),
                     Axis(["she"], ["he"]))
    x = dict(zip(axes.words, axes.coords[:, 0]))
    assert min(x["excellent"], x["wonderful"]) > max(x["horrible"], x["awful"])


def test_every_suggested_pair_is_in_glove(glove):
    for start, end in SUGGESTED_PAIRS.values():
        word_axes(glove, ["the"], Axis.from_text(start, end), Axis.from_text(start, end))


@pytest.mark.parametrize("start, end, message", [
    ("", "good", "no words at its start"),
    ("man", "kingg zzqx", "2 word\\(s\\) of the axis .* are not in tiny.*Did you mean: king"),
    ("king", "king", "same mean vector"),
])
def test_bad_axes_say_what_to_fix(tiny_vectors, start, end, message):
    with pytest.raises(EmbedLabError, match=message):
        word_axes(tiny_vectors, ["king"], Axis.from_text(start, end), Axis(["man"], ["woman"]))
