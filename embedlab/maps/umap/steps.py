"""The small steps of UMAP around its graph and layout: the curve, the sampling schedule, the start.

After McInnes, Healy & Melville (2018), "UMAP: Uniform Manifold Approximation and
Projection", arXiv:1802.03426, section 3.2 (graph layout: the similarity curve in the map,
edges sampled in proportion to their weight, the spectral start). Where the paper leaves a
numerical choice open, these functions make the one umap-learn 0.5 makes (BSD-3-Clause,
Leland McInnes), so that a map starts where umap's would; ``tests/maps/umap/test_steps.py``
finds each step equal to umap's own.

They live here rather than being imported from umap because ``import umap`` also imports
(and numba compiles) its approximate neighbour search, which a map never uses: its
neighbours are exact (``embedlab.maps.umap.neighbours``). A graph in several pieces is the one
case handed to umap itself (``spectral_layout``).
"""

from __future__ import annotations

import warnings

import numpy as np


def find_ab_params(spread: float, min_dist: float) -> tuple[float, float]:
    """``a`` and ``b`` of the map's similarity curve 1 / (1 + a·d^(2b)) for ``min_dist`` and ``spread``.

    The paper wants similarity 1 up to ``min_dist`` and exp(−(d − min_dist)) beyond (umap
    divides the exponent by ``spread``), but that is not differentiable at ``min_dist``, and
    the layout follows its gradient; the smooth curve closest to it is used instead. As umap
    fits it: least squares (scipy's ``curve_fit`` from its default start) on 300 evenly
    spaced distances over [0, 3·spread].

    Example:
        >>> a, b = find_ab_params(1.0, 0.1)   # doctest: +SKIP
        >>> round(a, 3), round(b, 3)          # doctest: +SKIP
        (1.577, 0.895)
    """
    from scipy.optimize import curve_fit

    def similarity(distance, a, b):
        return 1.0 / (1.0 + a * distance ** (2 * b))

    distances = np.linspace(0, spread * 3, 300)
    wanted = np.ones(distances.shape)
    beyond = distances >= min_dist
    wanted[beyond] = np.exp(-(distances[beyond] - min_dist) / spread)
    (a, b), _ = curve_fit(similarity, distances, wanted)
    return a, b


def make_epochs_per_sample(weights: np.ndarray, n_epochs: int) -> np.ndarray:
    """Every how many epochs each edge is sampled: an edge is drawn in proportion to its weight.

    Instead of drawing edges at random with probability proportional to their weight, umap
    gives each a fixed period: the strongest edge is sampled every epoch, an edge of half its
    weight every second epoch, and an edge of weight 0 never (period −1).

    Args:
        weights: the graph's edge weights (float32 for a map's graph).
        n_epochs: the length of the optimisation.

    Returns:
        float64 periods, one per edge.
    """
    samples = n_epochs * (weights / weights.max())  # draws over the run, in the weights' own precision
    periods = np.full(weights.shape[0], -1.0)
    drawn = samples > 0
    periods[drawn] = float(n_epochs) / samples[drawn].astype(np.float64)
    return periods


def noisy_scale_coords(coords: np.ndarray, random_state: np.random.RandomState, max_coord: float = 10.0,
                       noise: float = 0.0001) -> np.ndarray:
    """The start scaled so its largest coordinate is ``max_coord``, plus a little noise, in float32.

    Eigenvectors have length 1, so their entries are about 1/√n: far smaller than the
    layout's steps (up to 4 units). The noise (normal, ``noise`` wide, drawn from
    ``random_state`` after the spectral start's draws) parts points that the start put on
    the same spot, which the layout could not move apart: at distance 0 it skips the pair.
    """
    scaled = (coords * (max_coord / np.abs(coords).max())).astype(np.float32)
    return scaled + random_state.normal(scale=noise, size=scaled.shape).astype(np.float32)


def spectral_layout(data: np.ndarray, graph, dim: int, random_state: np.random.RandomState,
                    metric: str = "euclidean") -> np.ndarray:
    """A start for the layout: ``dim`` eigenvectors of the graph's normalised Laplacian (Laplacian eigenmaps).

    The eigenvectors of L = I − D^(−1/2)·W·D^(−1/2) with the smallest eigenvalues, after the
    first (eigenvalue 0, proportional to √degree: it tells the points apart only by degree),
    place strongly joined points near each other. As umap computes them: ARPACK's
    ``eigsh`` from a start vector of ones (so the result does not depend on the seed),
    tolerance 1e-4, at most 5n iterations, max(2·(dim + 1) + 1, √n) Lanczos vectors. If ARPACK
    fails (too small an eigengap), the start is uniform in [−10, 10], as umap's is.

    A graph in several pieces goes to umap's own ``spectral_layout``, which also places the
    pieces apart from each other (using ``data`` and ``metric``, which only that case reads).

    Returns:
        ``(n, dim)`` coordinates; ``random_state`` has taken the same draws as in umap.
    """
    import scipy.sparse
    import scipy.sparse.csgraph
    import scipy.sparse.linalg

    n_pieces, _ = scipy.sparse.csgraph.connected_components(graph)
    if n_pieces > 1:
        from embedlab.maps.umap.library import import_umap

        import_umap()
        from umap.spectral import spectral_layout as umaps_spectral_layout

        return umaps_spectral_layout(data, graph, dim, random_state, metric=metric)
    n = graph.shape[0]
    root_degree = np.sqrt(np.asarray(graph.sum(axis=0)).squeeze())
    inverse_root_degree = scipy.sparse.spdiags(1.0 / root_degree, 0, n, n)
    laplacian = scipy.sparse.identity(n, dtype=np.float64) - inverse_root_degree @ graph @ inverse_root_degree
    n_vectors = dim + 1  # the first is dropped below
    # umap draws a start block for its other eigensolver (LOBPCG) even when ARPACK runs;
    # drawn here too, so that the noise added next comes from the same random stream.
    random_state.normal(size=(n, n_vectors))
    try:
        eigenvalues, eigenvectors = scipy.sparse.linalg.eigsh(
            laplacian, n_vectors, which="SM", ncv=max(2 * n_vectors + 1, int(np.sqrt(n))), tol=1e-4,
            v0=np.ones(n), maxiter=n * 5)
    except scipy.sparse.linalg.ArpackError:
        warnings.warn("the spectral start failed (too small an eigengap); starting from random points instead, "
                      "as umap does", stacklevel=2)
        return random_state.uniform(low=-10.0, high=10.0, size=(n, dim))
    smoothest = np.argsort(eigenvalues)[1:n_vectors]
    return eigenvectors[:, smoothest]


def quick_spectral_layout(data: np.ndarray, graph, dim: int, random_state: np.random.RandomState,
                          metric: str = "euclidean") -> np.ndarray:
    """``spectral_layout``'s eigenvectors found faster, for maps past the exact-neighbour switch.

    The smallest eigenvalues of L = I − N (N = D^(−1/2)·W·D^(−1/2)) are 1 minus the largest of
    N, with the same eigenvectors. ARPACK finds largest eigenvalues from few Lanczos vectors,
    where its smallest-eigenvalue mode (umap's) needs √n of them and many restarts: on 100,000
    GloVe words the same two vectors (correlation 1.0000) in 0.4 s instead of 7 s. Their signs
    may differ from umap's, a mirror image of the same start. Falls back to ``spectral_layout``
    (a graph in pieces, or no convergence), and draws from ``random_state`` as it does.
    """
    import scipy.sparse
    import scipy.sparse.csgraph
    import scipy.sparse.linalg

    n_pieces, _ = scipy.sparse.csgraph.connected_components(graph)
    if n_pieces > 1:
        return spectral_layout(data, graph, dim, random_state, metric=metric)
    n = graph.shape[0]
    inverse_root_degree = scipy.sparse.spdiags(1.0 / np.sqrt(np.asarray(graph.sum(axis=0)).squeeze()), 0, n, n)
    normalised = inverse_root_degree @ graph @ inverse_root_degree
    n_vectors = dim + 1  # the first (eigenvalue 1, √degree) is dropped below
    state = random_state.get_state()
    random_state.normal(size=(n, n_vectors))  # the same draw as spectral_layout's, so the noise after it matches
    try:
        eigenvalues, eigenvectors = scipy.sparse.linalg.eigsh(
            normalised, n_vectors, which="LA", ncv=min(n - 1, max(2 * n_vectors + 1, 32)), tol=1e-4,
            v0=np.ones(n), maxiter=n * 5)
    except scipy.sparse.linalg.ArpackError:
        random_state.set_state(state)
        return spectral_layout(data, graph, dim, random_state, metric=metric)
    largest = np.argsort(-eigenvalues)[1:n_vectors]
    return eigenvectors[:, largest]
