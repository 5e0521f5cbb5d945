"""Numbers that are not figures: precision is the hard part of the extractor.

Every sentence here holds digits that report no amount (years, dates,
times, product and version names, identifiers, scores, pronouns); the
extractor must leave them alone, and still find the real figure when one
stands beside them.
"""

from __future__ import annotations

import pytest

from tui.core.figures import extract


def spans(text: str) -> list[str]:
    return [f.text for f in extract(text)]


@pytest.mark.parametrize(
    "text",
    [
        "The company has been profitable since 2021.",
        "Sales slowed in late 2024 and again in 2025.",
        "It was the best year of the 1990s for the industry.",
        "The 2024's results were restated.",
        "Guidance for FY2025 was cut.",
        "The 2024-25 season starts soon.",
        "Results for the year to 2004 were strong.",
        "Back in '04 it was different.",
    ],
)
def test_years_and_decades(text: str) -> None:
    assert spans(text) == []


@pytest.mark.parametrize(
    "text",
    [
        "The launch is on June 5 in Paris.",
        "The launch is on 5 June in Paris.",
        "The launch is on Dec. 5 in Paris.",
        "The deadline is 24/11/2026 at noon.",
        "The filing is dated 2026-11-24.",
        "Markets open at 10:30 GMT.",
        "The talk starts at 3pm and ends at 5 p.m. sharp.",
        "At 1405 GMT the shares were flat.",
    ],
)
def test_dates_and_clock_times(text: str) -> None:
    assert spans(text) == []


@pytest.mark.parametrize(
    "text",
    [
        "HarmonyOS 6 is out for testers.",
        "The Mate 80 Pro goes on sale.",
        "Apple showed the iPhone 15 at its event.",
        "Microsoft will stop supporting Windows 11 builds from that era.",
        "Reviewers praised the Galaxy S24 camera.",
        "The PS5 outsold the Xbox 360 in its first year.",
        "The code needs Python 3.12 or later.",
        "The A17 Pro chip is fast.",
        "Operators rolled out 5G across the region.",
        "Critics dismissed Web 2.0 as a slogan.",
        "Routers with Wi-Fi 7 are still rare.",
        "The set streams in 4K without trouble.",
        "Users on version 3 must update.",
        "The firmware v2.1.4 fixes it.",
        "Players loved Half-Life 2 and Doom 3.",
        "The Snapdragon 8 Gen 3 powers it.",
    ],
)
def test_product_model_and_version_names(text: str) -> None:
    assert spans(text) == []


@pytest.mark.parametrize(
    "text",
    [
        "The bug is tracked as CVE-2024-1234 by vendors.",
        "Platforms cite Section 230 in court.",
        "Article 13 of the directive is contested.",
        "Flight MH370 vanished over the ocean.",
        "Call 020 7946 0958 for details.",
        "Call (555) 123-4567 for details.",
        "Write to the office at 10 Downing Street, London.",
        "The office is in Suite 350 on the third floor.",
        "See page 12 of the report.",
        "The firm filed for Chapter 11 protection.",
        "Send it to CA 94107 by post.",
        "It is the No. 1 app in the store.",
        "The S&P 500 and the FTSE 100 both fell.",
        "Drivers took Route 66 west.",
    ],
)
def test_identifiers(text: str) -> None:
    assert spans(text) == []


@pytest.mark.parametrize(
    "text",
    [
        "The home side won 3-1 on Saturday.",
        "It ended 2-2 after extra time.",
        "One of the founders left last year.",
        "No one expected the move.",
        "She has three phones and two laptops.",
        "He wrote it in 24/7 shifts.",
    ],
)
def test_scores_pronouns_and_small_word_counts(text: str) -> None:
    assert spans(text) == []


def test_figures_survive_beside_names_and_years() -> None:
    text = (
        "HarmonyOS 6, released in 2025, reached 27 million users, "
        "and the iPhone 15 sold 10% more in June 2024."
    )
    assert spans(text) == ["27 million", "10%"]


def test_units_beat_the_name_rule() -> None:
    assert spans("The Satechi 72W charger and the Galaxy S24 Ultra's 5,000mAh cell.") == [
        "72W", "5,000mAh",
    ]


def test_title_case_headline_keeps_a_figure_after_a_verb() -> None:
    assert spans("Insurer Marsh Cuts 2,500 Jobs") == ["2,500"]


def test_title_case_headline_drops_a_model_number() -> None:
    assert spans("Logitech MX Master 3 Mouse Review") == []


def test_a_street_number_is_an_address() -> None:
    assert spans("The shop at 221 Baker Street sold 400 copies.") == ["400"]


def test_metres_and_millions_from_what_follows() -> None:
    figures = extract("The 508m tall tower has 2.5m visitors a year.")
    assert [(f.text, f.kind, f.value) for f in figures] == [
        ("508m", "measure", 508), ("2.5m", "count", 2.5e6),
    ]


def test_resolution_is_not_pence() -> None:
    assert spans("It records 1080p video.") == []
