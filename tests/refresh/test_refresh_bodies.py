"""What the refresh does with bodies: compressed, hostile, not a feed,
from disk; and what it keeps in the store across refreshes."""

from __future__ import annotations

import gzip
import tracemalloc

import pytest

from tests.refresh.helpers import config_for, final, rss, run
from tests.support.server import FeedServer, Route
from tui.core.fetch import Fetcher


def test_gzip_is_decoded(feed_server: FeedServer, store):
    body = rss(("a", "Zipped"))
    url = feed_server.route(
        "/gz", Route(body=gzip.compress(body), headers={"Content-Encoding": "gzip"})
    )
    summary, _ = run(store, config_for(url))
    assert summary.ok == 1
    assert feed_server.hits("/gz")[0].headers["Accept-Encoding"] == "gzip, deflate"


async def test_a_gzip_bomb_stops_at_the_cap_without_eating_memory(
    feed_server: FeedServer, tmp_path
):
    bomb = (
        tmp_path / "bomb.gz"
    )  # 200 MB of zeros, about 200 KB compressed; made here, never committed
    with gzip.open(bomb, "wb", compresslevel=9) as out:
        chunk = b"\0" * 1_000_000
        for _ in range(200):
            out.write(chunk)
    url = feed_server.route(
        "/bomb", Route(body=bomb.read_bytes(), headers={"Content-Encoding": "gzip"})
    )
    settings = config_for(url, max_feed_mb=2).settings
    tracemalloc.start()
    async with Fetcher(settings) as fetcher:
        result = await fetcher.fetch(url)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert result.error == "response too large (over 2 MB)"
    assert peak < 20_000_000


@pytest.mark.parametrize("encoding", ["br", "zstd", "gzip, gzip"])
def test_encodings_that_cannot_be_capped_are_refused(feed_server: FeedServer, store, encoding):
    url = feed_server.route(
        "/enc", Route(body=b"\x1b\x00junk", headers={"Content-Encoding": encoding})
    )
    summary, events = run(store, config_for(url))
    assert summary.failed == 1
    assert "unsupported content encoding" in final(events).error


def test_a_web_page_is_not_a_feed(feed_server: FeedServer, store):
    page = b"<!DOCTYPE html><html><head><title>Shop</title></head><body><p>Hello</p></body></html>"
    url = feed_server.route("/page", Route(body=page, content_type="text/html"))
    summary, events = run(store, config_for(url))
    assert summary.failed == 1
    assert final(events).error == "this URL is a web page, not a feed"


def test_an_empty_200_is_an_error_and_keeps_what_was_stored(feed_server: FeedServer, store):
    route = Route(body=rss(("a", "Kept")))
    url = feed_server.route("/feed", route)
    config = config_for(url)
    run(store, config)
    route.body = b""
    summary, events = run(store, config)
    assert summary.failed == 1 and final(events).error == "empty response"
    assert [s.title for s in store.stories()] == ["Kept"]
    assert store.feeds()[0].feed_title == "Test feed"


def test_an_entity_bomb_is_not_expanded(feed_server: FeedServer, store):
    entities = "".join(f'<!ENTITY l{n} "{f"&l{n - 1};" * 10 if n else "lol"}">' for n in range(10))
    body = (
        f'<?xml version="1.0"?><!DOCTYPE rss [{entities}]><rss version="2.0"><channel>'
        "<title>Bomb &l9;</title><item><guid>x</guid><title>t &l9;</title></item></channel></rss>"
    ).encode()
    url = feed_server.route("/bomb", Route(body=body))
    summary, _ = run(store, config_for(url))
    titles = [s.title for s in store.stories()]
    assert all(len(title) < 100 for title in titles)
    assert summary.ok + summary.failed == 1


def test_a_file_url_is_read_from_disk_and_then_not_modified(tmp_path, store):
    path = tmp_path / "local.xml"
    path.write_bytes(rss(("a", "From disk")))
    config = config_for(path.as_uri())
    summary, _ = run(store, config)
    assert (summary.ok, summary.new_stories) == (1, 1)
    summary, _ = run(store, config)
    assert summary.not_modified == 1


def test_refreshing_twice_stores_no_duplicates_and_keeps_read_and_starred(
    feed_server: FeedServer, store
):
    route = Route(body=rss(("a", "One"), ("b", "Two")))
    url = feed_server.route("/feed", route)
    config = config_for(url)
    run(store, config)
    first, second = sorted(store.stories(), key=lambda s: s.uid)
    store.set_read([first.id])
    store.set_starred(second.id, True)
    route.body = rss(("c", "Three"), ("a", "One, corrected"), ("b", "Two"))
    summary, _ = run(store, config)
    assert (summary.new_stories, summary.updated_stories) == (1, 1)
    stories = {s.uid: s for s in store.stories()}
    assert len(stories) == 3 == store.count_stories()
    assert stories["a"].read and stories["a"].title == "One, corrected"
    assert stories["b"].starred and not stories["b"].read
    assert not stories["c"].read


def test_a_broken_parse_never_replaces_stored_stories(feed_server: FeedServer, store):
    route = Route(body=rss(("a", "Good")))
    url = feed_server.route("/feed", route)
    config = config_for(url)
    run(store, config)
    route.body = (
        b'<?xml version="1.0"?><rss version="2.0"><channel><title>Broken &nbsp; feed</title>'
        b"<item><title>unclosed<guid>1</guid></item><item><title>x</titel></item>"
    )
    run(store, config)
    assert [s.title for s in store.stories()] == ["Good"]
    assert store.feeds()[0].feed_title == "Test feed"


def test_figures_are_found_for_new_stories(feed_server: FeedServer, store):
    pytest.importorskip("tui.core.figures")
    url = feed_server.route("/feed", Route(body=rss(("a", "Sales up"))))
    run(store, config_for(url))
    story = store.stories()[0]
    assert any(f.text == "12%" for f in store.figures(story.id))
