"""retention_days and `digest vacuum`: only read, unstarred, old stories go."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tui.core.models import FeedConfig, Figure, Story
from tui.core.retention import prune, vacuum
from tui.core.store import StoryQuery

NOW = datetime(2024, 6, 30, tzinfo=UTC)


def make(
    uid: str, age_days: int, *, read: bool, starred: bool = False, seen_days: int | None = None
) -> Story:
    published = NOW - timedelta(days=age_days)
    figure = Figure(text="12%", start=0, end=3, value=12, kind="percent")
    return Story(
        uid=uid,
        title=f"story {uid} ferry",
        published=published,
        first_seen=NOW - timedelta(days=age_days if seen_days is None else seen_days),
        summary="12% more ferries",
        read=read,
        starred=starred,
        figures=[figure],
        headline=figure,
    )


@pytest.fixture
def filled(store):
    store.sync_feeds([FeedConfig(url="https://harbour.example/rss", title="Harbour Times")])
    (feed,) = store.feeds()
    store.upsert_stories(
        feed.id,
        [
            make("old-read", 90, read=True),
            make("old-read-2", 45, read=True),
            make("old-starred", 90, read=True, starred=True),
            make("old-unread", 90, read=False),
            make("new-read", 5, read=True),
            make("old-but-just-seen", 90, read=True, seen_days=2),
        ],
    )
    return store


def uids(store) -> set[str]:
    return {story.uid for story in store.stories(StoryQuery(limit=None))}


def test_prune_removes_only_read_unstarred_stories_older_than_the_cutoff(filled) -> None:
    report = prune(filled, 30, now=NOW.timestamp())
    assert (report.stories, report.figures, report.by_feed) == (2, 2, {"Harbour Times": 2})
    assert uids(filled) == {"old-starred", "old-unread", "new-read", "old-but-just-seen"}
    with filled.db.reading() as conn:
        assert conn.execute("SELECT count(*) FROM figures").fetchone()[0] == 4
    assert [s.uid for s in filled.stories(StoryQuery(search="ferry", limit=None))].count(
        "old-read"
    ) == 0


def test_dry_run_reports_without_removing(filled) -> None:
    report = prune(filled, 30, now=NOW.timestamp(), dry_run=True)
    assert report.stories == 2 and report.dry_run
    assert len(uids(filled)) == 6


def test_a_longer_retention_keeps_more(filled) -> None:
    assert prune(filled, 60, now=NOW.timestamp()).stories == 1
    assert "old-read-2" in uids(filled)


def test_pruned_identities_are_recorded_so_a_refresh_does_not_bring_them_back(filled) -> None:
    prune(filled, 30, now=NOW.timestamp())
    with filled.db.reading() as conn:
        assert sorted(row[0] for row in conn.execute("SELECT uid FROM pruned_stories")) == [
            "old-read",
            "old-read-2",
        ]
    feed_id = filled.feeds()[0].id
    again = [Story(uid=uid, title="back?", published=NOW) for uid in ("old-read", "old-read-2")]
    result = filled.upsert_stories(feed_id, again)
    assert result.new == [] and result.unchanged == 2
    assert "old-read" not in uids(filled)


def test_days_must_be_positive(filled) -> None:
    with pytest.raises(ValueError):
        prune(filled, 0)


def test_vacuum_compacts_and_keeps_everything_readable(filled) -> None:
    prune(filled, 30, now=NOW.timestamp())
    report = vacuum(filled)
    assert report.after > 0 and report.after <= report.before
    assert len(uids(filled)) == 4
    assert filled.stories(StoryQuery(search="ferry", limit=None))
