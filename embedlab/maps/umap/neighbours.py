"""Exact nearest neighbours of word vectors, and trustworthiness: how many of them a map keeps.

For the at most 20,000 words a person looks at, exact neighbours come cheaper from one
chunked matrix product on unit vectors than from an approximate index, and they do not
depend on a seed or on the number of threads. Trustworthiness (Venna & Kaski; sklearn's
``trustworthiness``) needs every pairwise rank, which sklearn holds as two n×n matrices
(6 GB at 20,000 points); here it is the same number computed in row chunks.

Example:
    >>> indices, distances = exact_knn(unit_rows(vectors), k=6)   # doctest: +SKIP
    >>> indices[:3, 0].tolist()   # each row is first in its own list  # doctest: +SKIP
    [0, 1, 2]
"""

from __future__ import annotations

import numpy as np

from embedlab.errors import EmbedLabError
from embedlab.maps.umap.parallel import in_parallel, one_blas_thread
from embedlab.vectors.word_vectors import unit_rows

TRUST_NEIGHBOURS = 10
SAMPLE_TRUST_NEIGHBOURS = 15  # k of the sampled trustworthiness stated beside large maps (umap's n_neighbors)
TRUST_SAMPLE = 1_000  # points it is measured on: about 6 s of a 100,000-word map under load, far less alone
# Rows per block of the n×n distance work: 512 rows × 20,000 columns × 4 bytes = 40 MB.
CHUNK = 512


def exact_knn(data: np.ndarray, k: int, metric: str = "cosine") -> tuple[np.ndarray, np.ndarray]:
    """The ``k`` nearest neighbours of every row, self first, from chunked matrix products.

    For "cosine" ``data`` must be unit rows (distance = 1 − dot product). Returns
    ``(indices int64 (n, k), distances float32 (n, k))`` sorted by distance, with each
    row's own index at position 0 and distance 0, as umap's neighbour tables have it.
    """
    from embedlab.maps.umap import neighbour_kernels as kernels

    n = len(data)
    data = np.ascontiguousarray(data, dtype=np.float32)
    indices = np.empty((n, k), dtype=np.int64)
    keys = np.empty((n, k), dtype=np.float32)
    squared = _squared_norms(data, metric)

    def chunks(starts):
        for start in starts:
            rows = slice(start, min(start + CHUNK, n))
            kernels.nearest(data[rows] @ data.T, squared, start, k, indices[rows], keys[rows])

    with one_blas_thread():
        in_parallel(chunks, range(0, n, CHUNK))
    if metric == "cosine":
        distances = 1.0 + keys / 2.0  # key = −2 a·b
    else:
        distances = np.sqrt(np.maximum(keys + squared[:, None], 0.0))  # key = |b|² − 2a·b
    distances[:, 0] = 0.0
    return indices, np.maximum(distances, 0.0).astype(np.float32)


def _squared_norms(data: np.ndarray, metric: str) -> np.ndarray:
    """|row|² for Euclidean order keys; zeros for cosine (whose key is −dot product alone)."""
    if metric == "cosine":
        return np.zeros(len(data), dtype=data.dtype)
    return np.einsum("ij,ij->i", data, data)


def nearest_neighbours(unit: np.ndarray, topn: int = 5) -> np.ndarray:
    """For each row of unit vectors, the rows of its ``topn`` nearest others (cosine), nearest first."""
    topn = max(1, min(topn, len(unit) - 1))
    indices, _ = exact_knn(np.ascontiguousarray(unit, dtype=np.float32), topn + 1, "cosine")
    return indices[:, 1:]


def trustworthiness(data: np.ndarray, embedded: np.ndarray, n_neighbors: int = TRUST_NEIGHBOURS,
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
    from embedlab.maps.umap import neighbour_kernels as kernels

    n = len(data)
    k = int(n_neighbors)
    if not 0 < k < n / 2:
        raise EmbedLabError(f"trustworthiness needs n_neighbors < n_samples / 2; got k={k} for {n} points")
    dtype = np.float64 if data.dtype == np.float64 else np.float32
    data = np.ascontiguousarray(data, dtype=dtype)
    if metric == "cosine":
        data = unit_rows(data, dtype)
    # Squared Euclidean distance orders points as Euclidean does, and on unit rows as cosine does.
    squared = np.einsum("ij,ij->i", data, data)
    embedded = np.ascontiguousarray(embedded, dtype=np.float64)
    map_neighbours = np.empty((n, k), dtype=np.int64)

    def neighbours_of(starts):
        for start in starts:
            kernels.map_neighbours(embedded, k, start, min(start + CHUNK, n), map_neighbours)

    def penalties(starts):
        total = 0
        for start in starts:
            rows = slice(start, min(start + CHUNK, n))
            total += int(kernels.penalty(data[rows] @ data.T, squared, start, map_neighbours[rows], k))
        return total

    in_parallel(neighbours_of, range(0, n, CHUNK))
    with one_blas_thread():
        total = sum(in_parallel(penalties, range(0, n, CHUNK)))
    return float(1.0 - total * (2.0 / (n * k * (2.0 * n - 3.0 * k - 1.0))))


def sample_rows(n: int, size: int = TRUST_SAMPLE, seed: int = 0) -> np.ndarray:
    """A fixed sample of ``size`` of ``n`` rows (all of them when ``n`` ≤ ``size``), sorted; the same for every map.

    Drawn from its own seed, not the map's, so maps of the same words drawn with different
    seeds, or by umap-learn, are measured on the same points.
    """
    if n <= size:
        return np.arange(n, dtype=np.int64)
    return np.sort(np.random.default_rng(seed).choice(n, size, replace=False)).astype(np.int64)


def sampled_trustworthiness(data: np.ndarray, embedded: np.ndarray, n_neighbors: int = SAMPLE_TRUST_NEIGHBOURS,
                            metric: str = "euclidean", rows: np.ndarray | None = None) -> float:
    """Trustworthiness measured on ``rows`` only: the same penalties, averaged over a sample of points.

    Every sampled point still ranks all ``n`` points in the original space and finds its
    neighbours among all points of the map, so the number estimates ``trustworthiness``
    without bias, in O(sample · n) time instead of O(n²); with every row sampled it is that
    number exactly. ``rows`` defaults to ``sample_rows(n)``.
    """
    from embedlab.maps.umap import neighbour_kernels as kernels

    n = len(data)
    k = int(n_neighbors)
    if not 0 < k < n / 2:
        raise EmbedLabError(f"trustworthiness needs n_neighbors < n_samples / 2; got k={k} for {n} points")
    rows = sample_rows(n) if rows is None else np.asarray(rows, dtype=np.int64)
    dtype = np.float64 if data.dtype == np.float64 else np.float32
    data = np.ascontiguousarray(data, dtype=dtype)
    if metric == "cosine":
        data = unit_rows(data, dtype)
    squared = np.einsum("ij,ij->i", data, data)
    embedded = np.ascontiguousarray(embedded, dtype=np.float64)

    def penalties(starts):
        total = 0
        for start in starts:
            part = rows[start:start + CHUNK]
            neighbours = np.empty((len(part), k), dtype=np.int64)
            kernels.map_neighbours_of(embedded, k, part, neighbours)
            total += int(kernels.penalty_of(data[part] @ data.T, squared, part, neighbours, k))
        return total

    with one_blas_thread():
        total = sum(in_parallel(penalties, range(0, len(rows), CHUNK)))
    return float(1.0 - total * (2.0 / (len(rows) * k * (2.0 * n - 3.0 * k - 1.0))))
