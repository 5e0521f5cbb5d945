"""html.parser's events for well-formed HTML, read with one regular expression.

``html.parser`` finds each tag, attribute and reference with several
regular-expression calls and a Python loop around them: on the HTML feeds
carry, tokenising was about 40% of the one-pass converter's time
(:mod:`tui.core.html_fast`). Feed bodies are nearly always well formed:
quoted attributes, closed comments, references ending in ";". For that
strict subset, :func:`scan` reads each token with one match and makes the
very calls ``HTMLParser.feed`` would make on the same handler, in the same
order with the same arguments (text may arrive in other pieces, which the
handler joins).

Anything outside the subset (a bare "&", "<" before a non-letter, an
unquoted attribute value other than a plain word, a doctype, CDATA,
``<script>``/``<style>`` and the other elements whose text html.parser
reads raw) stops the scan: it returns False, and the caller starts over
with ``HTMLParser``. tests/unit/test_html_scan.py checks the events against
html.parser's on the shared corpus, the bench feeds and random fragments.
"""

from __future__ import annotations

import re
from html import unescape
from typing import Protocol

_SPACE = "[ \t\n\r\f]"
_NAME = "[a-zA-Z][a-zA-Z0-9]*"
# A quoted value, or an unquoted word followed by a space or the tag's end
# (html.parser reads "a=b/>" as the value "b/", not as a self-closing tag);
# \Z: the end of a tag's attributes, when they are read on their own.
_VALUE = rf"""(?:"([^"]*)"|'([^']*)'|([-a-zA-Z0-9_.:#%]+)(?={_SPACE}|>|\Z))"""
_ATTRIBUTE = rf"{_SPACE}+([a-zA-Z_:][-a-zA-Z0-9_:.]*)(?:{_SPACE}*={_SPACE}*{_VALUE})?"
_TOKEN = re.compile(
    rf"""
    (?P<text>[^<&]+)
  | <(?P<tag>{_NAME})(?P<attrs>(?:{_ATTRIBUTE})*){_SPACE}*(?P<slash>/?)>
  | </(?P<end>{_NAME})>
  | &\#(?P<number>[0-9]+|[xX][0-9a-fA-F]+);
  | &(?P<entity>{_NAME});
  | <!--(?![->])(?P<comment>(?:[^-]|-(?!-))*)-->
    """,
    re.VERBOSE,
)
_ATTRIBUTES = re.compile(_ATTRIBUTE)
# Elements whose content html.parser reads as raw text, in some Python
# version or other: their content is not tokens.
_RAW_TEXT = frozenset(
    (
        *("script", "style", "textarea", "title", "xmp", "iframe", "noembed"),
        *("noframes", "noscript", "plaintext"),
    )
)


class Handler(Protocol):
    """The part of ``HTMLParser``'s handler interface a scan calls."""

    def handle_data(self, data: str) -> None: ...
    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None: ...
    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None: ...
    def handle_endtag(self, tag: str) -> None: ...
    def handle_charref(self, name: str) -> None: ...
    def handle_entityref(self, name: str) -> None: ...
    def handle_comment(self, data: str) -> None: ...


def scan(html: str, handler: Handler) -> bool:
    """Feed *html*'s events to *handler* as ``HTMLParser`` (with
    ``convert_charrefs=False``) would; False as soon as the input leaves
    the strict subset, after some events have been made."""
    match = _TOKEN.match
    position, end = 0, len(html)
    while position < end:
        token = match(html, position)
        if token is None:
            return False
        position = token.end()
        kind = token.lastgroup  # (the start tag's "slash" group closes last)
        if kind == "text":
            handler.handle_data(token["text"])
        elif kind == "slash":
            name = token["tag"].lower()
            if name in _RAW_TEXT:
                return False
            attrs = _attributes(token["attrs"]) if token["attrs"] else []
            if token["slash"]:
                handler.handle_startendtag(name, attrs)
            else:
                handler.handle_starttag(name, attrs)
        elif kind == "end":
            handler.handle_endtag(token["end"].lower())
        elif kind == "number":
            handler.handle_charref(token["number"])
        elif kind == "entity":
            handler.handle_entityref(token["entity"])
        else:
            handler.handle_comment(token["comment"])
    return True


def _attributes(text: str) -> list[tuple[str, str | None]]:
    """A start tag's attributes as html.parser lists them: names in lower
    case, values unquoted and unescaped, None for a bare name."""
    attrs: list[tuple[str, str | None]] = []
    for found in _ATTRIBUTES.finditer(text):
        name, double, single, bare = found.groups()
        value = double if double is not None else single if single is not None else bare
        if value and "&" in value:
            value = unescape(value)
        attrs.append((name.lower(), value))
    return attrs
