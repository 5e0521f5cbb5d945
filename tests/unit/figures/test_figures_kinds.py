"""Each kind of figure, each scale, currency and unit family, numbers in words.

The sentences are written for these tests; each pins one rule of the figures
spec: what the span is, its value, kind, unit.
"""

from __future__ import annotations

import pytest

from tui.core.figures import extract
from tui.core.models import Figure


def only(text: str) -> Figure:
    """The single figure of *text* (fails if there is not exactly one)."""
    figures = extract(text)
    assert len(figures) == 1, [f.text for f in figures]
    figure = figures[0]
    assert text[figure.start:figure.end] == figure.text
    return figure


def spans(text: str) -> list[str]:
    return [f.text for f in extract(text)]


@pytest.mark.parametrize(
    ("text", "span", "value", "noun"),
    [
        ("The app now has 27 million subscribers worldwide.", "27 million", 27e6, "subscribers"),
        ("Organisers counted 2,225 volunteers on the day.", "2,225", 2225, "volunteers"),
        ("The maker shipped 1.2bn handsets last year.", "1.2bn", 1.2e9, "handsets"),
        ("Some 40k runners took part.", "Some 40k", 40_000, "runners"),
        ("The firm plans to hire twenty engineers in Leeds.", "twenty", 20, "engineers"),
        ("The council housed forty-four families over winter.", "forty-four", 44, "families"),
        ("It sold two million tickets.", "two million", 2e6, "tickets"),
        ("It sold a million tickets.", "a million", 1e6, "tickets"),
        ("They planted 15 lakh saplings.", "15 lakh", 1.5e6, "saplings"),
    ],
)
def test_counts(text: str, span: str, value: float, noun: str) -> None:
    figure = only(text)
    assert (figure.text, figure.value, figure.kind, figure.unit) == (span, value, "count", None)
    assert figure.noun is not None and noun in figure.noun


@pytest.mark.parametrize(
    ("text", "span"),
    [
        ("The library lent more than 100,000 books.", "more than 100,000"),
        ("There were over 500 entrants.", "over 500"),
        ("Nearly 3,000 homes lost power.", "Nearly 3,000"),
        ("About 14 million households watch it.", "About 14 million"),
        ("The hall seats up to 2,400 people.", "up to 2,400"),
        ("The plant employs at least 900 workers.", "at least 900"),
        ("Roughly 7,000 fans travelled.", "Roughly 7,000"),
    ],
)
def test_qualifiers_are_inside_the_span(text: str, span: str) -> None:
    assert only(text).text == span


@pytest.mark.parametrize(
    ("text", "span", "value", "unit"),
    [
        ("Turnout rose 17% in the city.", "17%", 17, "%"),
        ("Turnout rose 66 per cent in the city.", "66 per cent", 66, "%"),
        ("Turnout rose 12 percent in the city.", "12 percent", 12, "%"),
        ("Rates rose 3.5 percentage points in a year.", "3.5 percentage points", 3.5, "pp"),
        ("Inflation was 2.4pc in March.", "2.4pc", 2.4, "%"),
        ("Forty-four percent said they would switch.", "Forty-four percent", 44, "%"),
        ("The bank cut rates by 25 basis points.", "25 basis points", 25, "bp"),
    ],
)
def test_percents(text: str, span: str, value: float, unit: str) -> None:
    figure = only(text)
    assert (figure.text, figure.value, figure.kind, figure.unit) == (span, value, "percent", unit)


@pytest.mark.parametrize(
    ("text", "span", "value"),
    [
        ("A fifth of sales now happen online.", "A fifth", 20),
        ("Two-thirds of members voted in favour.", "Two-thirds", 66.67),
        ("Over half of the staff work remotely.", "Over half", 50),
        ("One in four adults owns a smart speaker.", "One in four", 25),
    ],
)
def test_fractions_are_percents(text: str, span: str, value: float) -> None:
    figure = only(text)
    assert (figure.text, figure.kind, figure.unit) == (span, "percent", "%")
    assert figure.value == pytest.approx(value, rel=0.01)


@pytest.mark.parametrize(
    ("text", "span", "value", "unit"),
    [
        ("The deal is worth $2.5bn in cash.", "$2.5bn", 2.5e9, "USD"),
        ("Tickets cost US$30 each.", "US$30", 30, "USD"),
        ("The flat sold for HK$8.2m last week.", "HK$8.2m", 8.2e6, "HKD"),
        ("The club paid £300m for the site.", "£300m", 3e8, "GBP"),
        ("The app costs €1.99 a month.", "€1.99", 1.99, "EUR"),
        ("The console costs ¥49,980 in Osaka.", "¥49,980", 49_980, "JPY"),
        ("Beijing set aside ¥10bn for the new Chinese rail line.", "¥10bn", 1e10, "CNY"),
        ("The phone retails at 5,999 yuan.", "5,999 yuan", 5999, "CNY"),
        ("The fund raised 10 billion yuan.", "10 billion yuan", 1e10, "CNY"),
        ("The state spent RMB 3bn on roads.", "RMB 3bn", 3e9, "CNY"),
        ("Tickets start at 499 rupees.", "499 rupees", 499, "INR"),
        ("The rickshaw fare is Rs 80.", "Rs 80", 80, "INR"),
        ("Profit fell to 785m euros.", "785m euros", 7.85e8, "EUR"),
        ("The bond pays USD 500m.", "USD 500m", 5e8, "USD"),
        ("The fine was 2bn Swiss francs.", "2bn Swiss francs", 2e9, "CHF"),
        ("A stamp now costs 85 pence.", "85 pence", 0.85, "GBP"),
        ("Shares closed at 925p.", "925p", 9.25, "GBP"),
        ("The dividend is 17 cents a share.", "17 cents", 0.17, "USD"),
        ("Tokyo's budget is 110 trillion yen.", "110 trillion yen", 1.1e14, "JPY"),
        ("The plan costs 176 Hong Kong dollars a month.", "176 Hong Kong dollars", 176, "HKD"),
        ("The levy raised 36bn kroner.", "36bn kroner", 3.6e10, "DKK"),
    ],
)
def test_money_normalised_to_iso_codes(text: str, span: str, value: float, unit: str) -> None:
    figure = only(text)
    assert (figure.text, figure.kind, figure.unit) == (span, "money", unit)
    assert figure.value == pytest.approx(value)


@pytest.mark.parametrize(
    ("text", "span", "value", "unit"),
    [
        ("It packs a 5,000mAh battery.", "5,000mAh", 5000, "mAh"),
        ("The chip uses a 3nm process.", "3nm", 3, "nm"),
        ("It has a 6.8-inch screen.", "6.8-inch", 6.8, "in"),
        ("It has a 17 inch monitor.", "17 inch", 17, "in"),
        ("The panel refreshes at 120Hz.", "120Hz", 120, "Hz"),
        ("It runs at 2.4GHz when plugged in.", "2.4GHz", 2.4, "GHz"),
        ("Storage starts at 1TB.", "1TB", 1, "TB"),
        ("It ships with 512 megabytes of memory.", "512 megabytes", 512, "MB"),
        ("The charger delivers 100W.", "100W", 100, "W"),
        ("The camera has a 50MP sensor.", "50MP", 50, "MP"),
        ("Links reach 40 Gbps over fibre.", "40 Gbps", 40, "Gbps"),
        ("Data moves at two megabits per second.", "two megabits per second", 2, "Mbps"),
        ("The farm adds 3.7 GW of capacity.", "3.7 GW", 3.7, "GW"),
        ("The tower is 508m tall.", "508m", 508, "m"),
        ("The lift climbs at 17m per second.", "17m per second", 17, "m/s"),
        ("The train hit 320km/h on the test run.", "320km/h", 320, "km/h"),
        ("The car tops out at 155mph.", "155mph", 155, "mph"),
        ("The probe weighs 40kg.", "40kg", 40, "kg"),
        ("Factories operate at 30-600 MW.", "30-600 MW", 30, "MW"),
        ("Cables come in 0.5 to 4 meter lengths.", "0.5 to 4 meter", 0.5, "m"),
        ("Output reached 1.2 million barrels a day.", "1.2 million barrels", 1.2e6, "bbl"),
    ],
)
def test_measures_with_normalised_units(text: str, span: str, value: float, unit: str) -> None:
    figure = only(text)
    assert (figure.text, figure.kind, figure.unit) == (span, "measure", unit)
    assert figure.value == pytest.approx(value)


@pytest.mark.parametrize(
    ("text", "span", "value"),
    [
        ("The new model is 3x faster.", "3x", 3),
        ("The new model is three times faster.", "three times", 3),
        ("Traffic grew tenfold in a year.", "tenfold", 10),
        ("Demand rose 20-fold during the outage.", "20-fold", 20),
        ("Rents are twice as high as in 2010.", "twice", 2),
        ("Use may rise by a factor of 10.", "a factor of 10", 10),
    ],
)
def test_multiples(text: str, span: str, value: float) -> None:
    figure = only(text)
    assert (figure.text, figure.value, figure.kind, figure.unit) == (span, value, "multiple", "x")


def test_frequency_is_not_a_multiple() -> None:
    assert spans("The bus runs three times a day and twice at weekends.") == []


def test_ranges_with_a_hyphen_are_one_figure_valued_at_the_low_end() -> None:
    figure = only("Prices may fall 10-15% next year.")
    assert (figure.text, figure.value, figure.unit) == ("10-15%", 10, "%")


def test_a_range_with_to_gives_the_low_end_the_unit_of_the_high_end() -> None:
    figures = extract("Growth slowed from 5 to 3% this year.")
    assert [(f.text, f.value, f.unit) for f in figures] == [("5", 5, "%"), ("3%", 3, "%")]


def test_money_ranges_stay_two_figures() -> None:
    assert spans("Cables cost from $6 to $12.") == ["$6", "$12"]


def test_durations_and_ranks_are_not_reported() -> None:
    text = "Six years later, the firm posted its second-largest loss for 18 months."
    assert spans(text) == []


def test_rate_period_from_the_words_around() -> None:
    figures = extract(
        "The service adds 100,000 users a day, 3m downloads per month, "
        "and 88 million daily searches, with annual savings of $375m."
    )
    assert [(f.text, f.per) for f in figures] == [
        ("100,000", "day"), ("3m", "month"), ("88 million", "day"), ("$375m", "year"),
    ]


def test_money_per_unit_keeps_its_rate() -> None:
    figures = extract("Power costs $0.03/kWh at night, and the plan is $7/month.")
    assert [(f.text, f.value, f.unit, f.per) for f in figures] == [
        ("$0.03/kWh", 0.03, "USD", None), ("$7/month", 7, "USD", "month"),
    ]


def test_sentence_is_the_whole_sentence_with_whitespace_folded() -> None:
    figure = only("Intro text here. The bank lost\n$5bn in a week. Then it recovered.")
    assert figure.sentence == "The bank lost $5bn in a week."


@pytest.mark.parametrize("gap", ["  ", "\t", "\u2003", "\u00a0", " \u2028 ", "\x1f"])
def test_sentence_folds_every_kind_of_whitespace(gap: str) -> None:
    figure = only(f"Intro text here. The bank lost{gap}$5bn in a week. Then it recovered.")
    assert figure.sentence == "The bank lost $5bn in a week."


def test_spans_index_the_text_given() -> None:
    text = "Revenue: £4.6bn ($8.6bn), up 20% on 2003; 1,200 jobs go."
    for figure in extract(text):
        assert text[figure.start:figure.end] == figure.text
