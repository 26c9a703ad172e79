"""Running a map's numba kernels on every core, with results that never depend on how many.

The kernels in ``embedlab.maps.*_kernels`` are serial and release the GIL, so Python threads
run them at once: ``in_parallel`` hands one share of the work to each thread. The matrix
products beside them are thin (inner size = the vector dimension) and memory-bound, so
``one_blas_thread`` keeps BLAS from competing with those threads for the same cores.
"""

from __future__ import annotations

import threading

_POOL = None
_POOL_LOCK = threading.Lock()


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
    futures = [_pool().submit(work, share) for share in shares[1:]]
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


def one_blas_thread():
    """A context in which BLAS runs on one thread.

    The products of a map are thin and memory-bound, and umap's ARPACK spectral start is
    small: on a busy machine a second BLAS thread only fights the kernels' threads for the
    cores and made both several times slower.
    """
    from threadpoolctl import threadpool_limits

    return threadpool_limits(1, user_api="blas")
