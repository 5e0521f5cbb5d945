"""What the screen shows, as immutable snapshots built from the store.

Workers call these functions on a thread and post the result in one
message; widgets only ever apply a snapshot. Nothing here imports Textual,
and every string that came from a feed is sanitised here, once, before it
can reach a widget.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from tui.app.format import figure_value, kind_class
from tui.core.config import Config
from tui.core.models import Feed, Story

if TYPE_CHECKING:
    from tui.core.digest import Entry, MetricHistory
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
    kind: str  # "all" | "unread" | "starred" | "today" | "week" | "tag" | "feed" | "heading"
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


# Sections that are time windows of the digest: their span in hours.
WINDOWS = {"today": 24, "week": 24 * 7}
# The sections that open as a ranked digest rather than a list by feed.
DIGEST_SECTIONS = frozenset(WINDOWS)


def default_mode(section: str) -> str:
    """How a section opens: Today and This week as the ranked digest
    (what happened), every other section by feed (what exists)."""
    return "digest" if section in DIGEST_SECTIONS else "feed"


@dataclass(frozen=True, slots=True)
class ViewState:
    """Which stories the list shows: a section, unread-only, a search, and
    the mode: ``feed`` (one row per story, newest first) or ``digest``
    (one row per digest entry, ranked)."""

    section: str = "all"
    unread_only: bool = False
    search: str | None = None
    mode: str = "feed"

    @property
    def digest(self) -> bool:
        """True when the list shows digest entries rather than stories."""
        return self.mode == "digest"

    @property
    def window(self) -> str:
        """The digest window the view ranks over: Today for the Today
        section, the last seven days for every other section."""
        return "today" if self.section == "today" else "week"

    def query(self, now: datetime, *, limit: int | None = PAGE_SIZE) -> StoryQuery:
        """The store query for this view (first page)."""
        kind, _, arg = self.section.partition(":")
        query = StoryQuery(
            unread_only=self.unread_only or kind == "unread",
            starred_only=kind == "starred",
            search=self.search or None,
            limit=limit,
        )
        if kind in WINDOWS:
            query = replace(query, since=now - timedelta(hours=WINDOWS[kind]))
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
    story_ids: tuple[int, ...] = ()  # a digest row: every story of its entry
    why: tuple[str, ...] = ()  # a digest row: why it ranks where it does

    @property
    def entry(self) -> bool:
        """True for a digest row (one entry, possibly several stories)."""
        return bool(self.story_ids)

    @property
    def all_ids(self) -> tuple[int, ...]:
        """The stories the row stands for: its entry's, or just its own."""
        return self.story_ids or (self.id,)

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


def entry_row(entry: Entry) -> StoryRow:
    """A digest entry as a row: its best title, the story that title comes
    from (what opening the row shows), its source count and headline."""
    best = next((s for s in entry.sources if s.title == entry.title), entry.sources[-1])
    headline = entry.headline
    feeds = entry.feeds
    return StoryRow(
        id=best.story_id,
        feed_id=best.feed_id,
        title=one_line(entry.title, TITLE_LIMIT) or "(untitled)",
        feed=f"{len(entry.sources)} sources" if len(entry.sources) > 1 else one_line(feeds[0], 60),
        published=entry.published,
        read=entry.read,
        starred=False,
        figure=figure_value(headline) if headline else "",
        figure_kind=kind_class(str(headline.kind)) if headline else "",
        sources=len(entry.sources),
        link=safe_web_url(best.link),
        story_ids=tuple(entry.story_ids),
        why=tuple(one_line(line, 300) for line in entry.explain()),
    )


def _digest_filter(store: Store, view: ViewState, now: datetime) -> Callable[[Entry], bool] | None:
    """Which entries a section and a search keep (None: all of them). An
    entry is kept when any of its stories belongs."""
    kind, _, arg = view.section.partition(":")
    if kind == "feed":
        return lambda entry: any(source.feed_id == int(arg) for source in entry.sources)
    if kind == "tag":
        tagged = {feed.id for feed in store.feeds() if arg in feed.tags}
        return lambda entry: any(source.feed_id in tagged for source in entry.sources)
    if kind == "starred" or view.search:
        since = now - timedelta(hours=WINDOWS[view.window])
        query = StoryQuery(
            starred_only=kind == "starred", search=view.search or None, since=since, limit=None
        )
        ids = {story.id for story in store.stories(query)}
        return lambda entry: not ids.isdisjoint(entry.story_ids)
    return None


def load_digest(
    store: Store, view: ViewState, now: datetime, *, limit: int = PAGE_SIZE
) -> StoryPage:
    """The digest view: one row per entry of the view's window (Today, or
    the last seven days), ranked, limited to the entries with a story in
    the section and the search. The ranking is the domain's
    (:func:`tui.core.digest.today`); the total is the number of entries."""
    if not store.stories(StoryQuery(limit=1)):
        # No story at all (a first run): nothing to rank, and importing the
        # digest (~60 ms, mostly the figure extractor it pulls in) would
        # only delay the first screen, which says what to do next.
        return StoryPage(view, (), False, 0)
    from tui.core.digest import today

    keep = _digest_filter(store, view, now)
    unread = view.unread_only or view.section == "unread"
    entries = today(
        store, now, window=view.window, limit=None if keep else limit, unread_only=unread
    )
    if keep is not None:
        entries = [entry for entry in entries if keep(entry)]
        total = len(entries)
    else:
        total = entries[0].of if entries else 0
    rows = tuple(entry_row(entry) for entry in entries[:limit] if entry.sources)
    return StoryPage(view, rows, False, total)


def unread_entries(store: Store, now: datetime, window: str) -> int:
    """How many digest entries of *window* are unread (the sidebar count
    of Today and This week)."""
    from tui.core.digest import today

    found = today(store, now, window=window, limit=1, unread_only=True)
    return found[0].of if found else 0


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


def load_sidebar(
    store: Store, config: Config, now: datetime, *, digest_counts: bool = True
) -> SidebarSnapshot:
    """Every section with its unread count. Without *digest_counts*, Today
    and This week have no count yet: theirs rank the digest (and import
    it), which start-up leaves until the first stories are on screen."""
    feeds = store.feeds()
    unread = sum(feed.unread for feed in feeds)
    total = sum(feed.total for feed in feeds)
    starred = StoryQuery(starred_only=True, limit=None)
    has_stories = total > 0 and digest_counts
    sections: list[Section] = [
        Section(
            "today", "today", "Today", unread_entries(store, now, "today") if has_stories else 0
        ),
        Section(
            "week", "week", "This week", unread_entries(store, now, "week") if has_stories else 0
        ),
        Section("all", "all", "All", unread),
        Section("unread", "unread", "Unread", unread),
        Section("starred", "starred", "Starred", store.count_stories(starred)),
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
    entry: EntryInfo | None = None  # set when other feeds carry the story too


def safe_link(link: str | None) -> tuple[str | None, str]:
    """The link to open (http/https only) and the text to show for it."""
    return safe_web_url(link), one_line(link, 200)


@dataclass(frozen=True, slots=True)
class SourceLine:
    """One source of a digest entry, for the reader: feed, time, link."""

    story_id: int
    feed: str
    published: datetime
    link: str | None  # to open: http(s) only
    shown_link: str
    title: str


@dataclass(frozen=True, slots=True)
class EntryInfo:
    """What the reader adds above a story that other feeds carry too:
    every source, and the entry's figures, conflicting values side by
    side ("users: 27M (Eastbound Tech) vs 27.1M (Pocket Signal)")."""

    sources: tuple[SourceLine, ...]
    figures: tuple[str, ...]  # one line per stated quantity, conflicts first
    conflicts: int


def entry_info(entry: Entry) -> EntryInfo:
    """The sanitised sources and figure lines of *entry*."""
    sources = []
    for source in entry.sources:
        link, shown = safe_link(source.link)
        sources.append(
            SourceLine(
                source.story_id,
                one_line(source.feed_title, 60),
                source.published,
                link,
                shown,
                one_line(source.title, TITLE_LIMIT),
            )
        )
    conflicts = [group for group in entry.figures if group.conflict]
    others = [group for group in entry.figures if not group.conflict]
    lines = tuple(one_line(group.line(), 200) for group in conflicts + others[:3])
    return EntryInfo(tuple(sources), lines, len(conflicts))


@dataclass(frozen=True, slots=True)
class HistoryPoint:
    """An earlier value of a metric: from which story, feed and day."""

    value: str
    day: str  # 2025-06-02
    feed: str
    title: str


@dataclass(frozen=True, slots=True)
class MetricView:
    """The history of the selected figure's metric, ready for the panel."""

    story_id: int
    index: int  # the figure's index in the story
    label: str  # HarmonyOS · users · 27M (2026-03-02)
    spark: str
    change: str | None  # up from 10M in June 2025, +170%
    earlier: tuple[HistoryPoint, ...]  # newest first


def metric_view(history: MetricHistory, story_id: int, index: int) -> MetricView:
    """*history* (of figure *index* of story *story_id*), sanitised."""
    earlier = tuple(
        HistoryPoint(
            one_line(point.text, 24),
            point.observed.date().isoformat(),
            one_line(point.feed, 40),
            one_line(point.title, 120),
        )
        for point in reversed(history.earlier)
    )
    return MetricView(
        story_id,
        index,
        one_line(history.label, 120),
        history.spark,
        one_line(history.change, 120) if history.change else None,
        earlier,
    )


def load_metric(store: Store, story_id: int, index: int) -> MetricView | None:
    """The history of figure *index* of story *story_id*, or None when
    that figure measures no tracked metric (or the story is gone)."""
    from tui.core.digest import metric_history

    figures = store.figures(story_id)
    if not 0 <= index < len(figures):
        return None
    history = metric_history(store, story_id, figures[index])
    return metric_view(history, story_id, index) if history is not None else None
