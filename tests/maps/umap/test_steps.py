"""Our UMAP steps (embedlab.maps.umap.steps) and fuzzy-set kernels (embedlab.maps.umap.fuzzy_set_kernels)
give what umap's own do.

Compared bit for bit: a map must start from the graph, curve and start that umap-learn would give it.
"""

import subprocess
import sys
import warnings

import numpy as np
import pytest

from embedlab.maps.umap import fuzzy_set_kernels

from embedlab.maps.umap import steps as umap_steps
from embedlab.maps.umap.layout import fuzzy_graph
from embedlab.maps.umap.neighbours import exact_knn
from embedlab.maps.umap.library import import_umap
from embedlab.vectors.word_vectors import unit_rows


@pytest.fixture(scope="module")
def umap_module():
    import_umap()
    import umap.spectral
    import umap.umap_

    return umap


def _graph(glove, n, k):
    data = unit_rows(glove.head(n).vectors)
    indices, distances = exact_knn(data, k)
    return data, fuzzy_graph(indices, distances).tocsr()


@pytest.mark.parametrize("spread", [0.5, 1.0, 2.0])
@pytest.mark.parametrize("min_dist", [0.0, 0.1, 0.5, 0.99])
def test_ab_curve_equals_umaps(umap_module, spread, min_dist):
    assert umap_steps.find_ab_params(spread, min_dist) == umap_module.umap_.find_ab_params(spread, min_dist)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])  # a map's graph weighs its edges in float32
def test_epochs_per_sample_equal_umaps(umap_module, dtype):
    weights = np.random.default_rng(0).uniform(size=500).astype(dtype)
    weights[::7] = 0.0
    ours = umap_steps.make_epochs_per_sample(weights, 250)
    np.testing.assert_array_equal(ours, umap_module.umap_.make_epochs_per_sample(weights, 250))
    assert ours.dtype == np.float64 and (ours[::7] == -1.0).all()  # weight 0: never sampled
    assert ours[np.argmax(weights)] == 1.0 and ours[ours > 0].min() == 1.0  # the strongest: every epoch


def test_scaled_start_equals_umaps(umap_module):
    coords = np.random.default_rng(1).normal(size=(300, 2))
    ours = umap_steps.noisy_scale_coords(coords, np.random.RandomState(5))
    np.testing.assert_array_equal(ours, umap_module.umap_.noisy_scale_coords(coords, np.random.RandomState(5)))
    assert ours.dtype == np.float32 and np.abs(ours).max() == pytest.approx(10.0, abs=1e-3)


@pytest.mark.parametrize("dim", [2, 3])
def test_spectral_start_of_a_connected_graph_equals_umaps(glove, umap_module, dim):
    data, graph = _graph(glove, 1_500, 15)
    ours_state, theirs_state = np.random.RandomState(7), np.random.RandomState(7)
    ours = umap_steps.spectral_layout(data, graph, dim, ours_state, metric="cosine")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs = umap_module.spectral.spectral_layout(data, graph, dim, theirs_state, metric="cosine")
    np.testing.assert_array_equal(ours, theirs)
    # The same draws were taken, so the noise umap adds next is the same too.
    assert ours_state.normal() == theirs_state.normal()


def test_a_graph_in_pieces_gets_umaps_own_placement_of_the_pieces(glove, umap_module):
    import scipy.sparse.csgraph

    data, graph = _graph(glove, 10_000, 5)  # at 5 neighbours the 10,000 most frequent words fall apart
    assert scipy.sparse.csgraph.connected_components(graph)[0] > 1
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ours = umap_steps.spectral_layout(data, graph, 2, np.random.RandomState(3), metric="cosine")
        theirs = umap_module.spectral.spectral_layout(data, graph, 2, np.random.RandomState(3), metric="cosine")
    np.testing.assert_array_equal(ours, theirs)


def _knn_table(glove, name):
    """A k-nearest-neighbour table (indices, float32 distances, itself first) of a kind a map meets."""
    if name == "glove duplicates":  # words with twins: rows whose neighbours sit at distance 0
        data = unit_rows(glove.head(600).vectors)
        data[100:110] = data[99]
        data[300:340] = data[299]  # more twins than neighbours: these rows have no positive distance
        indices, distances = exact_knn(data, 15)
    else:
        n, k, metric = {"glove cosine": (1_500, 15, "cosine"), "glove k=5": (3_000, 5, "cosine"),
                        "glove euclidean": (800, 15, "euclidean")}[name]
        data = glove.head(n).vectors
        indices, distances = exact_knn(unit_rows(data) if metric == "cosine" else data, k, metric)
    return np.ascontiguousarray(indices), np.ascontiguousarray(distances, dtype=np.float32)


def test_the_graph_a_map_uses_is_umaps_bit_for_bit(glove, umap_module):
    indices, distances = _knn_table(glove, "glove cosine")
    sigmas, rhos = fuzzy_set_kernels.smooth_knn_dist(distances, 15.0)
    their_sigmas, their_rhos = umap_module.umap_.smooth_knn_dist(distances, 15.0)
    np.testing.assert_array_equal(sigmas, their_sigmas)
    np.testing.assert_array_equal(rhos, their_rhos)
    ours = fuzzy_set_kernels.membership_strengths(indices, distances, sigmas, rhos)
    theirs = umap_module.umap_.compute_membership_strengths(indices, distances, their_sigmas, their_rhos)
    for mine, their in zip(ours, theirs[:3]):
        assert mine.dtype == their.dtype
        np.testing.assert_array_equal(mine, their)
    # The definition holds: each point's memberships (itself left out) sum to log2(k).
    weights = ours[2].reshape(indices.shape)
    np.testing.assert_allclose(weights[:, 1:].sum(axis=1), np.log2(15), rtol=1e-4)
    assert (weights[:, 0] == 0).all() and (weights[:, 1] == 1).all()


@pytest.mark.parametrize("local_connectivity", [1.0, 0.5, 1.5, 2.0])
@pytest.mark.parametrize("table", ["glove cosine", "glove k=5", "glove euclidean", "glove duplicates"])
def test_rho_and_sigma_equal_umaps(glove, umap_module, table, local_connectivity):
    _, distances = _knn_table(glove, table)
    k = float(distances.shape[1])
    sigmas, rhos = fuzzy_set_kernels.smooth_knn_dist(distances, k, 64, local_connectivity)
    their_sigmas, their_rhos = umap_module.umap_.smooth_knn_dist(distances, k, local_connectivity=local_connectivity)
    np.testing.assert_array_equal(rhos, their_rhos)
    # Where sigma sits on its floor (a share of a mean distance), umap's parallel loop sums
    # that mean in another order, so only there may the last bits differ.
    floors = 1e-3 * np.where(their_rhos > 0, distances.mean(axis=1, dtype=np.float64),
                             distances.mean(dtype=np.float64))
    on_floor = their_sigmas <= floors * (1 + 1e-5)
    np.testing.assert_array_equal(sigmas[~on_floor], their_sigmas[~on_floor])
    np.testing.assert_allclose(sigmas[on_floor], their_sigmas[on_floor], rtol=1e-5)
    if table == "glove duplicates":
        assert on_floor.any() and (rhos[300:340] == 0).all()


@pytest.mark.parametrize("table", ["glove cosine", "glove k=5", "glove duplicates"])
def test_membership_strengths_equal_umaps(glove, umap_module, table):
    indices, distances = _knn_table(glove, table)
    indices[7, 3] = -1  # a neighbour the search did not find is left out
    sigmas, rhos = umap_module.umap_.smooth_knn_dist(distances, float(distances.shape[1]))
    sigmas[11] = 0.0  # a point without a scale is joined fully to its neighbours
    ours = fuzzy_set_kernels.membership_strengths(indices, distances, sigmas, rhos)
    theirs = umap_module.umap_.compute_membership_strengths(indices, distances, sigmas, rhos)
    for mine, their in zip(ours, theirs[:3]):
        assert mine.dtype == their.dtype
        np.testing.assert_array_equal(mine, their)
    k = indices.shape[1]
    assert ours[2][7 * k + 3] == 0 and (ours[2][11 * k + 1:12 * k] == 1).all()


def test_a_map_never_imports_umap_or_its_neighbour_search():
    """Importing umap has numba compile pynndescent's neighbour search; a map needs none of it."""
    script = ("import sys, numpy as np\n"
              "from embedlab.maps.projection import project\n"
              "data = np.random.default_rng(0).normal(size=(400, 20)).astype(np.float32)\n"
              "for dims in (2, 3):\n"
              "    project(data, n_components=dims, n_epochs=20)\n"
              "print(sorted(m for m in ('umap', 'pynndescent', 'sklearn') if m in sys.modules))\n")
    completed = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True,
                               cwd=str(__import__("pathlib").Path(__file__).resolve().parents[3]))
    assert completed.stdout.strip().splitlines()[-1] == "[]"
