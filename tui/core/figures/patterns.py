"""Regular expressions compiled from the lexicon, once.

Speed comes from doing as little as possible per character: two scans find
candidate numbers (digits in the text, number words in its lower-cased copy),
and every other pattern here is *anchored*, matched only at a candidate's
edges. Patterns that look to the left of a number (currency signs,
qualifiers, the word before) are written reversed and matched at the start of
a short reversed window, so that they too are anchored matches instead of
searches.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

from .lexicon import lexicon

SPACE = "[ \u00a0]"


def _alternation(items: Iterable[str], *, reverse: bool = False) -> str:
    """An alternation of *items* as a trie ("p(?:er(?: cent|cent)|ct)" rather
    than "per cent|percent|pct"): the regex engine then walks one branch per
    character instead of trying hundreds of words in turn, and greedy
    optional branches still prefer the longest item."""
    root: dict[str, dict] = {}
    for item in set(items):
        node = root
        for char in item[::-1] if reverse else item:
            node = node.setdefault(char, {})
        node[""] = {}

    def build(node: dict[str, dict]) -> str:
        branches = [(SPACE if char == " " else re.escape(char)) + build(child)
                    for char, child in sorted(node.items()) if char]
        if not branches:
            return ""
        optional = "" in node
        if len(branches) == 1 and not optional:
            return branches[0]
        return "(?:" + "|".join(branches) + ")" + ("?" if optional else "")

    return build(root)


def word_trie(words: Iterable[str]) -> str:
    """An alternation grouped by first letter, which the regex engine tries
    much faster than a flat list of 40 words at every position."""
    groups: dict[str, list[str]] = {}
    for word in words:
        groups.setdefault(word[0], []).append(word[1:])
    parts = []
    for first, rests in sorted(groups.items()):
        rests.sort(key=len, reverse=True)
        parts.append(re.escape(first) + "(?:" + "|".join(map(re.escape, rests)) + ")")
    return "(?:" + "|".join(parts) + ")"


@dataclass(frozen=True, slots=True)
class Patterns:
    """The compiled patterns; see :func:`patterns`."""

    digits: re.Pattern[str]
    words: re.Pattern[str]
    scale: re.Pattern[str]
    unit: re.Pattern[str]
    rate: re.Pattern[str]
    money_per: re.Pattern[str]
    range_joint: re.Pattern[str]
    currency_prefix_rev: re.Pattern[str]
    qualifier_rev: re.Pattern[str]
    factor_rev: re.Pattern[str]
    token: re.Pattern[str]


def letter_trie(words: Iterable[str]) -> str:
    """An alternation of *words* as a full trie, letter by letter: for a
    pattern tried at tens of thousands of places, where the one-level
    :func:`word_trie` would try every word that shares a first letter."""
    return _alternation(words)


@cache
def patterns() -> Patterns:
    """Build every pattern from the lexicon (cached: built once per process)."""
    lex = lexicon()
    number_words = [
        *lex.ones, *lex.tens, *lex.word_scales, *lex.multiples,
        *lex.fractions, *(f + "s" for f in lex.fractions if f != "half"), "halves",
    ]
    trie = word_trie(number_words)
    word_item = trie + "(?:fold)?"
    scale_words = _alternation(lex.scale_words)
    unit_words = _alternation(lex.unit_words)
    prefix_letters = [p for p in lex.currency_prefix if p[0].isalpha()]
    prefix_letters += list(lex.currency_codes)
    prefix_signs = [p for p in lex.currency_prefix if not p[0].isalpha()]
    return Patterns(
        # 5, 2,225, 27.5, and compounds that are never amounts (10:30, 24/11/2026, 1.2.3).
        digits=re.compile(r"[0-9]+(?:,[0-9]{3})*(?:\.[0-9]+)?(?:[.:/][0-9]+)*"),
        # On the lower-cased text: "forty-four", "two million", "one hundred and twenty".
        words=re.compile(
            rf"(?<![a-z]){word_item}(?:(?:[ -]|{SPACE}and{SPACE}){word_item})*(?![a-z])"
        ),
        scale=re.compile(
            rf"(?:(?:{SPACE}|-)?(?P<word>(?i:{scale_words}))"
            rf"|(?P<attached>{_alternation(lex.scale_attached)})"
            rf"|(?P<money>{_alternation(lex.scale_money_only)}))(?![A-Za-z0-9])"
        ),
        unit=re.compile(
            rf"(?:{SPACE}?(?P<symbol>{_alternation(lex.unit_symbols)})"
            rf"|(?P<attached>{_alternation(lex.unit_attached)})"
            rf"|(?:{SPACE}|-|{SPACE}-{SPACE}?)(?P<word>(?i:{unit_words})))(?![A-Za-z0-9])"
        ),
        # "megabits per second", "17m per second", "m/s".
        rate=re.compile(
            rf"(?:{SPACE}(?:per|a|an|every){SPACE}(?P<t>second|sec|hour|hr|minute|min)"
            r"|/(?P<s>s|sec|h|hr|min))(?![A-Za-z])"
        ),
        # "$0.23/W", "$0.03/kWh", "$10/month".
        money_per=re.compile(
            r"(?:/|-(?:a|an|per)-)(?P<u>kWh|MWh|Wh|W|GB|TB|kg|month|mo|year|yr|day|week|hour|hr)"
            r"(?![A-Za-z])"
        ),
        # Between the two ends of a range: "30-600 MW", "0.5 to 4 metres".
        range_joint=re.compile(rf"(?P<dash>{SPACE}?[-–—]{SPACE}?)|(?P<to>{SPACE}to{SPACE})"),
        # Reversed: "US$", "£", "RMB " just before the digits.
        currency_prefix_rev=re.compile(
            rf"{SPACE}?(?:(?:{_alternation(prefix_letters, reverse=True)})(?![A-Za-z])"
            rf"|{_alternation(prefix_signs, reverse=True)})"
        ),
        # Reversed, on lower-case text: "more than ", "around the ", "nearly a ".
        qualifier_rev=re.compile(
            rf"{SPACE}(?:(?:a|na|eht){SPACE})?(?:{_alternation(lex.qualifiers, reverse=True)})"
            r"(?![a-z])"
        ),
        factor_rev=re.compile(rf"{SPACE}fo{SPACE}rotcaf{SPACE}a(?![a-z])"),
        # Words for context rules, forwards and reversed.
        token=re.compile(r"[ \u00a0\t]*([^\s]{1,40})"),
    )
