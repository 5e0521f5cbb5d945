"""The noun half of a metric's identity: "users", "MAU", "revenues" folded
to one key each, by the rules in ``data/nouns.toml``.

Plurals fold to the singular, case and determiners go, and the synonyms
listed there meet ("monthly active users" and "MAU" are one metric; "users"
and "customers" are not, because nobody listed them as synonyms).
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

_WORD = re.compile(r"[a-z0-9][a-z0-9&'.-]*")
_ACRONYM_PLURAL = re.compile(r"\b([A-Z]{2,})s\b")
_PER = " per "


@dataclass(frozen=True, slots=True)
class _Rules:
    synonyms: dict[str, str]  # any singular phrase → canonical phrase
    irregular: dict[str, str]
    drop: frozenset[str]
    periods: dict[str, str]


@lru_cache(maxsize=1)
def _rules() -> _Rules:
    text = resources.files("tui.core.digest.data").joinpath("nouns.toml").read_text("utf-8")
    data = tomllib.loads(text)
    irregular = {key.lower(): value.lower() for key, value in data["irregular"].items()}
    rules = _Rules({}, irregular, frozenset(data["drop"]), dict(data["periods"]))
    for canonical, variants in data["synonyms"].items():
        key = _singular_phrase(canonical.lower(), irregular)
        rules.synonyms[key] = key
        for variant in variants:
            rules.synonyms[_singular_phrase(variant.lower(), irregular)] = key
    return rules


def singular(word: str, irregular: dict[str, str] | None = None) -> str:
    """The singular of an English noun, by rule (users → user, companies →
    company, boxes → box) unless the irregular table says otherwise."""
    table = _rules().irregular if irregular is None else irregular
    if word in table:
        return table[word]
    if len(word) <= 3 or not word.isalpha():
        return word
    if word.endswith("ies"):
        return word[:-3] + "y"
    if word.endswith(("sses", "shes", "ches", "xes", "zes")):
        return word[:-2]
    if word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def _singular_phrase(phrase: str, irregular: dict[str, str]) -> str:
    words = _WORD.findall(phrase)
    return " ".join(singular(word, irregular) for word in words)


def noun_key(noun: str | None, per: str | None = None) -> str | None:
    """The key two figures' nouns must share to be the same metric, or
    None when nothing countable is left ("the", a bare name)."""
    if not noun:
        return None
    return _noun_key(noun, per)


@lru_cache(maxsize=8192)
def _noun_key(noun: str, per: str | None) -> str | None:
    """:func:`noun_key`, remembered: every figure asks, and a feed's few
    nouns ("users", "revenue") come back story after story."""
    rules = _rules()
    # An acronym's plural ("MAUs", "GPUs") is its singular: fold it while
    # the case still shows it is one.
    if not noun.islower():  # (an all-lower-case noun has no acronym)
        noun = _ACRONYM_PLURAL.sub(r"\1", noun)
    words = [singular(word) for word in _WORD.findall(noun.lower())]
    while words and words[0] in rules.drop:
        words.pop(0)
    if not words:
        return None
    phrase = " ".join(words)
    if per in rules.periods:
        periodic = f"{rules.periods[per]} {phrase}"
        if periodic in rules.synonyms:
            return rules.synonyms[periodic]
    key = rules.synonyms.get(phrase, phrase)
    # A rate is not a stock: "100,000 devices a day" never continues the
    # history of "27M devices".
    return f"{key}{_PER}{per}" if per else key


@lru_cache(maxsize=8192)
def noun_label(key: str) -> str:
    """How a noun key is shown: plural for things counted ("users"), as is
    for the rest ("revenue", "market share", "gdp"); a rate keeps its
    period ("devices per day")."""
    if _PER in key:
        base, per = key.split(_PER, 1)
        return f"{noun_label(base)}{_PER}{per}"
    if key in _UNCOUNTED or key.endswith(("share", "revenue", "profit", "income", "value", "price")):
        return key
    last = key.rsplit(" ", 1)[-1]
    if not last.isalpha() or len(last) <= 2:
        return key
    if last.endswith("y") and last[-2:-1] not in "aeiou":
        plural = last[:-1] + "ies"
    elif last.endswith(("s", "x", "ch", "sh")):
        plural = last + "es"
    else:
        plural = last + "s"
    return key[: len(key) - len(last)] + plural


_UNCOUNTED = frozenset(
    {"gdp", "inflation", "unemployment", "battery", "growth", "data", "news", "media", "economy"}
)
