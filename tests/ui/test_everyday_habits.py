"""Everyday habits: copy the link, open the attachment, share and save the
story as Markdown, rule notifications after a refresh, and the keys in
force shown in help and the palette."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest
from textual.command import CommandPalette

from tests.ui.builders import HARMONY_TITLE, HOSTILE_TITLE, story
from tests.ui.conftest import screen_text, settle
from tui.app.keymap import ACTIONS, resolve
from tui.app.screens.dialogs import PromptScreen
from tui.app.screens.help import HelpScreen
from tui.app.share import SaveError, figure_text, slug, story_markdown, write_markdown
from tui.core.models import Enclosure
from tui.core.refresh import RefreshSummary

NEW_ACTIONS = {
    "full_article": ("F",),
    "copy_link": ("c",),
    "open_enclosure": ("e",),
    "share_markdown": ("S",),
    "save_markdown": ("w",),
    "add_feed": ("a",),
    "feed_info": ("I",),
    "toggle_feed": ("D",),
}


def messages(app) -> list[str]:
    return [str(notification.message) for notification in app._notifications]


def test_the_new_actions_are_in_the_registry_without_clashes():
    keymap = resolve()
    for action_id, keys in NEW_ACTIONS.items():
        assert keymap.keys_for(action_id) == keys
    owners = [key for action in ACTIONS for key in action.keys]
    assert len(owners) == len(set(owners))


async def test_c_copies_the_link_of_the_story_under_the_cursor(make_app):
    app = make_app()
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("j", "c")
        assert app.clipboard == "https://example.org/harmony"
        assert "Copied https://example.org/harmony" in messages(app)


async def test_c_refuses_a_link_that_is_not_http(make_app, ui_store):
    store, _ = ui_store
    store.upsert_stories(
        store.feeds()[0].id, [story("js", "Evil link", "x", 0.01, link="javascript:alert(1)")]
    )
    app = make_app()
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        assert app.screen.stories.current.title == "Evil link"
        await pilot.press("c")
        assert app.clipboard == ""
        assert "This story has no web link to copy." in messages(app)


async def test_e_opens_the_first_web_attachment_with_the_browser(make_app, ui_store, opened):
    store, _ = ui_store
    podcast = story("pod", "Episode 12", "An episode.", 0.01)
    podcast.enclosures = (
        Enclosure("file:///etc/passwd", "audio/mpeg"),
        Enclosure("https://cdn.example/ep12.mp3", "audio/mpeg", 1000),
    )
    store.upsert_stories(store.feeds()[0].id, [podcast])
    app = make_app()
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("e")
        await settle(pilot)
        assert opened == [("https://cdn.example/ep12.mp3", "")]
        await pilot.press("j", "e")  # the hostile story has no attachment
        await settle(pilot)
        assert len(opened) == 1
        assert "This story has no attachment (podcast, video) to open." in messages(app)


async def test_S_copies_the_story_as_markdown_with_key_figures(make_app):
    app = make_app()
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("j", "enter")
        await settle(pilot)
        await pilot.press("S")
        await settle(pilot)
        text = app.clipboard
        assert text.startswith(f"# {HARMONY_TITLE}\n")
        assert "- Source: Pocket Signal" in text
        assert "- Date: 2026-03-02 11:00 UTC" in text
        assert "- Link: <https://example.org/harmony>" in text
        assert "runs on more than 27 million devices" in text
        figures = text.split("## Key figures\n\n")[1].splitlines()
        # the title's 27 million repeats the body's: listed once
        assert figures[0] == "- **27M** devices"
        assert "- **10M** developers" in figures
        assert "- **100,000** devices per day" in figures
        assert "- **$999**" in figures
        assert any(
            message.startswith(f"Copied {HARMONY_TITLE} as Markdown") for message in messages(app)
        )


async def test_shared_markdown_shows_feed_markup_as_text(make_app):
    app = make_app()
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        assert app.screen.stories.current.title == HOSTILE_TITLE
        await pilot.press("S")
        await settle(pilot)
        title = app.clipboard.splitlines()[0]
        assert (
            title
            == r"# \[@click=app.quit\]Click me\[/\] \[link=file:///etc/passwd\]x\[/link\] \[bold red\]loud"
        )
        assert app.is_running


async def test_w_saves_the_story_to_the_file_named(make_app, isolated_home):
    app = make_app()
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("j", "w")
        await pilot.pause()
        assert isinstance(app.screen, PromptScreen)
        expected = "~/digest-harmonyos-passes-27-million-devices.md"
        assert app.screen.query_one("#prompt-input").value == expected
        await pilot.press("enter")
        await settle(pilot)
        saved = isolated_home / "digest-harmonyos-passes-27-million-devices.md"
        assert saved.read_text(encoding="utf-8").startswith(f"# {HARMONY_TITLE}\n")
        saved.write_text("mine", encoding="utf-8")
        await pilot.press("w")
        await pilot.pause()
        await pilot.press("enter")
        await settle(pilot)
        assert saved.read_text(encoding="utf-8") == "mine"  # never replaced
        assert any("already exists" in message for message in messages(app))


async def test_save_story_as_markdown_is_in_the_palette(make_app):
    app = make_app()
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await pilot.pause()
        assert isinstance(app.screen, CommandPalette)
        await pilot.press(*"save story")
        await pilot.pause()
        assert "key: w" in screen_text(app)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, PromptScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, PromptScreen)


def test_markdown_falls_back_to_the_figure_text(ui_store, monkeypatch):
    store, _ = ui_store
    harmony = next(s for s in store.stories() if s.title == HARMONY_TITLE)
    harmony = store.story(harmony.id)

    def broken(figure):
        raise ValueError("no value")

    monkeypatch.setattr("tui.core.figures.format_value", broken)
    assert figure_text(harmony.figures[0]) == "27 million"
    assert "- **more than 27 million** devices" in story_markdown(harmony)
    no_link = replace(harmony, link="javascript:alert(1)", figures=[])
    text = story_markdown(no_link)
    assert "Link:" not in text and "Key figures" not in text


def test_slugs_and_unsafe_save_paths(tmp_path):
    assert slug("Ünïcode: 5% of “smart” phones!") == "unicode-5-of-smart-phones"
    assert slug("???") == "story"
    with pytest.raises(SaveError, match="there is no folder"):
        write_markdown(str(tmp_path / "missing" / "x.md"), "text")
    with pytest.raises(SaveError, match="no file name"):
        write_markdown("  ", "text")


async def test_a_rule_notification_after_a_refresh_is_a_toast(make_app, monkeypatch):
    line = "2 new stories for [bold]chips[/] (2): Foundry starts 2nm production; \x1b[31mX"

    def refreshed(*args, **kwargs):
        assert kwargs["due_only"] is False  # R is explicit
        return RefreshSummary(
            ok=1,
            not_modified=0,
            failed=0,
            skipped=0,
            new_stories=2,
            updated_stories=0,
            seconds=0.1,
            notification=line,
        )

    monkeypatch.setattr("tui.core.refresh.refresh_blocking", refreshed)
    app = make_app()
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("R")
        await settle(pilot)
        toasts = [n for n in app._notifications if n.title == "New"]
        assert [str(n.message) for n in toasts] == [
            "2 new stories for [bold]chips[/] (2): Foundry starts 2nm production; [31mX"
        ]
        assert not toasts[0].markup


async def test_help_and_palette_show_the_keys_in_force(make_app):
    app = make_app(keys={"full_article": "ctrl+f", "copy_link": ["y", "c"], "toggle_star": "*"})
    async with app.run_test(size=(120, 48)) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        text = screen_text(app)
        assert re.search(r"ctrl\+f +Fetch the full article", text)
        assert not re.search(r"\bF +Fetch the full article", text)
        assert re.search(r"y c +Copy the story's link", text)
        assert re.search(r"\* +Star / unstar", text)
        assert re.search(r"\ba +Add a feed…", text)
        assert re.search(r"\bD +Disable / enable the feed", text)
        assert "ctrl+p" in text  # everything fits on one screen (two columns)
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("j", "y")
        assert app.clipboard == "https://example.org/harmony"
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"full art")
        await pilot.pause()
        assert "key: ctrl+f" in screen_text(app)
