"""Crashes, contention, a full disk and a damaged file: nothing is lost.

Each test runs the real ``digest`` console script in subprocesses (they
are what gets killed), against feeds served by the in-process test server
on 127.0.0.1, whose per-feed latency spreads the commits out in time.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from datetime import UTC, datetime
from email.utils import formatdate
from pathlib import Path

import pytest

from tests.hostile.helpers import GOOD_TITLES, REPO, Case, assert_terminal_safe
from tests.support.server import FeedServer, Route

ITEMS = 100


def feed_body(feed: int, items: int = ITEMS) -> bytes:
    parts = [
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>Feed {feed}</title><link>https://example.com/{feed}/</link><description>d</description>"
    ]
    for n in range(items):
        parts.append(
            f"<item><guid>f{feed}-{n}</guid><title>Story {n} of feed {feed}</title>"
            f"<link>https://example.com/{feed}/{n}</link>"
            f"<pubDate>{formatdate(1_700_000_000 - n * 60, usegmt=True)}</pubDate>"
            f"<description>&lt;p&gt;Sales rose {n}% to ${n}.5 million. {'Padding text. ' * 20}"
            "&lt;/p&gt;</description></item>"
        )
    parts.append("</channel></rss>")
    return "".join(parts).encode()


def digest(*args: str) -> list[str]:
    return [sys.executable, "-m", "tui", *args]


def run_digest(*args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run(digest(*args), capture_output=True, text=True, timeout=timeout, cwd=REPO)


def committed(db: Path) -> set[tuple[int, str]]:
    """(feed id, story uid) of every committed story, read as any other
    process would (which also recovers the write-ahead log)."""
    with sqlite3.connect(db) as conn:
        return set(conn.execute("SELECT feed_id, uid FROM stories"))


def integrity(db: Path) -> str:
    with sqlite3.connect(db) as conn:
        return conn.execute("PRAGMA integrity_check").fetchone()[0]


def count_while_running(db: Path) -> int:
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=0.5) as conn:
            return conn.execute("SELECT count(DISTINCT feed_id) FROM stories").fetchone()[0]
    except sqlite3.Error:
        return 0  # not created yet, or mid-migration


def wait_until(predicate, timeout: float, process: subprocess.Popen | None = None) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        if process is not None and process.poll() is not None:
            return predicate()
        time.sleep(0.02)  # polling interval
    return predicate()


def test_kill_9_during_refresh_loses_no_committed_story(
    tmp_path: Path, feed_server: FeedServer
) -> None:
    feeds = 8
    urls = [
        feed_server.route(f"/f{i}", Route(body=feed_body(i), delay=0.4 * i)) for i in range(feeds)
    ]
    case = Case(tmp_path / "case", tuple(urls), {"deadline_seconds": "20"})
    first = subprocess.Popen(
        digest("refresh", *case.paths),
        cwd=REPO,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # its parse workers too, so all die together
    )
    try:
        assert wait_until(lambda: count_while_running(case.db) >= 1, 60, first)
    finally:
        os.killpg(first.pid, signal.SIGKILL)
        first.wait(timeout=30)
    assert first.returncode == -signal.SIGKILL
    before = committed(case.db)
    assert 0 < len(before) < feeds * ITEMS, "the refresh was not killed half way"
    assert len(before) % ITEMS == 0  # whole feeds only: each feed is one transaction
    assert integrity(case.db) == "ok"

    second = run_digest("refresh", *case.paths)
    assert second.returncode == 0, second.stderr
    assert "0 failed" in second.stdout
    after = committed(case.db)
    assert before <= after and len(after) == feeds * ITEMS
    assert integrity(case.db) == "ok"


def test_two_refreshes_at_once_one_is_told_plainly(tmp_path: Path, feed_server: FeedServer) -> None:
    url = feed_server.route("/slow", Route(body=feed_body(0), delay=3.5))
    case = Case(tmp_path / "case", (url,), {"deadline_seconds": "20"})
    lock = Path(f"{case.db}.lock")
    first = subprocess.Popen(
        digest("refresh", *case.paths),
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        holds = wait_until(
            lambda: lock.exists() and lock.read_text().strip() == str(first.pid), 60, first
        )
        assert holds, "the first refresh never took the writer lock"
        second = run_digest("refresh", *case.paths)
        reader = run_digest("print", "--format", "json", *case.paths)  # readers never wait
        _, err = first.communicate(timeout=60)
    finally:
        if first.poll() is None:
            first.kill()
            first.wait()
    assert first.returncode == 0, err
    assert second.returncode == 1 and second.stdout == ""
    assert second.stderr == f"digest: another digest refresh is running (pid {first.pid})\n"
    assert reader.returncode == 0 and json.loads(reader.stdout) == {"stories": []}
    assert len(committed(case.db)) == ITEMS and integrity(case.db) == "ok"


DISK_FULL = textwrap.dedent(
    """
    import json, sys
    from pathlib import Path
    from tui.core.config import load_config
    from tui.core.refresh import refresh_blocking
    from tui.core.store import Store

    config = load_config(Path(sys.argv[2]))
    store = Store.open(sys.argv[1])
    store.sync_feeds(config.feeds)
    pages = store.db.connection.execute("PRAGMA page_count").fetchone()[0]
    store.db.connection.execute(f"PRAGMA max_page_count = {pages + 4}")
    summary = refresh_blocking(store, config)
    print(json.dumps({"ok": summary.ok, "failed": summary.failed,
                      "failures": summary.failures}))
    store.close()
    """
)


def test_a_full_disk_fails_the_feed_cleanly_and_keeps_the_store(
    tmp_path: Path, feed_server: FeedServer
) -> None:
    urls = [feed_server.route(f"/f{i}", Route(body=feed_body(i))) for i in range(3)]
    case = Case(tmp_path / "case", tuple(urls))
    case.seed()
    full = subprocess.run(
        [sys.executable, "-c", DISK_FULL, str(case.db), str(case.config)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=REPO,
    )
    assert full.returncode == 0, full.stderr  # the process stays up
    result = json.loads(full.stdout)
    assert result["ok"] == 0 and result["failed"] == 3
    for _title, message in result["failures"]:
        assert "the disk is full; nothing was lost, free some space and retry" in message
        assert_terminal_safe(message)
        assert "\n" not in message
    assert integrity(case.db) == "ok"
    assert {s.title for s in case.stories()} == set(GOOD_TITLES)  # the cache is intact
    # Space again: the next refresh stores everything.
    again = run_digest("refresh", *case.paths)
    assert again.returncode == 0, again.stderr
    assert len(committed(case.db)) == 3 * ITEMS + len(GOOD_TITLES)


def damaged_store(case: Case, how: str) -> bytes:
    """A real store with stories, then damaged *how*; returns its bytes."""
    case.seed()
    with case.open() as store:
        from tui.core.models import Story

        feed = store.feeds()[0]
        store.upsert_stories(
            feed.id,
            [
                Story(
                    uid=f"s{n}",
                    title=f"Story {n}",
                    published=datetime.now(UTC),
                    content="Sales rose 5% to $2 million. " * 40,
                )
                for n in range(300)
            ],
        )
    data = bytearray(case.db.read_bytes())
    assert len(data) > 200_000 and not Path(f"{case.db}-wal").exists()
    if how == "truncated":
        data = data[: len(data) // 2]
    elif how == "garbage":
        data = bytearray(os.urandom(len(data)))
    elif how == "header":
        data[:100] = b"\0" * 100
    elif how == "page":
        data[4096 * 3 : 4096 * 6] = b"\xff" * (4096 * 3)
    case.db.write_bytes(bytes(data))
    return bytes(data)


@pytest.mark.parametrize("how", ["truncated", "garbage", "header", "page"])
def test_a_damaged_store_is_moved_aside_with_a_clear_message(
    tmp_path: Path, feed_server: FeedServer, how: str
) -> None:
    url = feed_server.route("/feed", Route(body=feed_body(1, items=5)))
    case = Case(tmp_path / "case", (url,))
    damaged = damaged_store(case, how)
    shown = run_digest("print", *case.paths)
    assert shown.returncode == 1 and shown.stdout == ""
    lines = shown.stderr.splitlines()
    assert len(lines) == 1, lines
    moved = [
        p for p in case.root.glob("digest.db.corrupt-*") if not p.name.endswith(("-wal", "-shm"))
    ]
    assert len(moved) == 1, moved
    assert lines[0].startswith(f"digest: {case.db} is damaged (")
    assert f"it was moved to {moved[0]}" in lines[0] and "new, empty store" in lines[0]
    assert moved[0].read_bytes() == damaged  # moved, never deleted or rewritten
    # The user can start afresh at once.
    fresh = run_digest("refresh", *case.paths)
    assert fresh.returncode == 0, fresh.stderr
    assert len(committed(case.db)) == 5 and integrity(case.db) == "ok"
