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
    words = [t.lower() for t in tokens[:4]]
    if words[:3] in (["or", "more", "of"], ["or", "less", "of"]):
        tokens, first = tokens[2:], "of"
    if first == "of" or words[:2] == ["worth", "of"]:
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
    right_tokens = TOKEN.findall(view, end, min(s_end, end + WINDOW))
    noun, strong = _right(right_tokens, kind)
    left_tokens: list[str] | None = None
    if not (strong or (kind == "count" and noun)):
        lo = max(s_start, start - SHORT_LEFT)
        left_tokens = TOKEN.findall(view, lo, start)
        if not noun or linked_by_of(left_tokens):
            enclosed = bool(right_tokens) and right_tokens[0] == ","
            try:
                left = noun_on_left(left_tokens, kind, enclosed, lo > s_start)
            except MoreContext:
                left = noun_on_left(TOKEN.findall(view, max(s_start, start - LEFT_WINDOW), start),
                             kind, enclosed, False)
            noun = left or noun
        strong = False
    return noun, strong, _period(doc, start, end, s_start, min(s_end, next_start), right_tokens)


def _period(doc: Document, start: int, end: int, s_start: int, right_end: int,
            right_tokens: list[str]) -> str | None:
    """A rate's period: "a day", "per month", "daily downloads", "annual savings of $5m"."""
    lower = doc.lower
    if not PERIOD_TOKENS.isdisjoint(right_tokens):
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
    left_start = max(s_start, start - 60)
    if lower.find("annu", left_start, start) >= 0 or lower.find("ly ", left_start, start) >= 0:
        for token in reversed(TOKEN.findall(lower, left_start, start)[-4:]):
            if token in BOUNDARY_PUNCTUATION and token not in DASHES:
                break
            period = PERIOD_ADJECTIVES.get(token)
            if period:
                return period  # "annual savings of more than $375m"
    return None
