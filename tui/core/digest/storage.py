"""The digest's SQL, in one place: its tables (migrations 0003, 0006, 0007, 0010), reading the
stories grouping needs, the link map and term index, entries and their
members, and metric observations. Every function takes the open
connection from ``store.db.transaction()`` or ``store.db.reading()``.
"""

from __future__ import annotations

import sqlite3
from collections import Counter
from collections.abc import Iterable, Sequence

_CHUNK = 500


def chunks(items: Sequence[int], size: int = _CHUNK) -> Iterable[Sequence[int]]:
    """*items* in slices small enough for SQLite's parameter limit."""
    for start in range(0, len(items), size):
        yield items[start : start + size]


def marks(count: int) -> str:
    """``?, ?, ?`` for *count* parameters."""
    return ",".join("?" * count)


# ---------------------------------------------------------------- grouping


def stories_to_group(conn: sqlite3.Connection, ids: Sequence[int]) -> list[sqlite3.Row]:
    """What grouping reads of each story: its feed, time, link, title, the
    head of its text, and its headline figure's kind, value and place."""
    rows: list[sqlite3.Row] = []
    for chunk in chunks(list(ids)):
        rows.extend(
            conn.execute(
                f"""
                SELECT s.id, s.feed_id, s.published, s.link, s.guid, s.title,
                       substr(CASE WHEN s.summary != '' THEN s.summary ELSE s.content END, 1, 1600)
                           AS head,
                       h.kind AS h_kind, h.value AS h_value, h.source AS h_source,
                       h.start AS h_start
                FROM stories s
                LEFT JOIN figures h ON h.story_id = s.id AND h.headline = 1
                WHERE s.id IN ({marks(len(chunk))})
                """,
                chunk,
            ).fetchall()
        )
    rows.sort(key=lambda row: (row["published"], row["id"]))
    return rows


def grouped_rows(conn: sqlite3.Connection, ids: Sequence[int]) -> dict[int, sqlite3.Row]:
    """The digest rows already stored for *ids*."""
    found: dict[int, sqlite3.Row] = {}
    for chunk in chunks(list(ids)):
        for row in conn.execute(
            f"SELECT * FROM digest_stories WHERE story_id IN ({marks(len(chunk))})", chunk
        ):
            found[row["story_id"]] = row
    return found


def ungrouped_since(conn: sqlite3.Connection, since: float | None) -> list[int]:
    """Stories (published since *since*, or all) that have no digest row:
    those stored before the digest existed, or by a path without the hook.
    Probes the narrow index of grouped ids (migration 0007), which SQLite
    would not choose over the wide rows by itself: 4x faster."""
    where = "" if since is None else "AND s.published >= ?"
    params = () if since is None else (since,)
    return [
        row[0]
        for row in conn.execute(
            f"""
            SELECT s.id FROM stories s
            WHERE NOT EXISTS (
                SELECT 1 FROM digest_stories d INDEXED BY digest_stories_ids
                WHERE d.story_id = s.id
            ) {where}
            ORDER BY s.published, s.id
            """,
            params,
        )
    ]


def by_link(conn: sqlite3.Connection, keys: Iterable[str]) -> list[sqlite3.Row]:
    """Grouped stories whose canonical link is one of *keys*."""
    keys = list(keys)
    if not keys:
        return []
    rows: list[sqlite3.Row] = []
    for start in range(0, len(keys), _CHUNK):
        chunk = keys[start : start + _CHUNK]
        rows += conn.execute(
            f"SELECT story_id, entry_id, feed_id, published, link_key, alt_key "
            f"FROM digest_stories "
            f"WHERE link_key IN ({marks(len(chunk))}) OR alt_key IN ({marks(len(chunk))})",
            chunk + chunk,
        ).fetchall()
    return rows


def candidates(
    conn: sqlite3.Connection,
    weights: dict[str, float],
    low: float,
    high: float,
    floor: float,
    limit: int,
) -> list[sqlite3.Row]:
    """Indexed stories published in [low, high] whose shared terms weigh at
    least *floor* (a term weighs what *weights* says), heaviest first, at
    most *limit*: ``story_id``, ``shared`` (that weight) and what grouping
    compares of the story (``entry_id`` and the rest NULL when the story
    left the store and only its index terms remain). SQLite sums the
    postings, so only the few candidates come back to Python, in one query."""
    if not weights:
        return []
    # One index range per term, UNION ALL'd in the order of *weights* (so a
    # story's weights are summed in that order): twice as fast as joining a
    # VALUES table of the terms.
    postings = " UNION ALL ".join(
        "SELECT story_id, ? AS weight FROM digest_terms "
        "WHERE term = ? AND published BETWEEN ? AND ?"
        for _ in weights
    )
    params: list[object] = []
    for term, weight in weights.items():
        params += (weight, term, low, high)
    return conn.execute(
        f"""
        WITH best AS (
            SELECT story_id, sum(weight) AS shared FROM ({postings})
            GROUP BY story_id HAVING shared >= ?
            ORDER BY shared DESC, story_id LIMIT ?
        )
        SELECT best.story_id, best.shared, d.entry_id, d.feed_id, d.title_terms,
               d.lede_terms, d.idents, d.names
        FROM best LEFT JOIN digest_stories d ON d.story_id = best.story_id
        """,
        [*params, floor, limit],
    ).fetchall()


def story_texts(conn: sqlite3.Connection, story_ids: Sequence[int]) -> dict[int, str]:
    """Each story's text, the one its figures were found in (its content,
    else its summary)."""
    found: dict[int, str] = {}
    for chunk in chunks(list(story_ids)):
        found.update(
            conn.execute(
                "SELECT id, CASE WHEN content != '' THEN content ELSE summary END "
                f"FROM stories WHERE id IN ({marks(len(chunk))})",
                chunk,
            ).fetchall()
        )
    return found


def document_frequencies(conn: sqlite3.Connection, terms: Sequence[str]) -> dict[str, int]:
    """How many indexed stories carry each of *terms* (missing: none)."""
    found: dict[str, int] = {}
    for start in range(0, len(terms), _CHUNK):
        chunk = terms[start : start + _CHUNK]
        found.update(
            conn.execute(
                f"SELECT term, n FROM digest_df WHERE term IN ({marks(len(chunk))})", chunk
            ).fetchall()
        )
    return found


def all_frequencies(conn: sqlite3.Connection) -> dict[str, int]:
    """Every term's document frequency (a term missing is in no indexed story)."""
    return dict(conn.execute("SELECT term, n FROM digest_df").fetchall())


def indexed_count(conn: sqlite3.Connection) -> int:
    """How many stories the digest has grouped (the N of the term weights)."""
    return conn.execute("SELECT count(*) FROM digest_stories").fetchone()[0]


def entry_feeds(conn: sqlite3.Connection, entry_id: int) -> list[tuple[int, int]]:
    """(story id, feed id) of an entry's members."""
    return conn.execute(
        "SELECT story_id, feed_id FROM digest_stories WHERE entry_id = ?", (entry_id,)
    ).fetchall()


def next_entry_id(conn: sqlite3.Connection) -> int:
    """An entry id no story holds yet."""
    return (conn.execute("SELECT max(entry_id) FROM digest_stories").fetchone()[0] or 0) + 1


def merge_entries(conn: sqlite3.Connection, into: int, others: Iterable[int]) -> None:
    """Move every member of the entries *others* into entry *into*."""
    for other in others:
        if other != into:
            conn.execute("UPDATE digest_stories SET entry_id = ? WHERE entry_id = ?", (into, other))


def counted_terms(row: sqlite3.Row) -> list[str]:
    """The terms a grouped story adds to the document frequencies (sorted,
    none once the prune has passed its time): the counts that
    :func:`forget` leaves the caller to lower."""
    return sorted(story_terms(row["title_terms"], row["lede_terms"])) if row["counted"] else []


def story_terms(title_terms: str, lede_terms: str) -> set[str]:
    """A grouped story's distinct terms, from its stored title and lede
    terms: what it is indexed and counted under."""
    return set(title_terms.split()) | set(lede_terms.split())


def forget(conn: sqlite3.Connection, row: sqlite3.Row) -> None:
    """Remove a story's digest row and its index terms (before regrouping
    it; the caller lowers the counts of :func:`counted_terms`)."""
    terms = sorted(story_terms(row["title_terms"], row["lede_terms"]))
    for start in range(0, len(terms), _CHUNK):
        chunk = terms[start : start + _CHUNK]
        conn.execute(
            f"DELETE FROM digest_terms WHERE term IN ({marks(len(chunk))}) "
            "AND published = ? AND story_id = ?",
            (*chunk, row["published"], row["story_id"]),
        )
    conn.execute("DELETE FROM digest_stories WHERE story_id = ?", (row["story_id"],))


def existing(conn: sqlite3.Connection, story_ids: Iterable[int]) -> set[int]:
    """Which of *story_ids* are still stored."""
    found: set[int] = set()
    for chunk in chunks(list(story_ids)):
        found.update(
            hit[0]
            for hit in conn.execute(
                f"SELECT id FROM stories WHERE id IN ({marks(len(chunk))})", chunk
            )
        )
    return found


def add_frequencies(conn: sqlite3.Connection, deltas: dict[str, int]) -> None:
    """Add *deltas* to the terms' document frequencies (in term order: the
    B-tree's pages are then each visited once)."""
    conn.executemany(
        "INSERT INTO digest_df (term, n) VALUES (?, ?) "
        "ON CONFLICT (term) DO UPDATE SET n = n + excluded.n",
        sorted((term, delta) for term, delta in deltas.items() if delta),
    )


def add_terms(conn: sqlite3.Connection, postings: Iterable[tuple[str, float, int]]) -> None:
    """Index (term, published, story id) postings; sorted postings visit
    each page of the index once, where one story's terms land on as many
    pages as it has terms."""
    conn.executemany(
        "INSERT OR IGNORE INTO digest_terms (term, published, story_id) VALUES (?, ?, ?)",
        postings,
    )


def save_grouped(conn: sqlite3.Connection, values: Iterable[tuple[object, ...]]) -> None:
    """Store grouped stories' rows (their index terms follow with the
    batch's, :func:`add_terms`)."""
    conn.executemany(
        """
        INSERT OR REPLACE INTO digest_stories (story_id, entry_id, feed_id, published, link_key,
            alt_key, title_terms, lede_terms, idents, names, norm, salience, signature)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        """,
        values,
    )


def set_salience(conn: sqlite3.Connection, story_id: int, salience: float) -> None:
    """Update a story's figure salience (its text changed, its words did not)."""
    conn.execute("UPDATE digest_stories SET salience = ? WHERE story_id = ?", (salience, story_id))


def meta(conn: sqlite3.Connection, key: str) -> str | None:
    """A value of the digest's bookkeeping table."""
    row = conn.execute("SELECT value FROM digest_meta WHERE key = ?", (key,)).fetchone()
    return row[0] if row else None


def set_meta(conn: sqlite3.Connection, key: str, value: str) -> None:
    """Set a value of the digest's bookkeeping table."""
    conn.execute(
        "INSERT INTO digest_meta (key, value) VALUES (?, ?) "
        "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        (key, value),
    )


def prune_terms(conn: sqlite3.Connection, before: float, indexed_df: int) -> int:
    """Drop index terms of stories published before *before* (too old to be
    matched) and of stories no longer in the store; such stories stop
    counting, and every term's frequency is counted again from the stories
    that do. A term counted by at most *indexed_df* stories that lacks
    some of its postings (it was carried by more when they were made, see
    :data:`tui.core.digest.grouping.INDEXED_DF`) gets them again. Returns
    how many postings were dropped."""
    removed = conn.execute(
        "DELETE FROM digest_terms WHERE published < ? "
        "OR story_id NOT IN (SELECT story_id FROM digest_stories)",
        (before,),
    ).rowcount
    conn.execute("UPDATE digest_stories SET counted = 0 WHERE counted AND published < ?", (before,))
    counted = "SELECT story_id, published, title_terms, lede_terms FROM digest_stories WHERE counted"
    df: Counter[str] = Counter()
    for _, _, title, lede in conn.execute(counted):
        df.update(story_terms(title, lede))
    conn.execute("DELETE FROM digest_df")
    conn.executemany("INSERT INTO digest_df (term, n) VALUES (?, ?)", sorted(df.items()))
    postings = dict(conn.execute("SELECT term, count(*) FROM digest_terms GROUP BY term"))
    lacking = {term for term, n in df.items() if n <= indexed_df and postings.get(term, 0) < n}
    if lacking:
        conn.executemany(
            "INSERT OR IGNORE INTO digest_terms (term, published, story_id) VALUES (?, ?, ?)",
            sorted(
                (term, published, story_id)
                for story_id, published, title, lede in conn.execute(counted)
                for term in story_terms(title, lede) & lacking
            ),
        )
    return removed


# ------------------------------------------------------------------ views


def window_rows(conn: sqlite3.Connection, since: float, until: float) -> list[sqlite3.Row]:
    """Every grouped member of every entry that has a story published in
    [since, until], visible (feed configured, story not hidden): what
    ranking needs, without bodies."""
    return conn.execute(
        """
        SELECT d.entry_id, d.story_id, d.feed_id, d.published, d.salience, s.read,
               f.weight
        FROM digest_stories d
        JOIN stories s ON s.id = d.story_id
        JOIN feeds f ON f.id = d.feed_id
        WHERE d.entry_id IN (SELECT entry_id FROM digest_stories WHERE published BETWEEN ? AND ?)
          AND s.hidden = 0 AND f.in_config = 1 AND d.published <= ?
        """,
        (since, until, until),
    ).fetchall()


def entry_members(conn: sqlite3.Connection, entry_ids: Sequence[int]) -> list[sqlite3.Row]:
    """Members of *entry_ids* with what an entry shows: title, link, feed
    name and weight, time, read state."""
    rows: list[sqlite3.Row] = []
    for chunk in chunks(list(entry_ids)):
        rows.extend(
            conn.execute(
                f"""
                SELECT d.entry_id, d.story_id, d.feed_id, d.published, d.salience, s.title,
                       s.link, s.read, s.hidden, f.weight, f.in_config,
                       coalesce(f.title, f.feed_title, f.url) AS feed_name
                FROM digest_stories d
                JOIN stories s ON s.id = d.story_id
                JOIN feeds f ON f.id = d.feed_id
                WHERE d.entry_id IN ({marks(len(chunk))})
                ORDER BY d.published, d.story_id
                """,
                chunk,
            ).fetchall()
        )
    return rows


def entry_of(conn: sqlite3.Connection, story_id: int) -> int | None:
    """The entry a story belongs to, if it has been grouped."""
    row = conn.execute(
        "SELECT entry_id FROM digest_stories WHERE story_id = ?", (story_id,)
    ).fetchone()
    return row[0] if row else None


def figure_rows(
    conn: sqlite3.Connection, story_ids: Sequence[int], *, headline_only: bool = False
) -> list[sqlite3.Row]:
    """The figures (or only the headline figures) of *story_ids*, title
    first then in text order."""
    from tui.core.store.rows import FIGURE_COLUMNS

    rows: list[sqlite3.Row] = []
    for chunk in chunks(list(story_ids)):
        rows.extend(
            conn.execute(
                f"SELECT {FIGURE_COLUMNS} FROM figures WHERE story_id IN ({marks(len(chunk))}) "
                f"{'AND headline = 1' if headline_only else ''} ORDER BY story_id, source DESC, start",
                chunk,
            ).fetchall()
        )
    return rows
