"""Whom a figure is about: the subject half of a metric's identity.

"HarmonyOS has crossed 27 million users" is about HarmonyOS; "Apple said
iPhone sales rose 6%" about iPhone (the name nearest the figure). The
subject is the nearest *named* subject in the figure's sentence — a run of
capitalised words, a camel-cased product (iPhone, HarmonyOS), an acronym
(IBM), with a model number that follows it (Galaxy S24, Windows 11) —
else the story's subject, the first name in its title.

These are heuristics, not a parser: they run on every figure at refresh
time (a regex finds the runs of names, cached per sentence), and
the words they rely on (what is not a name, which headline verbs end one,
aliases such as "U.S." = "US") are data in ``data/subjects.toml``.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from tui.core.models import Figure

_TOKEN = re.compile(r"\S+")
_EDGE = "\"'“”‘’()[]{}«»,;:!?…"
_AFTER_PENALTY = 1.5
_WEAK_PENALTY = 60


@dataclass(frozen=True, slots=True)
class Subject:
    """A named subject: as written, and the key metrics are matched by."""

    name: str
    key: str


@dataclass(frozen=True, slots=True)
class _Rules:
    not_names: frozenset[str]
    verbs: frozenset[str]
    suffixes: frozenset[str]
    places: frozenset[str]
    reporting: frozenset[str]
    aliases: dict[str, str]


@lru_cache(maxsize=1)
def _rules() -> _Rules:
    text = resources.files("tui.core.digest.data").joinpath("subjects.toml").read_text("utf-8")
    data = tomllib.loads(text)
    return _Rules(
        frozenset(data["not_names"]),
        frozenset(data["verbs"]),
        frozenset(data["suffixes"]),
        frozenset(data["places"]),
        frozenset(data["reporting"]),
        {key.lower(): value for key, value in data["aliases"].items()},
    )


@dataclass(frozen=True, slots=True)
class Candidate:
    """A name found in a text, with its offsets."""

    start: int
    end: int
    name: str
    weak: bool  # one ordinary capitalised word opening the text: maybe no name at all
    placed: bool  # follows "in", "at"...: a place, not what a figure is about


def _is_name(word: str) -> bool:
    if not word or not word[0].isalpha():
        return False
    if word[0].isupper():
        return True
    # iPhone, eBay, macOS: lower-case start, capital inside
    return any(char.isupper() for char in word[1:])


@lru_cache(maxsize=4096)
def is_title_case(text: str) -> bool:
    """Is *text* a Title Case headline (most long words capitalised)?"""
    words = [match.group().strip(_EDGE) for match in _TOKEN.finditer(text)]
    long = [word for word in words if len(word) > 3 and word[0].isalpha()]
    return len(long) >= 3 and sum(word[0].isupper() for word in long) >= 0.6 * len(long)


def candidates(
    text: str, skip: tuple[int, int] | None = None, *, headline: bool = False
) -> list[Candidate]:
    """The names in *text*, in order; none overlaps the span *skip* (the
    figure itself). In a *headline* a capitalised first word is a name
    like any other; in a sentence it may only open it (``weak``)."""
    found = _names(text, headline)
    if skip is None:
        return list(found)
    return [c for c in found if c.end <= skip[0] or c.start >= skip[1]]


# A run of name-like words: capitalised or camel-cased words, and model
# numbers after them, separated by single spaces (punctuation ends a run).
# Only runs are looked at in Python: lower-case text is skipped by the regex.
_NAME_WORD = r"(?:[^\W\d_a-z][\w&+.'’-]*|[a-z]{1,8}[A-Z][\w&+.'’-]*)"
_MODEL_WORD = r"(?:\d{1,4}[A-Za-z]{0,3}|[A-Z]{1,3}\d{1,4}[A-Za-z]{0,3})(?![\w&+'’.-])"
_RUN = re.compile(rf"\b{_NAME_WORD}(?: (?:{_NAME_WORD}|{_MODEL_WORD}))*")
_POSSESSIVE_ENDS = ("'s", "’s", "s'", "s’")
_LEADING = re.compile(r"^[\s\"'“”‘’(\[{«—–-]*")


@lru_cache(maxsize=4096)
def _names(text: str, headline: bool) -> tuple[Candidate, ...]:
    rules = _rules()
    titled = headline and is_title_case(text)
    first = _LEADING.match(text).end()  # type: ignore[union-attr]
    found: list[Candidate] = []
    for match in _RUN.finditer(text):
        offset = match.start()
        before = text[max(0, offset - 16) : offset].split()
        previous = before[-1].lower() if before else ""
        part: list[tuple[int, str]] = []
        for index, raw in enumerate(match.group().split(" ")):
            word = raw
            if word.endswith(".") and "." not in word[:-1]:  # "U.S." keeps its stops
                word = word.rstrip(".")
            possessive = word.endswith(_POSSESSIVE_ENDS)
            if possessive:  # Huawei's → Huawei; Reuters' → Reuters
                word = word[:-2] if word[-1] in "sS" else word[:-1]
            named = bool(word) and (word[0].isupper() or not word.islower())
            if (titled and (index or offset) and word.lower() in rules.verbs) or not named:
                _close(part, found, rules, headline, first, previous)
                previous = word.lower()
            else:
                part.append((offset, word))
            if possessive or (raw.endswith(".") and word != raw):
                _close(part, found, rules, headline, first, previous)
            offset += len(raw) + 1
        _close(part, found, rules, headline, first, previous)
    return tuple(found)


def _close(
    part: list[tuple[int, str]],
    found: list[Candidate],
    rules: _Rules,
    headline: bool,
    first: int,
    previous: str,
) -> None:
    """Turn the words gathered in *part* into a candidate (and empty it)."""
    words = part[:]
    part.clear()
    while words and (words[0][1].lower() in rules.not_names or not _is_name(words[0][1])):
        words.pop(0)
    while words and words[-1][1].lower() in rules.suffixes:
        words.pop()
    if not words:
        return
    start, end = words[0][0], words[-1][0] + len(words[-1][1])
    plain = len(words) == 1 and words[0][1][1:].islower()
    weak = plain and not headline and start == first
    name = " ".join(word for _, word in words)
    found.append(Candidate(start, end, name, weak, previous in rules.places))


def subject_key(name: str) -> str:
    """The key two names must share to be one subject: case, punctuation
    and listed aliases folded ("U.S." and "United States" are "us")."""
    return _key(name)


@lru_cache(maxsize=8192)
def _key(name: str) -> str:
    rules = _rules()
    lowered = " ".join(name.lower().split())
    canonical = rules.aliases.get(lowered, rules.aliases.get(lowered.rstrip("."), name))
    return re.sub(r"[^\w+&]+", " ", canonical.lower()).strip()


def _subject(name: str) -> Subject:
    shown = _rules().aliases.get(name.lower(), name)
    return Subject(shown, subject_key(shown))


def _confirmed(candidate: Candidate, evidence: str) -> bool:
    """Does the name appear capitalised inside *evidence* (not merely as
    the word that opens it)? Then it is a name, not a headline's capital."""
    head = candidate.name.split(" ", 1)[0]
    at = evidence.find(head, 1)
    return at > 0


def story_subject(title: str, evidence: str = "", exclude: str = "") -> Subject | None:
    """The subject of a story: the first name in its *title*, leaving out
    one that is *exclude* (a figure's own noun, "Record Revenue"). In a
    Title Case headline every word is capitalised, so the first name that
    *evidence* (a sentence of the story) also writes capitalised wins."""
    found = [
        candidate for candidate in _names(title or "", True) if candidate.name.lower() != exclude
    ]
    if not found:
        return None
    if evidence and is_title_case(title):
        confirmed = [candidate for candidate in found if _confirmed(candidate, evidence)]
        found = confirmed or found
    return _subject(found[0].name)


def _reports(sentence: str, candidate: Candidate) -> bool:
    """Is the name followed by a reporting verb ("…, Huawei said") or behind
    "according to"? Then it says who gave the figure, not what the figure
    is about."""
    if sentence[: candidate.start].rstrip().lower().endswith("according to"):
        return True
    following = sentence[candidate.end : candidate.end + 24].split(maxsplit=1)
    return bool(following) and following[0].strip(_EDGE + ".").lower() in _rules().reporting


def figure_subject(figure: Figure, title: str) -> Subject | None:
    """The subject of *figure*: the name nearest to it in its sentence
    (names before it preferred: subjects come first in English), else the
    story's subject from *title*.

    A name that is the figure's own noun ("Record Revenue") or standing
    after the figure behind "in" or "at" ("1,500 employees in Augsburg") is
    not its subject. In a Title Case headline, where every word looks like
    a name, the story's subject is taken.
    """
    headline = figure.source == "title"
    sentence = title if headline else (figure.sentence or "")
    if headline:
        span = (figure.start, figure.end)
    else:
        at = sentence.find(figure.text)
        span = (at, at + len(figure.text)) if at >= 0 else (len(sentence), len(sentence))
    noun = " ".join((figure.noun or "").lower().split())
    if headline and is_title_case(sentence):
        return story_subject(title, exclude=noun)
    best: tuple[float, Candidate] | None = None
    for candidate in candidates(sentence, span, headline=headline):
        if candidate.name.lower() == noun:
            continue
        if candidate.end <= span[0]:
            distance = float(span[0] - candidate.end)
        elif candidate.placed or _reports(sentence, candidate):
            continue
        else:
            distance = (candidate.start - span[1]) * _AFTER_PENALTY
        if candidate.weak:
            distance += _WEAK_PENALTY
        if best is None or distance < best[0]:
            best = (distance, candidate)
    if best is not None:
        return _subject(best[1].name)
    return story_subject(title, "" if headline else sentence, noun)
