"""The extractor's vocabulary, read once from the data files beside this module.

Every word list that decides what is or is not a figure lives in
``data/`` as plain text or TOML, so that tuning the extractor on new prose
means editing a list, not code, and a reviewer can read the rules' inputs at a
glance. This module only parses those files into dictionaries and sets; the
regular expressions built from them are in :mod:`.patterns`.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any


@dataclass(frozen=True, slots=True)
class UnitInfo:
    """What a unit word or symbol means once normalised.

    ``factor`` scales the value (cents are hundredths of a dollar);
    ``needs_scale`` marks money names that are only money after a scale word
    or a large number ("5 pounds" may be a weight, "£5m" never is).
    """

    canon: str
    kind: str
    factor: float = 1.0
    length: bool = False
    time: str | None = None
    bits: bool = False
    needs_scale: bool = False


@dataclass(frozen=True, slots=True)
class Lexicon:
    """All lexicons, keyed the way the extractor looks them up."""

    ones: dict[str, float]
    tens: dict[str, float]
    word_scales: dict[str, float]
    fractions: dict[str, float]
    multiples: dict[str, float]
    scale_words: dict[str, float]  # lower-case words: "million", "bn"
    scale_attached: dict[str, float]  # case-sensitive, touching digits: "m", "M"
    scale_money_only: dict[str, float]  # case-sensitive: "K" only after a currency
    currency_prefix: dict[str, str]
    currency_codes: dict[str, str]
    yen_china_words: frozenset[str]
    unit_symbols: dict[str, UnitInfo]  # case-sensitive, attached or after one space
    unit_attached: dict[str, UnitInfo]  # case-sensitive, attached only
    unit_words: dict[str, UnitInfo]  # lower-case, after a space or hyphen
    pence_values_excluded: frozenset[int]
    qualifiers: tuple[str, ...]
    period_nouns: dict[str, str]
    period_adjectives: dict[str, str]
    period_not_after: frozenset[str]
    months: frozenset[str]
    times: frozenset[str]
    name_words: frozenset[str]
    model_suffixes: frozenset[str]
    street_words: frozenset[str]
    title_words: frozenset[str]
    headline_verbs: frozenset[str]
    noun_stop: frozenset[str]
    change_words: frozenset[str]
    verbs: frozenset[str]
    m_context: frozenset[str]
    abbreviations: frozenset[str]
    figure_frames: frozenset[str]
    grammar: dict[str, frozenset[str]]
    plural_modifiers: frozenset[str]
    weekdays: frozenset[str]


def _text(name: str) -> str:
    return resources.files(__package__).joinpath("data", name).read_text(encoding="utf-8")


def _toml(name: str) -> dict[str, Any]:
    return tomllib.loads(_text(name))


def _words(name: str) -> list[str]:
    """A one-item-per-line list; ``#`` starts a comment line."""
    lines = (line.strip() for line in _text(name).splitlines())
    return [line for line in lines if line and not line.startswith("#")]


def _units(data: dict[str, Any], currencies: dict[str, Any]) -> tuple[dict, dict, dict]:
    symbols: dict[str, UnitInfo] = {}
    attached: dict[str, UnitInfo] = {}
    words: dict[str, UnitInfo] = {}
    for canon, spec in data["unit"].items():
        info = UnitInfo(
            canon=canon,
            kind=spec.get("kind", "measure"),
            length=spec.get("length", False),
            time=spec.get("time"),
            bits=spec.get("bits", False),
        )
        for alias in spec.get("symbols", ()):
            symbols[alias] = info
        for alias in spec.get("attached", ()):
            attached[alias] = info
        for alias in spec.get("words", ()):
            words[alias.lower()] = info
    # Money written after the number: names, codes and hundredths.
    for name, code in currencies["names"].items():
        words[name] = UnitInfo(canon=code, kind="money")
    for name, code in currencies["names_needing_scale"].items():
        words[name] = UnitInfo(canon=code, kind="money", needs_scale=True)
    for name, code in currencies["minor"].items():
        words[name] = UnitInfo(canon=code, kind="money", factor=0.01)
    for code in currencies["codes"]["list"]:
        symbols[code] = UnitInfo(canon=code, kind="money")
    for alias, code in currencies["codes"]["aliases"].items():
        symbols[alias] = UnitInfo(canon=code, kind="money")
    pence = currencies["pence_suffix"]
    attached[pence["suffix"]] = UnitInfo(canon=pence["currency"], kind="money", factor=0.01)
    return symbols, attached, words


@cache
def lexicon() -> Lexicon:
    """Load every data file once; the result is shared and never mutated."""
    numbers = _toml("numbers.toml")
    scales = _toml("scales.toml")["scale"]
    currencies = _toml("currencies.toml")
    periods = _toml("periods.toml")
    scale_words: dict[str, float] = {}
    scale_attached: dict[str, float] = {}
    scale_money_only: dict[str, float] = {}
    for spec in scales.values():
        for word in (*spec.get("words", ()), *spec.get("spaced", ())):
            scale_words[word.lower()] = float(spec["value"])
        for alias in spec.get("attached", ()):
            scale_attached[alias] = float(spec["value"])
        for alias in spec.get("money_only", ()):
            scale_money_only[alias] = float(spec["value"])
    symbols, attached, unit_words = _units(_toml("units.toml"), currencies)
    codes = {code: code for code in currencies["codes"]["list"]}
    codes.update(currencies["codes"]["aliases"])
    return Lexicon(
        ones={k: float(v) for k, v in numbers["ones"].items()},
        tens={k: float(v) for k, v in numbers["tens"].items()},
        word_scales={k: float(v) for k, v in numbers["scales"].items()},
        fractions={k: float(v) for k, v in numbers["fractions"].items()},
        multiples={k: float(v) for k, v in numbers["multiples"].items()},
        scale_words=scale_words,
        scale_attached=scale_attached,
        scale_money_only=scale_money_only,
        currency_prefix=dict(currencies["prefix"]),
        currency_codes=codes,
        yen_china_words=frozenset(currencies["yen_sign_china_words"]["words"]),
        unit_symbols=symbols,
        unit_attached=attached,
        unit_words=unit_words,
        pence_values_excluded=frozenset(currencies["pence_suffix"]["not_values"]),
        qualifiers=tuple(sorted(_words("qualifiers.txt"), key=len, reverse=True)),
        period_nouns=dict(periods["nouns"]),
        period_adjectives=dict(periods["adjectives"]),
        period_not_after=frozenset(periods["not_after"]["words"]),
        months=frozenset(_words("months.txt")),
        times=frozenset(_words("times.txt")),
        name_words=frozenset(_words("name_words.txt")),
        model_suffixes=frozenset(_words("model_suffixes.txt")),
        street_words=frozenset(_words("street_words.txt")),
        title_words=frozenset(_words("title_words.txt")),
        headline_verbs=frozenset(_words("headline_verbs.txt")),
        noun_stop=frozenset(_words("noun_stop.txt")),
        change_words=frozenset(_words("change_words.txt")),
        verbs=frozenset(_words("verbs.txt")),
        m_context=frozenset(_words("m_context.txt")),
        abbreviations=frozenset(_words("abbreviations.txt")),
        figure_frames=frozenset(_words("figure_frames.txt")),
        grammar={k: frozenset(v) for k, v in _toml("grammar.toml").items()},
        plural_modifiers=frozenset(_words("plural_modifiers.txt")),
        weekdays=frozenset(_words("weekdays.txt")),
    )
