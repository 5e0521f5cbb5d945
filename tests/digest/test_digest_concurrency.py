"""Grouping beside other writers: the digest reads and decides in a
snapshot and holds the store's write lock only to write what it decided,
so a refresh's upserts (or the TUI marking a story read) never wait for
its scoring. These tests write from a second connection while a grouping
is half way, as another process would."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator

import pytest

from tests.digest.helpers import Desk, missing_postings, recounted_frequencies
from tui.core import digest
from tui.core.digest import grouping, pipeline, storage
from tui.core.store import Store

FEEDS = {"Reuters": 1.0, "Ars": 1.0, "Verge": 1.0}
FERRY = (
    "Ferry operator cancels all winter sailings to Skye",
    "The ferry operator CalMac has cancelled all winter sailings to Skye after two vessels "
    "failed inspections.",
)
BRIDGE = (
    "Council approves new bridge over the Clyde at Govan",
    "Glasgow's council approved a pedestrian bridge over the Clyde linking Govan and Partick.",
)


@pytest.fixture
def desk(store: Store) -> Desk:
    return Desk(store, FEEDS)


@pytest.fixture
def other(store: Store) -> Iterator[sqlite3.Connection]:
    """A second connection to the same file that never waits for a lock."""
    conn = sqlite3.connect(store.db.path, timeout=0, isolation_level=None)
    conn.execute("PRAGMA foreign_keys = ON")
    yield conn
    conn.close()


def during_grouping(monkeypatch: pytest.MonkeyPatch, action: Callable[[], None]) -> list[int]:
    """Run *action* the first time a grouper has decided (before it
    writes); returns a list that counts the groupings decided."""
    decided: list[int] = []
    group = grouping.Grouper.group

    def hooked(self: grouping.Grouper, *args: object, **kwargs: object) -> None:
        group(self, *args, **kwargs)  # type: ignore[arg-type]
        decided.append(1)
        if len(decided) == 1:
            action()

    monkeypatch.setattr(grouping.Grouper, "group", hooked)
    return decided


def entries(desk: Desk, *story_ids: int) -> set[int | None]:
    return {desk.entry(story_id) for story_id in story_ids}


def test_another_writer_is_not_locked_out_while_grouping_decides(
    desk: Desk, other: sqlite3.Connection, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = desk.file("Reuters", *FERRY)
    second = desk.file("Ars", *FERRY, group=False)
    # With the write lock held while grouping, this write fails at once
    # ("database is locked": the connection does not wait).
    during_grouping(
        monkeypatch, lambda: other.execute("UPDATE stories SET read = 1 WHERE id = ?", (first,))
    )
    digest.on_stories_stored(desk.store, [second], desk.now)
    assert len(entries(desk, first, second)) == 1  # and the grouping still happened
    assert other.execute("SELECT read FROM stories WHERE id = ?", (first,)).fetchone() == (1,)


def test_a_grouping_committed_meanwhile_makes_the_slice_read_again(
    desk: Desk, tmp_path: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    ferry = desk.file("Reuters", *FERRY)
    bridge = desk.file("Reuters", *BRIDGE, group=False)
    ferry_copy = desk.file("Ars", *FERRY, group=False)
    bridge_copy = desk.file("Verge", *BRIDGE, group=False)
    # While this call decides for the ferry copy, another process groups
    # the bridge stories: both took the same next entry id from what they
    # read, and without the check the second writer would reuse it.
    with Store.open(desk.store.db.path) as elsewhere:
        decided = during_grouping(
            monkeypatch,
            lambda: digest.on_stories_stored(elsewhere, [bridge, bridge_copy], desk.now),
        )
        digest.on_stories_stored(desk.store, [ferry_copy], desk.now)
    assert len(decided) == 3  # this slice, the other process's, this slice again
    assert entries(desk, ferry, ferry_copy) == {desk.entry(ferry)}
    assert entries(desk, bridge, bridge_copy) == {desk.entry(bridge)}
    assert desk.entry(ferry) != desk.entry(bridge)
    with desk.store.db.reading() as conn:
        assert storage.all_frequencies(conn) == recounted_frequencies(conn)  # no story counted twice or lost
        assert not missing_postings(conn)


def test_a_story_removed_while_grouping_decides_is_left_out(
    desk: Desk, other: sqlite3.Connection, monkeypatch: pytest.MonkeyPatch
) -> None:
    kept = desk.file("Reuters", *FERRY, group=False)
    removed = desk.file("Ars", *BRIDGE, group=False)
    during_grouping(
        monkeypatch, lambda: other.execute("DELETE FROM stories WHERE id = ?", (removed,))
    )
    digest.on_stories_stored(desk.store, [kept, removed], desk.now)  # no foreign-key error
    assert desk.entry(kept) is not None and desk.entry(removed) is None
    with desk.store.db.reading() as conn:
        assert conn.execute(
            "SELECT count(*) FROM digest_terms WHERE story_id = ?", (removed,)
        ).fetchone()[0] == 0
        assert conn.execute(
            "SELECT count(*) FROM metric_observations WHERE story_id = ?", (removed,)
        ).fetchone()[0] == 0
        assert storage.all_frequencies(conn) == recounted_frequencies(conn)
        assert not missing_postings(conn)


def test_frequencies_are_kept_across_connections_until_another_grouping_writes(
    desk: Desk, monkeypatch: pytest.MonkeyPatch
) -> None:
    reads: list[str] = []
    for name in ("all_frequencies", "document_frequencies"):
        real = getattr(storage, name)

        def counted(*args: object, real: Callable[..., object] = real, name: str = name) -> object:
            reads.append(name)
            return real(*args)

        monkeypatch.setattr(storage, name, counted)
    first = desk.file("Reuters", *FERRY)
    assert reads  # the first grouping read them
    path = desk.store.db.path
    # A parse worker groups each batch on a connection of its own.
    with Store.open(path) as worker:
        reads.clear()
        second = desk.file("Ars", *FERRY, group=False)
        digest.on_stories_stored(worker, [second], desk.now)
        assert reads == []  # known from the last grouping: the store is as it left it
    assert desk.entry(first) == desk.entry(second)
    # A grouping elsewhere changes the frequencies: this process reads them again.
    third = desk.file("Verge", *BRIDGE, group=False)
    with Store.open(path) as elsewhere:
        pipeline._KEPT.pop(str(path))  # (as if in another process)
        digest.on_stories_stored(elsewhere, [third], desk.now)
        kept_elsewhere = pipeline._KEPT.pop(str(path))
    pipeline._KEPT[str(path)] = pipeline._Frequencies("stale", kept_elsewhere.df, True)
    reads.clear()
    fourth = desk.file("Reuters", *BRIDGE)
    assert reads
    assert desk.entry(fourth) == desk.entry(third)
