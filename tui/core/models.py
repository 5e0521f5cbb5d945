"""Plain data shared by every layer: Feed, Story, Figure and their parts.

These are deliberately dumb dataclasses. The config layer produces
``FeedConfig``; the store turns rows into ``Feed``/``Story``/``Figure``; the
figures extractor produces ``Figure``; the UI only ever reads them. Keeping
them free of behaviour (and of any import beyond the standard library) is what
lets each layer be tested without the others.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from operator import attrgetter
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # a type name only: models import nothing at run time
    from tui.core.digest.analysis import StoryAnalysis


def _rebuilt(cls: type, values: tuple[Any, ...]) -> Any:
    """A slotted dataclass instance from its field values, as pickle
    rebuilds it (see :func:`_quick_pickle`)."""
    made = object.__new__(cls)
    for name, value in zip(cls.__slots__, values, strict=True):
        object.__setattr__(made, name, value)
    return made


def _quick_pickle(cls: type) -> type:
    """Pickle *cls* (a slotted dataclass) as its field values in one tuple.
    Parse workers send every story and figure back to the refresh's process
    pickled; the dataclasses' own way (a state dict built by a Python loop
    over ``fields()``) took 1.1 ms to write and 1.3 ms to read for a bench
    feed's 300 figures, this 0.5 and 0.8."""
    values = attrgetter(*cls.__slots__)

    def reduce(self: Any) -> tuple[Any, ...]:
        return (_rebuilt, (cls, values(self)))

    cls.__reduce__ = reduce  # type: ignore[method-assign,assignment]
    return cls


class FigureKind(StrEnum):
    """The kinds of figure named in the figures spec."""

    COUNT = "count"
    PERCENT = "percent"
    MONEY = "money"
    MEASURE = "measure"
    MULTIPLE = "multiple"
    DURATION = "duration"
    RANK = "rank"


@_quick_pickle
@dataclass(frozen=True, slots=True)
class Figure:
    """One quantitative claim found in a text.

    ``start``/``end`` are ``str`` offsets into the text the figure was found
    in (``end`` exclusive), so ``text == source[start:end]`` always holds.
    ``source`` says which text that was: ``"title"`` or ``"body"`` (the
    story's Markdown as stored).
    """

    text: str
    start: int
    end: int
    value: float | None
    kind: str
    unit: str | None = None
    noun: str | None = None
    per: str | None = None
    sentence: str = ""
    source: str = "body"


@_quick_pickle
@dataclass(frozen=True, slots=True)
class Enclosure:
    """A media file attached to a story (podcast audio, an image...)."""

    url: str
    type: str = ""
    length: int | None = None


@dataclass(frozen=True, slots=True)
class FeedConfig:
    """One ``[[feeds]]`` entry of feeds.toml, validated.

    ``line`` is where the entry starts in the config file, so later errors
    (a failed fetch, a duplicate) can point the user at it.
    """

    url: str
    title: str | None = None
    tags: tuple[str, ...] = ()
    refresh_minutes: int | None = None
    enabled: bool = True
    weight: float = 1.0
    full_content: bool = False
    line: int = 0


@dataclass(slots=True)
class FeedState:
    """What the last fetches of a feed left behind (conditional-GET tokens,
    errors, back-off), as the store keeps it."""

    etag: str | None = None
    last_modified: str | None = None
    body_hash: str | None = None
    last_fetch: datetime | None = None
    last_success: datetime | None = None
    last_status: int | None = None
    last_error: str | None = None
    warning: str | None = None
    consecutive_failures: int = 0
    gone: bool = False
    next_fetch: datetime | None = None
    fetch_ms: int | None = None
    moved_candidate: str | None = None
    moved_seen: int = 0


@dataclass(slots=True)
class Feed:
    """A feed as the store knows it: its config plus what fetching learnt."""

    id: int
    url: str
    title: str | None = None
    feed_title: str | None = None
    site_url: str | None = None
    moved_to: str | None = None
    tags: tuple[str, ...] = ()
    enabled: bool = True
    refresh_minutes: int | None = None
    weight: float = 1.0
    full_content: bool = False
    state: FeedState = field(default_factory=FeedState)
    unread: int = 0
    total: int = 0

    @property
    def display_title(self) -> str:
        """The name to show: the user's title, else the feed's own, else the URL."""
        return self.title or self.feed_title or self.url

    @property
    def fetch_url(self) -> str:
        """Where to fetch from: the permanent-redirect target once one is known."""
        return self.moved_to or self.url


@_quick_pickle
@dataclass(slots=True)
class Story:
    """One item of a feed, normalised.

    ``uid`` is the stable identity within its feed (guid, else link, else a
    hash), which is what makes re-fetching idempotent. ``summary`` and
    ``content`` are Markdown. Dates are timezone-aware UTC.
    ``source_hash``, when the parser sets it, is a hash of the entry as the
    feed wrote it: the store uses it to tell a changed story from an
    unchanged one, so a re-fetched feed's unchanged entries are recognised
    before their HTML is converted again.
    """

    uid: str
    title: str
    published: datetime
    link: str | None = None
    guid: str | None = None
    author: str | None = None
    updated: datetime | None = None
    summary: str = ""
    content: str = ""
    enclosures: tuple[Enclosure, ...] = ()
    id: int | None = None
    feed_id: int | None = None
    feed_title: str | None = None
    read: bool = False
    starred: bool = False
    first_seen: datetime | None = None
    figures: list[Figure] = field(default_factory=list)
    headline: Figure | None = None
    source_hash: str | None = None
    hidden: bool = False
    tags: tuple[str, ...] = ()
    # What the digest read of it, made in the parse worker (see
    # tui.core.digest.analysis); never stored as such.
    analysis: StoryAnalysis | None = None

    @property
    def body(self) -> str:
        """The text the reader shows and figures are found in."""
        return self.content or self.summary
