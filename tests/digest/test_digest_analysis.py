"""The analysis a parse worker makes of a story (grouping features and
metric observations) is exactly what the writer would work out from the
stored story: the refresh uses the first, backfills the second, and
entries must not depend on which one ran."""

from __future__ import annotations

import csv
from dataclasses import replace
from pathlib import Path

from tests.digest.helpers import NOW
from tui.core.digest import storage
from tui.core.digest.analysis import analyse_row
from tui.core.digest.metrics import figure_from, observed_figures
from tui.core.models import FeedConfig
from tui.core.refresh_worker import parse_job
from tui.core.store import Store


def test_worker_analysis_equals_the_writers_on_every_corpus_feed(shared: Path, store: Store):
    folder = shared / "corpus" / "feeds"
    with open(folder / "SOURCES.tsv", encoding="utf-8") as handle:
        files = [folder / row["file"] for row in csv.DictReader(handle, delimiter="\t")]
    store.sync_feeds([FeedConfig(url=f"https://{path.stem}.example/") for path in files])
    feed_ids = {feed.url: feed.id for feed in store.feeds()}
    compared = observed = 0
    for path in files:
        url = f"https://{path.stem}.example/"
        kind = "application/feed+json" if path.suffix == ".json" else "application/xml"
        parsed, _ = parse_job(path.read_bytes(), url, kind, 5000, {}, NOW)
        if parsed.error:
            continue
        upsert = store.upsert_stories(feed_ids[url], parsed.stories)
        by_uid = {story.uid: story for story in parsed.stories}
        with store.transaction() as conn:
            rows = {row["id"]: row for row in storage.stories_to_group(conn, upsert.new)}
            figures: dict[int, list] = {}
            for row in storage.figure_rows(conn, upsert.new):
                figures.setdefault(row["story_id"], []).append(figure_from(row))
            texts = storage.story_texts(conn, upsert.new)
            stored_uids = dict(
                conn.execute("SELECT id, uid FROM stories WHERE feed_id = ?", (feed_ids[url],))
            )
        for story_id, row in rows.items():
            story = by_uid[stored_uids[story_id]]
            assert story.analysis is not None, f"{path.name}: {story.title!r} has no analysis"
            from_store = analyse_row(row)
            assert replace(story.analysis, observed=None) == from_store, (
                f"{path.name}: {story.title!r}"
            )
            assert story.analysis.observed == observed_figures(
                figures.get(story_id, []), row["title"], texts[story_id]
            ), f"{path.name}: {story.title!r}"
            compared += 1
            observed += len(story.analysis.observed)
    # The corpus is real news: hundreds of stories, many with metrics.
    assert compared > 300 and observed > 50, (compared, observed)
