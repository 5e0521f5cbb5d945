"""Read the whole expression around a number: currency, scale, unit, range, qualifier.

Given where a number was found, :func:`read` looks right for a scale word
("million", "bn", "m"), a unit or currency name, a rate ("per second"), the
other end of a range ("30-600 MW"), and left for a currency sign and a
qualifier ("more than"). It decides the kind from what it finds and returns a
:class:`Quantity`; whether that quantity is a figure at all is for
:mod:`.exclusions` and :mod:`.extractor` to judge.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from .document import Document, strip_punctuation
from .lexicon import UnitInfo, lexicon
from .numbers import WordNumber, parse_digits, parse_words
from .patterns import patterns

_TIMES = re.compile(r" times(?![A-Za-z])")
_COMPARATIVE_WORDS = frozenset(
    ["more", "less", "as", "the", "that", "its", "their", "his", "her", "what", "this", "those", "these", "faster", "slower", "higher", "lower", "larger", "bigger", "smaller", "greater", "cheaper", "longer", "shorter", "quicker", "better", "worse"]
)
_RATE_SUFFIX = {"second": "s", "sec": "s", "s": "s", "hour": "h", "hr": "h", "h": "h",
                "minute": "min", "min": "min"}
_TIME_PER = {"month": "month", "mo": "month", "year": "year", "yr": "year", "day": "day",
             "week": "week", "hour": None, "hr": None}


# Bound once: these run for every candidate number.
_LEX = lexicon()
_PATS = patterns()
_SCALE = _PATS.scale.match
_UNIT = _PATS.unit.match
_MONEY_PER = _PATS.money_per.match
_CURRENCY_PREFIX_REV = _PATS.currency_prefix_rev.match
_QUALIFIER_REV = _PATS.qualifier_rev.match
_FACTOR_REV = _PATS.factor_rev.match
_SCALE_WORDS = _LEX.scale_words
_SCALE_ATTACHED = _LEX.scale_attached
_SCALE_MONEY_ONLY = _LEX.scale_money_only
_UNIT_SYMBOLS = _LEX.unit_symbols
_UNIT_ATTACHED = _LEX.unit_attached
_UNIT_WORDS = _LEX.unit_words
_CURRENCY_PREFIX = _LEX.currency_prefix
_CURRENCY_CODES = _LEX.currency_codes



def _ascii_starts(case_sensitive: Iterable[str], ignoring_case: Iterable[str] = ()) -> frozenset[str]:
    """The ASCII characters a match of these items can begin with (items of
    *ignoring_case* are matched under ``(?i)``). Used to skip a regex call
    when the next character is ASCII and not among them; a non-ASCII next
    character always gets the regex, so Unicode case folding is never guessed at."""
    starts = {item[0] for item in case_sensitive if item}
    for item in ignoring_case:
        if not item[0].isascii():
            raise ValueError(f"no cheap test for {item!r}")
        starts |= {item[0].lower(), item[0].upper()}
    return frozenset(c for c in starts if c.isascii())


# What can follow a number for the scale and unit patterns to match at all
# (SPACE, "-" and the first characters of their alternatives); and, after a
# space, what the next character must be for a scale word.
_SCALE_STARTS = _ascii_starts((" ", "-", *_SCALE_ATTACHED, *_SCALE_MONEY_ONLY), _SCALE_WORDS)
_SCALE_WORD_STARTS = _ascii_starts((), _SCALE_WORDS)
_UNIT_STARTS = _ascii_starts((" ", "-", *_UNIT_SYMBOLS, *_UNIT_ATTACHED), _UNIT_WORDS)
if any(item[:1].isspace() for item in (*_SCALE_ATTACHED, *_SCALE_MONEY_ONLY)):
    raise ValueError("a scale written after a space must be a scale word")

# Characters that can begin a scale, unit or currency word after a space.
_SUFFIX_STARTS = frozenset(
    char
    for word in (*lexicon().scale_words, *lexicon().unit_words, *lexicon().unit_symbols, "times")
    for char in (word[:1], word[:1].upper(), word[:1].lower())
) | {"-", "×", "%"}
# Last words of the qualifiers (and the article some take: "more than a").
_QUALIFIER_ENDINGS = frozenset(
    {q.split()[-1] for q in lexicon().qualifiers} | {"a", "an", "the", "factor", "of"}
)
_LONGEST_ENDING = max(map(len, _QUALIFIER_ENDINGS))
# Last characters of a currency written before the number ("$", "£", "US$", "Rs.", "RMB").
_PREFIX_ENDS = frozenset("$£€¥￥₹₩₽₺₦₱₪₫.ABCDEFGHIJKLMNOPQRSTUVWXYZs")
_DASHES = frozenset("-–—")
# Characters after which no scale, unit or rate can follow the number.
_NO_SUFFIX = frozenset(",.;:)!?\n']")


class Quantity:
    """A number expression as read, before it is judged.

    A plain class with ``__slots__`` rather than a dataclass: thousands are
    made per article and the rules read their fields dozens of times, and
    slot reads are the cheapest attribute access there is.
    """

    __slots__ = (
        "after", "before", "consumed", "currency_prefix", "end", "inherits", "kind", "num_end",
        "num_start", "per", "qualified", "ranged", "raw", "scale", "scale_token", "start", "unit",
        "value", "word",
    )

    start: int
    end: int
    num_start: int
    num_end: int
    value: float
    raw: str
    word: WordNumber | None
    consumed: int  # where scanning resumes, even if this is rejected
    kind: str | None  # None: a bare number, a count if it passes the rules
    unit: str | None
    scale: float
    scale_token: str
    currency_prefix: str
    qualified: bool
    ranged: bool
    per: str | None
    inherits: bool  # took its unit from the other end of a range ("5 to 10%")
    before: tuple[str, int] | bool | None  # the token before the span (False: not looked)
    after: tuple[str, int] | bool | None  # the token after the span

    def __init__(self, start: int, end: int, value: float, raw: str,
                 word: WordNumber | None = None) -> None:
        self.start = self.num_start = start
        self.end = self.num_end = self.consumed = end
        self.value = value
        self.raw = raw
        self.word = word
        self.kind = self.unit = self.per = None
        self.scale = 1.0
        self.scale_token = self.currency_prefix = ""
        self.qualified = self.ranged = self.inherits = self.before = self.after = False

    @property
    def has_decimal(self) -> bool:
        """True for "2.5" (which matters for "2.5m": millions, not metres)."""
        return "." in self.raw


def token_before(doc: Document, q: Quantity) -> tuple[str, int] | None:
    """The token just before *q* (looked up once)."""
    if q.before is False:
        q.before = doc.prev_token(q.start)
    return q.before  # type: ignore[return-value]


def token_after(doc: Document, q: Quantity) -> tuple[str, int] | None:
    """The token just after *q* (looked up once)."""
    if q.after is False:
        q.after = doc.next_token(q.end)
    return q.after  # type: ignore[return-value]


def number_at(doc: Document, start: int, *, words: bool) -> tuple[int, float, WordNumber | None]:
    """Parse the number starting at *start*: its end, value and word form."""
    pats = patterns()
    if words:
        match = pats.words.match(doc.lower, start)
        if match is None:
            return start, 0.0, None
        parsed = parse_words(match.group())
        if parsed is None:
            return match.end(), 0.0, None
        return match.end(), parsed.value, parsed
    match = pats.digits.match(doc.view, start)
    if match is None:
        return start, 0.0, None
    value = parse_digits(match.group())
    return match.end(), (0.0 if value is None else value), None


def read(doc: Document, start: int, end: int, value: float,
         word: WordNumber | None, raw: str | None = None) -> Quantity:
    """Read the expression whose number spans ``[start, end)`` (*raw*, when
    the caller has it, is ``doc.view[start:end]``)."""
    view = doc.view
    quantity = Quantity(start, end, value, view[start:end] if raw is None else raw, word)
    if start and (view[start - 1] in _PREFIX_ENDS or (view[start - 1] == " " and start > 1
                  and view[start - 2] in _PREFIX_ENDS)):
        _read_currency_prefix(doc, quantity)
    _read_suffix(doc, quantity, end)
    if quantity.kind is None and not quantity.scale_token and (
        view[end:end + 1] in _DASHES or view.startswith(" to ", end)
        or view[end:end + 2] in (" -", " –")
    ):
        _read_range(doc, quantity)
    _read_qualifier(doc, quantity)
    if quantity.end > quantity.consumed:
        quantity.consumed = quantity.end
    return quantity


def _read_suffix(doc: Document, q: Quantity, pos: int) -> None:
    """Scale, then unit (or currency name), then a rate; sets kind and unit."""
    view = doc.view
    following = view[pos:pos + 1]
    prefix = q.currency_prefix
    if following == " ":
        after = view[pos + 1:pos + 2]
        if not prefix and after not in _SUFFIX_STARTS:
            return  # "12 jobs": no scale, unit or rate can follow
        # "17 people": no scale (a non-ASCII character always gets the pattern)
        scale = _SCALE(view, pos) if after >= "\x80" or after in _SCALE_WORD_STARTS else None
    elif not prefix and following in _NO_SUFFIX:
        return  # "2004," "(12)"
    else:  # "17%" has no scale
        scale = _SCALE(view, pos) if following >= "\x80" or following in _SCALE_STARTS else None
    if scale is not None:
        group = scale.lastgroup  # "word", "attached" or "money": one alternative matched
        token = scale.group(group)
        if group == "money" and not prefix:
            scale = None  # "4K", "5B": a name, not an amount
        elif token == "m" and not prefix and _metres_not_millions(doc, q, scale.end()):
            q.kind, q.unit, q.end = "measure", "m", scale.end()
            _read_rate(doc, q)
            return
        else:
            q.scale_token = token
            q.scale = (_SCALE_WORDS.get(token.lower()) or _SCALE_ATTACHED.get(token)
                       or _SCALE_MONEY_ONLY[token])
            pos = q.end = scale.end()
    following = view[pos:pos + 1]
    unit = None if following < "\x80" and following not in _UNIT_STARTS else _UNIT(view, pos)
    info = _unit_info(unit) if unit is not None else None
    if info is not None and _unit_fits(q, info, unit):  # type: ignore[arg-type]
        q.end = unit.end()  # type: ignore[union-attr]
        if prefix:
            pass  # "$5 dollars": the sign already said it
        elif info.kind == "money":
            q.kind, q.unit = "money", info.canon
            q.value *= info.factor
        else:
            q.kind, q.unit = info.kind, info.canon
            if info.length or info.bits:
                _read_rate(doc, q, info)
    elif prefix:
        pass
    elif q.kind is None and view.startswith(" times", q.end) and _TIMES.match(view, q.end) \
            and _comparative_after(doc, q.end + 6):
        q.kind, q.unit, q.end = "multiple", "x", q.end + 6
    if prefix:
        q.kind = "money"
        per = _MONEY_PER(view, q.end) if view[q.end:q.end + 1] in ("/", "-") else None
        if per is not None:
            q.end = per.end()
            q.per = _TIME_PER.get(per.group("u"))
    q.value *= q.scale


def _unit_info(match: re.Match[str]) -> UnitInfo | None:
    group = match.lastgroup  # "symbol", "attached" or "word": one alternative matched
    if group == "symbol":
        return _UNIT_SYMBOLS.get(match.group("symbol"))
    if group == "attached":
        return _UNIT_ATTACHED.get(match.group("attached"))
    word = " ".join(match.group("word").lower().split())
    return _UNIT_WORDS.get(word)


def _unit_fits(q: Quantity, info: UnitInfo, match: re.Match[str]) -> bool:
    """Units whose letters also mean something else need a second look."""
    if info.needs_scale:  # "5 pounds" (a weight?), "3-1 won" (a verb)
        return bool(q.scale_token) or q.value >= 1000
    if match.lastgroup != "attached":
        return not (info.canon == "x" and q.word is not None)
    token = match.group("attached")
    if info.kind == "money" and token == "p":  # "590p", but never "1080p"
        return (not q.scale_token and q.value < 1000 and "." not in q.raw
                and int(q.value) not in _LEX.pence_values_excluded)
    if token == '"':  # 6.1" screens, not a closing quote after "number 5"
        return q.has_decimal
    return not (info.canon == "x" and q.word is not None)


def _read_rate(doc: Document, q: Quantity, info: UnitInfo | None = None) -> None:
    """"megabits a second" keeps Mbps; "17m per second" becomes m/s."""
    rate = patterns().rate.match(doc.view, q.end)
    if rate is None:
        return
    suffix = _RATE_SUFFIX[rate.group("t") or rate.group("s")]
    if info is not None and info.bits:
        if suffix == "s":
            q.end = rate.end()
        return
    if q.unit in ("m", "km", "mi"):
        q.unit = {"km/h": "km/h", "mi/h": "mph"}.get(f"{q.unit}/{suffix}", f"{q.unit}/{suffix}")
        q.end = rate.end()


def _metres_not_millions(doc: Document, q: Quantity, pos: int) -> bool:
    """"508m tall", "382m track" are metres; "2.5m people" and "£5m" millions."""
    lex = lexicon()
    unit = patterns().unit.match(doc.view, pos)
    if unit is not None and (info := _unit_info(unit)) is not None and info.kind == "money":
        return False
    after = doc.next_token(pos)
    if after is None:
        return not q.has_decimal
    word = strip_punctuation(after[0]).lower()
    if word in lex.m_context or patterns().rate.match(doc.view, pos):
        return True
    if doc.view[pos:pos + 1] in ".,;:)" or not word.isalpha():
        return not q.has_decimal
    if word in ("a", "an", "per", "each", "every", "daily", "annually", "in", "of"):
        return False
    if word.endswith("s") and not word.endswith("ss") and word not in lex.noun_stop:
        return False
    return not q.has_decimal


def _comparative_after(doc: Document, pos: int) -> bool:
    """"three times faster", "20 times the rate" are factors; "three times a week" is not."""
    after = doc.next_token(pos)
    if after is None:
        return False
    word = strip_punctuation(after[0]).lower()
    return word in _COMPARATIVE_WORDS or (word.endswith("er") and len(word) > 4)


def _read_currency_prefix(doc: Document, q: Quantity) -> None:
    if q.word is not None or q.start == 0 or doc.view[q.start - 1].isdigit():
        return
    start = q.start
    window = doc.view[start - 8 if start > 8 else 0:start][::-1]
    match = _CURRENCY_PREFIX_REV(window)
    if match is None:
        return
    token = match.group().strip()[::-1]
    code = _CURRENCY_PREFIX.get(token) or _CURRENCY_CODES.get(token)
    if code is None:
        return
    if token in ("¥", "￥") and _mentions_china(doc, q.start):
        code = "CNY"
    q.currency_prefix = code
    q.unit = code
    q.start -= match.end()


def _mentions_china(doc: Document, pos: int) -> bool:
    window = doc.lower[max(0, pos - 300):pos + 300]
    return any(word in window for word in lexicon().yen_china_words)


def _read_range(doc: Document, q: Quantity) -> None:
    """"30-600 MW" and "0.5 to 4 metres" are one figure (valued at the low
    end); in "5 to 10%" the 5 is a per cent too but stands alone."""
    joint = patterns().range_joint.match(doc.view, q.num_end)
    if joint is None:
        return
    pos = joint.end()
    is_word = q.word is not None
    if not (doc.lower[pos:pos + 1].isalpha() if is_word else doc.view[pos:pos + 1].isdigit()):
        return
    end, value, word = number_at(doc, pos, words=is_word)
    if end == pos or (is_word and word is None):
        return
    other = Quantity(pos, end, value, doc.view[pos:end], word)
    other.currency_prefix = q.currency_prefix
    _read_suffix(doc, other, end)
    multiplier = other.value / value if value else other.scale
    dash = joint.group("dash") is not None
    if dash and (other.kind is not None or other.scale_token or q.currency_prefix):
        q.ranged = True
        q.end = q.consumed = other.end
    elif dash:
        q.ranged = True  # a bare "10-15" (or a score "3-1", judged later)
        q.end = q.consumed = end
        q.raw = doc.view[q.num_start:end]
        return
    elif other.kind == "measure":
        q.ranged = True
        q.end = q.consumed = other.end
    elif other.kind in ("percent", "money") or other.scale_token or (
        other.word is not None and other.word.has_scale
    ):
        q.inherits = True
    else:
        return
    q.kind, q.unit = other.kind, other.unit
    q.per = q.per or other.per
    q.scale, q.scale_token = other.scale, other.scale_token
    q.value *= multiplier


def _read_qualifier(doc: Document, q: Quantity) -> None:
    start = q.start
    lower = doc.lower
    if start < 3 or lower[start - 1] != " ":
        return
    # Cheap test first: the word before must be the last word of a qualifier.
    word_start = lower.rfind(" ", start - 16 if start > 16 else 0, start - 1) + 1
    # No space in that window: the word is longer than any ending (and
    # slicing from 0 would copy the whole text before it: quadratic on a
    # long text without spaces, such as inline CSS).
    if start - 1 - word_start > _LONGEST_ENDING or \
            lower[word_start:start - 1] not in _QUALIFIER_ENDINGS:
        return
    window = lower[start - 40 if start > 40 else 0:start][::-1]
    match = _QUALIFIER_REV(window)
    if match is not None:
        q.qualified = True
        q.start -= match.end()
        return
    factor = _FACTOR_REV(window) if q.kind is None and not q.scale_token else None
    if factor is not None:
        q.kind, q.unit = "multiple", "x"
        q.start -= factor.end()
        match = _QUALIFIER_REV(doc.lower[max(0, q.start - 40):q.start][::-1])
        if match is not None:
            q.qualified = True
            q.start -= match.end()
