"""What a parse worker process does with one feed body: parse it, keep
only new or changed stories, find the figures in those, and work out what
the digest reads of them.

It runs in a process pool (feedparser, markdownify and the figures
extractor are pure-Python CPU work, so threads would share one core), which
is why it takes and returns plain picklable data and imports nothing from
the network or UI side. The refresh's own process imports this module too
(to name the job, and to unpickle its answers), so the parsers are imported
only where a parse runs.
"""

from __future__ import annotations

import contextlib
import ctypes
import pickle
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from tui.core.models import Story
from tui.core.store.rows import FigureRow, figure_rows


@dataclass(slots=True)
class ParseResult:
    """What a parse job sends back: the parts of a
    :class:`tui.core.parse.ParsedFeed` the refresh stores. Its own class,
    in this module, so that the refresh's process unpickles it without
    importing the parsers (bs4, lxml, chardet: ≈11 MB it has no use for).
    ``error`` set means: store nothing from it."""

    title: str | None = None
    site_url: str | None = None
    stories: list[Story] = field(default_factory=list)
    warning: str | None = None
    error: str | None = None
    ttl_minutes: float | None = None
    # The stories' analyses, pickled as one list in story order, when the
    # job was asked to pack them (the stories then carry none): the
    # refreshing process only hands them on to a grouping job, so they
    # cross it as bytes instead of as thousands of small objects it would
    # unpickle, hold and pickle again.
    analyses: bytes | None = None
    # The stories' figures as the store's rows, one list per story in story
    # order, when the job was asked to pack (the stories then carry none):
    # the refreshing process only writes them, so they cross as plain
    # tuples rather than as Figure objects it would rebuild one Python call
    # each (for 1000 bench feeds, 330,000 figures: 1.5 s of its CPU to
    # unpickle, where tuples take 0.2).
    figures: list[list[FigureRow]] | None = None


def parse_job(
    body: bytes,
    url: str,
    content_type: str | None,
    max_items: int,
    known: Mapping[str, str],
    now: datetime,
    pack: bool = False,
) -> tuple[ParseResult, int]:
    """Parse *body*; return the feed with only its pending (new or changed)
    stories, figures attached, and how many stories were unchanged.
    *known* maps the stored stories' uids to their content hashes; *pack*
    sends the analyses as :attr:`ParseResult.analyses`."""
    from tui.core.parse import parse_feed

    parsed = parse_feed(
        body, url, content_type=content_type, now=now, max_items=max_items, known=known
    )
    if parsed.error:
        return ParseResult(error=parsed.error), 0
    attach_figures(parsed.stories)
    attach_analysis(parsed.stories)
    analyses = figures = None
    if pack and parsed.stories:
        analyses = pickle.dumps(
            [story.analysis for story in parsed.stories], pickle.HIGHEST_PROTOCOL
        )
        figures = [figure_rows(story) for story in parsed.stories]
        for story in parsed.stories:
            story.analysis, story.figures, story.headline = None, [], None
    result = ParseResult(
        title=parsed.title,
        site_url=parsed.site_url,
        stories=parsed.stories,
        warning=parsed.warning,
        ttl_minutes=parsed.ttl_minutes,
        analyses=analyses,
        figures=figures,
    )
    return result, parsed.unchanged


def attach_figures(stories: list[Story]) -> None:
    """Find each story's figures and its headline figure. A story the
    extractor chokes on keeps none rather than failing its feed."""
    try:
        from tui.core.figures import extract_story_figures, headline_figure
    except ImportError:  # the extractor is optional while it is being built
        return
    for story in stories:
        try:
            story.figures = list(extract_story_figures(story.title, story.body))
            story.headline = headline_figure(story.figures)
        except Exception:
            story.figures, story.headline = [], None


def attach_analysis(stories: list[Story]) -> None:
    """Work out what the digest reads of each story (its terms, names and
    metric observations) here, in the worker, rather than in the store's
    single writer thread. A story the analysis chokes on goes without: the
    writer then analyses it from the store, and a fault there is the
    digest's to catch."""
    from tui.core.digest.analysis import analyse_story

    for story in stories:
        try:
            story.analysis = analyse_story(story)
        except Exception:
            story.analysis = None


def release_memory() -> None:
    """Hand freed heap back to the system (glibc's ``malloc_trim``; a
    no-op elsewhere). Measured after grouping 1000 stories: the worker's
    RSS 83 -> 65 MB. A grouping's working set holds no reference cycles
    (it is freed as the job's objects go), so collecting cycles first, as
    this once did, found 0-38 objects for 20-30 ms of CPU per job."""
    if sys.platform == "linux":
        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL(None).malloc_trim(0)


def warm_up() -> None:
    """Import what the common parse needs, so the first real job does not
    pay for it: fastfeedparser, the one-pass HTML converter, the figures
    extractor and the analysis. The fallbacks (feedparser for feeds the fast
    reader declines, bs4 + markdownify for HTML the one-pass converter
    declines) are left to the job that first needs them: most workers never
    do, and importing them cost ≈0.12 s of start-up and ≈6 MB per process."""
    import fastfeedparser  # noqa: F401

    import tui.core.html
    import tui.core.parse

    with contextlib.suppress(ImportError):
        import tui.core.figures
    import tui.core.digest.analysis  # noqa: F401


def ready() -> bool:
    """A no-op job: its answer says a worker is up."""
    return True
