"""Conversions between SQLite rows and the model dataclasses, and the
time representation the store uses (UTC Unix seconds)."""

from __future__ import annotations

import hashlib
import json
import sqlite3
import time
from datetime import UTC, datetime

from tui.core.models import Enclosure, Feed, FeedState, Figure, Story


def to_ts(moment: datetime | None) -> float | None:
    """A datetime as UTC Unix seconds; naive datetimes are taken as UTC."""
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.timestamp()


def moment_ts(now: datetime | float | None) -> float:
    """A moment given as a datetime, Unix seconds or None (now), as Unix
    seconds: the digest's functions take any of the three."""
    if now is None:
        return time.time()
    if isinstance(now, datetime):
        return to_ts(now) or time.time()
    return float(now)


def from_ts(seconds: float | None) -> datetime | None:
    """UTC Unix seconds as an aware datetime."""
    if seconds is None:
        return None
    return datetime.fromtimestamp(seconds, UTC)


def content_hash(story: Story) -> str:
    """What decides whether a re-fetched story changed: the hash of the
    entry as the feed wrote it when the parser gave one, else of its
    visible text, link and enclosures. Read/starred state is not part of it."""
    if story.source_hash:
        return story.source_hash
    digest = hashlib.blake2b(digest_size=16)
    for part in (story.title, story.link or "", story.author or "", story.summary, story.content):
        digest.update(part.encode("utf-8", "surrogatepass"))
        digest.update(b"\x00")
    for enclosure in story.enclosures:
        digest.update(enclosure.url.encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


def enclosures_json(enclosures: tuple[Enclosure, ...]) -> str | None:
    """Enclosures as the JSON the ``stories.enclosures`` column holds."""
    if not enclosures:
        return None
    return json.dumps([{"url": e.url, "type": e.type, "length": e.length} for e in enclosures])


def enclosures_from(text: str | None) -> tuple[Enclosure, ...]:
    """The inverse of :func:`enclosures_json`."""
    if not text:
        return ()
    return tuple(
        Enclosure(item["url"], item.get("type") or "", item.get("length"))
        for item in json.loads(text)
    )


FEED_COLUMNS = (
    "id, url, title, feed_title, site_url, moved_to, tags, enabled, refresh_minutes, weight, "
    "full_content, etag, last_modified, body_hash, last_fetch, last_success, last_status, "
    "last_error, warning, consecutive_failures, gone, next_fetch, fetch_ms, moved_candidate, "
    "moved_seen"
)


def feed_from(row: sqlite3.Row, unread: int = 0, total: int = 0) -> Feed:
    """A ``feeds`` row (selected with FEED_COLUMNS) as a Feed."""
    state = FeedState(
        etag=row["etag"],
        last_modified=row["last_modified"],
        body_hash=row["body_hash"],
        last_fetch=from_ts(row["last_fetch"]),
        last_success=from_ts(row["last_success"]),
        last_status=row["last_status"],
        last_error=row["last_error"],
        warning=row["warning"],
        consecutive_failures=row["consecutive_failures"],
        gone=bool(row["gone"]),
        next_fetch=from_ts(row["next_fetch"]),
        fetch_ms=row["fetch_ms"],
        moved_candidate=row["moved_candidate"],
        moved_seen=row["moved_seen"],
    )
    return Feed(
        id=row["id"],
        url=row["url"],
        title=row["title"],
        feed_title=row["feed_title"],
        site_url=row["site_url"],
        moved_to=row["moved_to"],
        tags=tuple(json.loads(row["tags"])),
        enabled=bool(row["enabled"]),
        refresh_minutes=row["refresh_minutes"],
        weight=row["weight"],
        full_content=bool(row["full_content"]),
        state=state,
        unread=unread,
        total=total,
    )


STORY_LIST_COLUMNS = (
    "s.id, s.feed_id, s.uid, s.guid, s.link, s.title, s.author, s.published, s.updated, "
    "s.first_seen, s.read, s.starred, s.hidden, coalesce(f.title, f.feed_title, f.url) AS feed_name"
)


def story_from(row: sqlite3.Row, *, with_body: bool = False) -> Story:
    """A ``stories`` row as a Story; list queries leave the body out."""
    keys = row.keys()
    return Story(
        id=row["id"],
        feed_id=row["feed_id"],
        uid=row["uid"],
        guid=row["guid"],
        link=row["link"],
        title=row["title"],
        author=row["author"],
        published=from_ts(row["published"]),  # type: ignore[arg-type]
        updated=from_ts(row["updated"]),
        first_seen=from_ts(row["first_seen"]),
        read=bool(row["read"]),
        starred=bool(row["starred"]),
        hidden=bool(row["hidden"]) if "hidden" in keys else False,
        feed_title=row["feed_name"] if "feed_name" in keys else None,
        summary=row["summary"] if with_body else "",
        content=row["content"] if with_body else "",
        enclosures=enclosures_from(row["enclosures"]) if with_body else (),
    )


FIGURE_COLUMNS = (
    'story_id, source, start, "end", text, value, kind, unit, noun, per, sentence, headline'
)


# A figure as the ``figures`` table stores it, without its story's id (the
# store gives ids): FIGURE_COLUMNS from ``source`` on.
FigureRow = tuple[str, int, int, str, float | None, str, str | None, str | None, str | None, str, int]


def figure_rows(story: Story) -> list[FigureRow]:
    """A story's figures as the store writes them, its headline marked (it
    is one of them: found by identity, which spares comparing every figure
    field by field, else by equality)."""
    figures, headline = story.figures, story.headline
    marked = -1
    if headline is not None:
        marked = next((i for i, figure in enumerate(figures) if figure is headline), -1)
        if marked < 0:
            marked = next((i for i, figure in enumerate(figures) if figure == headline), -1)
    return [
        (
            figure.source,
            figure.start,
            figure.end,
            figure.text,
            figure.value,
            str(figure.kind),
            figure.unit,
            figure.noun,
            figure.per,
            figure.sentence,
            int(index == marked),
        )
        for index, figure in enumerate(figures)
    ]


def figure_from(row: sqlite3.Row) -> Figure:
    """A ``figures`` row as a Figure."""
    return Figure(
        text=row["text"],
        start=row["start"],
        end=row["end"],
        value=row["value"],
        kind=row["kind"],
        unit=row["unit"],
        noun=row["noun"],
        per=row["per"],
        sentence=row["sentence"],
        source=row["source"],
    )
