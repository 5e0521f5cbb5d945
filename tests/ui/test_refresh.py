"""Refreshing from the UI: per-feed progress, new stories arriving without
losing the user's place, and failures shown per feed, never as a crash.
Feeds are served by a real HTTP server on 127.0.0.1."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest

from tests.support.server import Route
from tests.ui.builders import NOW, build_config
from tests.ui.conftest import screen_text, settle
from tui.app.widgets.sidebar import Sidebar
from tui.core.models import FeedConfig
from tui.core.store import Store


def rss(title: str, items: list[tuple[str, datetime]]) -> bytes:
    entries = "".join(
        f"<item><title>{name}</title><link>https://example.org/{abs(hash(name))}</link>"
        f"<guid>{name}</guid><pubDate>{format_datetime(when, usegmt=True)}</pubDate>"
        f"<description>&lt;p&gt;{name} grew 12% to 5 million users.&lt;/p&gt;</description></item>"
        for name, when in items
    )
    return (
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>{title}</title>'
        f"<link>https://example.org/</link><description>d</description>{entries}"
        "</channel></rss>"
    ).encode()


def gate(body: bytes, opened: threading.Event):
    """A route handler that answers only once *opened* is set."""

    def handle(request) -> None:
        opened.wait(10)
        request.send_response(200)
        request.send_header("Content-Type", "application/rss+xml")
        request.send_header("Content-Length", str(len(body)))
        request.end_headers()
        request.wfile.write(body)

    return handle


async def until(pilot, condition, what: str, rounds: int = 400) -> None:
    """Let the app run until *condition* holds (polled between message
    rounds, never by sleeping a fixed time)."""
    for _ in range(rounds):
        if condition():
            return
        await pilot.pause()
    raise AssertionError(f"timed out waiting for {what}")


@pytest.fixture
def served(feed_server, tmp_path):
    """Two feeds on the test server: a good one and a broken one."""
    recent = datetime.now(UTC) - timedelta(minutes=5)
    good = feed_server.route(
        "/good.xml",
        Route(body=rss("Good", [("Alpha", recent), ("Beta", recent - timedelta(hours=1))])),
    )
    bad = feed_server.route("/bad.xml", Route(body=b"oops", status=500))
    config = build_config(
        [
            FeedConfig(url=good, title="Good Feed", tags=("news",)),
            FeedConfig(url=bad, title="Bad Feed", tags=("news",)),
        ]
    )
    config = type(config)(
        settings=type(config.settings)(allow_private=True, retries=0, timeout_seconds=5),
        feeds=config.feeds,
    )
    store = Store.open(tmp_path / "refresh.db")
    store.sync_feeds(config.feeds)
    yield feed_server, store, config
    store.close()


async def test_R_refreshes_every_feed_with_progress_and_errors(served, make_app):
    server, store, config = served
    release = threading.Event()
    body = rss("Good", [("Alpha", datetime.now(UTC)), ("Beta", datetime.now(UTC))])
    server.route("/good.xml", Route(handler=gate(body, release)))
    app = make_app(store, config, now=lambda: datetime.now(UTC))
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        assert "No stories yet. Press R" in screen_text(app)
        await pilot.press("R")
        good_id = store.feeds()[0].id
        sidebar = app.query_one(Sidebar)
        await until(pilot, lambda: sidebar.progress.get(good_id) == "fetching", "the fetching mark")
        text = screen_text(app)
        assert "↻ Good Feed" in text
        assert "refreshing" in text
        release.set()
        await until(pilot, lambda: not app.screen.refreshing, "the end of the refresh")
        await settle(pilot)
        text = screen_text(app)
        assert {row.title for row in app.screen.stories.rows} == {"Alpha", "Beta"}
        assert "! Bad Feed" in text
        assert "1 ok" in text and "1 failed" in text
        assert any(
            "Bad Feed" in str(n.message) and "500" in str(n.message) for n in app._notifications
        )
        bad = next(feed for feed in store.feeds() if feed.title == "Bad Feed")
        assert bad.state.last_error and "500" in bad.state.last_error
        assert app.is_running


async def test_r_refreshes_only_the_selected_feed(served, make_app):
    server, store, config = served
    app = make_app(store, config, now=lambda: datetime.now(UTC))
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        sidebar = app.query_one(Sidebar)
        sidebar.focus()
        good = store.feeds()[0]
        sidebar.highlighted = sidebar.get_option_index(f"feed:{good.id}")
        await pilot.press("r")
        await until(pilot, lambda: not app.screen.refreshing, "the end of the refresh")
        await settle(pilot)
        assert len(server.hits("/good.xml")) == 1
        assert server.hits("/bad.xml") == []


async def test_new_stories_arrive_without_moving_the_cursor(served, make_app):
    server, store, config = served
    app = make_app(store, config, now=lambda: datetime.now(UTC))
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        await pilot.press("R")
        await until(pilot, lambda: not app.screen.refreshing, "the first refresh")
        await settle(pilot)
        stories = app.screen.stories
        await pilot.press("j")
        chosen = stories.current
        assert chosen.title == "Beta"
        newer = datetime.now(UTC)
        server.route(
            "/good.xml",
            Route(
                body=rss(
                    "Good",
                    [
                        ("Gamma", newer),
                        ("Delta", newer - timedelta(seconds=1)),
                        ("Alpha", datetime.now(UTC) - timedelta(minutes=5)),
                        ("Beta", datetime.now(UTC) - timedelta(hours=1)),
                    ],
                )
            ),
        )
        await pilot.press("R")
        await until(pilot, lambda: not app.screen.refreshing, "the second refresh")
        await settle(pilot)
        assert len(stories.rows) == 4
        assert stories.current.id == chosen.id
        assert stories.rows[0].title in {"Gamma", "Delta"}


async def test_a_refresh_that_breaks_is_a_message_not_a_crash(served, make_app, monkeypatch):
    _, store, config = served

    def broken(*args, **kwargs):
        raise RuntimeError("database is locked [@click=app.quit] \x1b[31m")

    monkeypatch.setattr("tui.core.refresh.refresh_blocking", broken)
    app = make_app(store, config)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        await pilot.press("R")
        await until(pilot, lambda: not app.screen.refreshing, "the refresh to stop")
        await settle(pilot)
        messages = [str(n.message) for n in app._notifications]
        assert any(
            "Refresh failed: database is locked [@click=app.quit] [31m" in m for m in messages
        )
        assert "refresh failed" in screen_text(app)
        assert app.is_running


async def test_offline_start_says_which_feeds_failed_and_stays_usable(tmp_path, make_app, ui_store):
    # The standard store, but its feeds point at a port nothing listens on.
    store, _ = ui_store
    closed = build_config(
        [
            FeedConfig(url="https://phones.example/feed", title="Pocket Signal", tags=("mobile",)),
        ]
    )
    offline = type(closed)(
        settings=type(closed.settings)(allow_private=True, retries=0, timeout_seconds=2),
        feeds=(FeedConfig(url="http://127.0.0.1:9/feed.xml", title="Local Feed"),),
    )
    store.sync_feeds((*offline.feeds, *closed.feeds))
    app = make_app(store, offline, refresh_on_start=True)
    async with app.run_test(size=(140, 40)) as pilot:
        await until(pilot, lambda: app.screen.refreshes_done == 1, "the start-up refresh")
        await settle(pilot)
        messages = " ".join(str(n.message) for n in app._notifications)
        assert "Local Feed" in messages
        assert "! Local Feed" in screen_text(app)
        await pilot.press("j", "enter")
        await settle(pilot)
        assert app.screen.doc is not None


async def test_auto_refresh_runs_every_refresh_minutes(served, make_app):
    _, store, config = served
    config = type(config)(
        settings=type(config.settings)(allow_private=True, refresh_minutes=7), feeds=config.feeds
    )
    app = make_app(store, config, now=lambda: NOW)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        assert app.screen.refreshes_done == 0  # no refresh at start unless asked
        timers = [t for t in app.screen._timers if t.name == "auto-refresh"]
        assert [t._interval for t in timers] == [7 * 60]
        app.screen.auto_refresh()
        assert app.screen.refreshing
        await until(pilot, lambda: not app.screen.refreshing, "the automatic refresh")
        await settle(pilot)
        assert len(app.screen.stories.rows) == 2
