"""The package API: story figures at refresh, the headline figure, values for people."""

from __future__ import annotations

import pytest

from tui.core.figures import extract, extract_story_figures, format_value, headline_figure
from tui.core.models import Figure


def figure(kind: str, value: float, unit: str | None = None, **kwargs: object) -> Figure:
    return Figure(text="x", start=kwargs.pop("start", 0), end=1, value=value, kind=kind,
                  unit=unit, **kwargs)  # type: ignore[arg-type]


def test_story_figures_are_title_then_body_with_their_own_offsets() -> None:
    title = "Chip maker sells 2 million units"
    body = "The firm said revenue rose 12% to $3bn."
    figures = extract_story_figures(title, body)
    assert [(f.source, f.text) for f in figures] == [
        ("title", "2 million"), ("body", "12%"), ("body", "$3bn"),
    ]
    for f in figures:
        text = title if f.source == "title" else body
        assert text[f.start:f.end] == f.text


def test_story_without_figures() -> None:
    assert extract_story_figures("", "") == []
    assert extract("") == []


def test_headline_figure_prefers_the_title() -> None:
    figures = extract_story_figures("Shop shuts 40 stores", "Sales fell by $2bn, or 30%, in 2024.")
    best = headline_figure(figures)
    assert best is not None and best.text == "40" and best.source == "title"


def test_headline_figure_prefers_money_and_percent_in_the_lede() -> None:
    body = "The firm, founded 12 years ago with 9 staff, lost $2.5bn. " + "Filler text. " * 80 + \
        "It now has 3 offices."
    best = headline_figure(extract_story_figures("Firm in trouble", body))
    assert best is not None and best.text == "$2.5bn"


def test_headline_figure_of_nothing() -> None:
    assert headline_figure([]) is None


@pytest.mark.parametrize(
    ("fig", "text"),
    [
        (figure("count", 27e6), "27M"),
        (figure("count", 1.2e9), "1.2bn"),
        (figure("count", 100_000), "100,000"),
        (figure("money", 2.5e9, "USD"), "$2.5bn"),
        (figure("money", 3e8, "GBP"), "£300m"),
        (figure("money", 1.99, "EUR"), "€1.99"),
        (figure("money", 1e10, "CNY"), "CNY 10bn"),
        (figure("percent", 17, "%"), "17%"),
        (figure("percent", 3.5, "pp"), "3.5pp"),
        (figure("measure", 5000, "mAh"), "5,000 mAh"),
        (figure("measure", 6.8, "in"), "6.8 in"),
        (figure("multiple", 3, "x"), "3x"),
    ],
)
def test_format_value(fig: Figure, text: str) -> None:
    assert format_value(fig) == text
