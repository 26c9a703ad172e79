"""numba kernels of NN-descent: sorted neighbour tables, leaf joins, candidate sampling, local joins.

``embedlab.maps.umap.nn_descent`` drives them. Distances are order keys: 1 − a·b on unit
rows for "cosine", the squared distance for "euclidean" (its square root is taken at the end).
Each point's table is a row of ``k`` slots kept sorted by key, with a flag saying whether the
entry is new since the point's candidates were last sampled. Every kernel is serial and
releases the GIL, so Python threads run them at once. ``join_block`` only reads the tables, so
threads run it on separate rows. The kernels that write tables or candidate lists take the
rows ``[lo, hi)`` a thread owns: each thread scans the same pairs or entries in the same order
as one thread alone would, but writes only into its own rows. Every row then receives the
same writes in the same order whatever the split, so the result does not depend on the
number of threads, and no two threads ever write (or read a write into) the same row.
"""

from __future__ import annotations

import numba
import numpy as np


@numba.njit(cache=True, nogil=True, inline="always")
def distance(data, i, j, cosine):
    total = 0.0
    if cosine:
        for d in range(data.shape[1]):
            total += data[i, d] * data[j, d]
        return 1.0 - total
    for d in range(data.shape[1]):
        difference = data[i, d] - data[j, d]
        total += difference * difference
    return total


@numba.njit(cache=True, nogil=True)
def push(indices, keys, flags, row, index, key):
    """Put ``index`` at ``key`` into ``row``'s sorted table (flagged new), unless it is there or too far; 1 if put."""
    k = indices.shape[1]
    if key >= keys[row, k - 1]:
        return 0
    for m in range(k):
        if indices[row, m] == index:
            return 0
    position = k - 1
    while position > 0 and key < keys[row, position - 1]:
        indices[row, position] = indices[row, position - 1]
        keys[row, position] = keys[row, position - 1]
        flags[row, position] = flags[row, position - 1]
        position -= 1
    indices[row, position] = index
    keys[row, position] = key
    flags[row, position] = True
    return 1


@numba.njit(cache=True, nogil=True)
def tree_leaves(data, cosine, randoms, leaf_size, order, leaf_starts):
    """One random-projection tree: ``order`` (0..n−1, reordered in place) leaf by leaf, and where each leaf starts.

    A node splits its points by the hyperplane halfway between two of them picked by
    ``randoms`` (one row per node; through the origin for "cosine", whose rows are unit
    length: an angular split) until it holds at most ``leaf_size``; a split that leaves a
    side empty halves the node instead. Returns the number of leaves (``leaf_starts`` holds one more entry).
    """
    n, dim = data.shape
    stack = np.empty((2 * n + 2, 2), dtype=np.int64)
    stack[0, 0], stack[0, 1] = 0, n
    depth, nodes, leaves = 1, 0, 0
    normal = np.empty(dim, dtype=np.float32)
    while depth > 0:
        depth -= 1
        first, stop = stack[depth, 0], stack[depth, 1]
        size = stop - first
        if size <= leaf_size:
            leaf_starts[leaves] = first
            leaves += 1
            continue
        a = order[first + int(randoms[nodes % randoms.shape[0], 0] * size)]
        b = order[first + int(randoms[nodes % randoms.shape[0], 1] * (size - 1))]
        nodes += 1
        if b == a:
            b = order[stop - 1]
        offset = 0.0
        for d in range(dim):
            normal[d] = data[a, d] - data[b, d]
            if not cosine:
                offset -= normal[d] * (data[a, d] + data[b, d]) / 2.0
        low, high = first, stop - 1
        while low <= high:
            side = offset
            for d in range(dim):
                side += data[order[low], d] * normal[d]
            if side > 0:
                low += 1
            else:
                order[low], order[high] = order[high], order[low]
                high -= 1
        middle = low
        if middle == first or middle == stop:
            middle = first + size // 2
        # the left half on top: leaves are reached left to right, so their starts come out in order
        stack[depth, 0], stack[depth, 1] = middle, stop
        stack[depth + 1, 0], stack[depth + 1, 1] = first, middle
        depth += 2
    leaf_starts[leaves] = n
    return leaves


@numba.njit(cache=True, nogil=True)
def join_leaves(data, leaves, leaf_starts, indices, keys, flags, cosine, lo, hi):
    """Every pair of points sharing a leaf of a random-projection tree goes into both tables (the start).

    ``leaves`` and ``leaf_starts`` hold every tree's leaves one tree after another, so the trees
    are joined in order. Only the tables of rows ``[lo, hi)`` are written: ``push`` reads and
    writes only the row it puts into, so a thread needs nothing from the others' rows and can
    go through all the trees without waiting for them.
    """
    for leaf in range(leaf_starts.shape[0] - 1):
        first, stop = leaf_starts[leaf], leaf_starts[leaf + 1]
        for a in range(first, stop):
            p = leaves[a]
            p_owned = lo <= p < hi
            for b in range(a + 1, stop):
                q = leaves[b]
                q_owned = lo <= q < hi
                if not (p_owned or q_owned):
                    continue  # neither table is this thread's: skip the distance too
                key = distance(data, p, q, cosine)
                if p_owned:
                    push(indices, keys, flags, p, q, key)
                if q_owned:
                    push(indices, keys, flags, q, p, key)


@numba.njit(cache=True, nogil=True, inline="always")
def _priority(i, j, seed):
    """A random-looking number fixed by (i, j, seed): which candidates are kept does not depend on visiting order."""
    # splitmix64's mixing of the pair and the seed
    z = np.uint64(i) * np.uint64(0x9E3779B97F4A7C15)
    z = z ^ (np.uint64(j) + np.uint64(seed) * np.uint64(0xBF58476D1CE4E5B9))
    z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return z ^ (z >> np.uint64(31))


@numba.njit(cache=True, nogil=True, inline="always")
def _offer(candidates, priorities, row, index, priority):
    """Keep ``index`` among ``row``'s candidates if its priority is among the lowest seen (a fixed-size sample)."""
    size = candidates.shape[1]
    if priority >= priorities[row, size - 1]:
        return
    for m in range(size):
        if candidates[row, m] == index:
            return
    position = size - 1
    while position > 0 and priority < priorities[row, position - 1]:
        candidates[row, position] = candidates[row, position - 1]
        priorities[row, position] = priorities[row, position - 1]
        position -= 1
    candidates[row, position] = index
    priorities[row, position] = priority


@numba.njit(cache=True, nogil=True)
def sample_candidates(indices, flags, new_candidates, old_candidates, new_priorities, old_priorities, seed, lo, hi):
    """Rows ``[lo, hi)``'s candidates: their neighbours and the points that list them, new ones and old ones apart.

    As in Dong et al.'s NN-descent (and pynndescent), at most ``max_candidates`` of each kind are
    kept, chosen at random (by a priority fixed by the pair and ``seed``). The points that list
    a row are spread over every row's table, so every entry is scanned, but offers go only to
    owned rows. Reads every row's ``flags``: ``mark_sampled_old``, which clears them, must wait
    until every thread is done here. The priority arrays are scratch space, reset here.
    """
    n, k = indices.shape
    maximum = np.iinfo(np.uint64).max
    new_candidates[lo:hi] = -1
    old_candidates[lo:hi] = -1
    new_priorities[lo:hi] = maximum
    old_priorities[lo:hi] = maximum
    for i in range(n):
        i_owned = lo <= i < hi
        for m in range(k):
            j = indices[i, m]
            if j < 0 or j == i:
                continue
            j_owned = lo <= j < hi
            if not (i_owned or j_owned):
                continue
            priority = _priority(min(i, j), max(i, j), seed)
            if flags[i, m]:
                if i_owned:
                    _offer(new_candidates, new_priorities, i, j, priority)
                if j_owned:
                    _offer(new_candidates, new_priorities, j, i, priority)
            else:
                if i_owned:
                    _offer(old_candidates, old_priorities, i, j, priority)
                if j_owned:
                    _offer(old_candidates, old_priorities, j, i, priority)


@numba.njit(cache=True, nogil=True)
def mark_sampled_old(indices, flags, new_candidates, lo, hi):
    """Rows ``[lo, hi)``'s new neighbours that were sampled as candidates are marked old.

    So the next round joins each pair once.
    """
    k = indices.shape[1]
    for i in range(lo, hi):
        for m in range(k):
            j = indices[i, m]
            if j < 0 or not flags[i, m]:
                continue
            for c in range(new_candidates.shape[1]):
                if new_candidates[i, c] == j:
                    flags[i, m] = False
                    break


@numba.njit(cache=True, nogil=True)
def join_block(data, rows, new_candidates, old_candidates, thresholds, cosine, out_p, out_q, out_key):
    """The local join of ``rows``: every new candidate against the other new ones and the old ones.

    Reads only; writes the pairs closer than either end's current farthest neighbour
    (``thresholds``) into ``out_*`` and returns how many there are.
    """
    count = 0
    size_new, size_old = new_candidates.shape[1], old_candidates.shape[1]
    for r in range(rows.shape[0]):
        i = rows[r]
        for a in range(size_new):
            p = new_candidates[i, a]
            if p < 0:
                continue
            for b in range(a + 1, size_new + size_old):
                q = new_candidates[i, b] if b < size_new else old_candidates[i, b - size_new]
                if q < 0 or q == p:
                    continue
                key = distance(data, p, q, cosine)
                if key < thresholds[p] or key < thresholds[q]:
                    if count == out_p.shape[0]:
                        return count
                    out_p[count] = p
                    out_q[count] = q
                    out_key[count] = key
                    count += 1
    return count


@numba.njit(cache=True, nogil=True)
def apply_updates(indices, keys, flags, out_p, out_q, out_key, count, lo, hi):
    """Put the joined pairs into both ends' tables, in the order given; how many entries changed.

    Only the ends in ``[lo, hi)`` are written (and counted): each row still receives its pushes
    in the order given, whichever thread owns it.
    """
    changed = 0
    for u in range(count):
        p, q = out_p[u], out_q[u]
        if lo <= p < hi:
            changed += push(indices, keys, flags, p, q, out_key[u])
        if lo <= q < hi:
            changed += push(indices, keys, flags, q, p, out_key[u])
    return changed
