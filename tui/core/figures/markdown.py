"""A same-length view of Markdown in which the syntax is blanked out.

The store keeps story bodies as Markdown (from markdownify), and the reader
highlights figures in that very text. So the extractor must see ``**27
million**`` as ``27 million``, never read a number out of a link's URL or an
ordered-list marker, and still report offsets into the stored string. Rather
than converting to plain text and mapping offsets back, :func:`mask_markdown`
returns a string of exactly the same length in which Markdown punctuation,
URLs, code and HTML tags are replaced by spaces (table pipes by newlines, so
that cells do not run together). Every offset into the view is an offset into
the source.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import partial

# Cheap tests first: plain prose (most of what feeds carry) skips every pass.
_TRIGGER_CHARS = "*_[]`<|#>\\~@\x1b"
_LIST_START = re.compile(r"\n[ \t]*(?:[-+]|\d{1,9}[.)])[ \t]")

_FENCED = re.compile(r"^[ \t]*(`{3,}|~{3,})[^\n]*\n.*?(?:^[ \t]*\1[ \t]*$|\Z)", re.M | re.S)
_INLINE_CODE = re.compile(r"(`+)[^`\n]+?\1")
_IMAGE_ALT = re.compile(r"\[image:[^\]\n]*\]")
_IMAGE = re.compile(r"!\[[^\]\n]*\]\([^)\n]*\)")
_LINK = re.compile(r"\[([^\[\]\n]*)\](\([^)\n]*\)|\[[^\]\n]*\])")
_LINK_DEF = re.compile(r"^[ \t]*\[[^\]\n]+\]:[ \t]*\S.*$", re.M)
_CITATION = re.compile(r"\[\^?\d{1,3}\]")
_URL = re.compile(r"(?:https?://|www\.)[^\s<>()\[\]]+")
_EMAIL = re.compile(r"@[\w-]+\.[\w.-]+")
_EMAIL_LOCAL = re.compile(r"[\w.+-]+$")
# Terminal escape sequences (CSI "ESC[31m", OSC "ESC]0;title BEL") in text
# that never went through the sanitiser, such as a file given to the CLI.
_ESCAPES = re.compile(r"\x1b(?:\[[0-9;?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)?|.)?")
_TAG = re.compile(r"</?[A-Za-z][^<>\n]{0,200}>")
_ESCAPE = re.compile(r"\\(?=[\\`*_{}\[\]()#+\-.!|>~$])")
# (A leading single item rather than "[*_~]+" lets the engine skip to candidates.)
_EMPHASIS = re.compile(r"[*_~][*_~]*+")
# Quote, heading and list markers and horizontal rules, each at a line start.
# Matched after the line's "\n" (the text gets one in front) rather than
# at "^": the regex engine then jumps from line break to line break instead
# of trying the pattern at every character. Every match lies within a line.
_LINE_MARKERS = re.compile(
    r"\n(?:(?:[ \t]*>)+[ \t]?|[ \t]*#{1,6}(?=[ \t])|[ \t]*(?:[-*+]|\d{1,9}[.)])(?=[ \t])"
    r"|[ \t]*(?:[-*_][ \t]*){3,}$)",
    re.M,
)
_TABLE_RULE = re.compile(r"^[ \t]*\|?(?:[ \t]*:?-{2,}:?[ \t]*\|)+[ \t]*(?::?-{2,}:?[ \t]*)?$", re.M)


def _blank(match: re.Match[str]) -> str:
    return " " * (match.end() - match.start())


def _blank_keep_newlines(match: re.Match[str]) -> str:
    return re.sub(r"[^\n]", " ", match.group())


def _emphasis(match: re.Match[str]) -> str:
    """Blank ``*``/``**``, ``~~`` and ``_`` used as emphasis, but keep an
    underscore inside a word (``snake_case``) and a lone tilde (``~5``)."""
    text = match.group()
    if text[0] == "~" and len(text) < 2:
        return text
    if text[0] == "_":
        string, start, end = match.string, match.start(), match.end()
        inside = (start > 0 and string[start - 1].isalnum()
                  and end < len(string) and string[end].isalnum())
        if inside:
            return text
    return " " * len(text)


def _blank_emphasis(view: str) -> str:
    """:func:`_emphasis` over the whole view. Without an underscore or a
    tilde, every run the pattern finds is of asterisks, all blanked: one
    ``str.replace`` does that, without a Python call per run."""
    if "_" not in view and "~" not in view:
        return view.replace("*", " ")
    return _EMPHASIS.sub(_emphasis, view)


def _blank_emails(view: str) -> str:
    """Blank e-mail addresses; the pattern anchors on "@" (fast) and the
    local part is found by looking back from it."""
    parts: list[str] = []
    last = 0
    for match in _EMAIL.finditer(view):
        local = _EMAIL_LOCAL.search(view, max(last, match.start() - 64), match.start())
        start = local.start() if local else match.start()
        parts.append(view[last:start])
        parts.append(" " * (match.end() - start))
        last = match.end()
    parts.append(view[last:])
    return "".join(parts)


def _blank_after_newline(match: re.Match[str]) -> str:
    return "\n" + " " * (match.end() - match.start() - 1)


def _blank_line_markers(view: str) -> str:
    return _LINE_MARKERS.sub(_blank_after_newline, "\n" + view)[1:]


def _link(match: re.Match[str]) -> str:
    # Keep the link's text where it stands; blank the brackets and the target.
    return " " + match.group(1) + " " * (len(match.group(2)) + 1)


_PASSES: tuple[tuple[tuple[str, ...], Callable[[str], str]], ...] = (
    (("\x1b",), partial(_ESCAPES.sub, _blank)),
    (("```", "~~~"), partial(_FENCED.sub, _blank_keep_newlines)),
    (("`",), partial(_INLINE_CODE.sub, _blank)),
    (("[image:",), partial(_IMAGE_ALT.sub, _blank)),
    (("![",), partial(_IMAGE.sub, _blank)),
    (("]:",), partial(_LINK_DEF.sub, _blank)),
    (("[",), partial(_CITATION.sub, _blank)),
    (("](", "]["), partial(_LINK.sub, _link)),
    (("://", "www."), partial(_URL.sub, _blank)),
    (("<",), partial(_TAG.sub, _blank)),
    (("\\",), partial(_ESCAPE.sub, _blank)),
    (("*", "_", "~~"), _blank_emphasis),
    (("#", ">", "-", "+", "*", ". ", ") "), _blank_line_markers),
    (("|",), partial(_TABLE_RULE.sub, _blank)),
)


def _gate(trigger: str) -> str:
    """A character of *trigger* that prose seldom holds (the "`" of "```",
    the "/" of "://"), or "" if it has none. Looking for one character is a
    memchr, several times cheaper than looking for a string, so the string
    is looked for only where its gate is in the text."""
    return next((char for char in trigger if not (char.isalnum() or char in ". :")), "")


_GATED_PASSES = tuple(
    (tuple((trigger, _gate(trigger)) for trigger in triggers), blank)
    for triggers, blank in _PASSES
)


def _has_trigger(text: str) -> bool:
    """Does *text* hold one of :data:`_TRIGGER_CHARS`? (A loop of ``in``
    tests, each a memchr: what ``any`` over a generator does, without it.)"""
    for char in _TRIGGER_CHARS:  # noqa: SIM110 (see above)
        if char in text:
            return True
    return False


def mask_markdown(text: str) -> str:
    """Return *text* with Markdown syntax blanked, keeping every offset.

    ``len(mask_markdown(t)) == len(t)`` always holds, and every character
    that is kept is kept in place.
    """
    if not _has_trigger(text) and ("/" not in text or "://" not in text) \
            and "www." not in text and not _LIST_START.search(text) \
            and not (text[:1] in "-+" or text[:1].isdigit()):
        return text
    view = text
    # (Plain loops: a generator per pass cost a third of this function.)
    for triggers, blank in _GATED_PASSES:
        for trigger, gate in triggers:
            if (not gate or gate in view) and (trigger == gate or trigger in view):
                view = blank(view)
                break
    if "@" in view:
        view = _blank_emails(view)
    if "|" in view:
        view = view.replace("|", "\n")
    return view
