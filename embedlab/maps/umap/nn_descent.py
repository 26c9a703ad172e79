"""Approximate nearest neighbours by NN-descent, for maps too large for exact all-pairs neighbours.

After Dong, Charikar & Li (2011), "Efficient k-nearest neighbor graph construction for generic
similarity measures" (WWW '11): a neighbour of a neighbour is likely a neighbour, so each round
compares every point's candidates (its neighbours and the points that list it) with each
other and keeps what is closer. The start is a forest of random-projection trees (points
sharing a leaf are joined), as in pynndescent (BSD-2-Clause, Leland McInnes), which umap-learn
uses; candidates are sampled and flagged new/old as there.

Why not call pynndescent itself: its index compiles dozens of uncached numba functions in
every new process (about 50 s of CPU on this machine, bench/journal/2026-12-07.md), which a
server restart or a CLI run would pay before each first large map; these kernels are cached on
disk like the rest of the map's. And its parallel rounds depend on the number of threads,
where here the rounds are cut into fixed blocks (``ROUND_BLOCKS``), and the writes into the
tables are shared by row (``owned_ranges``: each thread writes only its rows, in the order one
thread alone would), so the same words and seed give the same neighbours, and the same map, on
one core or many.

Example:
    >>> indices, distances = nn_descent(unit_rows(vectors), k=15, metric="cosine", seed=0)  # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from embedlab.maps.umap.parallel import in_parallel

LEAF_SIZE = 30  # points per leaf of a random-projection tree
BLOCK = 512  # rows per local-join block
ROUND_BLOCKS = 8  # blocks joined before their updates are applied: fixed, so results do not depend on the cores
MAX_CANDIDATES = 20  # new (and old) candidates kept per point and round
STOP_SHARE = 0.001  # stop when a round changes fewer than this share of all table entries


def nn_descent(data: np.ndarray, k: int, metric: str = "cosine", seed: int = 0, n_trees: int | None = None,
               max_rounds: int | None = None, max_candidates: int = MAX_CANDIDATES,
               progress: Callable[[float], None] | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Approximate ``k`` nearest neighbours of every row, self first, in ``exact_knn``'s format.

    Args:
        data: ``(n, dim)`` rows; unit rows for "cosine".
        k: neighbours per row, the row itself included (as umap counts them).
        metric: "cosine" or "euclidean".
        seed: the trees' and the candidate sampling's seed.
        n_trees, max_rounds: the forest's size and the rounds' limit; None picks them from ``n`` as pynndescent does.
        progress: called with the share done (0 to 1) after the start and after each round.

    Returns:
        ``(indices int64 (n, k), distances float32 (n, k))`` sorted by distance, own row first at distance 0.
    """
    from embedlab.maps.umap import nn_descent_kernels as kernels

    data = np.ascontiguousarray(data, dtype=np.float32)
    n = len(data)
    cosine = metric == "cosine"
    n_trees = n_trees or min(32, 5 + int(round(np.sqrt(n) / 20.0)))
    max_rounds = max_rounds or max(5, int(round(np.log2(n))))
    indices = np.full((n, k), -1, dtype=np.int64)
    keys = np.full((n, k), np.inf, dtype=np.float32)
    flags = np.zeros((n, k), dtype=np.bool_)
    kernels.apply_updates(indices, keys, flags, np.arange(n), np.arange(n), np.full(n, -1.0, np.float32), n, 0, n)
    ranges = owned_ranges(n)
    tree_seeds = np.random.default_rng(seed).integers(2**63, size=n_trees)
    forest = in_parallel(lambda numbers: [(number, *random_projection_leaves(
        data, np.random.default_rng(tree_seeds[number]), cosine)) for number in numbers], range(n_trees))
    forest = sorted((tree for share in forest for tree in share), key=lambda tree: tree[0])
    # the trees one after another (their order is the order of the pushes into each table: repeatable)
    leaves = np.concatenate([tree_leaves for _, tree_leaves, _ in forest])
    leaf_starts = np.concatenate([starts[:-1] + number * n for number, (_, _, starts) in enumerate(forest)]
                                 + [np.array([len(forest) * n], dtype=np.int64)])
    by_rows(ranges, lambda lo, hi: kernels.join_leaves(data, leaves, leaf_starts, indices, keys, flags, cosine, lo, hi))
    if progress is not None:
        progress(1.0 / (max_rounds + 1))
    new_candidates = np.empty((n, max_candidates), dtype=np.int64)
    old_candidates = np.empty((n, max_candidates), dtype=np.int64)
    new_priorities = np.empty((n, max_candidates), dtype=np.uint64)  # scratch of the sampling, reused every round
    old_priorities = np.empty((n, max_candidates), dtype=np.uint64)
    pairs = max_candidates * (max_candidates - 1) // 2 + max_candidates * max_candidates
    size = BLOCK * pairs  # room for every pair a block can join
    buffers = [(np.empty(size, np.int64), np.empty(size, np.int64), np.empty(size, np.float32))
               for _ in range(ROUND_BLOCKS)]
    for round_number in range(max_rounds):
        round_seed = np.uint64(seed * 1_000 + round_number)
        by_rows(ranges, lambda lo, hi, round_seed=round_seed: kernels.sample_candidates(
            indices, flags, new_candidates, old_candidates, new_priorities, old_priorities, round_seed, lo, hi))
        # only once every thread's sampling is done: it read the flags of rows that are not its own
        by_rows(ranges, lambda lo, hi: kernels.mark_sampled_old(indices, flags, new_candidates, lo, hi))
        changed = 0
        for round_start in range(0, n, BLOCK * ROUND_BLOCKS):
            thresholds = np.ascontiguousarray(keys[:, -1])

            def join(numbers, round_start=round_start, thresholds=thresholds):
                counts = []
                for number in numbers:
                    first = round_start + number * BLOCK
                    rows = np.arange(first, min(first + BLOCK, n), dtype=np.int64)
                    counts.append((number, kernels.join_block(data, rows, new_candidates, old_candidates, thresholds,
                                                              cosine, *buffers[number])))
                return counts

            blocks = [b for b in range(ROUND_BLOCKS) if round_start + b * BLOCK < n]
            counts = sorted(pair for share in in_parallel(join, blocks) for pair in share)

            def apply(lo, hi, counts=counts):  # the blocks in order, as one thread alone would apply them
                return sum(kernels.apply_updates(indices, keys, flags, *buffers[number], count, lo, hi)
                           for number, count in counts)

            changed += sum(by_rows(ranges, apply))
        if progress is not None:
            progress((round_number + 2) / (max_rounds + 1))
        if changed < STOP_SHARE * n * k:
            break
    if progress is not None:
        progress(1.0)
    keys[:, 0] = 0.0  # each row's own entry (key −1 above, to stay first)
    distances = keys if cosine else np.sqrt(np.maximum(keys, 0.0))
    return indices, np.maximum(distances, 0.0).astype(np.float32)


def owned_ranges(n: int) -> list[tuple[int, int]]:
    """One range of rows per thread: the rows whose tables that thread writes (``nn_descent_kernels``)."""
    import numba

    parts = max(1, min(numba.get_num_threads(), n))
    return [(n * part // parts, n * (part + 1) // parts) for part in range(parts)]


def by_rows(ranges: list[tuple[int, int]], work: Callable[[int, int], object]) -> list:
    """``work(lo, hi)`` for every range, the ranges shared among the threads; the results, all ranges together.

    Each range is a whole pass over the kernel's input writing only that range's rows, so
    how the rows are split changes nothing but the time.
    """
    return [result for share in in_parallel(lambda part: [work(lo, hi) for lo, hi in part], ranges)
            for result in share]


def random_projection_leaves(data: np.ndarray, rng: np.random.Generator, cosine: bool) -> tuple[np.ndarray, np.ndarray]:
    """One random-projection tree's leaves: the rows of each leaf in one array, and where each leaf starts.

    A node splits its points by the hyperplane halfway between two of them picked at random
    (through the origin for "cosine", whose rows are unit length: an angular split), until a
    node holds at most ``LEAF_SIZE`` points (``nn_descent_kernels.tree_leaves``).
    """
    from embedlab.maps.umap import nn_descent_kernels as kernels

    n = len(data)
    order = np.arange(n, dtype=np.int64)
    leaf_starts = np.empty(n + 1, dtype=np.int64)
    randoms = rng.random((n, 2))
    count = kernels.tree_leaves(data, cosine, randoms, LEAF_SIZE, order, leaf_starts)
    return order, leaf_starts[: count + 1]


def neighbour_recall(data: np.ndarray, indices: np.ndarray, metric: str, rows: np.ndarray) -> float:
    """The share of each sampled row's exact nearest neighbours that ``indices`` lists, the row itself not counted.

    ``indices`` is a table in ``exact_knn``'s format (self first, ``k`` entries); each of ``rows``
    has its ``k − 1`` exact nearest others compared with the table's ``k − 1`` others.
    """
    k = indices.shape[1]
    data = np.ascontiguousarray(data, dtype=np.float32)
    squared = np.zeros(len(data), np.float32) if metric == "cosine" else np.einsum("ij,ij->i", data, data)
    found = 0
    for start in range(0, len(rows), 128):
        chunk = rows[start:start + 128]
        keys = squared[None, :] - 2.0 * (data[chunk] @ data.T)
        keys[np.arange(len(chunk)), chunk] = np.inf  # the row itself
        exact = np.argpartition(keys, k - 2, axis=1)[:, : k - 1]
        for row, neighbours in zip(chunk, exact):
            found += len(set(neighbours.tolist()) & set(indices[row, 1:].tolist()))
    return found / (len(rows) * (k - 1))
