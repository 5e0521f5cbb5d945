"""The process pool that parses feeds (and groups the digest's stories) for
the refresh, shared by every refresh in a process (the TUI refreshes every
few minutes; starting workers each time would cost more than a small
refresh).

It is a small pool of our own rather than ``ProcessPoolExecutor``, for
memory. That one, on Linux, needs a fork server (forking from a process
that already runs threads can deadlock) and multiprocessing's resource
tracker: two processes that do no work. Measured in a cold refresh of 1000
feeds: the refreshing process 67 MB RSS, the resource tracker 12 MB, the
fork server 13 MB, two workers 93 MB each; the tracker and the server were
25 MB of the 278, against a target under 200. It also ran two threads in
the refreshing process (the queue feeder and the executor manager) that
cost CPU there. Here a worker is a plain ``python -c`` child started by
``subprocess`` (vfork/posix_spawn, safe from a threaded parent), and the
pool talks to it over its stdin and stdout with length-prefixed pickles
(:mod:`tui.core.pool_worker`): no fork server, no resource tracker, no
semaphores, and one thread per worker here, blocked on its pipe (the GIL
is released while it waits), which does the pickling of the job's
arguments and the unpickling of its answer, off the event loop's thread.

Workers start on demand, up to one per core: the main process needs little
CPU of its own (the network and SQLite release the GIL, and the digest's
grouping runs in the pool too). Each imports the parsing modules itself
(``warm_up``) before its first job. A worker runs one job at a time; jobs
wait in submission order and the next free worker takes the next one.
A worker that dies (killed, out of memory) fails its job with
``WorkerDied`` and every job still waiting with ``BrokenProcessPool``
(multiprocessing's exception, which ``WorkerDied`` is a kind of, so
callers' except clauses are the same as for ``ProcessPoolExecutor``), and
the pool then refuses new jobs until it is discarded. Only the first kind
of job is a likely cause: the others may run again in a new pool.

A worker's stderr is a pipe read by a thread here that keeps its last
lines, not this process's stderr: in the reader, anything a worker printed
(a library's warning, a crash outside a job) would land on the screen
Textual draws. The last line it wrote is given in the reason a broken pool
reports.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import pickle
import subprocess
import sys
import threading
import weakref
from collections import deque
from collections.abc import Callable
from concurrent.futures import Executor, Future
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from typing import Any

from tui.core.pool_worker import (
    PROTOCOL,
    RemoteTraceback,
    bootstrap_code,
    read_message,
    write_message,
)

_lock = threading.Lock()
_pool: WorkerPool | None = None
# Lines of a worker's stderr kept, and the most read as one line.
_TAIL_LINES = 20
_TAIL_LINE_BYTES = 4096


class WorkerDied(BrokenProcessPool):
    """The worker running this very job died: the job is the likely cause
    (its input killed the parser). The broken pool's other jobs get a plain
    ``BrokenProcessPool``: they did nothing wrong."""


class _Tail:
    """The last lines a worker wrote to its stderr, read by a thread of
    ours until the worker closes it (exits), so that the pipe never fills
    and blocks the worker."""

    def __init__(self, stream: Any) -> None:
        self.lines: deque[bytes] = deque(maxlen=_TAIL_LINES)
        self.thread = threading.Thread(
            target=self._read, args=(stream,), name="digest-pool-stderr", daemon=True
        )
        self.thread.start()

    def _read(self, stream: Any) -> None:
        with contextlib.suppress(OSError, ValueError), stream:
            while line := stream.readline(_TAIL_LINE_BYTES):
                self.lines.append(line)

    def last(self, wait: float) -> str:
        """The last non-blank line, once the worker's stderr is closed (or
        after *wait* seconds, should a child of the worker still hold it)."""
        self.thread.join(wait)
        for line in reversed(self.lines):
            text = line.decode("utf-8", "replace").strip()
            if text:
                return text
        return ""


_TAILS: weakref.WeakKeyDictionary[subprocess.Popen[bytes], _Tail] = weakref.WeakKeyDictionary()


def worker_count() -> int:
    """Parse workers to start: ``$DIGEST_PARSE_WORKERS``, else one per core."""
    configured = os.environ.get("DIGEST_PARSE_WORKERS", "")
    if configured.isdigit() and int(configured) > 0:
        return int(configured)
    return max(
        1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    )


def start_worker(initializer: Callable[[], object] | None) -> subprocess.Popen[bytes]:
    """Start one worker process and hand it this process's ``sys.path``
    (so it imports ``tui`` however this process was started) and the
    *initializer* it runs before its first job. Its stdin and stdout are
    unbuffered pipes (the framing writes and reads whole messages itself);
    its stderr is a pipe whose last lines are kept (:func:`_last_words`)."""
    process = subprocess.Popen(
        [sys.executable, "-c", bootstrap_code()],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        bufsize=0,
    )
    _TAILS[process] = _Tail(process.stderr)
    try:
        assert process.stdin is not None
        write_message(process.stdin, pickle.dumps(list(sys.path), protocol=PROTOCOL))
        write_message(process.stdin, pickle.dumps(initializer, protocol=PROTOCOL))
    except BaseException:
        _close_worker(process)
        raise
    return process


def _close_worker(process: subprocess.Popen[bytes]) -> int:
    """Close a worker's stdin (it exits at end of file, once its job is
    done), wait for it, and return its exit status."""
    for pipe in (process.stdin, process.stdout):
        if pipe is not None:
            with contextlib.suppress(OSError):
                pipe.close()
    return process.wait()


def _last_words(process: subprocess.Popen[bytes], wait: float = 1.0) -> str:
    """The last line an ended worker wrote to its stderr ("" if none)."""
    tail = _TAILS.get(process)
    return tail.last(wait) if tail is not None else ""


def _ended(status: int) -> str:
    """How a worker ended, in words, from its exit status."""
    if status < 0:
        return f"killed by signal {-status}"
    return f"exit status {status}"


@dataclass(slots=True)
class _Job:
    future: Future[Any]
    function: Callable[..., Any]
    args: tuple[Any, ...]
    kwargs: dict[str, Any]


class WorkerPool(Executor):
    """A process pool whose workers are ``subprocess`` children, one job at
    a time each; see the module's docstring for why it exists."""

    def __init__(self, max_workers: int, initializer: Callable[[], object] | None = None) -> None:
        self._max_workers = max(1, max_workers)
        self._initializer = initializer
        self._condition = threading.Condition()
        self._jobs: deque[_Job] = deque()
        self._threads: list[threading.Thread] = []
        self._idle = 0  # threads waiting for a job
        self._shutdown = False
        self._broken: str | None = None

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        """Queue ``fn(*args, **kwargs)`` for the next free worker, starting
        one if none is free and there are fewer than the most allowed."""
        with self._condition:
            if self._broken is not None:
                raise BrokenProcessPool(self._broken)
            if self._shutdown:
                raise RuntimeError("cannot schedule new futures after shutdown")
            future: Future[Any] = Future()
            self._jobs.append(_Job(future, fn, args, kwargs))
            if len(self._jobs) > self._idle and len(self._threads) < self._max_workers:
                thread = threading.Thread(
                    target=self._serve,
                    name=f"digest-pool-{len(self._threads) + 1}",
                    daemon=True,  # the process's exit does not wait for workers
                )
                self._threads.append(thread)
                thread.start()
            else:
                self._condition.notify()
            return future

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        """Let the workers finish their jobs (and the queued ones, unless
        *cancel_futures*), then close their stdin so they exit; with *wait*,
        return once they have."""
        with self._condition:
            self._shutdown = True
            if cancel_futures:
                while self._jobs:
                    self._jobs.popleft().future.cancel()
            self._condition.notify_all()
            threads = list(self._threads)
        if wait:
            current = threading.current_thread()
            for thread in threads:
                if thread is not current:
                    thread.join()

    def _next_job(self) -> _Job | None:
        """The next job for a free worker, waiting for one; None once the
        pool is shut down with nothing queued, or broken."""
        with self._condition:
            self._idle += 1
            try:
                while not self._jobs and not self._shutdown and self._broken is None:
                    self._condition.wait()
            finally:
                self._idle -= 1
            if self._broken is not None or not self._jobs:
                return None
            return self._jobs.popleft()

    def _break(self, reason: str) -> None:
        """A worker died: fail every queued job, refuse new ones."""
        with self._condition:
            if self._broken is None:
                self._broken = reason
            waiting = list(self._jobs)
            self._jobs.clear()
            self._condition.notify_all()
        for job in waiting:
            if job.future.set_running_or_notify_cancel():
                job.future.set_exception(BrokenProcessPool(reason))

    def _serve(self) -> None:
        """One worker's thread: start the worker, then hand it jobs one at a
        time until the pool shuts down or the worker dies."""
        try:
            process = start_worker(self._initializer)
        except Exception as error:
            self._break(f"a pool worker could not be started: {error!r}")
            return
        try:
            while (job := self._next_job()) is not None:
                if not job.future.set_running_or_notify_cancel():
                    continue  # cancelled while it waited
                if not self._run(process, job):
                    return
                del job
        finally:
            _close_worker(process)

    def _run(self, process: subprocess.Popen[bytes], job: _Job) -> bool:
        """Send *job* to *process* and settle its future with the answer.
        False if the worker died (the pool is then broken)."""
        future = job.future
        try:
            request = pickle.dumps((job.function, job.args, job.kwargs), protocol=PROTOCOL)
        except Exception as error:  # an argument that does not pickle: this job's fault
            future.set_exception(error)
            return True
        job.args = job.kwargs = None  # type: ignore[assignment]  # the pickle carries them now
        assert process.stdin is not None and process.stdout is not None
        try:
            write_message(process.stdin, request)
            del request
            reply = read_message(process.stdout)
        except OSError:
            reply = None
        if reply is None:
            reason = (
                f"a pool worker (pid {process.pid}) ended while running a job "
                f"({_ended(_close_worker(process))})"
            )
            if said := _last_words(process):
                reason += f": {said}"
            future.set_exception(WorkerDied(reason))
            self._break(reason)
            return False
        try:
            ok, value, trace = pickle.loads(reply)
        except Exception as error:  # e.g. the result's class does not import here
            future.set_exception(error)
            return True
        del reply
        if ok:
            future.set_result(value)
        else:
            if trace and isinstance(value, BaseException):
                value.__cause__ = RemoteTraceback(trace)
            future.set_exception(value)
        return True


def shared_pool() -> Executor:
    """The process pool, started on first use."""
    global _pool
    with _lock:
        if _pool is None:
            from tui.core.refresh_worker import warm_up

            _pool = WorkerPool(worker_count(), initializer=warm_up)
        return _pool


def pool_running() -> bool:
    """True once the pool has been started in this process."""
    return _pool is not None


def discard_pool(broken: Executor | None = None) -> None:
    """Forget a broken pool (a worker was killed), so the next use starts a
    new one. With *broken*, only if that is still the pool: each job of a
    broken pool discards it, and a job that already runs again in the new
    pool must not see it go too. Its queued jobs are not cancelled: the
    job whose worker died may be answered before the pool has failed the
    others, and a cancelled job would end its caller's task unanswered;
    they fail with ``BrokenProcessPool`` (or run on a live worker)."""
    global _pool
    with _lock:
        if broken is not None and _pool is not broken:
            return
        pool, _pool = _pool, None
    if pool is not None:
        pool.shutdown(wait=False, cancel_futures=broken is None)


@atexit.register
def _shutdown() -> None:
    discard_pool()


__all__ = [
    "BrokenProcessPool",
    "WorkerDied",
    "WorkerPool",
    "discard_pool",
    "pool_running",
    "shared_pool",
    "start_worker",
    "worker_count",
]
