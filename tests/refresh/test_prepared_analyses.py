"""A parse job run in the pool packs its stories' analyses into one pickled
list; the refreshing process hands them on to the grouping job unopened,
which unpacks them by story id."""

from __future__ import annotations

import pickle
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.refresh.helpers import rss
from tui.core.refresh_grouping import Prepared
from tui.core.refresh_worker import parse_job
from tui.core.store import Store

NOW = datetime(2026, 12, 1, tzinfo=UTC)
BODY = rss(("a", "Acme sells 12 million phones"), ("b", "Globex hires 300"), ("c", "Initech"))


def test_packed_analyses_unpack_to_the_stored_stories_own() -> None:
    loose, _ = parse_job(BODY, "https://example.com/feed", None, 50, {}, NOW)
    packed, _ = parse_job(BODY, "https://example.com/feed", None, 50, {}, NOW, True)
    assert packed.analyses is not None and loose.analyses is None
    assert all(story.analysis is None for story in packed.stories)
    assert all(story.analysis is not None for story in loose.stories)
    prepared = Prepared()
    prepared.add_packed(packed.analyses, [11, None, 13])  # the second was not stored
    prepared.add(20, loose.stories[1].analysis)  # type: ignore[arg-type]
    prepared = pickle.loads(pickle.dumps(prepared))  # as it travels to the grouping job
    assert len(prepared) == 4
    assert prepared.mapping() == {
        11: loose.stories[0].analysis,
        13: loose.stories[2].analysis,
        20: loose.stories[1].analysis,
    }


def _stored_batch(path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Store, list[int], Prepared]:
    """A store holding four bench feeds' stories, not yet grouped, with
    their packed analyses: (store, story ids, Prepared)."""
    import time

    from bench.refresh_feeds import make_feed

    monkeypatch.setenv("BENCH_BASE_TIME", str(int(time.time() // 86400 - 1) * 86400))
    store = Store.open(path)
    prepared, ids = Prepared(), []
    for number in range(4):
        url = f"http://127.0.0.1/feed/{number}"
        with store.transaction() as conn:
            feed_id = conn.execute("INSERT INTO feeds (url) VALUES (?)", (url,)).lastrowid
        parsed, _ = parse_job(make_feed(number), url, None, 50, {}, None, True)
        stored = store.upsert_stories(feed_id, parsed.stories)
        assert parsed.analyses is not None and stored.new
        prepared.add_packed(parsed.analyses, [story.id for story in parsed.stories])
        ids += stored.new
    return store, ids, prepared


def test_a_grouping_leaves_no_reference_cycles_behind(tmp_path, monkeypatch) -> None:
    """release_memory trims the heap without collecting cycles first, and
    a grouping job runs with the collector off: a grouping's working set
    must be freed by reference counting alone (a Grouper caught in a cycle
    would hold every story's vectors until the collector ran)."""
    import gc

    from tui.core.refresh_grouping import group_stories

    store, ids, prepared = _stored_batch(tmp_path / "digest.db", monkeypatch)
    gc.collect()
    gc.disable()
    try:
        group_stories(store, ids, prepared.mapping(), 72, 0)
        left = gc.collect()
    finally:
        gc.enable()
        store.close()
    assert len(ids) == 120
    # Measured when written: 0. A Grouper referring to itself leaves thousands.
    assert left < 50, f"{left} objects in cycles after grouping {len(ids)} stories"


def test_a_grouping_job_runs_without_the_cycle_collector(tmp_path, monkeypatch) -> None:
    """The job turns the collector off while it groups (it found nothing
    to free there, at 6% of the job's CPU) and back on afterwards."""
    import gc

    from tui.core import refresh_grouping

    store, ids, prepared = _stored_batch(tmp_path / "digest.db", monkeypatch)
    store.close()
    grouping, collections = [], []
    group_stories = refresh_grouping.group_stories

    def watched(*args: object) -> None:
        grouping.append(True)
        try:
            group_stories(*args)  # type: ignore[arg-type]
        finally:
            grouping.pop()

    def count(phase: str, info: dict[str, int]) -> None:
        if phase == "start" and grouping:
            collections.append(info["generation"])

    monkeypatch.setattr(refresh_grouping, "group_stories", watched)

    gc.callbacks.append(count)
    try:
        grouped = refresh_grouping.group_job(str(tmp_path / "digest.db"), ids, prepared, 72, 0)
    finally:
        gc.callbacks.remove(count)
    assert gc.isenabled()
    assert grouped == 120
    assert collections == []
    store = Store.open(tmp_path / "digest.db")
    try:
        with store.db.reading() as conn:
            assert conn.execute("SELECT count(*) FROM digest_stories").fetchone()[0] == 120
    finally:
        store.close()
