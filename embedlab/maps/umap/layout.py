"""umap-learn's algorithm on a neighbour table (exact, or NN-descent's for large maps): the fuzzy graph,
the spectral start, and a layout on every core.

The steps are those of ``umap.UMAP.fit`` (fuzzy simplicial set, edges too weak for
``n_epochs`` dropped, spectral start with a little noise scaled to [0, 10], the ``a``/``b``
curve for ``min_dist``), with umap's own small steps copied into ``umap_steps`` so that umap
(and the compilation of its NN-descent) is never imported. umap runs its seeded layout on
one core; ``optimize_layout`` here is umap's gradient descent split into fixed blocks of
points, so it uses every core and still gives the same map for the same inputs and seed,
on one core or many. Past the exact-neighbour switch (``embedlab.maps.projection``) the blocks
read positions refreshed 16 times per epoch instead of once, and the spectral start's
eigenvectors are found by a faster route (``steps.quick_spectral_layout``).
"""

from __future__ import annotations

import warnings
from collections.abc import Callable

import numpy as np

from embedlab.maps.umap.neighbours import exact_knn
from embedlab.maps.umap.parallel import in_parallel, in_turns, one_blas_thread

STEP_BLOCKS = 8  # blocks moving at once in a step of a sub-stepped epoch (``optimize_layout``): a few per core


def umap_layout(data: np.ndarray, n_components: int, n_neighbors: int, min_dist: float, metric: str,
                random_state: int | None, n_epochs: int, neighbours: tuple[np.ndarray, np.ndarray] | None = None,
                progress: Callable[[float], None] | None = None, sub_steps: int = 1,
                quick_start: bool = False) -> np.ndarray:
    """A UMAP map of ``data`` (unit rows for "cosine"): float32 ``(n, n_components)``; seeded, repeatable.

    ``neighbours`` is a ``(indices, distances)`` table of ``n_neighbors`` columns in ``exact_knn``'s
    format (approximate ones for large maps); None computes exact ones. ``progress`` is called
    with the share of the layout done (0 to 1) as the epochs go.
    """
    from embedlab.maps.umap.steps import (find_ab_params, make_epochs_per_sample, noisy_scale_coords,
                                          quick_spectral_layout, spectral_layout)

    seed = int(np.random.default_rng().integers(2**31)) if random_state is None else int(random_state)
    state = np.random.RandomState(seed)
    indices, distances = exact_knn(data, n_neighbors, metric) if neighbours is None else neighbours
    graph = fuzzy_graph(indices, distances).tocoo()
    graph.sum_duplicates()
    graph.data[graph.data < graph.data.max() / float(n_epochs)] = 0.0
    graph.eliminate_zeros()
    graph = graph.tocsr()  # edges sorted by head, as the blocks of the layout need
    with one_blas_thread(), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        start = (quick_spectral_layout if quick_start else spectral_layout)(data, graph, n_components, state,
                                                                          metric=metric)
    start = noisy_scale_coords(start, state, max_coord=10, noise=0.0001)
    span = np.maximum(start.max(axis=0) - start.min(axis=0), np.finfo(np.float32).tiny)
    embedding = np.ascontiguousarray(10.0 * (start - start.min(axis=0)) / span, dtype=np.float32)
    a, b = find_ab_params(1.0, min_dist)
    graph = graph.tocoo()
    epochs_per_sample = make_epochs_per_sample(graph.data, n_epochs)
    optimize_layout(embedding, graph.row.astype(np.int64), graph.col.astype(np.int64), epochs_per_sample,
                    float(a), float(b), int(n_epochs), seed, progress=progress, sub_steps=sub_steps)
    return embedding


def fuzzy_graph(knn_indices: np.ndarray, knn_distances: np.ndarray):
    """umap's fuzzy simplicial set (``umap.umap_.fuzzy_simplicial_set``, local_connectivity 1,
    fuzzy union) of a k-nearest-neighbour table, as a scipy sparse matrix."""
    import scipy.sparse

    from embedlab.maps.umap import fuzzy_set_kernels

    knn_distances = np.ascontiguousarray(knn_distances, dtype=np.float32)
    n, k = knn_indices.shape
    sigmas, rhos = fuzzy_set_kernels.smooth_knn_dist(knn_distances, float(k))
    rows, cols, vals = fuzzy_set_kernels.membership_strengths(np.ascontiguousarray(knn_indices), knn_distances,
                                                              sigmas, rhos)
    directed = scipy.sparse.coo_matrix((vals, (rows, cols)), shape=(n, n))
    directed.eliminate_zeros()
    transpose = directed.transpose()
    graph = directed + transpose - directed.multiply(transpose)
    graph.eliminate_zeros()
    return graph


def optimize_layout(embedding: np.ndarray, head: np.ndarray, tail: np.ndarray, epochs_per_sample: np.ndarray,
                    a: float, b: float, n_epochs: int, seed: int, negative_sample_rate: float = 5.0,
                    progress: Callable[[float], None] | None = None, sub_steps: int = 1) -> np.ndarray:
    """umap's gradient descent (``optimize_layout_euclidean``, gamma 1, initial alpha 1), on every core.

    The points are cut into fixed blocks of heads with about equal work; every block moves
    its own points against a copy of the positions, with its own random stream, so the map
    is the same however many threads share the blocks (see ``embedlab.maps.umap.layout_kernels``).
    ``embedding`` is moved in place.

    With ``sub_steps`` 1, ``LAYOUT_BLOCKS`` blocks all move at once against the positions of
    the epoch's start. umap moves each point against the others' current positions; on a
    large graph, positions a whole epoch old make the map settle worse (100,000 words kept
    ~0.02 less trustworthiness than umap's, whatever the epochs: bench/journal/2026-12-07.md).
    With ``sub_steps`` s > 1 the points are cut into ``STEP_BLOCKS`` × s blocks; each epoch
    runs in s steps, step r moving the r-th block of each of ``STEP_BLOCKS`` runs, and the
    copy is refreshed after every step, so a point reads positions at most 1/s epoch old.
    There, as in umap, a sampled edge also pulls its tail (recorded by the block, applied after
    the step), and an edge's negative samples push from one position (``layout_kernels.layout_block``).
    """
    from embedlab.maps.umap import layout_kernels as kernels

    blocks = kernels.LAYOUT_BLOCKS if sub_steps == 1 else STEP_BLOCKS * sub_steps
    block_starts = _layout_blocks(head, epochs_per_sample, blocks)
    n_blocks = len(block_starts) - 1
    # block i runs in step i % sub_steps: the blocks of a step are spread along the points, with equal work
    steps = [list(range(step, n_blocks, sub_steps)) for step in range(min(sub_steps, n_blocks))]
    epochs_per_negative = epochs_per_sample / negative_sample_rate
    next_sample, next_negative = epochs_per_sample.copy(), epochs_per_negative.copy()
    states = kernels.block_random_states(np.uint64(seed), n_blocks)
    snapshot = embedding.copy()
    if sub_steps > 1:
        _sub_stepped_epochs(embedding, snapshot, head, tail, block_starts, steps, epochs_per_sample,
                            epochs_per_negative, next_sample, next_negative, states, a, b, n_epochs, progress)
        return embedding

    for epoch in range(n_epochs):
        alpha = float(np.float32(1.0 - epoch / n_epochs))
        for step in steps:
            snapshot[:] = embedding
            in_parallel(lambda numbers: kernels.layout_epoch(
                embedding, snapshot, head, tail, block_starts, np.asarray(numbers, dtype=np.int64),
                epochs_per_sample, epochs_per_negative, next_sample, next_negative, states, a, b, epoch, alpha),  # noqa: B023 (called before the loop moves on)
                step)
        if progress is not None and (epoch + 1) % 10 == 0:
            progress((epoch + 1) / n_epochs)
    return embedding


def _sub_stepped_epochs(embedding, snapshot, head, tail, block_starts, steps, epochs_per_sample, epochs_per_negative,
                        next_sample, next_negative, states, a, b, n_epochs, progress) -> None:
    """The epochs of a large map: in each step its blocks move their heads (``layout_kernels.layout_block``),
    then the pulls they recorded on tails are applied in block order, so the map does not depend on the cores."""
    from embedlab.maps.umap import layout_kernels as kernels

    sizes = np.diff(block_starts)
    pulled = [np.empty(size, dtype=np.int64) for size in sizes]
    pulls = [np.empty((size, embedding.shape[1]), dtype=np.float32) for size in sizes]
    counts = np.zeros(len(sizes), dtype=np.int64)
    b_powers = kernels.power_table(b)
    for epoch in range(n_epochs):
        alpha = float(np.float32(1.0 - epoch / n_epochs))
        for step in steps:
            snapshot[:] = embedding

            def move(number, epoch=epoch, alpha=alpha):
                counts[number] = kernels.layout_block(
                    embedding, snapshot, head, tail, block_starts[number], block_starts[number + 1],
                    epochs_per_sample, epochs_per_negative, next_sample, next_negative, states[number], a, b, b_powers,
                    epoch, alpha, pulled[number], pulls[number])

            # short steps: a thread slowed by other work takes fewer blocks rather than hold the step up
            in_turns(move, step)
            for number in step:
                kernels.apply_tail_pulls(embedding, pulled[number], pulls[number], counts[number])
        if progress is not None and (epoch + 1) % 10 == 0:
            progress((epoch + 1) / n_epochs)


def _layout_blocks(heads: np.ndarray, epochs_per_sample: np.ndarray, blocks: int) -> np.ndarray:
    """Edge offsets of ``blocks`` runs of whole heads (sorted) with about equal sampling work each.

    Cut by number of points instead, the first blocks (the most frequent words, with the
    strongest edges) would hold more of the work than the last, and one core would wait for
    the other. The cuts depend only on the graph, so the map stays the same on any number of cores.
    """
    work = np.cumsum(1.0 / epochs_per_sample)
    cuts = np.searchsorted(work, np.linspace(0.0, work[-1], blocks + 1)[1:-1])
    starts = np.searchsorted(heads, heads[np.minimum(cuts, len(heads) - 1)])  # back to a head's first edge
    return np.unique(np.concatenate([[0], starts, [len(heads)]])).astype(np.int64)
