"""The top line: where the user is, and what a refresh is doing.

Textual's Header only shows a title; this one shows the current section,
its counts, the search in force and, while feeds are being fetched, a
progress bar drawn as text (no animation, so screenshots are stable).
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.content import Content
from textual.widgets import Static

BAR_WIDTH = 12


def progress_bar(done: int, total: int) -> str:
    """``▰▰▰▱▱▱`` for *done* of *total*."""
    filled = BAR_WIDTH * done // total if total else 0
    return "▰" * filled + "▱" * (BAR_WIDTH - filled)


class DigestHeader(Horizontal):
    """Section, counts and refresh progress."""

    def compose(self) -> ComposeResult:
        yield Static(Content("digest"), id="header-title")
        yield Static(Content(""), id="header-status")

    def show_view(
        self,
        section: str,
        total: int,
        unread_only: bool,
        search: str | None,
        *,
        digest: bool = False,
    ) -> None:
        """Describe the view: *section* is already sanitised; *digest*:
        the list shows ranked entries rather than stories."""
        parts = [Content.styled("digest", "bold $text-accent"), Content("  "), Content(section)]
        noun = ("entry", "entries") if digest else ("story", "stories")
        count = f"{total:,} {noun[0] if total == 1 else noun[1]}" if total >= 0 else ""
        if count:
            parts.append(Content.styled(f"  {count}", "$text-muted"))
        parts.append(Content.styled("  ranked" if digest else "  by feed", "$text-muted"))
        if unread_only:
            parts.append(Content.styled("  unread only", "$text-warning"))
        if search:
            parts.append(Content.styled(f"  search: {search}", "$text-success"))
        self.query_one("#header-title", Static).update(Content("").join(parts))

    def show_status(self, text: str, *, done: int = 0, total: int = 0, error: bool = False) -> None:
        """The right-hand status: refresh progress or the last result."""
        status = Content.styled(text, "$text-error" if error else "$text-muted")
        if total:
            status = Content.assemble((progress_bar(done, total), "$text-accent"), " ", status)
        self.query_one("#header-status", Static).update(status)
