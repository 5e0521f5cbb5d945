"""A story as Markdown, to paste into a note or a chat or to keep as a file.

``S`` copies it, "Save story as Markdown…" writes it. The text is the
story's title, its feed, date and link, its body as stored (already
Markdown) and its key figures with their values written for people. The
title, the feed name and the figures' nouns come from a feed, so they are
flattened to one line and their Markdown characters escaped: pasted into a
Markdown renderer they show as written and cannot become links. Only
http(s) links are written.

No Textual import: this runs in worker threads.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

from tui.core.models import Figure, Story
from tui.core.sanitize import clean, markdown_literal, one_line
from tui.core.urls import safe_web_url

_MARKS = re.compile("[\ue000-\uefff]")


class SaveError(Exception):
    """The Markdown file could not be written; the message says why."""


def figure_text(figure: Figure) -> str:
    """A figure's value for people (27M, $2.5bn, 17%). The figures package
    is imported lazily and may be unavailable or refuse a figure: the text
    the figure was found as is used then."""
    try:
        from tui.core.figures import format_value

        text = format_value(figure)
    except (ImportError, ValueError, TypeError, ArithmeticError):
        text = ""
    return one_line(text or figure.text, 40)


def key_figures(figures: list[Figure]) -> list[str]:
    """The "Key figures" list items: one per distinct value and noun (a
    title figure usually repeats one of the body's)."""
    items: list[str] = []
    seen: set[tuple[str, str, str]] = set()
    for figure in figures:
        value = figure_text(figure)
        noun = one_line(figure.noun, 60)
        per = one_line(figure.per, 30)
        key = (value, noun.casefold(), per.casefold())
        if key in seen:
            continue
        seen.add(key)
        words = " ".join(part for part in (noun, f"per {per}" if per else "") if part)
        items.append(f"- **{markdown_literal(value)}**" + (f" {markdown_literal(words)}" if words else ""))
    return items


def story_markdown(story: Story) -> str:
    """*story* as a Markdown document (see the module docstring)."""
    title = markdown_literal(one_line(story.title, 300)) or "(untitled)"
    lines = [f"# {title}", ""]
    feed = one_line(story.feed_title, 120)
    if feed:
        lines.append(f"- Source: {markdown_literal(feed)}")
    lines.append(f"- Date: {story.published.astimezone():%Y-%m-%d %H:%M %Z}".rstrip())
    link = safe_web_url(story.link)
    if link:
        lines.append(f"- Link: <{link}>")
    body = _MARKS.sub("", clean(story.body)).strip()
    if body:
        lines += ["", body]
    figures = key_figures(story.figures)
    if figures:
        lines += ["", "## Key figures", "", *figures]
    return "\n".join(lines) + "\n"


def slug(title: str, limit: int = 60) -> str:
    """A file-name-safe version of *title*: ASCII letters and digits joined
    by hyphens ("HarmonyOS passes 27 million" → ``harmonyos-passes-27-million``)."""
    ascii_text = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    text = "-".join(re.findall(r"[a-z0-9]+", ascii_text.lower()))
    return text[:limit].rstrip("-") or "story"


def default_path(title: str) -> str:
    """Where "Save story as Markdown…" proposes to write: in the home
    directory, named after the story, written with ``~`` as users type it."""
    return f"~/digest-{slug(title)}.md"


def write_markdown(where: str, text: str) -> Path:
    """Write *text* to the file *where* names (``~`` expanded). An existing
    file is never overwritten and a missing folder is not created: a typo
    in the path must not replace or scatter the user's files."""
    if not where.strip():
        raise SaveError("no file name given")
    path = Path(where.strip()).expanduser()
    if not path.parent.is_dir():
        raise SaveError(f"there is no folder {path.parent}")
    try:
        with path.open("x", encoding="utf-8") as file:
            file.write(text)
    except FileExistsError:
        raise SaveError(f"{path} already exists; choose another name") from None
    except OSError as error:
        raise SaveError(f"cannot write {path}: {error.strerror}") from None
    return path
