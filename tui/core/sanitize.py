"""The one sanitiser for text that came from outside (feeds, pages, configs).

Terminals obey escape sequences wherever they appear in the byte stream, and
Textual passes control characters in widget text straight through. So every
string that a feed, a web page or a config file supplied goes through
:func:`clean` before it reaches a widget, a notification, a log line or an
error message, and through :func:`one_line` where it must stay on one line.

What is removed: C0 controls except tab and newline (a lone or paired CR
becomes a newline), DEL, C1 controls (U+0080–U+009F, which some terminals
read as CSI/OSC/ST), bidirectional overrides, embeddings and isolates (which
can make ``invoice_\u202etxt.exe`` read backwards), and invisible
zero-width spaces and word joiners. The zero-width *joiners* U+200C/U+200D are
kept: scripts such as Urdu, Persian and Hindi, and emoji sequences, need them
and they cannot start an escape sequence.
"""

from __future__ import annotations

import json
import re

_CONTROL = re.compile(
    "["
    "\x00-\x08\x0b\x0c\x0e-\x1f"  # C0 except \t \n \r
    "\x7f-\x9f"  # DEL and C1
    "\u061c\u200b\u200e\u200f"  # Arabic letter mark, ZWSP, LRM, RLM
    "\u202a-\u202e"  # bidi embeddings and overrides
    "\u2060-\u2064\u2066-\u2069"  # word joiner, invisible operators, isolates
    "\ufeff\ufff9-\ufffb"  # BOM/ZWNBSP, interlinear annotation controls
    "]"
)
_NEWLINES = re.compile(r"\r\n?")
_SPACES = re.compile(r"\s+")


def clean(text: str | None) -> str:
    """Return *text* with every control character that could reach the
    terminal as a command removed. Newlines and tabs are kept."""
    if not text:
        return ""
    if "\r" in text:
        text = _NEWLINES.sub("\n", text)
    return _CONTROL.sub("", text)


def one_line(text: str | None, limit: int | None = None) -> str:
    """:func:`clean`, then fold all whitespace (newlines included) into single
    spaces, for titles, feed names and one-line messages. With *limit*, cut
    to at most that many characters, ending with an ellipsis."""
    line = _SPACES.sub(" ", clean(text)).strip()
    if limit is not None and len(line) > limit:
        line = line[: max(limit - 1, 0)].rstrip() + "…"
    return line


def is_clean(text: str) -> bool:
    """True when :func:`clean` would leave *text* unchanged."""
    return "\r" not in text and _CONTROL.search(text) is None


def mask(text: str) -> str:
    """*text* with every character :func:`clean` would remove replaced by
    U+FFFD (and CR by a newline) instead: terminal-safe, yet the same
    length, so offsets into *text* (``digest figures --text``) still hold."""
    return _CONTROL.sub("\ufffd", text.replace("\r", "\n"))


def json_dumps(value: object, **options: object) -> str:
    """:func:`json.dumps` with ``ensure_ascii=False`` whose output is
    terminal-safe: C0 controls are escaped by JSON itself; DEL, C1, bidi
    and zero-width characters, which JSON leaves raw, are written as
    ``\\uXXXX`` escapes too. The value a JSON reader gets is unchanged."""
    text = json.dumps(value, ensure_ascii=False, **options)  # type: ignore[arg-type]
    return _CONTROL.sub(lambda match: f"\\u{ord(match.group()):04x}", text)


# Every ASCII character that can start or end Markdown/CommonMark syntax,
# and "&" where it would begin an entity ("&#91;" is a bracket again).
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#+!|~-])|&(?=#?\w+;)")


def markdown_literal(text: str) -> str:
    """*text* as Markdown that renders as exactly these characters: every
    character that could start markup is backslash-escaped, so a feed's
    "[x](javascript:…)", "<script>" or "**" stays text. Sanitise first
    (:func:`clean` or :func:`one_line`): this only escapes."""
    return _MARKDOWN_SPECIAL.sub(lambda match: "\\" + (match.group(1) or "&"), text)


def markdown_link_target(url: str) -> str:
    """A checked URL as a Markdown link destination: the characters that
    could end it early and open a link of the feed's own making
    (parentheses, brackets, spaces, backslashes) percent-encoded."""
    return re.sub(r"[()\[\]<>\s\\`]", lambda m: f"%{ord(m.group()):02X}", one_line(url))
