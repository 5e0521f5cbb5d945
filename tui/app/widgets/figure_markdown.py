"""Textual's Markdown widget, with the story's figures highlighted by kind.

``tui.app.document`` wraps each figure in private-use marks before the
Markdown is parsed; the blocks built here remove the marks as their text
is set and style the spans between them, so highlighting survives
Markdown's own formatting (a figure inside **bold** or a list item).
Links are never opened by the widget itself: clicks arrive as
``Markdown.LinkClicked`` for the reader to check against the URL policy.
"""

from __future__ import annotations

from typing import ClassVar

from textual.content import Content
from textual.widgets import Markdown
from textual.widgets._markdown import MarkdownBlock

from tui.app.document import MARK_BASE, MARK_CLOSE, mark_index
from tui.app.format import KINDS

FLASH_SECONDS = 1.0
# Markdown block class → the same class with figure marks handled.
_BLOCK_CLASSES: dict[type, type] = {}


def unmark(content: Content) -> tuple[Content, dict[int, tuple[int, int]]]:
    """*content* with figure marks removed, and where each figure now is."""
    text = content.plain
    cuts = [i for i, char in enumerate(text) if MARK_BASE <= ord(char) <= ord(MARK_CLOSE)]
    if not cuts:
        return content, {}
    offsets = sorted({edge for cut in cuts for edge in (cut, cut + 1)})
    pieces = content.divide(offsets)
    kept: list[Content] = []
    places: dict[int, tuple[int, int]] = {}
    open_figure: tuple[int, int] | None = None
    length = 0
    for piece in pieces:
        plain = piece.plain
        if len(plain) == 1 and MARK_BASE <= ord(plain) <= ord(MARK_CLOSE):
            if plain == MARK_CLOSE:
                if open_figure is not None:
                    places[open_figure[0]] = (open_figure[1], length)
                open_figure = None
            else:
                index = mark_index(plain)
                if index is not None:
                    open_figure = (index, length)
            continue
        kept.append(piece)
        length += len(plain)
    if open_figure is not None:  # a figure that ran past the end of its block
        places[open_figure[0]] = (open_figure[1], length)
    return Content("").join(kept), places


class _FigureBlock:
    """Mixed into every Markdown block class: turns marks into styles."""

    def set_content(self, content: Content) -> None:
        content, places = unmark(content)
        markdown = self._markdown  # type: ignore[attr-defined]
        if places and isinstance(markdown, FigureMarkdown):
            for index, (start, end) in places.items():
                kind = markdown.figure_kinds.get(index, "count")
                content = content.stylize(f".figure--{kind}", start, end)
                markdown.places[index] = (self, start, end)  # type: ignore[assignment]
        super().set_content(content)  # type: ignore[misc]


class FigureMarkdown(Markdown):
    """A Markdown document whose figures are coloured by kind and can be
    scrolled to and flashed."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {f"figure--{kind}" for kind in KINDS} | {
        "figure--flash"
    }

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, open_links=False)
        self.figure_kinds: dict[int, str] = {}
        self.places: dict[int, tuple[MarkdownBlock, int, int]] = {}

    def get_block_class(self, block_name: str) -> type[MarkdownBlock]:
        """Every block class, with figure marks handled."""
        base = super().get_block_class(block_name)
        cls = _BLOCK_CLASSES.get(base)
        if cls is None:
            cls = type(base.__name__, (_FigureBlock, base), {})
            _BLOCK_CLASSES[base] = cls
        return cls

    async def show(self, markdown: str, figure_kinds: dict[int, str]) -> None:
        """Replace the document, with *figure_kinds* (figure index → kind)."""
        self.figure_kinds = dict(figure_kinds)
        self.places = {}
        await self.update(markdown)

    def figure_line(self, index: int) -> int | None:
        """The line (relative to the document's top) where figure *index*
        starts, or None when it is not in the document."""
        place = self.places.get(index)
        if place is None or not place[0].is_mounted:
            return None
        block, start, _ = place
        width = max(block.content_region.width, 1)
        before = block._content[:start]
        lines = before.wrap(width) if before.plain else []
        line = max(len(lines) - 1, 0)
        return block.virtual_region.y + block.styles.padding.top + line

    def flash(self, index: int) -> bool:
        """Show figure *index* reversed for a moment; False if not found."""
        place = self.places.get(index)
        if place is None or not place[0].is_mounted:
            return False
        block, start, end = place
        block.update(block._content.stylize(".figure--flash", start, end))
        block.add_class("-flash")

        def restore() -> None:
            if block.is_mounted:
                block.update(block._content)
                block.remove_class("-flash")

        self.set_timer(FLASH_SECONDS, restore)
        return True
