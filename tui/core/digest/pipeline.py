"""The digest's write side: grouping and metric observations for stories
as they are stored (the refresh hook), catching up stories stored without
it, and read state shared by an entry's stories."""

from __future__ import annotations

import secrets
import sqlite3
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

from tui.core.digest import storage
from tui.core.digest.analysis import StoryAnalysis
from tui.core.digest.grouping import DEFAULT_WINDOW_HOURS, INDEX_DAYS, INDEXED_DF, Grouper
from tui.core.digest.metrics import observation_rows, write_observations
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

    Each call would otherwise read the same common words' frequencies
    again (a sixth of its time). Only the grouper writes ``digest_df`` and
    ``digest_terms``, and every grouping or prune that commits gives the
    store a new random ``generation`` (in ``digest_meta``): frequencies
    kept under a generation are true exactly while the store still has it,
    whatever else other connections write (the refresh's upserts, in the
    refreshing process, commit all the time). Kept by the store's path, so
    a parse worker that groups one batch per job, each on a connection of
    its own, reads them once. The kept copy is taken out for a call and
    put back only after its commit.
    """

    generation: str
    df: dict[str, int]
    complete: bool


_KEPT: dict[str, _Frequencies] = {}
_GENERATION = "generation"  # the digest_meta key
_PRUNED: dict[str, float] = {}  # store path -> when its terms were last pruned
# Optimistic attempts (read in a snapshot, then write) before a slice is
# grouped wholly under the write lock.
_ATTEMPTS = 3


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
    their figures' metric observations.

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

    The grouping reads the store in a snapshot and then writes what it
    decided in a short write transaction, which checks that no other
    grouping committed in between (the store's ``generation``; else it
    starts again). Holding the write lock while grouping made the
    refresh's upserts, and the reader's own writes, wait for all of it (a
    slice of 250 stories: 0.2-0.3 s).
    """
    ids = list(dict.fromkeys(story_ids))
    if not ids:
        return
    moment = moment_ts(now)
    # The store's lock is held from taking the kept frequencies to putting
    # them back after the commit, so that no other thread's call sees them
    # half way (the lock is re-entrant: the transactions take it again).
    with store.db.reading():
        _prune_if_due(store.db, moment)
        for attempt in range(_ATTEMPTS + 1):
            if _group(store.db, ids, moment, window_hours, since, prepared, attempt == _ATTEMPTS):
                return


def _prune_if_due(db: Database, moment: float) -> None:
    """Drop old index terms once a day, in a transaction of its own and
    before grouping: old stories stored by this very call are indexed until
    the next day's prune, so they can meet each other. A prune known to
    this process (its own, or read from the store) spares the next calls
    of the day reading the store's."""
    key = str(db.path)
    known = _PRUNED.get(key)
    if known is not None and 0 <= moment - known <= _PRUNE_EVERY:
        return
    with db.snapshot() as conn:
        last = storage.meta(conn, "pruned_at")
    if last is not None and moment - float(last) <= _PRUNE_EVERY:
        _PRUNED[key] = float(last)
        return
    with db.transaction() as conn:
        last = storage.meta(conn, "pruned_at")  # (another process may just have)
        if last is None or moment - float(last) > _PRUNE_EVERY:
            storage.prune_terms(conn, moment - (INDEX_DAYS + 1) * 86400, INDEXED_DF)
            storage.set_meta(conn, "pruned_at", repr(moment))
            storage.set_meta(conn, _GENERATION, secrets.token_hex(8))
            last = repr(moment)
    _PRUNED[key] = float(last)


def _group(
    db: Database,
    ids: list[int],
    moment: float,
    window_hours: float,
    since: datetime | float | None,
    prepared: Mapping[int, StoryAnalysis] | None,
    locked: bool,
) -> bool:
    """Group *ids* once: read and decide in a snapshot, then write, unless
    another grouping committed meanwhile (returns False: nothing written).
    *locked* does it all in one write transaction, which cannot fail so."""
    key = str(db.path)
    kept = _KEPT.pop(key, None)
    with db.transaction() if locked else db.snapshot() as conn:
        generation = storage.meta(conn, _GENERATION)
        if kept is not None and kept.generation != generation:
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
        observations = observation_rows(
            conn,
            observed,
            {
                story_id: analysis.observed
                for story_id, analysis in (prepared or {}).items()
                if analysis.observed is not None
            },
        )
        if locked:
            generation = _write(conn, grouper, observed, observations)
    if not locked:
        with db.transaction() as conn:
            if storage.meta(conn, _GENERATION) != generation:
                return False  # another grouping wrote: read again
            generation = _write(conn, grouper, observed, observations)
    df, complete = grouper.frequencies
    if not db.connection.in_transaction and len(df) <= _MAX_KEPT_TERMS:  # committed, not nested
        _KEPT[key] = _Frequencies(generation, df, complete)
    return True


def _write(
    conn: sqlite3.Connection,
    grouper: Grouper,
    observed: list[int],
    observations: list[tuple[object, ...]],
) -> str:
    """The grouping's writes, leaving out stories removed since they were
    read; returns the store's new generation."""
    gone = set(observed) - storage.existing(conn, observed)
    grouper.write(conn, gone)
    write_observations(conn, observed, observations, gone)
    generation = secrets.token_hex(8)
    storage.set_meta(conn, _GENERATION, generation)
    return generation


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
