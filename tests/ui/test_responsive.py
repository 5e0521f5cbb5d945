"""What keeps the screen responsive while the store is written and
counted: an opened story is saved read once it is on screen, sidebar
counts asked for in a burst run one after another, not all at once, and
each count reads indexes, not every story."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

from textual.pilot import Pilot
from textual.worker import Worker

from tests.ui.builders import NOW
from tests.ui.conftest import screen_text, settle
from tui.app.app import DigestApp
from tui.app.screens.main import MainScreen
from tui.app.view import load_sidebar
from tui.core.store import Store, StoryQuery


def unread(store: Store) -> int:
    return store.count_stories(StoryQuery(unread_only=True, limit=None))


@asynccontextmanager
async def started(
    make_app: Callable[..., DigestApp],
) -> AsyncIterator[tuple[Pilot, MainScreen]]:
    """The reader at 160x48, settled, on an unread first story."""
    app = make_app()
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, MainScreen) and not screen.stories.current.read
        yield pilot, screen


async def test_an_opened_story_is_saved_read_after_it_is_shown(make_app, ui_store):
    store, _ = ui_store
    async with started(make_app) as (pilot, screen):
        row = screen.stories.current
        written_when_shown = []
        show = screen.reader.show

        async def shown(doc, now) -> None:
            await show(doc, now)
            written_when_shown.append(store.story(doc.id).read)

        screen.reader.show = shown
        await pilot.press("enter")
        await settle(pilot)
        assert written_when_shown == [False]  # not yet: the write follows the paint
        assert store.story(row.id).read
        assert screen.sidebar.snapshot.get("all").unread == unread(store)


async def test_a_story_replaced_before_it_was_shown_is_still_saved_read(make_app, ui_store):
    store, _ = ui_store
    async with started(make_app) as (pilot, screen):
        row = screen.stories.current
        stale = screen._next("story")
        screen._next("story")  # another story was opened since
        screen._story_worker(row.id, stale)
        await settle(pilot)
        assert store.story(row.id).read
        assert screen.doc is None  # the stale answer was not shown


async def test_sidebar_counts_asked_for_in_a_burst_run_one_after_another(make_app, ui_store):
    store, _ = ui_store
    async with started(make_app) as (pilot, screen):
        runs = []
        worker = screen._sidebar_worker

        def counted(seq: int, digest_counts: bool = True) -> Worker[None]:
            runs.append(seq)
            return worker(seq, digest_counts)

        screen._sidebar_worker = counted
        store.set_read([screen.stories.current.id], True)
        for _ in range(5):
            screen.load_sidebar()
        await settle(pilot)
        assert len(runs) == 2  # the one running, then one for the other four
        assert screen.sidebar.snapshot.get("all").unread == unread(store)


def test_the_sidebar_counts_read_no_table_of_stories_whole(ui_store):
    """Each read and each refreshed feed recounts the sidebar: its counts
    come from indexes (store schema version 8), never a scan of every
    story."""
    store, config = ui_store
    statements: list[str] = []
    connection = store.db.connection
    connection.set_trace_callback(statements.append)
    try:
        load_sidebar(store, config, NOW, digest_counts=False)
    finally:
        connection.set_trace_callback(None)
    selects = [sql for sql in statements if sql.lstrip().upper().startswith("SELECT")]
    assert selects
    for sql in selects:
        plan = [row[3] for row in connection.execute("EXPLAIN QUERY PLAN " + sql)]
        assert "SCAN s" not in plan, (sql, plan)  # "SCAN s USING INDEX …" reads an index


async def test_the_read_mark_goes_with_the_opened_story(make_app):
    """The row's read mark is not drawn on its own frame (that held the
    story's frame back a tick of the screen timer) but it is drawn."""

    def row_line(app: DigestApp, title: str) -> str:
        return next(line for line in screen_text(app).splitlines() if title[:30] in line)

    async with started(make_app) as (pilot, screen):
        title = screen.stories.current.title
        assert "●" in row_line(pilot.app, title)
        await pilot.press("enter")
        await settle(pilot)
        assert screen.doc is not None and screen.doc.title == title
        assert "●" not in row_line(pilot.app, title)
