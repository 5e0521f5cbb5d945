"""The main screen: sidebar, story list, reader and figures panel.

This module wires the panes together and applies what the workers
(``workers.py``: every store query, write and refresh, each in a named
thread worker that posts one message back) report. The key actions live in
``actions.py``; the layout and its breakpoints in ``main.tcss``.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from textual import events, on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Input, OptionList, Static
from textual.worker import Worker, WorkerState

from tui.app import keymap
from tui.app.messages import (
    EntryRead,
    LinkOpened,
    MetricLoaded,
    RefreshFinished,
    RefreshProgress,
    SidebarLoaded,
    StoreWritten,
    StoriesLoaded,
    StoryOpened,
    UnreadFound,
    WhyLoaded,
)
from tui.app.screens.actions import MainActions
from tui.app.screens.empty import empty_message
from tui.app.screens.everyday import EverydayActions
from tui.app.screens.subscribe import FeedActions
from tui.app.screens.workers import MainWorkers
from tui.app.view import ReaderDoc, Section, SidebarSnapshot, ViewState, default_mode
from tui.app.widgets.figures_panel import FiguresPanel
from tui.app.widgets.footer import DigestFooter
from tui.app.widgets.header import DigestHeader
from tui.app.widgets.reader import Reader
from tui.app.widgets.sidebar import Sidebar
from tui.app.widgets.story_list import StoryList
from tui.core.sanitize import one_line

if TYPE_CHECKING:
    from tui.app.app import DigestApp


class MainScreen(MainActions, MainWorkers, EverydayActions, FeedActions, Screen[None]):
    """Everything the reader shows at once."""

    # main.tcss is the app's CSS_PATH (see DigestApp), not this screen's.
    BINDINGS = keymap.bindings()
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (120, "-wide")]  # noqa: RUF012
    AUTO_FOCUS = "#stories"

    # Where the reader lands: the ranked Today digest (a store without
    # stories lands on All instead, where the first-run advice is).
    LANDING = ViewState("today", mode="digest")

    def __init__(self) -> None:
        super().__init__()
        start = getattr(self.app, "start_section", None)
        self.view = self.LANDING if start is None else ViewState(start, mode=default_mode(start))
        self.modes: dict[str, str] = {}  # section → the mode the user switched it to
        self.sidebar_snapshot: SidebarSnapshot | None = None
        self.doc: ReaderDoc | None = None
        self.refreshing = False
        self.refreshes_done = 0  # finished refreshes (for status and tests)
        self._seq = {"sidebar": 0, "stories": 0, "story": 0, "metric": 0}
        self._applied_sidebar = 0
        self._sidebar_running = False  # a sidebar count is on its way
        self._sidebar_again = False  # another was asked for meanwhile
        self._first_page_shown = False
        self._loaded_view: ViewState | None = None  # the view the rows belong to
        self.articles_fetching: set[int] = set()  # story ids whose full article is on its way

    @property
    def digest(self) -> DigestApp:
        """The app, typed."""
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        yield DigestHeader(id="header")
        with Horizontal(id="body"):
            yield Sidebar(id="sidebar")
            with Vertical(id="center"):
                yield Static(Content(""), id="banner")
                # The search box is mounted by the first / (see action_search).
                yield StoryList(self.digest.now, id="stories")
                yield Static(Content(""), id="empty")
                yield Reader(id="reader")
            yield FiguresPanel(id="figures")
        yield DigestFooter()

    def on_mount(self) -> None:
        """Load what the screen needs, off the event loop."""
        self.query_one("#banner").display = False
        self.query_one("#empty").display = False
        self.query_one(FiguresPanel).clear("Open a story to see its figures.")
        self._update_header()
        # The first stories come first: Today's and This week's counts rank
        # the digest, which would contend with them for the interpreter
        # (~25 ms of Python with 30,000 stories); they follow the first
        # frame (see _first_page_painted).
        self.load_sidebar(digest_counts=False)
        self.load_stories()
        minutes = self.digest.config.settings.refresh_minutes
        self.set_interval(minutes * 60, self.auto_refresh, name="auto-refresh")

    # ------------------------------------------------------------ widgets

    @property
    def stories(self) -> StoryList:
        """The story list."""
        return self.query_one(StoryList)

    @property
    def sidebar(self) -> Sidebar:
        """The sections sidebar."""
        return self.query_one(Sidebar)

    @property
    def reader(self) -> Reader:
        """The reader pane."""
        return self.query_one(Reader)

    @property
    def figures(self) -> FiguresPanel:
        """The figures panel."""
        return self.query_one(FiguresPanel)

    @property
    def header(self) -> DigestHeader:
        """The top line."""
        return self.query_one(DigestHeader)

    def _next(self, name: str) -> int:
        self._seq[name] += 1
        return self._seq[name]

    # ------------------------------------------------------------ messages

    def on_sidebar_loaded(self, message: SidebarLoaded) -> None:
        """Apply fresh counts (older answers are dropped)."""
        if message.seq < self._applied_sidebar:
            return
        first = self.sidebar_snapshot is None
        self._applied_sidebar = message.seq
        self.sidebar_snapshot = message.snapshot
        if first and message.snapshot.stories == 0 and self.view == self.LANDING:
            # Nothing fetched yet: All, with its first-run advice.
            self.view = ViewState()
            self.load_stories()
        self.sidebar.show(message.snapshot, self.view.section)
        self._update_banner()
        self._update_header()
        self._update_empty()

    def on_stories_loaded(self, message: StoriesLoaded) -> None:
        """Apply a page of stories for the current view."""
        page = message.page
        if page.view != self.view:
            return
        if page.append:
            last = self.stories.rows[-1] if self.stories.rows else None
            if message.seq != self._seq["stories"] or last is None:
                return
            self.stories.append_page(page)
        else:
            if message.seq != self._seq["stories"]:
                return
            self._loaded_view = page.view
            self.stories.set_page(page, message.keep_id)
        self._update_header()
        self._update_empty()
        if not self._first_page_shown:
            self._first_page_shown = True
            self.call_after_refresh(self._first_page_painted)

    def _first_page_painted(self) -> None:
        """The first stories are on screen: now the counts that wait for
        the digest, then the app's own deferred start-up work."""
        self.load_sidebar()
        self.digest.first_page_shown()

    def on_unread_found(self, message: UnreadFound) -> None:
        """Jump to the unread story found beyond the loaded rows."""
        if message.page is None or message.story_id is None:
            self.notify("No more unread stories.", markup=False)
            return
        rows = self.stories.rows
        if message.page.view == self.view and rows and rows[-1].id == message.after_id:
            self.stories.append_page(message.page)
            position = self.stories.index.get(message.story_id)
            if position is not None:
                self.stories.move_to(position)
                self.open_story(self.stories.rows[position])

    async def on_story_opened(self, message: StoryOpened) -> None:
        """Show the opened story and its figures."""
        self.stories.refresh()  # the row's read mark (see open_story)
        if message.doc is None:
            self.notify("That story is no longer in the store.", severity="warning", markup=False)
            return
        self.doc = message.doc
        self._mark_reading(True)
        await self.reader.show(message.doc, self.digest.now())
        self.figures.show(message.doc.figures)
        if message.doc.figures:
            self.load_metric(message.doc.id, message.doc.figures[0].index)
        if message.mark_read:  # its copies in other feeds too (see write)
            self.call_after_refresh(self.write, "entry-read", (message.story_id,))

    def on_entry_read(self, message: EntryRead) -> None:
        """Every copy of a story just read (or unread) shows it, in either
        view: a digest row stands for all its entry's stories."""
        ids = set(message.story_ids)
        self.stories.update_rows(
            replace(row, read=message.read)
            for row in self.stories.rows
            if row.read != message.read and not ids.isdisjoint(row.all_ids)
        )

    def on_metric_loaded(self, message: MetricLoaded) -> None:
        """Show the selected figure's history (stale answers are dropped)."""
        if message.seq != self._seq["metric"] or self.doc is None:
            return
        if self.doc.id == message.story_id:
            self.figures.show_history(message.index, message.view)

    def on_why_loaded(self, message: WhyLoaded) -> None:
        """Show why the story's entry ranks where it does."""
        from tui.app.screens.why import WhyScreen

        if message.lines is None:
            self.notify("That story is not in the digest.", markup=False, timeout=3)
            return
        self.app.push_screen(WhyScreen(message.title, message.lines))

    def on_store_written(self, message: StoreWritten) -> None:
        """Counts changed; an error is shown, never raised."""
        if message.error:
            self.notify(f"Could not save: {message.error}", severity="error", markup=False)
        self.load_sidebar()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """A worker that failed says so; the reader carries on."""
        if event.worker.name == "load-sidebar" and event.state in (
            WorkerState.SUCCESS,
            WorkerState.ERROR,
            WorkerState.CANCELLED,
        ):
            self.sidebar_worker_ended()
        if event.state == WorkerState.ERROR:
            error = event.worker.error
            text = one_line(str(error), 200) or type(error).__name__
            self.notify(f"{event.worker.name}: {text}", severity="error", markup=False)

    def on_link_opened(self, message: LinkOpened) -> None:
        """Say what happened to the link."""
        if message.error:
            self.notify(message.error, title="Browser", severity="error", markup=False)
        else:
            self.notify(f"Opened {one_line(message.url, 80)}", markup=False, timeout=3)

    @on(StoryList.NeedMore)
    def _need_more(self, message: StoryList.NeedMore) -> None:
        self._more_worker(self.view, message.after, self._seq["stories"])

    @on(StoryList.Selected)
    def _story_selected(self, message: StoryList.Selected) -> None:
        self.open_story(message.row)

    @on(OptionList.OptionHighlighted, "#sidebar")
    def _section_highlighted(self) -> None:
        self._update_banner()

    @on(OptionList.OptionSelected, "#sidebar")
    def _section_selected(self, message: OptionList.OptionSelected) -> None:
        section = message.option_id
        if section and not section.startswith("heading"):
            mode = self.modes.get(section, default_mode(section))
            self.set_view(replace(self.view, section=section, mode=mode))
            self.stories.focus()

    @on(Input.Submitted, "#search")
    def _search_submitted(self, message: Input.Submitted) -> None:
        text = message.value.strip()
        self.close_search()
        self.set_view(replace(self.view, search=text or None))

    @on(FiguresPanel.FigureHighlighted)
    def _figure_highlighted(self, message: FiguresPanel.FigureHighlighted) -> None:
        if self.doc is not None:
            self.load_metric(self.doc.id, message.index)

    @on(FiguresPanel.FigureChosen)
    def _figure_chosen(self, message: FiguresPanel.FigureChosen) -> None:
        if not self.reader.scroll_to_figure(message.index):
            self.notify("That figure is not in the story's text.", markup=False, timeout=3)

    @on(Reader.LinkRequested)
    def _link_clicked(self, message: Reader.LinkRequested) -> None:
        from tui.core.urls import resolve

        base = self.doc.link if self.doc else None
        self.open_url(resolve(base, message.href))

    def on_refresh_progress(self, message: RefreshProgress) -> None:
        """Per-feed progress in the sidebar and the header."""
        progress = message.progress
        status = progress.status
        self.sidebar.set_progress(progress.feed_id, "fetching" if status == "fetching" else None)
        self.header.show_status(
            f"refreshing {progress.done}/{progress.total} · {one_line(progress.title, 40)}",
            done=progress.done,
            total=progress.total,
        )
        if status != "fetching":
            self.load_sidebar()
            if progress.new:
                self._reload_keeping_place()

    def on_refresh_finished(self, message: RefreshFinished) -> None:
        """Show the outcome; failures are listed per feed, never raised."""
        self.refreshing = False
        self.refreshes_done += 1
        self.sidebar.progress.clear()
        self.load_sidebar()
        self._reload_keeping_place()
        if message.summary is None:
            self.header.show_status("refresh failed", error=True)
            self.notify(f"Refresh failed: {message.error}", severity="error", markup=False)
            return
        summary = message.summary
        self.header.show_status(one_line(summary.line(), 80), error=bool(summary.failed))
        if summary.notification:  # rules with notify = true matched new stories
            self.notify(one_line(summary.notification, 300), title="New", markup=False, timeout=15)
        if summary.failures:
            lines = [
                f"{one_line(title, 40)}: {one_line(error, 120)}"
                for title, error in summary.failures[:6]
            ]
            more = len(summary.failures) - len(lines)
            if more > 0:
                lines.append(f"… and {more} more (see the sidebar)")
            self.notify(
                "\n".join(lines),
                title=f"{len(summary.failures)} feed(s) failed",
                severity="warning",
                markup=False,
                timeout=10,
            )

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        """The banner describes the sidebar's highlighted feed while the
        sidebar has focus."""
        self._update_banner()

    # ------------------------------------------------------------ helpers

    def close_story(self) -> None:
        """Close the open story: the list gets its room back."""
        self.doc = None
        self._next("story")  # an answer still on its way is dropped
        self._mark_reading(False)
        self.call_next(self.reader.clear, "No story open. Move with j/k and press enter to read.")
        self.figures.clear("Open a story to see its figures.")

    def _mark_reading(self, reading: bool) -> None:
        """On narrow screens the list shrinks while a story is open
        (``-reading`` in main.tcss). Only there is the list restyled at
        once: a restyle re-resolves its 13 component styles and redraws
        every visible row (~3 ms of each open and close). Elsewhere the
        class is only recorded; a change to narrow restyles the whole
        screen, this class included."""
        self.stories.set_class(reading, "-reading", update=self.has_class("-narrow"))

    def set_view(self, view: ViewState, keep_id: int | None = None) -> None:
        """Show another view, from its first story (or with the cursor on
        story *keep_id*, when the view lists it)."""
        self.view = view
        self.stories.loading_more = False
        self._update_header()
        self.load_stories(keep_id)

    def _reload_keeping_place(self) -> None:
        current = self.stories.current
        self.load_stories(current.id if current else None, at_least=len(self.stories.rows))

    def start_refresh(
        self, feed_ids: tuple[int, ...] | None, label: str, *, due_only: bool = False
    ) -> None:
        """Refresh *feed_ids* (None: every feed) unless one is running;
        with *due_only* (start-up, auto-refresh) only feeds whose scheduled
        time has come, so starting digest often does not hammer servers."""
        if self.refreshing:
            self.notify("A refresh is already running.", markup=False, timeout=3)
            return
        if not self.digest.config.feeds:
            self.notify("No feeds to refresh: add [[feeds]] to feeds.toml.", markup=False)
            return
        self.refreshing = True
        self.header.show_status(f"refreshing {label}…", done=0, total=1)
        self._refresh_worker(feed_ids, due_only)

    def auto_refresh(self) -> None:
        """The periodic refresh (every ``refresh_minutes``): due feeds only."""
        if not self.refreshing and self.digest.config.feeds:
            self.start_refresh(None, "due feeds", due_only=True)

    def open_url(self, url: str | None) -> None:
        """Open *url* if the URL policy allows it (http and https only)."""
        from tui.core.urls import safe_web_url

        safe = safe_web_url(url)
        if safe is None:
            self.notify(
                "Only http and https links are opened; this one was not.",
                severity="warning",
                markup=False,
            )
            return
        self._link_worker(safe)

    def current_section(self) -> Section | None:
        """The section of the current view."""
        return self.sidebar_snapshot.get(self.view.section) if self.sidebar_snapshot else None

    def _update_header(self) -> None:
        section = self.current_section()
        label = section.label if section else self.view.section.title()
        self.header.show_view(
            label,
            self.stories.total,
            self.view.unread_only,
            self.view.search,
            digest=self.view.digest,
        )

    def _update_banner(self) -> None:
        banner = self.query_one("#banner", Static)
        section = self.sidebar.highlighted_section if self.sidebar.has_focus else None
        if section is None or section.kind != "feed":
            section = self.current_section()
        if section is None or (section.error is None and section.warning is None):
            banner.display = False
            return
        if section.error:
            times = f" (failed {section.failures} times in a row)" if section.failures > 1 else ""
            text = Content.styled(f"! {section.label}: {section.error}{times}", "$text-error")
        else:
            text = Content.styled(f"{section.label}: {section.warning}", "$text-warning")
        banner.update(text)
        banner.display = True

    def _update_empty(self) -> None:
        if self._loaded_view != self.view:
            return  # the view's rows have not arrived yet: nothing to say
        message = empty_message(
            self.sidebar_snapshot,
            self.view,
            len(self.stories.rows),
            self.digest.config,
            demo=self.digest.demo,
            keymap=self.digest.keymap,
        )
        empty = self.query_one("#empty", Static)
        was_hidden = not self.stories.display
        empty.display = message is not None
        self.stories.display = message is None
        if message is not None:
            empty.update(message)
        elif was_hidden and not isinstance(self.focused, Input):
            self.stories.focus()
