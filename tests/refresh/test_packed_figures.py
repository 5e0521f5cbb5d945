"""A parse job run in the pool sends its stories' figures as the store's
rows, not as Figure objects: the store must hold exactly what it holds
when the stories carry their own figures (the job run in the refreshing
process), headline marks included."""

from __future__ import annotations

import pickle
from datetime import UTC, datetime
from pathlib import Path

from tests.refresh.helpers import rss
from tui.core.models import FeedConfig
from tui.core.refresh_worker import parse_job
from tui.core.store import Store
from tui.core.store.rows import figure_rows

NOW = datetime(2026, 12, 1, tzinfo=UTC)
URL = "https://example.com/feed"
BODY = rss(
    ("a", "Acme sells 12 million phones"),
    ("b", "Globex hires 300 engineers"),
    ("c", "Initech"),
)


def _stored_figures(path: Path, packed: bool) -> list[tuple[object, ...]]:
    parsed, _ = parse_job(BODY, URL, None, 50, {}, NOW, packed)
    parsed = pickle.loads(pickle.dumps(parsed))  # as it comes back from a worker
    with Store.open(path) as store:
        store.sync_feeds([FeedConfig(url=URL)])
        feed = store.feeds()[0]
        # Retention removed "b" once: the store skips it, and must pair the
        # packed rows with the stories it keeps, not with their places.
        with store.transaction() as conn:
            conn.execute("INSERT INTO pruned_stories (feed_id, uid) VALUES (?, 'b')", (feed.id,))
        store.upsert_stories(feed.id, parsed.stories, figures=parsed.figures)
        with store.transaction() as conn:
            return [
                tuple(row)
                for row in conn.execute(
                    "SELECT s.uid, f.source, f.start, f.\"end\", f.text, f.value, f.kind, "
                    "f.unit, f.noun, f.per, f.sentence, f.headline FROM figures f "
                    "JOIN stories s ON s.id = f.story_id ORDER BY s.uid, f.source, f.start"
                )
            ]


def test_packed_figures_are_stored_as_the_stories_own(tmp_path: Path) -> None:
    packed, _ = parse_job(BODY, URL, None, 50, {}, NOW, True)
    assert packed.figures is not None and len(packed.figures) == len(packed.stories)
    assert all(not story.figures and story.headline is None for story in packed.stories)
    loose = _stored_figures(tmp_path / "loose.db", False)
    assert _stored_figures(tmp_path / "packed.db", True) == loose
    # Every description carries figures; each stored story has one headline.
    assert len(loose) == 6
    headlines = {row[0]: (row[1], row[4]) for row in loose if row[11]}
    assert headlines == {"a": ("title", "12 million"), "c": ("body", "$3 million")}


def test_a_headline_equal_to_a_figure_but_not_one_of_them_is_still_marked() -> None:
    parsed, _ = parse_job(BODY, URL, None, 50, {}, NOW)
    story = parsed.stories[0]
    assert story.headline is not None
    story.headline = pickle.loads(pickle.dumps(story.headline))  # equal, another object
    marks = [row[-1] for row in figure_rows(story)]
    assert marks.count(1) == 1
    assert marks[story.figures.index(story.headline)] == 1
