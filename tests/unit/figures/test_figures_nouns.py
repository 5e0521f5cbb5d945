"""The counted noun: one or two words of the text naming what a figure counts."""

from __future__ import annotations

import pytest

from tui.core.figures import extract


def nouns(text: str) -> list[tuple[str, str | None]]:
    return [(f.text, f.noun) for f in extract(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The network has 4,000 new subscribers.", [("4,000", "new subscribers")]),
        ("The group will cut 1,500 jobs.", [("1,500", "jobs")]),
        ("The site has 6 USB ports and a card slot.", [("6", "USB ports")]),
        ("It posted a $676m loss for the quarter.", [("$676m", "loss")]),
        ("Analysts expected a 4.2% rise in exports.", [("4.2%", "exports")]),
        ("Some 74% of respondents use the tool.", [("Some 74%", "respondents")]),
        ("The fund made $15bn of foreign investment.", [("$15bn", "foreign investment")]),
        ("The airline made a pre-tax profit of £75m.", [("£75m", "pre-tax profit")]),
        ("Exports rose 2% in May.", [("2%", "Exports")]),
        ("Revenues at the publisher slipped 11%.", [("11%", "Revenues")]),
        ("The watch sells for $199, down from $249.", [("$199", "watch"), ("$249", "watch")]),
        ("That is $200 off the regular price.", [("$200", "regular price")]),
    ],
)
def test_nouns(text: str, expected: list[tuple[str, str | None]]) -> None:
    assert nouns(text) == expected


def test_a_conversion_in_brackets_shares_the_noun() -> None:
    assert nouns("Marsh posted a $676m (£352m) loss.") == [("$676m", "loss"), ("£352m", "loss")]


def test_both_ends_of_a_comparison_share_the_noun() -> None:
    assert nouns("Profits rose 20% to £4.6bn.") == [("20%", "Profits"), ("£4.6bn", "Profits")]


def test_noun_is_at_most_two_words() -> None:
    figures = extract("It sold 30,000 large red industrial steel shipping containers.")
    assert [f.noun for f in figures] == ["shipping containers"]
