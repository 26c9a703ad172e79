"""numba kernels behind ``embedlab.maps.projection``: exact k-nearest rows and trustworthiness ranks.

Imported only when a map is drawn (numba is heavy). ``cache=True`` keeps the compiled
code on disk (``NUMBA_CACHE_DIR`` or ``__pycache__``), so only the first process ever
pays the compilation. The kernels are serial and release the GIL (``nogil``): each works
on a range of rows (or blocks of points) and ``embedlab.maps.projection`` runs one range per
core in threads. numba's ``parallel=True`` would do the same split, but compiling its
parallel loops took three times as long (a brand-new install's first map waited ~20 s
of CPU for them, against ~6 s now); the results are the same on one core or many.

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
def map_neighbors(embedded, k, first, stop, result):
    """Into ``result[i]``: the k nearest other points of points ``first``..``stop − 1`` of a 2-D or
    3-D map (exact, Euclidean)."""
    n, dims = embedded.shape
    for i in range(first, stop):
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
        result[i] = indices


@numba.njit(cache=True, nogil=True)
def penalty(dots, squared, start, neighbors, k):
    """Σ over rows r and their map neighbours j of max(rank(j) − k, 0), rank in the original space.

    rank(j) = 1 + how many other points are strictly closer to the row's point than j.
    One pass per row against the k sorted thresholds. Integer sums, so the total is exact.
    """
    n = dots.shape[1]
    totals = np.zeros(dots.shape[0], dtype=np.int64)
    for r in range(dots.shape[0]):
        i = start + r
        thresholds = np.empty(k, dtype=np.float64)
        for m in range(k):
            j = neighbors[r, m]
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


# ---- UMAP's layout optimisation, repeatable on any number of cores ---------------------------
#
# umap-learn runs its stochastic gradient descent on one core when given a seed (threads
# racing on the same points would make every map different). Here the points are split
# into fixed blocks of heads; within an epoch each block moves only its own points and
# reads every other point from a copy taken at the start of the epoch, with its own
# random stream. Nothing depends on which thread ran which block or when, so the map is
# the same on one core or many, and both cores of a small server work on it.
#
# The graph is symmetric (umap's fuzzy union), so every edge i→j has a twin j→i sampled at
# the same epochs. umap moves both ends on each (``move_other``); moving only the head
# with twice the step gives each point the same pull per epoch.

LAYOUT_BLOCKS = 64


@numba.njit(cache=True, nogil=True, inline="always")
def _clip(value):
    """umap's gradient clip at ±4."""
    if value > 4.0:
        return np.float32(4.0)
    if value < -4.0:
        return np.float32(-4.0)
    return value


@numba.njit(cache=True, nogil=True, inline="always")
def _next_random(state):
    """xorshift64* step; returns 32 random bits."""
    x = state[0]
    x ^= x >> np.uint64(12)
    x ^= x << np.uint64(25)
    x ^= x >> np.uint64(27)
    state[0] = x
    return (x * np.uint64(2685821657736338717)) >> np.uint64(32)


@numba.njit(cache=True, nogil=True)
def block_random_states(seed, n_blocks):
    """One xorshift64* state per block, spread from ``seed`` (an LCG step per block, then 4 draws)."""
    states = np.empty((n_blocks, 1), dtype=np.uint64)
    for block in range(n_blocks):
        states[block, 0] = (np.uint64(seed) * np.uint64(6364136223846793005)
                            + np.uint64(block) * np.uint64(1442695040888963407) + np.uint64(1))
        for _ in range(4):
            _next_random(states[block])
    return states


@numba.njit(cache=True, nogil=True, fastmath=True)
def layout_epoch(embedding, snapshot, head, tail, block_starts, blocks, epochs_per_sample, epochs_per_negative,
                 next_sample, next_negative, states, a, b, epoch, alpha):
    """One epoch of umap's ``optimize_layout_euclidean`` (gamma 1) for the blocks numbered in ``blocks``.

    Args:
        embedding: float32 ``(n, 2|3)`` positions; the blocks' own heads are moved in place.
        snapshot: the positions at the start of this epoch, read for every tail and negative sample.
        head, tail: the graph's edges, sorted by head; ``block_starts`` are the blocks' edge offsets.
        epochs_per_sample, epochs_per_negative: umap's sampling schedule of each edge;
            ``next_sample``/``next_negative`` are its running state, updated in place.
        states: each block's random state (``block_random_states``).
        a, b: umap's curve parameters for ``min_dist``; ``alpha`` the learning rate of this epoch.
    """
    n, dim = embedding.shape
    three = dim == 3
    a = np.float32(a)
    b = np.float32(b)
    alpha = np.float32(alpha)
    one = np.float32(1.0)
    two = np.float32(2.0)
    pull = two * a * b
    push = two * b
    for block in blocks:
        state = states[block]
        for e in range(block_starts[block], block_starts[block + 1]):
            if next_sample[e] > epoch:
                continue
            j = head[e]
            k = tail[e]
            x = embedding[j, 0]
            y = embedding[j, 1]
            z = embedding[j, 2] if three else np.float32(0.0)
            dx = x - snapshot[k, 0]
            dy = y - snapshot[k, 1]
            dz = z - snapshot[k, 2] if three else np.float32(0.0)
            d2 = dx * dx + dy * dy + dz * dz
            if d2 > 0.0:
                power = d2 ** b
                coefficient = -pull * (power / d2) / (a * power + one)
                step = two * alpha
                x += _clip(coefficient * dx) * step
                y += _clip(coefficient * dy) * step
                if three:
                    z += _clip(coefficient * dz) * step
            next_sample[e] += epochs_per_sample[e]
            n_negative = int((epoch - next_negative[e]) / epochs_per_negative[e])
            for _ in range(n_negative):
                k = int((_next_random(state) * np.uint64(n)) >> np.uint64(32))
                dx = x - snapshot[k, 0]
                dy = y - snapshot[k, 1]
                dz = z - snapshot[k, 2] if three else np.float32(0.0)
                d2 = dx * dx + dy * dy + dz * dz
                if d2 > 0.0:
                    coefficient = push / ((np.float32(0.001) + d2) * (a * d2 ** b + one))
                    x += _clip(coefficient * dx) * alpha
                    y += _clip(coefficient * dy) * alpha
                    if three:
                        z += _clip(coefficient * dz) * alpha
            next_negative[e] += n_negative * epochs_per_negative[e]
            embedding[j, 0] = x
            embedding[j, 1] = y
            if three:
                embedding[j, 2] = z


# ---- The fuzzy simplicial set: each point's own metric, then its edge weights ----------------
#
# After McInnes, Healy & Melville (2018), "UMAP: Uniform Manifold Approximation and
# Projection", arXiv:1802.03426, section 3.1. Each point i gets a metric of its own, in which
# its k neighbours fill a unit ball: distances count from rho_i, its distance to its nearest
# neighbour (every point touches at least one other), in units of sigma_i, chosen so that
#     sum over its neighbours j of  w_ij = exp(-max(0, d_ij - rho_i) / sigma_i)  =  log2(k).
# The paper leaves the numerics open; umap-learn (BSD-3-Clause, Leland McInnes) settles them,
# and these kernels settle them the same way, so the graph is umap's own bit for bit
# (tests/test_umap_steps.py). Unlike umap's, they are compiled once and cached on disk.

_SUM_TOLERANCE = 1e-5  # the search for sigma stops this close to log2(k)
_MIN_SIGMA_SHARE = 1e-3  # sigma never falls below this share of the mean neighbour distance


@numba.njit(cache=True, nogil=True)
def _nearest_distance(row, local_connectivity):
    """rho of one point: its distance to its ``local_connectivity``-th nearest neighbour (float32).

    Distances of 0 (the point itself, duplicates) do not count, so a point with a twin still
    has a scale. A fractional ``local_connectivity`` interpolates between two neighbours
    (fractions under ``_SUM_TOLERANCE`` count as whole); with fewer positive distances than
    that, rho is the largest there is, and 0 when there is none.
    """
    positive = row[row > 0.0]
    if positive.shape[0] < local_connectivity:
        return positive.max() if positive.shape[0] > 0 else np.float32(0.0)
    whole = int(np.floor(local_connectivity))
    fraction = local_connectivity - whole
    if whole == 0:
        return np.float32(fraction * positive[0])
    rho = positive[whole - 1]
    if fraction > _SUM_TOLERANCE:  # a float32 gap, a float64 step, a float32 result: umap's roundings
        rho = np.float32(rho + fraction * (positive[whole] - positive[whole - 1]))
    return rho


@numba.njit(cache=True, nogil=True)
def _membership_sum(row, rho, sigma):
    """Σ_j exp(-max(0, d_j - rho) / sigma) over one point's neighbours, summed in float64 in table order as umap sums.

    Column 0 is the point itself, which is not among the paper's k neighbours.
    """
    total = 0.0
    for j in range(1, row.shape[0]):
        beyond = row[j] - rho
        total += np.exp(-(beyond / sigma)) if beyond > 0.0 else 1.0
    return total


@numba.njit(cache=True, nogil=True)
def _bandwidth(row, rho, target, n_iter):
    """sigma of one point: where ``_membership_sum`` reaches ``target``, by bisection in float64.

    The sum grows with sigma, so one bound at a time will do: from umap's start of 1, sigma
    doubles until the sum overshoots, then the bracket is halved; the search stops within
    ``_SUM_TOLERANCE`` or after ``n_iter`` steps. umap declares these variables float32,
    but its parallel loop computes them in float64, and so does this one.
    """
    lower, upper, bounded, sigma = 0.0, 0.0, False, 1.0
    for _ in range(n_iter):
        total = _membership_sum(row, rho, sigma)
        if np.fabs(total - target) < _SUM_TOLERANCE:
            break
        if total > target:
            upper, bounded = sigma, True
        else:
            lower = sigma
        sigma = (lower + upper) / 2.0 if bounded else sigma * 2.0
    return sigma


@numba.njit(cache=True, nogil=True)
def smooth_knn_dist(distances, k, n_iter=64, local_connectivity=1.0):
    """Each point's bandwidth sigma and nearest distance rho: ``(sigmas, rhos)``, float32.

    As ``umap.umap_.smooth_knn_dist``. ``distances``: float32 ``(n, k)``, each row sorted
    and starting with the point itself; ``k``: neighbours per row, itself included.
    """
    target = np.log2(k)
    # A point whose neighbours all sit at (about) rho has a sum that hardly depends on sigma,
    # and the search drives sigma towards 0, where rounding noise in d - rho would flip
    # weights between 0 and 1. The floor keeps sigma at the scale of the point's distances,
    # or of the whole table's when the point has none (all its neighbours are duplicates).
    # Where it binds, sigma can differ from umap's in the last bits: umap takes these means
    # inside its parallel loop, which sums them in another order (the table's depends on the
    # thread count). Serial means keep the graph the same on any number of cores.
    table_floor = _MIN_SIGMA_SHARE * np.mean(distances)
    sigmas = np.zeros(distances.shape[0], dtype=np.float32)
    rhos = np.zeros(distances.shape[0], dtype=np.float32)
    for i in range(distances.shape[0]):
        row = distances[i]
        rhos[i] = rho = _nearest_distance(row, local_connectivity)
        sigmas[i] = _bandwidth(row, rho, target, n_iter)
        floor = _MIN_SIGMA_SHARE * np.mean(row) if rho > 0.0 else table_floor
        if sigmas[i] < floor:  # compared after rounding to float32, as umap compares
            sigmas[i] = floor
    return sigmas, rhos


@numba.njit(cache=True, nogil=True, locals={"weight": numba.types.float32})
def membership_strengths(knn_indices, knn_dists, sigmas, rhos):
    """The directed fuzzy graph, w_ij = exp(-max(0, d_ij - rho_i) / sigma_i), as COO ``(rows, cols, weights)``.

    As ``umap.umap_.compute_membership_strengths``, in float32. Entry ``i * k + j`` is point
    i's edge to its j-th neighbour: 0 to itself (no point is its own neighbour), 1 within
    rho or when sigma is 0, and left (0, 0, 0) where the index is −1 (no neighbour found).
    """
    n_points, k = knn_indices.shape
    rows = np.zeros(knn_indices.size, dtype=np.int32)
    cols = np.zeros(knn_indices.size, dtype=np.int32)
    weights = np.zeros(knn_indices.size, dtype=np.float32)
    for i in range(n_points):
        for j in range(k):
            neighbour = knn_indices[i, j]
            if neighbour == -1:
                continue
            beyond = knn_dists[i, j] - rhos[i]
            if neighbour == i:
                weight = 0.0
            elif beyond <= 0.0 or sigmas[i] == 0.0:
                weight = 1.0
            else:
                weight = np.exp(-(beyond / sigmas[i]))
            rows[i * k + j] = i
            cols[i * k + j] = neighbour
            weights[i * k + j] = weight
    return rows, cols, weights
