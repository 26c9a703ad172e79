"""numba kernels of UMAP's layout optimisation, repeatable on any number of cores.

Serial, GIL-free kernels (see ``embedlab.maps.umap.neighbour_kernels`` for why not ``parallel=True``);
``embedlab.maps.umap.layout`` runs one block of points per core in threads.
"""

from __future__ import annotations

import numba
import numpy as np


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
