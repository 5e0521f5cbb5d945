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
    assert all(feed.total == 6 and feed.state.last_error is None for feed in feeds)
    assert demo.config.tags() == ["china", "mobile", "hardware", "business", "software"]
    stories = demo.store.stories(StoryQuery(limit=None))
    assert len(stories) == 30
    assert sum(1 for story in stories if story.headline is not None) >= 28
    kinds = {figure.kind for story in stories for figure in demo.store.figures(story.id)}
    assert {"count", "percent", "money", "measure", "multiple"} <= kinds


def test_the_harmonyos_milestone_is_told_in_two_feeds(demo):
    found = demo.store.stories(StoryQuery(search="HarmonyOS million", limit=None))
    assert {story.feed_title for story in found} == {"Eastbound Tech", "Pocket Signal"}
    milestone = demo.store.story(next(s.id for s in found if s.feed_title == "Eastbound Tech"))
    values = {(figure.value, figure.noun) for figure in milestone.figures}
    assert (27e6, "users") in values
    assert any(value == 10e6 and noun and "developers" in noun for value, noun in values)


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


async def test_the_app_opens_the_demo(demo):
    app = DigestApp(demo.store, demo.config, demo=True, now=lambda: NOW, opener=lambda *a: None)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        text = screen_text(app)
        assert "HarmonyOS passes 27 million devices" in text
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
