"""umap-learn's small steps around the layout, without importing umap.

``import umap`` runs ``umap/__init__``, which imports umap's NN-descent (pynndescent):
in a fresh install numba compiles pynndescent's trees for ~10 s and the whole import
takes ~15 s; with the cache filled it still costs ~2 s in every new server process.
A map here never uses NN-descent (its neighbours are exact, see ``projection.exact_knn``),
so the four steps it takes from umap are these copies of umap-learn 0.5's code:
the ``a``/``b`` curve for ``min_dist``, epochs per edge, the spectral start of a
connected graph, and the scaling of that start. Each is tested equal to umap's own.

A graph in several pieces (rare at ``n_neighbors`` ≥ 15 on word vectors, common at 5)
goes to umap's own ``spectral_layout``, which places the pieces apart from each other.
"""

from __future__ import annotations

import warnings

import numpy as np


def find_ab_params(spread: float, min_dist: float) -> tuple[float, float]:
    """``a`` and ``b`` of the curve 1 / (1 + a·d^(2b)) closest to umap's offset exponential decay.

    As ``umap.umap_.find_ab_params``: least squares over 300 points of [0, 3·spread].
    """
    from scipy.optimize import curve_fit

    def curve(x, a, b):
        return 1.0 / (1.0 + a * x ** (2 * b))

    xv = np.linspace(0, spread * 3, 300)
    yv = np.zeros(xv.shape)
    yv[xv < min_dist] = 1.0
    yv[xv >= min_dist] = np.exp(-(xv[xv >= min_dist] - min_dist) / spread)
    params, _ = curve_fit(curve, xv, yv)
    return params[0], params[1]


def make_epochs_per_sample(weights: np.ndarray, n_epochs: int) -> np.ndarray:
    """How often (in epochs) each edge is sampled: the strongest every epoch; −1 for never."""
    result = -1.0 * np.ones(weights.shape[0], dtype=np.float64)
    n_samples = n_epochs * (weights / weights.max())
    result[n_samples > 0] = float(n_epochs) / np.float64(n_samples[n_samples > 0])
    return result


def noisy_scale_coords(coords: np.ndarray, random_state: np.random.RandomState, max_coord: float = 10.0,
                       noise: float = 0.0001) -> np.ndarray:
    """Scale so the largest coordinate is ``max_coord``, then add a little normal noise (float32)."""
    expansion = max_coord / np.abs(coords).max()
    coords = (coords * expansion).astype(np.float32)
    return coords + random_state.normal(scale=noise, size=coords.shape).astype(np.float32)


def spectral_layout(data: np.ndarray, graph, dim: int, random_state: np.random.RandomState,
                    metric: str = "euclidean") -> np.ndarray:
    """The eigenvectors of the graph's normalised Laplacian after the first: umap's spectral start.

    As ``umap.spectral.spectral_layout`` (ARPACK's ``eigsh``, tolerance 1e-4, the same
    draw from ``random_state``), so a map starts where umap-learn's would. A graph in
    several pieces is handed to umap's own function; ``data`` and ``metric`` are only
    used there, to place the pieces.
    """
    import scipy.sparse
    import scipy.sparse.csgraph
    import scipy.sparse.linalg

    n_pieces, _ = scipy.sparse.csgraph.connected_components(graph)
    if n_pieces > 1:
        from embedlab.maps.umap_import import import_umap

        import_umap()
        from umap.spectral import spectral_layout as umaps_spectral_layout

        return umaps_spectral_layout(data, graph, dim, random_state, metric=metric)
    n = graph.shape[0]
    sqrt_deg = np.sqrt(np.asarray(graph.sum(axis=0)).squeeze())
    identity = scipy.sparse.identity(n, dtype=np.float64)
    scale = scipy.sparse.spdiags(1.0 / sqrt_deg, 0, n, n)
    laplacian = identity - scale * graph * scale
    k = dim + 1
    lanczos_vectors = max(2 * k + 1, int(np.sqrt(n)))
    # umap draws a start block here that eigsh never reads; drawn all the same, so that
    # the noise added after comes from the same random stream as in umap.
    random_state.normal(size=(n, k))
    try:
        eigenvalues, eigenvectors = scipy.sparse.linalg.eigsh(laplacian, k, which="SM", ncv=lanczos_vectors,
                                                              tol=1e-4, v0=np.ones(n), maxiter=n * 5)
    except scipy.sparse.linalg.ArpackError:
        warnings.warn("the spectral start failed (too small an eigengap); starting from random points instead, "
                      "as umap does", stacklevel=2)
        return random_state.uniform(low=-10.0, high=10.0, size=(n, dim))
    order = np.argsort(eigenvalues)[1:k]
    return eigenvectors[:, order]
