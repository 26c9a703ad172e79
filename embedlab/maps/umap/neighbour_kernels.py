"""numba kernels for neighbours and trust: exact k-nearest rows, and trustworthiness ranks.

Imported only when a map is drawn (numba is heavy). ``cache=True`` keeps the compiled
code on disk (``NUMBA_CACHE_DIR`` or ``__pycache__``), so only the first process ever
pays the compilation. The kernels are serial and release the GIL (``nogil``): each works
on a range of rows and ``embedlab.maps.umap.neighbours`` runs one range per core in threads
(``embedlab.maps.umap.parallel``). numba's ``parallel=True`` would do the same split, but compiling
its parallel loops costs a new install several times as long (bench/README.md); the results
are the same on one core or many.

Order keys: for the rows ``a`` of a block and every row ``b``,
``key = |b|² − 2 a·b`` sorts ``b`` by Euclidean distance from ``a`` (|a|² is the same
for the whole row); with ``squared`` all zero it is ``−2 a·b``, the cosine order of unit rows.
"""

from __future__ import annotations

import numba
import numpy as np


@numba.njit(cache=True, nogil=True, inline="always")
def _insert(keys, indices, size, key, index):
    """Insert (key, index) into the first ``size`` sorted slots, dropping the last; ties keep the earlier."""
    position = size - 1
    while position > 0 and key < keys[position - 1]:
        keys[position] = keys[position - 1]
        indices[position] = indices[position - 1]
        position -= 1
    keys[position] = key
    indices[position] = index


@numba.njit(cache=True, nogil=True)
def nearest(dots, squared, start, k, out_indices, out_keys):
    """For each row r of ``dots`` (= data[start + r] · every row): itself, then its k − 1 nearest rows.

    Writes sorted indices and order keys into ``out_indices``/``out_keys`` (the self key is 0).
    """
    n = dots.shape[1]
    for r in range(dots.shape[0]):
        i = start + r
        keys = np.full(k - 1, np.inf, dtype=np.float64)
        indices = np.full(k - 1, -1, dtype=np.int64)
        for j in range(n):
            if j == i:
                continue
            key = squared[j] - 2.0 * dots[r, j]
            if key < keys[k - 2]:
                _insert(keys, indices, k - 1, key, j)
        out_indices[r, 0] = i
        out_keys[r, 0] = 0.0
        for m in range(k - 1):
            out_indices[r, m + 1] = indices[m]
            out_keys[r, m + 1] = keys[m]


@numba.njit(cache=True, nogil=True)
def map_neighbours(embedded, k, first, stop, result):
    """Into ``result[i]``: the k nearest other points of points ``first``..``stop − 1`` of a 2-D or
    3-D map (exact, Euclidean)."""
    map_neighbours_of(embedded, k, np.arange(first, stop), result[first:stop])


@numba.njit(cache=True, nogil=True)
def map_neighbours_of(embedded, k, rows, result):
    """Into ``result[r]``: the k nearest other points of point ``rows[r]`` of a 2-D or 3-D map (exact, Euclidean)."""
    n, dims = embedded.shape
    for r in range(rows.shape[0]):
        i = rows[r]
        keys = np.full(k, np.inf, dtype=np.float64)
        indices = np.full(k, -1, dtype=np.int64)
        for j in range(n):
            if j == i:
                continue
            distance = 0.0
            for d in range(dims):
                difference = embedded[i, d] - embedded[j, d]
                distance += difference * difference
            if distance < keys[k - 1]:
                _insert(keys, indices, k, distance, j)
        result[r] = indices


@numba.njit(cache=True, nogil=True)
def penalty(dots, squared, start, neighbours, k):
    """``penalty_of`` rows ``start``, ``start + 1``, … (one per row of ``dots``)."""
    return penalty_of(dots, squared, np.arange(start, start + dots.shape[0]), neighbours, k)


@numba.njit(cache=True, nogil=True)
def penalty_of(dots, squared, rows, neighbours, k):
    """Σ over rows r and their map neighbours j of max(rank(j) − k, 0), rank in the original space.

    Row r of ``dots`` is point ``rows[r]`` · every point. rank(j) = 1 + how many other points
    are strictly closer to the row's point than j. One pass per row against the k sorted
    thresholds. Integer sums, so the total is exact.
    """
    n = dots.shape[1]
    totals = np.zeros(dots.shape[0], dtype=np.int64)
    for r in range(dots.shape[0]):
        i = rows[r]
        thresholds = np.empty(k, dtype=np.float64)
        for m in range(k):
            j = neighbours[r, m]
            thresholds[m] = squared[j] - 2.0 * dots[r, j]
        thresholds.sort()
        # counts[m]: points with exactly m thresholds ≤ their key. Counting with k
        # comparisons and no branch is faster than an early exit whose branch the CPU
        # mispredicts half the time (intruders put thresholds mid-distribution).
        counts = np.zeros(k + 1, dtype=np.int64)
        for j in range(n):
            if j == i:
                continue
            key = squared[j] - 2.0 * dots[r, j]
            m = 0
            for t in range(k):
                m += key >= thresholds[t]
            counts[m] += 1
        closer = 0
        for t in range(k):
            closer += counts[t]  # points with key < thresholds[t]
            rank = closer + 1
            if rank > k:
                totals[r] += rank - k
    return totals.sum()
