"""The reader pane: the open story's header line and its Markdown body.

It shows a :class:`~tui.app.view.ReaderDoc` built by a worker, scrolls to
a figure on request, and turns link clicks into a message the screen
checks against the URL policy (the Markdown widget opens nothing itself).
A story that other feeds carry too is headed by its digest entry: every
source (feed, time, link) and the entry's figures, conflicting values
side by side.
The Markdown widget (and markdown-it, pygments behind it) is imported and
mounted when the first story opens, not at start-up: it is the largest
import of the app and nothing on the first screen needs it.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from textual.containers import VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.widgets import Static

from tui.app.format import age
from tui.app.view import EntryInfo, ReaderDoc

if TYPE_CHECKING:
    from textual.widgets import Markdown

    from tui.app.widgets.figure_markdown import FigureMarkdown


class Reader(VerticalScroll, can_focus=True):
    """The story being read."""

    class LinkRequested(Message):
        """The user clicked a link in the story (not yet checked)."""

        def __init__(self, href: str) -> None:
            super().__init__()
            self.href = href

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.doc: ReaderDoc | None = None

    def compose(self):  # noqa: ANN201 - Textual's compose
        yield Static(
            Content("No story open. Move with j/k and press enter to read."), id="reader-meta"
        )
        yield Static(Content(""), id="reader-entry")

    @property
    def body(self) -> FigureMarkdown | None:
        """The Markdown document, once a story has been opened."""
        from tui.app.widgets.figure_markdown import FigureMarkdown

        found = self.query(FigureMarkdown)
        return found.first() if found else None

    async def _body(self) -> FigureMarkdown:
        body = self.body
        if body is None:
            from tui.app.widgets.figure_markdown import FigureMarkdown

            body = FigureMarkdown(id="reader-body")
            await self.mount(body)
        return body

    async def show(self, doc: ReaderDoc, now: datetime) -> None:
        """Show *doc*, scrolled to its top."""
        self.doc = doc
        parts = [doc.feed or "unknown feed"]
        if doc.author:
            parts.append(doc.author)
        parts.append(f"{doc.published.astimezone():%a %d %b %Y %H:%M} ({age(doc.published, now)})")
        meta = Content(" · ".join(parts))
        if doc.shown_link:
            meta = meta + Content("\n") + Content.styled(doc.shown_link, "dim")
        self.query_one("#reader-meta", Static).update(meta)
        entry = self.query_one("#reader-entry", Static)
        entry.display = doc.entry is not None
        if doc.entry is not None:
            entry.update(entry_text(doc.entry, now))
        kinds = {figure.index: figure.kind for figure in doc.figures}
        body = await self._body()
        await body.show(doc.markdown, kinds)
        self.scroll_home(animate=False)

    async def clear(self, message: str) -> None:
        """Show *message* instead of a story."""
        self.doc = None
        self.query_one("#reader-meta", Static).update(Content(message))
        self.query_one("#reader-entry", Static).display = False
        if self.body is not None:
            await self.body.show("", {})

    def scroll_to_figure(self, index: int) -> bool:
        """Scroll so that figure *index* is in view and flash it."""
        body = self.body
        line = body.figure_line(index) if body is not None else None
        if body is None or line is None:
            return False
        top = body.virtual_region.y + body.styles.padding.top + line
        self.scroll_to(y=max(top - 2, 0), animate=False)
        return body.flash(index)

    def on_markdown_link_clicked(self, event: Markdown.LinkClicked) -> None:  # type: ignore[name-defined]
        """Links go to the screen, which applies the URL policy."""
        event.stop()
        self.post_message(self.LinkRequested(event.href))


def entry_text(info: EntryInfo, now: datetime) -> Content:
    """The entry block: one line per source, then the entry's figures
    with conflicts first and marked. Sanitised text, set as Content."""
    lines = [Content.styled(f"{len(info.sources)} sources", "bold")]
    for source in info.sources:
        when = f"{source.published.astimezone():%d %b %H:%M} ({age(source.published, now)})"
        line = Content.assemble(("  " + source.feed, "bold"), f" · {when}")
        if source.shown_link:
            shown = source.shown_link.removeprefix("https://").removeprefix("http://")
            line = line + Content.styled(f" · {shown}", "dim")
        lines.append(line)
    if info.figures:
        lines.append(Content.styled("Figures across sources", "bold"))
        for number, figure in enumerate(info.figures):
            if number < info.conflicts:
                lines.append(Content.styled(f"  ≠ {figure}", "$text-warning"))
            else:
                lines.append(Content(f"    {figure}"))
    return Content("\n").join(lines)
