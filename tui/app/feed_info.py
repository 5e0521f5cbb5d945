"""A feed's state in words, for the feed-info screen (``I``).

When a feed goes quiet the user wants to know why without leaving the
reader: where it is fetched from (and whether it moved), when it was last
fetched and last worked, what went wrong, how many times in a row, and when
the next fetch is due. Built in a worker from the store; every value that
came from a feed or a server is flattened to one sanitised line here, and
URLs are shown with any password removed.

No Textual import.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from tui.app.format import age
from tui.core.models import Feed
from tui.core.sanitize import one_line
from tui.core.urls import redact


@dataclass(frozen=True, slots=True)
class FeedInfo:
    """What the feed-info screen shows: a title and (label, value) rows."""

    feed_id: int
    title: str
    enabled: bool
    rows: tuple[tuple[str, str], ...]


def when(moment: datetime | None, now: datetime) -> str:
    """A past moment as a date and an age: ``2026-03-02 11:00 (1h ago)``."""
    if moment is None:
        return "never"
    ago = age(moment, now)
    suffix = "just now" if ago == "now" else f"{ago} ago"
    return f"{moment.astimezone():%Y-%m-%d %H:%M} ({suffix})"


def feed_info(feed: Feed, starred: int, now: datetime, default_minutes: int) -> FeedInfo:
    """The rows for *feed* at *now* (*starred*: its starred stories;
    *default_minutes*: the config's ``refresh_minutes``)."""
    from tui.core.schedule import describe

    state = feed.state
    rows: list[tuple[str, str]] = [("URL", one_line(redact(feed.url), 300))]
    if feed.moved_to:
        rows.append(("Moved to", one_line(redact(feed.moved_to), 300)))
    if feed.site_url:
        rows.append(("Site", one_line(redact(feed.site_url), 300)))
    if feed.tags:
        rows.append(("Tags", one_line(", ".join(feed.tags), 200)))
    rows.append(("Enabled", "yes" if feed.enabled else "no (D enables it again)"))
    minutes = feed.refresh_minutes or default_minutes
    rows.append(("Refresh every", f"{minutes} min"))
    rows.append(("Next fetch", one_line(describe(feed, now.timestamp()), 200)))
    rows.append(("Last fetch", when(state.last_fetch, now)))
    rows.append(("Last success", when(state.last_success, now)))
    if state.last_status is not None:
        rows.append(("Last HTTP status", str(state.last_status)))
    rows.append(("Last error", one_line(state.last_error, 400) if state.last_error else "none"))
    if state.warning:
        rows.append(("Warning", one_line(state.warning, 400)))
    rows.append(("Failures in a row", str(state.consecutive_failures)))
    rows.append(("Stories", f"{feed.total:,} ({feed.unread:,} unread, {starred:,} starred)"))
    return FeedInfo(
        feed_id=feed.id,
        title=one_line(feed.display_title, 120),
        enabled=feed.enabled,
        rows=tuple(rows),
    )
