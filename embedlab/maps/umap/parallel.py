"""Running a map's numba kernels on every core, with results that never depend on how many.

The kernels in ``embedlab.maps.*_kernels`` are serial and release the GIL, so Python threads
run them at once: ``in_parallel`` hands one share of the work to each thread. The matrix
products beside them are thin (inner size = the vector dimension) and memory-bound, so
``one_blas_thread`` keeps BLAS from competing with those threads for the same cores.
"""

from __future__ import annotations

import threading
from contextlib import contextmanager

_POOL = None
_POOL_LOCK = threading.Lock()
_BLAS_LOCK = threading.RLock()  # held while BLAS is limited to one thread (re-entrant: blocks may nest)


def in_parallel(work, items) -> list:
    """``work(part)`` for one share of ``items`` per core, in threads; the results in order of the shares.

    Shares interleave the items (0, 2, 4, … and 1, 3, 5, …), which balances rows that grow
    cheaper or dearer along the array. The split never changes a result: every item is
    worked the same way, whichever thread takes it. How many shares: numba's thread count
    (``NUMBA_NUM_THREADS``, all cores).
    """
    import numba

    items = list(items)
    threads = max(1, numba.get_num_threads())
    shares = [share for share in (items[part::threads] for part in range(threads)) if share]
    if len(shares) <= 1:
        return [work(items)]
    try:
        futures = [_pool().submit(work, share) for share in shares[1:]]
    except RuntimeError:  # the interpreter is shutting down (a daemon warm-up still running): finish here
        return [work(share) for share in shares]
    first = work(shares[0])  # this thread takes a share too
    return [first] + [future.result() for future in futures]


def _pool():
    """Worker threads shared by every map of this process (one per core)."""
    global _POOL
    with _POOL_LOCK:
        if _POOL is None:
            import os
            from concurrent.futures import ThreadPoolExecutor

            _POOL = ThreadPoolExecutor(max_workers=os.cpu_count() or 2, thread_name_prefix="embedlab-map")
    return _POOL


@contextmanager
def one_blas_thread():
    """A context in which BLAS runs on one thread; maps drawn at the same time take turns in it.

    The products of a map are thin and memory-bound, and umap's ARPACK spectral start is
    small: a second BLAS thread only fights the kernels' threads for the cores. It would
    also change results: a matrix product split over two BLAS threads rounds differently
    in the last bit, and the layout magnifies that into another map.

    BLAS's thread count is one setting for the whole process, and threadpoolctl lets only
    one thread at a time change it (another thread's limit is silently ignored until the
    first one's ``with`` block ends). So two visitors' maps, drawn in two script threads,
    would each be computed with whatever count the other left. They take turns here
    instead; each turn is short (the products and the spectral start, not the layout),
    and each already keeps both cores busy through ``in_parallel``.
    """
    from threadpoolctl import threadpool_limits

    with _BLAS_LOCK, threadpool_limits(1, user_api="blas"):
        yield


def in_turns(work, items) -> None:
    """``work(item)`` for every one of ``items``, each thread (one per core) taking the next item left when free.

    For items whose work is independent of the thread that does it and of the others' order (the blocks of a
    layout step): a thread slowed by another process on its core takes fewer items, instead of the other
    waiting for its fixed share. Results are the same as ``in_parallel``'s; only the timing differs.
    """
    import numba

    items = list(items)
    threads = min(max(1, numba.get_num_threads()), len(items))
    if threads <= 1:
        for item in items:
            work(item)
        return
    queue = iter(items)
    lock = threading.Lock()

    def worker():
        while True:
            with lock:
                item = next(queue, None)
            if item is None:
                return
            work(item)

    try:
        futures = [_pool().submit(worker) for _ in range(threads - 1)]
    except RuntimeError:  # the interpreter is shutting down: finish here
        futures = []
    worker()
    for future in futures:
        future.result()
