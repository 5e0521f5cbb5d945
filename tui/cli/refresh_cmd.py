"""``digest refresh``: fetch every feed (or some), store new stories, and
say in one line how it went."""

from __future__ import annotations

import argparse
import sys
import time

from tui.cli.common import (
    FIRST_RUN_HELP,
    CliError,
    db_path,
    get_config,
    open_store,
    print_error,
)

HELP = "fetch all feeds (or --feed ones) and store new stories"
LOCK_WAIT_SECONDS = 2.0


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of ``digest refresh``."""
    parser.add_argument(
        "--feed",
        action="append",
        metavar="URL|TITLE",
        help="refresh only this feed (by URL or title); may be repeated",
    )
    parser.add_argument(
        "--due",
        action="store_true",
        help="fetch only feeds whose next fetch time has come (for cron; see 'digest feeds')",
    )
    parser.add_argument(
        "--notify",
        action="store_true",
        help="print one line about new stories matched by rules with notify = true",
    )
    parser.add_argument(
        "-q",
        "--quiet",
        action="store_true",
        help="no progress and no summary, for cron: only failures are printed (on stderr)",
    )


def run(args: argparse.Namespace) -> int:
    """Refresh; exit 0 unless every feed that was fetched failed (1)."""
    from tui.core.refresh import refresh_blocking
    from tui.core.store import WriterLock

    config = get_config(args)
    if not config.feeds:
        print(FIRST_RUN_HELP)
        return 0
    lock = WriterLock(db_path(args))
    if not lock.acquire(wait=LOCK_WAIT_SECONDS):
        holder = lock.holder()
        raise CliError(f"another digest refresh is running (pid {holder or 'unknown'})")
    try:
        store = open_store(args, config)
        try:
            feed_ids = _feed_ids(store, args.feed) if args.feed else None
            show = not args.quiet and sys.stderr.isatty()
            bar = _ProgressBar() if show else None
            summary = refresh_blocking(
                store,
                config,
                feed_ids=feed_ids,
                progress=bar.update if bar else None,
                due_only=args.due,
            )
            if bar:
                bar.finish()
        finally:
            store.close()
    finally:
        lock.release()
    for title, reason in summary.failures:
        print_error(f"{title}: {reason}")
    if not args.quiet:
        print(summary.line())
    if args.notify and summary.notification:
        print(summary.notification)
    fetched = summary.ok + summary.not_modified + summary.failed
    return 1 if fetched and summary.failed == fetched else 0


def _feed_ids(store, keys: list[str]) -> list[int]:  # noqa: ANN001
    ids = []
    for key in keys:
        feed = store.find_feed(key)
        if feed is None:
            raise CliError(f"no feed matches {key!r} (see 'digest feeds')")
        ids.append(feed.id)
    return ids


class _ProgressBar:
    """One line on stderr, redrawn at most ten times a second."""

    def __init__(self) -> None:
        self._last = 0.0

    def update(self, event) -> None:  # noqa: ANN001 - a FeedProgress
        """Redraw for *event* (a FeedProgress)."""
        now = time.monotonic()
        if event.status == "fetching" or (now - self._last < 0.1 and event.done < event.total):
            return
        self._last = now
        width = 30
        filled = width * event.done // max(event.total, 1)
        sys.stderr.write(
            f"\r[{'#' * filled}{'-' * (width - filled)}] {event.done}/{event.total} feeds"
        )
        sys.stderr.flush()

    def finish(self) -> None:
        """Clear the bar's line."""
        sys.stderr.write("\r\x1b[K")
        sys.stderr.flush()
