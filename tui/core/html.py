"""The one place where HTML becomes Markdown.

Feed entries and article pages arrive as HTML that may carry scripts,
trackers, event handlers and links with dangerous schemes. Most of it takes
the one-pass converter of :mod:`tui.core.html_fast`; the rest we parse once
with BeautifulSoup, remove active content *elements* (never passing
``script``/``style`` to markdownify's ``strip=``, which keeps their source as
text), neutralise links whose scheme is not http(s), resolve relative links
against the page, and only then let markdownify write Markdown. The result
goes through the sanitiser, because markdownify decodes character references
such as ``&#27;`` into real control characters.

bs4 and markdownify are imported only when a fragment first takes that
general path: with soupsieve they are a quarter of a parse worker's
start-up, and most refreshes never need them.
"""

from __future__ import annotations

import re
import sys
from functools import cache
from typing import TYPE_CHECKING, Any

from tui.core.html_fast import fast_markdown
from tui.core.html_rules import DROP, EMBED_TEXT, EMBEDS, is_tracking_pixel
from tui.core.sanitize import clean
from tui.core.urls import web_link

if TYPE_CHECKING:
    from bs4 import BeautifulSoup

_DROP_ATTRS = frozenset({"style", "srcset", "xlink:href", "formaction"})
_LOOKS_LIKE_HTML = re.compile(r"<\s*/?\s*[a-zA-Z][a-zA-Z0-9]*(\s[^<>]*)?/?\s*>|&[#a-zA-Z0-9]+;")
_BLANK_LINES = re.compile(r"\n{3,}")
_TRAILING_SPACES = re.compile(r"[ \t]+\n")
# A "](" not followed by a web URL (whether it is already escaped, after an
# odd run of backslashes, is decided by _escape_text_link).
_TEXT_LINK = re.compile(r"\]\((?!https?://)")
# A numeric character reference long enough to be past U+10FFFF, or to
# pass Python's 4,300-digit limit on int() that bs4 hits reading it; only
# where html.parser reads one (not followed by a hex digit: "&#123b" is text).
_LONG_REFERENCE = re.compile(r"&#(?:[xX]([0-9a-fA-F]{7,})|([0-9]{8,}))(?=[^0-9a-fA-F])")


@cache
def _general_classes() -> tuple[type, type]:
    """The bs4 Tag class and markdownify converter the general path uses,
    defined on first use (importing bs4 and markdownify then)."""
    import warnings

    from bs4 import MarkupResemblesLocatorWarning, Tag
    from markdownify import MarkdownConverter

    # Feed text that happens to look like a URL or a file name is still
    # text; bs4's warning about it would only reach the terminal as noise.
    warnings.filterwarnings("ignore", category=MarkupResemblesLocatorWarning)

    class FastTag(Tag):
        """A bs4 Tag whose ``find_parent(name)`` walks the parents directly.

        markdownify asks every tag whether it sits inside a ``<pre>``; bs4's
        general search machinery made that a fifth of the conversion time.
        """

        def find_parent(self, name=None, attrs=None, **kwargs):  # noqa: ANN001
            if isinstance(name, str) and not attrs and not kwargs:
                parent = self.parent
                while parent is not None:
                    if parent.name == name:
                        return parent
                    parent = parent.parent
                return None
            return super().find_parent(name, attrs, **kwargs)

    class Converter(MarkdownConverter):
        """markdownify with ATX headings and tables kept simple."""

        def convert_img(self, el: Any, text: str, parent_tags: set[str]) -> str:
            # Images are not shown in a terminal; keep their description only.
            alt = (el.get("alt") or "").strip()
            return f"[image: {alt}]" if alt else ""

    return FastTag, Converter


def looks_like_html(text: str) -> bool:
    """True when *text* contains tags or character references, i.e. it
    needs :func:`html_to_markdown` rather than being plain text."""
    return bool(_LOOKS_LIKE_HTML.search(text))


def _neutralise(soup: BeautifulSoup, base_url: str | None) -> None:
    """One walk over the tree: drop active elements, turn frames into
    links, strip event handlers and inline styles, resolve or disarm links.
    (One pass matters: a search per element name cost as much as the
    whole Markdown conversion.)"""
    from bs4 import Tag

    for element in [node for node in soup.descendants if isinstance(node, Tag)]:
        # Inside an element dropped earlier in the walk? (Read the flag from
        # __dict__: bs4 turns a missing attribute into a tree search.)
        if element.__dict__.get("_decomposed"):
            continue
        name = element.name
        if name in DROP:
            element.decompose()
            continue
        if name in EMBEDS:
            src = web_link(base_url, element.get("src"))
            if src:
                link = soup.new_tag("a", href=src)
                link.string = EMBED_TEXT
                element.replace_with(link)
            else:
                element.decompose()
            continue
        attrs = element.attrs
        if attrs:
            for attribute in [
                a for a in attrs if a.lower().startswith("on") or a.lower() in _DROP_ATTRS
            ]:
                del attrs[attribute]
        if name == "a":
            target = web_link(base_url, attrs.get("href"))
            if target:
                attrs["href"] = target
            else:
                attrs.pop("href", None)
        elif name == "img" and is_tracking_pixel(attrs):
            element.decompose()


def html_to_markdown(html: str, base_url: str | None = None) -> str:
    """Convert an HTML fragment or page to safe Markdown.

    Relative links are resolved against *base_url*; links that are not
    http(s) keep their text and lose their target. Most feed HTML takes the
    one-pass converter of :mod:`tui.core.html_fast` (same Markdown, a
    fraction of the time); anything it does not handle with certainty takes
    the general bs4 + markdownify path. Documents nested too deeply for
    markdownify's recursion fall back to their plain text rather than
    failing the whole feed.
    """
    if not html or not html.strip():
        return ""
    markdown = fast_markdown(html, base_url)
    if markdown is None:
        markdown = _markdownify(html, base_url)
    return _finish(markdown)


def _general_markdown(html: str, base_url: str | None = None) -> str:
    """:func:`html_to_markdown` by the general path only: the reference the
    fast path's parity test and benchmark compare against."""
    if not html or not html.strip():
        return ""
    return _finish(_markdownify(html, base_url))


def _markdownify(html: str, base_url: str | None) -> str:
    from bs4 import BeautifulSoup, Tag

    fast_tag, converter = _general_classes()
    if "&#" in html:
        html = _LONG_REFERENCE.sub(_bounded_reference, html)
    soup = BeautifulSoup(html, "html.parser", element_classes={Tag: fast_tag})
    try:
        _neutralise(soup, base_url)
        return converter(heading_style="ATX", bullets="-", escape_misc=False).convert_soup(soup)
    except (RecursionError, ValueError):
        # Too deep for markdownify's recursion, or a number it cannot read
        # (an <ol start> of thousands of digits): the text, not a failed feed.
        return _plain_text(soup)


def _bounded_reference(match: re.Match[str]) -> str:
    """A long numeric reference as itself when it names a character (its
    leading zeros aside), else as U+FFFD's, as the fast path reads it."""
    hexadecimal, decimal = match.groups()
    digits = (hexadecimal or decimal).lstrip("0")
    if hexadecimal is not None:
        valid = len(digits) <= 6 and int(digits or "0", 16) <= 0x10FFFF
    else:
        valid = len(digits) <= 7 and int(digits or "0") <= 0x10FFFF
    return match.group(0) if valid else "&#65533"


def _finish(markdown: str) -> str:
    # Sanitise after converting: markdownify and html_fast both decode
    # character references such as "&#27;" into real control characters.
    return tidy(defuse_text_links(clean(markdown)))


def defuse_text_links(markdown: str) -> str:
    """Escape Markdown link syntax that came from the page's *text*.

    Every link this module writes points to http(s) (see _neutralise), so a
    ``](`` followed by anything else was written by the feed as text, such
    as ``[click](javascript:alert(1))`` or ``![x](file:///etc/passwd)``:
    left alone, a Markdown viewer would make it a link again.

    (The search starts at each "](", not at every backslash run: a pattern
    that looked behind for the backslashes cost 50 µs per story.)"""
    if "](" not in markdown:
        return markdown
    return _TEXT_LINK.sub(_escape_text_link, markdown)


def _escape_text_link(match: re.Match[str]) -> str:
    text, before = match.string, match.start()
    while before and text[before - 1] == "\\":
        before -= 1
    escaped = (match.start() - before) % 2
    return match.group() if escaped else "\\]("


def _plain_text(soup: BeautifulSoup) -> str:
    # get_text walks the tree iteratively, so it survives any depth.
    limit = sys.getrecursionlimit()
    try:
        return soup.get_text("\n")
    finally:
        sys.setrecursionlimit(limit)


def tidy(markdown: str) -> str:
    """Trim trailing spaces and runs of blank lines, which feeds produce in
    abundance and which would waste the reader's screen."""
    # Substituting costs as much as searching; most text needs neither.
    if " \n" in markdown or "\t\n" in markdown:
        markdown = _TRAILING_SPACES.sub("\n", markdown)
    if "\n\n\n" in markdown:
        markdown = _BLANK_LINES.sub("\n\n", markdown)
    return markdown.strip()


def text_to_markdown(text: str) -> str:
    """Plain text (JSON Feed ``content_text``, a text/plain summary) as
    Markdown: paragraphs kept, characters Markdown would misread escaped."""
    escaped = re.sub(r"([\\`*_\[\]<>])", r"\\\1", clean(text))
    escaped = re.sub(r"(?m)^(\s*)([#>+-])(\s)", r"\1\\\2\3", escaped)
    escaped = re.sub(r"(?m)^(\s*\d+)\.(\s)", r"\1\\.\2", escaped)
    return tidy(escaped)
