"""umap's steps copied into embedlab.maps.umap_steps give exactly what umap's own functions give."""

import subprocess
import sys
import warnings

import numpy as np
import pytest

from embedlab.maps import umap_steps
from embedlab.maps.layout import fuzzy_graph
from embedlab.maps.neighbours import exact_knn, unit_rows
from embedlab.maps.umap_import import import_umap


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


@pytest.mark.parametrize("min_dist", [0.0, 0.1, 0.5, 0.99])
def test_ab_curve_equals_umaps(umap_module, min_dist):
    assert umap_steps.find_ab_params(1.0, min_dist) == umap_module.umap_.find_ab_params(1.0, min_dist)


def test_epochs_per_sample_and_scaled_start_equal_umaps(umap_module):
    weights = np.random.default_rng(0).uniform(size=500)
    weights[::7] = 0.0
    np.testing.assert_array_equal(umap_steps.make_epochs_per_sample(weights, 250),
                                  umap_module.umap_.make_epochs_per_sample(weights, 250))
    coords = np.random.default_rng(1).normal(size=(300, 2))
    np.testing.assert_array_equal(umap_steps.noisy_scale_coords(coords, np.random.RandomState(5)),
                                  umap_module.umap_.noisy_scale_coords(coords, np.random.RandomState(5)))


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


def test_a_map_never_imports_umap_or_its_neighbour_search():
    """Importing umap compiles pynndescent's trees (~10 s on a fresh install); a map needs none of it."""
    script = ("import sys, numpy as np\n"
              "from embedlab.maps.projection import project\n"
              "data = np.random.default_rng(0).normal(size=(400, 20)).astype(np.float32)\n"
              "for dims in (2, 3):\n"
              "    project(data, n_components=dims, n_epochs=20)\n"
              "print(sorted(m for m in ('umap', 'pynndescent', 'sklearn') if m in sys.modules))\n")
    completed = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True,
                               cwd=str(__import__("pathlib").Path(__file__).resolve().parent.parent))
    assert completed.stdout.strip().splitlines()[-1] == "[]"
