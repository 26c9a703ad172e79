"""Word maps: framed on the bulk of the points, labelled with telling words that neither overlap nor get cut off,
coloured on a readable centred scale; the Compare map names only the biggest moves and says how large they are."""

from __future__ import annotations

import numpy as np

from embedlab.maps.colouring import centred_range, score_colouring
from embedlab.maps.figures import word_map
from embedlab.maps.labels import frame, label_box, pixel_scale, readable_labels


def _cloud(n: int = 400, outliers: int = 3, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    coords = rng.uniform(-1, 1, size=(n, 2))
    coords[:outliers] = [[60.0 + i, -80.0] for i in range(outliers)]  # far away, like PCA's stray words
    return coords


def test_a_map_is_framed_on_the_bulk_and_counts_the_outliers():
    coords = _cloud()
    map_frame = frame(coords)
    assert map_frame.n_outside == 3 and map_frame.outside[:3].all()
    assert map_frame.x[1] < 10 and map_frame.y[0] > -10  # not stretched to the outliers at (60, -80)
    figure = word_map([f"w{i}" for i in range(400)], coords)
    assert figure.layout.xaxis.range == map_frame.x and figure.layout.yaxis.range == map_frame.y
    assert "3 outlying word(s) lie outside" in figure.layout.title.subtitle.text
    assert len(figure.data[0].x) == 400  # the outliers are still drawn: zooming out reaches them
    # Without outliers, the frame holds every point and the figure says nothing about outliers.
    small = np.random.default_rng(1).normal(size=(50, 2))
    assert frame(small).n_outside == 0 and not word_map([f"w{i}" for i in range(50)], small).layout.title.subtitle.text


def test_labels_are_telling_words_that_neither_overlap_nor_cross_the_frame():
    rng = np.random.default_rng(0)
    words = ["the", ",", "to", "&amp;", "government", "rome", "turin", "paris", "berlin"] + [
        f"word{i}" for i in range(300)]
    coords = rng.normal(size=(len(words), 2))
    coords[5] = coords[6] = [0.0, 0.0]  # "rome" and "turin" on the same spot: one label, not two piled up
    coords[4] = [np.quantile(coords[:, 0], 0.995) + 0.05, 0.0]  # "government" at the right edge of the frame
    labels = readable_labels(words, coords, n=30)
    assert {"the", ",", "to", "&amp;"}.isdisjoint(labels) and "rome" in labels and "turin" not in labels
    map_frame = frame(coords)
    scale = pixel_scale(map_frame)
    width, height = (map_frame.x[1] - map_frame.x[0]) * scale, (map_frame.y[1] - map_frame.y[0]) * scale
    boxes = [label_box(word, *coords[words.index(word)], scale, map_frame) for word in labels]
    for i, (left, bottom, right, top) in enumerate(boxes):
        assert 0 <= left and right <= width and 0 <= bottom and top <= height, labels[i]  # never clipped
        for other in boxes[i + 1:]:
            assert not (left < other[2] and other[0] < right and bottom < other[3] and other[1] < top)
    assert labels == sorted(labels, key=words.index)  # most frequent first


def test_labels_spread_over_the_map():
    rng = np.random.default_rng(2)
    crowd = rng.normal(0, 0.05, size=(200, 2))  # the 200 most frequent words in one clump
    far = rng.uniform(-5, 5, size=(200, 2))
    words = [f"word{i}" for i in range(400)]
    labels = readable_labels(words, np.vstack([crowd, far]), n=20)
    assert sum(int(word[4:]) >= 200 for word in labels) >= 8  # most regions are named, not only the clump


def test_the_models_sentiment_is_coloured_on_a_scale_centred_on_one_half_that_says_its_range():
    scores = np.array([0.47, 0.5, 0.52, 0.535, 0.49])
    colouring = score_colouring(scores, "tiny run")
    assert colouring.range == centred_range(scores, 0.5) == (0.46, 0.5, 0.54)
    assert "from 0.46 (red) through 0.5 (grey, no lean) to 0.54 (blue)" in colouring.note
    figure = word_map(["a", "b", "c", "d", "e"], np.arange(10.0).reshape(5, 2), colour=colouring.values,
                      colour_label=colouring.label, colour_range=colouring.range)
    marker = figure.data[0].marker
    assert (marker.cmin, marker.cmid, marker.cmax) == (0.46, 0.5, 0.54)
    assert list(marker.colorbar.ticktext) == ["0.46", "0.48", "0.50", "0.52", "0.54"]


def test_the_compare_map_names_the_ten_biggest_moves_and_says_how_large_they_are():
    from embedlab.maps.alignment import Comparison

    rng = np.random.default_rng(3)
    words = [f"w{i}" for i in range(60)]
    first, second = rng.normal(size=(60, 4)), rng.normal(size=(60, 4))
    moved = np.linspace(0.0, 0.59, 60)
    comparison = Comparison(words, first, second, moved, "a", "b")
    figure = comparison.figure(rng.normal(size=(120, 2)))
    assert sorted(annotation.text for annotation in figure.layout.annotations) == sorted(f"w{i}" for i in range(50, 60))
    assert comparison.move_summary() == ("Moves (cosine distance after alignment, from 0 to 2: 0 = same place, "
                                         "1 = unrelated, 2 = opposite): median 0.295, largest 0.590; the 10 "
                                         "biggest, drawn and named, are 0.500 or more.")
    assert figure.layout.title.subtitle.text.startswith(comparison.move_summary())
    # Every one of the ten is named, placed so that the labels overlap as little as they can.
    from embedlab.maps.labels import label_shifts

    crowded = label_shifts(["superb", "joy", "brilliant", "watch"], np.zeros((4, 2)) + [[0, 0], [0.01, 0], [0, 0.01],
                                                                                   [0.01, 0.01]], frame(first[:, :2]))
    assert len(set(crowded)) == 4  # four words on one spot get four different places


def test_labels_in_order_keep_the_order_given_and_skip_overlaps_and_outliers():
    from embedlab.maps.labels import labels_in_order

    rng = np.random.default_rng(0)
    coords = np.vstack([rng.normal(size=(200, 2)), [[0.0, 0.0], [0.0, 0.001], [500.0, 500.0]]])
    words = [f"w{i}" for i in range(200)] + ["centre", "onit", "faraway"]
    taken = labels_in_order(words, coords, [200, 201, 202, 5, 9], n=10)
    assert taken[0] == "centre" and "onit" not in taken  # drawn on top of "centre": skipped
    assert "faraway" not in taken  # outside the frame
    assert [word for word in taken if word in ("w5", "w9")] == [w for w in ("w5", "w9") if w in taken]
