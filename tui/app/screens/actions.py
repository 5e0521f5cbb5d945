"""The main screen's key actions, one method per action id of the keymap.

Kept apart from the data flow in ``main.py`` so each stays readable. Keys
that move act on the focused pane: the same ``j`` moves the story cursor,
the sidebar cursor, the figures cursor or scrolls the reader.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from textual.widgets import Input

from tui.app.widgets.reader import Reader
from tui.app.widgets.sidebar import Sidebar
from tui.app.widgets.story_list import StoryList

if TYPE_CHECKING:
    from tui.app.screens.main import MainScreen


class MainActions:
    """Mixed into :class:`~tui.app.screens.main.MainScreen`."""

    # -------------------------------------------------------------- moving

    def _move(self: MainScreen, delta: int, *, page: bool = False) -> None:
        focused = self.focused
        if isinstance(focused, StoryList):
            focused.move(delta * (max(focused.size.height - 1, 1) if page else 1))
        elif isinstance(focused, Sidebar) or (
            focused is not None and focused is self.figures.loaded_table
        ):
            if delta > 0:
                focused.action_cursor_down()
            else:
                focused.action_cursor_up()
        elif isinstance(focused, Reader):
            if delta > 0:
                focused.scroll_down(animate=False)
            else:
                focused.scroll_up(animate=False)

    def action_cursor_down(self: MainScreen) -> None:
        """j / down."""
        self._move(1)

    def action_cursor_up(self: MainScreen) -> None:
        """k / up."""
        self._move(-1)

    def action_cursor_top(self: MainScreen) -> None:
        """g / home."""
        if isinstance(self.focused, Reader):
            self.reader.scroll_home(animate=False)
        else:
            self.stories.move_to(0)

    def action_cursor_bottom(self: MainScreen) -> None:
        """G / end: the last loaded row (more load as it comes into view)."""
        if isinstance(self.focused, Reader):
            self.reader.scroll_end(animate=False)
        else:
            self.stories.move_to(len(self.stories.rows) - 1)

    def action_open(self: MainScreen) -> None:
        """enter: open the story under the cursor in the reader. Focus stays
        on the list (j/k keep browsing, space/b page the story, tab enters
        the reader): moving focus restyles the screen and would double the
        time it takes to show the story."""
        row = self.stories.current
        if row is not None:
            self.open_story(row)

    def action_page_down(self: MainScreen) -> None:
        """space: page the reader."""
        self.reader.scroll_page_down(animate=False)

    def action_page_up(self: MainScreen) -> None:
        """b: page the reader back."""
        self.reader.scroll_page_up(animate=False)

    def action_next_unread(self: MainScreen) -> None:
        """n: the next unread story below the cursor, opened."""
        stories = self.stories
        start = stories.cursor + 1 if stories.current else 0
        for position in range(start, len(stories.rows)):
            if not stories.rows[position].read:
                stories.move_to(position)
                self.open_story(stories.rows[position])
                return
        if stories.has_more and stories.rows:
            self._unread_worker(self.view, stories.rows[-1])
        else:
            self.notify("No more unread stories.", markup=False, timeout=3)

    def action_prev_unread(self: MainScreen) -> None:
        """p: the previous unread story above the cursor, opened."""
        stories = self.stories
        for position in range(stories.cursor - 1, -1, -1):
            if not stories.rows[position].read:
                stories.move_to(position)
                self.open_story(stories.rows[position])
                return
        self.notify("No earlier unread stories.", markup=False, timeout=3)

    def action_focus_next(self: MainScreen) -> None:
        """tab: the next pane."""
        self.focus_next()

    def action_focus_previous(self: MainScreen) -> None:
        """shift+tab: the previous pane."""
        self.focus_previous()

    def action_back(self: MainScreen) -> None:
        """q / escape: close the search, go back to the list, close the
        open story, and from there quit (like newsboat's q)."""
        if isinstance(self.focused, Input):
            self.close_search()
        elif not isinstance(self.focused, StoryList) and self.stories.display:
            self.stories.focus()
        elif self.doc is not None:
            self.close_story()
        else:
            self.app.exit()

    # ------------------------------------------------------------- figures

    def _step_figure(self: MainScreen, delta: int) -> None:
        if self.figures.step(delta) is None:
            self.notify("This story has no figures.", markup=False, timeout=3)

    def action_next_figure(self: MainScreen) -> None:
        """]: the next figure, scrolled to and flashed."""
        self._step_figure(1)

    def action_prev_figure(self: MainScreen) -> None:
        """[: the previous figure."""
        self._step_figure(-1)

    def action_figure_sentence(self: MainScreen) -> None:
        """i: show the sentence the current figure comes from."""
        if not self.figures.display:
            self.action_toggle_figures()
        self.figures.toggle_sentence()

    # -------------------------------------------------------------- story

    def action_open_link(self: MainScreen) -> None:
        """o: the story's link in the browser."""
        row = self.stories.current
        if self.doc is not None and (row is None or row.id == self.doc.id):
            link = self.doc.link
        else:
            link = row.link if row else None
        if link is None:
            self.notify("This story has no web link to open.", markup=False, timeout=3)
            return
        self.open_url(link)

    def action_toggle_read(self: MainScreen) -> None:
        """m: mark read / unread."""
        row = self.stories.current
        if row is not None:
            self.stories.update_rows([replace(row, read=not row.read)])
            # A digest row is its whole entry: every copy changes with it.
            self.write("entry-read" if row.entry else "read", (row.id,), not row.read)

    def action_toggle_star(self: MainScreen) -> None:
        """s: star / unstar."""
        row = self.stories.current
        if row is not None:
            self.stories.update_rows([replace(row, starred=not row.starred)])
            self.write("star", (row.id,), not row.starred)

    def action_mark_all_read(self: MainScreen) -> None:
        """A: every story in this view (loaded or not) read."""
        rows = self.stories.rows
        self.stories.update_rows([replace(row, read=True) for row in rows if not row.read])
        if self.view.digest:  # the entries listed, with every copy of each
            ids = tuple(story_id for row in rows if not row.read for story_id in row.all_ids)
            self.write("read", ids, True)
            return
        self.write("all-read", query=self.view.query(self.digest.now(), limit=None))

    # --------------------------------------------------------------- view

    async def action_search(self: MainScreen) -> None:
        """/: full-text search. The box is mounted the first time: nothing
        on the first screen needs it, and each widget mounted at start-up
        (with its styles) delays the first paint."""
        found = self.query("#search").results(Input)
        search = next(found, None)
        if search is None:
            search = Input(
                placeholder="Search every story (enter: search, esc: cancel)", id="search"
            )
            await self.query_one("#center").mount(search, after="#banner")
        search.value = self.view.search or ""
        search.display = True
        search.focus()

    def close_search(self: MainScreen) -> None:
        """Hide the search box and go back to the list."""
        for search in self.query("#search"):
            search.display = False
        self.stories.focus()

    def action_toggle_view(self: MainScreen) -> None:
        """v: the same section as a ranked digest (one row per event, its
        copies in other feeds folded in) or by feed (every story)."""
        mode = "feed" if self.view.digest else "digest"
        self.modes[self.view.section] = mode
        current = self.stories.current
        # The cursor stays on the same story (or its entry) when listed.
        self.set_view(replace(self.view, mode=mode), keep_id=current.id if current else None)

    def action_why(self: MainScreen) -> None:
        """W: why the entry under the cursor ranks where it does."""
        from tui.app.screens.why import WhyScreen

        row = self.stories.current
        if row is None:
            self.notify("Move to a story first (j/k).", markup=False, timeout=3)
        elif row.why:
            self.app.push_screen(WhyScreen(row.title, row.why))
        else:
            self._why_worker(row.id, row.title, self.view.window)

    def action_toggle_unread_only(self: MainScreen) -> None:
        """u: only unread stories, or all."""
        self.set_view(replace(self.view, unread_only=not self.view.unread_only))

    def action_toggle_sidebar(self: MainScreen) -> None:
        """t: show or hide the sidebar."""
        self.toggle_class("-sidebar-toggled")

    def action_toggle_figures(self: MainScreen) -> None:
        """f: show or hide the figures panel."""
        self.toggle_class("-figures-toggled")

    # -------------------------------------------------------------- feeds

    def action_refresh_feed(self: MainScreen) -> None:
        """r: the feed in the sidebar (when it has focus) or of the story."""
        section = self.sidebar.highlighted_section if self.sidebar.has_focus else None
        if section is None or section.feed_id is None:
            section = self.current_section()
        if section is not None and section.feed_id is not None:
            self.start_refresh((section.feed_id,), section.label)
            return
        row = self.stories.current
        if row is None:
            self.notify("Select a feed or a story to refresh its feed.", markup=False)
            return
        self.start_refresh((row.feed_id,), row.feed)

    def action_refresh_all(self: MainScreen) -> None:
        """R: every feed."""
        self.start_refresh(None, "every feed")

    def action_help(self: MainScreen) -> None:
        """?: the keys."""
        from tui.app.screens.help import HelpScreen

        self.app.push_screen(HelpScreen(self.digest.keymap))
