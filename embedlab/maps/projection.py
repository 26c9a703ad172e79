"""Maps of word vectors: UMAP or PCA to 2 or 3 dimensions, with a trust score.

Speed is the point of this module. umap-learn with its defaults spends most of a map
finding neighbours with NN-descent (approximate, and ~35 s of numba compilation in a
fresh process). For the ≤20,000 words a person looks at, the *exact* neighbours come
cheaper from one chunked matrix product on unit vectors, and go into umap's own
fuzzy simplicial set and spectral start (copied, so umap itself is never imported:
``umap_steps``; a PCA start is faster but cost 0.013 of trustworthiness at 10,000 words);
``default_epochs`` sets the optimisation length. umap runs its layout
on one core when given a seed; the layout loop here (``optimize_layout``) is umap's
gradient descent split into fixed blocks of points, so it uses every core and still
gives the same map for the same inputs and seed, on one core or many.

Trustworthiness (Venna & Kaski; sklearn's ``trustworthiness``) needs every pairwise
rank, which sklearn holds as two n×n matrices (6 GB at 20k points); ``trustworthiness``
here computes the same number in row chunks with a small numba kernel.

Example:
    >>> projection = project(glove.head(5_000).vectors, method="umap")   # doctest: +SKIP
    >>> projection.coords.shape, round(projection.trustworthiness, 2)    # doctest: +SKIP
    ((5000, 2), 0.93)
"""

from __future__ import annotations

import threading
import warnings
from dataclasses import dataclass, field

import numpy as np

from embedlab.errors import EmbedLabError

METHODS = ("umap", "pca")
METRICS = ("cosine", "euclidean")
TRUST_NEIGHBORS = 10
MAX_WORDS = 20_000
# Rows per block of the n×n distance work: 512 rows × 20,000 columns × 4 bytes = 40 MB.
_CHUNK = 512
_POOL_LOCK = threading.Lock()


@dataclass
class Projection:
    """A finished map: coordinates and how far to trust them.

    Attributes:
        coords: float32 array ``(n, n_components)``.
        method: "umap" or "pca".
        params: the parameters that made the map (umap's own words).
        trustworthiness: share of neighbourhoods the map keeps, at k=10 (UMAP only; PCA None).
        explained_variance: for PCA, the share of variance each axis holds.
        seconds: wall time of the map, for the record.
    """

    coords: np.ndarray
    method: str
    params: dict = field(default_factory=dict)
    trustworthiness: float | None = None
    explained_variance: list[float] | None = None
    seconds: float = 0.0


def check_parameters(n_points: int, method: str = "umap", n_components: int = 2, n_neighbors: int = 15,
                     min_dist: float = 0.1, metric: str = "cosine") -> None:
    """Raise EmbedLabError, worded for a person, if a map cannot be drawn with these settings."""
    if method not in METHODS:
        raise EmbedLabError(f"method '{method}' is not known; expected one of {', '.join(METHODS)}")
    if metric not in METRICS:
        raise EmbedLabError(f"metric '{metric}' is not known; expected one of {', '.join(METRICS)}")
    if n_components not in (2, 3):
        raise EmbedLabError(f"n_components {n_components} is not supported; pick 2 or 3")
    if n_points > MAX_WORDS:
        raise EmbedLabError(f"{n_points:,} words is more than the {MAX_WORDS:,} a map can show; use fewer words")
    if method == "pca" and n_points < n_components + 1:
        raise EmbedLabError(
            f"only {n_points} word(s) to map; PCA to {n_components}D needs at least {n_components + 1} — add words"
        )
    if method == "umap":
        if n_neighbors < 2:
            raise EmbedLabError(f"n_neighbors {n_neighbors} is too small; UMAP needs at least 2 (15 is usual)")
        if n_points < n_components + 2:  # the spectral start needs more points than its n_components + 1 eigenvectors
            raise EmbedLabError(
                f"only {n_points} word(s) to map; a UMAP map in {n_components}D needs at least {n_components + 2} "
                f"— add words, or pick PCA"
            )
        if n_points <= n_neighbors:
            raise EmbedLabError(
                f"only {n_points} word(s) to map but n_neighbors is {n_neighbors}; UMAP needs more words than "
                f"neighbours — lower n_neighbors below {n_points} or add words"
            )
        if not 0.0 <= min_dist <= 1.0:
            raise EmbedLabError(f"min_dist {min_dist} is out of range; pick 0.0 to 1.0 (0.1 is usual)")


def project(vectors: np.ndarray, method: str = "umap", n_components: int = 2, n_neighbors: int = 15,
            min_dist: float = 0.1, metric: str = "cosine", random_state: int = 0, n_epochs: int | None = None,
            trust: bool = True) -> Projection:
    """Map ``vectors`` to 2 or 3 dimensions with UMAP (exact neighbours, seeded) or PCA.

    Args:
        vectors: ``(n, dim)`` array, one row per word.
        method: "umap" or "pca".
        n_components: 2 or 3.
        n_neighbors, min_dist: UMAP's own parameters (local vs global structure; packing).
        metric: "cosine" (angle only, the usual choice for word vectors) or "euclidean".
        random_state: seed; the same inputs and seed give the same map.
        n_epochs: UMAP's optimisation epochs; None picks ``default_epochs(n)``.
        trust: compute trustworthiness at k=10 for UMAP maps.

    Returns:
        a ``Projection``.
    """
    import time

    started = time.perf_counter()
    # Row order in memory: the GloVe package's matrix is Fortran-ordered, and row norms summed
    # down its columns differ in the last bit from those of the same rows held row by row,
    # which the layout magnifies into another map. One layout, one map.
    vectors = np.ascontiguousarray(vectors, dtype=np.float32)
    if vectors.ndim != 2:
        raise EmbedLabError(f"expected a 2-d array of vectors (words × dimensions), got shape {vectors.shape}")
    check_parameters(len(vectors), method, n_components, n_neighbors, min_dist, metric)
    data = unit_rows(vectors) if metric == "cosine" else vectors
    params = {"n_components": n_components, "metric": metric, "random_state": random_state}
    if method == "pca":
        coords, explained = pca(data, n_components)
        return Projection(coords, "pca", params, None, explained, time.perf_counter() - started)
    n_epochs = n_epochs or default_epochs(len(data))
    params.update(n_neighbors=n_neighbors, min_dist=min_dist, n_epochs=n_epochs)
    coords = _umap(data, n_components, n_neighbors, min_dist, metric, random_state, n_epochs)
    score = trustworthiness(data, coords, TRUST_NEIGHBORS, metric) if trust and len(data) > 2 * TRUST_NEIGHBORS \
        else None
    return Projection(coords, "umap", params, score, None, time.perf_counter() - started)


def default_epochs(n_points: int) -> int:
    """Epochs for a map: 250 at every size, where umap's defaults are 500 up to 10,000 points and 200 above.

    Chosen on the most frequent GloVe 50d words (spectral start, exact neighbours,
    k=10 cosine trustworthiness, mean of seeds 0-2) against umap-learn's defaults
    (0.9174 at 10,000 words, 0.9097 at 20,000): at 10,000 words 200 epochs gave 0.910
    and 250 gave 0.919; at 20,000 words 200 gave 0.905 and 250 gave 0.917. The layout
    is the main cost and grows with the epochs, so 250 is where the map stops losing
    neighbourhoods against umap's. Measured again with the layout as it is now
    (2026-11-30): 250 epochs give 0.916 at 10,000 words and 0.909 at 20,000, while
    umap-learn's unseeded defaults gave 0.918-0.920 and 0.908-0.915 in runs that day.
    """
    return 250


def unit_rows(vectors: np.ndarray) -> np.ndarray:
    """Rows scaled to length 1 (zero rows stay zero)."""
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return (vectors / norms).astype(np.float32)


def pca(data: np.ndarray, n_components: int = 2) -> tuple[np.ndarray, list[float]]:
    """Principal components of ``data`` (centred), and the share of variance on each axis."""
    centred = data - data.mean(axis=0, keepdims=True)
    _, singular, components = np.linalg.svd(centred.astype(np.float64), full_matrices=False)
    coords = centred @ components[:n_components].T
    # Fix each axis's sign (largest loading positive) so maps do not flip between runs.
    signs = np.sign(components[:n_components, np.argmax(np.abs(components[:n_components]), axis=1)].diagonal())
    coords = coords * np.where(signs == 0, 1, signs)
    variance = singular**2
    explained = (variance[:n_components] / variance.sum()).tolist() if variance.sum() > 0 else [0.0] * n_components
    return coords.astype(np.float32), explained


def exact_knn(data: np.ndarray, k: int, metric: str = "cosine") -> tuple[np.ndarray, np.ndarray]:
    """The ``k`` nearest neighbours of every row, self first, from chunked matrix products.

    For "cosine" ``data`` must be unit rows (distance = 1 − dot product). Returns
    ``(indices int64 (n, k), distances float32 (n, k))`` sorted by distance, with each
    row's own index at position 0 and distance 0, as umap's neighbour tables have it.
    Exact, so the result does not depend on a seed or on how many threads ran it.
    """
    n = len(data)
    data = np.ascontiguousarray(data, dtype=np.float32)
    indices = np.empty((n, k), dtype=np.int64)
    keys = np.empty((n, k), dtype=np.float32)
    squared = _squared_norms(data, metric)
    kernels = _kernels()

    def chunks(starts):
        for start in starts:
            rows = slice(start, min(start + _CHUNK, n))
            kernels.nearest(data[rows] @ data.T, squared, start, k, indices[rows], keys[rows])

    with _one_blas_thread():
        _in_parallel(chunks, range(0, n, _CHUNK))
    if metric == "cosine":
        distances = 1.0 + keys / 2.0  # key = −2 a·b
    else:
        distances = np.sqrt(np.maximum(keys + squared[:, None], 0.0))  # key = |b|² − 2a·b
    distances[:, 0] = 0.0
    return indices, np.maximum(distances, 0.0).astype(np.float32)


def _in_parallel(work, items) -> list:
    """``work(part)`` for one share of ``items`` per core, in threads; the results in order of the shares.

    The kernels release the GIL, so the threads run at once. Shares interleave the items
    (0, 2, 4, … and 1, 3, 5, …), which balances rows that grow cheaper or dearer along the
    array. The split never changes a result: every item is worked the same way, whichever
    thread takes it. How many shares: numba's thread count (``NUMBA_NUM_THREADS``, all cores).
    """
    import numba

    items = list(items)
    threads = max(1, numba.get_num_threads())
    shares = [share for share in (items[part::threads] for part in range(threads)) if share]
    if len(shares) <= 1:
        return [work(items)]
    futures = [_pool().submit(work, share) for share in shares[1:]]
    first = work(shares[0])  # this thread takes a share too
    return [first] + [future.result() for future in futures]


_POOL = None


def _pool():
    """Worker threads shared by every map of this process (one per core)."""
    global _POOL
    with _POOL_LOCK:
        if _POOL is None:
            import os
            from concurrent.futures import ThreadPoolExecutor

            _POOL = ThreadPoolExecutor(max_workers=os.cpu_count() or 2, thread_name_prefix="embedlab-map")
    return _POOL


def _one_blas_thread():
    """BLAS on one thread. The products here are thin (inner size = dim ≤ 300) and memory-bound;
    on 2 busy cores one thread ran them 4× faster than two (0.37 s vs 1.68 s at 10k words),
    and umap's ARPACK spectral initialisation 14× faster (0.27 s vs 3.8 s)."""
    from threadpoolctl import threadpool_limits

    return threadpool_limits(1, user_api="blas")


def _squared_norms(data: np.ndarray, metric: str) -> np.ndarray:
    """|row|² for Euclidean order keys; zeros for cosine (whose key is −dot product alone)."""
    if metric == "cosine":
        return np.zeros(len(data), dtype=data.dtype)
    return np.einsum("ij,ij->i", data, data)


def _umap(data, n_components, n_neighbors, min_dist, metric, random_state, n_epochs) -> np.ndarray:
    """umap-learn's algorithm with its own graph and spectral start; exact neighbours; our layout loop.

    The steps are those of ``umap.UMAP.fit`` (fuzzy simplicial set, edges too weak for
    ``n_epochs`` dropped, spectral layout with a little noise scaled to [0, 10], the
    ``a``/``b`` curve for ``min_dist``), with umap's own code copied into ``umap_steps``
    so that umap (and its NN-descent compile) is not imported; the gradient descent is
    ``optimize_layout`` — umap's, but repeatable on two cores.
    """
    from embedlab.maps.umap_steps import find_ab_params, make_epochs_per_sample, noisy_scale_coords, spectral_layout

    seed = int(np.random.default_rng().integers(2**31)) if random_state is None else int(random_state)
    state = np.random.RandomState(seed)
    indices, distances = exact_knn(data, n_neighbors, metric)
    graph = fuzzy_graph(indices, distances).tocoo()
    graph.sum_duplicates()
    graph.data[graph.data < graph.data.max() / float(n_epochs)] = 0.0
    graph.eliminate_zeros()
    graph = graph.tocsr()  # edges sorted by head, as the blocks of the layout need
    # One BLAS thread: umap's spectral initialisation (ARPACK) took 0.27 s on one
    # thread against 3.8 s on two, measured at 10,000 words on the 2 busy cores here.
    with _one_blas_thread(), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        start = spectral_layout(data, graph, n_components, state, metric=metric)
    start = noisy_scale_coords(start, state, max_coord=10, noise=0.0001)
    span = np.maximum(start.max(axis=0) - start.min(axis=0), np.finfo(np.float32).tiny)
    embedding = np.ascontiguousarray(10.0 * (start - start.min(axis=0)) / span, dtype=np.float32)
    a, b = find_ab_params(1.0, min_dist)
    graph = graph.tocoo()
    epochs_per_sample = make_epochs_per_sample(graph.data, n_epochs)
    optimize_layout(embedding, graph.row.astype(np.int64), graph.col.astype(np.int64), epochs_per_sample,
                    float(a), float(b), int(n_epochs), seed)
    return embedding


def optimize_layout(embedding: np.ndarray, head: np.ndarray, tail: np.ndarray, epochs_per_sample: np.ndarray,
                    a: float, b: float, n_epochs: int, seed: int, negative_sample_rate: float = 5.0) -> np.ndarray:
    """umap's gradient descent (``optimize_layout_euclidean``, gamma 1, initial alpha 1), on every core.

    The points are cut into ``LAYOUT_BLOCKS`` fixed blocks of heads with about equal work;
    in each epoch every block moves its own points against a copy of the positions taken
    at the epoch's start, with its own random stream, so the map is the same however many
    threads share the blocks (see ``projection_kernels``). ``embedding`` is moved in place.
    """
    kernels = _kernels()
    block_starts = _layout_blocks(head, epochs_per_sample, kernels.LAYOUT_BLOCKS)
    epochs_per_negative = epochs_per_sample / negative_sample_rate
    next_sample, next_negative = epochs_per_sample.copy(), epochs_per_negative.copy()
    states = kernels.block_random_states(np.uint64(seed), len(block_starts) - 1)
    snapshot = embedding.copy()

    for epoch in range(n_epochs):
        alpha = float(np.float32(1.0 - epoch / n_epochs))
        snapshot[:] = embedding
        _in_parallel(lambda numbers: kernels.layout_epoch(  # noqa: B023 (called before the loop moves on)
            embedding, snapshot, head, tail, block_starts, np.asarray(numbers, dtype=np.int64), epochs_per_sample,
            epochs_per_negative, next_sample, next_negative, states, a, b, epoch, alpha),
            range(len(block_starts) - 1))
    return embedding


def _layout_blocks(heads: np.ndarray, epochs_per_sample: np.ndarray, blocks: int) -> np.ndarray:
    """Edge offsets of ``blocks`` runs of whole heads (sorted) with about equal sampling work each.

    Cut by number of points instead, the first half of the blocks (the most frequent
    words, with the strongest edges) held 1.36× the work of the second, and one core
    waited for the other; balanced, the layout ran 13% faster at 10,000 words. The cuts
    depend only on the graph, so the map stays the same on any number of cores.
    """
    work = np.cumsum(1.0 / epochs_per_sample)
    cuts = np.searchsorted(work, np.linspace(0.0, work[-1], blocks + 1)[1:-1])
    starts = np.searchsorted(heads, heads[np.minimum(cuts, len(heads) - 1)])  # back to a head's first edge
    return np.unique(np.concatenate([[0], starts, [len(heads)]])).astype(np.int64)


def fuzzy_graph(knn_indices: np.ndarray, knn_distances: np.ndarray):
    """umap's fuzzy simplicial set (``umap.umap_.fuzzy_simplicial_set``, local_connectivity 1,
    fuzzy union) of a k-nearest-neighbour table, as a scipy sparse matrix; kernels cached on disk."""
    import scipy.sparse

    kernels = _kernels()
    knn_distances = np.ascontiguousarray(knn_distances, dtype=np.float32)
    n, k = knn_indices.shape
    sigmas, rhos = kernels.smooth_knn_dist(knn_distances, float(k))
    rows, cols, vals = kernels.membership_strengths(np.ascontiguousarray(knn_indices), knn_distances, sigmas, rhos)
    directed = scipy.sparse.coo_matrix((vals, (rows, cols)), shape=(n, n))
    directed.eliminate_zeros()
    transpose = directed.transpose()
    graph = directed + transpose - directed.multiply(transpose)
    graph.eliminate_zeros()
    return graph


def trustworthiness(data: np.ndarray, embedded: np.ndarray, n_neighbors: int = TRUST_NEIGHBORS,
                    metric: str = "euclidean") -> float:
    """sklearn's ``trustworthiness(data, embedded, n_neighbors, metric)``, exact, in O(n·chunk) memory.

    For each point, the neighbours it has in the map that it did not have in the
    original space are penalised by how far down its original ranking they sit.
    1.0 means every map neighbourhood is a true one.

    Args:
        data: original vectors ``(n, dim)``; for "cosine" they need not be unit length.
        embedded: the map ``(n, 2|3)``.
        n_neighbors: k, the neighbourhood size (10 here throughout).
        metric: distance in the original space, "euclidean" or "cosine".
    """
    n = len(data)
    k = int(n_neighbors)
    if not 0 < k < n / 2:
        raise EmbedLabError(f"trustworthiness needs n_neighbors < n_samples / 2; got k={k} for {n} points")
    dtype = np.float64 if data.dtype == np.float64 else np.float32
    data = np.ascontiguousarray(data, dtype=dtype)
    if metric == "cosine":
        data = (data / np.maximum(np.linalg.norm(data, axis=1, keepdims=True), np.finfo(dtype).tiny)).astype(dtype)
    # Squared Euclidean distance orders points as Euclidean does, and on unit rows as cosine does.
    squared = np.einsum("ij,ij->i", data, data)
    embedded = np.ascontiguousarray(embedded, dtype=np.float64)
    kernels = _kernels()
    map_neighbors = np.empty((n, k), dtype=np.int64)

    def neighbours_of(starts):
        for start in starts:
            kernels.map_neighbors(embedded, k, start, min(start + _CHUNK, n), map_neighbors)

    def penalties(starts):
        total = 0
        for start in starts:
            rows = slice(start, min(start + _CHUNK, n))
            total += int(kernels.penalty(data[rows] @ data.T, squared, start, map_neighbors[rows], k))
        return total

    _in_parallel(neighbours_of, range(0, n, _CHUNK))
    with _one_blas_thread():
        total = sum(_in_parallel(penalties, range(0, n, _CHUNK)))
    return float(1.0 - total * (2.0 / (n * k * (2.0 * n - 3.0 * k - 1.0))))


_KERNELS = None


def _kernels():
    """numba kernels, compiled (or loaded from numba's cache) on first use.

    Rows are independent, so ``_in_parallel`` spreads them over the cores and the results
    do not depend on the number of threads.
    """
    global _KERNELS
    if _KERNELS is None:
        from embedlab.maps import kernels as projection_kernels

        _KERNELS = projection_kernels
    return _KERNELS


def warm_up(n_points: int = 300, dim: int = 50) -> float:
    """Draw one small map of random points so every numba kernel a map needs is compiled (or loaded).

    Called in a background thread at server start (``embedlab_ui.maps``); with
    numba's on-disk cache this takes about a second, without it (a new install) about 7 s.
    Returns the seconds it took.
    """
    import time

    started = time.perf_counter()
    data = np.random.default_rng(0).normal(size=(n_points, dim)).astype(np.float32)
    for n_components in (2, 3):
        project(data, "umap", n_components=n_components, n_epochs=10)
    exact_knn(unit_rows(data), 6, "euclidean")
    return time.perf_counter() - started
