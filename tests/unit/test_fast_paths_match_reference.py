"""The shortcuts taken for speed in the figures extractor and the digest's
analysis give what the plain forms they replace give.

Each shortcut skips work where a cheap test shows it cannot change the
result (a pattern that cannot match, a fold whose prefix is enough); these
tests hold it to the slow form on texts made to sit near those limits.
"""

from __future__ import annotations

import re
import unicodedata

import pytest

from tui.core.digest import words
from tui.core.digest.subjects import Candidate, _names
from tui.core.figures import markdown

EMPHASIS_TEXTS = [
    "The app reached **27 million** users.",
    "*one* and ***two*** and ****",
    "snake_case keeps its _underscore_ and ~5 keeps its tilde",
    "~~struck~~ and *em* together_",
    "no marks at all",
    "",
]


@pytest.mark.parametrize("text", EMPHASIS_TEXTS)
def test_emphasis_shortcut_matches_the_pattern(text: str) -> None:
    assert markdown._blank_emphasis(text) == markdown._EMPHASIS.sub(markdown._emphasis, text)


def _reference_mask(text: str) -> str:
    """mask_markdown with the passes' triggers tested as it used to."""
    view = text
    for triggers, blank in markdown._GATED_PASSES:
        if any(trigger in view for trigger, _ in triggers):
            view = blank(view)
    if "@" in view:
        view = markdown._blank_emails(view)
    return view.replace("|", "\n")


@pytest.mark.parametrize(
    "text",
    [
        "1. first\n2. second *with* [a link](https://example.com/5) and `code 7`",
        "> quoted 5%\n\n# Heading 2024\n\n| a | b |\n|---|---|\n| 1 | 2 |",
        "mail me@example.com, see www.example.com/12 or <b>3</b> \\* 4",
        "---\n\n* bullet 5\n+ plus 6\n- minus 7",
    ],
)
def test_mask_loops_match_the_generator_form(text: str) -> None:
    assert markdown.mask_markdown(text) == _reference_mask(text)


@pytest.mark.parametrize(
    "head",
    [
        "word " * 200,
        "a" + " " * 700 + "b " * 300,  # the prefix folds to less than the limit
        "**Bold** lede with [a link](https://example.com/x) and   spaces\n\n" * 20,
        "short",
        "",
    ],
)
def test_plain_lede_prefix_fold_matches_the_whole_fold(head: str) -> None:
    limit = words.LEDE_CHARS
    text = head[: limit * 4]
    if "](" in text:
        text = re.sub(r"!\[[^\]]*\]\([^)]*\)", " ", text)
        text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)
    text = re.sub(r"https?://\S+", " ", text)
    for mark in "*_`#>|~":
        text = text.replace(mark, " ")
    assert words.plain_lede(head) == " ".join(text.split())[:limit]


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("Galaxy S23 price cut ahead of S24 launch", ("s:23",)),
        ("Windows 11 and macOS 14.2 ship", ("windows:11",)),
        ("Version v4.0.1 of Foo", ("v:4.0.1",)),
        ("iPhone 15 review: Apple's best", ("iphone:15",)),
        ("GPT-4o and Firefox 121 arrive", ("gpt:4o", "firefox:121")),
        ("Network outage as 8% release", ()),
        ("Sales rose 5 per cent", ()),
        ("No digits here", ()),
    ],
)
def test_identifiers_found_behind_their_cheap_tests(title: str, expected: tuple[str, ...]) -> None:
    assert words.identifiers(title) == expected


def test_names_are_candidates_with_named_fields() -> None:
    found = _names.__wrapped__("Water rates rose in Leeds as Thames Water paid", False)
    assert all(type(candidate) is Candidate for candidate in found)
    assert [(c.name, c.weak, c.placed) for c in found] == [
        ("Water", True, False),
        ("Leeds", False, True),
        ("Thames Water", False, False),
    ]


@pytest.mark.parametrize(
    "text",
    [
        "Café Müller",
        "naïve coöperation",
        "ﬁnance Ångström",
        "Ελληνικά",
        "हिन्दी",
        "עִבְרִית",
        "がぎ",
        "中文",
    ],
)
def test_fold_drops_combining_marks_as_a_loop_over_characters_would(text: str) -> None:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    expected = "".join(char for char in decomposed if not unicodedata.combining(char))
    assert words._fold(text) == expected
