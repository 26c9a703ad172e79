"""Maps past the exact-neighbour switch: approximate neighbours, trust on a fixed sample, stages, progress.

The switch (``exact_up_to``) is a parameter, so these cross it with maps of a thousand or two words.
"""

import numpy as np
import pytest

from embedlab.maps.pipeline import MapParams, build_map, map_trust
from embedlab.maps.projection import EXACT_NEIGHBOURS_UP_TO, MAX_WORDS, project
from embedlab.maps.umap.neighbours import nearest_neighbours, sample_rows, sampled_trustworthiness, trustworthiness
from embedlab.vectors.word_vectors import unit_rows


@pytest.fixture(scope="module")
def words_1500(glove):
    return glove.subset(glove.words[100:1_600])


def test_maps_of_100000_words_are_allowed_and_exact_neighbours_stop_at_20000():
    assert MAX_WORDS == 100_000 and EXACT_NEIGHBOURS_UP_TO == 20_000


@pytest.mark.parametrize("exact_up_to, search", [(1_500, "exact"), (1_499, "nn-descent")])
def test_the_switch_picks_the_neighbour_search_by_the_number_of_words(words_1500, exact_up_to, search):
    projection = project(words_1500.vectors, n_epochs=60, exact_up_to=exact_up_to)

    assert projection.neighbour_search == search
    assert projection.knn_indices.shape == (1_500, 15)
    if search == "exact":  # today's map: k=10 trust over all words, no recall to state
        assert projection.neighbour_recall is None and 0.8 < projection.trustworthiness <= 1.0
    else:  # past the switch: recall on the sample instead, and no k=10 trust over all words
        assert projection.neighbour_recall >= 0.95 and projection.trustworthiness is None
    assert projection.trust_sample == 1_000 and 0.8 < projection.sample_trustworthiness <= 1.0
    assert list(projection.stage_seconds) == ["neighbours", "layout", "trust"]


def test_a_map_on_approximate_neighbours_keeps_neighbourhoods_as_well_as_on_exact_ones(words_1500):
    exact = project(words_1500.vectors, n_epochs=100)
    approximate = project(words_1500.vectors, n_epochs=100, exact_up_to=1_000)
    assert approximate.sample_trustworthiness == pytest.approx(exact.sample_trustworthiness, abs=0.02)


def test_the_trust_sample_is_fixed_and_the_same_for_every_map_of_as_many_words():
    first, again = sample_rows(50_000), sample_rows(50_000)
    np.testing.assert_array_equal(first, again)
    assert len(first) == 1_000 and len(np.unique(first)) == 1_000 and (np.diff(first) > 0).all()
    np.testing.assert_array_equal(sample_rows(700), np.arange(700))  # small maps: every word


def test_sampled_trust_on_every_row_is_trustworthiness_and_on_a_sample_estimates_it(words_1500):
    data = unit_rows(words_1500.vectors)
    coords = project(data, n_epochs=60).coords
    every = sampled_trustworthiness(data, coords, 15, "cosine", np.arange(len(data)))
    assert every == pytest.approx(trustworthiness(data, coords, 15, "cosine"), rel=1e-12)
    assert sampled_trustworthiness(data, coords, 15, "cosine", sample_rows(len(data), 500)) == pytest.approx(
        every, abs=0.02)
    # the stated number does not move between two measurements of the same map
    assert sampled_trustworthiness(data, coords, 15, "cosine") == sampled_trustworthiness(data, coords, 15, "cosine")


def test_progress_reports_each_stage_from_start_to_end_in_order(words_1500):
    calls = []
    project(words_1500.vectors, n_epochs=40, exact_up_to=1_000, progress=lambda *call: calls.append(call))
    stages = list(dict.fromkeys(stage for stage, _ in calls))
    assert stages == ["neighbours", "layout", "trust"]
    for stage in stages:
        shares = [done for name, done in calls if name == stage]
        assert shares[0] == 0.0 and shares[-1] == 1.0 and shares == sorted(shares)
    assert len([1 for name, _ in calls if name == "layout"]) > 3  # the epochs move the bar, not just its ends


def test_a_pca_map_reports_its_layout_and_sampled_trust(words_1500):
    calls = []
    projection = project(words_1500.vectors, method="pca", progress=lambda stage, done: calls.append(stage))
    assert projection.neighbour_search is None and projection.sample_trustworthiness is not None
    assert list(dict.fromkeys(calls)) == ["layout", "trust"]


def test_past_the_switch_a_word_map_lists_hover_neighbours_and_states_sampled_trust(glove):
    words = glove.words[100:1_300]
    word_map = build_map(glove, words, MapParams(), trust=False, exact_up_to=1_000)

    exact = nearest_neighbours(glove.subset(words).unit_vectors, 5)
    found = np.mean([len(set(a) & set(b)) / 5 for a, b in zip(word_map.neighbours, exact)])
    assert word_map.neighbours.shape == (1_200, 5) and found >= 0.95
    assert map_trust(glove, word_map) == word_map.projection.sample_trustworthiness


def test_the_warm_up_readies_the_kernels_of_maps_past_the_switch():
    """In a new process (a server starting), so kernels other tests compiled do not count."""
    import subprocess
    import sys

    check = ("from embedlab.maps.projection import warm_up; warm_up(); "
             "from embedlab.maps.umap import layout_kernels, nn_descent_kernels; "
             "print(len(layout_kernels.layout_block.signatures), len(layout_kernels.apply_tail_pulls.signatures), "
             "len(nn_descent_kernels.join_block.signatures))")
    ready = subprocess.run([sys.executable, "-c", check], capture_output=True, text=True, timeout=300, check=True)
    assert all(int(count) >= 1 for count in ready.stdout.split())
