"""Numbers as written: digits with thousands separators, and English words.

``parse_digits("2,225")`` is 2225.0; ``parse_words("forty-four")`` is 44.0.
Words are parsed the way people write them in news copy ("one hundred and
twenty", "two million", "a fifth", "two-thirds", "tenfold"); anything else is
rejected so that the caller can drop the candidate.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .lexicon import lexicon

_SPLIT = re.compile(r"[\s\u00a0-]+")


@dataclass(frozen=True, slots=True)
class WordNumber:
    """A number written in words.

    ``form`` tells how to read it: ``"cardinal"`` (twenty, two million),
    ``"fraction"`` (value in per cent: a fifth → 20), ``"multiple"`` (twice,
    tenfold). ``small`` marks a cardinal below ten without a scale word, which
    the spec does not owe ("three phones").
    """

    value: float
    form: str
    small: bool = False
    has_scale: bool = False


def parse_digits(text: str) -> float | None:
    """``"2,225"`` → 2225.0; ``None`` for compounds such as ``"10:30"``,
    ``"24/11/2026"`` or ``"1.2.3"`` (dates, times, versions)."""
    if ":" in text or "/" in text or text.count(".") > 1:
        return None
    try:
        return float(text.replace(",", ""))
    except ValueError:
        return None


_PARSED: dict[str, WordNumber | None] = {}


def parse_words(text: str) -> WordNumber | None:
    """Parse a lower-case run of number words matched by the word scanner.

    Returns ``None`` when the run does not form one number ("one two").
    Memoised: the same few runs ("one", "two", "a million") come back in
    every article, and a :class:`WordNumber` is immutable, so one can be shared.
    """
    known = _PARSED.get(text, _PARSED)
    if known is not _PARSED:
        return known  # type: ignore[return-value]
    parsed = _parse_words(text)
    if len(_PARSED) > 10_000:
        _PARSED.clear()
    _PARSED[text] = parsed
    return parsed


def _parse_words(text: str) -> WordNumber | None:
    lex = lexicon()
    words = [w for w in _SPLIT.split(text) if w and w != "and"]
    if not words:
        return None
    last = words[-1]
    if len(words) == 1:
        if last in lex.multiples:
            return WordNumber(lex.multiples[last], "multiple")
        if last.endswith("fold"):
            base = parse_words(last[: -len("fold")])
            if base is None or base.form != "cardinal":
                return None
            return WordNumber(base.value, "multiple")
    fraction = _fraction(last)
    if fraction is not None:
        if len(words) == 1:
            return WordNumber(fraction, "fraction")  # "half", "a third" (article added by caller)
        count = _cardinal(words[:-1])
        if count is None or count[0] >= 10:
            return None
        return WordNumber(count[0] * fraction, "fraction")
    cardinal = _cardinal(words)
    if cardinal is None:
        return None
    value, has_scale = cardinal
    return WordNumber(value, "cardinal", small=value < 10 and not has_scale, has_scale=has_scale)


def _fraction(word: str) -> float | None:
    lex = lexicon()
    if word in lex.fractions:
        return lex.fractions[word]
    if word == "halves":
        return lex.fractions["half"]
    if word.endswith("s") and word[:-1] in lex.fractions:
        return lex.fractions[word[:-1]]
    return None


def _cardinal(words: list[str]) -> tuple[float, bool] | None:
    """Standard English composition: (ones|tens[-ones]) [hundred] ... scale ...

    Returns the value and whether a scale word (hundred and above) occurred;
    a scale word alone ("million") is one of it ("a million" once the caller
    has seen the article).
    """
    lex = lexicon()
    total = 0.0
    current = 0.0
    has_scale = False
    previous = ""
    for word in words:
        if word in lex.ones:
            if previous in lex.ones:
                return None  # "one two"
            if previous in lex.tens and lex.ones[word] >= 10:
                return None  # "twenty eleven"
            current += lex.ones[word]
        elif word in lex.tens:
            if previous in lex.ones or previous in lex.tens:
                return None
            current += lex.tens[word]
        elif word in lex.word_scales:
            has_scale = True
            scale = lex.word_scales[word]
            if current == 0:
                current = 1
            if scale == 100:
                current *= 100
            else:
                total += current * scale
                current = 0
        else:
            return None
        previous = word
    return total + current, has_scale
