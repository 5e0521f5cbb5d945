"""How values look on screen: ages, figure values, figure kinds.

Pure functions with no Textual import, so the rules are unit-testable and
shared by the story list, the reader and the figures panel.
"""

from __future__ import annotations

from datetime import datetime

from tui.core.models import Figure
from tui.core.sanitize import one_line

KINDS = ("count", "percent", "money", "measure", "multiple", "duration", "rank")


def age(published: datetime, now: datetime) -> str:
    """A story's age in at most five cells: ``now``, ``5m``, ``3h``,
    ``2d``, ``6w``, then the month and year (``Mar24``)."""
    seconds = (now - published).total_seconds()
    if seconds < 60:
        return "now"
    minutes = int(seconds // 60)
    if minutes < 60:
        return f"{minutes}m"
    hours = minutes // 60
    if hours < 24:
        return f"{hours}h"
    days = hours // 24
    if days < 14:
        return f"{days}d"
    if days < 7 * 20:
        return f"{days // 7}w"
    return published.strftime("%b%y")


def figure_value(figure: Figure) -> str:
    """A figure's value for people (27M, $2.5bn, 17%, 5,000 mAh), falling
    back to the text it was found as."""
    # Imported here, not at the top: the figures package is a large import
    # and the first call happens in the worker that loads the first page,
    # off the event loop, while the screen is being composed.
    from tui.core.figures import format_value

    try:
        text = format_value(figure)
    except (ValueError, TypeError, ArithmeticError):
        text = ""
    return one_line(text or figure.text, 24)


def kind_class(kind: str) -> str:
    """The CSS component-class suffix for a figure kind (unknown kinds get
    the count colour rather than no colour)."""
    return kind if kind in KINDS else "count"
