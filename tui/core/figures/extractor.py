"""The extraction loop: scan for numbers, read each expression, judge it, describe it.

1. Two scans find candidates: digit runs in the view and number words in
   its lower-cased copy (see :mod:`.patterns`), merged in text order.
2. :func:`.quantities.read` reads the expression around each one.
3. :func:`.exclusions.rejection` throws out years, dates, names and the like;
   :func:`_accept_bare` decides whether a bare number is a count (it needs a
   scale word, a qualifier or a counted noun).
4. Survivors get a noun, a period and their sentence, and become
   :class:`~tui.core.models.Figure` objects whose spans index the source.

Durations and ranks are recognised (so that "18 months" is never a count of
18) but not reported: the spec does not owe them and they are seldom the
figure a reader is after.
"""

from __future__ import annotations

import re

from tui.core.models import Figure

from .document import Document, strip_punctuation
from .exclusions import rejection, skip_compound
from .lexicon import lexicon
from .nouns import describe
from .numbers import WordNumber, parse_digits, parse_words
from .patterns import letter_trie, patterns
from .quantities import Quantity, number_at, read, token_after
from .sentences import Sentences

_LEX = lexicon()
_PATS = patterns()
_DIGIT_MASK = bytes(
    ord("0") if 48 <= i <= 57 else i if chr(i) in ",.:/" else ord(" ") for i in range(256)
)
# The digits pattern of patterns.py on that mask: 5, 2,225, 27.5, 10:30, 1.2.3.
_MASKED_DIGITS = re.compile(rb"00*(?:,000)*(?:\.0+)?(?:[.:/]0+)*")
_LETTER_MASK = bytes(i if 97 <= i <= 122 else ord(" ") for i in range(256))
# Word beginnings to look for after a non-letter (" third" finds "thirds";
# the word pattern then confirms), as one trie on the letters-only mask: the
# regex engine jumps from space to space at C speed and walks one branch per
# letter, where a ``find`` per word would read the whole text thirty times.
# (A full letter-by-letter trie: "the", "that" and "to" leave it at the
# second letter instead of trying each word that starts with "t".)
_WORD_STARTS = re.compile(
    (" " + letter_trie(
        word
        for word in {*_LEX.ones, *_LEX.tens, *_LEX.word_scales,
                     *_LEX.multiples, *_LEX.fractions, "halves"}
        if not any(other != word and word.startswith(other)
                   for other in (*_LEX.ones, *_LEX.tens, *_LEX.fractions))
    )).encode()
)
_ONE_IN = re.compile(r" in (?:every )?")
_HALF_A = re.compile(r" a (million|billion|trillion|thousand|dozen)\b")
_FRACTION_BLOCKERS = frozenset(["first", "second", "third", "fourth", "last", "latter", "former", "other", "the"])
_WORD_MULTIPLE_FOLLOWERS = frozenset(
    ["as", "the", "that", "its", "their", "his", "her", "what", "this", "those", "these", "our", "my", "your"]
)


def _candidates(doc: Document) -> list[tuple[int, int, bool]]:
    """Spans of digit runs and of number words, in text order.

    Regular expressions that try every position cost a few hundred machine
    instructions per character in CPython; byte-level ``translate``,
    ``split`` and ``find`` cost a few. So the text is encoded one byte per
    character (Latin-1, anything else becoming "?", which keeps offsets),
    digits are found on a digits-only mask, number words by one trie of
    their beginnings on a letters-only mask (both patterns start with a
    literal, which the engine skips to at memchr speed); the full patterns
    then run only at those places.
    """
    encoded = doc.encoded
    # Digits become "0", the separators a number may hold stay, the rest is
    # blank: the digit pattern, rewritten for this mask, then starts with a
    # literal "0", which the regex engine finds at memchr speed.
    found = [(*m.span(), False) for m in _MASKED_DIGITS.finditer(encoded.translate(_DIGIT_MASK))]
    letters = b" " + encoded.translate(_LETTER_MASK)
    match_words = _PATS.words.match
    lower = doc.lower
    words_found = False
    for needle in _WORD_STARTS.finditer(letters):
        pos = needle.start()
        match = match_words(lower, pos)
        if match is not None:
            found.append((pos, match.end(), True))
            words_found = True
    if words_found:
        found.sort()
    return found


def extract(text: str, source: str = "body") -> list[Figure]:
    """Every figure in *text*, in order, each marked as found in *source*
    (``"title"`` or ``"body"``); see the package docs."""
    if not text or not isinstance(text, str):
        return []
    doc = Document(text)
    view, lower = doc.view, doc.lower
    quantities: list[Quantity] = []
    resume = 0
    for start, end, is_word in _candidates(doc):
        if start < resume:
            continue
        if is_word:
            word = parse_words(lower[start:end])
            quantity = _read_words(doc, start, end, word) if word is not None else None
        else:
            raw = view[start:end]
            # Plain digits (most numbers) need none of parse_digits' tests.
            value = float(raw) if raw.isdigit() else parse_digits(raw)
            if value is None:  # 10:30, 24/11/2026, 1.2.3
                resume = skip_compound(doc, end)
                continue
            if end - start == 4 and 1800 <= value <= 2100 and _plain_year(doc, start, end, value):
                resume = end
                continue
            if start and view[start - 1] in _GLUED_BEFORE:
                resume = skip_compound(doc, end)  # S24, MH370, x86, 2,4 (but "Rs500", "US$5")
                continue
            quantity = read(doc, start, end, value, None, raw)
        if quantity is None:
            resume = end
            continue
        consumed = quantity.consumed
        resume = consumed if consumed > end else end
        reason = rejection(doc, quantity)
        if reason is None and quantity.kind is None and not _accept_bare(doc, quantity):
            reason = "bare number"
        if reason is not None:
            if reason.startswith("glued") or reason.startswith("time"):
                resume = max(resume, skip_compound(doc, quantity.num_end))
            continue
        if quantity.kind is None:
            quantity.kind = "count"
        if quantities and quantity.start < quantities[-1].end:
            continue
        quantities.append(quantity)
    return _describe(doc, Sentences(doc), quantities, source) if quantities else []


_GLUED_BEFORE = frozenset("abcdefghijklmnopqrtuvwxyz0123456789_#№@&\\/")
_YEAR_FOLLOWERS = frozenset(" \n,.;:)!?\"'")


def _plain_year(doc: Document, start: int, end: int, value: float) -> bool:
    """A shortcut for the commonest non-figure in news, a bare year ("in 2004,"),
    which would otherwise go through every rule to be rejected as one."""
    if end - start != 4 or not 1800 <= value <= 2100:
        return False
    view = doc.view
    following = view[end:end + 1]
    if following and following not in _YEAR_FOLLOWERS:
        return False  # 2024-25, 2000%, 2000mAh: the full rules decide
    if start and not (view[start - 1] in " \n(" and (start < 2 or view[start - 2] not in "$£€¥")):
        return False
    return not (following == " " and (_PATS.scale.match(view, end) or _PATS.unit.match(view, end)))


def _read_words(doc: Document, start: int, end: int, word: WordNumber | None) -> Quantity | None:
    """Numbers in words: "twenty", "a fifth of", "twice as", "one in four"."""
    if word is None:
        return None
    lower = doc.lower
    article = 0
    if lower[max(0, start - 2):start] == "a " and (start < 3 or not lower[start - 3].isalpha()):
        article = 2
    elif lower[max(0, start - 3):start] == "an " and (start < 4 or not lower[start - 4].isalpha()):
        article = 3
    if word.form == "multiple":
        if lower[start:end] in _LEX.multiples:
            following = doc.next_token(end)
            if following is None or strip_punctuation(following[0]).lower() \
                    not in _WORD_MULTIPLE_FOLLOWERS:
                return None
        quantity = read(doc, start, end, word.value, word)
        quantity.kind, quantity.unit = "multiple", "x"
        return quantity
    if word.form == "fraction":
        return _read_fraction(doc, start, end, word, article)
    if word.has_scale and lower[start:end].split()[0] in _LEX.word_scales:
        if not article:
            return None  # "million" alone, "hundreds of"
        start -= article
    one_in = _ONE_IN.match(lower, end)
    if one_in is not None and word.value < 100:
        other_end, other_value, other = number_at(doc, one_in.end(), words=True)
        if other is None:
            other_end, other_value, other = number_at(doc, one_in.end(), words=False)
        if other_end > one_in.end() and other_value > word.value:
            quantity = read(doc, start, end, 100 * word.value / other_value, word)
            quantity.kind, quantity.unit = "percent", "%"
            quantity.end = quantity.consumed = other_end
            return quantity
    if word.small and not _unit_follows(doc, end):
        return None  # "three phones": not owed, and "one" is often a pronoun
    quantity = read(doc, start, end, word.value, word)
    if word.has_scale and not quantity.scale_token:
        quantity.scale_token = "words"
    if word.small and quantity.kind is None:
        return None
    return quantity


def _unit_follows(doc: Document, end: int) -> bool:
    """Cheap test before reading "two megabits a second" or "five per cent" in full."""
    view = doc.view
    return bool(_PATS.unit.match(view, end) or view.startswith(" times", end)
                or _PATS.scale.match(view, end))


def _read_fraction(doc: Document, start: int, end: int, word: WordNumber,
                   article: int) -> Quantity | None:
    """"a fifth of sales" is 20%; "the first half of 2024" is no figure."""
    lower = doc.lower
    previous = doc.prev_token(start - article)
    if previous is not None and previous[0].lower() in _FRACTION_BLOCKERS and not article:
        return None
    half = lower[start:end] == "half"
    if not article and not half and lower[start:end].split("-")[0].split()[0] not in _LEX.ones:
        return None
    scale = _HALF_A.match(lower, end)
    if half and scale is not None:  # "half a million"
        value = 0.5 * _LEX.word_scales.get(scale.group(1), 12)
        quantity = read(doc, start - article, start, value, word)
        quantity.num_end = quantity.end = quantity.consumed = scale.end()
        quantity.scale_token = scale.group(1)
        return quantity
    quantity = read(doc, start, end, word.value, word)
    quantity.start = min(quantity.start, start - article) if not quantity.qualified \
        else quantity.start
    following = lower[end:end + 4]
    if not (following.startswith(" of ") or following.startswith(" (") or quantity.qualified):
        return None
    quantity.kind, quantity.unit = "percent", "%"
    return quantity


def _accept_bare(doc: Document, q: Quantity) -> bool:
    """A bare number is a count only with some sign that it counts something."""
    if q.scale_token or q.inherits or (q.qualified and not q.has_decimal):
        return True
    following = token_after(doc, q)
    if following is not None:
        token = following[0]
        word = strip_punctuation(token)
        if token[:1].isalpha() and word == token.rstrip(",.;:") and _counted_noun(word):
            return not q.has_decimal or word.lower().endswith("s")
        if word.lower() == "of" and token == word:
            after = doc.next_token(following[1])
            if after is not None and strip_punctuation(after[0]).lower() in (
                    "them", "the", "these", "those", "its", "their", "our", "us", "all"):
                return not q.has_decimal
    return q.word is None and "," in q.raw and q.value >= 1000


def _counted_noun(word: str) -> bool:
    lex = _LEX
    lower = word.lower()
    if lower in lex.noun_stop or lower in lex.months or lower in lex.times:
        return False
    return not (lower.endswith("ly") and len(lower) > 5)


def _describe(doc: Document, sentences: Sentences, quantities: list[Quantity],
              source_name: str) -> list[Figure]:
    source, view = doc.source, doc.view
    count = len(quantities)
    bounds_of = sentences.bounds
    bounds = [bounds_of(q.start) for q in quantities]
    nouns: list[tuple[str | None, bool]] = []
    pers: list[str | None] = []
    next_starts = [q.start for q in quantities[1:]]
    next_starts.append(len(source))
    for q, sentence, next_start in zip(quantities, bounds, next_starts, strict=True):
        noun, strong, per = describe(doc, q.start, q.end, q.kind or "count", sentence, next_start)
        nouns.append((noun, strong))
        pers.append(q.per or per)
    if count > 1:
        _chain_nouns(doc, quantities, nouns)
        _chain_periods(doc, quantities, pers)
    texts: dict[tuple[int, int], str] = {}
    figures = []
    append = figures.append
    for q, (s_start, s_end), (noun, _), per in zip(quantities, bounds, nouns, pers, strict=True):
        start, end = q.start, q.end
        if view[start] in _TRIM or view[end - 1] in _TRIM:
            start, end = _trim(source, view, start, end)
        value = q.value
        key = (s_start, s_end if s_end > q.end else q.end)
        sentence = texts.get(key)
        if sentence is None:
            sentence = view[key[0]:key[1]]
            # Whitespace is folded only where there is some to fold: every
            # whitespace character but the space is unprintable, so a
            # printable sentence with no double or edge space is already folded.
            if not (sentence.isprintable() and "  " not in sentence
                    and sentence[:1] != " " and sentence[-1:] != " "):
                sentence = " ".join(sentence.split())
            texts[key] = sentence
        append(Figure(  # positional: text, start, end, value, kind, unit, noun, per, sentence
            source[start:end], start, end, value if value.is_integer() else _round(value),
            q.kind or "count", q.unit, noun, per, sentence, source_name,
        ))
    return figures


def _chainable(doc: Document, start: int, end: int) -> bool:
    """Is the text between two figures only the glue of a comparison or a
    conversion ("($141m)", "to", "from October's", "in 2003 to")?"""
    if end - start > 60:
        return False
    lex = _LEX
    chain = lex.grammar["chain"]
    for token in doc.view[start:end].replace("(", " ").replace(")", " ").split():
        word = token.strip(",;:-–")
        lower = word.lower()
        if not word or word[0].isdigit() or lower in chain or lower in lex.months:
            continue
        if lower.endswith("'s") and word[0].isupper():
            continue  # "from October's £3.6bn"
        return False
    return True


def _chain_nouns(doc: Document, quantities: list[Quantity],
                 nouns: list[tuple[str | None, bool]]) -> None:
    """"£75m ($141m)", "from £6 to £10", "2% to 3% rise": neighbours share a noun."""
    view = doc.view
    for index in range(1, len(quantities)):
        if nouns[index][1]:
            continue
        previous = nouns[index - 1][0]
        before, current = quantities[index - 1], quantities[index]
        if previous is not None and current.kind != "count" \
                and current.start - before.end <= 60 \
                and _chainable(doc, before.end, current.start):
            nouns[index] = (previous, False)
    for index in range(len(quantities) - 2, -1, -1):
        noun, strong = nouns[index]
        following = nouns[index + 1]
        current, after = quantities[index], quantities[index + 1]
        if strong or following[0] is None or current.end + 12 <= after.start:
            continue
        gap = view[current.end:after.start].strip().lower()
        if (noun is None or (following[1] and gap in ("to", "-", "–", "or", "and"))) \
                and _chainable(doc, current.end, after.start):
            nouns[index] = (following[0], False)


def _chain_periods(doc: Document, quantities: list[Quantity], pers: list[str | None]) -> None:
    """"$5bn (£2.7bn) a year": a conversion in brackets shares its figure's period."""
    view = doc.view
    for index in range(1, len(quantities)):
        previous, current = quantities[index - 1], quantities[index]
        if current.start - previous.end > 3 or view[current.end:current.end + 1] not in (")", ";"):
            continue
        gap = view[previous.end:current.start].strip()
        if gap in ("(", ";", ""):
            period = pers[index - 1] or pers[index]
            if period:
                pers[index - 1] = pers[index] = period


_TRIM = frozenset(" \n*_~")


def _trim(source: str, view: str, start: int, end: int) -> tuple[int, int]:
    """Keep the span off masked Markdown at its edges ("**27 million**")."""
    while start < end and (view[start].isspace() or source[start] in "*_~"):
        start += 1
    while end > start and (view[end - 1].isspace() or source[end - 1] in "*_~"):
        end -= 1
    return start, end


def _round(value: float) -> float:
    """Float noise from scaling (2.18 * 1e12) would read badly in JSON."""
    if value.is_integer():
        return value
    rounded = float(f"{value:.12g}")
    return float(int(rounded)) if rounded == int(rounded) and abs(rounded) < 1e15 else rounded
