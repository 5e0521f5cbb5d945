"""The refresh pipeline keeps its memory flat: parsed feeds waiting for the
store's writer are bounded, a first refresh of many feeds parses nothing in
the refresh's own process, and what a parse worker sends back is read
without loading the parsers."""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
import threading
from datetime import UTC, datetime
from pathlib import Path

import pytest

import tui.core.refresh as refresh
from tests.refresh.helpers import config_for, rss, run
from tests.support.server import FeedServer, Route
from tui.core.refresh_pool import discard_pool
from tui.core.refresh_worker import parse_job
from tui.core.store import Store

REPO = Path(__file__).resolve().parents[2]
NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)


def _feeds(server: FeedServer, count: int) -> list[str]:
    return [
        server.route(f"/f{n}", Route(body=rss((f"a{n}", f"Story {n}"), (f"b{n}", f"Other {n}"))))
        for n in range(count)
    ]


def test_feeds_parsed_but_not_yet_stored_are_bounded(
    feed_server: FeedServer, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The writer is held until every feed is either parsed or waiting for
    # its turn to be parsed: without the bound all of them would be parsed
    # and held in memory, waiting for it.
    monkeypatch.setenv("DIGEST_PARSE_WORKERS", "1")
    count = 30
    bound = 2 * 1 + refresh.WRITE_BACKLOG
    assert count > bound
    urls = _feeds(feed_server, count)
    parsed = written = waiting = most = 0
    writer_may_go = threading.Event()

    def check() -> None:
        if parsed + waiting == count:
            writer_may_go.set()

    real_parse, real_write, real_enter = (
        refresh._Run._parse,
        refresh._Run._write,
        refresh._Gauge.__aenter__,
    )

    async def counting_parse(self: refresh._Run, *args: object) -> object:
        nonlocal parsed, most
        answer = await real_parse(self, *args)  # type: ignore[arg-type]
        parsed += 1
        most = max(most, parsed - written)
        check()
        return answer

    async def counting_enter(self: refresh._Gauge) -> None:
        nonlocal waiting
        waiting += 1
        check()
        await real_enter(self)
        waiting -= 1

    def held_write(self: refresh._Run, *args: object) -> object:
        nonlocal written
        assert writer_may_go.wait(timeout=120), "the pipeline never filled up"
        answer = real_write(self, *args)  # type: ignore[arg-type]
        written += 1
        return answer

    monkeypatch.setattr(refresh._Run, "_parse", counting_parse)
    monkeypatch.setattr(refresh._Run, "_write", held_write)
    monkeypatch.setattr(refresh._Gauge, "__aenter__", counting_enter)
    summary, _ = run(store, config_for(*urls, concurrency=32))
    assert summary.ok == count and summary.new_stories == 2 * count
    assert most == bound  # the pipeline filled up to the bound, never past it


@pytest.fixture
def inline_parses(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """The parses a refresh runs in this process (not in the pool), with
    no pool running to begin with."""
    inline: list[object] = []
    real_timed = refresh._timed

    def counting_timed(function, *args):  # type: ignore[no-untyped-def]
        inline.append(function)
        return real_timed(function, *args)

    monkeypatch.setattr(refresh, "_timed", counting_timed)
    discard_pool()
    return inline


def test_a_first_refresh_of_many_feeds_parses_in_the_workers_only(
    feed_server: FeedServer, store: Store, inline_parses: list[object]
) -> None:
    # Parsing here would load the parsers into this process for nothing:
    # so many never-read feeds are past the inline budget anyway.
    urls = _feeds(feed_server, refresh.POOL_AT_ONCE_NEW_FEEDS + 2)
    summary, _ = run(store, config_for(*urls))
    assert summary.ok == len(urls) and not inline_parses


def test_a_refresh_of_a_few_new_feeds_parses_them_here(
    feed_server: FeedServer, store: Store, inline_parses: list[object]
) -> None:
    # Starting the pool costs more than a few parses: they stay inline.
    urls = _feeds(feed_server, 3)
    summary, _ = run(store, config_for(*urls))
    assert summary.ok == 3 and len(inline_parses) == 3


def test_a_parse_result_is_read_without_loading_the_parsers(tmp_path: Path) -> None:
    parsed, _ = parse_job(rss(("a", "Sales rose 12%")), "https://e.com/f", None, 50, {}, NOW)
    assert parsed.error is None and len(parsed.stories) == 1
    (tmp_path / "result.pickle").write_bytes(pickle.dumps(parsed))
    script = (
        "import pickle, sys; result = pickle.load(open(sys.argv[1], 'rb'));"
        "print(result.stories[0].title);"
        "print(sorted(m for m in ('tui.core.parse', 'bs4', 'lxml', 'feedparser') if m in sys.modules))"
    )
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    answer = subprocess.run(
        [sys.executable, "-c", script, str(tmp_path / "result.pickle")],
        capture_output=True,
        text=True,
        env=env,
        check=True,
        timeout=60,
    )
    assert answer.stdout.splitlines() == ["Sales rose 12%", "[]"]
