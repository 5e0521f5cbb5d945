"""Metric history: a figure with a subject and a noun is an observation of
a tracked metric ("HarmonyOS · users · 27M (2026-11-23)").

Identity is subject key + noun key + kind: the subject is the nearest
named subject in the figure's sentence, else the story's (its title's
first name); the noun is folded by ``data/nouns.toml`` (plural/singular,
case, listed synonyms). Observations are recorded at refresh time and keep
everything their history line needs, so they outlive their stories
(retention deletes old read stories; the observation's story id becomes
NULL and the rest stays).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import lru_cache
from operator import itemgetter

from tui.core.digest import storage
from tui.core.digest.nouns import noun_key, noun_label
from tui.core.digest.subjects import WrittenLower, figure_subject, subject_key
from tui.core.figures import format_value
from tui.core.models import Figure
from tui.core.store import Store
from tui.core.store.rows import figure_from

SPARK = "▁▂▃▄▅▆▇█"
_UNTRACKED_KINDS = frozenset({"duration", "rank"})


@dataclass(frozen=True, slots=True)
class MetricId:
    """Who and what a figure measures: ``key`` is what observations share."""

    key: str
    subject: str
    subject_key: str
    noun: str  # as shown: "users"
    noun_key: str
    kind: str


def identify(figure: Figure, story_title: str, story_text: str = "") -> MetricId | None:
    """The metric a figure is an observation of, or None when it lacks a
    value, a countable noun or a subject. *story_text* is the text the
    figure was found in (its story's body): an ordinary word opening the
    figure's sentence is known as one by the story's writing it in lower
    case elsewhere."""
    found = _identity(figure, story_title, WrittenLower(story_title, story_text))
    return None if found is None else MetricId(*found)


# A MetricId's fields as a plain tuple: observed_figures asks for every
# figure of every story, and a frozen dataclass costs a microsecond to make.
_Identity = tuple[str, str, str, str, str, str]


def _identity(figure: Figure, story_title: str, lower: WrittenLower) -> _Identity | None:
    """:func:`identify`'s answer as a tuple of MetricId's fields."""
    if figure.value is None or figure.kind in _UNTRACKED_KINDS or not figure.noun:
        return None
    measured = _measured(figure.noun, figure.per, figure.kind, figure.unit)
    if measured is None:
        return None
    named, named_key, key, label, kind = measured
    if named:
        subject, subject_id = named, named_key
    else:
        found = figure_subject(figure, story_title, lower)
        if found is None:
            return None
        subject, subject_id = found.name, found.key
    if not subject_id:
        return None
    return f"{subject_id}·{key}·{kind}", subject, subject_id, label, key, kind


@lru_cache(maxsize=8192)
def _measured(
    noun: str, per: str | None, kind: str, unit: str | None
) -> tuple[str | None, str, str, str, str] | None:
    """What a figure's noun, period, kind and unit make of its metric
    (worked out once per distinct four: a feed's figures repeat them): the
    name leading the noun and its subject key, the noun key and label, and
    the kind as the metric key has it; None when the noun counts nothing."""
    named, rest = _leading_name(noun)
    key = noun_key(rest, per)
    if key is None:
        return None
    kind = kind if kind != "measure" else f"measure:{(unit or '').lower()}"
    return named, subject_key(named) if named else "", key, noun_label(key), kind


@lru_cache(maxsize=8192)
def _leading_name(noun: str) -> tuple[str | None, str]:
    """Split a noun that starts with a name: "iPhone sales" → ("iPhone",
    "sales"), "UK economy" → ("UK", "economy"), "users" → (None, "users")."""
    words = noun.split()
    taken = 0
    while taken < len(words) - 1 and (
        words[taken][:1].isupper() or any(char.isupper() for char in words[taken][1:])
    ):
        taken += 1
    if not taken:
        return None, noun
    return " ".join(words[:taken]).removesuffix("'s").removesuffix("’s"), " ".join(words[taken:])


@dataclass(frozen=True, slots=True)
class Observation:
    """One value of a metric, as one story stated it on its date."""

    observed: datetime
    value: float
    text: str  # formatted: 27M
    unit: str | None
    story_id: int | None  # None once retention removed the story
    feed: str
    title: str
    link: str | None
    figure_text: str
    entry_id: int | None = None  # the digest entry of its story, once grouped


def previous(observations: Sequence[Observation], current: Observation) -> Observation | None:
    """The observation a change is measured from: the latest one before
    *current* in the same unit, from another story and another digest
    entry (two feeds reporting the same event, 27M and 27.1M, are not a
    change)."""
    for candidate in reversed(observations):
        if (
            candidate.observed < current.observed
            and candidate.unit == current.unit
            and (candidate.story_id is None or candidate.story_id != current.story_id)
            and (current.entry_id is None or candidate.entry_id != current.entry_id)
        ):
            return candidate
    return None


@dataclass(slots=True)
class MetricSeries:
    """A metric and every observation of it, oldest first."""

    key: str
    subject: str
    noun: str
    kind: str
    observations: list[Observation] = field(default_factory=list)

    @property
    def label(self) -> str:
        """ "HarmonyOS · users"."""
        return f"{self.subject} · {self.noun}"

    def sparkline(self, unit: str | None = None) -> str:
        """:func:`sparkline` of the values in *unit* (the latest's by default)."""
        if not self.observations:
            return ""
        unit = self.observations[-1].unit if unit is None else unit
        return sparkline([o.value for o in self.observations if o.unit == unit])

    def change(self) -> str | None:
        """How the latest value compares with the one before it (see
        :func:`previous`): "up from 10M in June 2024, +170%"."""
        if not self.observations:
            return None
        latest = self.observations[-1]
        before = previous(self.observations[:-1], latest)
        return change_text(latest, before, self.kind) if before else None


@dataclass(slots=True)
class MetricHistory:
    """The history of the metric a selected figure measures: every
    observation (the selected one included, oldest first), those from
    other stories, the change since the last earlier one, a sparkline."""

    metric: MetricId
    current: Observation
    series: list[Observation]
    earlier: list[Observation]
    change: str | None
    spark: str

    @property
    def label(self) -> str:
        """ "HarmonyOS · users · 27M (2026-11-23)"."""
        day = self.current.observed.date().isoformat()
        return f"{self.metric.subject} · {self.metric.noun} · {self.current.text} ({day})"


def sparkline(values: Sequence[float]) -> str:
    """One block character per value, scaled between the series' lowest
    (▁) and highest (█); a flat series is a flat line."""
    if not values:
        return ""
    low, high = min(values), max(values)
    if high == low:
        return SPARK[3] * len(values)
    top = len(SPARK) - 1
    return "".join(SPARK[round((value - low) / (high - low) * top)] for value in values)


def _when(moment: datetime, reference: datetime) -> str:
    """ "on 12 June 2017" when close to the reference, else "in June 2017"."""
    if abs((reference - moment).days) < 45:
        return f"on {moment.day} {moment:%B %Y}"
    return f"in {moment:%B %Y}"


def change_text(current: Observation, previous: Observation, kind: str) -> str:
    """ "up from 10M in June 2024, +170%"; per cents change in points."""
    when = _when(previous.observed, current.observed)
    if current.value == previous.value:
        return f"unchanged from {previous.text} {when}"
    direction = "up" if current.value > previous.value else "down"
    if kind == "percent":
        points = current.value - previous.value
        delta = f"{points:+.1f}".rstrip("0").rstrip(".") + " pts"
    elif previous.value == 0:
        return f"{direction} from {previous.text} {when}"
    else:
        ratio = (current.value - previous.value) / abs(previous.value) * 100
        delta = f"{ratio:+.0f}%" if abs(ratio) >= 10 else f"{ratio:+.1f}%"
    return f"{direction} from {previous.text} {when}, {delta}"


# ------------------------------------------------------------- recording


# One observation of a metric, all but its story's columns: metric key,
# subject, subject key, noun, kind, unit, per, value, figure text, figure
# source, figure start.
ObservedFigure = tuple[str, str, str, str, str, str | None, str | None, float, str, str | None, int]


def observed_figures(
    figures: Iterable[Figure], title: str, text: str
) -> tuple[ObservedFigure, ...]:
    """The metric observations among a story's *figures* (in stored order:
    title first, then text order; *text* is the body they were found in):
    each metric and value once per story."""
    lower = WrittenLower(title, text)
    found: list[ObservedFigure] = []
    seen: set[tuple[str, float]] = set()
    for figure in figures:
        metric = _identity(figure, title, lower)
        if metric is None or figure.value is None or (metric[0], figure.value) in seen:
            continue
        key, subject, subject_id, noun, _, kind = metric
        seen.add((key, figure.value))
        found.append(
            (
                key,
                subject,
                subject_id,
                noun,
                kind,
                figure.unit,
                figure.per,
                figure.value,
                figure.text,
                figure.source,
                figure.start,
            )
        )
    return tuple(found)


_STORY_ID = 9  # the story id's place in an observation row (see the INSERT below)
_METRIC_ORDER = itemgetter(0, 8)  # metric key, observed


def write_observations(
    conn: sqlite3.Connection,
    story_ids: Sequence[int],
    values: Sequence[tuple[object, ...]],
    gone: set[int] | frozenset[int] = frozenset(),
) -> None:
    """Replace the observations of *story_ids* with *values* (of
    :func:`observation_rows`), leaving out those of stories in *gone*
    (removed from the store since they were read)."""
    for chunk in storage.chunks(list(story_ids)):
        marks = storage.marks(len(chunk))
        conn.execute(f"DELETE FROM metric_observations WHERE story_id IN ({marks})", chunk)
    if gone:
        values = [row for row in values if row[_STORY_ID] not in gone]
    # In metric order, as the larger index keeps them, so that its pages are
    # visited in order (inserting a cold refresh's 282,000 bench
    # observations: 15-20% less CPU). The sort is stable: observations
    # of one metric and moment keep their order, which history shows them in.
    values = sorted(values, key=_METRIC_ORDER)
    conn.executemany(
        """
        INSERT INTO metric_observations (metric_key, subject, subject_key, noun, kind, unit, per,
            value, observed, story_id, feed_name, figure_text, figure_source, figure_start)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        """,
        values,
    )


def observation_rows(
    conn: sqlite3.Connection,
    story_ids: Sequence[int],
    prepared: Mapping[int, tuple[ObservedFigure, ...]] | None = None,
) -> list[tuple[object, ...]]:
    """The observation rows of *story_ids*' current figures (read only:
    :func:`write_observations` stores them), from *prepared* where the
    parse workers found them, else from the store's figures."""
    if not story_ids:
        return []
    prepared = prepared or {}
    stories: dict[int, sqlite3.Row] = {}
    for chunk in storage.chunks(list(story_ids)):
        marks = storage.marks(len(chunk))
        for row in conn.execute(
            f"SELECT s.id, s.title, s.published, coalesce(f.title, f.feed_title, f.url) "
            f"AS feed_name FROM stories s JOIN feeds f ON f.id = s.feed_id WHERE s.id IN ({marks})",
            chunk,
        ):
            stories[row["id"]] = row
    found = {story_id: prepared[story_id] for story_id in stories if story_id in prepared}
    unprepared = [story_id for story_id in stories if story_id not in found]
    figures: dict[int, list[Figure]] = {}
    for row in storage.figure_rows(conn, unprepared):
        figures.setdefault(row["story_id"], []).append(figure_from(row))
    texts = storage.story_texts(conn, list(figures))
    for story_id, listed in figures.items():
        found[story_id] = observed_figures(listed, stories[story_id]["title"], texts[story_id])
    values: list[tuple[object, ...]] = []
    for story_id in sorted(found):  # the order figure_rows gives: story by story
        story = stories[story_id]
        observed = found[story_id]
        for key, subject, subject_id, noun, kind, unit, per, value, text, source, start in observed:
            values.append(
                (
                    key,
                    subject,
                    subject_id,
                    noun,
                    kind,
                    unit,
                    per,
                    value,
                    story["published"],
                    story_id,
                    story["feed_name"],
                    text,
                    source,
                    start,
                )
            )
    return values


def _observation(row: sqlite3.Row) -> Observation:
    kind = row["kind"].split(":", 1)[0]
    unit = row["unit"]
    if kind == "measure" and not unit and ":" in row["kind"]:
        unit = row["kind"].split(":", 1)[1] or None
    shown = Figure(row["figure_text"], 0, 0, row["value"], kind, unit)
    return Observation(
        observed=datetime.fromtimestamp(row["observed"], UTC),
        value=row["value"],
        text=format_value(shown),
        unit=row["unit"],
        story_id=row["story_id"],
        feed=row["feed_name"],
        title=row["title_shown"],
        link=row["link_shown"],
        figure_text=row["figure_text"],
        entry_id=row["entry_id"],
    )


# Observations with the digest entry of their story (none once retention
# removed the story, or before it is grouped) and its title and link: the
# story's own while it is stored, else the copy its deletion left in the
# observation (migration 11).
_OBSERVATIONS = """
    SELECT o.*, d.entry_id AS entry_id,
           CASE WHEN s.id IS NULL THEN o.story_title ELSE s.title END AS title_shown,
           CASE WHEN s.id IS NULL THEN o.story_link ELSE s.link END AS link_shown
    FROM metric_observations o
    LEFT JOIN digest_stories d ON d.story_id = o.story_id
    LEFT JOIN stories s ON s.id = o.story_id
"""


# ---------------------------------------------------------------- reading


def metric_history(store: Store, story_id: int, figure: Figure) -> MetricHistory | None:
    """The history of the metric *figure* (a figure of story *story_id*)
    measures, for the side panel; None when the figure is no metric. The
    change compares with the latest earlier observation from another
    story in the same unit."""
    story = store.story(story_id)
    if story is None:
        return None
    metric = identify(figure, story.title, story.body)
    if metric is None:
        return None
    with store.db.reading() as conn:
        rows = conn.execute(
            f"{_OBSERVATIONS} WHERE o.metric_key = ? ORDER BY o.observed, o.id", (metric.key,)
        ).fetchall()
        entry = conn.execute(
            "SELECT entry_id FROM digest_stories WHERE story_id = ?", (story_id,)
        ).fetchone()
    series = [_observation(row) for row in rows]
    current = next(
        (o for o in series if o.story_id == story_id and o.figure_text == figure.text), None
    )
    if current is None:
        current = Observation(
            story.published,
            figure.value or 0.0,
            format_value(figure),
            figure.unit,
            story_id,
            story.feed_title or "",
            story.title,
            story.link,
            figure.text,
            entry[0] if entry else None,
        )
        series = sorted([*series, current], key=lambda o: o.observed)
    earlier = [o for o in series if o.story_id != story_id]
    before = previous(earlier, current)
    change = change_text(current, before, metric.kind) if before else None
    spark = sparkline([o.value for o in series if o.unit == current.unit])
    return MetricHistory(metric, current, series, earlier, change, spark)


def metric_series(store: Store, subject: str | None = None) -> list[MetricSeries]:
    """Every tracked metric (of *subject* only, when given, matched by its
    key: "Apple Inc." finds "apple"), with its observations, most observed
    first."""
    where: str = ""
    params: tuple[str, ...] = ()
    if subject:
        # Its metrics' keys begin with its key and "·": a range of the
        # by-metric index (the equality keeps a key with "·" in it exact).
        key = subject_key(subject)
        where = "WHERE o.metric_key > ? AND o.metric_key < ? AND o.subject_key = ?"
        params = (f"{key}·", f"{key}·\U0010ffff", key)
    with store.db.reading() as conn:
        rows = conn.execute(
            f"{_OBSERVATIONS} {where} ORDER BY o.metric_key, o.observed, o.id", params
        ).fetchall()
    found: dict[str, MetricSeries] = {}
    for row in rows:
        series = found.get(row["metric_key"])
        if series is None:
            series = found[row["metric_key"]] = MetricSeries(
                row["metric_key"], row["subject"], row["noun"], row["kind"].split(":", 1)[0]
            )
        series.observations.append(_observation(row))
    return sorted(found.values(), key=lambda s: (-len(s.observations), s.key))
