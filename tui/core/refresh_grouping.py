"""The digest's grouping of a refresh's stored stories, as a job for the
parse workers' process pool.

Grouping is most of what the store's single writer thread did in a cold
refresh (index lookups, scoring, the term index and metric history),
and it ran in the refresh's own process, where it took Python's lock from
the thread that fetches and hands bodies to the parse workers: the
workers then waited for work. Run here, in a worker process with its own
connection to the store, it is one more job beside the parsing, on
whichever core is free, and the refresh's process is left with fetching
and the per-feed upserts.

A job groups one batch; the refresh sends the next only once it is done,
so batches are grouped in the order they were stored, as before. The
store's write lock serialises the job's transaction with the refresh's
upserts (SQLite's busy timeout makes either wait for the other).
"""

from __future__ import annotations

import gc
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tui.core.digest.analysis import StoryAnalysis
    from tui.core.store import Store

# Stories the digest groups in one transaction. A grouping batch holds its
# stories' and their candidates' word vectors until it commits: grouping
# 1000 bench stories at once took a worker from 33 to 78 MB; in slices of
# 500, 62 MB; of 250, 53 MB, for 10-20% more CPU (each slice reads its
# words' frequencies and commits on its own). One worker groups at a time,
# beside the other's parsing and the refreshing process, and that sum is
# the refresh's peak memory. Grouping 9000 bench stories took 4.0-4.5 s of
# CPU in slices of 250 and 3.4-3.8 s in slices of 500; a cold refresh of
# 1000 bench feeds peaked at 175 MB and 183 MB (the limit is 200).
GROUP_SLICE = 500


class Prepared:
    """The parse workers' analyses of stored stories waiting to be grouped:
    packed (one pickled list per feed, with the ids of its stories, None
    for one not stored) as the pool sends them, or loose (parsed in the
    refreshing process). Unpacked only by :meth:`mapping`, in the process
    that groups."""

    def __init__(self) -> None:
        self.packed: list[tuple[bytes, list[int | None]]] = []
        self.loose: dict[int, StoryAnalysis] = {}

    def __len__(self) -> int:
        return len(self.loose) + sum(len(ids) for _, ids in self.packed)

    def add_packed(self, analyses: bytes, story_ids: list[int | None]) -> None:
        """A feed's pickled analyses, in the order of *story_ids*."""
        self.packed.append((analyses, story_ids))

    def add(self, story_id: int, analysis: StoryAnalysis) -> None:
        """One story's analysis."""
        self.loose[story_id] = analysis

    def mapping(self) -> dict[int, StoryAnalysis]:
        """Story id -> analysis, every one unpacked."""
        import pickle

        found = dict(self.loose)
        for analyses, story_ids in self.packed:
            for story_id, analysis in zip(story_ids, pickle.loads(analyses), strict=True):
                if story_id is not None and analysis is not None:
                    found[story_id] = analysis
        return found


def group_stories(
    store: Store,
    story_ids: Sequence[int],
    prepared: Mapping[int, StoryAnalysis],
    window_hours: float,
    since: float,
) -> None:
    """Group *story_ids* (stored, oldest batch first) into digest entries
    and record their metrics, in slices of ``GROUP_SLICE``: memory stays
    flat however many feeds a first refresh brings, and another process
    can write between slices. *prepared* holds the parse workers' analyses
    of some of them."""
    from tui.core import digest

    for first in range(0, len(story_ids), GROUP_SLICE):
        digest.on_stories_stored(
            store,
            story_ids[first : first + GROUP_SLICE],
            window_hours=window_hours,
            since=since,
            prepared=prepared,
        )


def group_job(
    db_path: str,
    story_ids: Sequence[int],
    prepared: Prepared,
    window_hours: float,
    since: float,
) -> int:
    """:func:`group_stories` in a worker process, on a connection of its
    own that is closed when the job ends (the file may be replaced between
    refreshes). The refresh's process has opened, checked and migrated
    the store already, so this opening skips the integrity check, which
    grows with the store. The batch's working set (20-30 MB) is handed
    back to the system afterwards, or every worker that has grouped once
    would keep it until it exits. Returns how many stories it was given.

    Python's cycle collector is off while it groups: the working set holds
    no reference cycles (tests/refresh/test_prepared_analyses.py checks),
    so the collections its allocations set off (a full one every few
    batches, over every vector and row alive) found nothing to free.
    Cold refresh of 1000 bench feeds: the workers' collections 1.2 -> 0.45 s
    of CPU, the refresh 2% faster."""
    from tui.core.refresh_worker import release_memory
    from tui.core.store import Store
    from tui.core.store.db import Database

    store = Store(Database.open(Path(db_path), check=False))
    collecting = gc.isenabled()
    gc.disable()
    try:
        group_stories(store, story_ids, prepared.mapping(), window_hours, since)
    finally:
        store.close()
        if collecting:
            gc.enable()
        release_memory()
    return len(story_ids)
