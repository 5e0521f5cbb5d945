"""Whom a figure is about: the subject half of a metric's identity.

"HarmonyOS has crossed 27 million users" is about HarmonyOS; "Apple said
iPhone sales rose 6%" about iPhone (the name nearest the figure). The
subject is the nearest *named* subject in the figure's sentence — a run of
capitalised words, a camel-cased product (iPhone, HarmonyOS), an acronym
(IBM), with a model number that follows it (Galaxy S24, Windows 11) —
else the story's subject, the first name in its title.

A sentence's opening word is capitalised whatever it is ("Trading rose
4%", "Currently 9 million..."), and so is a sentence-case headline's. Such
a word (``weak``) is a subject only when nothing better is near, and never
when the story shows it is an ordinary word: a function word or number
word, or one the story writes in lower case elsewhere (in its title or
its text: :class:`WrittenLower`).

These are heuristics, not a parser: they run on every figure at refresh
time (a regex finds the runs of names, cached per sentence), and
the words they rely on (what is not a name, which headline verbs end one,
aliases such as "U.S." = "US") are data in ``data/subjects.toml``.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Container
from dataclasses import dataclass
from functools import lru_cache, partial
from importlib import resources
from typing import NamedTuple

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
    ordinary: frozenset[str]
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
        frozenset(data["ordinary"]),
        {key.lower(): value for key, value in data["aliases"].items()},
    )


class Candidate(NamedTuple):
    """A name found in a text, with its offsets. (A named tuple rather
    than a frozen dataclass: as immutable, and made five times faster,
    which counts for a type made for nearly every figure.)"""

    start: int
    end: int
    name: str
    weak: bool  # one plain capitalised word opening a sentence or sentence-case headline
    placed: bool  # follows "in", "at"...: a place, not what a figure is about


# Makes a Candidate from a tuple of its fields without the Python-level
# ``__new__`` a named tuple has (a frame per call; one for nearly every figure).
_new_candidate = partial(tuple.__new__, Candidate)


def _is_name(word: str) -> bool:
    if not word or not word[0].isalpha():
        return False
    if word[0].isupper():
        return True
    # iPhone, eBay, macOS: lower-case start, capital inside
    return any(char.isupper() for char in word[1:])


# is_title_case and _names are keyed by a whole headline or sentence: what
# they save is the same text asked again for another figure of one story,
# so a small cache keeps every hit (over 400 bench feeds: the same hits
# with 256 entries as with 4096), where 4096 held ≈3.5 MB per worker.
@lru_cache(maxsize=256)
def is_title_case(text: str) -> bool:
    """Is *text* a Title Case headline (most long words capitalised)?"""
    words = [match.group().strip(_EDGE) for match in _TOKEN.finditer(text)]
    long = [word for word in words if len(word) > 3 and word[0].isalpha()]
    return len(long) >= 3 and sum(word[0].isupper() for word in long) >= 0.6 * len(long)


def candidates(
    text: str, skip: tuple[int, int] | None = None, *, headline: bool = False
) -> list[Candidate]:
    """The names in *text*, in order; none overlaps the span *skip* (the
    figure itself). In a Title Case *headline* a capitalised first word is
    a name like any other; in a sentence or a sentence-case headline it
    may only open it (``weak``)."""
    found = _names(text, headline)
    if skip is None:
        return list(found)
    return [c for c in found if c.end <= skip[0] or c.start >= skip[1]]


# A run of name-like words: capitalised or camel-cased words, and model
# numbers after them, separated by single spaces (punctuation ends a run).
# Only runs are looked at in Python: lower-case text is skipped by the regex.
# (Possessive quantifiers: giving back a letter could never let the rest
# match, since a run goes on only after a space; they spare the engine the
# tries, "voters" after "Harbour" cost eight.)
_NAME_WORD = r"(?:[^\W\d_a-z][\w&+.'’-]*+|[a-z]{1,8}+[A-Z][\w&+.'’-]*+)"
_MODEL_WORD = r"(?:\d{1,4}[A-Za-z]{0,3}|[A-Z]{1,3}\d{1,4}[A-Za-z]{0,3})(?![\w&+'’.-])"
_RUN = re.compile(rf"\b{_NAME_WORD}(?: (?:{_NAME_WORD}|{_MODEL_WORD}))*")
# Where a run can start: a capital or a letter beyond ASCII, or the a-z
# letters of a camel-cased word just before a capital ("iPhone", "eBay").
# The regex engine tries a pattern at every position of a text, a few dozen
# nanoseconds each, though most of a sentence is lower case; so the text
# is masked one byte per character (Latin-1, anything else "?", which keeps
# offsets: "a" for a-z, "A" for A-Z and anything beyond ASCII, a space for
# the rest), those starts are found with ``bytes.find``, and the pattern
# is only tried there, in order, from the end of the last run: what
# ``finditer`` would find. (The anchored pattern reads the text before its
# start: "eBay" has no run at "B".)
_MASK = bytes(
    ord("a") if 97 <= i <= 122 else ord("A") if 65 <= i <= 90 or i >= 128 or i == ord("?")
    else ord(" ")
    for i in range(256)
)
_RUN_AT = _RUN.match
_CAMEL_LETTERS = 8  # a camel-cased name has at most 8 a-z letters before its capital


def _runs(text: str) -> list[re.Match[str]]:
    """``_RUN.finditer(text)``, as a list, trying the pattern only where a
    run can start (see above)."""
    masked = text.encode("latin-1", "replace").translate(_MASK)
    find = masked.find
    found = []
    done = 0  # where the last run ended
    at = find(b"A")
    while at >= 0:
        match = None
        if at > done and masked[at - 1] == 97:  # an a-z letter: try where its letters start
            start = at - 1
            while start > done and start > at - _CAMEL_LETTERS and masked[start - 1] == 97:
                start -= 1
            match = _RUN_AT(text, start)
        if match is None:
            match = _RUN_AT(text, at)
        if match is None:
            at = find(b"A", at + 1)
        else:
            found.append(match)
            done = match.end()
            at = find(b"A", done)
    return found


_POSSESSIVE_ENDS = ("'s", "’s", "s'", "s’")
_LEADING = re.compile(r"^[\s\"'“”‘’(\[{«—–-]*")

# What _names needs to know of one word of a run, worked out once per
# distinct word (a feed's vocabulary repeats; sentences rarely do): the
# word without a closing stop or possessive, its lower case, whether it is
# name-like, whether it ends the run after it (a possessive, a stop), a
# headline verb, dropped at the start of a name (not a name), dropped at
# its end (a suffix such as "Inc"), and whether it is one plain
# capitalised word ("Harbour", not "HarmonyOS").
_Word = tuple[str, str, bool, bool, bool, bool, bool, bool]
_WORDS: dict[str, _Word] = {}
_WORDS_SIZE = 50_000


def _word(raw: str) -> _Word:
    """The :data:`_Word` facts of one word of a run, remembered."""
    rules = _rules()
    word = raw
    if word.endswith(".") and "." not in word[:-1]:  # "U.S." keeps its stops
        word = word.rstrip(".")
    possessive = word.endswith(_POSSESSIVE_ENDS)
    if possessive:  # Huawei's → Huawei; Reuters' → Reuters
        word = word[:-2] if word[-1] in "sS" else word[:-1]
    quoted = not possessive and word.endswith(("'", "’"))
    if quoted:  # a closing quote ends the name: 'Kylie Jenner' → Kylie Jenner
        word = word.rstrip("'’")
    lower = word.lower()
    facts = (
        word,
        lower,
        bool(word) and (word[0].isupper() or not word.islower()),
        possessive or quoted or (raw.endswith(".") and word != raw),
        lower in rules.verbs,
        lower in rules.not_names or not _is_name(word),
        lower in rules.suffixes,
        word[1:].islower(),
    )
    if len(_WORDS) >= _WORDS_SIZE:
        _WORDS.clear()
    _WORDS[raw] = facts
    return facts


@lru_cache(maxsize=256)
def _names(text: str, headline: bool) -> tuple[Candidate, ...]:
    titled = headline and is_title_case(text)
    # Where the text's first word starts (0 for nearly every sentence, which
    # opens with a letter or digit: no pattern needed to say so).
    first = 0 if text[:1].isalnum() else _LEADING.match(text).end()  # type: ignore[union-attr]
    found: list[Candidate] = []
    known = _WORDS
    for match in _runs(text):
        offset = run_start = match.start()
        run = match.group()
        if " " not in run:  # one word, as most runs are: what _close makes of it
            facts = known.get(run) or _word(run)
            if (titled and offset and facts[4]) or not facts[2] or facts[5] or facts[6]:
                continue
            weak = facts[7] and not titled and offset == first
            found.append(
                _new_candidate(
                    (offset, offset + len(facts[0]), facts[0], weak, _placed(text, offset))
                )
            )
            continue
        previous: str | None = None  # the word before the run, looked up when needed
        part: list[tuple[int, _Word]] = []
        for index, raw in enumerate(run.split(" ")):
            facts = known.get(raw) or _word(raw)
            if (titled and (index or offset) and facts[4]) or not facts[2]:
                if part:
                    _close(part, found, titled, first, previous, text, run_start)
                    part = []
                previous = facts[1]
            else:
                part.append((offset, facts))
            if facts[3] and part:
                _close(part, found, titled, first, previous, text, run_start)
                part = []
            offset += len(raw) + 1
        if part:
            _close(part, found, titled, first, previous, text, run_start)
    return tuple(found)


def _close(
    part: list[tuple[int, _Word]],
    found: list[Candidate],
    titled: bool,
    first: int,
    previous: str | None,
    text: str,
    run_start: int,
) -> None:
    """Turn the words gathered in *part* into a candidate. *previous* is
    the word before them, or None for the word before the run at
    *run_start* (found only now: most runs make no candidate). In a
    *titled* (Title Case) headline no capital is weak."""
    low, high = 0, len(part)
    while low < high and part[low][1][5]:
        low += 1
    while high > low and part[high - 1][1][6]:
        high -= 1
    if low == high:
        return
    start = part[low][0]
    last_offset, last = part[high - 1]
    end = last_offset + len(last[0])
    if high - low == 1:
        weak = last[7] and not titled and start == first
        name = last[0]
    else:
        weak = False
        name = " ".join(facts[0] for _, facts in part[low:high])
    placed = _placed(text, run_start) if previous is None else previous in _rules().places
    found.append(_new_candidate((start, end, name, weak, placed)))


def _placed(text: str, run_start: int) -> bool:
    """Does the word before the run at *run_start* ("in", "at") make it a place?
    (A run that opens the text, as most names in a sentence do, has none.)"""
    if not run_start:
        return False
    before = text[run_start - 16 if run_start > 16 else 0 : run_start].split()
    return bool(before) and before[-1].lower() in _rules().places


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


@lru_cache(maxsize=4096)
def _subject(name: str) -> Subject:
    shown = _rules().aliases.get(name.lower(), name)
    return Subject(shown, subject_key(shown))


def _confirmed(candidate: Candidate, evidence: str) -> bool:
    """Does the name appear capitalised inside *evidence* (not merely as
    the word that opens it)? Then it is a name, not a headline's capital."""
    head = candidate.name.split(" ", 1)[0]
    at = evidence.find(head, 1)
    return at > 0


class WrittenLower:
    """The words a story writes in lower case (in its title or its text),
    asked one at a time: a capitalised sentence opener among them is an
    ordinary word. Only such openers are asked about, so each is searched
    for when asked (a few per story) rather than every word of the story
    collected up front."""

    def __init__(self, *texts: str) -> None:
        self._texts = texts
        self._known: dict[str, bool] = {}

    def __contains__(self, word: object) -> bool:
        if not isinstance(word, str):
            return False
        known = self._known.get(word)
        if known is None:
            known = self._known[word] = any(_written(text, word) for text in self._texts)
        return known


def _written(text: str, word: str) -> bool:
    """Does *text* hold *word*, as written, as a whole word?"""
    at = text.find(word)
    while at >= 0:
        end = at + len(word)
        if (not at or not text[at - 1].isalpha()) and (end == len(text) or not text[end].isalpha()):
            return True
        at = text.find(word, at + 1)
    return False


def _ordinary(candidate: Candidate, lower: Container[str]) -> bool:
    """Is a weak candidate an ordinary word (a function or number word, or
    one the story writes in *lower* case), capitalised only because it
    opens a sentence?"""
    word = candidate.name.lower()
    ordinary = _rules().ordinary
    return word in lower or word in ordinary or word.partition("-")[0] in ordinary


def story_subject(
    title: str, evidence: str = "", exclude: str = "", lower: Container[str] = frozenset()
) -> Subject | None:
    """The subject of a story: the first name in its *title*, leaving out
    one that is *exclude* (a figure's own noun, "Record Revenue") and an
    opening word that is an ordinary one (*lower*: the words the story
    writes in lower case). In a Title Case headline every word is
    capitalised, so the first name that *evidence* (a sentence of the
    story) also writes capitalised wins."""
    found = [
        candidate
        for candidate in _names(title or "", True)
        if candidate.name.lower() != exclude
        and not (candidate.weak and _ordinary(candidate, lower))
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


@lru_cache(maxsize=4096)
def _folded(noun: str) -> str:
    """*noun* lower case, its spaces folded, as candidates are compared with it."""
    return " ".join(noun.lower().split())


def figure_subject(
    figure: Figure, title: str, lower: Container[str] = frozenset()
) -> Subject | None:
    """The subject of *figure*: the name nearest to it in its sentence
    (names before it preferred: subjects come first in English), else the
    story's subject from *title*.

    A name that is the figure's own noun ("Record Revenue") or standing
    after the figure behind "in" or "at" ("1,500 employees in Augsburg") is
    not its subject, nor is a sentence's opening word that is an ordinary
    one (*lower*: the words the story writes in lower case, a
    :class:`WrittenLower`). In a Title Case headline, where every word
    looks like a name, the story's subject is taken.
    """
    headline = figure.source == "title"
    sentence = title if headline else (figure.sentence or "")
    if headline:
        span = (figure.start, figure.end)
    else:
        at = sentence.find(figure.text)
        span = (at, at + len(figure.text)) if at >= 0 else (len(sentence), len(sentence))
    noun = _folded(figure.noun or "")
    if headline and is_title_case(sentence):
        return story_subject(title, exclude=noun, lower=lower)
    best: tuple[float, Candidate] | None = None
    for candidate in _names(sentence, headline):  # candidates(sentence, span, ...), inlined
        if candidate.start < span[1] and candidate.end > span[0]:
            continue  # the figure itself
        if candidate.name.lower() == noun:
            continue
        if candidate.end <= span[0]:
            distance = float(span[0] - candidate.end)
        elif candidate.placed or _reports(sentence, candidate):
            continue
        else:
            distance = (candidate.start - span[1]) * _AFTER_PENALTY
        if candidate.weak:
            if _ordinary(candidate, lower):
                continue
            if not headline:  # (a headline's opening name is often its subject)
                distance += _WEAK_PENALTY
        if best is None or distance < best[0]:
            best = (distance, candidate)
    if best is not None:
        return _subject(best[1].name)
    return story_subject(title, "" if headline else sentence, noun, lower)
