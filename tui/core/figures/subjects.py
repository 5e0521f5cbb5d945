"""The noun of a figure found on its left: the phrase it is tied to, or the
subject of the verb before it.

* "a pre-tax **profit** of £75m", "cut its **debt** back to £160m": the
  content words just before a linking particle;
* "EU **exports** rose 2%", "**Revenues** at Reuters slipped 11%",
  "**Profits** for the year rose 20% to £4.6bn": the head of the clause's
  subject, found by walking back from the verb to the clause start.

Nouns found here are *weak*: the extractor may replace one by a neighbour's.
"""

from __future__ import annotations

from .words import (
    ADJECTIVES,
    ADVERBIALS,
    AMBIGUOUS,
    AUXILIARIES,
    BOUNDARY_PUNCTUATION,
    DASHES,
    DETERMINERS,
    LEX,
    LINKING,
    NOUN_LINKS,
    PARTICLES,
    PREPOSITIONS,
    SUBORDINATORS,
    VERBS,
    Token,
    is_adverb,
    is_content,
    is_figure_token,
    is_plural,
    looks_participle,
    phrase,
    right_run,
)


def _noun_reading(tokens: list[Token], j: int, link: str) -> bool:
    """Is the verb-like word at *j* a noun here? "solar module *costs* from",
    "a pre-tax *charge* of" are nouns; "prices *rise* by", "would *rise* from" verbs."""
    lower = tokens[j].lower()
    before = tokens[j - 1].lower() if j else ""
    if before in AUXILIARIES or before in ("than", "to", "not"):
        return False
    if link not in NOUN_LINKS:
        return False
    if link == "from" and not is_plural(lower):
        return False
    return (lower in AMBIGUOUS or lower in LEX.change_words
            or before in DETERMINERS or before.endswith("'s")
            or before in LEX.verbs)


class MoreContext(Exception):
    """Raised when a short left window ran out before the rule could decide."""


# How the walk leftwards from a figure treats a token (see noun_on_left).
_STOP, _SKIP, _SKIP_LINK, _PAREN = range(4)
_BE = frozenset(("is", "are", "was", "were", "be", "been"))
_QUALIFIERS = frozenset(LEX.qualifiers)

# What the left-hand rules ask of a token, answered once per distinct token
# (the same few hundred words come back in every article; asking again costs
# a lower() and several calls per token per figure): (lower, step,
# auxiliary, verb-list word, adverb, participle-like, clause punctuation,
# subordinator, adverbial).
_Facts = tuple[str, int, bool, bool, bool, bool, bool, bool, bool]
_FACTS: dict[str, _Facts] = {}


def _facts(token: Token) -> _Facts:
    facts = _FACTS.get(token)
    if facts is None:
        lower = token.lower()
        if is_figure_token(token, lower) or is_adverb(lower):
            step = _SKIP
        elif lower in PARTICLES or lower in LEX.figure_frames or lower in LEX.period_nouns \
                or lower in DETERMINERS or lower in ADJECTIVES \
                or (lower in LEX.months and token[0].isupper()):
            step = _SKIP_LINK if lower in LINKING else _SKIP
        elif token == "(":
            step = _PAREN
        else:
            step = _STOP
        facts = (lower, step, lower in AUXILIARIES, lower in VERBS, is_adverb(lower),
                 looks_participle(lower), token in BOUNDARY_PUNCTUATION, lower in SUBORDINATORS,
                 lower in ADVERBIALS)
        if len(_FACTS) > 50_000:
            _FACTS.clear()
        _FACTS[token] = facts
    return facts


def noun_on_left(tokens: list[Token], kind: str, enclosed: bool, truncated: bool) -> str | None:
    """The phrase tied to the figure on its left, or the subject of its verb.

    *truncated* says that *tokens* is a short window that does not reach the
    sentence start; running off its start then raises :class:`MoreContext`."""
    known = _FACTS
    j = len(tokens) - 1
    link = ""  # the particle nearest the word we stop at ("of" in "profit of £75m")
    while j >= 0:
        token = tokens[j]
        facts = known.get(token) or _facts(token)
        step = facts[1]
        if step == _SKIP:  # digits, "£", "bn"; "the", "annual"
            j -= 1
        elif step == _SKIP_LINK:
            link = facts[0]
            j -= 1
        elif step == _PAREN:
            link = link or "("
            j -= 1
        elif facts[5] and _after_article(tokens, j):
            j -= 1  # "a predicted £250m", "a seasonally adjusted 0.5%"
        else:
            break
    if j < 0:
        if truncated:
            raise MoreContext
        return None
    token = tokens[j]
    lower = token.lower()
    if lower in SUBORDINATORS:
        return None  # "the figures showed that 2.4 billion..."
    gerund = lower.endswith("ing") and len(lower) > 5 and not (
        j and (is_content(tokens[j - 1]) or tokens[j - 1].lower() in DETERMINERS)
    )
    if (lower in LEX.verbs and not _noun_reading(tokens, j, link)) or gerund or (
        looks_participle(lower) and link in ("", "to", "by", "at", "from")
    ):
        return _subject(tokens, j, truncated)
    if kind == "count":
        return None
    if link and is_content(token):
        return phrase(_left_run(tokens[:j + 1], nouns_ok=True))
    if token in DASHES or (token == "," and enclosed):
        return phrase(_left_run(tokens[:j], nouns_ok=True))  # "households in the UK, 60%, have"
    if kind == "measure" and is_content(token):
        return phrase(_left_run(tokens[:j + 1]))  # "12-inch MacBook 256GB"
    return None


def _left_run(tokens: list[Token], *, nouns_ok: bool = False) -> list[str]:
    """Content words ending at the end of *tokens* (at most three); a proper
    noun attached by a preposition hands over to the noun before it
    ("shares in Barclays", "households in the UK")."""
    run: list[str] = []
    index = len(tokens) - 1
    while index >= 0 and is_content(tokens[index]) and len(run) < 3:
        lower = tokens[index].lower()
        if looks_participle(lower) or (
            lower in LEX.verbs and not (nouns_ok and not run and (
                lower in AMBIGUOUS or is_plural(lower)))
        ):
            break
        run.insert(0, tokens[index])
        index -= 1
    while index >= 0 and tokens[index].lower() in DETERMINERS:
        index -= 1
    if run and run[0][0].isupper() and index >= 1 and tokens[index].lower() in ("in", "at", "of") \
            and is_content(tokens[index - 1]) \
            and tokens[index - 1].lower() not in LEX.change_words:
        head = _left_run(tokens[:index])
        if head:
            return head
    return run


def _after_article(tokens: list[Token], index: int) -> bool:
    index -= 1
    while index >= 0 and is_adverb(tokens[index].lower()):
        index -= 1
    return index >= 0 and tokens[index].lower() in ("a", "an", "the")


def _verb_in_context(tokens: list[Token], index: int, lower: str) -> bool:
    """Is the verb-list word *lower* at *index* a verb here? Not when a
    determiner or preposition shows it to be a noun ("the rate of *increase*")."""
    before = tokens[index - 1] if index else ""
    if lower in AMBIGUOUS and is_content(before):
        return False  # "fuel *costs* rose"
    before = before.lower()
    return before not in DETERMINERS and before not in PREPOSITIONS


def _region_subject(region: list[Token]) -> str | None:
    """The head noun phrase of a clause's subject: its first content run, or
    the one after a leading adverbial ("Shortly before the closing bell *the
    DJIA* traded down")."""
    runs: list[list[str]] = []
    index = 0
    leading_preposition = False
    known = _FACTS
    count = len(region)
    while index < count:
        token = region[index]
        if not runs and not leading_preposition and (known.get(token) or _facts(token))[8]:
            leading_preposition = True
        if is_content(token):
            run, stop = right_run(region[index:])
            if run:
                runs.append(run)
            index += max(stop, 1)
            continue
        index += 1
    if len(runs) > 1 and runs[0][-1].lower() in LEX.figure_frames:
        runs.pop(0)  # "the number of homes ..."
    if not runs:
        return None
    return phrase(runs[1] if leading_preposition and len(runs) > 1 else runs[0])


def _subject(tokens: list[Token], verb: int, truncated: bool = False) -> str | None:
    """The subject of the clause that ends at the verb *verb*."""
    subordinators = SUBORDINATORS
    known = _FACTS
    j = verb - 1
    for _ in range(4):
        # Back over the verb group: auxiliaries, verbs, adverbs, "were *overvalued*".
        while j >= 0:
            token = tokens[j]
            facts = known.get(token) or _facts(token)
            if not (facts[2] or (facts[3] and _verb_in_context(tokens, j, facts[0])) or facts[4]
                    or (facts[5] and j > 0 and tokens[j - 1].lower() in _BE)):
                break
            j -= 1
        end = j + 1
        # Back to the clause start: punctuation, a subordinator or another verb.
        while j >= 0:
            token = tokens[j]
            facts = known.get(token) or _facts(token)
            if facts[6] or facts[7] or (facts[3] and _verb_in_context(tokens, j, facts[0])):
                break
            j -= 1
        if j < 0 and truncated:
            raise MoreContext
        region = tokens[j + 1:end]
        noun = _region_subject(region)
        if noun:
            return noun
        if j < 0:
            return None
        boundary = tokens[j]
        if boundary in ("-", "–", "—", ")"):  # skip an aside: "exports - including services - rose"
            opening = "(" if boundary == ")" else boundary
            k = j - 1
            while k >= 0 and tokens[k] != opening:
                k -= 1
            j = k - 1 if k >= 0 else j - 1
            continue
        if boundary.lower() in subordinators and not region:
            if boundary.lower() in ("that", "which", "who"):
                k = j - 1
                while k >= 0 and tokens[k] in DASHES | {","}:
                    k -= 1
                return phrase(_left_run(tokens[:k + 1], nouns_ok=True))  # "machines that cost £399"
            j -= 1
            continue
        return None
    return None


def linked_by_of(tokens: list[Token]) -> bool:
    """"a loss of $304.7 million on revenue...": "of" on the left beats a weak right noun."""
    words = [t.lower() for t in tokens[-4:]]
    while words and (words[-1] in _QUALIFIERS or words[-1] in ("a", "the", "than")):
        words.pop()
    return bool(words) and words[-1] == "of"
