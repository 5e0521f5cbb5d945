"""What the user sees beyond the keys: untrusted text, first run, failed
feeds, themes, paging through a large store and custom keys."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from tests.ui.builders import HOSTILE_TITLE, NOW, build_config, filler
from tests.ui.conftest import screen_text, settle
from tui.app.keymap import KeymapError, resolve
from tui.app.state import UiState, load_state, save_state
from tui.app.view import PAGE_SIZE
from tui.app.widgets.sidebar import Sidebar
from tui.core.config import Config
from tui.core.models import FeedConfig
from tui.core.store import Store


async def test_markup_in_a_title_is_shown_as_text_and_runs_nothing(make_app, tmp_path):
    app = make_app()
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        assert app.screen.stories.current.title == HOSTILE_TITLE
        assert "[@click=app.quit]Click me[/]" in screen_text(app)
        await pilot.press("enter")
        await settle(pilot)
        text = screen_text(app)
        assert "[@click=app.quit]Click me[/] [link=file:///etc/passwd]x[/link]" in text
        assert "[@click=app.quit]markup[/]" in text
        # clicking every cell of the title in the list and in the reader runs no action
        for x in (6, 12, 20, 30, 45):
            await pilot.click("#stories", offset=(x, 0))
            await pilot.click("#reader-body", offset=(x, 1))
        await settle(pilot)
        assert app.is_running
        assert not list(tmp_path.glob("*.svg"))


async def test_first_run_says_what_to_do(tmp_path, make_app):
    store = Store.open(tmp_path / "empty.db")
    app = make_app(store, Config())
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        text = screen_text(app)
        assert "There are no feeds yet" in text
        assert "[[feeds]]" in text
        assert "digest --demo" in text
        await pilot.press("R")
        await settle(pilot)
        assert app.is_running
    store.close()


async def test_feeds_without_stories_say_press_R(tmp_path, make_app):
    store = Store.open(tmp_path / "fresh.db")
    config = build_config([FeedConfig(url="https://a.example/feed", title="A")])
    store.sync_feeds(config.feeds)
    app = make_app(store, config)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert "No stories yet. Press R to fetch your 1 feed." in screen_text(app)
    store.close()


async def test_a_failed_feed_says_why_when_selected(make_app):
    app = make_app()
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        sidebar = app.query_one(Sidebar)
        assert "! Broken Feed" in screen_text(app)
        sidebar.focus()
        sidebar.highlighted = sidebar.get_option_index(
            f"feed:{sidebar.snapshot.sections[-1].feed_id}"
        )
        await pilot.pause()
        text = screen_text(app)
        assert "Broken Feed: connection refused (127.0.0.1:9) (failed 3 times in a row)" in text
        await pilot.press("enter")
        await settle(pilot)
        assert "No stories here." in screen_text(app)
        assert "connection refused" in screen_text(app)


async def test_the_list_pages_in_as_the_user_scrolls(tmp_path, make_app):
    store = Store.open(tmp_path / "big.db")
    config = build_config([FeedConfig(url="https://big.example/feed", title="Big")])
    store.sync_feeds(config.feeds)
    feed = store.feeds()[0]
    store.upsert_stories(feed.id, [filler(i, i * 0.1) for i in range(1000)], now=NOW)
    app = make_app(store, config)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        stories = app.screen.stories
        assert len(stories.rows) == PAGE_SIZE
        assert stories.total == 1000
        await pilot.press("G")
        await settle(pilot)
        assert len(stories.rows) == 2 * PAGE_SIZE
        for _ in range(6):
            await pilot.press("G")
            await settle(pilot)
        assert len(stories.rows) == 1000
        assert not stories.has_more
        ids = [row.id for row in stories.rows]
        assert len(set(ids)) == 1000
        assert [row.published for row in stories.rows] == sorted(
            (row.published for row in stories.rows), reverse=True
        )
    store.close()


async def test_n_finds_an_unread_story_beyond_the_loaded_page(tmp_path, make_app):
    store = Store.open(tmp_path / "deep.db")
    config = build_config([FeedConfig(url="https://big.example/feed", title="Big")])
    store.sync_feeds(config.feeds)
    feed = store.feeds()[0]
    stories = [filler(i, i * 0.1, read=i != 700) for i in range(800)]
    store.upsert_stories(feed.id, stories, now=NOW)
    app = make_app(store, config)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        assert app.screen.doc is not None
        assert app.screen.doc.title.startswith("Market update number 700:")
        assert app.screen.stories.current.title == app.screen.doc.title
    store.close()


async def test_the_theme_comes_from_the_config_and_is_remembered(tmp_path, ui_store, make_app):
    store, config = ui_store
    light = Config(settings=type(config.settings)(theme="textual-light"), feeds=config.feeds)
    state_path = tmp_path / "state.json"
    app = make_app(store, light, state_path=state_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert app.theme == "textual-light"
        app.theme = "nord"
        await settle(pilot)
    assert load_state(state_path) == UiState("nord", "textual-light")
    again = make_app(store, light, state_path=state_path)
    assert again.theme == "nord"
    # editing the config's theme later wins over the remembered choice
    dracula = Config(settings=type(config.settings)(theme="dracula"), feeds=config.feeds)
    assert make_app(store, dracula, state_path=state_path).theme == "dracula"


def test_a_broken_state_file_is_ignored(tmp_path):
    path = tmp_path / "state.json"
    path.write_text("{not json", encoding="utf-8")
    assert load_state(path) == UiState()
    save_state(UiState("nord", "textual-dark"), path)
    assert json.loads(path.read_text()) == {"theme": "nord", "config_theme": "textual-dark"}


async def test_the_palette_lists_themes(make_app):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await pilot.press(*"theme")
        await pilot.pause()
        assert "theme" in screen_text(app).lower()


def test_keys_can_be_overridden():
    keymap = resolve({"toggle_star": "x", "refresh_all": ["F5", "R"]})
    assert keymap.keys_for("toggle_star") == ("x",)
    assert keymap.overrides() == {"toggle_star": "x", "refresh_all": "F5,R"}


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"fly_away": "x"}, "keys.fly_away: unknown action"),
        ({"toggle_star": "j"}, "key 'j' is bound to both 'cursor_down' and 'toggle_star'"),
        ({"toggle_star": []}, "keys.toggle_star: no keys given"),
    ],
)
def test_bad_key_overrides_are_clear_errors(overrides, message):
    with pytest.raises(KeymapError, match=message.replace("(", r"\(").replace(")", r"\)")):
        resolve(overrides)


async def test_an_overridden_key_works_and_shows_in_help(make_app, ui_store):
    store, _ = ui_store
    app = make_app(keys={"toggle_star": "x"})
    async with app.run_test(size=(120, 48)) as pilot:
        await settle(pilot)
        row = app.screen.stories.current
        await pilot.press("s")
        await settle(pilot)
        assert not store.story(row.id).starred
        await pilot.press("x")
        await settle(pilot)
        assert store.story(row.id).starred
        await pilot.press("question_mark")
        await pilot.pause()
        assert "x      Star / unstar" in screen_text(app) or "x " in screen_text(app)


async def test_ages_follow_the_clock(make_app):
    later = NOW + timedelta(days=2)
    app = make_app(now=lambda: later)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        assert "2d" in screen_text(app)


def test_keys_from_the_config_are_checked_before_the_reader_starts(write_config, capsys):
    from tui.cli import main

    path = write_config('[keys]\nfly_away = "x"\ntoggle_star = "j"\n')
    assert main(["--config", str(path)]) == 2
    err = capsys.readouterr().err
    assert "unknown action 'fly_away'" in err
    assert "'j' is bound to both 'toggle_star' and 'cursor_down'" in err


def test_valid_keys_from_the_config_reach_the_reader(write_config):
    from tui.cli.tui_cmd import _checked_keys
    from tui.core.config import load_config

    keys = _checked_keys(load_config(write_config('[keys]\ntoggle_star = ["x", "*"]\n')))
    assert resolve(keys).keys_for("toggle_star") == ("x", "*")


async def test_links_in_the_story_open_only_if_they_are_http(make_app, opened):
    from textual.widgets import Markdown

    app = make_app()
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("j", "enter")
        await settle(pilot)
        body = app.screen.reader.body
        for href in (
            "javascript:alert(1)",
            "%6Aavascript:alert(1)",
            "file:///etc/passwd",
            "/relative/page",
        ):
            body.post_message(Markdown.LinkClicked(body, href))
        await settle(pilot)
        # the relative link resolves against the story's own https link
        assert opened == [("https://example.org/relative/page", "")]
        refused = [n for n in app._notifications if "Only http and https links" in str(n.message)]
        assert len(refused) == 3


async def test_control_characters_in_feed_text_never_reach_the_screen(make_app, ui_store):
    store, _ = ui_store
    from tests.ui.builders import story

    evil = story(
        "esc", "Title \x1b]0;owned\x07 with \x1b[2J escapes \x9b31m", "Body \x1b[31mred", 0.01
    )
    store.upsert_stories(store.feeds()[0].id, [evil])
    app = make_app()
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        text = screen_text(app)
        assert "Title ]0;owned with [2J escapes 31m" in text
        assert not any(char in text for char in "\x1b\x07\x9b")


async def test_clicking_a_figure_scrolls_the_reader_to_it(make_app, ui_store):
    store, _ = ui_store
    from tests.ui.builders import figure, story

    padding = "\n\n".join(f"Paragraph {i} has no numbers." for i in range(60))
    body = f"{padding}\n\nFinally 40 million users."
    made = story(
        "far", "Far figure", body, 0.01, [figure(body, "40 million", "count", 4e7, noun="users")]
    )
    store.upsert_stories(store.feeds()[0].id, [made])
    app = make_app()
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen.reader.scroll_y == 0
        await pilot.click("#figures-table", offset=(3, 1))
        await pilot.pause()
        assert app.screen.reader.scroll_y > 40


async def test_the_list_shrinks_for_a_story_on_narrow_screens_whenever_it_got_narrow(make_app):
    app = make_app()
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        stories = app.screen.stories
        full = stories.size.height
        await pilot.press("enter")  # opened wide: nothing to shrink yet
        await settle(pilot)
        assert stories.size.height == full
        await pilot.resize_terminal(80, 24)  # narrowed with the story open
        await settle(pilot)
        assert stories.size.height == 5
        await pilot.press("q")
        await settle(pilot)
        assert stories.size.height > 5
        await pilot.press("enter")  # opened narrow
        await settle(pilot)
        assert stories.size.height == 5
        await pilot.resize_terminal(160, 48)
        await settle(pilot)
        await pilot.press("q")  # closed wide, then narrowed again
        await settle(pilot)
        await pilot.resize_terminal(80, 24)
        await settle(pilot)
        assert stories.size.height > 5
