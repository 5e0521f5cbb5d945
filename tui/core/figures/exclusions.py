"""Numbers that report no amount: years, dates, times, names, identifiers, scores.

Precision is the hard part of figure extraction: news prose is full of digits
that count nothing ("HarmonyOS 6", "since 2021", "June 5", "CVE-2024-1234",
"Section 230", "a 3-1 win"). Each rule here looks only at the few characters
around a number and at lexicons in ``data/``; :func:`rejection` returns the
first reason that applies, or ``None``. The rules are general shapes (a
capitalised name just before a bare number, letters glued to digits, a month
beside a day) rather than a list of known products, so that they hold for
products launched after the lists were written.
"""

from __future__ import annotations

import re

from .document import Document, strip_punctuation
from .lexicon import lexicon
from .quantities import Quantity, token_after, token_before

_COMPOUND_TAIL = re.compile(r"(?:[-–/.:][0-9A-Za-z]+)+")
_MIXED_CASE = re.compile(r"[a-z][A-Z]")
_AGE_WORDS = frozenset({"aged", "age", "ages"})
_SCORE_WORDS = frozenset(
    ["won", "win", "wins", "beat", "beats", "beaten", "lost", "lose", "loses", "drew", "draw", "draws", "defeat", "defeated", "victory", "score", "scored", "scoreline", "lead", "led", "trail", "trailed", "vote", "voted", "votes"]
)


_GLUE = frozenset("_#№+/@&\\")
_AMOUNT_KINDS = frozenset(("money", "percent", "measure", "multiple"))
_LEX = lexicon()
_MONTHS = _LEX.months
_TIMES = _LEX.times
_NAME_WORDS = _LEX.name_words


def skip_compound(doc: Document, pos: int) -> int:
    """Where a glued chain such as ``-2024-1234`` or ``.3.1`` ends."""
    match = _COMPOUND_TAIL.match(doc.view, pos)
    return match.end() if match else pos


def rejection(doc: Document, q: Quantity) -> str | None:
    """Why *q* is not a figure, or ``None`` when no rule objects."""
    view = doc.view
    word = q.word
    if word is None:
        reason = _digit_shape(doc, q)
        if reason:
            return reason
    end = q.end
    end_char = view[end:end + 1]
    if end_char.isalnum():
        return "glued letters after"  # 5G, 4K, 1990s, 10th, 3D
    if end_char in "-–" and view[end + 1:end + 2].isalpha():
        return "hyphenated compound"  # 3-in-1, 5-star, 2,500-strong
    if end_char in ",." and view[end + 1:end + 2].isdigit():
        return "glued digits after"
    kind = q.kind
    if kind == "duration":
        return "duration"
    if kind is None and q.ranged and not q.scale_token:
        reason = _bare_range(doc, q)
        if reason:
            return reason
    if word is not None and view[q.num_start].isupper() and _inside_name(doc, q):
        return "capitalised number word inside a name"  # the Ford Five Hundred
    if kind in _AMOUNT_KINDS or q.scale_token:
        return _date_or_time(doc, q) if kind is None else None
    return _date_or_time(doc, q) or _name_or_identifier(doc, q)


def _digit_shape(doc: Document, q: Quantity) -> str | None:
    view = doc.view
    raw = q.raw
    start = q.num_start
    before = view[start - 1] if start else ""
    if before and not q.currency_prefix:
        if before.isalnum() or before in _GLUE:
            return "glued to a word before"  # S24, MH370, FY2025, #1, +44
        if before in "-–." and start >= 2 and view[start - 2].isalnum():
            return "glued to a word before"  # COVID-19, CVE-2024, v1.2
        if before == "'" and len(raw) == 2:
            return "abbreviated year"  # '04
    if q.kind is not None or q.scale_token:
        return None
    if raw.isdigit():
        digits = len(raw)
        if digits == 4 and 1800 <= q.value <= 2100:
            return "year"
        if digits >= 5:
            return "long digit string"  # ZIP codes, IDs
    if q.ranged:
        return None
    after = view[q.num_end:q.num_end + 2]
    if after[:1] == " " and after[1:2].isdigit() and "," not in raw:
        return "digit groups (phone, code)"
    if before == "(" and after == ") " and view[q.num_end + 2:q.num_end + 3].isdigit():
        return "phone area code"
    return None


def _inside_name(doc: Document, q: Quantity) -> bool:
    previous = token_before(doc, q)
    if previous is None or previous[0][-1:] in ".!?:;\"'“”(":
        return False
    return not doc.is_title_case(q.start)


def _bare_range(doc: Document, q: Quantity) -> str | None:
    """"10-15 people" is a range; "3-1" a score, "2024-25" a season, "555-1234" a phone."""
    low_text, _, high_text = q.raw.replace("–", "-").partition("-")
    try:
        low, high = float(low_text.replace(",", "")), float(high_text.replace(",", "").strip())
    except ValueError:
        return "not a range"
    if high <= low:
        return "score"
    if len(high_text.strip()) >= 4 and "," not in high_text:
        return "phone or code"
    previous = token_before(doc, q)
    if previous and strip_punctuation(previous[0]).lower() in _SCORE_WORDS:
        return "score"
    if 1800 <= low <= 2100:
        return "year range"
    return None


def _date_or_time(doc: Document, q: Quantity) -> str | None:
    previous = token_before(doc, q)
    if previous is not None:
        token = previous[0]
        word = token.rstrip(".")
        if word[:1].isupper() and word.lower() in _MONTHS and token[-1:] not in ",;:":
            return "date"  # June 5, Dec. 5
    following = token_after(doc, q)
    if following is not None:
        token = following[0]
        word = strip_punctuation(token)
        lower = word.lower()
        if word[:1].isupper() and lower in _MONTHS:
            return "date"  # 5 June
        if token.lower().rstrip(",;:)") in _TIMES or lower in _TIMES:
            return "clock time"  # 1405 GMT, 3 p.m.
    return None


def _name_or_identifier(doc: Document, q: Quantity) -> str | None:
    """A bare number after a name is part of the name (Windows 11, Section 230)."""
    lex = _LEX
    previous = token_before(doc, q)
    if previous is not None:
        token = previous[0]
        word = token.lower()
        if word in _AGE_WORDS:
            return "age"
        if word in _NAME_WORDS or word.rstrip(".") in _NAME_WORDS:
            return "name or identifier"  # version 3, Section 230, page 5, Xbox 360
        if token[-1:] not in ",;:.!?)\"'" and _is_name_word(doc, q, token):
            return "product or model name"
    following = token_after(doc, q)
    if following is not None:
        token = strip_punctuation(following[0])
        if token in lex.model_suffixes:
            return "product or model name"  # Mate 80 Pro
        if token[:1].isupper() and _street_follows(doc, following[1]):
            return "address"
    return None


def _is_name_word(doc: Document, q: Quantity, token: str) -> bool:
    """Is *token*, just before a bare number, (part of) a name?"""
    lex = _LEX
    token = token.lstrip("(\"'“‘")
    if not token or not token[0].isalpha():
        return False
    if not token.isalpha() and any(c.isdigit() for c in token):  # (no letter is a digit)
        return True  # Galaxy S24 Ultra 5, RTX4090 2
    if token.islower():
        return False  # no capital, so no rule below applies: "tariffs 19,256"
    lower = token.lower()
    if lower in lex.title_words:
        return False
    if _MIXED_CASE.search(token):
        return True  # iPhone 15, HarmonyOS 6, MacBook 12
    # (Whether the line is a headline is looked up only where it decides.)
    if token.isupper() and len(token.replace("-", "")) >= 2:
        # XP 2500, USB 3, TFC 101 (but not in "MARSH CUTS 2,500 JOBS")
        return not doc.is_title_case(q.start)
    if token[0].isupper():
        # In a Title Case headline every word is capitalised: only a verb
        # ("Marsh Cuts 2,500 Jobs") may stand before a figure.
        return not (lower in lex.headline_verbs and doc.is_title_case(q.start))  # Windows 11
    return False


def _street_follows(doc: Document, pos: int) -> bool:
    lex = _LEX
    for _ in range(3):
        following = doc.next_token(pos)
        if following is None:
            return False
        word = strip_punctuation(following[0]).lower()
        if word in lex.street_words:
            return True
        if not following[0][:1].isupper():
            return False
        pos = following[1]
    return False
