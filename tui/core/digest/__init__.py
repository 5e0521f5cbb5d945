"""The digest: what happened, rather than a pile of items.

Stories from different feeds that report the same event become one
:class:`Entry` (grouping runs at refresh time, incrementally); entries are
ranked for a Today or This-week view with an explanation of each score;
figures with a subject and a noun become observations of tracked metrics
whose history outlives the stories. Never imports the UI.

Public API (all fast on a 30,000-story store; safe from worker threads):

* :func:`on_stories_stored` — the refresh hook: group and record just-stored stories;
* :func:`ensure_grouped` — group stories stored without the hook (older stores);
* :func:`today` — the ranked entries of today or this week;
* :func:`entry_for_story` — the entry a story belongs to, with its figures;
* :func:`mark_entry_read` — reading one story marks its entry read everywhere;
* :func:`metric_history` — the earlier values of a figure's metric;
* :func:`metric_series` — every tracked metric, for ``digest metrics``.
"""

from __future__ import annotations

from tui.core.digest.entries import Entry, FigureGroup, FigureValue, ScoreTerm, Source
from tui.core.digest.grouping import DEFAULT_WINDOW_HOURS
from tui.core.digest.metrics import (
    MetricHistory,
    MetricSeries,
    Observation,
    metric_history,
    metric_series,
)
from tui.core.digest.pipeline import ensure_grouped, mark_entry_read, on_stories_stored
from tui.core.digest.ranking import GROUPED_AT_REFRESH_HOURS, entry_for_story, today

__all__ = [
    "DEFAULT_WINDOW_HOURS",
    "GROUPED_AT_REFRESH_HOURS",
    "Entry",
    "FigureGroup",
    "FigureValue",
    "MetricHistory",
    "MetricSeries",
    "Observation",
    "ScoreTerm",
    "Source",
    "ensure_grouped",
    "entry_for_story",
    "mark_entry_read",
    "metric_history",
    "metric_series",
    "on_stories_stored",
    "today",
]
