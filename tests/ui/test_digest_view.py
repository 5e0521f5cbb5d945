"""The digest in the TUI: Today as the landing view, one row per event
across feeds, the switch to the list by feed, why an entry ranks where it
does, reading one copy reads them all, and the metric history of a
figure in the side panel.

The store (``build_digest_store``): Pocket Signal says HarmonyOS has
27 million users, Circuit Daily says 27.1 million an hour later, and
Eastbound Tech said 10 million users in June 2025.
"""

from __future__ import annotations

import threading

from textual.widgets import Static

from tests.ui.builders import USERS_EVENT
from tests.ui.conftest import screen_text, settle
from tui.app.screens.help import HelpScreen
from tui.app.screens.why import WhyScreen
from tui.core.store import StoryQuery

EVENT = USERS_EVENT.format("27 million")
COPY = USERS_EVENT.format("27.1 million") + ", Huawei says"


def titles(app) -> list[str]:
    return [row.title for row in app.screen.stories.rows]


def shown(app, selector: str) -> str:
    """The plain text a Static shows (panes wrap it on screen)."""
    return str(app.screen.query_one(selector, Static).content)


def unread_counts(app) -> dict[str, int]:
    return {section.label: section.unread for section in app.screen.sidebar_snapshot.sections}


async def test_the_reader_lands_on_the_ranked_today_digest(make_app, digest_store):
    app = make_app(*digest_store, section=None)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        view = app.screen.view
        assert (view.section, view.mode) == ("today", "digest")
        # One row per event: the 27M and 27.1M stories are one entry,
        # ranked first (two feeds carry it), and the June story is too
        # old for Today.
        assert titles(app) == [
            EVENT,
            "First 122TB SSD ships to data centres",
            "Smartwatch battery now lasts 14 days",
            "EV maker delivers 410,000 cars in a quarter",
        ]
        text = screen_text(app)
        assert "Today  4 entries  ranked" in text
        assert "2 sources" in text and COPY not in text
        assert "This week" in text
        assert unread_counts(app)["Today"] == 4  # unread entries, not stories


async def test_a_store_without_stories_still_lands_on_the_first_run_advice(make_app, tmp_path):
    from tui.core.config import Config
    from tui.core.store import Store

    store = Store.open(tmp_path / "empty.db")
    app = make_app(store, Config(), section=None)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert app.screen.view.section == "all"
        assert "There are no feeds yet" in screen_text(app)
    store.close()


async def test_v_switches_between_the_digest_and_the_list_by_feed(make_app, digest_store):
    app = make_app(*digest_store, section=None)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("v")
        await settle(pilot)
        assert app.screen.view.mode == "feed"
        # By feed: every story of the last 24 hours, both copies, newest first.
        assert titles(app)[:2] == [COPY, EVENT]
        assert len(titles(app)) == 5
        assert "Today  5 stories  by feed" in screen_text(app)
        await pilot.press("v")
        await settle(pilot)
        assert app.screen.view.mode == "digest"
        assert titles(app)[0] == EVENT and COPY not in titles(app)


async def test_the_view_switch_is_rebindable_and_listed_in_help(make_app, digest_store):
    app = make_app(*digest_store, section=None, keys={"toggle_view": "x", "why": "y"})
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        assert "x Digest/feed" in screen_text(app)  # the footer
        await pilot.press("x")
        await settle(pilot)
        assert app.screen.view.mode == "feed"
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        text = screen_text(app)
        assert "Ranked digest / list by feed" in text
        assert "Why this entry ranks here" in text


async def test_the_digest_of_a_feed_keeps_entries_it_carries(make_app, digest_store):
    app = make_app(*digest_store, section=None)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        feed = next(s for s in app.screen.sidebar_snapshot.sections if s.label == "Circuit Daily")
        app.screen.sidebar.highlighted = app.screen.sidebar.get_option_index(feed.key)
        app.screen.sidebar.focus()
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen.view.mode == "feed"  # a feed opens by feed
        assert titles(app) == [COPY, "First 122TB SSD ships to data centres"]
        await pilot.press("v")
        await settle(pilot)
        # Its digest: the entry it shares with Pocket Signal, under the best title.
        assert titles(app) == [EVENT, "First 122TB SSD ships to data centres"]


async def test_opening_an_entry_shows_its_sources_and_conflicting_figures(make_app, digest_store):
    store, _ = digest_store
    app = make_app(*digest_store, section=None)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        before = unread_counts(app)
        await pilot.press("enter")
        await settle(pilot)
        doc = app.screen.doc
        assert doc.title == EVENT
        text = screen_text(app)
        assert "2 sources" in text
        assert "Pocket Signal · 02 Mar 10:00 (2h) · example.org/ps-27" in text
        assert "Circuit Daily · 02 Mar 11:00 (1h) · example.org/cd-27" in text
        assert "≠ users: 27M (Pocket Signal) vs 27.1M (Circuit Daily)" in text
        # Reading one copy read the other one, in its own feed too.
        copies = store.stories(StoryQuery(search="HarmonyOS passes", limit=None))
        assert len(copies) == 2 and all(story.read for story in copies)
        after = unread_counts(app)
        assert after["Pocket Signal"] == before["Pocket Signal"] - 1
        assert after["Circuit Daily"] == before["Circuit Daily"] - 1
        assert after["Today"] == before["Today"] - 1
        await pilot.press("v")
        await settle(pilot)
        rows = {row.title: row for row in app.screen.stories.rows}
        assert rows[EVENT].read and rows[COPY].read


async def test_reading_a_copy_by_feed_marks_the_other_row_read(make_app, digest_store):
    app = make_app(*digest_store, section="today")
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("v")
        await settle(pilot)
        assert titles(app)[0] == COPY
        await pilot.press("enter")
        await settle(pilot)
        rows = app.screen.stories.rows
        assert rows[0].read and rows[1].title == EVENT and rows[1].read
        # m on a digest row marks the whole entry unread again.
        await pilot.press("v")
        await settle(pilot)
        assert app.screen.stories.current.title == EVENT
        await pilot.press("m")
        await settle(pilot)
        store = app.store
        assert not any(s.read for s in store.stories(StoryQuery(search="HarmonyOS passes")))


async def test_W_explains_why_an_entry_ranks_where_it_does(make_app, digest_store):
    app = make_app(*digest_store, section=None)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("W")
        await settle(pilot)
        assert isinstance(app.screen, WhyScreen)
        text = shown(app, "#why-lines")
        assert text.startswith("#1 of 4: score")
        assert "sources +2.00: 2 feeds carry it: Pocket Signal, Circuit Daily" in text
        assert "recency +" in text and "feed weight ×1.00" in text
        assert "2 feeds carry it" in screen_text(app)  # on screen, not just in the widget
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, WhyScreen)
        # By feed, the story's entry is looked up and ranked in a worker.
        await pilot.press("v")
        await settle(pilot)
        assert app.screen.stories.current.title == EVENT  # the cursor kept its story
        await pilot.press("W")
        await settle(pilot)
        assert isinstance(app.screen, WhyScreen)
        assert shown(app, "#why-lines").startswith("#1 of 4: score")


async def test_the_panel_shows_the_history_of_the_selected_figure(
    make_app, digest_store, monkeypatch
):
    import tui.app.screens.workers as workers

    threads: list[bool] = []
    real = workers.load_metric

    def spy(*args, **kwargs):
        threads.append(threading.current_thread() is threading.main_thread())
        return real(*args, **kwargs)

    monkeypatch.setattr(workers, "load_metric", spy)
    app = make_app(*digest_store, section=None)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        text = shown(app, "#figure-history")
        assert text.startswith("HarmonyOS · users · 27M (2026-03-02)\n")
        assert "▁██  up from 10M in June 2025, +170%" in text
        assert "27.1M 2026-03-02 Circuit Daily" in text
        assert "10M 2025-06-10 Eastbound Tech" in text
        assert "10M 2025-06-10 Eastbound Tech" in screen_text(app)
        assert threads and not any(threads)  # looked up off the event loop
        # ] ] moves to the second figure: the same metric, stated in the body.
        panel = app.screen.figures
        await pilot.press("]", "]")
        await settle(pilot)
        assert panel.history is not None and panel.history.index == 1


async def test_a_figure_with_no_metric_says_so(make_app, ui_store):
    app = make_app(section="all")
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        foundry = next(i for i, t in enumerate(titles(app)) if t.startswith("Foundry"))
        app.screen.stories.move_to(foundry)
        await pilot.press("enter")
        await settle(pilot)
        # The first figure, 2 nm in the title, has no noun: no metric.
        assert shown(app, "#figure-history").startswith("Not a tracked metric")
        assert app.screen.figures.history is None
        await pilot.press("]", "]")  # the yields of 60%: a metric, new
        await settle(pilot)
        text = shown(app, "#figure-history")
        assert text.startswith("Foundry · yields · 60% (2026-03-02)")
        assert "No earlier values from other stories." in text


async def test_markup_in_a_title_is_text_in_the_digest_and_its_explanation(make_app):
    from tests.ui.builders import HOSTILE_TITLE

    app = make_app(section=None)  # the standard store, with a hostile title
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        assert app.screen.view.digest
        position = titles(app).index(HOSTILE_TITLE)
        assert "[@click=app.quit]Click me[/]" in screen_text(app)
        app.screen.stories.move_to(position)
        await pilot.press("W")
        await settle(pilot)
        assert shown(app, "#why-title") == HOSTILE_TITLE
        await pilot.click("#why-title", offset=(3, 0))
        await settle(pilot)
        assert app.is_running
