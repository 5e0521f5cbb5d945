"""Word classes for the noun finder: which tokens can name what a figure counts.

The noun rules (:mod:`.nouns`, :mod:`.subjects`) ask the same questions of
every token — is it a content word, a plural, a participle, a plain verb? —
so the answers are computed once per distinct token and kept. The lexicons
these answers come from are the data files (grammar.toml, verbs.txt,
noun_stop.txt…), bound here once for speed.
"""

from __future__ import annotations

import re

from .lexicon import lexicon

NOT_ADVERBS = frozenset(["supply", "family", "assembly", "monopoly", "anomaly", "butterfly", "italy", "rally", "ally"])
BOUNDARY_PUNCTUATION = frozenset(",;:()\"“”—–-!?.")
DASHES = frozenset("-–—")
# A word (letters, inner "'&.-": "U.S.-based", "AT&T", "don't"), a number with
# what sticks to it ("4.6bn", "5,000mAh", "10-15%"), or one other character.
# Written with possessive quantifiers so that the engine never backtracks
# into a word to look for its last letter.
TOKEN = re.compile(
    r"[A-Za-z][A-Za-z']*+(?:[&.\-]++[A-Za-z']++)*+"
    r"|[0-9](?:[0-9A-Za-z%/\-]++|[.,](?=[0-9A-Za-z]))*+"
    r"|[^\sA-Za-z0-9]"
)
FIGURE_SYMBOLS = frozenset("$£€¥₹%)")
PERIOD_RIGHT = re.compile(
    r"^\W*(?:\w+\W+){0,2}?on (?:a|the) (day|week|month|quarter|year)\b"
    r"|\b(?:a|an|per|each|every) (day|week|month|quarter|year|annum)\b(?! (\w+))"
    r"|\b(?:a|an|per|each|every) (day|week|month|quarter|year|annum)\b (\w+)"
    r"|\bon an? (daily|weekly|monthly|quarterly|annual|yearly) basis\b"
)
NOUN_LINKS = frozenset({"of", "for", "at", "(", "between", "from", "back"})
WINDOW = 50
SHORT_LEFT = 45
LEFT_WINDOW = 160

# The lexicons, bound once: these helpers run dozens of times per figure.
LEX = lexicon()
VERBS = LEX.verbs
CHANGE = LEX.change_words
FRAMES = LEX.figure_frames
PERIOD_NOUNS = LEX.period_nouns
PERIOD_ADJECTIVES = LEX.period_adjectives
MONTHS = LEX.months
NOT_CONTENT = (LEX.noun_stop | LEX.weekdays | frozenset(LEX.scale_words) | frozenset(LEX.ones)
                | frozenset(LEX.tens) | frozenset(LEX.unit_words))
FEWER = frozenset({"fewer", "more", "less", "extra", "additional"})
PERIOD_TOKENS = frozenset(
    form for word in (*PERIOD_NOUNS, *PERIOD_ADJECTIVES) for form in (word, word.capitalize())
)
_CONTENT_CACHE: dict[str, bool] = {}
_TOKEN_INFO: dict[str, tuple[str, bool, bool, bool, bool, bool, bool, bool, bool]] = {}

Token = str


def grammar(name: str) -> frozenset[str]:
    return LEX.grammar[name]


DETERMINERS = grammar("determiners")
PARTICLES = grammar("particles")
LINKING = grammar("linking")
AUXILIARIES = grammar("auxiliaries")
PREPOSITIONS = grammar("prepositions")
SUBORDINATORS = grammar("subordinators")
AMBIGUOUS = grammar("ambiguous_verbs")
ADJECTIVES = grammar("figure_adjectives")
ADVERBIALS = grammar("adverbials")
MONEY_LINKS = grammar("money_links")


def is_adverb(lower: str) -> bool:
    return lower.endswith("ly") and len(lower) > 5 and lower not in NOT_ADVERBS


def looks_participle(lower: str) -> bool:
    """"owed", "adjusted", "predicted" (but not "speed", "need")."""
    return len(lower) >= 4 and lower.endswith("ed") and not lower.endswith("eed")


def is_content(token: str) -> bool:
    """Could *token* be (part of) the noun a figure names? (Memoised: the
    same few hundred words come back in every article.)"""
    known = _CONTENT_CACHE.get(token)
    if known is not None:
        return known
    lower = token.lower()
    result = bool(token) and token[0].isalpha() and lower not in NOT_CONTENT and not (
        lower in MONTHS and token[0].isupper()
    ) and not ("'" in token and not lower.endswith(("'s", "s'"))) and not is_adverb(lower)
    if len(_CONTENT_CACHE) > 50_000:
        _CONTENT_CACHE.clear()
    _CONTENT_CACHE[token] = result
    return result


def is_figure_token(token: str, lower: str) -> bool:
    """Digits, signs and the words that belong to figures ("£", "4.6bn", "euros")."""
    return (token[0].isdigit() or token in FIGURE_SYMBOLS or lower in LEX.scale_words
            or lower in LEX.unit_words)


def is_plural(token: str) -> bool:
    lower = token.lower()
    return len(lower) > 3 and lower.endswith("s") and not lower.endswith(("ss", "us", "is", "'s"))


def phrase(run: list[str]) -> str | None:
    """The noun a run of content words names: its last one or two words."""
    if not run:
        return None
    last = run[-1]
    last = last.strip(".'") or last
    if len(run) == 1:
        return last
    first = run[-2]
    return (first.strip(".'") or first) + " " + last


_Info = tuple[str, bool, bool, bool, bool, bool, bool, bool, bool]


def token_info(token: str) -> _Info:
    """What the right-hand noun run needs to know about a token, computed once
    per distinct token: (lower, skip at start, number-word such as "4K",
    content word, plain verb, participle, plural, plural modifier, ends a
    run before it starts)."""
    info = _TOKEN_INFO.get(token)
    if info is None:
        lower = token.lower()
        lead_skip = lower in PERIOD_ADJECTIVES or lower in FEWER
        alnum_number = token[0].isdigit() and (token.isdigit() or token[-1].isalpha())
        content = is_content(token)
        plain_verb = lower in VERBS and lower not in AMBIGUOUS and lower not in CHANGE
        info = (
            lower,
            lead_skip,
            alnum_number,
            content,
            plain_verb,
            looks_participle(lower) and "-" not in lower,
            is_plural(token),
            lower in LEX.plural_modifiers,
            # right_run's tests of a first token, answered in advance
            not lead_skip and (plain_verb or not (
                content or (alnum_number and not token.isdigit()))),
        )
        if len(_TOKEN_INFO) > 50_000:
            _TOKEN_INFO.clear()
        _TOKEN_INFO[token] = info
    return info


def right_run(tokens: list[Token]) -> tuple[list[str], int]:
    """Content words at the start of *tokens*, cut after a plural head
    ("new devices | activated") or at a function word; and where it stopped."""
    if not tokens or (_TOKEN_INFO.get(tokens[0]) or token_info(tokens[0]))[8]:
        return [], 0  # the usual case: "of", ",", "to", a verb
    run: list[str] = []
    index = 0
    count = min(len(tokens), 7)
    while index < count:
        token = tokens[index]
        _, lead_skip, alnum_number, content, plain_verb, participle, plural, modifier, _ = (
            _TOKEN_INFO.get(token) or token_info(token))
        if not run:
            if lead_skip:
                index += 1
                continue  # "88 million daily downloads", "48,000 fewer mortgages"
            if not content and not (alnum_number and not token.isdigit()):
                break
            if plain_verb:
                break  # "over £1,000 came in"
        elif alnum_number:
            run.append(token)  # "43-inch 4K LED TV"
            index += 1
            continue
        elif not content:
            break
        following = tokens[index + 1] if index + 1 < len(tokens) else ""
        if participle and (not run or is_plural(run[-1]) or not is_content(following)):
            break  # "$23bn owed", "new devices activated", "MacBook released in"
        if run:
            previous = run[-1]
            if token[0].isupper() and not token.isupper() and previous.islower():
                break  # "the 0-5% range | Nationwide predicts"
            if plural and len(run) >= 2 and token.islower() and previous.istitle():
                break  # "MacBook Pro | looks"
        run.append(token)
        index += 1
        if plural and not ((modifier or (not token.islower() and following.islower()))
                           and is_content(following)):
            break
    while run and not run[-1][0].isalpha():
        run.pop()
    return run, index
