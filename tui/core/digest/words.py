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
from collections.abc import Iterable
from functools import lru_cache
from importlib import resources

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
_URL = re.compile(r"https?://\S+")
_MD_MARKS = re.compile(r"[*_`#>|~]+")
# Model and version names: "Galaxy S24", "GPT-4o", "v4.0.1", "M3";
# and a capitalised name followed by a bare number: "iOS 17", "Firefox 121".
_IDENT_GLUED = re.compile(r"\b([A-Za-z]{1,12})-?(\d+(?:\.\d+)*[A-Za-z]{0,3})\b")
_IDENT_SPACED = re.compile(r"\b([A-Z][A-Za-z]{1,15}|[a-z][A-Z][A-Za-z]{0,12})\s+(\d{1,4}(?:\.\d+)*[A-Za-z]{0,3})\b(?!\s*(?:[%$€£]|per\s?cent|percent|thousand|million|billion|trillion|bn|mn|[mkb]\b))")


_SCALED = re.compile(r"\d+(?:\.\d+)?(?:k|m|mn|b|bn|tn)", re.IGNORECASE)
# Words that open a headline without naming anything ("Over 27M…", "Exclusive: …").
_TITLE_OPENERS = _load_words("title_openers.txt")


def _fold(text: str) -> str:
    """Lower case without accents, compatibility forms unified (ﬁ → fi)."""
    if text.isascii():
        return text.lower()
    text = unicodedata.normalize("NFKD", text.casefold())
    return "".join(char for char in text if not unicodedata.combining(char))


def _amount(match: re.Match[str]) -> str:
    number = match.group(1).replace(",", "")
    if "." in number:
        number = number.rstrip("0").rstrip(".")
    scale = match.group(2).lower().replace(" ", "")
    suffix = "%" if scale in ("%", "percent", "percent") or scale.startswith("per") else _SCALES[scale]
    return f" {number}{suffix} "


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """A light English stem, the same for "launches", "launched", "launch"
    and "users"/"user"; words with digits are left alone."""
    if len(word) <= 3 or any(char.isdigit() for char in word):
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
_TOKEN_TERMS: dict[str, str | tuple[str, ...]] = {}
_NAME_KEYS: dict[str, str] = {}


def _token_terms(token: str) -> str | tuple[str, ...]:
    """The term of one token ("" for none), or a CJK token's bigrams."""
    token = token.strip("._")
    if not token:
        return ""
    cjk = _CJK.findall(token)
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
    text = _POSSESSIVE.sub("", text)
    text = _AMOUNT.sub(_amount, _fold(text).replace("$", " ").replace("€", " ").replace("£", " "))
    found: list[str] = []
    memo = _TOKEN_TERMS
    for token in _TOKEN.findall(text):
        term = memo.get(token)
        if term is None:
            if len(memo) >= _MEMO_SIZE:
                memo.clear()
            term = memo[token] = _token_terms(token)
        if isinstance(term, str):
            if term:
                found.append(term)
        else:
            found.extend(term)
    return found


def plain_lede(markdown: str, limit: int = LEDE_CHARS) -> str:
    """The first *limit* characters of a story's Markdown as plain text:
    images, link targets, bare URLs and emphasis marks removed."""
    if not markdown:
        return ""
    head = markdown[: limit * 4]
    head = _MD_IMAGE.sub(" ", head)
    head = _MD_LINK.sub(r"\1", head)
    head = _URL.sub(" ", head)
    head = _MD_MARKS.sub(" ", head)
    return " ".join(head.split())[:limit]


def identifiers(title: str) -> tuple[str, ...]:
    """Model and version names in a title as ``stem:value`` ("s:24",
    "firefox:121", "v:4.0.1"), the first value of each stem only: "Galaxy
    S23 price cut ahead of S24 launch" is about the S23. Two titles naming
    the same stem with different values are about different things,
    however alike the rest."""
    found: list[tuple[int, str, str]] = []
    for match in _IDENT_GLUED.finditer(title):
        stem_text, value = match.group(1).lower(), match.group(2).lower()
        if stem_text in ("q", "h") and not value.isdigit():
            continue
        if _SCALES.get(stem_text) or stem_text in ("per", "x") or _SCALED.fullmatch(value):
            continue
        found.append((match.start(), stem_text, value))
    for match in _IDENT_SPACED.finditer(title):
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
    subject: str | None = None
    found: set[str] = set()
    title_words = _NAME.findall(title or "")
    lede_words = _NAME.findall(lede or "")
    count = len(title_words) + len(lede_words)
    capitalised = sum(1 for word in title_words if word[0].isupper()) + sum(
        1 for word in lede_words if word[0].isupper()
    )
    if count and capitalised > 0.4 * count:
        return None, frozenset()  # German, or a Title Case title alone: no telling names
    memo = _NAME_KEYS
    for index, words in enumerate((title_words, lede_words)):
        for word in words:
            key = memo.get(word)
            if key is None:
                if len(memo) >= _MEMO_SIZE:
                    memo.clear()
                key = memo[word] = _name_key(word)
            if key:
                found.add(key)
                if index == 0 and subject is None:
                    subject = key
    return subject, frozenset(found)


def _name_key(word: str) -> str:
    """A word's name in lower case, or "" when it names nothing."""
    word = _POSSESSIVE.sub("", word).rstrip(".'’-")
    if len(word) < 2 or word == word.lower():
        return ""
    lower = word.lower() if word.isascii() else _fold(word)
    if lower in STOPWORDS or lower in _TITLE_OPENERS or lower.isdigit():
        return ""
    return lower
