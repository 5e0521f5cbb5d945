"""The main screen's workers: every store query, write, refresh and
browser launch, each in a named thread worker that posts one message back
(see ``tui.app.messages``) for ``main.py`` to apply.

Answers can arrive out of order, so requests whose answer a newer request
makes stale carry a sequence number, and the handlers drop stale ones.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from textual import work

from tui.app.document import build_document
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
from tui.app.view import (
    PAGE_SIZE,
    StoryPage,
    StoryRow,
    ViewState,
    entry_info,
    load_digest,
    load_metric,
    load_page,
    load_sidebar,
)
from tui.core.sanitize import one_line
from tui.core.store import StoryQuery

if TYPE_CHECKING:
    from tui.app.screens.main import MainScreen


class MainWorkers:
    """Mixed into :class:`~tui.app.screens.main.MainScreen`."""

    def load_sidebar(self: MainScreen, *, digest_counts: bool = True) -> None:
        """Recount every section (without *digest_counts*: all but Today's
        and This week's, which wait for the digest).

        One count runs at a time; asked again meanwhile, it runs once more
        when it ends, however often it was asked. A count is ~50 ms of
        Python with 30,000 stories and every story read or feed refreshed
        asks for one: overlapping counts only took the interpreter from
        the screen, and all but the last were stale when they arrived."""
        if self._sidebar_running:
            self._sidebar_again = True
            return
        self._sidebar_running = True
        self._sidebar_worker(self._next("sidebar"), digest_counts)

    def sidebar_worker_ended(self: MainScreen) -> None:
        """The running count ended (or failed): run the one asked for
        meanwhile."""
        self._sidebar_running = False
        if self._sidebar_again and self.is_attached:
            self._sidebar_again = False
            self.load_sidebar()

    @work(thread=True, name="load-sidebar", group="sidebar", exit_on_error=False)
    def _sidebar_worker(self: MainScreen, seq: int, digest_counts: bool = True) -> None:
        app = self.digest
        snapshot = load_sidebar(app.store, app.config, app.now(), digest_counts=digest_counts)
        self.post_message(SidebarLoaded(snapshot, seq))

    def load_stories(
        self: MainScreen, keep_id: int | None = None, at_least: int = PAGE_SIZE
    ) -> None:
        """Load the first rows of the current view (at least *at_least*,
        so that a reload after a refresh keeps the rows the user reached)."""
        self._stories_worker(self.view, self._next("stories"), keep_id, at_least)

    @work(thread=True, name="load-stories", group="stories", exit_on_error=False)
    def _stories_worker(
        self: MainScreen, view: ViewState, seq: int, keep_id: int | None, limit: int
    ) -> None:
        app = self.digest
        if view.digest:
            page = load_digest(app.store, view, app.now())
        else:
            page = load_page(app.store, view, app.now(), limit=max(limit, PAGE_SIZE))
        self.post_message(StoriesLoaded(page, seq, keep_id))

    @work(thread=True, name="load-more", group="more", exit_on_error=False)
    def _more_worker(self: MainScreen, view: ViewState, after: StoryRow, seq: int) -> None:
        app = self.digest
        self.post_message(StoriesLoaded(load_page(app.store, view, app.now(), after=after), seq))

    def open_story(self: MainScreen, row: StoryRow) -> None:
        """Open *row* in the reader; it is marked read as it opens.

        The row's read mark is drawn in the story's own frame (see
        ``on_story_opened``): a frame of its own now, a few ms before the
        story is ready, held the story's frame back to the next tick of
        Textual's 60 Hz screen timer (~20 ms later)."""
        if not row.read:
            self.stories.update_rows([replace(row, read=True)], redraw=False)
        self._story_worker(row.id, self._next("story"))

    @work(thread=True, name="open-story", group="story", exit_on_error=False)
    def _story_worker(self: MainScreen, story_id: int, seq: int) -> None:
        from tui.core.digest import entry_for_story, mark_entry_read

        app = self.digest
        store = app.store
        story = store.story(story_id)
        doc = build_document(story) if story is not None else None
        entry = entry_for_story(store, story_id, app.now()) if story is not None else None
        if doc is not None and entry is not None and len(entry.sources) > 1:
            doc = replace(doc, entry=entry_info(entry))
        unread = entry is not None and any(not source.read for source in entry.sources)
        mark_read = story is not None and (unread or not story.read)
        if seq == self._seq["story"]:
            # The screen saves it read once it is painted: saving here
            # would recount the sidebar (~50 ms of Python in a worker)
            # while the story is being laid out and drawn, and with the
            # interpreter shared that delayed it by ~15 ms.
            self.post_message(StoryOpened(doc, story_id, mark_read))
        elif mark_read:
            # Opened and already replaced by another: nothing to wait for.
            # Reading a story reads its copies in other feeds too.
            ids = mark_entry_read(store, story_id, True)
            self.post_message(EntryRead(tuple(ids), True))
            self.post_message(StoreWritten())

    def load_metric(self: MainScreen, story_id: int, index: int) -> None:
        """Look up the history of figure *index* of the open story."""
        self._metric_worker(story_id, index, self._next("metric"))

    @work(thread=True, name="metric-history", group="metric", exit_on_error=False)
    def _metric_worker(self: MainScreen, story_id: int, index: int, seq: int) -> None:
        view = load_metric(self.digest.store, story_id, index)
        self.post_message(MetricLoaded(story_id, index, view, seq))

    @work(thread=True, name="why", group="why", exit_on_error=False)
    def _why_worker(self: MainScreen, story_id: int, title: str, window: str) -> None:
        from tui.core.digest import entry_for_story, today

        app = self.digest
        now = app.now()
        # Ranked within the view's window when the entry is in it ("#3 of
        # 12"), else scored on its own.
        ranked = today(app.store, now, window=window, limit=None)
        entry = next((e for e in ranked if story_id in e.story_ids), None)
        if entry is None:
            entry = entry_for_story(app.store, story_id, now)
        lines = tuple(one_line(line, 300) for line in entry.explain()) if entry else None
        self.post_message(WhyLoaded(title, lines))

    @work(thread=True, name="find-unread", group="more", exit_on_error=False)
    def _unread_worker(self: MainScreen, view: ViewState, after: StoryRow) -> None:
        app = self.digest
        unread = replace(view.query(app.now(), limit=1), unread_only=True, before=after.key)
        found = app.store.stories(unread)
        if not found:
            self.post_message(UnreadFound(None, None, after.id))
            return
        target = found[0].id
        rows: list[StoryRow] = []
        last = after
        page = None
        while True:
            page = load_page(app.store, view, app.now(), after=last)
            rows.extend(page.rows)
            if not page.rows or any(row.id == target for row in page.rows) or not page.has_more:
                break
            last = page.rows[-1]
        merged = StoryPage(view, tuple(rows), page.has_more, -1, append=True)
        self.post_message(UnreadFound(merged, target, after.id))

    @work(thread=True, name="write-store", group="write", exit_on_error=False)
    def write(
        self: MainScreen,
        change: str,
        ids: tuple[int, ...] = (),
        flag: bool = True,
        query: StoryQuery | None = None,
    ) -> None:
        """Apply a read/starred change in the store (``read``, ``star``,
        ``all-read``; ``entry-read``: the whole entry of each story)."""
        store = self.digest.store
        try:
            if change == "read":
                store.set_read(ids, flag)
            elif change == "entry-read":
                from tui.core.digest import mark_entry_read

                marked: list[int] = []
                for story_id in ids:
                    marked += mark_entry_read(store, story_id, flag)
                self.post_message(EntryRead(tuple(marked), flag))
            elif change == "star":
                for story_id in ids:
                    store.set_starred(story_id, flag)
            elif change == "all-read" and query is not None:
                store.mark_read(query)
        except Exception as error:
            self.post_message(StoreWritten(one_line(str(error), 200)))
            return
        self.post_message(StoreWritten(None, reload_list=False))

    @work(thread=True, name="refresh", group="refresh", exit_on_error=False)
    def _refresh_worker(
        self: MainScreen, feed_ids: tuple[int, ...] | None, due_only: bool = False
    ) -> None:
        app = self.digest
        try:
            from tui.core.refresh import refresh_blocking

            summary = refresh_blocking(
                app.store,
                app.config,
                feed_ids=list(feed_ids) if feed_ids is not None else None,
                progress=lambda progress: self.post_message(RefreshProgress(progress)),
                due_only=due_only,
            )
        except Exception as error:
            self.post_message(
                RefreshFinished(None, one_line(str(error), 300) or type(error).__name__)
            )
            return
        self.post_message(RefreshFinished(summary))

    @work(thread=True, name="open-link", group="browser", exit_on_error=False)
    def _link_worker(self: MainScreen, url: str) -> None:
        from tui.app.browser import BrowserError

        app = self.digest
        try:
            app.opener(url, app.config.settings.browser)
        except (BrowserError, OSError) as error:
            self.post_message(LinkOpened(url, one_line(str(error), 200)))
            return
        self.post_message(LinkOpened(url))
