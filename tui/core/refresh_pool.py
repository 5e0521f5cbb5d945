"""The process pool that parses feeds for the refresh, shared by every
refresh in a process (the TUI refreshes every few minutes; starting workers
each time would cost more than a small refresh).

Workers are started by a fork server on Linux (fork from a process that
already runs threads can deadlock; spawn would re-import the main module in
every worker), and otherwise by spawn. The fork server preloads nothing:
each worker imports the parsing modules itself (``warm_up``), so modules
preloaded there would only sit in one more process's memory.
One worker per core: the main process needs little CPU of its own (the
network and SQLite release the GIL, and the digest's grouping runs in the
pool too).
"""

from __future__ import annotations

import atexit
import multiprocessing
import os
import sys
import threading
from concurrent.futures import Executor, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

_lock = threading.Lock()
_pool: ProcessPoolExecutor | None = None


def worker_count() -> int:
    """Parse workers to start: ``$DIGEST_PARSE_WORKERS``, else one per core."""
    configured = os.environ.get("DIGEST_PARSE_WORKERS", "")
    if configured.isdigit() and int(configured) > 0:
        return int(configured)
    return max(
        1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    )


def shared_pool() -> Executor:
    """The process pool, started on first use."""
    global _pool
    with _lock:
        if _pool is None:
            if sys.platform == "linux":
                context = multiprocessing.get_context("forkserver")
                context.set_forkserver_preload([])
            else:
                context = multiprocessing.get_context("spawn")
            from tui.core.refresh_worker import warm_up

            _pool = ProcessPoolExecutor(
                max_workers=worker_count(), mp_context=context, initializer=warm_up
            )
        return _pool


def pool_running() -> bool:
    """True once the pool has been started in this process."""
    return _pool is not None


def discard_pool() -> None:
    """Forget a broken pool (a worker was killed), so the next use starts a
    new one."""
    global _pool
    with _lock:
        pool, _pool = _pool, None
    if pool is not None:
        pool.shutdown(wait=False, cancel_futures=True)


@atexit.register
def _shutdown() -> None:
    discard_pool()


__all__ = ["BrokenProcessPool", "discard_pool", "pool_running", "shared_pool", "worker_count"]
