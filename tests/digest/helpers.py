"""Builders shared by the digest tests: a store with named feeds where a
test files stories as a refresh would (figures extracted, then the digest
hook), at times relative to a fixed ``NOW``."""

from __future__ import annotations

import json
import re
import sqlite3
from collections import Counter
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path
from xml.sax.saxutils import escape

from tui.core import digest
from tui.core.digest import grouping, storage
from tui.core.models import FeedConfig, Story
from tui.core.refresh_worker import attach_figures
from tui.core.store import Store

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
SCHEMA = Path(__file__).with_name("digest_export.schema.json")


def feed_url(name: str) -> str:
    """The URL a test feed named *name* is configured with (a hostile
    name still makes a plain host)."""
    host = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "feed"
    return f"https://{host}.example/feed.xml"


class Desk:
    """A store with feeds by name; :meth:`file` stores one story the way a
    refresh does and groups it (unless told not to)."""

    def __init__(self, store: Store, feeds: dict[str, float], now: datetime = NOW) -> None:
        self.store = store
        self.now = now
        store.sync_feeds(
            [FeedConfig(url=feed_url(name), title=name, weight=w) for name, w in feeds.items()]
        )
        self.feeds = {feed.display_title: feed.id for feed in store.feeds()}
        self._uids = 0

    def file(
        self,
        feed: str,
        title: str,
        lede: str = "",
        *,
        hours_ago: float = 1.0,
        link: str | None = None,
        read: bool = False,
        group: bool = True,
        window_hours: float = digest.DEFAULT_WINDOW_HOURS,
        first_seen: datetime | None = None,
    ) -> int:
        """Store a story in *feed* published *hours_ago* before ``now``;
        returns its id."""
        self._uids += 1
        uid = f"story-{self._uids}"
        published = self.now - timedelta(hours=hours_ago)
        story = Story(
            uid=uid,
            title=title,
            published=published,
            link=link if link is not None else f"{feed_url(feed).rsplit('/', 1)[0]}/{uid}",
            summary=lede,
            read=read,
            first_seen=first_seen or published,
        )
        attach_figures([story])
        result = self.store.upsert_stories(self.feeds[feed], [story])
        (story_id,) = result.new
        if group:
            digest.on_stories_stored(self.store, [story_id], self.now, window_hours=window_hours)
        return story_id

    def entry(self, story_id: int) -> int | None:
        """The entry a story was grouped into (None: not grouped)."""
        with self.store.db.reading() as conn:
            return storage.entry_of(conn, story_id)


def rss(title: str, items: list[dict[str, object]]) -> bytes:
    """An RSS 2.0 feed; each item has title, link, lede and published (a datetime)."""
    parts = [
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>{escape(title)}</title><link>https://example.com/</link>"
        "<description>test</description>"
    ]
    for number, item in enumerate(items):
        parts.append(
            f'<item><guid isPermaLink="false">{escape(title)}-{number}</guid>'
            f"<title>{escape(str(item['title']))}</title>"
            f"<link>{escape(str(item['link']))}</link>"
            f"<pubDate>{format_datetime(item['published'], usegmt=True)}</pubDate>"  # type: ignore[arg-type]
            f"<description>{escape(str(item.get('lede', '')))}</description></item>"
        )
    parts.append("</channel></rss>")
    return "".join(parts).encode()


def schema() -> dict[str, object]:
    """The JSON schema of ``digest digest --format json`` (the README quotes it)."""
    return json.loads(SCHEMA.read_text(encoding="utf-8"))


def recounted_frequencies(conn: sqlite3.Connection) -> dict[str, int]:
    """Every term's document frequency counted again from the grouped
    stories that count (what ``digest_df`` must hold)."""
    found: Counter[str] = Counter()
    for title, lede in conn.execute(
        "SELECT title_terms, lede_terms FROM digest_stories WHERE counted"
    ):
        found.update(storage.story_terms(title, lede))
    return dict(found)


def missing_postings(conn: sqlite3.Connection) -> dict[str, tuple[int, int]]:
    """Terms counted by at most :data:`INDEXED_DF` stories (read when the
    call is made) that lack a posting for one of them: term -> (postings,
    count). Lookups miss stories there, so it must be empty."""
    postings = dict(conn.execute("SELECT term, count(*) FROM digest_terms GROUP BY term"))
    return {
        term: (postings.get(term, 0), n)
        for term, n in storage.all_frequencies(conn).items()
        if n <= grouping.INDEXED_DF and postings.get(term, 0) < n
    }
