"""A parse job run in the pool packs its stories' analyses into one pickled
list; the refreshing process hands them on to the grouping job unopened,
which unpacks them by story id."""

from __future__ import annotations

import pickle
from datetime import UTC, datetime

from tests.refresh.helpers import rss
from tui.core.refresh_grouping import Prepared
from tui.core.refresh_worker import parse_job

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


def test_a_grouping_leaves_no_reference_cycles_behind(tmp_path, monkeypatch) -> None:
    """release_memory trims the heap without collecting cycles first: a
    grouping's working set must be freed by reference counting alone (a
    Grouper caught in a cycle would hold every story's vectors until the
    collector ran)."""
    import gc
    import time

    from bench.refresh_feeds import make_feed
    from tui.core.refresh_grouping import group_stories
    from tui.core.store import Store

    monkeypatch.setenv("BENCH_BASE_TIME", str(int(time.time() // 86400 - 1) * 86400))
    store = Store.open(tmp_path / "digest.db")
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
