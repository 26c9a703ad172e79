"""NN-descent's approximate neighbours against exact ones: found, in exact_knn's format, repeatable."""

import numpy as np
import pytest

from embedlab.maps.umap.neighbours import exact_knn, sample_rows
from embedlab.maps.umap.nn_descent import neighbour_recall, nn_descent
from embedlab.vectors.word_vectors import unit_rows


def clustered_points(n: int = 3_000, dim: int = 20, clusters: int = 30, seed: int = 0) -> np.ndarray:
    """Points in Gaussian clusters of different widths: neighbourhoods of several scales, like word vectors'."""
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(clusters, dim)) * 3.0
    which = rng.integers(clusters, size=n)
    widths = rng.uniform(0.5, 2.0, size=clusters)
    return (centres[which] + rng.normal(size=(n, dim)) * widths[which, None]).astype(np.float32)


@pytest.mark.parametrize("metric", ["cosine", "euclidean"])
def test_nn_descent_finds_nearly_all_exact_neighbours(metric):
    data = clustered_points()
    data = unit_rows(data) if metric == "cosine" else data
    exact_indices, exact_distances = exact_knn(data, 15, metric)

    indices, distances = nn_descent(data, 15, metric, seed=0)

    found = np.mean([len(set(a[1:]) & set(b[1:])) / 14 for a, b in zip(indices, exact_indices)])
    assert found >= 0.95
    assert indices.shape == (len(data), 15) and indices.dtype == np.int64 and distances.dtype == np.float32
    assert (indices[:, 0] == np.arange(len(data))).all() and (distances[:, 0] == 0).all()
    assert (np.diff(distances, axis=1) >= 0).all()  # nearest first
    # a neighbour both tables list sits at the same distance in both
    row = 7
    common = np.intersect1d(indices[row, 1:], exact_indices[row, 1:])
    np.testing.assert_allclose(distances[row, np.isin(indices[row], common)],
                               exact_distances[row, np.isin(exact_indices[row], common)], rtol=1e-4, atol=1e-5)


def test_neighbour_recall_counts_the_exact_neighbours_a_table_lists():
    data = unit_rows(clustered_points(1_000))
    exact, _ = exact_knn(data, 10, "cosine")
    rows = sample_rows(len(data), 200)
    assert neighbour_recall(data, exact, "cosine", rows) == pytest.approx(1.0)
    shuffled = exact.copy()
    shuffled[:, 1:] = np.random.default_rng(0).integers(len(data), size=(len(data), 9))  # random "neighbours"
    assert neighbour_recall(data, shuffled, "cosine", rows) < 0.05


def test_the_same_seed_gives_the_same_neighbours_on_one_core_as_on_two():
    import numba

    data = unit_rows(clustered_points(2_500))
    threads = numba.get_num_threads()
    first, first_distances = nn_descent(data, 15, seed=3)
    numba.set_num_threads(1)
    try:
        alone, alone_distances = nn_descent(data, 15, seed=3)
    finally:
        numba.set_num_threads(threads)
    np.testing.assert_array_equal(first, alone)
    np.testing.assert_array_equal(first_distances, alone_distances)


def test_how_the_rows_are_shared_among_the_threads_does_not_change_the_neighbours(monkeypatch):
    import embedlab.maps.umap.nn_descent as module

    data = clustered_points(2_000)
    first, first_distances = nn_descent(data, 10, "euclidean", seed=5)
    # more owners than threads, of uneven sizes (one owning no row): each range is its own pass
    monkeypatch.setattr(module, "owned_ranges", lambda n: [(0, 1), (1, 700), (700, 700), (700, 1_234), (1_234, n)])
    shared, shared_distances = nn_descent(data, 10, "euclidean", seed=5)
    np.testing.assert_array_equal(first, shared)
    np.testing.assert_array_equal(first_distances, shared_distances)
