"""The block-parallel layout past the exact-neighbour switch: as good as umap's serial one, and repeatable."""

import numpy as np
import pytest

import embedlab.maps.umap.layout as layout
from embedlab.maps.projection import LAYOUT_SUB_STEPS, project, umap_neighbours
from embedlab.maps.umap.neighbours import sampled_trustworthiness
from embedlab.vectors.word_vectors import unit_rows


def test_past_the_switch_the_parallel_layout_keeps_neighbourhoods_as_well_as_umap_learns_own(glove):
    """Same 30,000 words, neighbours, graph and start; only the layouts differ: ours (blocks in 16 steps per epoch,
    tails pulled after each step, powers from a table) against umap-learn's seeded ``optimize_layout_euclidean``."""
    import warnings

    from embedlab.maps.umap.library import import_umap
    from embedlab.maps.umap.steps import find_ab_params, make_epochs_per_sample

    data = unit_rows(glove.head(30_000).vectors)
    indices, distances, _ = umap_neighbours(data, 15, "cosine", 0, approximate=True)
    graph = layout.fuzzy_graph(indices, distances).tocsr().tocoo()
    start = np.random.default_rng(0).uniform(0, 10, (len(data), 2)).astype(np.float32)
    a, b = find_ab_params(1.0, 0.1)
    epochs_per_sample = make_epochs_per_sample(graph.data, 200)
    head, tail = graph.row.astype(np.int64), graph.col.astype(np.int64)
    ours = layout.optimize_layout(start.copy(), head, tail, epochs_per_sample, float(a), float(b), 200, 0,
                                  sub_steps=LAYOUT_SUB_STEPS)
    import_umap()
    from umap.layouts import optimize_layout_euclidean

    theirs = start.copy()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs = optimize_layout_euclidean(theirs, theirs, head, tail, 200, len(data), epochs_per_sample, a, b,
                                           np.array([1, 2, 3], dtype=np.int64), 1.0, 1.0, 5.0, parallel=False,
                                           move_other=True)
    ours_trust, theirs_trust = (sampled_trustworthiness(data, coords, 15, "cosine") for coords in (ours, theirs))
    assert ours_trust >= theirs_trust - 0.005


def test_a_sampled_edge_pulls_its_tail_towards_its_head_as_umaps_does():
    """Point 1 heads no edge, so only the pull of the edge 0 → 1 can move it; point 2 has no edge at all."""
    start = np.array([[0.0, 0.0], [3.0, 0.0], [20.0, 20.0]], dtype=np.float32)
    moved = layout.optimize_layout(start.copy(), np.array([0], dtype=np.int64), np.array([1], dtype=np.int64),
                                   np.ones(1), 1.58, 0.9, 3, 0, negative_sample_rate=1e-9, sub_steps=2)
    assert moved[1, 0] < start[1, 0] and moved[1, 1] == start[1, 1]  # towards point 0, along the line
    assert moved[0, 0] > start[0, 0]
    np.testing.assert_array_equal(moved[2], start[2])


def test_the_power_table_gives_x_to_the_b_within_a_ten_thousandth_for_b_up_to_1_and_a_thousandth_up_to_2():
    import numba

    from embedlab.maps.umap.layout_kernels import power_table, table_power

    @numba.njit
    def powers(values, table):
        return np.array([table_power(value, table) for value in values], dtype=np.float32)

    values = np.logspace(-12, 6, 100_000).astype(np.float32)
    for b, tolerance in ((0.79, 1e-4), (0.8951, 1e-4), (1.0, 1e-4), (1.5, 1e-3), (1.93, 1e-3)):
        exact = values.astype(np.float64) ** b
        assert np.max(np.abs(powers(values, power_table(b)) / exact - 1.0)) < tolerance


def test_the_sub_stepped_map_is_the_same_on_one_core_as_on_two(glove):
    import numba

    data = glove.head(1_500).vectors
    threads = numba.get_num_threads()
    try:
        numba.set_num_threads(1)
        one_core = project(data, n_epochs=60, trust=False, exact_up_to=1_000)
        numba.set_num_threads(min(2, numba.config.NUMBA_NUM_THREADS))
        two_cores = project(data, n_epochs=60, trust=False, exact_up_to=1_000)
    finally:
        numba.set_num_threads(threads)
    np.testing.assert_array_equal(one_core.coords, two_cores.coords)


@pytest.mark.parametrize("sub_steps", [1, LAYOUT_SUB_STEPS])
def test_every_edge_is_sampled_as_often_whatever_the_steps(glove, sub_steps):
    """Steps only change which positions a block reads, never which edges it samples: every edge of the
    graph moves its head in some step of every epoch it is due in."""
    data = unit_rows(glove.head(1_200).vectors)
    indices, distances, _ = umap_neighbours(data, 15, "cosine", 0, approximate=True)
    graph = layout.fuzzy_graph(indices, distances).tocsr().tocoo()
    start = np.random.default_rng(0).uniform(0, 10, (len(data), 2)).astype(np.float32)
    epochs_per_sample = np.ones(graph.nnz)  # every edge due every epoch from the second (as umap counts)
    moved = layout.optimize_layout(start.copy(), graph.row.astype(np.int64), graph.col.astype(np.int64),
                                   epochs_per_sample, 1.58, 0.9, 2, 0, sub_steps=sub_steps)
    heads = np.unique(graph.row)
    assert (np.abs(moved[heads] - start[heads]).sum(axis=1) > 0).all()


@pytest.mark.parametrize("dim", [2, 3])
def test_the_quick_spectral_start_finds_umaps_eigenvectors(glove, dim):
    """The same start as umap's (each vector up to its sign), and the same draws taken for the noise after it."""
    from embedlab.maps.umap.neighbours import exact_knn
    from embedlab.maps.umap.steps import quick_spectral_layout, spectral_layout

    data = unit_rows(glove.head(3_000).vectors)
    graph = layout.fuzzy_graph(*exact_knn(data, 15)).tocsr()
    quick_state, umaps_state = np.random.RandomState(5), np.random.RandomState(5)
    quick = quick_spectral_layout(data, graph, dim, quick_state, metric="cosine")
    umaps = spectral_layout(data, graph, dim, umaps_state, metric="cosine")
    assert quick.shape == umaps.shape == (3_000, dim)
    for column in range(dim):
        assert abs(np.corrcoef(quick[:, column], umaps[:, column])[0, 1]) > 0.999
    assert quick_state.normal() == umaps_state.normal()


def test_maps_past_the_switch_take_umaps_epochs_for_large_data_and_maps_up_to_it_keep_theirs(glove):
    from embedlab.maps.projection import LARGE_MAP_EPOCHS, default_epochs

    data = glove.head(400).vectors
    assert project(data, trust=False, exact_up_to=400).params["n_epochs"] == default_epochs() == 250
    assert project(data, trust=False, exact_up_to=399).params["n_epochs"] == LARGE_MAP_EPOCHS == 200


def test_blocks_taken_in_turns_are_each_done_once():
    from embedlab.maps.umap.parallel import in_turns

    done = []
    in_turns(done.append, range(100))
    assert sorted(done) == list(range(100))
