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


# Run in a fresh interpreter: what the first screen imports, printed once it
# is painted. The store is built there first (the builders import the digest),
# and the modules already loaded then are not counted.
FIRST_SCREEN = """
import sys
from pathlib import Path
from tests.ui.builders import NOW, build_config, build_digest_store, FEEDS
from tui.core.store import Store

path = Path(sys.argv[1])
if sys.argv[2] == "empty":
    store, config = Store.open(path), build_config(FEEDS)
    store.sync_feeds(config.feeds)
else:
    store, config = build_digest_store(path)
store.close()
before = set(sys.modules)
for name in [name for name in sys.modules if name.startswith("tui.core.digest")]:
    before.discard(name)
    del sys.modules[name]

from tui.app.app import DigestApp

class FirstScreen(DigestApp):
    def first_page_shown(self):
        print(" ".join(sorted(set(sys.modules) - before)))
        self.exit()

FirstScreen(Store.open(path), config, now=lambda: NOW).run(headless=True, size=(160, 48))
"""
NEVER_AT_START = ("markdown_it", "pygments", "httpx", "feedparser", "tui.core.refresh")


def first_screen_imports(tmp_path: Path, store: str) -> set[str]:
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, "-c", FIRST_SCREEN, str(tmp_path / "first.db"), store],
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).resolve().parents[2],
    )
    return set(result.stdout.split())


@pytest.mark.parametrize("store", ["empty", "stories"])
def test_the_first_screen_imports_nothing_it_does_not_show(tmp_path: Path, store: str):
    imported = first_screen_imports(tmp_path, store)
    assert "tui.app.screens.main" in imported  # the script saw the app start
    for prefix in NEVER_AT_START:
        assert not any(name.split(".")[0] == prefix or name.startswith(prefix) for name in imported)
    assert "textual.widgets._markdown" not in imported
    assert "textual.widgets._data_table" not in imported
    if store == "empty":  # nothing to rank: the digest is not imported
        assert not any(name.startswith("tui.core.digest") for name in imported)
