"""The figure a story list shows, and how any figure is written for people.

:func:`headline_figure` picks one figure per story: the title's if it has
one, else the lede's, preferring money, per cents and large counts, which are
what a headline number usually is. :func:`format_value` writes a figure's
value compactly for the panel and the list: 27M, $2.5bn, 17%, 5,000 mAh, 3x.
"""

from __future__ import annotations

from collections.abc import Sequence

from tui.core.models import Figure

_LEDE_CHARS = 600
_KIND_WEIGHT = {"money": 3.0, "percent": 3.0, "multiple": 2.0, "measure": 1.5, "count": 1.0,
                "duration": 0.2, "rank": 0.2}
_SYMBOLS = {"USD": "$", "GBP": "£", "EUR": "€", "JPY": "¥", "INR": "₹", "KRW": "₩",
            "HKD": "HK$", "AUD": "A$", "CAD": "C$", "SGD": "S$", "NZD": "NZ$", "TWD": "NT$",
            "BRL": "R$", "RUB": "₽", "TRY": "₺", "NGN": "₦", "ILS": "₪"}


def _score(figure: Figure) -> float:
    score = _KIND_WEIGHT.get(figure.kind, 1.0)
    value = abs(figure.value or 0.0)
    if figure.kind == "count" and value >= 1000:
        score += 1.5
    if figure.kind == "money" and value >= 1_000_000:
        score += 0.5
    if figure.source == "title":
        score += 10
    elif figure.start < _LEDE_CHARS:
        score += 5 - 2 * figure.start / _LEDE_CHARS  # earlier in the lede is better
    return score


def headline_figure(figures: Sequence[Figure]) -> Figure | None:
    """The most newsworthy figure of a story, or ``None`` when it has none.

    Title figures beat body figures; within the body, the lede (the first few
    hundred characters) beats the rest. Among those, money and per cents beat
    large counts, which beat small counts and measures; ties go to the
    earlier figure.
    """
    best: Figure | None = None
    best_score = float("-inf")
    for figure in figures:
        score = _score(figure)
        if score > best_score:
            best, best_score = figure, score
    return best


def _number(value: float) -> str:
    if value == int(value):
        return f"{int(value):,}"
    text = f"{value:,.2f}".rstrip("0").rstrip(".")
    return text


def _compact(value: float, *, money: bool) -> str:
    """1.2e9 → "1.2bn", 27e6 → "27M" (money: "300m"), 100000 → "100,000"."""
    magnitude = abs(value)
    for limit, suffix in ((1e12, "tn"), (1e9, "bn"), (1e6, "m" if money else "M")):
        if magnitude >= limit:
            scaled = value / limit
            text = f"{scaled:.2f}".rstrip("0").rstrip(".")
            return text + suffix
    return _number(value)


def format_value(figure: Figure) -> str:
    """The figure's value as the UI writes it: 27M, $2.5bn, 17%, 5,000 mAh,
    3x, €1.99, ¥10bn or "CNY 10bn" when a sign would be ambiguous."""
    value = figure.value
    if value is None:
        return figure.text
    unit = figure.unit or ""
    if figure.kind == "money":
        amount = _compact(value, money=True)
        symbol = _SYMBOLS.get(unit)
        if symbol is None:
            return f"{unit} {amount}".strip()
        if value != int(value) and abs(value) < 1000:
            amount = f"{value:,.2f}"
        return f"{symbol}{amount}"
    if figure.kind == "percent":
        suffix = {"pp": "pp", "bp": "bp"}.get(unit, "%")
        return f"{_number(value)}{suffix}"
    if figure.kind == "multiple":
        return f"{_number(value)}x"
    if figure.kind == "count":
        return _compact(value, money=False)
    if figure.kind == "rank":
        return f"#{_number(value)}"
    if figure.kind == "duration" and unit:
        return f"{_number(value)} {unit}{'' if value == 1 else 's'}"
    return f"{_number(value)} {unit}".strip()
