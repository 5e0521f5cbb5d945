"""The store's typed operations: feeds and their fetch state, stories,
figures, read/starred state and full-text search.

Everything returns model dataclasses, never rows, so callers (the refresh
engine, the CLI, the UI's workers) do not know SQL exists.
"""

from __future__ import annotations

import json
import re
import sqlite3
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from tui.core.models import Feed, FeedConfig, FeedState, Figure, Story
from tui.core.store.db import Database
from tui.core.store.rows import (
    FEED_COLUMNS,
    FIGURE_COLUMNS,
    STORY_LIST_COLUMNS,
    FigureRow,
    content_hash,
    enclosures_json,
    feed_from,
    figure_from,
    figure_rows,
    story_from,
    to_ts,
)


@dataclass(frozen=True, slots=True)
class StoryQuery:
    """Which stories to list. Filters combine with AND; ``before`` is the
    (published, id) of the last row already shown, for paging through a
    large store without OFFSET's cost. ``tag`` matches a feed's tags and
    the tags rules gave single stories; stories a rule hid are left out
    unless ``include_hidden``."""

    feed_ids: tuple[int, ...] | None = None
    tag: str | None = None
    unread_only: bool = False
    starred_only: bool = False
    since: datetime | None = None
    search: str | None = None
    limit: int | None = 200
    before: tuple[float, int] | None = None
    include_hidden: bool = False


@dataclass(slots=True)
class UpsertResult:
    """What one feed's upsert did: ids of new and of changed stories."""

    new: list[int] = field(default_factory=list)
    updated: list[int] = field(default_factory=list)
    unchanged: int = 0


def _insert_values(
    story_id: int, feed_id: int, story: Story, digest: str, seen: float
) -> tuple[object, ...]:
    """A new story's row, in the column order of the upsert's INSERT."""
    return (
        story_id,
        feed_id,
        story.uid,
        story.guid,
        story.link,
        story.title,
        story.author,
        to_ts(story.published),
        to_ts(story.updated),
        to_ts(story.first_seen) or seen,
        story.summary,
        story.content,
        enclosures_json(story.enclosures),
        digest,
        int(story.read),
        int(story.starred),
        int(story.hidden),
    )


def fts_query(text: str) -> str | None:
    """Turn what a user typed into a safe FTS5 query: every word must match
    (as a prefix), quotes and operators are taken literally."""
    words = re.findall(r"\w[\w'.,%$€£-]*", text)
    if not words:
        return None
    return " ".join('"' + word.replace('"', '""') + '"*' for word in words)


class Store:
    """The digest store: one SQLite file."""

    def __init__(self, database: Database) -> None:
        self.db = database

    @classmethod
    def open(cls, path: Path | str) -> Store:
        """Open or create the store at *path* (``":memory:"`` for a
        throw-away one) and migrate it to the current schema."""
        return cls(Database.open(Path(path)))

    @property
    def path(self) -> Path:
        """The database file."""
        return self.db.path

    def close(self) -> None:
        """Close the store."""
        self.db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def transaction(self):  # noqa: ANN201 - a context manager
        """A write transaction; store methods called inside it join it, so a
        feed's stories, figures and fetch state commit together."""
        return self.db.transaction()

    # ----------------------------------------------------------------- feeds

    def sync_feeds(self, configs: Sequence[FeedConfig]) -> None:
        """Make the feeds table match feeds.toml: add new feeds, update
        titles/tags/settings, and mark feeds no longer configured (their
        stories stay). Re-enabling a feed in the config revives a feed that
        had answered 410 Gone."""
        with self.transaction() as conn:
            conn.execute("UPDATE feeds SET in_config = 0")
            for position, feed in enumerate(configs):
                conn.execute(
                    """
                    INSERT INTO feeds (url, title, tags, enabled, in_config, position,
                                       refresh_minutes, weight, full_content)
                    VALUES (?, ?, ?, ?, 1, ?, ?, ?, ?)
                    ON CONFLICT (url) DO UPDATE SET
                        title = excluded.title, tags = excluded.tags,
                        gone = CASE WHEN excluded.enabled AND NOT feeds.enabled THEN 0 ELSE gone END,
                        enabled = excluded.enabled, in_config = 1, position = excluded.position,
                        refresh_minutes = excluded.refresh_minutes, weight = excluded.weight,
                        full_content = excluded.full_content
                    """,
                    (
                        feed.url,
                        feed.title,
                        json.dumps(list(feed.tags)),
                        int(feed.enabled),
                        position,
                        feed.refresh_minutes,
                        feed.weight,
                        int(feed.full_content),
                    ),
                )

    def feeds(self, *, include_removed: bool = False) -> list[Feed]:
        """Feeds in config order, with unread and total story counts."""
        where = "" if include_removed else "WHERE f.in_config = 1"
        columns = ", ".join(f"f.{name.strip()}" for name in FEED_COLUMNS.split(","))
        with self.db.reading() as conn:
            rows = conn.execute(
                f"""
                SELECT {columns},
                       (SELECT count(*) FROM stories s WHERE s.feed_id = f.id AND s.read = 0
                        AND s.hidden = 0) AS unread,
                       (SELECT count(*) FROM stories s WHERE s.feed_id = f.id) AS total
                FROM feeds f {where}
                ORDER BY f.in_config DESC, f.position, f.id
                """
            ).fetchall()
        return [feed_from(row, row["unread"], row["total"]) for row in rows]

    def feed(self, feed_id: int) -> Feed | None:
        """One feed by id."""
        with self.db.reading() as conn:
            row = conn.execute(
                f"SELECT {FEED_COLUMNS} FROM feeds WHERE id = ?", (feed_id,)
            ).fetchone()
        return feed_from(row) if row else None

    def find_feed(self, key: str) -> Feed | None:
        """A feed by URL (as configured or moved to) or by title,
        case-insensitively: what ``--feed`` on the command line accepts."""
        for feed in self.feeds(include_removed=True):
            if key in (feed.url, feed.moved_to):
                return feed
        lowered = key.casefold()
        for feed in self.feeds():
            if lowered in ((feed.title or "").casefold(), (feed.feed_title or "").casefold()):
                return feed
        return None

    def save_fetch_state(
        self,
        feed_id: int,
        state: FeedState,
        *,
        feed_title: str | None = None,
        site_url: str | None = None,
        moved_to: str | None = None,
    ) -> None:
        """Record the outcome of fetching a feed. Title, site and moved-to
        URL are only overwritten when given."""
        with self.transaction() as conn:
            conn.execute(
                """
                UPDATE feeds SET etag = ?, last_modified = ?, body_hash = ?, last_fetch = ?,
                    last_success = ?, last_status = ?, last_error = ?, warning = ?,
                    consecutive_failures = ?, gone = ?, next_fetch = ?, fetch_ms = ?,
                    moved_candidate = ?, moved_seen = ?,
                    feed_title = coalesce(?, feed_title), site_url = coalesce(?, site_url),
                    moved_to = coalesce(?, moved_to)
                WHERE id = ?
                """,
                (
                    state.etag,
                    state.last_modified,
                    state.body_hash,
                    to_ts(state.last_fetch),
                    to_ts(state.last_success),
                    state.last_status,
                    state.last_error,
                    state.warning,
                    state.consecutive_failures,
                    int(state.gone),
                    to_ts(state.next_fetch),
                    state.fetch_ms,
                    state.moved_candidate,
                    state.moved_seen,
                    feed_title,
                    site_url,
                    moved_to,
                    feed_id,
                ),
            )

    def revive(self, feed_id: int) -> None:
        """Fetch a feed again that answered 410 Gone or kept failing."""
        with self.transaction() as conn:
            conn.execute(
                "UPDATE feeds SET gone = 0, consecutive_failures = 0, next_fetch = NULL WHERE id = ?",
                (feed_id,),
            )

    # --------------------------------------------------------------- stories

    def pending(self, feed_id: int, stories: Iterable[Story]) -> list[Story]:
        """The stories among *stories* that are new or changed since they
        were stored, so that figures are extracted only for those."""
        with self.db.reading() as conn:
            known = dict(
                conn.execute("SELECT uid, content_hash FROM stories WHERE feed_id = ?", (feed_id,))
            )
        return [story for story in stories if known.get(story.uid) != content_hash(story)]

    def story_hashes(self, feed_id: int) -> dict[str, str]:
        """uid → content hash of every story stored for a feed. The refresh
        sends this to its parse workers so that they extract figures only
        for new or changed stories and send back only those."""
        with self.db.reading() as conn:
            return dict(
                conn.execute("SELECT uid, content_hash FROM stories WHERE feed_id = ?", (feed_id,))
            )

    def upsert_stories(
        self,
        feed_id: int,
        stories: Sequence[Story],
        now: datetime | None = None,
        figures: Sequence[Sequence[FigureRow]] | None = None,
    ) -> UpsertResult:
        """Insert new stories and update changed ones, with their figures,
        in one transaction. Read and starred state are never reset, and a
        story seen twice in one batch is stored once. *figures* holds the
        stories' figures as rows (:func:`figure_rows`, one list per story)
        when a parse worker sent them so, the stories carrying none.

        A story whose id changed but whose link did not (feeds that rewrite
        their GUIDs) is recognised by its link and updated in place rather
        than arriving again as unread.

        New stories and all the figures are written with one statement
        each for the whole feed, not one per story: the refresh's writer
        thread gives up Python's lock for every statement and may wait to
        get it back while the fetching thread runs, so statements, not
        rows, are what a cold refresh pays for. New ids are given here, as
        SQLite would (the largest id plus one), inside the write
        transaction that makes them safe.
        """
        result = UpsertResult()
        seen_now = to_ts(now) if now else time.time()
        done: set[str] = set()
        with self.transaction() as conn:
            # One query for what the feed holds, rather than two per story.
            by_uid: dict[str, tuple[int, str]] = {}
            by_link: dict[str, list[str]] = {}
            for row_id, uid, link, digest in conn.execute(
                "SELECT id, uid, link, content_hash FROM stories WHERE feed_id = ?", (feed_id,)
            ):
                by_uid[uid] = (row_id, digest)
                if link:
                    by_link.setdefault(link, []).append(uid)
            pruned = {
                uid
                for (uid,) in conn.execute(
                    "SELECT uid FROM pruned_stories WHERE feed_id = ?", (feed_id,)
                )
            }
            next_id = (conn.execute("SELECT max(id) FROM stories").fetchone()[0] or 0) + 1
            inserts: list[tuple[object, ...]] = []
            searched: list[tuple[int, str, str, str]] = []  # their text, for the search index
            tags: list[tuple[int, str]] = []
            stored: list[Story] = []
            places: list[int] = []  # each stored story's place in *stories*
            for index, story in enumerate(stories):
                if story.uid in done:
                    continue
                if story.uid in pruned and story.uid not in by_uid:
                    done.add(story.uid)
                    result.unchanged += 1  # retention removed it: it stays removed
                    continue
                done.add(story.uid)
                digest = content_hash(story)
                found = by_uid.get(story.uid)
                if found is None and story.link:
                    for old_uid in by_link.get(story.link, ()):
                        if old_uid not in done and old_uid in by_uid:
                            found = by_uid.pop(old_uid)
                            by_uid[story.uid] = found
                            break
                if found is None:
                    story_id, next_id = next_id, next_id + 1
                    inserts.append(_insert_values(story_id, feed_id, story, digest, seen_now))
                    searched.append((story_id, story.title, story.summary, story.content))
                    tags += [(story_id, tag) for tag in story.tags]
                    result.new.append(story_id)
                elif found[1] != digest:
                    story_id = found[0]
                    self._update(conn, story_id, story, digest)
                    result.updated.append(story_id)
                else:
                    result.unchanged += 1
                    continue
                story.id = story_id
                stored.append(story)
                places.append(index)
            conn.executemany(
                """
                INSERT INTO stories (id, feed_id, uid, guid, link, title, author, published,
                                     updated, first_seen, summary, content, enclosures,
                                     content_hash, read, starred, hidden)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
                inserts,
            )
            # Indexed for search here, in one statement, not by a trigger
            # (migration 0012 says why).
            conn.executemany(
                "INSERT INTO stories_fts (rowid, title, summary, content) VALUES (?, ?, ?, ?)",
                searched,
            )
            if tags:
                conn.executemany(
                    "INSERT OR IGNORE INTO story_tags (story_id, tag) VALUES (?, ?)", tags
                )
            rows = None if figures is None else [figures[index] for index in places]
            self._write_figures(conn, result.updated, stored, rows)
        return result

    def _update(self, conn, story_id: int, story: Story, digest: str) -> None:  # noqa: ANN001
        conn.execute(
            """
            UPDATE stories SET uid = ?, guid = ?, link = ?, title = ?, author = ?, updated = ?,
                summary = ?, content = ?, enclosures = ?, content_hash = ?
            WHERE id = ?
            """,
            (
                story.uid,
                story.guid,
                story.link,
                story.title,
                story.author,
                to_ts(story.updated or story.published),
                story.summary,
                story.content,
                enclosures_json(story.enclosures),
                digest,
                story_id,
            ),
        )

    def _write_figures(
        self,
        conn: sqlite3.Connection,
        replaced: Sequence[int],
        stories: Sequence[Story],
        rows: Sequence[Sequence[FigureRow]] | None,
    ) -> None:
        """Store the figures of *stories* (as *rows*, one list per story,
        when given; else their own), first removing the old figures of the
        *replaced* (updated) ones."""
        for start in range(0, len(replaced), 500):
            chunk = replaced[start : start + 500]
            conn.execute(
                f"DELETE FROM figures WHERE story_id IN ({','.join('?' * len(chunk))})", chunk
            )
        if rows is None:
            rows = [figure_rows(story) for story in stories]
        conn.executemany(
            f"INSERT INTO figures ({FIGURE_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (story.id, *row)
                for story, found in zip(stories, rows, strict=True)
                for row in found
            ],
        )

    def _where(self, query: StoryQuery) -> tuple[str, list[object]]:
        clauses: list[str] = ["f.in_config = 1"]
        params: list[object] = []
        if query.feed_ids is not None:
            clauses.append(f"s.feed_id IN ({','.join('?' * len(query.feed_ids))})")
            params.extend(query.feed_ids)
        if query.tag is not None:
            clauses.append(
                "(EXISTS (SELECT 1 FROM json_each(f.tags) WHERE value = ?)"
                " OR EXISTS (SELECT 1 FROM story_tags t WHERE t.story_id = s.id AND t.tag = ?))"
            )
            params.extend((query.tag, query.tag))
        if not query.include_hidden:
            clauses.append("s.hidden = 0")
        if query.unread_only:
            clauses.append("s.read = 0")
        if query.starred_only:
            clauses.append("s.starred = 1")
        if query.since is not None:
            clauses.append("s.published >= ?")
            params.append(to_ts(query.since))
        if query.search:
            match = fts_query(query.search)
            if match is None:
                clauses.append("0")
            else:
                clauses.append("s.id IN (SELECT rowid FROM stories_fts WHERE stories_fts MATCH ?)")
                params.append(match)
        if query.before is not None:
            clauses.append("(s.published, s.id) < (?, ?)")
            params.extend(query.before)
        return " AND ".join(clauses), params

    def stories(self, query: StoryQuery = StoryQuery()) -> list[Story]:
        """Stories matching *query*, newest first, without their bodies but
        with their headline figure."""
        where, params = self._where(query)
        limit = "" if query.limit is None else f"LIMIT {int(query.limit)}"
        with self.db.reading() as conn:
            rows = conn.execute(
                f"""
                SELECT {STORY_LIST_COLUMNS}
                FROM stories s JOIN feeds f ON f.id = s.feed_id
                WHERE {where}
                ORDER BY s.published DESC, s.id DESC {limit}
                """,
                params,
            ).fetchall()
            stories = [story_from(row) for row in rows]
            self._attach_headlines(conn, stories)
        return stories

    def _attach_headlines(self, conn, stories: list[Story]) -> None:  # noqa: ANN001
        if not stories:
            return
        by_id = {story.id: story for story in stories}
        for start in range(0, len(stories), 500):
            ids = list(by_id)[start : start + 500]
            rows = conn.execute(
                f"SELECT {FIGURE_COLUMNS} FROM figures WHERE headline = 1 "
                f"AND story_id IN ({','.join('?' * len(ids))})",
                ids,
            )
            for row in rows:
                by_id[row["story_id"]].headline = figure_from(row)

    def count_stories(self, query: StoryQuery = StoryQuery()) -> int:
        """How many stories match *query* (ignoring its limit)."""
        where, params = self._where(query)
        with self.db.reading() as conn:
            return conn.execute(
                f"SELECT count(*) FROM stories s JOIN feeds f ON f.id = s.feed_id WHERE {where}",
                params,
            ).fetchone()[0]

    def story(self, story_id: int) -> Story | None:
        """One story with its body, enclosures and figures."""
        with self.db.reading() as conn:
            row = conn.execute(
                f"SELECT {STORY_LIST_COLUMNS}, s.summary, s.content, s.enclosures "
                "FROM stories s JOIN feeds f ON f.id = s.feed_id WHERE s.id = ?",
                (story_id,),
            ).fetchone()
            if row is None:
                return None
            story = story_from(row, with_body=True)
            rows = conn.execute(
                f"SELECT {FIGURE_COLUMNS} FROM figures WHERE story_id = ? ORDER BY source DESC, start",
                (story_id,),
            ).fetchall()
        story.figures = [figure_from(r) for r in rows]
        story.headline = next((figure_from(r) for r in rows if r["headline"]), None)
        return story

    def set_read(self, story_ids: Iterable[int], read: bool = True) -> int:
        """Mark stories read (or unread); returns how many changed."""
        ids = list(story_ids)
        changed = 0
        with self.transaction() as conn:
            for start in range(0, len(ids), 500):
                chunk = ids[start : start + 500]
                changed += conn.execute(
                    f"UPDATE stories SET read = ? WHERE read != ? AND id IN ({','.join('?' * len(chunk))})",
                    [int(read), int(read), *chunk],
                ).rowcount
        return changed

    def mark_read(self, query: StoryQuery) -> int:
        """Mark every story matching *query* (ignoring its limit) read."""
        where, params = self._where(query)
        with self.transaction() as conn:
            return conn.execute(
                f"UPDATE stories SET read = 1 WHERE read = 0 AND id IN "
                f"(SELECT s.id FROM stories s JOIN feeds f ON f.id = s.feed_id WHERE {where})",
                params,
            ).rowcount

    def replace_story_content(
        self,
        story_id: int,
        content: str,
        figures: Sequence[Figure],
        headline: Figure | None,
    ) -> bool:
        """Put a story's full article (Markdown) in place of the text its
        feed carried, with the figures found in it, in one transaction.
        Returns False when the story no longer exists. The change key is
        left alone, so the next refresh does not take the feed's shorter
        text for an update."""
        with self.transaction() as conn:
            changed = conn.execute(
                "UPDATE stories SET content = ? WHERE id = ?", (content, story_id)
            ).rowcount
            if not changed:
                return False
            story = Story(uid="", title="", published=datetime.now(), figures=list(figures))
            story.id, story.headline = story_id, headline
            self._write_figures(conn, [story_id], [story], None)
        return True

    def set_starred(self, story_id: int, starred: bool) -> None:
        """Star or unstar a story."""
        with self.transaction() as conn:
            conn.execute("UPDATE stories SET starred = ? WHERE id = ?", (int(starred), story_id))

    def story_tags(self) -> list[str]:
        """Tags that rules gave single stories, for the sidebar's sections."""
        with self.db.reading() as conn:
            return [
                tag for (tag,) in conn.execute("SELECT DISTINCT tag FROM story_tags ORDER BY tag")
            ]

    def figures(self, story_id: int) -> list[Figure]:
        """A story's figures, title first, then in text order."""
        with self.db.reading() as conn:
            rows = conn.execute(
                f"SELECT {FIGURE_COLUMNS} FROM figures WHERE story_id = ? ORDER BY source DESC, start",
                (story_id,),
            ).fetchall()
        return [figure_from(row) for row in rows]
