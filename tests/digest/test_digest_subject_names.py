"""The subject half of a metric's identity: whom a figure is about.

Figures are built by hand (the extractor is another module's business),
with ``sentence`` and offsets as the extractor reports them.
"""

from __future__ import annotations

import pytest

from tui.core.digest.subjects import (
    WrittenLower,
    candidates,
    figure_subject,
    story_subject,
    subject_key,
)
from tui.core.models import Figure


def body_figure(sentence: str, text: str, noun: str | None = None) -> Figure:
    start = sentence.index(text)
    return Figure(text, start, start + len(text), 1.0, "count", None, noun, None, sentence)


def title_figure(title: str, text: str, noun: str | None = None) -> Figure:
    start = title.index(text)
    return Figure(
        text, start, start + len(text), 1.0, "count", None, noun, None, title, source="title"
    )


def name(figure: Figure, title: str, text: str = "") -> str | None:
    subject = figure_subject(figure, title, WrittenLower(title, text))
    return subject.name if subject else None


def test_the_nearest_name_before_the_figure_is_its_subject() -> None:
    sentence = "Huawei said its HarmonyOS has crossed 27 million users this week."
    figure = body_figure(sentence, "27 million", "users")
    assert name(figure, "Huawei's big week") == "HarmonyOS"


def test_a_name_after_the_figure_counts_when_nothing_is_before_it() -> None:
    sentence = "More than 27 million Android users were affected."
    assert name(body_figure(sentence, "27 million", "users"), "A bad bug") == "Android"


def test_a_place_after_a_preposition_is_not_the_subject() -> None:
    sentence = "The company has 1,500 employees in Augsburg."
    figure = body_figure(sentence, "1,500", "employees")
    assert name(figure, "Fujitsu to close its Augsburg plant") == "Fujitsu"


def test_without_a_name_in_the_sentence_the_story_subject_is_used() -> None:
    sentence = "It now has 27 million users."
    figure = body_figure(sentence, "27 million", "users")
    assert name(figure, "HarmonyOS passes a milestone") == "HarmonyOS"


def test_months_days_and_years_are_not_names() -> None:
    sentence = "In June 2024, on a Monday, 10 million devices ran it."
    figure = body_figure(sentence, "10 million", "devices")
    assert name(figure, "HarmonyOS grows") == "HarmonyOS"
    assert all(c.name not in ("June", "2024", "Monday") for c in candidates(sentence))


def test_model_numbers_stay_with_their_product() -> None:
    sentence = "Windows 11 now runs on 500 million devices, Microsoft said."
    figure = body_figure(sentence, "500 million", "devices")
    assert name(figure, "Windows milestone") == "Windows 11"
    assert [c.name for c in candidates("The Galaxy S24 and the iPhone 15 Pro sold well.")] == [
        "Galaxy S24",
        "iPhone 15 Pro",
    ]


def test_possessives_and_corporate_suffixes_are_dropped() -> None:
    assert [c.name for c in candidates("Apple Inc. beat Huawei's HarmonyOS")] == [
        "Apple",
        "Huawei",
        "HarmonyOS",
    ]


def test_a_closing_quote_is_not_part_of_a_name() -> None:
    found = candidates("Fans called it 'the Kylie Jenner' effect, said Reuters' Ann Lee.")
    assert [c.name for c in found] == ["Fans", "Kylie Jenner", "Reuters", "Ann Lee"]
    text = "Fans called it 'the Kylie Jenner' effect"
    assert text[found[1].start : found[1].end] == "Kylie Jenner"
    assert [c.name for c in candidates("the 'Kylie Jenner' Cosmetics line")] == [
        "Kylie Jenner",
        "Cosmetics",
    ]


def test_a_title_case_headline_takes_its_first_name() -> None:
    title = "Apple Reports Record Revenue of $94.9bn"
    figure = title_figure(title, "$94.9bn", "record revenue")
    assert name(figure, title) == "Apple"
    title = "Virgin Mobile Partners With Apple to Go iPhone-Only With $1 Service"
    assert name(title_figure(title, "$1", "service"), title) == "Virgin Mobile"


def test_a_sentence_case_headline_takes_the_nearest_name() -> None:
    title = "Huawei says HarmonyOS passes 27 million users"
    assert name(title_figure(title, "27 million", "users"), title) == "HarmonyOS"


def test_a_story_subject_is_the_first_name_of_the_title() -> None:
    assert story_subject("Alibaba to raise up to $12.9bn in Hong Kong listing").name == "Alibaba"
    assert story_subject("Fujitsu to close Augsburg plant").name == "Fujitsu"
    assert story_subject("the quiet week in review") is None


def test_a_name_that_is_the_figures_noun_is_not_its_subject() -> None:
    sentence = "Apple said Record Revenue of $94.9bn came from services."
    figure = body_figure(sentence, "$94.9bn", "Record Revenue")
    assert name(figure, "Quarterly results") == "Apple"


def test_a_name_inside_the_noun_qualifies_it() -> None:
    title = "Chinese exports rise 25% in 2004"
    figure = title_figure(title, "25%", "Chinese exports")
    assert name(figure, title) == "China"  # through the demonym alias


def test_a_title_case_headline_prefers_a_name_the_story_confirms() -> None:
    title = "The Future of Apple Innovation Is Backwards"
    sentence = "Apple said it sold 2 million units of the laptop."
    figure = body_figure(sentence, "2 million", "units")
    assert name(figure, title) == "Apple"  # the nearest name in the sentence
    sentence = "The new laptop sold 2 million units, the company said."
    figure = body_figure(sentence, "2 million", "units")
    assert name(figure, title) == "Future"  # nothing confirms "Apple Innovation"
    sentence = "The new laptop from Apple sold 2 million units."
    assert story_subject(title, sentence).name == "Apple Innovation"


@pytest.mark.parametrize(
    ("left", "right"),
    [("U.S.", "United States"), ("US", "usa"), ("Britain", "UK"), ("HarmonyOS", "harmonyos")],
)
def test_aliases_and_case_give_one_key(left: str, right: str) -> None:
    assert subject_key(left) == subject_key(right)


def test_different_names_keep_different_keys() -> None:
    assert subject_key("Galaxy S24") != subject_key("Galaxy S23")
    assert subject_key("Apple") != subject_key("Apple Music")


def test_an_opener_the_story_writes_in_lower_case_is_not_the_subject() -> None:
    sentence = "Trading rose 40% to 2 million shares a day."
    figure = body_figure(sentence, "2 million", "shares")
    text = f"Heavy trading followed the results. {sentence}"
    assert name(figure, "Acme results beat forecasts", text) == "Acme"
    # Without that evidence the opener is still the nearest name.
    assert name(figure, "Acme results beat forecasts", sentence) == "Trading"


@pytest.mark.parametrize(
    "sentence",
    [
        "Currently 9 million people use the service.",
        "Sixteen percent of the 9 million people use the service.",
        "Despite that, 9 million people use the service.",
        "Fourth-quarter figures show 9 million people use the service.",
    ],
)
def test_a_function_or_number_word_opening_a_sentence_is_never_the_subject(
    sentence: str,
) -> None:
    figure = body_figure(sentence, "9 million", "people")
    assert name(figure, "Threads keeps growing", sentence) == "Threads"


@pytest.mark.parametrize("company", ["Nvidia", "Uber", "Via"])
def test_a_name_opening_a_sentence_is_still_a_subject(company: str) -> None:
    # (Uber and Via are spellings of German and French function words.)
    sentence = f"{company} sold 3 million rides."
    figure = body_figure(sentence, "3 million", "rides")
    assert name(figure, "Ride sales soar", f"Ride makers did well. {sentence}") == company


def test_a_sentence_case_headline_opener_written_in_lower_case_is_passed_over() -> None:
    title = "Gadgets lift Dixons sales by 20%"
    text = "Sales of gadgets rose, the retailer said."
    figure = title_figure(title, "20%", "sales")
    assert name(figure, title, text) == "Dixons"
    sentence = "Sales rose by 20% in a year."
    assert story_subject(title, sentence, lower=WrittenLower(title, text)).name == "Dixons"
    assert story_subject(title, sentence).name == "Gadgets"


def test_a_headline_opening_name_is_not_penalised_for_opening_it() -> None:
    title = "Alibaba to raise up to $12.9bn in landmark Hong Kong listing"
    figure = title_figure(title, "up to $12.9bn", "listing")
    assert name(figure, title, "The listing would be the largest this year.") == "Alibaba"


@pytest.mark.parametrize(
    ("text", "word", "written"),
    [
        ("airport delays grew", "airport", True),
        ("Airport delays grew", "airport", False),  # only capitalised: maybe a name
        ("airports grew", "airport", False),  # not the whole word
        ("the jetairport grew", "airport", False),
        ("delays at the airport.", "airport", True),
    ],
)
def test_written_lower_finds_whole_words_as_written(text: str, word: str, written: bool) -> None:
    assert (word in WrittenLower("A title", text)) is written
