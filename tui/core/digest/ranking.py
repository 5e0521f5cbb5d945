"""The ranked Today and This-week views, and one entry by any of its stories.

An entry's score is ``(recency + sources + figure) × feed weight``:

* recency: up to 4 points, halving every 12 hours (Today) or 48 hours
  (This week) since its newest source;
* sources: 2 points per doubling of the feeds that carry it (1 feed: 0,
  2 feeds: 2, 4 feeds: 4);
* figure: the salience of its best headline figure, up to 3 (money, per
  cents and large counts in the title or lede score highest);
* feed weight: the largest ``weight`` (feeds.toml) among its feeds.

Ranking reads only the digest's own rows and the feeds' weights for the
window; titles, links and figures are read for the entries shown.
"""

from __future__ import annotations

import math
import sqlite3
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime

from tui.core.digest import storage
from tui.core.digest.entries import Entry, FigureGroup, FigureValue, ScoreTerm, Source
from tui.core.digest.grouping import DEFAULT_WINDOW_HOURS
from tui.core.digest.nouns import noun_key, noun_label
from tui.core.digest.pipeline import ensure_grouped
from tui.core.digest.salience import describe, salience_of
from tui.core.figures import format_value
from tui.core.models import Figure
from tui.core.sanitize import one_line
from tui.core.store import Store
from tui.core.store.rows import figure_from, moment_ts

RECENCY_POINTS = 4.0
SOURCE_POINTS = 2.0
# view → (span in hours, recency half-life in hours)
VIEWS: dict[str, tuple[float, float]] = {"today": (24.0, 12.0), "week": (168.0, 48.0)}
# The longest view: stories older than this (less the grouping window) are
# grouped only when something asks for them (see pipeline.on_stories_stored).
GROUPED_AT_REFRESH_HOURS = max(span for span, _ in VIEWS.values())


@dataclass(slots=True)
class _Scored:
    entry_id: int
    score: float
    newest: float
    terms: list[ScoreTerm] = field(default_factory=list)


def _hours(seconds: float) -> str:
    hours = seconds / 3600
    if hours < 1:
        return f"{max(int(seconds // 60), 0)} min"
    if hours < 48:
        return f"{hours:.0f} h"
    return f"{hours / 24:.0f} days"


@dataclass(slots=True)
class _Parts:
    """The terms of an entry's score, before they are explained."""

    age: float
    recency: float
    feeds: dict[int, float]
    sources: float
    figure: float
    heaviest: int
    weight: float

    @property
    def score(self) -> float:
        return (self.recency + self.sources + self.figure) * self.weight


def _parts(members: list[sqlite3.Row], now: float, half_life: float) -> _Parts:
    newest = 0.0
    figure = 0.0
    feeds: dict[int, float] = {}
    for row in members:
        newest = max(newest, row["published"])
        figure = max(figure, row["salience"])
        feeds[row["feed_id"]] = row["weight"]
    age = max(now - newest, 0.0)
    recency = RECENCY_POINTS * 0.5 ** (age / 3600 / half_life)
    sources = SOURCE_POINTS * math.log2(len(feeds))
    heaviest = max(feeds, key=lambda feed: (feeds[feed], -feed))
    return _Parts(age, recency, feeds, sources, figure, heaviest, max(feeds[heaviest], 0.0))


def score_members(
    members: list[sqlite3.Row], now: float, half_life: float, names: dict[int, str] | None = None
) -> tuple[float, list[ScoreTerm]]:
    """The score of one entry from its members' rows (feed_id, published,
    salience, weight) and the terms that make it up. The ranking itself
    uses only ``_parts(...).score``: it scores every entry of the window
    (thousands in a week) and explains only the ones it shows."""
    parts = _parts(members, now, half_life)
    named = names or {}
    count = len(parts.feeds)
    feed_list = ", ".join(named.get(feed, f"feed {feed}") for feed in parts.feeds)
    heaviest = named.get(parts.heaviest, f"feed {parts.heaviest}")
    terms = [
        ScoreTerm(
            "recency",
            parts.recency,
            f"newest source {_hours(parts.age)} ago (half-life {half_life:.0f} h)",
        ),
        ScoreTerm(
            "sources",
            parts.sources,
            f"{count} feed{'s carry' if count != 1 else ' carries'} it"
            + (f": {feed_list}" if named else ""),
        ),
        ScoreTerm("figure", parts.figure, "salience of its best headline figure"),
        ScoreTerm(
            "feed weight",
            parts.weight,
            f"the largest weight among its feeds ({heaviest})",
            factor=True,
        ),
    ]
    return parts.score, terms


def today(
    store: Store,
    now: datetime | float | None = None,
    *,
    window: str = "today",
    limit: int | None = 100,
    window_hours: float = DEFAULT_WINDOW_HOURS,
    figures: bool = False,
    unread_only: bool = False,
) -> list[Entry]:
    """The ranked entries with a story published in the last 24 hours
    (``window="today"``) or 7 days (``"week"``), best first, at most
    *limit*. Each has its sources, headline figure, score terms and rank;
    with *figures*, the union of its sources' figures too (what the
    exports show; the list view needs only the headline).

    Stories not grouped yet in that span (an upgraded store) are grouped
    first, so the first call after an upgrade does that work once.
    """
    if window not in VIEWS:
        raise ValueError(f"unknown digest window {window!r}: use 'today' or 'week'")
    span, half_life = VIEWS[window]
    moment = moment_ts(now)
    since = moment - span * 3600
    ensure_grouped(store, moment, since=since - window_hours * 3600, window_hours=window_hours)
    with store.db.reading() as conn:
        rows = storage.window_rows(conn, since, moment)
    by_entry: dict[int, list[sqlite3.Row]] = defaultdict(list)
    for row in rows:
        by_entry[row["entry_id"]].append(row)
    scored: list[_Scored] = []
    for entry_id, members in by_entry.items():
        if unread_only and any(row["read"] for row in members):
            continue
        score = _parts(members, moment, half_life).score
        scored.append(_Scored(entry_id, score, max(row["published"] for row in members)))
    scored.sort(key=lambda item: (-item.score, -item.newest, item.entry_id))
    shown = scored if limit is None else scored[:limit]
    entries = _build(store, [item.entry_id for item in shown], moment, half_life, figures)
    for rank, entry in enumerate(entries, start=1):
        entry.rank, entry.of = rank, len(scored)
    return entries


def entry_for_story(
    store: Store, story_id: int, now: datetime | float | None = None, *, window: str = "today"
) -> Entry | None:
    """The entry holding *story_id*, with all its sources and the union of
    their figures, scored as the *window* view would (unranked); None for
    an unknown story. A story not grouped yet is grouped first."""
    moment = moment_ts(now)
    with store.db.reading() as conn:
        entry_id = storage.entry_of(conn, story_id)
    if entry_id is None:
        from tui.core.digest.pipeline import on_stories_stored

        on_stories_stored(store, [story_id], moment)
        with store.db.reading() as conn:
            entry_id = storage.entry_of(conn, story_id)
        if entry_id is None:
            return None
    built = _build(store, [entry_id], moment, VIEWS[window][1], True)
    return built[0] if built else None


def _build(
    store: Store, entry_ids: list[int], now: float, half_life: float, with_figures: bool
) -> list[Entry]:
    if not entry_ids:
        return []
    with store.db.reading() as conn:
        members = [
            row
            for row in storage.entry_members(conn, entry_ids)
            if not row["hidden"] and row["in_config"]
        ]
        story_ids = [row["story_id"] for row in members]
        figure_rows = storage.figure_rows(conn, story_ids, headline_only=not with_figures)
    figures_of: dict[int, list[Figure]] = defaultdict(list)
    headline_of: dict[int, Figure] = {}
    for row in figure_rows:
        figure = figure_from(row)
        figures_of[row["story_id"]].append(figure)
        if row["headline"]:
            headline_of[row["story_id"]] = figure
    grouped: dict[int, list[sqlite3.Row]] = defaultdict(list)
    for row in members:
        grouped[row["entry_id"]].append(row)
    entries = []
    for entry_id in entry_ids:
        rows = grouped.get(entry_id)
        if rows:
            entries.append(
                _entry(entry_id, rows, figures_of, headline_of, now, half_life, with_figures)
            )
    return entries


def _entry(
    entry_id: int,
    rows: list[sqlite3.Row],
    figures_of: dict[int, list[Figure]],
    headline_of: dict[int, Figure],
    now: float,
    half_life: float,
    with_figures: bool,
) -> Entry:
    names = {row["feed_id"]: one_line(row["feed_name"]) for row in rows}
    sources = [
        Source(
            story_id=row["story_id"],
            feed_id=row["feed_id"],
            feed_title=names[row["feed_id"]],
            published=datetime.fromtimestamp(row["published"], UTC),
            link=row["link"],
            title=row["title"],
            read=bool(row["read"]),
        )
        for row in rows
    ]
    score, terms = score_members(rows, now, half_life, names)
    best = max(rows, key=lambda row: (row["salience"], -row["published"], -row["story_id"]))
    headline = headline_of.get(best["story_id"]) if best["salience"] > 0 else None
    terms[2] = ScoreTerm(
        "figure", terms[2].value,
        f"{format_value(headline)} ({describe(headline)}, {names[best['feed_id']]})"
        if headline else "no figure in a title or lede",
    )
    title_row = max(
        rows,
        key=lambda row: (
            row["weight"],
            headline_of.get(row["story_id"]) is not None
            and headline_of[row["story_id"]].source == "title",
            -row["published"],
            -row["story_id"],
        ),
    )
    entry = Entry(
        id=entry_id,
        title=title_row["title"],
        sources=sources,
        headline=headline,
        headline_story=best["story_id"] if headline else None,
        score=score,
        terms=terms,
    )
    if with_figures:
        entry.figures = figure_union(sources, figures_of)
    return entry


def figure_union(sources: list[Source], figures_of: dict[int, list[Figure]]) -> list[FigureGroup]:
    """The figures of an entry's stories, one group per stated quantity:
    figures whose folded noun, kind, unit and period agree state the same
    quantity, and differing values from different sources are a conflict
    ("27M users" vs "27.1M users"). Figures without a noun group only with
    equal values. Most salient first."""
    groups: dict[tuple[str, ...], FigureGroup] = {}
    for source in sources:
        for figure in figures_of.get(source.story_id, ()):
            text = format_value(figure)
            noun = noun_key(figure.noun, figure.per)
            if noun:
                key = (noun, figure.kind, figure.unit or "", figure.per or "")
                label = noun_label(noun)
            else:
                key = ("", figure.kind, figure.unit or "", figure.per or "", text)
                label = figure.kind
            group = groups.get(key)
            if group is None:
                group = groups[key] = FigureGroup(label, figure.kind)
            if any(v.story_id == source.story_id and v.text == text for v in group.values):
                continue
            group.values.append(FigureValue(text, figure, source.story_id, source.feed_title))
            group.salience = max(group.salience, salience_of(figure))
    position = {id(group): index for index, group in enumerate(groups.values())}
    return sorted(groups.values(), key=lambda g: (-g.salience, position[id(g)]))
