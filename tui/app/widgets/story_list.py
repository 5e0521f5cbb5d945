"""The story list: a virtual list that draws only the rows on screen.

Tens of thousands of stories cannot be one widget each (ListView took
98 s and 1.7 GB for 30,000 rows), so this is a Line API ScrollView over
the rows loaded so far. It starts with one page and asks for the next
(``NeedMore``) as the cursor or the viewport nears the end; the screen
fetches pages with keyset paging in a worker. Rows are plain
:class:`~tui.app.view.StoryRow` snapshots whose text was sanitised when
they were built, and they are drawn as segments, never as markup.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from typing import ClassVar

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from textual import events
from textual.cache import LRUCache
from textual.geometry import Region, Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from tui.app.format import KINDS, age
from tui.app.view import StoryPage, StoryRow

PREFETCH_ROWS = 60


def fit(text: str, width: int, *, right: bool = False) -> str:
    """*text* cut or padded to exactly *width* cells, with an ellipsis
    when cut."""
    if width <= 0:
        return ""
    if cell_len(text) > width:
        return set_cell_size(text, width - 1) + "…"
    if right:
        return " " * (width - cell_len(text)) + text
    return set_cell_size(text, width)


class StoryList(ScrollView, can_focus=True):
    """Stories of the current view, newest first."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "story-list--cursor",
        "story-list--unread",
        "story-list--read",
        "story-list--mark",
        "story-list--meta",
        "story-list--more",
        *(f"story-list--figure-{kind}" for kind in KINDS),
    }

    class Highlighted(Message):
        """The cursor moved to *row*."""

        def __init__(self, row: StoryRow | None) -> None:
            super().__init__()
            self.row = row

    class Selected(Message):
        """The user opened *row* (enter or a click)."""

        def __init__(self, row: StoryRow) -> None:
            super().__init__()
            self.row = row

    class NeedMore(Message):
        """Rows after *after* are wanted."""

        def __init__(self, after: StoryRow) -> None:
            super().__init__()
            self.after = after

    def __init__(self, clock: Callable[[], datetime], *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.clock = clock
        self.rows: list[StoryRow] = []
        self.index: dict[int, int] = {}
        self.has_more = False
        self.total = 0
        self.cursor = 0
        self.loading_more = False
        self._cache: LRUCache[tuple[object, ...], Strip] = LRUCache(512)

    # ------------------------------------------------------------ data

    @property
    def current(self) -> StoryRow | None:
        """The row under the cursor."""
        return self.rows[self.cursor] if 0 <= self.cursor < len(self.rows) else None

    def set_page(self, page: StoryPage, keep_id: int | None = None) -> None:
        """Show *page* instead of the current rows. With *keep_id*, the
        cursor stays on that story at the same place on screen."""
        offset = self.cursor - int(self.scroll_y)
        old_cursor = self.cursor
        self._set_rows(list(page.rows), page.has_more)
        self.loading_more = False
        self.total = page.total
        target = self.index.get(keep_id, -1) if keep_id is not None else -1
        if target < 0 and keep_id is not None:  # a digest row that holds the story
            target = next((i for i, row in enumerate(self.rows) if keep_id in row.story_ids), -1)
        if target < 0:
            target = min(old_cursor, len(self.rows) - 1) if keep_id is not None else 0
        self.cursor = max(target, 0)
        self.scroll_to(y=max(self.cursor - offset, 0), animate=False, immediate=True)
        self._changed(announce=True)

    def append_page(self, page: StoryPage) -> None:
        """Add a following page."""
        known = self.index
        self._set_rows(self.rows + [row for row in page.rows if row.id not in known], page.has_more)
        self.loading_more = False
        self._changed(announce=False)

    def update_rows(self, rows: Iterable[StoryRow], *, redraw: bool = True) -> None:
        """Replace rows whose read or starred state changed, and redraw
        them (or, without *redraw*, leave that to the caller's next
        refresh of the list)."""
        for row in rows:
            position = self.index.get(row.id)
            if position is not None:
                self.rows[position] = row
        if redraw:
            self.refresh()

    def _set_rows(self, rows: list[StoryRow], has_more: bool) -> None:
        self.rows = rows
        self.index = {row.id: position for position, row in enumerate(rows)}
        self.has_more = has_more
        self.virtual_size = Size(self.size.width, len(rows) + (1 if has_more else 0))
        self._cache.clear()

    # ---------------------------------------------------------- cursor

    def move_to(self, position: int) -> None:
        """Put the cursor on row *position* (clamped) and show it."""
        if not self.rows:
            return
        position = max(0, min(position, len(self.rows) - 1))
        if position == self.cursor:
            return
        self.cursor = position
        self._changed(announce=True)

    def move(self, delta: int) -> None:
        """Move the cursor by *delta* rows."""
        self.move_to(self.cursor + delta)

    def _changed(self, *, announce: bool) -> None:
        self.refresh()
        if self.rows:
            self.scroll_to_region(
                Region(0, self.cursor, 1, 1), animate=False, immediate=True, force=True
            )
        if announce:
            self.post_message(self.Highlighted(self.current))
        self._want_more()

    def _want_more(self) -> None:
        if not self.has_more or self.loading_more or not self.rows:
            return
        bottom = max(self.cursor, int(self.scroll_y) + self.size.height)
        if bottom >= len(self.rows) - PREFETCH_ROWS:
            self.loading_more = True
            self.post_message(self.NeedMore(self.rows[-1]))

    def watch_scroll_y(self, old: float, new: float) -> None:
        """Scrolling near the end asks for the next page."""
        super().watch_scroll_y(old, new)
        self._want_more()

    def on_resize(self, event: events.Resize) -> None:
        """Keep the virtual width equal to the real one (no sideways scroll)."""
        self.virtual_size = Size(event.size.width, self.virtual_size.height)
        self._cache.clear()
        self._want_more()

    def on_focus(self) -> None:
        """The cursor looks different with focus."""
        self._cache.clear()
        self.refresh()

    def on_blur(self) -> None:
        """The cursor looks different without focus."""
        self._cache.clear()
        self.refresh()

    def on_click(self, event: events.Click) -> None:
        """A click opens the story under the pointer."""
        position = int(self.scroll_y) + event.y
        if 0 <= position < len(self.rows):
            self.move_to(position)
            self.post_message(self.Selected(self.rows[position]))

    def notify_style_update(self) -> None:
        """A theme change redraws every row."""
        super().notify_style_update()
        self._cache.clear()

    # --------------------------------------------------------- drawing

    def render_line(self, y: int) -> Strip:
        """Draw screen line *y*: one story row."""
        position = int(self.scroll_y) + y
        width = self.scrollable_content_region.width
        if position >= len(self.rows):
            if position == len(self.rows) and self.has_more:
                style = self.get_component_rich_style("story-list--more")
                return Strip([Segment(fit("  loading more…", width), style)], width)
            return Strip.blank(width, self.rich_style)
        row = self.rows[position]
        selected = position == self.cursor
        now = self.clock()
        key = (row, selected, self.has_focus, width, age(row.published, now))
        strip = self._cache.get(key)
        if strip is None:
            strip = self._render_row(row, selected, width, key[-1])  # type: ignore[arg-type]
            self._cache[key] = strip
        return strip

    def _render_row(self, row: StoryRow, selected: bool, width: int, shown_age: str) -> Strip:
        style = self.get_component_rich_style
        base = style("story-list--read" if row.read else "story-list--unread")
        meta = style("story-list--meta")
        mark = style("story-list--mark")
        figure_style = style(f"story-list--figure-{row.figure_kind}") if row.figure_kind else meta
        if selected:
            cursor = style("story-list--cursor", partial=True)
            base, meta, mark, figure_style = (
                part + cursor for part in (base, meta, mark, figure_style)
            )
        feed_width = 16 if width >= 90 else 12 if width >= 70 else 0
        figure_width = 9 if width >= 50 else 0
        sources_width = 3 if width >= 100 else 0
        if row.entry and not feed_width and width >= 50:
            sources_width = 3  # the digest's "3 sources" column is hidden: say ×3
        # marks and spaces (4), age (1 + 5), then each optional column and its gap
        fixed = 4 + 6 + sum(w + 1 for w in (feed_width, figure_width, sources_width) if w)
        title_width = max(width - fixed, 4)
        segments = [
            Segment(" ", base),
            Segment("●" if not row.read else " ", mark),
            Segment("★" if row.starred else " ", mark),
            Segment(" ", base),
            Segment(fit(row.title, title_width), base),
        ]
        if feed_width:
            segments += [Segment(" ", base), Segment(fit(row.feed, feed_width), meta)]
        if figure_width:
            segments += [
                Segment(" ", base),
                Segment(fit(row.figure, figure_width, right=True), figure_style),
            ]
        if sources_width:
            # A digest row says "3 sources" in its feed column already.
            sources = f"×{row.sources}" if row.sources > 1 and not feed_width else ""
            segments += [Segment(" ", base), Segment(fit(sources, sources_width, right=True), meta)]
        segments += [Segment(" ", base), Segment(fit(shown_age, 5, right=True), meta)]
        return Strip(segments).adjust_cell_length(width, base)
