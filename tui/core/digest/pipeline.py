"""The digest's write side: grouping and metric observations for stories
as they are stored (the refresh hook), catching up stories stored without
it, and read state shared by an entry's stories."""

from __future__ import annotations

import weakref
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

from tui.core.digest import storage
from tui.core.digest.analysis import StoryAnalysis
from tui.core.digest.grouping import DEFAULT_WINDOW_HOURS, INDEX_DAYS, Grouper
from tui.core.digest.metrics import record_observations
from tui.core.store import Store
from tui.core.store.db import Database
from tui.core.store.rows import moment_ts

# Backfill works in slices so that a large old store never holds the write
# lock for long (a refresh in another process can write between slices).
_BACKFILL_SLICE = 2000
_PRUNE_EVERY = 86400.0
_MAX_KEPT_TERMS = 300_000


@dataclass(slots=True)
class _Frequencies:
    """Document frequencies kept between calls of the hook, for one store.

    The refresh calls the hook once per feed, and each call would read the
    same common words' frequencies again (a sixth of its time). Only the
    grouper writes ``digest_df``, so what it read and wrote stays true as
    long as no other connection commits (``PRAGMA data_version`` tells),
    no prune runs, and its transaction commits: the kept copy is taken out
    for a call and put back only after the commit.
    """

    version: int
    df: dict[str, int]
    complete: bool


_KEPT: weakref.WeakKeyDictionary[Database, _Frequencies] = weakref.WeakKeyDictionary()


def on_stories_stored(
    store: Store,
    story_ids: Iterable[int],
    now: datetime | float | None = None,
    *,
    window_hours: float = DEFAULT_WINDOW_HOURS,
    since: datetime | float | None = None,
    prepared: Mapping[int, StoryAnalysis] | None = None,
) -> None:
    """Group just-stored new or changed stories into entries and record
    their figures' metric observations, in one write transaction.

    *prepared* maps story ids to the analyses the refresh's parse workers
    made of them (:func:`tui.core.digest.analysis.analyse_story`); stories
    without one are analysed here, from the store.

    With *since*, stories published before it are not grouped now (their
    observations are still recorded: they are metric history): no view
    shows them, and :func:`ensure_grouped` groups them if one ever asks.
    The refresh passes the start of the This-week view less the grouping
    window, so a first refresh of feeds with years of archive does not
    spend its time grouping stories nobody will see as entries.

    The refresh calls this after each feed's upsert with the ids the
    upsert returned (``result.new + result.updated``). Each story is
    compared only with recent stories sharing a rare term or its link, so
    the cost is a few indexed lookups per story, whatever the store's size.
    A changed story whose words and link did not change keeps its entry.
    """
    ids = list(dict.fromkeys(story_ids))
    if not ids:
        return
    moment = moment_ts(now)
    # The store's lock is held from taking the kept frequencies to putting
    # them back after the commit, so that no other thread's call sees them
    # half way (the lock is re-entrant: the transaction takes it again).
    with store.db.reading():
        kept = _KEPT.pop(store.db, None)
        with store.db.transaction() as conn:
            version = conn.execute("PRAGMA data_version").fetchone()[0]
            if kept is not None and kept.version != version:
                kept = None  # another connection wrote to the store
            # Prune before grouping: old stories stored by this very call are
            # indexed until the next day's prune, so they can meet each other.
            last = storage.meta(conn, "pruned_at")
            if last is None or moment - float(last) > _PRUNE_EVERY:
                storage.prune_terms(conn, moment - (INDEX_DAYS + 1) * 86400)
                storage.set_meta(conn, "pruned_at", repr(moment))
                kept = None
            rows = storage.stories_to_group(conn, ids)
            observed = [row["id"] for row in rows]
            if since is not None:
                start = moment_ts(since)
                rows = [row for row in rows if row["published"] >= start]
            previous = storage.grouped_rows(conn, [row["id"] for row in rows])
            grouper = Grouper(
                conn,
                window_hours,
                moment,
                kept.df if kept is not None else None,
                kept is not None and kept.complete,
            )
            grouper.group(rows, previous, prepared)
            record_observations(
                conn,
                observed,
                {
                    story_id: analysis.observed
                    for story_id, analysis in (prepared or {}).items()
                    if analysis.observed is not None
                },
            )
        df, complete = grouper.frequencies
        if not conn.in_transaction and len(df) <= _MAX_KEPT_TERMS:  # committed, not nested
            _KEPT[store.db] = _Frequencies(version, df, complete)


def ensure_grouped(
    store: Store,
    now: datetime | float | None = None,
    *,
    since: datetime | float | None = None,
    window_hours: float = DEFAULT_WINDOW_HOURS,
) -> int:
    """Group the stories published since *since* (``None``: all) that have
    not been grouped yet, oldest first; returns how many.

    A store that predates the digest, or stories stored by a path that
    does not call :func:`on_stories_stored`, are caught up here. :func:`today`
    calls it for its own window (plus the grouping window before it), so
    the first Today view after an upgrade groups the last days lazily;
    ``digest metrics`` calls it with ``since=None`` to record the metrics
    of the whole store once.
    """
    moment = moment_ts(now)
    start = None if since is None else moment_ts(since)
    with store.db.reading() as conn:
        ids = storage.ungrouped_since(conn, start)
    for first in range(0, len(ids), _BACKFILL_SLICE):
        on_stories_stored(
            store, ids[first : first + _BACKFILL_SLICE], moment, window_hours=window_hours
        )
    return len(ids)


def mark_entry_read(store: Store, story_id: int, read: bool = True) -> list[int]:
    """Mark every story of the entry holding *story_id* read (or unread):
    reading a story in one feed marks its copies in the others. Returns the
    ids of all the entry's stories (just *story_id* when it has no entry)."""
    with store.db.reading() as conn:
        entry = storage.entry_of(conn, story_id)
        if entry is None:
            ids = [story_id]
        else:
            ids = [member for member, _ in storage.entry_feeds(conn, entry)]
    store.set_read(ids, read)
    return ids
