"""numba kernels of UMAP's fuzzy simplicial set: each point's own metric, then its edge weights.

``embedlab.maps.umap.layout.fuzzy_graph`` builds the graph a map is laid out from with them.
"""

from __future__ import annotations

import numba
import numpy as np


# ---- The fuzzy simplicial set: each point's own metric, then its edge weights ----------------
#
# After McInnes, Healy & Melville (2018), "UMAP: Uniform Manifold Approximation and
# Projection", arXiv:1802.03426, section 3.1. Each point i gets a metric of its own, in which
# its k neighbours fill a unit ball: distances count from rho_i, its distance to its nearest
# neighbour (every point touches at least one other), in units of sigma_i, chosen so that
#     sum over its neighbours j of  w_ij = exp(-max(0, d_ij - rho_i) / sigma_i)  =  log2(k).
# The paper leaves the numerics open; umap-learn (BSD-3-Clause, Leland McInnes) settles them,
# and these kernels settle them the same way, so the graph is umap's own bit for bit
# (tests/maps/umap/test_steps.py). Unlike umap's, they are compiled once and cached on disk.

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
