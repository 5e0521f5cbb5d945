"""Subscriptions from the reader (add, inspect, disable/enable a feed) and
the polite refresh: start-up and auto-refresh fetch only feeds that are
due, R fetches everything. Pages and feeds come from 127.0.0.1."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from textual.widgets import Input, OptionList

from tests.support.server import Route
from tests.ui.conftest import screen_text, settle
from tests.ui.test_refresh import rss
from tui.app.screens.add_feed import AddFeedScreen
from tui.app.screens.dialogs import FeedInfoScreen
from tui.app.widgets.sidebar import Sidebar
from tui.core.config import load_config
from tui.core.models import FeedState
from tui.core.store import Store

SETTINGS = "[settings]\nallow_private = true\nretries = 0\ntimeout_seconds = 5\n\n"


def messages(app) -> list[str]:
    return [str(notification.message) for notification in app._notifications]


def write_feeds(path: Path, urls: dict[str, str]) -> Path:
    """A feeds.toml with a comment to keep and one table per feed."""
    tables = "".join(
        f'# {title}, followed since 2024\n[[feeds]]\nurl = "{url}"\ntitle = "{title}"\n\n'
        for title, url in urls.items()
    )
    path.write_text(SETTINGS + tables, encoding="utf-8")
    return path


def open_file_config(tmp_path: Path, urls: dict[str, str]):
    config = load_config(write_feeds(tmp_path / "feeds.toml", urls))
    store = Store.open(tmp_path / "feeds.db")
    store.sync_feeds(config.feeds)
    return store, config


def fill(app, values: dict[str, str]) -> None:
    """Type into the dialog's fields at once (typing key by key is slow)."""
    for selector, value in values.items():
        field = app.screen.query_one(selector, Input)
        field.value = value
        field.focus()


def select_feed(app, title: str) -> None:
    sidebar = app.query_one(Sidebar)
    sidebar.focus()
    feed = next(f for f in app.store.feeds() if f.display_title == title)
    sidebar.highlighted = sidebar.get_option_index(f"feed:{feed.id}")


async def test_a_feed_is_added_from_the_palette_and_fetched(feed_server, tmp_path, make_app):
    now = datetime.now(UTC)
    feed_server.route("/news.xml", Route(body=rss("Harbour News", [("Ferry approved", now)])))
    feed_server.route("/comments.xml", Route(body=rss("Comments", [("A comment", now)])))
    page = (
        b"<html><head><title>Harbour Times</title>"
        b'<link rel="alternate" type="application/rss+xml" title="News" href="/news.xml">'
        b'<link rel="alternate" type="application/rss+xml" title="Comments" href="/comments.xml">'
        b"</head><body>hello</body></html>"
    )
    site = feed_server.route("/site", Route(body=page, content_type="text/html"))
    old = feed_server.route("/old.xml", Route(body=rss("Old", [])))
    store, config = open_file_config(tmp_path, {"Old": old})
    app = make_app(store, config, now=lambda: datetime.now(UTC))
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"Add a feed")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, AddFeedScreen)
        assert str(config.path) in screen_text(app)
        fill(app, {"#add-url": site, "#add-tags": "harbour, local"})
        await pilot.press("enter")
        listing = app.screen.query_one("#add-candidates", OptionList)
        await settle(pilot)
        assert listing.option_count == 2
        text = screen_text(app)
        assert "2 feeds found on Harbour Times" in text
        assert "News (RSS)" in text and "Comments (RSS)" in text
        await pilot.press("enter")  # the first: News
        await settle(pilot)
        assert app.screen.refreshes_done == 1
        written = config.path.read_text(encoding="utf-8")
        assert "# Old, followed since 2024\n" in written  # the user's comment is kept
        assert f'url = "{feed_server.url("/news.xml")}"\ntags = ["harbour", "local"]' in written
        assert [f.url for f in app.config.feeds][-1] == feed_server.url("/news.xml")
        assert "Ferry approved" in [row.title for row in app.screen.stories.rows]
        assert feed_server.hits("/old.xml") == []  # only the new feed was fetched
        assert feed_server.hits("/comments.xml") == []
        assert any(message.startswith("Added ") for message in messages(app))
        assert "Harbour News" in screen_text(app)


async def test_adding_says_why_nothing_is_found(feed_server, tmp_path, make_app):
    site = feed_server.route(
        "/plain", Route(body=b"<html>no feeds</html>", content_type="text/html")
    )
    store, config = open_file_config(tmp_path, {"Old": feed_server.url("/old.xml")})
    app = make_app(store, config)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        await pilot.press("a")
        await pilot.pause()
        fill(app, {"#add-url": site})
        await pilot.press("enter")
        await settle(pilot)
        assert "No feed found" in screen_text(app)
        assert isinstance(app.screen, AddFeedScreen)
        await pilot.press("escape")
        await settle(pilot)
        assert not isinstance(app.screen, AddFeedScreen)
        assert feed_server.url("/plain") not in config.path.read_text(encoding="utf-8")


async def test_without_a_config_file_feed_actions_say_why(make_app):
    app = make_app()  # the standard store's config has no file
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        await pilot.press("a")
        await pilot.pause()
        assert not isinstance(app.screen, AddFeedScreen)
        assert any("started without a feeds.toml" in m for m in messages(app))
        await pilot.press("D")
        await settle(pilot)
        assert sum("started without a feeds.toml" in m for m in messages(app)) == 2


async def test_the_demo_says_its_feeds_toml_is_temporary(tmp_path, make_app):
    store, config = open_file_config(tmp_path, {"Old": "https://old.example/feed"})
    app = make_app(store, config, demo=True)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        await pilot.press("a")
        await pilot.pause()
        assert isinstance(app.screen, AddFeedScreen)
        assert "temporary" in screen_text(app)


async def test_I_shows_a_feeds_state(make_app):
    app = make_app()
    async with app.run_test(size=(140, 48)) as pilot:
        await settle(pilot)
        select_feed(app, "Broken Feed")
        await pilot.press("I")
        await settle(pilot)
        assert isinstance(app.screen, FeedInfoScreen)
        text = screen_text(app)
        assert "https://down.example/feed" in text
        assert "connection refused (127.0.0.1:9)" in text
        assert "Failures in a row  3" in text
        assert "backing off after 3 failures: due now" in text
        assert "Last fetch         2026-03-02 12:00 (just now)" in text
        assert "Last success       never" in text
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, FeedInfoScreen)
        select_feed(app, "Circuit Daily")
        await pilot.press("I")
        await settle(pilot)
        assert "Stories            13 (13 unread, 1 starred)" in screen_text(app)


async def test_D_disables_and_enables_the_selected_feed(tmp_path, make_app):
    store, config = open_file_config(
        tmp_path, {"One": "https://one.example/feed", "Two": "https://two.example/feed"}
    )
    app = make_app(store, config)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        select_feed(app, "Two")
        await pilot.press("D")
        await settle(pilot)
        written = config.path.read_text(encoding="utf-8")
        assert 'title = "Two"\nenabled = false\n' in written
        assert "# Two, followed since 2024\n" in written
        assert [f.enabled for f in store.feeds()] == [True, False]
        assert [f.enabled for f in app.config.feeds] == [True, False]
        assert "- Two" in screen_text(app)  # the sidebar marks it
        assert any(m.startswith("Disabled Two") for m in messages(app))
        await pilot.press("D")
        await settle(pilot)
        assert 'title = "Two"\nenabled = true\n' in config.path.read_text(encoding="utf-8")
        assert [f.enabled for f in store.feeds()] == [True, True]


async def test_start_and_auto_refresh_fetch_only_due_feeds_and_R_fetches_all(
    feed_server, tmp_path, make_app
):
    now = datetime.now(UTC)
    due = feed_server.route("/due.xml", Route(body=rss("Due", [("Fresh", now)])))
    later = feed_server.route("/later.xml", Route(body=rss("Later", [("Waiting", now)])))
    store, config = open_file_config(tmp_path, {"Due": due, "Later": later})
    waiting = next(f for f in store.feeds() if f.title == "Later")
    store.save_fetch_state(
        waiting.id,
        FeedState(last_fetch=now, last_success=now, next_fetch=now + timedelta(hours=2)),
    )
    app = make_app(store, config, now=lambda: datetime.now(UTC), refresh_on_start=True)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        assert app.screen.refreshes_done == 1
        assert len(feed_server.hits("/due.xml")) == 1
        assert feed_server.hits("/later.xml") == []
        app.screen.auto_refresh()
        await settle(pilot)
        assert app.screen.refreshes_done == 2
        assert feed_server.hits("/later.xml") == []
        assert "skipped" in screen_text(app)
        await pilot.press("R")
        await settle(pilot)
        assert app.screen.refreshes_done == 3
        assert len(feed_server.hits("/later.xml")) == 1
        assert {"Fresh", "Waiting"} <= {row.title for row in app.screen.stories.rows}


async def test_feed_info_shows_markup_in_a_feed_title_as_text(make_app):
    from tui.app.feed_info import FeedInfo

    app = make_app()
    hostile = "[@click=app.quit]Boom[/] [b]x"
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        app.push_screen(FeedInfoScreen(FeedInfo(1, hostile, True, (("Last error", hostile),))))
        await pilot.pause()
        text = screen_text(app)
        assert text.count("[@click=app.quit]Boom[/] [b]x") == 2
        await pilot.click("#dialog", offset=(3, 0))
        await pilot.pause()
        assert app.is_running
