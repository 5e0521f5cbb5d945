"""Retention: drop old stories nobody will read again, then compact.

``retention_days`` (or ``digest vacuum --days N``) removes stories that are
read, not starred, and both published and first seen more than N days
ago, in one transaction: their figures and search entries go with them
(foreign-key cascade and the FTS triggers). Unread and starred stories are
never removed. Metric history is not touched here: it lives in its own
tables, which the story deletion must not cascade into.

A story still listed by its feed would come back, unread, on the next
refresh. The identities of pruned stories are recorded in
``pruned_stories (feed_id, uid)`` so the refresh does not store them again.

:func:`vacuum` then rebuilds the file (``VACUUM``), truncates the
write-ahead log, merges the search index and runs ``PRAGMA optimize``.
"""

from __future__ import annotations

import contextlib
import os
import time
from dataclasses import dataclass, field

from tui.core.store import Store

TOMBSTONES = "pruned_stories"
_PRUNABLE = "s.read = 1 AND s.starred = 0 AND s.published < :cutoff AND s.first_seen < :cutoff"


@dataclass(slots=True)
class PruneReport:
    """What pruning removed (or would, with ``dry_run``): stories, their
    figures, and stories per feed name."""

    days: int
    cutoff: float
    stories: int = 0
    figures: int = 0
    by_feed: dict[str, int] = field(default_factory=dict)
    dry_run: bool = False


@dataclass(frozen=True, slots=True)
class VacuumReport:
    """The store's size on disk (database plus write-ahead log) before and after."""

    before: int
    after: int


def prune(
    store: Store, days: int, *, now: float | None = None, dry_run: bool = False
) -> PruneReport:
    """Remove read, unstarred stories older than *days* (see the module
    docstring). ``days`` must be at least 1."""
    if days < 1:
        raise ValueError("retention days must be at least 1")
    cutoff = (time.time() if now is None else now) - days * 86400
    report = PruneReport(days, cutoff, dry_run=dry_run)
    params = {"cutoff": cutoff}
    with store.transaction() as conn:
        for name, count in conn.execute(
            f"SELECT coalesce(f.title, f.feed_title, f.url), count(*) FROM stories s "
            f"JOIN feeds f ON f.id = s.feed_id WHERE {_PRUNABLE} GROUP BY f.id ORDER BY 2 DESC",
            params,
        ):
            report.by_feed[name] = count
            report.stories += count
        report.figures = conn.execute(
            f"SELECT count(*) FROM figures WHERE story_id IN (SELECT s.id FROM stories s WHERE {_PRUNABLE})",
            params,
        ).fetchone()[0]
        if dry_run or not report.stories:
            return report
        conn.execute(
            f"INSERT OR IGNORE INTO {TOMBSTONES} (feed_id, uid) "
            f"SELECT s.feed_id, s.uid FROM stories s WHERE {_PRUNABLE}",
            params,
        )
        conn.execute(
            f"DELETE FROM stories WHERE id IN (SELECT s.id FROM stories s WHERE {_PRUNABLE})",
            params,
        )
    return report


def _size(store: Store) -> int:
    total = 0
    for suffix in ("", "-wal"):
        with contextlib.suppress(OSError):
            total += os.path.getsize(f"{store.path}{suffix}")
    return total


def vacuum(store: Store) -> VacuumReport:
    """Compact the store file and refresh the query planner's statistics.
    Takes the write lock like any writer; run it when no refresh is running."""
    before = _size(store)
    with store.transaction() as conn:
        conn.execute("INSERT INTO stories_fts (stories_fts) VALUES ('optimize')")
    with store.db.reading() as conn:
        conn.execute("VACUUM")
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        conn.execute("PRAGMA optimize")
    return VacuumReport(before, _size(store))
