"""How ``digest`` starts the reader: the store opens in a thread beside
the app's imports, and whatever happens there reaches the user as if it
had happened in the main thread; the sidebar's digest counts follow the
first stories; widgets the first screen does not show are mounted when
first needed."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from textual.widgets import DataTable, Input

from tests.ui.builders import NOW
from tests.ui.conftest import settle
from tui.app.view import load_sidebar
from tui.cli import main
from tui.cli.common import CliError
from tui.cli.tui_cmd import open_while_importing


def test_the_store_opens_in_another_thread_and_comes_back():
    opened_in: list[threading.Thread] = []
    store = object()

    def open_store() -> object:
        opened_in.append(threading.current_thread())
        return store

    assert open_while_importing(open_store) is store  # type: ignore[arg-type]
    assert opened_in and opened_in[0] is not threading.current_thread()


def test_an_error_opening_the_store_is_raised_in_the_caller():
    def open_store() -> object:
        raise CliError("cannot open the store")

    with pytest.raises(CliError, match="cannot open the store"):
        open_while_importing(open_store)  # type: ignore[arg-type]


def test_a_damaged_store_is_reported_and_the_reader_does_not_start(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    config = tmp_path / "feeds.toml"
    config.write_text("[settings]\n", encoding="utf-8")
    db = tmp_path / "digest.db"
    db.write_bytes(b"this is not a database\n" * 512)
    code = main(["--config", str(config), "--db", str(db)])
    assert code != 0
    assert "digest.db" in capsys.readouterr().err


def test_the_first_sidebar_leaves_the_digest_counts_for_later(digest_store):
    store, config = digest_store
    quick = load_sidebar(store, config, NOW, digest_counts=False)
    full = load_sidebar(store, config, NOW)
    assert [s.key for s in quick.sections] == [s.key for s in full.sections]
    assert quick.get("all") == full.get("all")
    assert full.get("today").unread > 0
    assert quick.get("today").unread == 0 and quick.get("week").unread == 0


async def test_today_has_its_count_once_the_first_stories_are_shown(make_app, digest_store):
    app = make_app(*digest_store, section=None)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        assert app.screen.view.section == "today"
        snapshot = app.screen.sidebar.snapshot
        assert snapshot.get("today").unread == load_sidebar(*digest_store, NOW).get("today").unread
        assert snapshot.get("today").unread > 0


async def test_the_first_screen_mounts_no_search_box_and_no_figures_table(make_app):
    app = make_app()
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        assert not app.query("#search") and not app.query("#figures-table")
        await pilot.press("j", "enter")  # a story with figures
        await settle(pilot)
        assert app.query_one("#figures-table", DataTable).row_count > 0
        await pilot.press("slash")
        await settle(pilot)
        assert isinstance(app.focused, Input) and app.focused.id == "search"
        await pilot.press("escape", "slash")  # the same box again
        await settle(pilot)
        assert len(app.query("#search")) == 1 and isinstance(app.focused, Input)
