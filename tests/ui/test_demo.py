"""``digest --demo``: the bundled feeds, fetched by the real refresh
engine into a temporary store that is gone afterwards."""

from __future__ import annotations

from datetime import datetime

import pytest

from tests.ui.builders import NOW
from tests.ui.conftest import screen_text, settle
from tui.app.app import DigestApp
from tui.core.paths import default_db_path
from tui.core.store import StoryQuery
from tui.demo import open_demo, shift_dates


@pytest.fixture(scope="module")
def demo():
    with open_demo(now=NOW) as built:
        yield built


def test_the_demo_has_feeds_tags_and_stories_rich_in_figures(demo):
    feeds = demo.store.feeds()
    assert [feed.display_title for feed in feeds] == [
        "Eastbound Tech",
        "Pocket Signal",
        "Circuit Daily",
        "Ledger Lines",
        "Open Stack Weekly",
    ]
    assert [feed.total for feed in feeds] == [8, 6, 6, 7, 6]
    assert all(feed.state.last_error is None for feed in feeds)
    assert demo.config.tags() == ["china", "mobile", "hardware", "business", "software"]
    stories = demo.store.stories(StoryQuery(limit=None))
    assert len(stories) == 33
    assert sum(1 for story in stories if story.headline is not None) >= 31
    kinds = {figure.kind for story in stories for figure in demo.store.figures(story.id)}
    assert {"count", "percent", "money", "measure", "multiple"} <= kinds


def test_the_harmonyos_milestone_is_one_entry_from_three_feeds_that_disagree(demo):
    from tui.core.digest import today

    top = today(demo.store, NOW, figures=True)[0]
    assert top.title == "HarmonyOS reaches 27 million users and 10 million developers"
    assert top.feeds == ["Eastbound Tech", "Ledger Lines", "Pocket Signal"]
    assert [group.line() for group in top.conflicts] == [
        "users: 27M (Eastbound Tech, Ledger Lines) vs 27.1M (Pocket Signal)"
    ]
    milestone = demo.store.story(top.sources[0].story_id)
    values = {(figure.value, figure.noun) for figure in milestone.figures}
    assert (27e6, "users") in values
    assert any(value == 10e6 and noun and "developers" in noun for value, noun in values)


def test_earlier_demo_stories_give_the_users_metric_a_history(demo):
    from tui.core.digest import metric_history, today

    top = today(demo.store, NOW)[0]
    story_id = top.sources[0].story_id
    users = next(f for f in demo.store.figures(story_id) if f.noun == "users")
    history = metric_history(demo.store, story_id, users)
    assert history.label == "HarmonyOS · users · 27M (2026-03-02)"
    assert history.change == "up from 18M in December 2025, +50%"
    earlier = [(o.text, o.observed.date().isoformat()) for o in history.earlier]
    assert earlier[:2] == [("10M", "2025-06-10"), ("18M", "2025-12-01")]


def test_the_newest_story_is_from_now_so_today_is_never_empty(demo):
    newest = demo.store.stories(StoryQuery(limit=1))[0]
    assert newest.published == NOW
    midnight = NOW.replace(hour=0, minute=0)
    assert demo.store.count_stories(StoryQuery(since=midnight)) >= 1


def test_the_demo_never_touches_the_users_store(demo):
    assert demo.store.path != default_db_path()
    assert not default_db_path().exists()
    assert demo.config.path.parent == demo.directory


def test_the_demo_directory_is_removed_afterwards():
    with open_demo(now=NOW) as built:
        directory = built.directory
        assert (directory / "demo.db").exists()
    assert not directory.exists()


def test_dates_move_in_rss_and_atom():
    from datetime import timedelta

    text = (
        "<pubDate>Mon, 02 Mar 2026 09:00:00 +0000</pubDate>"
        "<updated>2026-03-02T08:55:00Z</updated><published>2026-03-02T08:55:00Z</published>"
    )
    moved = shift_dates(text, timedelta(days=1, hours=1))
    assert "Tue, 03 Mar 2026 10:00:00 GMT" in moved
    assert moved.count("2026-03-03T09:55:00Z") == 2


async def test_the_app_opens_the_demo_on_today(demo, tmp_path):
    app = DigestApp(
        demo.store,
        demo.config,
        demo=True,
        now=lambda: NOW,
        opener=lambda *a: None,
        state_path=tmp_path / "state.json",
    )
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        text = screen_text(app)
        assert app.screen.view.section == "today" and app.screen.view.digest
        assert app.screen.stories.rows[0].title.startswith("HarmonyOS reaches 27 million users")
        assert "3 sources" in text
        assert "Eastbound Tech" in text
        await pilot.press("slash", *"developers", "enter")
        await settle(pilot)
        assert any("10 million developers" in row.title for row in app.screen.stories.rows)
        target = next(
            i
            for i, row in enumerate(app.screen.stories.rows)
            if "10 million developers" in row.title
        )
        app.screen.stories.move_to(target)
        await pilot.press("enter")
        await settle(pilot)
        values = [figure.value for figure in app.screen.doc.figures]
        assert "27M" in values and "10M" in values
        assert isinstance(app.screen.doc.published, datetime)
