"""The block-parallel layout past the exact-neighbour switch: as good as umap's serial one, and repeatable."""

import numpy as np
import pytest

import embedlab.maps.umap.layout as layout
from embedlab.maps.projection import LAYOUT_SUB_STEPS, project, umap_neighbours
from embedlab.maps.umap.neighbours import sampled_trustworthiness
from embedlab.vectors.word_vectors import unit_rows


def serial_layout(embedding, head, tail, epochs_per_sample, a, b, n_epochs, seed, progress=None, sub_steps=1):
    """umap's own way (one core, seeded): every point moves against the others' current positions."""
    from embedlab.maps.umap import layout_kernels as kernels

    one_block = np.array([0, len(head)], dtype=np.int64)
    epochs_per_negative = epochs_per_sample / 5.0
    next_sample, next_negative = epochs_per_sample.copy(), epochs_per_negative.copy()
    states = kernels.block_random_states(np.uint64(seed), 1)
    for epoch in range(n_epochs):
        alpha = float(np.float32(1.0 - epoch / n_epochs))
        kernels.layout_epoch(embedding, embedding, head, tail, one_block, np.zeros(1, dtype=np.int64),
                             epochs_per_sample, epochs_per_negative, next_sample, next_negative, states, a, b,
                             epoch, alpha)
    return embedding


def test_past_the_switch_the_parallel_layout_keeps_neighbourhoods_as_well_as_umaps_serial_one(glove, monkeypatch):
    """Same 30,000 words, neighbours, graph and start; only the layouts differ. Reading positions a whole epoch
    old (one step per epoch), the map kept less than the serial layout's (sampled trust 0.903 vs 0.910); read at
    most 1/16 epoch old, it keeps at least as much (0.920)."""
    data = unit_rows(glove.head(30_000).vectors)
    indices, distances, _ = umap_neighbours(data, 15, "cosine", 0, approximate=True)

    def sampled_trust(sub_steps):
        coords = layout.umap_layout(data, 2, 15, 0.1, "cosine", 0, 250, neighbours=(indices, distances),
                                    sub_steps=sub_steps)
        return sampled_trustworthiness(data, coords, 15, "cosine")

    ours = sampled_trust(LAYOUT_SUB_STEPS)
    monkeypatch.setattr(layout, "optimize_layout", serial_layout)
    serial = sampled_trust(1)
    assert ours >= serial


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


def test_maps_past_the_switch_take_more_epochs_and_maps_up_to_it_keep_theirs(glove):
    """Past the switch a map settles more slowly (its graph is larger): more epochs keep umap's trustworthiness."""
    from embedlab.maps.projection import LARGE_MAP_EPOCHS, default_epochs

    data = glove.head(400).vectors
    assert project(data, trust=False, exact_up_to=400).params["n_epochs"] == default_epochs() == 250
    assert project(data, trust=False, exact_up_to=399).params["n_epochs"] == LARGE_MAP_EPOCHS > default_epochs()


def test_blocks_taken_in_turns_are_each_done_once():
    from embedlab.maps.umap.parallel import in_turns

    done = []
    in_turns(done.append, range(100))
    assert sorted(done) == list(range(100))
