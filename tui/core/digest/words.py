"""The words grouping compares: a story's title and lede as normalised terms,
and the model or version names that tell two template titles apart.

Terms are lower-cased, accent-free, lightly stemmed words with stop words
removed; an amount and its scale become one term ("27 million" and "27M"
are both ``27m``, "$2.5 billion" is ``2.5bn``, "17 per cent" is ``17%``), so
a syndicated copy that rewrites the headline's figure the other way still
shares it. Runs of CJK characters become character bigrams, since those
scripts do not separate words with spaces.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable
from importlib import resources
from operator import itemgetter, methodcaller
from typing import TypeVar

LEDE_CHARS = 320  # what a feed's summary says first: the lede


def _load_words(name: str) -> frozenset[str]:
    text = resources.files("tui.core.digest.data").joinpath(name).read_text("utf-8")
    return frozenset(
        line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")
    )


STOPWORDS = _load_words("stopwords.txt")

_SCALES = {
    "thousand": "k", "k": "k", "million": "m", "mn": "m", "m": "m", "mln": "m",
    "billion": "bn", "bn": "bn", "b": "bn", "bln": "bn", "trillion": "tn", "tn": "tn",
}
_AMOUNT = re.compile(
    r"(\d+(?:,\d{3})*(?:\.\d+)?)\s*"
    r"(thousand|million|billion|trillion|mln|bln|mn|bn|tn|k|m|b|%|per\s?cent|percent)(?![\w])",
    re.IGNORECASE,
)
_POSSESSIVE = re.compile(r"['’]s\b")
_TOKEN = re.compile(r"\w+(?:\.\w+)*%?")
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]+")
_MD_IMAGE = re.compile(r"!\[[^\]]*\]\([^)]*\)")
_MD_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
# A link's replacement, its text: a C callable, where the template r"\1"
# would be expanded by Python code for every link.
_LINK_TEXT = methodcaller("group", 1)
_URL = re.compile(r"https?://\S+")
_MD_MARK_CHARS = "*_`#>|~"
# Model and version names: "Galaxy S24", "GPT-4o", "v4.0.1", "M3";
# and a capitalised name followed by a bare number: "iOS 17", "Firefox 121".
_IDENT_GLUED = re.compile(r"\b([A-Za-z]{1,12})-?(\d+(?:\.\d+)*[A-Za-z]{0,3})\b")
_IDENT_SPACED = re.compile(r"\b([A-Z][A-Za-z]{1,15}|[a-z][A-Z][A-Za-z]{0,12})\s+(\d{1,4}(?:\.\d+)*[A-Za-z]{0,3})\b(?!\s*(?:[%$€£]|per\s?cent|percent|thousand|million|billion|trillion|bn|mn|[mkb]\b))")


_DIGIT = re.compile("[0-9]").search
# What a match of each needs: a letter before the digits (or "-" and
# digits), and a capital starting the letters before a space and digits.
# Their searches try one character class at each position, where the full
# patterns backtrack through every word's letters.
_GLUED_NEEDS = re.compile(r"[A-Za-z]-?\d").search
_SPACED_NEEDS = re.compile(r"[A-Z][A-Za-z]*+\s+\d").search
_SCALED = re.compile(r"\d+(?:\.\d+)?(?:k|m|mn|b|bn|tn)", re.IGNORECASE)
# Words that open a headline without naming anything ("Over 27M…", "Exclusive: …").
_TITLE_OPENERS = _load_words("title_openers.txt")


def _fold(text: str) -> str:
    """Lower case without accents, compatibility forms unified (ﬁ → fi)."""
    if text.isascii():
        return text.lower()
    text = unicodedata.normalize("NFKD", text.casefold())
    if text.isascii():  # accents only: nothing left beyond ASCII, so no combining mark
        return text
    return text.translate(_WITHOUT_MARKS)


class _MarkTable(dict[int, int | None]):
    """A ``str.translate`` table that drops combining marks and keeps every
    other character, each character's entry made the first time it is met
    (a whole table would mean asking about every code point at import).
    In C, where a loop over the characters in Python cost a call each."""

    def __missing__(self, code: int) -> int | None:
        kept = None if unicodedata.combining(chr(code)) else code
        self[code] = kept
        return kept


_WITHOUT_MARKS = _MarkTable()


def _amount(match: re.Match[str]) -> str:
    number = match.group(1).replace(",", "")
    if "." in number:
        number = number.rstrip("0").rstrip(".")
    scale = match.group(2).lower().replace(" ", "")
    suffix = "%" if scale in ("%", "percent", "percent") or scale.startswith("per") else _SCALES[scale]
    return f" {number}{suffix} "


def stem(word: str) -> str:
    """A light English stem, the same for "launches", "launched", "launch"
    and "users"/"user"; words with digits are left alone. (Not remembered
    here: :func:`terms` remembers each token's term, stem included.)"""
    # (A word of letters only has no digit: the test most words need.)
    if len(word) <= 3 or (not word.isalpha() and any(char.isdigit() for char in word)):
        return word
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(("sses", "shes", "ches", "xes")):
        return word[:-2]
    if word.endswith("s") and not word.endswith(("ss", "us", "is")):
        word = word[:-1]
    if word.endswith("ing") and len(word) > 5:
        word = word[:-3]
    elif word.endswith("ed") and len(word) > 4 and not word.endswith("eed"):
        word = word[:-2]
    if word.endswith("e") and len(word) > 4:
        word = word[:-1]  # "release", "released" and "releases" meet at "releas"
    return word


# What each token becomes, remembered: a feed's vocabulary repeats, and
# grouping a refresh batch reads every title and lede. Bounded by clearing.
_MEMO_SIZE = 100_000
_TOKEN_TERMS: dict[str, str | tuple[str, ...]] = {}  # (a _Terms)
_NAME_KEYS: dict[str, tuple[str, int, int]] = {}  # (a _NameWord)


def _token_terms(token: str) -> str | tuple[str, ...]:
    """The term of one token ("" for none), or a CJK token's bigrams."""
    token = token.strip("._")
    if not token:
        return ""
    cjk = None if token.isascii() else _CJK.findall(token)
    if cjk:
        return tuple(
            run[i : i + 2] for run in cjk for i in range(max(len(run) - 1, 1))
        )
    if token in STOPWORDS or (len(token) == 1 and not token.isdigit()):
        return ""
    return stem(token)


def terms(text: str) -> list[str]:
    """The normalised terms of *text*, in order, repeats kept."""
    if not text:
        return []
    if "'s" in text or "’s" in text:  # what _POSSESSIVE needs
        text = _POSSESSIVE.sub("", text)
    text = _fold(text).replace("$", " ").replace("€", " ").replace("£", " ")
    if text.isascii():
        return _ascii_terms(text)
    plain = _plain_punctuation(text, "\x01")
    if plain.isascii():
        return _ascii_terms(plain)
    return _gather(_TOKEN.findall(_AMOUNT.sub(_amount, text)), _TOKEN_TERMS, _token_terms)


_Key = TypeVar("_Key", str, bytes)
_Terms = str | tuple[str, ...]  # one term ("" for none), or several


def _gather(
    items: Iterable[_Key], memo: dict[_Key, _Terms], make: Callable[[_Key], _Terms]
) -> list[str]:
    """The terms of *items* (tokens, or chunks of them), each worked out by
    *make* once and remembered in *memo*."""
    found: list[str] = []
    for item in items:
        term = memo.get(item)
        if term is None:
            if len(memo) >= _MEMO_SIZE:
                memo.clear()
            term = memo[item] = make(item)
        if isinstance(term, str):
            if term:
                found.append(term)
        else:
            found.extend(term)
    return found


# An ASCII text (nearly every English one, once folded) is read through
# bytes: the regex engine spends a few dozen nanoseconds on every
# character it tries, ``bytes.translate``, ``find`` and ``split`` one or
# two. Amounts are tried only where a run of digits starts; tokens are
# read from chunks of the characters a token can hold (a word character,
# "." or "%"), since no token spans two chunks, and each chunk's terms are
# remembered as they are.
_DIGIT_MASK = bytes(ord("0") if 48 <= i <= 57 else ord(" ") for i in range(256))
_TOKEN_MASK = bytes(
    i if i < 128 and (chr(i).isalnum() or chr(i) in "_.%") else ord(" ") for i in range(256)
)
_AMOUNT_AT = _AMOUNT.match
_NUMBER_MASK = bytes(ord("0") if chr(i) in "0123456789,." else ord(" ") for i in range(256))
_SCALE_STARTS = frozenset("tmbkpTMBKP%")  # what every scale _AMOUNT reads starts with
# Punctuation beyond ASCII that English text is full of (curly quotes,
# dashes): neither a word character nor a space, so it only ever parts
# tokens, names and amounts, as an ASCII control character does in its
# place; a text with no other character beyond ASCII then takes the ASCII
# road. ("’" is part of a name: :func:`_name_words` keeps it.)
_PUNCTUATION = "’‘“”–—«»„‚•·′″\u200b"
assert not re.search(r"[\w\s]", _PUNCTUATION)


def _plain_punctuation(text: str, stand_in: str) -> str:
    """*text* with each of :data:`_PUNCTUATION` as *stand_in*."""
    for mark in _PUNCTUATION:
        if mark in text:
            text = text.replace(mark, stand_in)
    return text
_CHUNK_TERMS: dict[bytes, _Terms] = {}


def _ascii_terms(text: str) -> list[str]:
    """:func:`terms` of a folded ASCII text (its possessives and currency
    signs gone)."""
    digits = b" " + text.encode("ascii").translate(_DIGIT_MASK)
    at = digits.find(b" 0")  # the start of a run of digits (at - 1 in *digits*)
    if at >= 0:
        text = _ascii_amounts(text, digits, at)
    chunks = text.encode("ascii").translate(_TOKEN_MASK).split()
    found = _recall(chunks, _CHUNK_TERMS, _chunk_terms)
    if tuple in map(type, found):  # a chunk of several tokens ("50%off"): rare
        return _gather(chunks, _CHUNK_TERMS, _chunk_terms)
    return list(filter(None, found))  # type: ignore[arg-type]


_Value = TypeVar("_Value")


def _recall(
    keys: list[bytes], memo: dict[bytes, _Value], make: Callable[[bytes], _Value]
) -> list[_Value]:
    """*memo*'s value of each of *keys*, made by *make* (and remembered)
    where it has none. The lookups run in C (``map``): most keys are known."""
    found: list[_Value | None] = list(map(memo.get, keys))
    if None in found:
        if len(memo) >= _MEMO_SIZE:
            memo.clear()
        for index, key in enumerate(keys):
            if found[index] is None:
                found[index] = memo[key] = make(key)
    return found  # type: ignore[return-value]


def _ascii_amounts(text: str, digits: bytes, at: int) -> str:
    """``_AMOUNT.sub(_amount, text)``, the pattern tried only where a run of
    digits starts (*digits*: the text's digits mask after one space; *at*:
    the first start). Where the pattern fails at the start of a run it
    fails inside it too (its number would be a tail of the same digits,
    followed by the same text), and a match never ends before a digit.
    Nor is it tried where no scale word or "%" follows the digits, commas
    and stops there (and spaces), where it cannot match: most numbers."""
    parts: list[str] = []
    done = 0
    find = digits.find
    number_end = text.encode("ascii").translate(_NUMBER_MASK).find
    size = len(text)
    while at >= 0:
        end = number_end(b" ", at)
        if end >= 0:
            while end < size and text[end].isspace():
                end += 1
        match = _AMOUNT_AT(text, at) if 0 <= end < size and text[end] in _SCALE_STARTS else None
        if match is None:
            at = find(b" 0", at + 1)
            continue
        parts.append(text[done : match.start()])
        parts.append(_amount(match))
        done = match.end()
        at = find(b" 0", done)
    if not parts:
        return text
    parts.append(text[done:])
    return "".join(parts)


def _chunk_terms(chunk: bytes) -> _Terms:
    """The terms of the tokens in *chunk*."""
    text = chunk.decode("ascii")
    if b"." not in chunk and b"%" not in chunk:
        return _token_terms(text)  # word characters only: one token, the chunk
    found = _gather(_TOKEN.findall(text), _TOKEN_TERMS, _token_terms)
    if len(found) == 1:
        return found[0]
    return tuple(found) if found else ""


def plain_lede(markdown: str, limit: int = LEDE_CHARS) -> str:
    """The first *limit* characters of a story's Markdown as plain text:
    images, link targets, bare URLs and emphasis marks removed."""
    if not markdown:
        return ""
    head = markdown[: limit * 4]
    # Each pattern needs its literal ("![", "](", "://"): a cheap ``in``
    # spares a regex pass over a text that has none.
    if "](" in head:
        if "![" in head:
            head = _MD_IMAGE.sub(" ", head)
        head = _MD_LINK.sub(_LINK_TEXT, head)
    if "://" in head:
        head = _URL.sub(" ", head)
    # The emphasis marks, each a space (as a run of them would be: the
    # spaces are folded below), by str.replace, ten times faster than a
    # regex that tries every character.
    for mark in _MD_MARK_CHARS:
        if mark in head:
            head = head.replace(mark, " ")
    # Whitespace folded over the first 2 * limit characters only, when that
    # gives enough: folding a prefix gives a prefix of the whole folded.
    folded = " ".join(head[: limit * 2].split())
    if len(folded) < limit:
        folded = " ".join(head.split())
    return folded[:limit]


def identifiers(title: str) -> tuple[str, ...]:
    """Model and version names in a title as ``stem:value`` ("s:24",
    "firefox:121", "v:4.0.1"), the first value of each stem only: "Galaxy
    S23 price cut ahead of S24 launch" is about the S23. Two titles naming
    the same stem with different values are about different things,
    however alike the rest."""
    if title.isascii() and _DIGIT(title) is None:
        return ()  # both patterns need a digit: spare them a title without one
    found: list[tuple[int, str, str]] = []
    # Each pattern runs only where its cheap necessary condition holds.
    for match in _IDENT_GLUED.finditer(title) if _GLUED_NEEDS(title) else ():
        stem_text, value = match.group(1).lower(), match.group(2).lower()
        if stem_text in ("q", "h") and not value.isdigit():
            continue
        if _SCALES.get(stem_text) or stem_text in ("per", "x") or _SCALED.fullmatch(value):
            continue
        found.append((match.start(), stem_text, value))
    for match in _IDENT_SPACED.finditer(title) if _SPACED_NEEDS(title) else ():
        name = match.group(1).lower()
        if name in STOPWORDS or name in _TITLE_OPENERS or _SCALED.fullmatch(match.group(2)):
            continue
        found.append((match.start(), name, match.group(2).lower()))
    first: dict[str, str] = {}
    for _, stem_text, value in sorted(found):
        first.setdefault(stem_text, value)
    return tuple(f"{stem_text}:{value}" for stem_text, value in first.items())


def conflicting(left: Iterable[str], right: Iterable[str]) -> bool:
    """True when both name the same model or version stem with different
    values ("Galaxy S24" against "Galaxy S23")."""
    values = dict(item.partition(":")[::2] for item in left)
    for item in right:
        stem_text, _, value = item.partition(":")
        if stem_text in values and values[stem_text] != value:
            return True
    return False


_NAME = re.compile(r"[^\W_][\w'’.&+-]*")


def names(title: str, lede: str) -> tuple[str | None, frozenset[str]]:
    """The story's subject (the first name in its title) and every name in
    its title and lede, lower case: capitalised words that are not stop
    words, words with an inner capital (iPhone), acronyms (UK). Two
    stories whose subjects differ and appear nowhere in each other's names
    ("Netflix raises prices" and "Spotify raises prices") are held to a
    stricter likeness."""
    title_words = _name_words(title or "")
    words = title_words + _name_words(lede or "")
    count = sum(map(_IS_WORD, words))
    if count and sum(map(_CAPITALISED, words)) > 0.4 * count:
        return None, frozenset()  # German, or a Title Case title alone: no telling names
    subject = next(filter(None, map(_KEY, title_words)), None)
    return subject, frozenset(filter(None, map(_KEY, words)))


# A run of characters _NAME reads: the name key of its word ("" for none),
# whether the word is capitalised, whether there is a word (0 or 1 each, so
# that they add up in C: map and sum, not a loop).
_NameWord = tuple[str, int, int]
_KEY, _CAPITALISED, _IS_WORD = itemgetter(0), itemgetter(1), itemgetter(2)
_NOT_A_WORD: _NameWord = ("", 0, 0)
_LOWER_CASE_WORD: _NameWord = ("", 0, 1)
# An ASCII text's words are the runs of the characters _NAME reads (letters,
# digits, "_'.&+-"), each from its first letter or digit on: read through
# bytes, as terms are, and remembered by run.
_NAME_MASK = bytes(
    i if i < 128 and (chr(i).isalnum() or chr(i) in "_'.&+-\x02") else ord(" ")
    for i in range(256)
)
_NAME_RUNS: dict[bytes, _NameWord] = {}


def _name_words(text: str) -> list[_NameWord]:
    """The words _NAME finds in *text*, as :data:`_NameWord`, in order
    (with a :data:`_NOT_A_WORD` for a run of punctuation)."""
    # "’" belongs to a name ("O’Brien") and stands in the mask as "\x02"
    # (which a text that has one of its own keeps off this road).
    if "\x02" in text:
        return [_name_word(word) for word in _NAME.findall(text)]
    if not text.isascii():
        plain = _plain_punctuation(text.replace("’", "\x02"), "\x01")
        if not plain.isascii():
            return [_name_word(word) for word in _NAME.findall(text)]
        text = plain
    return _recall(text.encode("ascii").translate(_NAME_MASK).split(), _NAME_RUNS, _name_run)


def _name_run(run: bytes) -> _NameWord:
    """The :data:`_NameWord` of a run of an ASCII text's mask."""
    start = run.lstrip(b"_'.&+-\x02")
    if not start:
        return _NOT_A_WORD
    if start.islower():
        return _LOWER_CASE_WORD  # no capital: names nothing (see _name_key)
    return _name_word(start.decode("ascii").replace("\x02", "’"))


def _name_word(word: str) -> _NameWord:
    """A word's :data:`_NameWord`, remembered."""
    known = _NAME_KEYS.get(word)
    if known is None:
        if len(_NAME_KEYS) >= _MEMO_SIZE:
            _NAME_KEYS.clear()
        known = _NAME_KEYS[word] = (_name_key(word), int(word[0].isupper()), 1)
    return known


def _name_key(word: str) -> str:
    """A word's name in lower case, or "" when it names nothing."""
    if "'s" in word or "’s" in word:  # what _POSSESSIVE needs
        word = _POSSESSIVE.sub("", word)
    word = word.rstrip(".'’-")
    if len(word) < 2 or word == word.lower():
        return ""
    lower = word.lower() if word.isascii() else _fold(word)
    if lower in STOPWORDS or lower in _TITLE_OPENERS or lower.isdigit():
        return ""
    return lower
