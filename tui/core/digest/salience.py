"""How newsworthy a story's headline figure is, for ranking the digest.

Money, per cents and large counts in the title or the lede are what a
headline number usually is, so they score highest; a figure deep in the
body, or a small count, barely counts. The score of an entry is that of the
best headline figure among its stories.
"""

from __future__ import annotations

from tui.core.models import Figure

LEDE_CHARS = 600
_PLACE = {"title": 1.0, "lede": 0.6, "body": 0.0}


def _kind_score(kind: str | None, value: float | None) -> float:
    magnitude = abs(value or 0.0)
    if kind == "money":
        return 3.0 if magnitude >= 1_000_000 else 2.5
    if kind == "percent":
        return 2.5
    if kind == "count":
        if magnitude >= 1_000_000:
            return 2.5
        return 1.5 if magnitude >= 1000 else 0.5
    if kind == "multiple":
        return 1.5
    if kind == "measure":
        return 1.0
    return 0.3 if kind else 0.0


def place(source: str | None, start: int | None) -> str:
    """Where a figure stands: ``title``, ``lede`` or ``body``."""
    if source == "title":
        return "title"
    return "lede" if (start or 0) < LEDE_CHARS else "body"


def figure_salience(
    kind: str | None, value: float | None, source: str | None, start: int | None
) -> float:
    """The salience of a figure given by its stored columns (0 without one)."""
    if not kind:
        return 0.0
    return round(_kind_score(kind, value) * _PLACE[place(source, start)], 3)


def salience_of(figure: Figure | None) -> float:
    """:func:`figure_salience` of a Figure."""
    if figure is None:
        return 0.0
    return figure_salience(figure.kind, figure.value, figure.source, figure.start)


def describe(figure: Figure | None) -> str:
    """Why a figure scores what it does, for the ranking explanation."""
    if figure is None:
        return "no figure"
    where = place(figure.source, figure.start)
    size = ""
    if figure.kind == "count" and abs(figure.value or 0) >= 1_000_000:
        size = "large "
    return f"{size}{figure.kind} in the {where}"
