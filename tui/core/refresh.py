"""The refresh pipeline: configured feeds → fetch → parse → figures → store.

- Fetching is async (one httpx client, global and per-host limits; see
  :mod:`tui.core.fetch`). A 304, or a body whose hash equals the last one
  stored, is never parsed.
- Parsing, figure extraction and the digest's reading of each story run
  in a process pool (pure-Python CPU work); only new or changed stories
  come back from it. A refresh with only a few feeds to parse does it in
  this process instead (INLINE_BUDGET_SECONDS): starting the pool costs more.
- Each feed's stories and fetch state are written in one transaction, on a
  single writer thread, so SQLite (and its full-text index) never stalls
  the event loop. The digest groups the stored stories in batches of
  GROUP_EVERY, in the pool once it runs (tui.core.refresh_grouping).
- Bodies in flight are bounded (fetch slots plus a few per parse worker),
  and so are parsed feeds not yet stored (a job running and one queued
  per worker, and a short queue for the writer): memory stays flat however
  many feeds there are, and the workers never run far ahead of the writer.

``progress`` receives a :class:`FeedProgress` per event, on the event loop's
thread. Everything user-visible (titles, errors) is sanitised here.
"""

from __future__ import annotations

import asyncio
import hashlib
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Executor, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, TypeVar

from tui.core.config import Config
from tui.core.fetch import Fetcher, FetchResult, host_key
from tui.core.fetch_order import HostQueue
from tui.core.models import Feed, FeedState, Story
from tui.core.refresh_grouping import Prepared
from tui.core.refresh_pool import (
    BrokenProcessPool,
    WorkerDied,
    discard_pool,
    pool_running,
    shared_pool,
    worker_count,
)
from tui.core.rules import Outcome, Rule, evaluate, notification_line
from tui.core.sanitize import one_line
from tui.core.schedule import FetchFacts, NextFetch, SchedulePolicy, is_due, next_fetch
from tui.core.store import Store, StoreError

_T = TypeVar("_T")

if TYPE_CHECKING:  # parsing modules load only where parsing happens
    from tui.core.refresh_worker import ParseResult

# CPU seconds of parsing done in a thread of this process before the
# process pool is started in the background (parsing moves to it once it
# is ready). A refresh with a few changed feeds stays in one process; past
# that, the other core is worth its start-up. Since the workers are plain
# subprocesses that import only the common parsing path (about 0.2 s each,
# on the other core) and analyses cross as bytes, 100 changed bench feeds
# of 1000 refresh about 15% faster with 0.3 s here than with 2 s (wall
# 3.5-4.5 s against 4.4-5.9 s, three runs each), for a tree of 143 MB
# instead of 67 MB while it runs. (With the fork-server pool, whose start
# cost about two seconds of CPU, 0.5 s made that refresh 2 s slower.)
INLINE_BUDGET_SECONDS = 0.3
# Feeds never read before (no body stored) that make a refresh start the
# pool at once and parse nothing here: each costs a full parse (≈30 ms for
# 30 items), so this many exceed the budget above anyway, and parsing here
# first would load the parsing modules (≈15 MB) into this process too.
POOL_AT_ONCE_NEW_FEEDS = 16
# Parsed feeds waiting for the writer, beyond a running and a queued job
# per worker; each holds ≈0.4 MB of stories. While a worker groups a batch
# its transaction holds the store's write lock (about a second for 1000
# stories), the writer waits, and the other worker stops once this many
# wait: 24 instead kept the workers busier (waiting for work in 10% of
# samples, not 15%) but raised the main process's peak by ≈20 MB.
WRITE_BACKLOG = 8
# Consecutive fetches that must answer with the same permanent redirect
# before the feed is fetched from its new address.
MOVE_CONFIRMATIONS = 2


@dataclass(frozen=True)
class FeedProgress:
    """One event of one feed's refresh."""

    feed_id: int
    title: str
    status: str  # "fetching" | "ok" | "not_modified" | "failed" | "skipped"
    new: int = 0
    updated: int = 0
    error: str | None = None
    done: int = 0
    total: int = 0


@dataclass(frozen=True)
class RefreshSummary:
    """What a whole refresh did."""

    ok: int
    not_modified: int
    failed: int
    skipped: int
    new_stories: int
    updated_stories: int
    seconds: float
    failures: tuple[tuple[str, str], ...] = ()
    notification: str | None = None

    def line(self) -> str:
        """The one-line summary the CLI prints at the end."""
        parts = [f"{self.ok} ok", f"{self.not_modified} not modified", f"{self.failed} failed"]
        if self.skipped:
            parts.append(f"{self.skipped} skipped")
        stories = f"{self.new_stories} new stories"
        if self.updated_stories:
            stories += f", {self.updated_stories} updated"
        return f"{', '.join(parts)}; {stories}; {self.seconds:.1f} s"


@dataclass
class _Tally:
    total: int
    progress: Callable[[FeedProgress], None] | None
    done: int = 0
    counts: dict[str, int] = field(default_factory=dict)
    new: int = 0
    updated: int = 0
    failures: list[tuple[str, str]] = field(default_factory=list)
    matched: list[tuple[Story, Outcome]] = field(default_factory=list)

    def report(
        self, feed: Feed, status: str, *, new: int = 0, updated: int = 0, error: str | None = None
    ) -> None:
        title = one_line(feed.display_title, 120)
        if status != "fetching":
            self.done += 1
            self.counts[status] = self.counts.get(status, 0) + 1
            self.new += new
            self.updated += updated
            if status == "failed":
                self.failures.append((title, error or "failed"))
        if self.progress is not None:
            self.progress(
                FeedProgress(feed.id, title, status, new, updated, error, self.done, self.total)
            )


async def refresh(
    store: Store,
    config: Config,
    *,
    feed_ids: Sequence[int] | None = None,
    progress: Callable[[FeedProgress], None] | None = None,
    due_only: bool = False,
) -> RefreshSummary:
    """Refresh the configured feeds (or only *feed_ids*) into *store*.

    Disabled feeds, feeds that answered 410 Gone, and feeds whose server
    asked (Retry-After) not to be fetched yet are reported as skipped; with
    *due_only* (cron, the reader's auto-refresh) so are feeds whose
    scheduled time (see :mod:`tui.core.schedule`) has not come.
    """
    started = time.monotonic()
    wanted = None if feed_ids is None else set(feed_ids)
    feeds = [feed for feed in store.feeds() if wanted is None or feed.id in wanted]
    tally = _Tally(len(feeds), progress)
    now = datetime.now(UTC)
    due = []
    for feed in feeds:
        reason = _skip_reason(feed, now, due_only)
        if reason:
            tally.report(feed, "skipped", error=reason)
        else:
            due.append(feed)
    if due:
        run = _Run(store, config, tally)
        try:
            run.start_pool_for(due)
            async with Fetcher(config.settings) as fetcher:
                run.fetcher = fetcher
                await run.fetch_all(due)
            await run.save_unchanged()
            await run.group_rest()
        finally:
            if run.unsaved:  # cancelled: keep what was learnt all the same
                run.writer.submit(run.save_states, run.unsaved)
            run.writer.shutdown(wait=True)
    return RefreshSummary(
        ok=tally.counts.get("ok", 0),
        not_modified=tally.counts.get("not_modified", 0),
        failed=tally.counts.get("failed", 0),
        skipped=tally.counts.get("skipped", 0),
        new_stories=tally.new,
        updated_stories=tally.updated,
        seconds=time.monotonic() - started,
        failures=tuple(tally.failures),
        notification=notification_line(tally.matched),
    )


def refresh_blocking(
    store: Store,
    config: Config,
    *,
    feed_ids: Sequence[int] | None = None,
    progress: Callable[[FeedProgress], None] | None = None,
    due_only: bool = False,
) -> RefreshSummary:
    """:func:`refresh` on its own event loop, for a thread worker or a CLI."""
    return asyncio.run(
        refresh(store, config, feed_ids=feed_ids, progress=progress, due_only=due_only)
    )


def _skip_reason(feed: Feed, now: datetime, due_only: bool) -> str | None:
    if not feed.enabled:
        return "disabled in feeds.toml"
    if feed.state.gone:
        return "gone (HTTP 410); set enabled = false, then true, in feeds.toml to try again"
    scheduled = feed.state.next_fetch
    if scheduled and scheduled > now and feed.state.last_status in (429, 503):
        return f"server asked to wait until {scheduled:%Y-%m-%d %H:%M} UTC"
    if due_only and not is_due(feed, now.timestamp()):
        return f"not due until {scheduled:%H:%M} UTC" if scheduled else "not due"
    return None


# Stored stories the digest groups as soon as that many wait: grouping
# then runs while other feeds are fetched and parsed, instead of alone at
# the end with one core idle, and the parse workers' analyses are not all
# held until then. Once the process pool runs, a batch is grouped there
# (tui.core.refresh_grouping), one batch at a time. A batch's fixed cost is
# small now that a worker keeps the document frequencies between jobs
# (digest.pipeline), so batches are one grouping slice: the last one,
# grouped once every feed is stored with a core idle, is smaller, and so
# is a worker's peak (cold 1000 bench feeds, two alternating runs each:
# 40-42 s and 197-203 MB summed RSS against 44 s and 201-206 MB with 1000).
GROUP_EVERY = 250
# Unchanged feeds (a 304, or the body stored last time) have only their
# fetch state to write (validators, times, when to fetch next): that many
# of them share a transaction, where one each made beginning and committing
# 6% of a refresh of 1000 feeds with 900 unchanged. Only a crash can lose
# them, and then those feeds are asked again with their old validators.
SAVE_BATCH = 50


class _Run:
    """The state one refresh shares between its feed tasks."""

    def __init__(self, store: Store, config: Config, tally: _Tally) -> None:
        self.store = store
        self.settings = config.settings
        self.rules: tuple[Rule, ...] = tuple(config.extra.get("rules", ()))
        self.policy = SchedulePolicy(
            honour_server_hints=config.settings.honour_server_hints,
            max_hint_minutes=config.settings.max_hint_minutes,
            max_backoff_minutes=config.settings.max_backoff_minutes,
        )
        self.tally = tally
        self.fetcher: Fetcher | None = None
        self.writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="digest-store")
        self.slots = asyncio.Semaphore(config.settings.concurrency + 4 * worker_count())
        # Parse jobs submitted and parsed feeds not yet stored: bounded
        # separately from the fetches, so memory stays flat and the
        # workers do not run ahead of the writer.
        self.parsing = _Gauge(2 * worker_count() + WRITE_BACKLOG)
        self.pool_ready = asyncio.Event()
        self.pool_settled = asyncio.Event()  # ready, or failed to start
        if pool_running():
            self.pool_ready.set()
            self.pool_settled.set()
        self.pool_starting = False
        self.pool_first = False  # parse nothing here: wait for the pool
        self.inline_lock = asyncio.Semaphore(1)
        self.inline_seconds = 0.0
        self.pending: list[int] = []  # stored story ids the digest has not grouped
        self.prepared = Prepared()  # the parse workers' analyses of them
        self.grouping: asyncio.Future[None] | None = None  # the batch being grouped in the pool
        self.unsaved: list[tuple[Feed, FeedState, FetchResult]] = []  # unchanged feeds' states

    async def store_call(self, function: Callable[..., object], *args: object) -> object:
        """Run a store operation on the writer thread."""
        return await asyncio.get_running_loop().run_in_executor(self.writer, function, *args)

    async def fetch_all(self, feeds: Sequence[Feed]) -> None:
        """Fetch, parse and store *feeds*: ``concurrency`` lanes fetch them
        host by host (:mod:`tui.core.fetch_order`), and each fetched feed is
        parsed and stored in a task of its own while its lane fetches the
        next."""
        queue = HostQueue(feeds, lambda feed: host_key(feed.fetch_url), self.settings.per_host)
        async with asyncio.TaskGroup() as group:
            for _ in range(min(self.settings.concurrency, len(feeds))):
                group.create_task(self._lane(queue, group))

    async def _lane(self, queue: HostQueue[Feed], group: asyncio.TaskGroup) -> None:
        host = None
        while (taken := await queue.take(host)) is not None:
            host, feed = taken
            fetched = asyncio.Event()
            group.create_task(self.one(feed, fetched))
            try:
                await fetched.wait()
            finally:
                queue.release(host)

    async def one(self, feed: Feed, fetched: asyncio.Event) -> None:
        """Fetch, parse and store one feed, reporting how it went; set
        *fetched* once the fetch is over (its lane moves on then)."""
        self.tally.report(feed, "fetching")
        try:
            async with self.slots:
                await self._one(feed, fetched)
        except StoreError as error:  # e.g. the disk is full: say so, as it is
            self.tally.report(feed, "failed", error=one_line(str(error), 300))
        except Exception as error:
            message = one_line(f"internal error: {type(error).__name__}: {error}", 300)
            self.tally.report(feed, "failed", error=message)
        finally:
            fetched.set()

    async def _one(self, feed: Feed, fetched: asyncio.Event) -> None:
        assert self.fetcher is not None
        state = feed.state
        result = await self.fetcher.fetch(
            feed.fetch_url, etag=state.etag, last_modified=state.last_modified
        )
        fetched.set()
        now = datetime.now(UTC)
        if result.error is not None:
            await self._failed(feed, result, one_line(result.error, 300), now)
            return
        body_hash = (
            hashlib.blake2b(result.body, digest_size=16).hexdigest() if result.body else None
        )
        if result.not_modified or (body_hash and body_hash == state.body_hash):
            unchanged = _unchanged_state(state, result, now)
            unchanged.next_fetch = self._next(feed, result, now, ok=True, ttl=None).at_datetime
            self.unsaved.append((feed, unchanged, result))
            if len(self.unsaved) >= SAVE_BATCH:
                await self.save_unchanged()
            self.tally.report(feed, "not_modified")
            return
        # A feed never read before has no stories to compare with: its
        # first parse need not wait behind the writer's queue to learn so.
        known: dict[str, str] = {}
        if state.body_hash is not None:
            known = await self.store_call(self.store.story_hashes, feed.id)  # type: ignore[assignment]
        async with self.parsing:
            parsed, _unchanged = await self._parse(result, known, now)
            if parsed.error:
                await self._failed(feed, result, parsed.error, now, status=result.status)
                return
            new_state = _success_state(result, body_hash, parsed, now)
            new_state.next_fetch = self._next(
                feed, result, now, ok=True, ttl=parsed.ttl_minutes
            ).at_datetime
            self._apply_rules(feed, parsed.stories, known)
            upsert = await self.store_call(self._write, feed, parsed, new_state, result)
        self._group_in_pool()
        self.tally.report(feed, "ok", new=len(upsert.new), updated=len(upsert.updated))  # type: ignore[attr-defined]

    async def _parse(
        self, result: FetchResult, known: dict[str, str], now: datetime
    ) -> tuple[ParseResult, int]:
        args = (
            result.body,
            result.final_url or result.url,
            result.content_type,
            self.settings.max_items,
            known,
            now,
        )
        from tui.core.refresh_worker import parse_job

        if self.pool_first and not self.pool_settled.is_set():
            await self.pool_settled.wait()
        if not self.pool_ready.is_set():
            if self.inline_seconds > INLINE_BUDGET_SECONDS:
                self._start_pool()
            async with self.inline_lock:
                if not self.pool_ready.is_set():
                    parsed, seconds = await asyncio.to_thread(_timed, parse_job, *args)
                    self.inline_seconds += seconds
                    return parsed
        for _ in range(2):
            pool: Executor = shared_pool()
            try:
                return await asyncio.get_running_loop().run_in_executor(
                    pool, parse_job, *args, True
                )
            except WorkerDied as died:  # killed, out of memory: maybe by this very feed
                discard_pool(pool)
                return _parser_died(f"the parser process died while reading this feed: {died}")
            except BrokenProcessPool:
                # Another feed's worker died while this one waited: once
                # more, in a new pool.
                discard_pool(pool)
        return _parser_died("the parser processes died twice while this feed waited for them")

    def _next(
        self,
        feed: Feed,
        result: FetchResult,
        now: datetime,
        *,
        ok: bool,
        ttl: float | None,
        failures: int = 0,
    ) -> _When:
        """When this feed should be fetched again (the schedule's rules)."""
        facts = FetchFacts(
            ok=ok,
            status=result.status,
            failures=failures,
            ttl_minutes=ttl,
            headers=result.cache_headers,
            retry_after=result.retry_after,
        )
        interval = feed.refresh_minutes or self.settings.refresh_minutes
        return _When(next_fetch(feed.fetch_url, interval, facts, now.timestamp(), self.policy))

    def _apply_rules(self, feed: Feed, stories: list[Story], known: dict[str, str]) -> None:
        """Run the [[rules]] on the stories this feed brought for the first
        time: hide, mark read, star or tag them before they are stored, and
        remember the ones a rule wants announced."""
        if not self.rules:
            return
        for story in stories:
            if story.uid in known:
                continue  # an update: the user may have undone what a rule did
            outcome = evaluate(self.rules, story, feed)
            if not outcome:
                continue
            story.read = story.read or outcome.read
            story.starred = story.starred or outcome.star
            story.hidden = story.hidden or outcome.hide
            story.tags = tuple(dict.fromkeys((*story.tags, *outcome.tags)))
            if outcome.notify and not outcome.hide:
                self.tally.matched.append((story, outcome))

    def start_pool_for(self, feeds: Sequence[Feed]) -> None:
        """Start the pool now, and parse nothing in this process, when so
        many of *feeds* were never read that the inline budget would be
        spent at once (a first refresh, an import of many feeds)."""
        if self.pool_ready.is_set():
            return
        new = sum(1 for feed in feeds if feed.state.body_hash is None)
        if new >= POOL_AT_ONCE_NEW_FEEDS:
            self.pool_first = True
            self._start_pool()

    def _start_pool(self) -> None:
        """Start the process pool in the background; parsing moves to it
        once a worker has answered (or stays here if it cannot start)."""
        if self.pool_starting:
            return
        self.pool_starting = True
        from tui.core.refresh_worker import ready

        # One no-op job per worker, so that every worker starts now: the
        # pool starts a worker only when a job waits and none is free, and
        # the jobs that then wait for a second worker wait for its start
        # (0.2-0.3 s of interpreter and imports) too.
        pool, loop = shared_pool(), asyncio.get_running_loop()
        futures = [loop.run_in_executor(pool, ready) for _ in range(worker_count())]

        def done(finished: asyncio.Future[bool]) -> None:
            if not finished.cancelled() and finished.exception() is None:
                self.pool_ready.set()
            else:
                self.pool_first = False
            self.pool_settled.set()

        futures[0].add_done_callback(done)
        for other in futures[1:]:  # (their failures are the pool's, and seen by the next job)
            other.add_done_callback(lambda finished: finished.cancelled() or finished.exception())

    def _write(self, feed: Feed, parsed: ParseResult, state: FeedState, result: FetchResult):
        with self.store.transaction():
            upsert = self.store.upsert_stories(
                feed.id, parsed.stories, figures=parsed.figures
            )
            self._save(feed, state, result, parsed)
        stored = upsert.new + upsert.updated
        self.pending.extend(stored)
        if stored:
            wanted = set(stored)
            if parsed.analyses is not None:
                ids = [story.id if story.id in wanted else None for story in parsed.stories]
                self.prepared.add_packed(parsed.analyses, ids)
            for story in parsed.stories:
                if story.analysis is not None and story.id in wanted:
                    self.prepared.add(story.id, story.analysis)
        if len(self.pending) >= GROUP_EVERY and not self._pool_groups():
            self.group_pending()
        return upsert

    def _pool_groups(self) -> bool:
        """Is grouping done by the process pool? Once it runs, and for a
        store in a file (a job opens the file anew)."""
        return self.pool_ready.is_set() and str(self.store.db.path) != ":memory:"

    def _group_in_pool(self) -> None:
        """Start grouping in the pool once ``GROUP_EVERY`` stories wait,
        unless a batch is being grouped (batches are grouped in the order
        they were stored; that job takes the next batch itself)."""
        if self.grouping is None and self._pool_groups() and len(self.pending) >= GROUP_EVERY:
            self.grouping = asyncio.ensure_future(self._pool_batches())

    async def _pool_batches(self) -> None:
        """Group waiting batches in the pool, one after another, while a
        full batch waits."""
        try:
            while True:
                story_ids, prepared = await self.store_call(self._take_pending)
                await self._pool_job(story_ids, prepared)  # type: ignore[arg-type]
                if len(self.pending) < GROUP_EVERY:
                    break
        finally:
            self.grouping = None

    def _take_pending(self) -> tuple[list[int], Prepared]:
        """The stored stories waiting to be grouped, with their analyses,
        handed over on the writer thread (the one that adds to them)."""
        story_ids, self.pending = self.pending, []
        prepared, self.prepared = self.prepared, Prepared()
        return story_ids, prepared

    async def _pool_job(self, story_ids: list[int], prepared: Prepared) -> None:
        """Group one batch in the pool. A fault must not fail the refresh:
        the stories are stored, and the digest groups what it missed when
        it is next shown (digest.ensure_grouped)."""
        if not story_ids:
            return
        from tui.core.refresh_grouping import group_job

        window = self.settings.group_window_hours
        pool = shared_pool()
        try:
            await asyncio.get_running_loop().run_in_executor(
                pool,
                group_job,
                str(self.store.db.path),
                story_ids,
                prepared,
                window,
                self._group_since(window),
            )
        except BrokenProcessPool:
            discard_pool(pool)  # a worker died: the next use starts a new pool
        except Exception:
            return

    async def group_rest(self) -> None:
        """Once every feed is stored: wait for the batch being grouped in
        the pool, then group what is left (in the pool if it runs)."""
        if self.grouping is not None:
            await self.grouping
        if self._pool_groups():
            story_ids, prepared = await self.store_call(self._take_pending)
            await self._pool_job(story_ids, prepared)  # type: ignore[arg-type]
        await self.store_call(self.group_pending)

    @staticmethod
    def _group_since(window: float) -> float:
        """Stories published before this are not grouped by the refresh
        (no view shows them; see digest.on_stories_stored)."""
        from tui.core import digest

        return time.time() - digest.GROUPED_AT_REFRESH_HOURS * 3600 - window * 3600

    def group_pending(self) -> None:
        """Group the refresh's new and changed stories into digest entries
        and record their metrics: in batches of ``GROUP_EVERY`` stories as
        they are stored, and what is left once every feed is stored.

        Batches, not one call per feed: per feed, the grouping paid its
        fixed cost (the transaction, the common words' frequencies) per
        feed, which doubled a cold refresh. Not one batch at the end
        either: that left a single thread working while the parse workers
        sat idle, and held every story's analysis until then. The analyses
        the parse workers made (``prepared``) spare the writer the text
        work. A fault in the digest must not fail the refresh: the stories
        are kept, and the digest groups whatever it missed the next time
        it is shown."""
        story_ids, prepared = self._take_pending()
        if not story_ids:
            return
        from tui.core.refresh_grouping import group_stories

        window = self.settings.group_window_hours
        try:
            group_stories(
                self.store, story_ids, prepared.mapping(), window, self._group_since(window)
            )
        except StoreError:
            raise
        except Exception:  # the digest catches up later (digest.ensure_grouped)
            return

    async def save_unchanged(self) -> None:
        """Write the fetch states of the unchanged feeds not written yet."""
        batch, self.unsaved = self.unsaved, []
        if batch:
            await self.store_call(self.save_states, batch)

    def save_states(self, batch: Sequence[tuple[Feed, FeedState, FetchResult]]) -> None:
        """Unchanged feeds' fetch states, in one transaction."""
        with self.store.transaction():
            for feed, state, result in batch:
                self._save(feed, state, result, None)

    def _save(
        self, feed: Feed, state: FeedState, result: FetchResult, parsed: ParseResult | None
    ) -> None:
        self.store.save_fetch_state(
            feed.id,
            state,
            feed_title=parsed.title if parsed else None,
            site_url=parsed.site_url if parsed else None,
            moved_to=_track_move(feed.state, state, result),
        )

    async def _failed(
        self,
        feed: Feed,
        result: FetchResult,
        message: str,
        now: datetime,
        *,
        status: int | None = None,
    ) -> None:
        old = feed.state
        state = FeedState(
            etag=old.etag,
            last_modified=old.last_modified,
            body_hash=old.body_hash,
            last_fetch=now,
            last_success=old.last_success,
            last_status=status or result.status,
            last_error=message,
            warning=old.warning,
            consecutive_failures=old.consecutive_failures + 1,
            gone=result.gone,
            next_fetch=self._next(
                feed, result, now, ok=False, ttl=None, failures=old.consecutive_failures + 1
            ).at_datetime,
            fetch_ms=int(result.seconds * 1000),
            moved_candidate=old.moved_candidate,  # a failure says nothing about a move
            moved_seen=old.moved_seen,
        )
        await self.store_call(self.store.save_fetch_state, feed.id, state)
        self.tally.report(feed, "failed", error=message)


def _track_move(old: FeedState, new: FeedState, result: FetchResult) -> str | None:
    """Count consecutive sightings of a permanent redirect in *new* and
    return the target once it has been seen MOVE_CONFIRMATIONS times in a
    row (the store then fetches from there), else None."""
    target = result.moved_to
    if target is None:
        new.moved_candidate, new.moved_seen = None, 0
        return None
    seen = old.moved_seen + 1 if old.moved_candidate == target else 1
    new.moved_candidate, new.moved_seen = target, seen
    return target if seen >= MOVE_CONFIRMATIONS else None


def _timed(function: Callable[..., _T], *args: object) -> tuple[_T, float]:
    """Call *function* and return its result with the CPU time this thread
    spent in it."""
    started = time.thread_time()
    result = function(*args)
    return result, time.thread_time() - started


class _Gauge:
    """A semaphore that also says how many hold it now and at most, so
    that a test can check the bound it keeps."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.held = 0
        self.most = 0
        self._semaphore = asyncio.Semaphore(limit)

    async def __aenter__(self) -> None:
        await self._semaphore.acquire()
        self.held += 1
        self.most = max(self.most, self.held)

    async def __aexit__(self, *exc_info: object) -> None:
        self.held -= 1
        self._semaphore.release()


@dataclass(frozen=True)
class _When:
    """A schedule answer with its time as the store's datetime."""

    next: NextFetch

    @property
    def at_datetime(self) -> datetime:
        return datetime.fromtimestamp(self.next.at, UTC)


def _unchanged_state(old: FeedState, result: FetchResult, now: datetime) -> FeedState:
    return FeedState(
        etag=result.etag or old.etag,
        last_modified=result.last_modified or old.last_modified,
        body_hash=old.body_hash,
        last_fetch=now,
        last_success=now,
        last_status=result.status,
        last_error=None,
        warning=old.warning,
        consecutive_failures=0,
        gone=False,
        next_fetch=None,
        fetch_ms=int(result.seconds * 1000),
    )


def _success_state(
    result: FetchResult, body_hash: str | None, parsed: ParseResult, now: datetime
) -> FeedState:
    return FeedState(
        etag=result.etag,
        last_modified=result.last_modified,
        body_hash=body_hash,
        last_fetch=now,
        last_success=now,
        last_status=result.status,
        last_error=None,
        warning=parsed.warning,
        consecutive_failures=0,
        gone=False,
        next_fetch=None,
        fetch_ms=int(result.seconds * 1000),
    )


def _parser_died(reason: str) -> tuple[ParseResult, int]:
    """A parse job's answer when its worker died: the feed's error."""
    from tui.core.refresh_worker import ParseResult

    return ParseResult(error=one_line(reason, 300)), 0
