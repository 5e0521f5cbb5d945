"""Once the parse workers' pool runs, a refresh groups its stored stories
there, batch after batch, on a connection of the worker's own: every
story must still be grouped, the same-event stories of two feeds into one
entry, and nothing of it done in the refresh's own process."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest

from tests.refresh.helpers import config_text
from tests.support.server import FeedServer, Route
from tui.cli import main
from tui.core import refresh, refresh_grouping
from tui.core.digest import storage
from tui.core.refresh_pool import discard_pool, shared_pool
from tui.core.refresh_worker import ready
from tui.core.store import Store

NOW = datetime.now(UTC).replace(microsecond=0)

# (title, link, lede) per feed: each feed's stories are its own; each
# event is reported by both feeds (same link, or the same words).
EVENTS = [
    (
        "Ferry operator cancels all winter sailings to Skye",
        "https://news.example/skye",
        "CalMac has cancelled all winter sailings to Skye after two vessels failed inspections.",
    ),
    (
        "Nvidia agrees to buy British chip designer Graphcore for $600 million",
        "https://news.example/graphcore",
        "Nvidia has agreed to acquire British chip designer Graphcore in a deal valued at about "
        "$600 million, people familiar with the matter said.",
    ),
    (
        "Council approves 1,200 new homes on the old gasworks site",
        "https://news.example/gasworks",
        "The council approved plans for 1,200 homes on the former gasworks site on Tuesday.",
    ),
    (
        "Rail fares to rise by 4.6% in March, operators say",
        "https://news.example/fares",
        "Regulated rail fares will rise by 4.6% from March, the train operators said.",
    ),
]


def feed(name: str, variant: int) -> bytes:
    items = []
    for number, (title, link, lede) in enumerate(EVENTS):
        # The second feed links with tracking parameters, which grouping drops.
        href = link if variant == 0 else f"{link}?utm_source={name}&amp;utm_medium=rss"
        published = format_datetime(NOW - timedelta(hours=number + variant * 0.5), usegmt=True)
        items.append(
            f"<item><title>{title}</title><link>{href}</link>"
            f"<guid isPermaLink='false'>{name}-{number}</guid><pubDate>{published}</pubDate>"
            f"<description>{lede}</description></item>"
        )
    return (
        f"<?xml version='1.0'?><rss version='2.0'><channel><title>{name}</title>"
        f"<link>https://{name}.example/</link><description>d</description>"
        + "".join(items)
        + "</channel></rss>"
    ).encode()


@pytest.fixture
def running_pool() -> Iterator[None]:
    """The shared process pool, started and answering, as in a reader that
    has refreshed before; discarded afterwards for the other tests."""
    discard_pool()
    assert shared_pool().submit(ready).result(timeout=60)
    yield
    discard_pool()


def test_the_pool_groups_the_refreshs_batches_and_the_process_does_not(
    feed_server: FeedServer,
    write_config,
    tmp_path,
    capsys,
    running_pool: None,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(refresh, "GROUP_EVERY", 3)  # several batches from eight stories
    in_process: list[int] = []
    real = refresh_grouping.group_stories
    monkeypatch.setattr(
        refresh_grouping,
        "group_stories",
        lambda store, ids, *rest: in_process.extend(ids) or real(store, ids, *rest),
    )
    urls = [
        feed_server.route(f"/{name}.xml", Route(body=feed(name, variant)))
        for variant, name in enumerate(("wire", "daily"))
    ]
    config = write_config(config_text(*urls))
    db = tmp_path / "pool.db"
    assert main(["--config", str(config), "--db", str(db), "refresh"]) == 0
    capsys.readouterr()
    with Store.open(db) as store:
        stories = store.stories()
        with store.db.reading() as conn:
            entries = {story.id: storage.entry_of(conn, story.id) for story in stories}
    assert len(stories) == 2 * len(EVENTS)
    assert None not in entries.values(), "every story grouped by the refresh"
    assert len(set(entries.values())) == len(EVENTS)  # one entry per event, both feeds in it
    assert in_process == [], "grouping ran in the pool, not in the refreshing process"
