"""The refresh's process pool (tui.core.refresh_pool): jobs run in worker
processes started by subprocess, answers and exceptions come back, a
killed worker breaks the pool until it is discarded, no fork server or
resource tracker is started, a worker's stderr stays off ours, and a
worker exits when its stdin closes,
including when the process that started it dies."""

from __future__ import annotations

import asyncio
import operator
import os
import pickle
import select
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

import tui.core.refresh_worker as refresh_worker
from tests.refresh.helpers import config_for, rss, run
from tests.support.server import FeedServer, Route
from tui.core import pool_worker
from tui.core.refresh_pool import (
    BrokenProcessPool,
    WorkerDied,
    WorkerPool,
    discard_pool,
    pool_running,
    shared_pool,
    start_worker,
)
from tui.core.store import Store

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="signals and FIFOs are POSIX")

TIMEOUT = 60


# Jobs. The workers import this module to run them.


def raise_unpicklable() -> None:
    raise ValueError(threading.Lock())  # a lock does not pickle


def announce_and_block(fifo: str) -> int:
    """Say we run (the test blocks reading the FIFO until then), then wait
    to be killed."""
    with open(fifo, "w") as announce:
        announce.write(f"{os.getpid()}\n")
    time.sleep(600)  # the job that is running when its worker is killed
    return os.getpid()


def wait_for_line(fifo: str) -> int:
    """Block until someone writes a line to *fifo*."""
    with open(fifo) as incoming:
        incoming.readline()
    return os.getpid()


def complain_and_die(words: str) -> None:
    """Write to stderr (as a crashing library would), then die without answering."""
    sys.stderr.write(f"first\n{words}\n")
    sys.stderr.flush()
    os._exit(3)


def parse_or_die(body: bytes, *args: object) -> object:
    """The parse job, except that a feed saying "poison" kills its worker
    (as a parser's crash or the kernel's OOM killer would)."""
    if b"poison" in body:
        complain_and_die("MemoryError in the parser")
    return _real_parse_job(body, *args)


_real_parse_job = refresh_worker.parse_job


def chatter(size: int) -> int:
    """Write *size* bytes to stderr, more than a pipe holds, then answer."""
    sys.stderr.write(("warning: noisy library\n" * (size // 23 + 1))[:size])
    sys.stderr.flush()
    return os.getpid()


def write_line(fifo: str) -> int:
    with open(fifo, "w") as outgoing:
        outgoing.write("go\n")
    return os.getpid()


@pytest.fixture
def pool(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """A fresh shared pool with one worker, discarded afterwards."""
    monkeypatch.setenv("DIGEST_PARSE_WORKERS", "1")
    discard_pool()
    yield
    discard_pool()


@pytest.fixture
def fifo(tmp_path: Path) -> str:
    path = tmp_path / "fifo"
    os.mkfifo(path)
    return str(path)


def children() -> dict[int, str]:
    """This process's children and their command lines, from /proc."""
    found: dict[int, str] = {}
    for listing in Path("/proc/self/task").glob("*/children"):
        for pid in listing.read_text().split():
            try:
                cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
            except OSError:
                continue  # it ended meanwhile
            found[int(pid)] = cmdline.replace(b"\0", b" ").decode(errors="replace")
    return found


def test_a_jobs_result_and_its_exception_come_back(pool: None) -> None:
    executor = shared_pool()
    assert pool_running()
    assert executor.submit(operator.add, 2, 3).result(timeout=TIMEOUT) == 5
    assert executor.submit(int, "ff", base=16).result(timeout=TIMEOUT) == 255
    with pytest.raises(ValueError, match="invalid literal") as raised:
        executor.submit(int, "not a number").result(timeout=TIMEOUT)
    assert "Traceback" in str(raised.value.__cause__)  # the worker's traceback
    # An exception that does not pickle comes back as a RuntimeError with its repr.
    with pytest.raises(RuntimeError, match="ValueError") as raised:
        executor.submit(raise_unpicklable).result(timeout=TIMEOUT)
    assert "lock" in str(raised.value)
    # An argument that does not pickle fails its own job, not the pool.
    with pytest.raises(TypeError, match="pickle"):
        executor.submit(operator.neg, threading.Lock()).result(timeout=TIMEOUT)
    assert executor.submit(operator.neg, 7).result(timeout=TIMEOUT) == -7


def test_the_pool_serves_asyncios_run_in_executor(pool: None) -> None:
    async def job() -> int:
        return await asyncio.get_running_loop().run_in_executor(shared_pool(), operator.mul, 6, 7)

    assert asyncio.run(job()) == 42


def test_jobs_run_in_worker_processes_on_more_than_one_worker(
    pool: None, fifo: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DIGEST_PARSE_WORKERS", "2")
    executor = shared_pool()
    # The first job blocks until the second has run: with one worker they
    # would wait for each other until the timeout.
    waiting = executor.submit(wait_for_line, fifo)
    writing = executor.submit(write_line, fifo)
    pids = {waiting.result(timeout=TIMEOUT), writing.result(timeout=TIMEOUT)}
    assert len(pids) == 2
    assert os.getpid() not in pids
    if Path("/proc/self/task").is_dir():
        assert pids <= set(children())


def test_a_killed_worker_breaks_the_pool_until_it_is_discarded(pool: None, fifo: str) -> None:
    executor = shared_pool()
    pid = executor.submit(os.getpid).result(timeout=TIMEOUT)
    running = executor.submit(announce_and_block, fifo)
    queued = executor.submit(os.getpid)
    with open(fifo) as announced:
        assert int(announced.readline()) == pid  # the job runs on that worker now
    os.kill(pid, signal.SIGKILL)
    with pytest.raises(WorkerDied, match="signal 9"):
        running.result(timeout=TIMEOUT)
    with pytest.raises(BrokenProcessPool) as waited:
        queued.result(timeout=TIMEOUT)
    assert not isinstance(waited.value, WorkerDied)  # it did nothing wrong
    with pytest.raises(BrokenProcessPool):
        executor.submit(os.getpid)
    discard_pool()
    fresh = shared_pool()
    assert fresh is not executor
    discard_pool(executor)  # a late job of the broken pool: the new one stays
    assert shared_pool() is fresh
    assert fresh.submit(os.getpid).result(timeout=TIMEOUT) not in (pid, os.getpid())


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="reads /proc")
def test_no_fork_server_or_resource_tracker_is_started(pool: None) -> None:
    pid = shared_pool().submit(os.getpid).result(timeout=TIMEOUT)
    running = children()
    assert pid in running, "the children are found, the worker among them"
    helpers = [line for line in running.values() if "resource_tracker" in line]
    helpers += [line for line in running.values() if "forkserver" in line]
    assert helpers == []


def test_shutdown_cancels_queued_jobs_and_waits_for_the_workers(fifo: str) -> None:
    executor = WorkerPool(1)
    running = executor.submit(wait_for_line, fifo)
    queued = [executor.submit(os.getpid) for _ in range(3)]
    with open(fifo, "w") as release:
        executor.shutdown(wait=False, cancel_futures=True)
        assert all(future.cancelled() for future in queued)
        with pytest.raises(RuntimeError, match="shutdown"):
            executor.submit(os.getpid)
        release.write("go\n")
    pid = running.result(timeout=TIMEOUT)  # the running job finishes
    executor.shutdown(wait=True)
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)  # exited, and reaped


def test_a_worker_answers_ignores_sigint_and_exits_when_its_stdin_closes() -> None:
    worker = start_worker(None)
    assert worker.stdin is not None and worker.stdout is not None

    def ask(function: object, *args: object) -> object:
        pool_worker.write_message(worker.stdin, pickle.dumps((function, args, {})))  # type: ignore[arg-type]
        reply = pool_worker.read_message(worker.stdout)  # type: ignore[arg-type]
        assert reply is not None
        ok, value, _trace = pickle.loads(reply)
        assert ok
        return value

    try:
        assert ask(os.getpid) == worker.pid
        worker.send_signal(signal.SIGINT)
        assert ask(operator.add, 1, 1) == 2  # still there
        worker.stdin.close()
        assert worker.wait(timeout=TIMEOUT) == 0
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.wait()


@pytest.mark.skipif(not hasattr(os, "pidfd_open"), reason="waits on a pidfd")
def test_a_worker_does_not_outlive_the_process_that_started_it() -> None:
    program = (
        "import os, sys\n"
        "from tui.core.refresh_pool import shared_pool\n"
        "print(shared_pool().submit(os.getpid).result(timeout=60), flush=True)\n"
        "sys.stdin.read()\n"
    )
    parent = subprocess.Popen(
        [sys.executable, "-c", program],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)},
    )
    assert parent.stdout is not None
    try:
        worker = int(parent.stdout.readline())
        handle = os.pidfd_open(worker)  # type: ignore[attr-defined]
    finally:
        parent.kill()  # no atexit hook, no shutdown: only its pipes close
        parent.wait()
    try:
        ended, _, _ = select.select([handle], [], [], TIMEOUT)
        assert ended == [handle], "the worker exited once its parent was gone"
    finally:
        os.close(handle)


def test_a_workers_stderr_stays_off_ours_and_its_last_line_says_why_it_died(
    pool: None, capfd: pytest.CaptureFixture[str]
) -> None:
    # Under the reader, a worker's stderr would be written over the screen.
    executor = shared_pool()
    with pytest.raises(BrokenProcessPool, match=r"exit status 3\): MemoryError in the parser$"):
        executor.submit(complain_and_die, "MemoryError in the parser").result(timeout=TIMEOUT)
    assert "MemoryError" not in capfd.readouterr().err


def test_a_worker_that_writes_more_than_a_pipe_holds_to_stderr_is_not_blocked(
    pool: None, capfd: pytest.CaptureFixture[str]
) -> None:
    pid = shared_pool().submit(chatter, 1 << 20).result(timeout=TIMEOUT)
    assert pid != os.getpid()
    assert "noisy library" not in capfd.readouterr().err


# --- the refresh over a pool whose worker dies ----------------------------------------


def _three_feeds(server: FeedServer, middle: str = "Two") -> list[str]:
    return [
        server.route(f"/f{n}", Route(body=rss((f"a{n}", title))))
        for n, title in enumerate(("One", middle, "Three"))
    ]


def test_feeds_waiting_in_a_broken_pool_are_parsed_in_a_new_one(
    pool: None, fifo: str, feed_server: FeedServer, store: Store
) -> None:
    executor = shared_pool()
    pid = executor.submit(os.getpid).result(timeout=TIMEOUT)
    executor.submit(announce_and_block, fifo)
    with open(fifo) as announced:
        assert int(announced.readline()) == pid
    os.kill(pid, signal.SIGKILL)  # the pool is broken when the refresh hands it feeds
    summary, events = run(store, config_for(*_three_feeds(feed_server)))
    assert summary.ok == 3, [event.error for event in events if event.error]


def test_a_feed_that_kills_its_parser_fails_alone_and_says_how(
    pool: None, feed_server: FeedServer, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(refresh_worker, "parse_job", parse_or_die)
    shared_pool()  # running: the refresh hands it every feed
    summary, events = run(store, config_for(*_three_feeds(feed_server, "poison")))
    assert summary.ok == 2
    (failed,) = [event for event in events if event.status == "failed"]
    assert failed.error is not None
    assert failed.error.startswith("the parser process died while reading this feed: ")
    assert failed.error.endswith("(exit status 3): MemoryError in the parser")


def _broken_pool(made: list[WorkerPool]) -> WorkerPool:
    """A pool whose one worker was killed, so that it refuses every job
    with BrokenProcessPool, as the shared pool does once another feed's
    worker has died."""
    pool = WorkerPool(1)
    made.append(pool)
    pid = pool.submit(os.getpid).result(timeout=TIMEOUT)
    os.kill(pid, signal.SIGKILL)
    with pytest.raises(BrokenProcessPool):  # the job meets the dead worker, or the broken pool
        pool.submit(os.getpid).result(timeout=TIMEOUT)
    return pool


def test_feeds_whose_pool_breaks_twice_fail_with_the_reason_and_lose_nothing(
    pool: None, feed_server: FeedServer, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    import tui.core.refresh as refresh_module

    urls = _three_feeds(feed_server)
    summary, _ = run(store, config_for(*urls))
    assert summary.ok == 3
    for n in range(len(urls)):  # each feed gains a story
        feed_server.route(f"/f{n}", Route(body=rss((f"b{n}", "Later"), (f"a{n}", "Earlier"))))
    made: list[WorkerPool] = []
    shared_pool()  # running: the refresh hands the pool every feed
    with monkeypatch.context() as patched:
        # Every pool the refresh is handed is broken by the time it submits.
        patched.setattr(refresh_module, "shared_pool", lambda: _broken_pool(made))
        try:
            summary, events = run(store, config_for(*urls))
        finally:
            for broken in made:
                broken.shutdown(wait=True)
    failed = [event for event in events if event.status == "failed"]
    assert len(failed) == 3 and summary.ok == 0
    assert {event.error for event in failed} == {
        "the parser processes died twice while this feed waited for them"
    }
    assert len(made) >= 6  # each feed tried twice, in a new pool each time
    assert store.count_stories() == 3  # what the first refresh stored is kept
    assert all(feed.state.last_error for feed in store.feeds())
    summary, _ = run(store, config_for(*urls))  # a working pool reads them again
    assert summary.ok == 3 and store.count_stories() == 6


def test_starting_the_pool_starts_every_worker_at_once(
    pool: None, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    import tui.core.refresh as refresh_module

    monkeypatch.setenv("DIGEST_PARSE_WORKERS", "2")

    async def start() -> bool:
        run = refresh_module._Run(store, config_for(), refresh_module._Tally(0, None))
        try:
            run._start_pool()
            await run.pool_settled.wait()
            return run.pool_ready.is_set()
        finally:
            run.writer.shutdown(wait=True)

    assert asyncio.run(start())
    # The second worker was started with the first, not once a second job
    # found no worker free (the feeds' first parse jobs would wait for it).
    assert len(shared_pool()._threads) == 2  # type: ignore[attr-defined]
