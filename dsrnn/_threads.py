"""Thread limits for fitting inside parallel workers (``GridSearchCV(n_jobs > 1)``, dask).

torch sizes its intra-op thread pool from ``OMP_NUM_THREADS`` when it is
imported, or else to the number of cores; numpy's BLAS does the same. Several
fits running at once then ask for ``n_jobs * n_cores`` threads on ``n_cores``
cores, and oversubscription makes the whole search slower than a sequential
one. What each parallel backend does about it (measured with joblib 1.6,
distributed 2026.8, torch 2.13):

- joblib's ``loky`` (the default of ``n_jobs > 1``) starts its workers with
  ``OMP_NUM_THREADS`` etc. set to ``cpu_count() // n_jobs``; torch, imported
  afterwards in the worker, honours it.
- dask.distributed worker *processes* (started by a nanny) get
  ``OMP_NUM_THREADS=1``; torch honours it.
- joblib's ``threading`` and ``multiprocessing`` backends, and dask workers
  running in the client's process (``LocalCluster(processes=False)``), set
  nothing: every fit uses all cores.

:func:`resolve_n_threads` and :func:`limit_threads` close the gap: inside any
such worker a fit uses the count the backend published in ``OMP_NUM_THREADS``,
or one thread where it published none. Outside workers nothing is changed
unless the user asks for a count.
"""

from __future__ import annotations

import contextlib
import functools
import os
import sys
import threading
from typing import Iterator, Optional

import torch
from threadpoolctl import threadpool_limits

from ._validation import check_int

__all__ = ["in_parallel_worker", "resolve_n_threads", "limit_threads", "limit_threads_in_fit"]


def in_parallel_worker() -> bool:
    """Whether the caller runs as a task of a parallel joblib call or a dask worker.

    joblib runs each task of ``Parallel(n_jobs > 1)`` (any backend) under a
    nested backend whose ``nesting_level`` is at least 1; a sequential call
    (``n_jobs=1``) keeps level 0. dask.distributed tasks are recognized by
    ``distributed.get_worker()`` (only looked up when ``distributed`` is
    already imported, so this costs nothing otherwise).
    """
    try:
        from joblib.parallel import get_active_backend

        backend, _ = get_active_backend()
        if (getattr(backend, "nesting_level", 0) or 0) >= 1:
            return True
    except Exception:  # pragma: no cover - a joblib without this API
        pass
    if "distributed" in sys.modules:
        try:
            from distributed import get_worker

            get_worker()
            return True
        except (ImportError, ValueError):
            pass
    return False


def resolve_n_threads(n_threads: Optional[int]) -> Optional[int]:
    """The thread count a fit should use, or None to leave the process as it is.

    Parameters
    ----------
    n_threads : int or None
        An int (>= 1) is returned as it is. None means: outside a parallel
        worker, None (no change); inside one (:func:`in_parallel_worker`), the
        ``OMP_NUM_THREADS`` the backend set for its workers (loky:
        ``cpu_count() // n_jobs``), or 1 where it set none (threading,
        multiprocessing, in-process dask workers).

    Returns
    -------
    n_threads : int or None
    """
    n_threads = check_int(n_threads, "n_threads", 1, allow_none=True)
    if n_threads is not None:
        return n_threads
    if not in_parallel_worker():
        return None
    try:
        published = int(os.environ.get("OMP_NUM_THREADS", ""))
    except ValueError:
        published = 0
    return published if published >= 1 else 1


@contextlib.contextmanager
def _limit_blas(n_threads: int) -> Iterator[None]:
    """Limit BLAS (threadpoolctl) in the main thread only.

    OpenBLAS with its pthreads layer (numpy's and scipy's wheels) has one
    process-wide pool, which threadpoolctl lets only one Python thread set at
    a time. Fits running in other threads of one process (threading backend,
    in-process dask) already share that pool, and setting and restoring it
    from each of them would race (one fit's restore undone by another's), so
    there only torch's per-thread pool is limited.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    with threadpool_limits(limits=n_threads, user_api="blas"):
        yield


@contextlib.contextmanager
def limit_threads(n_threads: Optional[int]) -> Iterator[int]:
    """Run a block with torch and BLAS limited to ``n_threads`` threads; restore afterwards.

    ``torch.set_num_threads`` acts on the calling thread's OpenMP pool (other
    threads of the process, e.g. the other workers of a threading backend,
    keep theirs, as ``torch.set_num_threads`` is per thread in torch's OpenMP
    builds). BLAS (threadpoolctl) is limited only when called from the main
    thread: its pool is process-wide, shared by all threads. With
    ``n_threads=None`` nothing is changed.

    Yields
    ------
    n_threads : int
        ``torch.get_num_threads()`` inside the block.
    """
    if n_threads is None:
        yield torch.get_num_threads()
        return
    previous = torch.get_num_threads()
    torch.set_num_threads(n_threads)
    try:
        with _limit_blas(n_threads):
            yield torch.get_num_threads()
    finally:
        torch.set_num_threads(previous)


def limit_threads_in_fit(fit):
    """Decorate an estimator's ``fit``: apply ``self.n_threads`` and record ``n_threads_``.

    The count is resolved by :func:`resolve_n_threads` (so None limits only
    inside parallel workers); ``n_threads_`` is the torch thread count that
    the fit ran with.
    """

    @functools.wraps(fit)
    def wrapper(self, *args, **kwargs):
        n_threads = resolve_n_threads(getattr(self, "n_threads", None))
        with limit_threads(n_threads) as used:
            result = fit(self, *args, **kwargs)
            self.n_threads_ = used
        return result

    return wrapper
