"""A drawn map's overlay: highlights, labels, isolate and density added without touching the shared base figure."""

import copy

import numpy as np
import pytest

from embedlab.maps.figures import Highlight, with_overlay, word_map


@pytest.fixture
def base():
    rng = np.random.default_rng(3)
    words = [f"w{i}" for i in range(200)]
    coords = rng.normal(size=(200, 2)).astype(np.float32)
    figure = word_map(words, coords, labelled=["w0", "w5", "w9"]).to_dict()
    return words, coords, figure


def test_the_base_figure_is_never_written_to(base):
    words, coords, figure = base
    before = copy.deepcopy(figure)
    with_overlay(figure, words, coords, (Highlight("w5 and near", [5, 7, 9], ["", "a", "b"]),), title="t",
                 isolate=True, density=True)
    with_overlay(figure, words, coords, (Highlight("w5 and near", [5, 7, 9], ["", "a", "b"]),))
    assert figure == before


def test_a_highlight_is_one_small_trace_on_top_with_the_rest_dimmed_and_its_centre_labelled_last(base):
    words, coords, figure = base
    fig = with_overlay(figure, words, coords, (Highlight("w5", [5, 7, 9], ["", "a", "b"]),), title="my map")
    assert len(fig.data) == 2 and list(fig.data[-1].customdata) == ["w5", "w7", "w9"]
    assert fig.data[0].marker.opacity < 0.5 and len(fig.data[0].customdata) == 200
    texts = [annotation.text for annotation in fig.layout.annotations]
    assert texts[-1] == "<b>w5</b>" and texts.count("w9") == 1 and "w0" in texts  # base labels kept, none doubled
    assert fig.layout.title.text == "my map"


def test_isolate_keeps_only_the_neighbourhood_and_frames_it(base):
    words, coords, figure = base
    fig = with_overlay(figure, words, coords, (Highlight("w5", [5, 7], ["", ""]),), isolate=True)
    assert [list(trace.customdata) for trace in fig.data] == [["w5", "w7"]]
    assert fig.layout.xaxis.autorange is True and {a.text for a in fig.layout.annotations} == {"w7", "<b>w5</b>"}


def test_density_contours_go_under_the_points(base):
    words, coords, figure = base
    fig = with_overlay(figure, words, coords, density=True)
    assert fig.data[0].type == "contour" and np.asarray(fig.data[0].z).sum() > 0
    assert fig.data[1].type == "scattergl"


def test_without_overlay_the_points_are_the_base_ones(base):
    words, coords, figure = base
    fig = with_overlay(figure, words, coords)
    assert len(fig.data) == 1 and fig.data[0].marker.opacity == figure["data"][0]["marker"]["opacity"]


def test_a_3d_map_gets_its_highlight_labels_in_the_scene():
    rng = np.random.default_rng(4)
    words = [f"w{i}" for i in range(50)]
    coords = rng.normal(size=(50, 3)).astype(np.float32)
    figure = word_map(words, coords, labelled=["w1", "w2"]).to_dict()
    fig = with_overlay(figure, words, coords, (Highlight("w2", [2, 3], ["", ""]),), density=True)
    assert [trace.type for trace in fig.data] == ["scatter3d", "scatter3d"]  # no density in 3D
    assert [a.text for a in fig.layout.scene.annotations] == ["w1", "w3", "<b>w2</b>"]


def test_a_kept_selection_is_ringed_over_the_dimmed_map_and_its_first_words_labelled(base):
    from embedlab.maps.figures import SELECTED_LABELS

    words, coords, figure = base
    selected = tuple(range(10, 10 + SELECTED_LABELS + 5))
    fig = with_overlay(figure, words, coords, selected=selected)
    ring = fig.data[-1]
    assert ring.name == f"{len(selected)} selected words" and list(ring.customdata) == [words[row] for row in selected]
    assert fig.data[0].marker.opacity < 0.5
    texts = [annotation.text for annotation in fig.layout.annotations]
    assert [words[row] for row in selected[:SELECTED_LABELS]] == [t for t in texts if t not in ("w0", "w5", "w9")]
    assert words[selected[-1]] not in texts  # past the first SELECTED_LABELS: listed under the map, not labelled


def test_a_selected_word_that_is_also_searched_is_labelled_once_as_the_search(base):
    words, coords, figure = base
    fig = with_overlay(figure, words, coords, (Highlight("w5", [5, 7], ["", "a"]),), selected=(5, 7, 11))
    texts = [annotation.text for annotation in fig.layout.annotations]
    assert texts.count("<b>w5</b>") == 1 and "w5" not in texts and texts.count("w7") == 1 and "w11" in texts


def test_a_found_word_outside_the_frame_widens_it_and_one_inside_leaves_it(base):
    words, coords, figure = base
    shown = figure["layout"]["xaxis"]["range"]
    coords = coords.copy()
    outside = 3
    coords[outside, 0] = shown[1] + 5.0  # beyond the bulk's frame, as an axis's end word can be
    fig = with_overlay(figure, words, coords, (Highlight("far", [outside], [""]),))
    assert fig.layout.xaxis.range[0] == shown[0] and fig.layout.xaxis.range[1] > coords[outside, 0]
    assert list(fig.layout.yaxis.range) == list(figure["layout"]["yaxis"]["range"])
    inside = int(np.argmin(np.abs(coords[:, 0]) + np.abs(coords[:, 1])))
    fig = with_overlay(figure, words, coords, (Highlight("near", [inside], [""]),))
    assert list(fig.layout.xaxis.range) == list(shown)
