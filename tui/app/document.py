"""The open story as Markdown for the reader, with its figures marked.

Figures are found by offsets into the story's title and body. To highlight
them after Textual's Markdown widget has parsed and laid out the text, each
figure is wrapped in two private-use characters (an opening mark that
carries the figure's index and one closing mark); the reader's blocks turn
those marks into styled spans and remove them (see
``widgets/figure_markdown.py``). Private-use characters from the feed itself
are removed first so that a feed cannot forge a mark.

No Textual import: this runs in a worker thread.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from tui.app.format import figure_value, kind_class
from tui.app.view import FigureRow, ReaderDoc, safe_link
from tui.core.models import Figure, Story
from tui.core.sanitize import clean, markdown_literal, one_line

MARK_BASE = 0xE000
MARK_LIMIT = 0x0FFF  # figures per story that can be marked
MARK_CLOSE = chr(0xEFFF)
_MARKS = re.compile("[\ue000-\uefff]")
# Places in Markdown where an inserted mark would change a link or code
# rather than visible text.
_HIDDEN = re.compile(r"\]\([^)\n]*\)|<https?:[^>\n]*>|`[^`\n]*`|!\[[^\]\n]*\]")


def open_mark(index: int) -> str:
    """The mark that opens figure *index*."""
    return chr(MARK_BASE + index)


def mark_index(char: str) -> int | None:
    """The figure index an opening mark carries, or None."""
    code = ord(char) - MARK_BASE
    return code if 0 <= code < MARK_LIMIT else None


def strip_marks(text: str) -> str:
    """*text* without any of our marks (applied to feed text first)."""
    return _MARKS.sub("", text)


def _hidden_ranges(text: str) -> list[tuple[int, int]]:
    return [match.span() for match in _HIDDEN.finditer(text)]


def mark_figures(
    text: str,
    figures: Sequence[tuple[int, Figure]],
    *,
    title: bool = False,
) -> tuple[str, set[int]]:
    """*text* sanitised, with each placeable figure wrapped in marks.

    With *title*, the text is a story title: kept on one line and escaped
    so that it shows literally rather than as Markdown. Returns the text
    and the indexes of the figures that were placed. A figure is placed
    when its offsets still point at its text, it does not overlap an
    earlier one, and it is not inside a link target or code.
    """
    hidden = [] if title else _hidden_ranges(text)
    parts: list[str] = []
    placed: set[int] = set()
    position = 0
    for index, figure in sorted(figures, key=lambda item: item[1].start):
        start, end = figure.start, figure.end
        if (
            index >= MARK_LIMIT
            or start < position
            or end <= start
            or text[start:end] != figure.text
            or any(start < h_end and end > h_start for h_start, h_end in hidden)
        ):
            continue
        parts.append(_part(text[position:start], title))
        parts.append(open_mark(index) + _part(text[start:end], title) + MARK_CLOSE)
        placed.add(index)
        position = end
    parts.append(_part(text[position:], title))
    return "".join(parts), placed


def _part(text: str, title: bool) -> str:
    cleaned = strip_marks(clean(text))
    if title:
        return markdown_literal(cleaned.replace("\n", " ").replace("\t", " "))
    return cleaned


def build_document(story: Story) -> ReaderDoc:
    """The reader's view of *story* (which must carry body and figures)."""
    indexed = list(enumerate(story.figures))
    title_figures = [(i, f) for i, f in indexed if f.source == "title"]
    body_figures = [(i, f) for i, f in indexed if f.source != "title"]
    title = story.title or "(untitled)"
    title_md, placed_title = mark_figures(title, title_figures, title=True)
    body_md, placed_body = mark_figures(story.body, body_figures)
    placed = placed_title | placed_body
    link, shown = safe_link(story.link)
    markdown = f"# {title_md}\n\n{body_md.strip() or '*This story has no text; press o to open its link.*'}\n"
    return ReaderDoc(
        id=story.id or 0,
        feed_id=story.feed_id or 0,
        title=one_line(title, 300),
        feed=one_line(story.feed_title, 80),
        author=one_line(story.author, 80),
        published=story.published,
        link=link,
        shown_link=shown,
        markdown=markdown,
        figures=tuple(
            FigureRow(
                index=i,
                value=figure_value(f),
                noun=one_line(f.noun, 40),
                per=one_line(f.per, 20),
                kind=kind_class(str(f.kind)),
                sentence=one_line(strip_marks(f.sentence), 600),
                placed=i in placed,
            )
            for i, f in indexed
        ),
        read=story.read,
        starred=story.starred,
    )
