"""F: the open story's full article, fetched from 127.0.0.1, stored with
its figures and shown in place of the summary; a failure is one line and
the summary stays."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from textual.widgets import DataTable

from tests.support.server import Route
from tests.ui.builders import NOW, build_config, story
from tests.ui.conftest import settle
from tui.core.models import FeedConfig
from tui.core.store import Store

PARAGRAPHS = [
    "The harbour authority approved a new ferry terminal on Tuesday after two years of argument "
    "about its cost, its size and the traffic it would bring to the old town.",
    "Officials said the terminal would cost $48 million and handle 1.2 million passengers a year, "
    "roughly 30% more than the pier it replaces.",
    "Residents who opposed the plan said the estimates ignored the buses that would queue along "
    "the promenade, and they promised to keep up their campaign at the next council election.",
    "Construction is due to start in the spring and to take about eighteen months, during which "
    "the existing pier will stay open for foot passengers and bicycles only.",
]
SUMMARY = "A new ferry terminal was approved."


def article_page() -> bytes:
    body = "".join(f"<p>{text}</p>" for text in PARAGRAPHS)
    return (
        "<!doctype html><html><head><meta charset='utf-8'><title>Ferry terminal approved</title>"
        "</head><body><nav><a href='/'>Home</a> <a href='/sport'>Sport</a></nav>"
        f"<article><h1>Ferry terminal approved</h1><div class='story-body'>{body}</div></article>"
        "<footer><p>Copyright the Harbour Times.</p></footer></body></html>"
    ).encode()


@pytest.fixture
def harbour(feed_server, tmp_path):
    """A store with two stories whose links are on the test server: one
    article page and one that answers 404."""
    good = feed_server.route("/news/ferry", Route(body=article_page(), content_type="text/html"))
    gone = feed_server.url("/news/gone")
    config = build_config([FeedConfig(url=feed_server.url("/feed.xml"), title="Harbour Times")])
    config = type(config)(
        settings=type(config.settings)(allow_private=True, retries=0, timeout_seconds=5),
        feeds=config.feeds,
    )
    store = Store.open(tmp_path / "article.db")
    store.sync_feeds(config.feeds)
    feed = store.feeds()[0]
    store.upsert_stories(
        feed.id,
        [
            story("ferry", "Ferry terminal approved", SUMMARY, 1, link=good),
            story("gone", "A story whose page is gone", "Short text here.", 2, link=gone),
        ],
        now=NOW,
    )
    yield store, config
    store.close()


async def test_F_replaces_the_summary_with_the_article_and_its_figures(harbour, make_app):
    store, config = harbour
    app = make_app(store, config)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert screen.stories.current.title == "Ferry terminal approved"
        await pilot.press("enter")
        await settle(pilot)
        assert SUMMARY in screen.doc.markdown
        # No figures: the panel has no table yet (it is mounted with the
        # first figures), or an empty one.
        assert screen.figures.figures == ()
        assert all(t.row_count == 0 for t in app.query("#figures-table").results(DataTable))
        await pilot.press("F")
        await settle(pilot)
        assert PARAGRAPHS[3] in screen.doc.markdown
        for text in PARAGRAPHS[:1] + PARAGRAPHS[2:]:
            assert text in screen.doc.markdown
        assert "Copyright" not in screen.doc.markdown
        assert any("$48 million" in figure.sentence for figure in screen.doc.figures)
        assert app.query_one("#figures-table", DataTable).row_count == len(screen.doc.figures) > 0
        stored = store.story(screen.doc.id)
        assert PARAGRAPHS[0] in stored.content
        assert stored.figures and stored.headline is not None
        assert screen.stories.current.figure  # the list shows the new headline figure
        assert "Ferry terminal approved: " in " ".join(str(n.message) for n in app._notifications)


async def test_F_that_fails_says_why_and_keeps_the_summary(harbour, make_app):
    store, config = harbour
    app = make_app(store, config)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("j")  # the story whose page is gone; F opens it too
        await pilot.press("F")
        await settle(pilot)
        assert not app.screen.articles_fetching
        assert app.screen.doc is not None and "Short text here." in app.screen.doc.markdown
        assert store.story(app.screen.doc.id).content == "Short text here."
        assert [
            str(n.message) for n in app._notifications if str(n.message).startswith("No full")
        ] == ["No full article: the article page answered HTTP 404. The summary stays."]


async def test_F_without_a_web_link_says_so(make_app, ui_store):
    store, _ = ui_store
    store.upsert_stories(
        store.feeds()[0].id,
        [story("nolink", "No link", "x", 0.01, link="javascript:alert(1)")],
        now=datetime.now(UTC),
    )
    app = make_app()
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("F")
        await settle(pilot)
        assert not app.screen.articles_fetching
        assert "No full article: the story has no web link. The summary stays." in [
            str(n.message) for n in app._notifications
        ]
