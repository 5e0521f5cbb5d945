"""The one place where HTML becomes Markdown.

Feed entries and article pages arrive as HTML that may carry scripts,
trackers, event handlers and links with dangerous schemes. We parse it once
with BeautifulSoup, remove active content *elements* (never passing
``script``/``style`` to markdownify's ``strip=``, which keeps their source as
text), neutralise links whose scheme is not http(s), resolve relative links
against the page, and only then let markdownify write Markdown. The result
goes through the sanitiser, because markdownify decodes character references
such as ``&#27;`` into real control characters.
"""

from __future__ import annotations

import re
import sys

from bs4 import BeautifulSoup, Tag
from markdownify import MarkdownConverter

from tui.core.sanitize import clean
from tui.core.urls import resolve, safe_web_url

# Elements whose content is never reading matter.
_DROP = frozenset(
    (
        "script",
        "style",
        "noscript",
        "template",
        "object",
        "embed",
        "applet",
        "form",
        "input",
        "button",
        "select",
        "textarea",
        "meta",
        "base",
        "link",
        "svg",
        "math",
        "canvas",
        "audio",
        "head",
        "title",
        "frameset",
        "frame",
    )
)
_DROP_ATTRS = frozenset({"style", "srcset", "xlink:href", "formaction"})
_LOOKS_LIKE_HTML = re.compile(r"<\s*/?\s*[a-zA-Z][a-zA-Z0-9]*(\s[^<>]*)?/?\s*>|&[#a-zA-Z0-9]+;")
_BLANK_LINES = re.compile(r"\n{3,}")
_TRAILING_SPACES = re.compile(r"[ \t]+\n")


class _Converter(MarkdownConverter):
    """markdownify with ATX headings and tables kept simple."""

    def convert_img(self, el: Tag, text: str, parent_tags: set[str]) -> str:
        # Images are not shown in a terminal; keep their description only.
        alt = (el.get("alt") or "").strip()
        return f"[image: {alt}]" if alt else ""


def looks_like_html(text: str) -> bool:
    """True when *text* contains tags or character references, i.e. it
    needs :func:`html_to_markdown` rather than being plain text."""
    return bool(_LOOKS_LIKE_HTML.search(text))


def _neutralise(soup: BeautifulSoup, base_url: str | None) -> None:
    """One walk over the tree: drop active elements, turn frames into
    links, strip event handlers and inline styles, resolve or disarm links.
    (One pass matters: a search per element name cost as much as the
    whole Markdown conversion.)"""
    for element in soup.find_all(True):
        if element.decomposed:  # inside an element dropped earlier in the walk
            continue
        name = element.name
        if name in _DROP:
            element.decompose()
            continue
        if name in ("iframe", "video"):
            src = safe_web_url(resolve(base_url, element.get("src")))
            if src:
                link = soup.new_tag("a", href=src)
                link.string = "embedded content"
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
            href = attrs.get("href")
            target = safe_web_url(resolve(base_url, href)) if href else None
            if target:
                attrs["href"] = target
            else:
                attrs.pop("href", None)
        elif name == "img" and (
            attrs.get("width") in ("0", "1") or attrs.get("height") in ("0", "1")
        ):
            element.decompose()


def html_to_markdown(html: str, base_url: str | None = None) -> str:
    """Convert an HTML fragment or page to safe Markdown.

    Relative links are resolved against *base_url*; links that are not
    http(s) keep their text and lose their target. Documents nested too
    deeply for markdownify's recursion fall back to their plain text rather
    than failing the whole feed.
    """
    if not html or not html.strip():
        return ""
    soup = BeautifulSoup(html, "html.parser")
    try:
        _neutralise(soup, base_url)
        markdown = _Converter(heading_style="ATX", bullets="-", escape_misc=False).convert_soup(
            soup
        )
    except RecursionError:
        markdown = _plain_text(soup)
    return tidy(clean(markdown))


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
    markdown = _TRAILING_SPACES.sub("\n", markdown)
    return _BLANK_LINES.sub("\n\n", markdown).strip()


def text_to_markdown(text: str) -> str:
    """Plain text (JSON Feed ``content_text``, a text/plain summary) as
    Markdown: paragraphs kept, characters Markdown would misread escaped."""
    escaped = re.sub(r"([\\`*_\[\]<>])", r"\\\1", clean(text))
    escaped = re.sub(r"(?m)^(\s*)([#>+-])(\s)", r"\1\\\2\3", escaped)
    escaped = re.sub(r"(?m)^(\s*\d+)\.(\s)", r"\1\\.\2", escaped)
    return tidy(escaped)
