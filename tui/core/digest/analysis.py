"""What the digest reads of one story, worked out from the story alone.

Grouping needs a story's terms, names, model names, link keys and the
salience of its headline figure; metric history needs the metric each of
its figures observes. None of that depends on the store, so the refresh
works it out in its parse workers, beside the figures, where both cores
are busy anyway: the writer, a single thread, is then left with index
lookups and inserts (it did all of this itself before, and a cold refresh
spent half its time waiting for it).

:func:`analyse` is the one definition. The writer calls it on a stored
row's columns (:func:`analyse_row`) when a story arrives without a
prepared analysis (a backfill, an older store), and the two must agree:
a test compares them on the corpus.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass

from tui.core.digest.links import link_keys
from tui.core.digest.metrics import ObservedFigure, observed_figures
from tui.core.digest.salience import figure_salience, salience_of
from tui.core.digest.words import identifiers, names, plain_lede, terms
from tui.core.models import Figure, Story

# The head of a story that grouping reads, as the store's query cuts it.
HEAD_CHARS = 1600

@dataclass(frozen=True, slots=True)
class StoryAnalysis:
    """A story's grouping features and metric observations (picklable: it
    travels back from a parse worker with its story)."""

    title_terms: list[str]
    lede_terms: list[str]
    keys: list[str]
    subject: str | None
    names: frozenset[str]
    idents: tuple[str, ...]
    salience: float
    observed: tuple[ObservedFigure, ...] | None  # None: read the figures from the store


def analyse(
    title: str,
    head: str,
    link: str | None,
    guid: str | None,
    salience: float,
    figures: Sequence[Figure] | None,
    text: str = "",
) -> StoryAnalysis:
    """The analysis of a story given its title, the head of its Markdown
    text, its link and guid, its headline figure's salience, and its
    figures in stored order (title first, then text order; ``None``: not
    known here, the writer reads them from the store) with the *text*
    they were found in."""
    title = title or ""
    lede = plain_lede(head[:HEAD_CHARS] if head else "")
    title_terms = terms(title)
    subject, named = names(title, lede)
    return StoryAnalysis(
        title_terms=title_terms,
        lede_terms=terms(lede),
        # (A guid that is the link adds no key: spare canonicalising it twice.)
        keys=link_keys(link, None if guid == link else guid),
        subject=subject,
        names=named,
        idents=identifiers(title),
        salience=salience,
        observed=None if figures is None else observed_figures(figures, title, text),
    )


def analyse_story(story: Story) -> StoryAnalysis:
    """:func:`analyse` of a parsed story, as the parse worker calls it."""
    figures = sorted(story.figures, key=lambda figure: (figure.source != "title", figure.start))
    return analyse(
        story.title,
        story.summary or story.content,
        story.link,
        story.guid,
        salience_of(story.headline),
        figures,
        story.body,
    )


def analyse_row(row: sqlite3.Row) -> StoryAnalysis:
    """:func:`analyse` of a row of :func:`storage.stories_to_group`; its
    observations are left to the writer (``figures`` not read here)."""
    return analyse(
        row["title"],
        row["head"] or "",
        row["link"],
        row["guid"],
        figure_salience(row["h_kind"], row["h_value"], row["h_source"], row["h_start"]),
        None,
    )
