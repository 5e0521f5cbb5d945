"""The sidebar: every section of the digest with its unread count.

Today and This week (the ranked digest; their counts are unread
entries, one per event however many feeds carry it), All, Unread and
Starred, then each tag, then each feed, with a mark
on feeds whose last fetch failed or that are disabled, and a live mark
while a refresh fetches them. An OptionList is fine here: there are tens
of sections, not thousands. Labels are ``Content`` built from sanitised
text, never markup.
"""

from __future__ import annotations

from contextlib import suppress

from textual import events
from textual.content import Content
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from tui.app.view import Section, SidebarSnapshot
from tui.app.widgets.story_list import fit

STATUS_MARKS = {
    "fetching": ("↻", "$text-accent"),
    "failed": ("!", "$text-error"),
    "disabled": ("-", "$text-muted"),
}


class Sidebar(OptionList):
    """Sections of the digest."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, markup=False)
        self.snapshot = SidebarSnapshot((), 0, 0)
        self.progress: dict[int, str] = {}

    @property
    def highlighted_section(self) -> Section | None:
        """The section under the cursor."""
        if self.highlighted is None or self.highlighted >= self.option_count:
            return None
        option = self.get_option_at_index(self.highlighted)
        return self.snapshot.get(option.id or "")

    def show(self, snapshot: SidebarSnapshot, current: str = "all") -> None:
        """Show *snapshot*, keeping the cursor on the same section (at
        first: section *current*, the view shown). When only counts or
        states changed (the usual case: a story read, a feed refreshed),
        only those rows are redrawn."""
        old = self.snapshot
        self.snapshot = snapshot
        if [s.key for s in old.sections] == [s.key for s in snapshot.sections]:
            for before, after in zip(old.sections, snapshot.sections, strict=True):
                if before != after:
                    self.replace_option_prompt(after.key, self._prompt(after))
            return
        keep = self.highlighted_section.key if self.highlighted_section else current
        self._rebuild(keep)

    def set_progress(self, feed_id: int, status: str | None) -> None:
        """Show a feed's refresh status (None: back to its stored state)."""
        if status is None:
            self.progress.pop(feed_id, None)
        else:
            self.progress[feed_id] = status
        section = self.snapshot.get(f"feed:{feed_id}")
        if section is not None:
            with suppress(LookupError):  # the section went away meanwhile
                self.replace_option_prompt(section.key, self._prompt(section))

    def _rebuild(self, keep: str) -> None:
        self.clear_options()
        self.add_options(
            Option(self._prompt(section), id=section.key, disabled=section.kind == "heading")
            for section in self.snapshot.sections
        )
        try:
            self.highlighted = self.get_option_index(keep)
        except LookupError:
            self.highlighted = 0 if self.option_count else None

    def _prompt(self, section: Section) -> Content:
        width = max(self.scrollable_content_region.width - 2, 12)
        if section.kind == "heading":
            return Content.styled(section.label.upper(), "bold $text-muted")
        status = self.progress.get(section.feed_id or -1)
        if status is None and not section.enabled:
            status = "disabled"
        if status is None and section.failed:
            status = "failed"
        mark, mark_style = STATUS_MARKS.get(status or "", (" ", ""))
        count = f"{section.unread:,}" if section.unread else ""
        label_width = max(width - 2 - len(count) - 1, 4)
        label_style = "bold" if section.unread else ""
        if status == "disabled":
            label_style = "$text-muted"
        return Content.assemble(
            (mark, mark_style),
            " ",
            (fit(section.label, label_width), label_style),
            " ",
            (count, "$text-muted"),
        )

    def on_resize(self, event: events.Resize) -> None:
        """Counts stay right-aligned at any width."""
        if self.snapshot.sections:
            keep = self.highlighted_section.key if self.highlighted_section else "all"
            self._rebuild(keep)
