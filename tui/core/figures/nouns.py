"""What a figure counts or measures, and a rate's period.

Without a parser, the noun comes from a few shapes that cover most news
prose, tried in this order:

* right after the figure: "27 million **users**", "$850m **payout**",
  "60W USB-C PD **port**" (a run of content words, cut after its plural head);
  a change noun sends us on: "a 7.5% rise in **exports**";
* "of" after it: "74% of **respondents**", "$15bn of **foreign investment**";
  for money also "$1bn on **technology**", "$200 off the **regular price**";
* the phrase the figure is tied to on its left: "a pre-tax **profit** of
  £75m", "cut its **debt** back to £160m";
* the subject of the verb before it: "EU **exports** rose 2%", "**Revenues**
  at Reuters slipped 11%", "**Profits** for the year rose 20% to £4.6bn".

A noun found on the right is *strong*; one found on the left is *weak*, and
the extractor may replace a weak noun by a neighbour's ("£75m ($141m)").
The noun is one or two words of the text, as the spec asks. The word lists
these rules consult are in ``data/`` (grammar.toml, verbs.txt, noun_stop.txt…).
"""

from __future__ import annotations

import re

from .document import Document
from .subjects import MoreContext, linked_by_of, noun_on_left
from .words import (
    BOUNDARY_PUNCTUATION,
    DASHES,
    DETERMINERS,
    FRAMES,
    LEFT_WINDOW,
    LEX,
    MONEY_LINKS,
    PERIOD_ADJECTIVES,
    PERIOD_NOUNS,
    PERIOD_RIGHT,
    PERIOD_TOKENS,
    SHORT_LEFT,
    TOKEN,
    WINDOW,
    Token,
    is_content,
    phrase,
    right_run,
)

_tokens = TOKEN.findall
# A token can be a period adjective only where the text holds one: one
# search spares tokenising the left window for nearly every figure.
_PERIOD_ADJECTIVE_IN = re.compile("|".join(map(re.escape, sorted(PERIOD_ADJECTIVES))))


def _skip_determiners(tokens: list[Token]) -> int:
    index = 0
    while index < len(tokens) and (
        tokens[index].lower() in DETERMINERS
        or tokens[index] in "\"“‘'$£€¥₹"
        or tokens[index].isdigit()
        or tokens[index].lower().endswith(("'s", "s'"))
    ):
        index += 1
    return index


def _noun_after(tokens: list[Token], *, lower_case: bool = False) -> str | None:
    """The noun phrase after "of"/"in": determiners, quotes and possessives
    skipped; with *lower_case*, not a proper noun ("$1bn on EV-DO technology",
    but not "£99 in the UK")."""
    index = _skip_determiners(tokens)
    if lower_case and (index >= len(tokens) or tokens[index].istitle()):
        return None
    run, _ = right_run(tokens[index:])
    if run and run[-1].lower() in FRAMES:
        return None
    return phrase(run)


def _right(tokens: list[Token], kind: str) -> tuple[str | None, bool]:
    if tokens and tokens[0] == "(":  # "$676m (£352m) loss": look past the aside
        close = next((i for i, t in enumerate(tokens[:12]) if t == ")"), None)
        if close is not None:
            tokens = tokens[close + 1:]
    if not tokens:
        return None, False
    run, stop = right_run(tokens)
    if run and run[0].lower() in LEX.change_words and kind != "count":
        after = tokens[stop:]
        if after and after[0].lower() in ("in", "of"):
            return _noun_after(after[1:]) or run[0], True
        return run[0], True
    if run and run[-1].lower() not in LEX.figure_frames:
        return phrase(run), True
    first = tokens[0].lower()
    # "or more of", "worth of": the second and third words are lower-cased
    # only when the first one asks for them.
    if first == "or" and len(tokens) > 2 and tokens[1].lower() in ("more", "less") \
            and tokens[2].lower() == "of":
        tokens, first = tokens[2:], "of"
    if first == "of" or (first == "worth" and len(tokens) > 1 and tokens[1].lower() == "of"):
        noun = _noun_after(tokens[1 if first == "of" else 2:])
        if noun:
            return noun, True
    if kind == "money" and first in MONEY_LINKS and len(tokens) > 1 and (
        first != "to" or tokens[1].lower() in DETERMINERS
    ):
        noun = _noun_after(tokens[1:], lower_case=True)
        if noun:
            return noun, first == "off"
    if kind == "money" and first in ("a", "per", "each") and len(tokens) > 1:
        word = tokens[1]
        if is_content(word) and word.lower() not in LEX.period_nouns:
            return word, False  # "$13 a share"
    if kind == "multiple":
        return _noun_after(tokens), False
    return None, False


def describe(doc: Document, start: int, end: int, kind: str, sentence: tuple[int, int],
             next_start: int) -> tuple[str | None, bool, str | None]:
    """The noun of the figure spanning ``[start, end)``, whether it is strong
    (found on the right), and its rate's period; the two share tokens."""
    view = doc.view
    s_start, s_end = sentence
    right_tokens = _tokens(view, end, s_end if s_end < end + WINDOW else end + WINDOW)
    noun, strong = _right(right_tokens, kind)
    if not (strong or (kind == "count" and noun)):
        lo = start - SHORT_LEFT if start - SHORT_LEFT > s_start else s_start
        left_tokens = _tokens(view, lo, start)
        if not noun or linked_by_of(left_tokens):
            enclosed = bool(right_tokens) and right_tokens[0] == ","
            try:
                left = noun_on_left(left_tokens, kind, enclosed, lo > s_start)
            except MoreContext:
                left = noun_on_left(_tokens(view, max(s_start, start - LEFT_WINDOW), start),
                                    kind, enclosed, False)
            noun = left or noun
        strong = False
    # The period: on the right ("a day", "per month", "daily downloads") when
    # a period word is among the right tokens, else on the left ("annual
    # savings of $5m") when the window there holds a period adjective.
    lower = doc.lower
    if not PERIOD_TOKENS.isdisjoint(right_tokens):
        period = _period_right(lower, end, s_end if s_end < next_start else next_start)
        if period:
            return noun, strong, period
    left_start = start - 60 if start - 60 > s_start else s_start
    if (lower.find("annu", left_start, start) >= 0 or lower.find("ly ", left_start, start) >= 0) \
            and _PERIOD_ADJECTIVE_IN.search(lower, left_start, start):
        return noun, strong, _period_left(lower, left_start, start)
    return noun, strong, None


def _period_right(lower: str, end: int, right_end: int) -> str | None:
    """"100,000 a day", "6% per year", "88 million daily downloads"."""
    right = lower[end:min(right_end, end + 70)]
    for match in PERIOD_RIGHT.finditer(right):
        if match.group(1):
            return PERIOD_NOUNS[match.group(1)]
        if match.group(2):
            return PERIOD_NOUNS[match.group(2)]
        if match.group(4) and match.group(5) not in LEX.period_not_after:
            return PERIOD_NOUNS[match.group(4)]
        if match.group(6):
            return PERIOD_ADJECTIVES[match.group(6)]
    for token in right.split()[:2]:
        period = PERIOD_ADJECTIVES.get(token.strip(".,;:()\"'"))
        if period:
            return period  # "88 million daily downloads", "5% annual increase"
    return None


def _period_left(lower: str, left_start: int, start: int) -> str | None:
    """"annual savings of more than $375m": a period adjective among the last
    four tokens before the figure, within its clause."""
    for token in reversed(_tokens(lower, left_start, start)[-4:]):
        if token in BOUNDARY_PUNCTUATION and token not in DASHES:
            break
        period = PERIOD_ADJECTIVES.get(token)
        if period:
            return period
    return None
