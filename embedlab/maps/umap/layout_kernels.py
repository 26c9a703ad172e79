"""numba kernels of UMAP's layout optimisation, repeatable on any number of cores.

Serial, GIL-free kernels (see ``embedlab.maps.umap.neighbour_kernels`` for why not ``parallel=True``);
``embedlab.maps.umap.layout`` runs one block of points per core in threads.
"""

from __future__ import annotations

import numba
import numpy as np
from llvmlite import ir
from numba import types
from numba.extending import intrinsic


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


# ---- the sub-stepped layout of large maps (past the exact-neighbour switch) -------------------
#
# umap moves both ends of a sampled edge: the head towards the tail, and the tail towards the head
# (``move_other``). A block cannot write another block's points in the middle of a step (that
# block may be moving them, and the map would depend on the timing), so ``layout_block`` records
# each pull on a tail, and ``apply_tail_pulls`` applies the blocks' records in block order once
# the step is done: a tail moves at most one step (1/16 epoch) later than in umap. Moving only the
# head with twice the step (``layout_epoch``) gives each point the same pull per epoch but settles
# a large map more slowly: at 100,000 words and umap's 200 epochs it kept less trustworthiness than
# umap's own layout; with the tails pulled, more (bench/journal/2026-12-07.md).
#
# Each negative sample moves the point the next one starts from, so the samples form one chain
# of dependent arithmetic, and ``d2 ** b`` (a libm call) was most of each link: the cores waited
# on it. ``table_power`` reads d^b from a small table instead (``power_table``), which took the
# 100,000-word layout from about 10 s to 6.5 s at the same trustworthiness (same journal).
#
# ``layout_block`` repeats ``layout_epoch``'s loop over negative samples rather than share a helper with it:
# maps up to the switch must stay bit for bit the same (tests/test_same_outputs.py), and a shared, branching
# helper could change how the compiler fuses ``layout_epoch``'s arithmetic.

TABLE_SHIFT = 19  # float32 bits dropped for the table's index: 8 exponent and 4 mantissa bits are kept


@intrinsic
def _float_bits(typingctx, value):
    """The bits of a float32 as an int32: a register move, not a conversion."""
    def codegen(context, builder, signature, args):
        return builder.bitcast(args[0], ir.IntType(32))
    return types.int32(types.float32), codegen


def power_table(b: float) -> np.ndarray:
    """``x ** b`` at the start of each of 4,096 float32 buckets, with the step to the next: ``table_power``'s table.

    A bucket is the floats sharing their top 12 bits (sign, exponent, 4 mantissa bits): 16 per
    doubling of x, so a straight line across a bucket is within 1e-4 of x^b (relative) for b ≤ 1
    (Explore's default ``min_dist`` 0.1 has b ≈ 0.895) and 1e-3 for b up to 2 (``min_dist`` 0.99).
    """
    starts = (np.arange(4097, dtype=np.uint64) << np.uint64(TABLE_SHIFT)).astype(np.uint32).view(np.float32)
    with np.errstate(over="ignore", invalid="ignore"):
        values = np.power(starts.astype(np.float64), float(b))
    largest = float(np.finfo(np.float32).max) / 2  # buckets past float32's range are never reached by a map
    values = np.minimum(np.nan_to_num(values, nan=largest, posinf=largest), largest)
    return np.ascontiguousarray(np.stack([values[:-1], np.diff(values)], axis=1), dtype=np.float32)


@numba.njit(cache=True, nogil=True, fastmath=True, inline="always")
def table_power(value, table):
    """``value ** b`` for a positive float32, from ``power_table(b)``: its bucket's start plus a straight line."""
    bits = _float_bits(value)
    bucket = bits >> TABLE_SHIFT
    within = np.float32(bits & ((1 << TABLE_SHIFT) - 1)) * np.float32(1.0 / (1 << TABLE_SHIFT))
    return table[bucket, 0] + within * table[bucket, 1]


@numba.njit(cache=True, nogil=True, fastmath=True)
def layout_block(embedding, snapshot, head, tail, first_edge, stop_edge, epochs_per_sample, epochs_per_negative,
                 next_sample, next_negative, state, a, b, b_powers, epoch, alpha, pulled, pulls):
    """One step of umap's ``optimize_layout_euclidean`` (gamma 1, ``move_other``) for the edges of one block.

    Moves the block's heads in ``embedding`` (they belong to this block alone), reads every
    other point from ``snapshot`` (the positions at the start of the step), and writes the pull
    on each sampled edge's tail into ``pulled`` (the tail) and ``pulls`` (its move) for
    ``apply_tail_pulls``. ``state`` is the block's random state; ``a``, ``b`` umap's curve
    parameters, with ``b_powers`` = ``power_table(b)``. Returns how many pulls it wrote.
    """
    n, dim = embedding.shape
    three = dim == 3
    a = np.float32(a)
    b = np.float32(b)
    alpha = np.float32(alpha)
    one = np.float32(1.0)
    zero = np.float32(0.0)
    pull = np.float32(2.0) * a * b
    push = np.float32(2.0) * b
    count = 0
    for e in range(first_edge, stop_edge):
        if next_sample[e] > epoch:
            continue
        j = head[e]
        k = tail[e]
        x = embedding[j, 0]
        y = embedding[j, 1]
        z = embedding[j, 2] if three else zero
        dx = x - snapshot[k, 0]
        dy = y - snapshot[k, 1]
        dz = z - snapshot[k, 2] if three else zero
        d2 = dx * dx + dy * dy + dz * dz
        if d2 > 0.0:
            power = table_power(d2, b_powers)
            coefficient = -pull * (power / d2) / (a * power + one)
            gx = _clip(coefficient * dx) * alpha
            gy = _clip(coefficient * dy) * alpha
            gz = _clip(coefficient * dz) * alpha if three else zero
            x += gx
            y += gy
            z += gz
            pulled[count] = k
            pulls[count, 0] = -gx
            pulls[count, 1] = -gy
            if three:
                pulls[count, 2] = -gz
            count += 1
        next_sample[e] += epochs_per_sample[e]
        n_negative = int((epoch - next_negative[e]) / epochs_per_negative[e])
        for _ in range(n_negative):
            k = int((_next_random(state) * np.uint64(n)) >> np.uint64(32))
            dx = x - snapshot[k, 0]
            dy = y - snapshot[k, 1]
            dz = z - snapshot[k, 2] if three else zero
            d2 = dx * dx + dy * dy + dz * dz
            if d2 > 0.0:
                coefficient = push / ((np.float32(0.001) + d2) * (a * table_power(d2, b_powers) + one))
                x += _clip(coefficient * dx) * alpha
                y += _clip(coefficient * dy) * alpha
                if three:
                    z += _clip(coefficient * dz) * alpha
        next_negative[e] += n_negative * epochs_per_negative[e]
        embedding[j, 0] = x
        embedding[j, 1] = y
        if three:
            embedding[j, 2] = z
    return count


@numba.njit(cache=True, nogil=True)
def apply_tail_pulls(embedding, pulled, pulls, count):
    """Move the first ``count`` tails recorded by ``layout_block`` (in the order recorded)."""
    for m in range(count):
        k = pulled[m]
        for d in range(embedding.shape[1]):
            embedding[k, d] += pulls[m, d]
