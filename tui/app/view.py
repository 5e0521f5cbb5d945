"""What the screen shows, as immutable snapshots built from the store.

Workers call these functions on a thread and post the result in one
message; widgets only ever apply a snapshot. Nothing here imports Textual,
and every string that came from a feed is sanitised here, once, before it
can reach a widget.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime

from tui.app.format import figure_value, kind_class
from tui.core.config import Config
from tui.core.models import Feed, Story
from tui.core.sanitize import one_line
from tui.core.store import Store, StoryQuery
from tui.core.urls import safe_web_url

PAGE_SIZE = 200
TITLE_LIMIT = 300

Clock = Callable[[], datetime]


@dataclass(frozen=True, slots=True)
class Section:
    """One row of the sidebar: a built-in view, a tag or a feed."""

    key: str
    kind: str  # "all" | "unread" | "starred" | "today" | "tag" | "feed" | "heading"
    label: str
    unread: int = 0
    feed_id: int | None = None
    tag: str | None = None
    error: str | None = None
    warning: str | None = None
    failures: int = 0
    enabled: bool = True  # False: disabled in feeds.toml, not fetched

    @property
    def failed(self) -> bool:
        """True for a feed whose last fetch failed."""
        return self.error is not None


@dataclass(frozen=True, slots=True)
class SidebarSnapshot:
    """Every section with its counts, in sidebar order."""

    sections: tuple[Section, ...]
    feeds: int
    stories: int

    def get(self, key: str) -> Section | None:
        """The section with *key*, if it still exists."""
        return next((section for section in self.sections if section.key == key), None)


@dataclass(frozen=True, slots=True)
class ViewState:
    """Which stories the list shows: a section, unread-only, a search."""

    section: str = "all"
    unread_only: bool = False
    search: str | None = None

    def query(self, now: datetime, *, limit: int | None = PAGE_SIZE) -> StoryQuery:
        """The store query for this view (first page)."""
        kind, _, arg = self.section.partition(":")
        query = StoryQuery(
            unread_only=self.unread_only or kind == "unread",
            starred_only=kind == "starred",
            search=self.search or None,
            limit=limit,
        )
        if kind == "today":
            local = now.astimezone()
            query = replace(query, since=local.replace(hour=0, minute=0, second=0, microsecond=0))
        elif kind == "tag":
            query = replace(query, tag=arg)
        elif kind == "feed":
            query = replace(query, feed_ids=(int(arg),))
        return query


@dataclass(frozen=True, slots=True)
class StoryRow:
    """One row of the story list, ready to draw."""

    id: int
    feed_id: int
    title: str
    feed: str
    published: datetime
    read: bool
    starred: bool
    figure: str = ""
    figure_kind: str = ""
    sources: int = 1
    link: str | None = None  # already checked: http(s) only

    @property
    def key(self) -> tuple[float, int]:
        """The keyset-paging position of this row."""
        return (self.published.timestamp(), self.id)


@dataclass(frozen=True, slots=True)
class StoryPage:
    """A page of rows for a view. ``append`` pages continue the rows
    already shown; others replace them."""

    view: ViewState
    rows: tuple[StoryRow, ...]
    has_more: bool
    total: int
    append: bool = False


def story_row(story: Story) -> StoryRow:
    """A listed story as a row: sanitised, headline figure formatted."""
    headline = story.headline
    return StoryRow(
        id=story.id or 0,
        feed_id=story.feed_id or 0,
        title=one_line(story.title, TITLE_LIMIT) or "(untitled)",
        feed=one_line(story.feed_title, 60),
        published=story.published,
        read=story.read,
        starred=story.starred,
        figure=figure_value(headline) if headline else "",
        figure_kind=kind_class(str(headline.kind)) if headline else "",
        link=safe_web_url(story.link),
    )


def load_page(
    store: Store,
    view: ViewState,
    now: datetime,
    *,
    after: StoryRow | None = None,
    limit: int = PAGE_SIZE,
) -> StoryPage:
    """The first page of *view* (or the page after row *after*), with the
    view's total count on first pages."""
    query = view.query(now, limit=limit + 1)
    if after is not None:
        query = replace(query, before=after.key)
    stories = store.stories(query)
    rows = tuple(story_row(story) for story in stories[:limit])
    total = -1 if after is not None else store.count_stories(replace(query, limit=None))
    return StoryPage(view, rows, len(stories) > limit, total, append=after is not None)


def feed_section(feed: Feed) -> Section:
    """A feed's sidebar row; its error and warning are sanitised here."""
    state = feed.state
    error = one_line(state.last_error, 300) if state.last_error else None
    if error is None and state.gone:
        error = "the feed is gone (410); re-enable it in feeds.toml to try again"
    return Section(
        key=f"feed:{feed.id}",
        kind="feed",
        label=one_line(feed.display_title, 80),
        unread=feed.unread,
        feed_id=feed.id,
        error=error,
        warning=one_line(state.warning, 300) if state.warning else None,
        failures=state.consecutive_failures,
        enabled=feed.enabled,
    )


def load_sidebar(store: Store, config: Config, now: datetime) -> SidebarSnapshot:
    """Every section with its unread count."""
    feeds = store.feeds()
    unread = sum(feed.unread for feed in feeds)
    total = sum(feed.total for feed in feeds)
    today = ViewState("today", unread_only=True).query(now, limit=None)
    starred = StoryQuery(starred_only=True, limit=None)
    sections: list[Section] = [
        Section("all", "all", "All", unread),
        Section("unread", "unread", "Unread", unread),
        Section("starred", "starred", "Starred", store.count_stories(starred)),
        Section("today", "today", "Today", store.count_stories(today)),
    ]
    tags: dict[str, int] = {tag: 0 for tag in config.tags()}
    for feed in feeds:
        for tag in feed.tags:
            tags[tag] = tags.get(tag, 0) + feed.unread
    if tags:
        sections.append(Section("heading:tags", "heading", "Tags"))
        sections.extend(
            Section(f"tag:{tag}", "tag", one_line(tag, 40), count, tag=tag)
            for tag, count in tags.items()
        )
    if feeds:
        sections.append(Section("heading:feeds", "heading", "Feeds"))
        sections.extend(feed_section(feed) for feed in feeds)
    return SidebarSnapshot(tuple(sections), len(feeds), total)


@dataclass(frozen=True, slots=True)
class FigureRow:
    """One figure of the open story, as the panel lists it."""

    index: int
    value: str
    noun: str
    per: str
    kind: str
    sentence: str
    placed: bool  # highlighted in the reader, so it can be scrolled to


@dataclass(frozen=True, slots=True)
class ReaderDoc:
    """The open story, ready for the reader and the figures panel."""

    id: int
    feed_id: int
    title: str
    feed: str
    author: str
    published: datetime
    link: str | None
    shown_link: str
    markdown: str
    figures: tuple[FigureRow, ...]
    read: bool
    starred: bool


def safe_link(link: str | None) -> tuple[str | None, str]:
    """The link to open (http/https only) and the text to show for it."""
    return safe_web_url(link), one_line(link, 200)
