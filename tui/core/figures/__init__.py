"""Key figures: the quantitative claims in a story ("27 million users", "$2.5bn").

The extractor follows the figures spec (``shared/figures/SPEC.md``): kinds
count, percent, money, measure and multiple; qualifiers inside the span;
scale words, numbers in words, currencies and units normalised; the counted
noun and a rate's period. Years, dates, times, product names, identifiers and
scores are left alone. It reads Markdown as the store keeps it, and every
span indexes the text it was given: ``figure.text == text[figure.start:figure.end]``.

This package never imports the UI. Its public API:

* :func:`extract` — the figures of one text;
* :func:`extract_story_figures` — a story's title and body figures, as stored at refresh;
* :func:`headline_figure` — the one figure a story list shows;
* :func:`format_value` — a figure's value written for people (27M, $2.5bn, 17%).
"""

from __future__ import annotations

from tui.core.models import Figure

from .extractor import extract
from .headline import format_value, headline_figure

__all__ = ["Figure", "extract", "extract_story_figures", "format_value", "headline_figure"]


def extract_story_figures(title: str, body: str) -> list[Figure]:
    """Figures of a story: the title's (``source="title"``, offsets into the
    title) then the body's (``source="body"``, offsets into the body).

    The refresh engine calls this for every new or changed story and stores
    the result; keeping the two sources apart lets the reader highlight each
    in its own text.
    """
    return extract(title or "", "title") + extract(body or "", "body")
