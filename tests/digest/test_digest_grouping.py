"""Same story, many feeds: which stories become one digest entry.

Each test files stories the way a refresh does (figures extracted, then the
digest hook) in a real SQLite store, then asks which entry each joined.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.digest.helpers import Desk, missing_postings, recounted_frequencies, rss
from tests.refresh.helpers import config_text
from tests.support.server import FeedServer, Route
from tui.cli import main
from tui.core import digest
from tui.core.digest import grouping, storage
from tui.core.digest.grouping import INDEX_DAYS
from tui.core.models import Story
from tui.core.refresh_worker import attach_figures
from tui.core.store import Store
from tui.core.store.db import Database

FEEDS = {"Reuters": 1.0, "Yahoo": 1.0, "Ars": 1.0, "Verge": 1.0, "Wire": 1.0}

SKYE = (
    "Ferry operator cancels all winter sailings to Skye",
    "The ferry operator CalMac has cancelled all winter sailings to Skye after two vessels "
    "failed inspections.",
)


@pytest.fixture
def desk(store: Store) -> Desk:
    return Desk(store, FEEDS)


def together(desk: Desk, *story_ids: int) -> bool:
    entries = {desk.entry(story_id) for story_id in story_ids}
    assert None not in entries, "every story is grouped once stored"
    return len(entries) == 1


# ---------------------------------------------------------------- same link


def test_the_same_link_with_different_tracking_parameters_is_one_entry(desk: Desk) -> None:
    # Titles share no word: only the link can bring them together.
    first = desk.file(
        "Ars",
        "Morning briefing",
        "Good morning.",
        link="https://news.example/a/ferry-strike?utm_source=rss&utm_medium=feed",
    )
    second = desk.file(
        "Verge",
        "Tuesday's top story",
        "Read on.",
        link="http://www.news.example/a/ferry-strike?fbclid=IwAR0xyz#comments",
    )
    assert together(desk, first, second)


def test_a_story_whose_permalink_guid_cannot_be_canonicalised_is_grouped(
    desk: Desk, store: Store
) -> None:
    # urlsplit takes this guid but not its canonical form: grouping (and
    # every later attempt to group the batch) raised ValueError.
    story = Story(
        uid="hostile",
        guid="http://e.example[::1]@http",
        title="Ferry operator cancels winter sailings",
        published=desk.now,
        link="https://news.example/ferry",
        first_seen=desk.now,
    )
    (story_id,) = store.upsert_stories(desk.feeds["Ars"], [story]).new
    digest.on_stories_stored(store, [story_id], desk.now)
    assert desk.entry(story_id) is not None


def test_links_that_differ_in_a_real_query_parameter_stay_apart(desk: Desk) -> None:
    first = desk.file(
        "Ars", "Morning briefing", "Good morning.", link="https://news.example/a?id=1"
    )
    second = desk.file(
        "Verge", "Tuesday's top story", "Read on.", link="https://news.example/a?id=2"
    )
    assert not together(desk, first, second)


# ----------------------------------------------------------- similar text


def test_a_syndicated_copy_with_a_rewritten_title_joins_the_original(desk: Desk) -> None:
    original = desk.file(
        "Reuters",
        "Nvidia agrees to buy British chip designer Graphcore for $600 million",
        "Nvidia has agreed to acquire British chip designer Graphcore in a deal valued at "
        "about $600 million, people familiar with the matter said on Tuesday.",
        hours_ago=5,
    )
    copy = desk.file(
        "Yahoo",
        "Nvidia to snap up UK chip firm Graphcore in $600M deal",
        "Nvidia has agreed to acquire the British chip designer Graphcore in a deal valued at "
        "about $600 million, people familiar with the matter said Tuesday.",
        hours_ago=3,
    )
    assert together(desk, original, copy)
    (entry,) = digest.today(desk.store, desk.now, figures=True)
    assert entry.feeds == ["Reuters", "Yahoo"] and sorted(entry.story_ids) == [original, copy]


def test_the_same_company_in_a_different_event_stays_apart(desk: Desk) -> None:
    recall = desk.file(
        "Ars",
        "Apple recalls MacBook Pro batteries over fire risk",
        "Apple is recalling batteries in some 15-inch MacBook Pro laptops sold between 2015 "
        "and 2017 because they may overheat.",
    )
    store_opening = desk.file(
        "Verge",
        "Apple opens its first retail store in Malaysia",
        "Apple opened its first retail store in Malaysia on Saturday at the Exchange TRX mall "
        "in Kuala Lumpur.",
    )
    two_recalls = desk.file(
        "Wire",
        "Apple recalls 120,000 iPad chargers over shock risk",
        "Apple is recalling about 120,000 iPad chargers sold in Europe because they may give "
        "an electric shock.",
    )
    assert not together(desk, recall, store_opening)
    assert not together(desk, recall, two_recalls)


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("Samsung Galaxy S24", "Samsung Galaxy S25"),
        ("iPhone 15 Pro", "iPhone 16 Pro"),
    ],
)
def test_the_same_template_title_about_another_product_stays_apart(
    desk: Desk, one: str, other: str
) -> None:
    lede = "The {} is the smallest flagship this year, with a 6.2-inch screen and a $799 price."
    first = desk.file("Wire", f"{one} review: a refined flagship", lede.format(one))
    second = desk.file("Ars", f"{other} review: a refined flagship", lede.format(other))
    assert not together(desk, first, second)


def test_the_same_template_title_about_another_company_stays_apart(desk: Desk) -> None:
    netflix = desk.file(
        "Ars",
        "Netflix raises prices in the US",
        "Netflix is raising the price of its standard plan by $2 a month.",
    )
    spotify = desk.file(
        "Verge",
        "Spotify raises prices in the US",
        "Spotify is raising the price of its premium plan by $1 a month.",
    )
    assert not together(desk, netflix, spotify)


# ------------------------------------------------------------------ window


def test_the_same_story_ten_days_apart_is_two_entries(desk: Desk) -> None:
    old = desk.file("Ars", *SKYE, hours_ago=240, link="https://news.example/skye")
    new = desk.file("Verge", *SKYE, hours_ago=1, link="https://news.example/skye")
    assert not together(desk, old, new)


def test_the_same_story_a_day_apart_is_one_entry(desk: Desk) -> None:
    old = desk.file("Ars", *SKYE, hours_ago=25)
    new = desk.file("Verge", *SKYE, hours_ago=1)
    assert together(desk, old, new)


@pytest.mark.parametrize(("window_hours", "grouped"), [(12, False), (72, True)])
def test_the_window_is_the_group_window_hours_setting(
    desk: Desk, window_hours: int, grouped: bool
) -> None:
    old = desk.file("Ars", *SKYE, hours_ago=21, window_hours=window_hours)
    new = desk.file("Verge", *SKYE, hours_ago=1, window_hours=window_hours)
    assert together(desk, old, new) is grouped


# ------------------------------------------------------------- incremental


def test_a_new_story_joins_an_existing_entry_without_regrouping_it(desk: Desk) -> None:
    first = desk.file("Ars", *SKYE, hours_ago=6)
    second = desk.file("Verge", *SKYE, hours_ago=5)
    entry = desk.entry(first)
    third = desk.file("Wire", *SKYE, hours_ago=1)
    assert desk.entry(first) == desk.entry(second) == desk.entry(third) == entry


def test_one_batch_meets_stored_stories_and_its_own_by_link_and_by_words(desk: Desk) -> None:
    # A refresh groups a thousand stories in one call, holding the batch's
    # links, rows and entry members in memory until it writes them: they
    # must meet as if each had been stored and grouped on its own.
    original = desk.file("Reuters", *SKYE, hours_ago=6)
    copy = desk.file("Yahoo", *SKYE, hours_ago=5, group=False)
    follow_up = desk.file("Reuters", *SKYE, hours_ago=4, group=False)  # same feed: no match
    linked = desk.file(
        "Ars",
        "Morning briefing",
        "Good morning.",
        link="https://news.example/a/1?utm_source=rss",
        group=False,
    )
    relinked = desk.file(
        "Verge",
        "Tuesday's top story",
        "Read on.",
        link="https://www.news.example/a/1",
        group=False,
    )
    late = desk.file("Wire", *SKYE, hours_ago=1, group=False)
    batch = [copy, follow_up, linked, relinked, late]
    digest.on_stories_stored(desk.store, batch, desk.now)
    assert together(desk, original, copy, late)
    assert not together(desk, original, follow_up)
    assert together(desk, linked, relinked) and not together(desk, linked, original)
    with desk.store.db.reading() as conn:
        rows = storage.grouped_rows(conn, batch)
    assert sorted(rows) == sorted(batch)  # every batch row written, once


def test_a_new_story_is_compared_only_with_stories_inside_its_window(
    desk: Desk, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A month of look-alikes, every other day: the new story must be looked
    # up among the few of the last three days, not among all of them.
    month = [
        desk.file("Ars", f"Ferry timetable update {day}", SKYE[1], hours_ago=24 * day)
        for day in range(2, 31, 2)
    ]
    asked: list[tuple[float, float, list[int]]] = []
    real = storage.candidates

    def spy(conn, weights, low, high, floor, limit):
        found = real(conn, weights, low, high, floor, limit)
        asked.append((low, high, [row["story_id"] for row in found]))
        return found

    monkeypatch.setattr(storage, "candidates", spy)
    desk.file("Verge", *SKYE, hours_ago=0, window_hours=72)
    published = desk.now.timestamp()
    assert asked, "the new story was looked up in the term index"
    for low, high, found in asked:
        assert (low, high) == (published - 72 * 3600, published + 72 * 3600)
        assert set(found) <= {month[0]}  # two days old: the only one inside the window


def test_stories_stored_without_the_hook_are_grouped_when_the_digest_is_shown(
    desk: Desk,
) -> None:
    first = desk.file("Ars", *SKYE, hours_ago=3, group=False)
    second = desk.file("Verge", *SKYE, hours_ago=2, group=False)
    assert desk.entry(first) is None and desk.entry(second) is None
    (entry,) = digest.today(desk.store, desk.now)
    assert sorted(entry.story_ids) == [first, second]


def test_stories_older_than_every_view_wait_to_be_grouped_but_keep_their_metrics(
    desk: Desk,
) -> None:
    old_lede = "Huawei said HarmonyOS now has 10 million users."
    old = desk.file(
        "Ars", "HarmonyOS passes 10 million users", old_lede, hours_ago=24 * 40, group=False
    )
    recent = desk.file("Verge", *SKYE, hours_ago=2, group=False)
    since = desk.now - timedelta(hours=digest.GROUPED_AT_REFRESH_HOURS + 72)
    digest.on_stories_stored(desk.store, [old, recent], desk.now, since=since)
    assert desk.entry(recent) is not None
    assert desk.entry(old) is None  # no view shows it: not grouped yet...
    with desk.store.db.reading() as conn:
        observed = conn.execute(
            "SELECT count(*) FROM metric_observations WHERE story_id = ?", (old,)
        ).fetchone()[0]
    assert observed == 1  # ...but it is metric history already
    assert digest.ensure_grouped(desk.store, desk.now) == 1  # `digest metrics` catches it up
    assert desk.entry(old) is not None


# ---------------------------------------------------------------- reading


def test_reading_one_copy_marks_the_whole_entry_read_everywhere(desk: Desk) -> None:
    copies = [
        desk.file(feed, *SKYE, hours_ago=hours)
        for feed, hours in (("Ars", 3), ("Verge", 2), ("Wire", 1))
    ]
    other = desk.file("Reuters", "Budget passes parliament", "MPs approved the budget.")
    assert sorted(digest.mark_entry_read(desk.store, copies[1])) == sorted(copies)
    assert [desk.store.story(s).read for s in copies] == [True, True, True]
    assert desk.store.story(other).read is False
    unread = digest.today(desk.store, desk.now, unread_only=True)
    assert [entry.story_ids for entry in unread] == [[other]]
    digest.mark_entry_read(desk.store, copies[0], read=False)
    assert [desk.store.story(s).read for s in copies] == [False, False, False]


# ----------------------------------------------------- through a real refresh


def test_a_refresh_over_http_groups_each_feeds_stories_as_it_stores_them(
    feed_server: FeedServer, write_config, tmp_path, capsys
) -> None:
    now = datetime.now(UTC).replace(microsecond=0)
    ago = lambda hours: now - timedelta(hours=hours)  # noqa: E731
    reuters = feed_server.route(
        "/reuters.xml",
        Route(
            body=rss(
                "Reuters",
                [
                    {
                        "title": "Nvidia agrees to buy British chip designer Graphcore for $600 million",
                        "link": "https://reuters.example/tech/nvidia-graphcore",
                        "lede": "Nvidia has agreed to acquire British chip designer Graphcore in a "
                        "deal valued at about $600 million, people familiar with the matter said.",
                        "published": ago(5),
                    },
                    {
                        "title": "Ferry operator cancels all winter sailings to Skye",
                        "link": "https://news.example/skye?utm_source=reuters&utm_medium=rss",
                        "lede": "Crews were told on Monday.",
                        "published": ago(4),
                    },
                ],
            )
        ),
    )
    yahoo = feed_server.route(
        "/yahoo.xml",
        Route(
            body=rss(
                "Yahoo",
                [
                    {
                        "title": "Nvidia to snap up UK chip firm Graphcore in $600M deal",
                        "link": "https://yahoo.example/news/nvidia-snap-up-graphcore-0912",
                        "lede": "Nvidia has agreed to acquire the British chip designer Graphcore "
                        "in a deal valued at about $600 million, people familiar with the matter said.",
                        "published": ago(3),
                    },
                    {
                        "title": "Island services hit",
                        "link": "https://www.news.example/skye?fbclid=abc",
                        "lede": "Read more.",
                        "published": ago(2),
                    },
                    {
                        "title": "Samsung Galaxy S25 review: a refined flagship",
                        "link": "https://yahoo.example/galaxy-s25",
                        "lede": "The Galaxy S25 has a 6.2-inch screen.",
                        "published": ago(1),
                    },
                ],
            )
        ),
    )
    config = write_config(config_text(reuters, yahoo))
    db = tmp_path / "refresh.db"
    assert main(["--config", str(config), "--db", str(db), "refresh"]) == 0
    capsys.readouterr()
    with Store.open(db) as store:
        stories = {story.title: story.id for story in store.stories()}
        with store.db.reading() as conn:
            # Grouped by the refresh hook itself, before anything asked for the digest.
            entry = {title: storage.entry_of(conn, story_id) for title, story_id in stories.items()}
    assert None not in entry.values()
    assert (
        entry["Nvidia to snap up UK chip firm Graphcore in $600M deal"]
        == entry["Nvidia agrees to buy British chip designer Graphcore for $600 million"]
    )
    assert (
        entry["Island services hit"] == entry["Ferry operator cancels all winter sailings to Skye"]
    )
    assert len(set(entry.values())) == 3

    assert main(["--config", str(config), "--db", str(db), "digest", "--format", "json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    sizes = sorted(len(item["sources"]) for item in shown["entries"])
    assert sizes == [1, 2, 2]


# ---------------------------------------------------------------- index upkeep


def test_index_terms_of_stories_past_the_index_window_are_pruned_once_a_day(
    desk: Desk, monkeypatch: pytest.MonkeyPatch
) -> None:
    def postings(story_id: int) -> int:
        with desk.store.db.reading() as conn:
            return conn.execute(
                "SELECT count(*) FROM digest_terms WHERE story_id = ?", (story_id,)
            ).fetchone()[0]

    # An old item of a newly added feed is indexed when it arrives, so the
    # stories of one refresh can meet; the next day's prune drops it.
    old = desk.file("Reuters", *SKYE, hours_ago=24 * (INDEX_DAYS + 5))
    recent = desk.file("Ars", "Council approves new bridge over the Clyde", "Govan and Partick.")
    assert postings(old) and postings(recent)
    reads: list[str] = []
    meta = storage.meta
    monkeypatch.setattr(
        storage, "meta", lambda conn, key: (reads.append(key), meta(conn, key))[1]
    )
    later = desk.file("Verge", "Bridge over the Clyde approved", "Govan.", hours_ago=0.5)
    assert "pruned_at" not in reads  # this process pruned today: no need to ask the store
    assert postings(old)
    tomorrow = desk.now + timedelta(days=1, hours=1)
    digest.on_stories_stored(desk.store, [later], tomorrow)
    assert postings(old) == 0 and postings(recent) and postings(later)
    with desk.store.db.reading() as conn:
        assert storage.all_frequencies(conn) == recounted_frequencies(conn)
        assert not missing_postings(conn)


def _posted(desk: Desk, term: str) -> set[int]:
    """The stories with a posting for *term*."""
    with desk.store.db.reading() as conn:
        return {
            story_id
            for (story_id,) in conn.execute(
                "SELECT story_id FROM digest_terms WHERE term = ?", (term,)
            )
        }


def test_a_word_most_stories_carry_gets_no_postings_until_few_carry_it_again(
    desk: Desk, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(grouping, "INDEXED_DF", 2)
    old_days = 24 * (INDEX_DAYS + 5)
    old = [
        desk.file(feed, "Govan shipyard wins a navy order", hours_ago=old_days + n)
        for n, feed in enumerate(("Reuters", "Yahoo"))
    ]
    recent = [
        desk.file(feed, "Govan shipyard hires apprentices", hours_ago=1 + n)
        for n, feed in enumerate(("Ars", "Verge"))
    ]
    with desk.store.db.reading() as conn:
        assert storage.all_frequencies(conn)["govan"] == 4  # every carrier counts...
    assert _posted(desk, "govan") == set(old)  # ...but the third and fourth got no posting
    # The next day's prune passes the old stories' time: two carriers are
    # left, and the word, back under the limit, is posted for both.
    digest.on_stories_stored(desk.store, recent[:1], desk.now + timedelta(days=1, hours=1))
    assert _posted(desk, "govan") == set(recent)
    with desk.store.db.reading() as conn:
        assert storage.all_frequencies(conn)["govan"] == 2
        assert storage.all_frequencies(conn) == recounted_frequencies(conn)
        assert not missing_postings(conn)


def _rewrite_into_the_bridge_story(desk: Desk, moved: int, uid: str) -> None:
    """Ars rewrites its item *uid* (stored as *moved*, same link) into a
    report of the Clyde bridge; the refresh stores it and regroups it."""
    rewritten = Story(
        uid=uid,
        title="Council approves new bridge over the Clyde",
        published=desk.now - timedelta(hours=1),
        link="https://ars.example/item-7",
        summary="Govan and Partick.",
    )
    attach_figures([rewritten])
    assert desk.store.upsert_stories(desk.feeds["Ars"], [rewritten]).updated == [moved]
    digest.on_stories_stored(desk.store, [moved], desk.now)


def test_a_regrouped_story_lowers_the_counts_of_its_unposted_words(
    desk: Desk, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(grouping, "INDEXED_DF", 1)
    desk.file("Reuters", *SKYE)
    moved = desk.file("Ars", *SKYE, link="https://ars.example/item-7")
    assert not _posted(desk, "skye") & {moved}
    _rewrite_into_the_bridge_story(desk, moved, "story-2")
    with desk.store.db.reading() as conn:
        assert storage.all_frequencies(conn)["skye"] == 1
        assert storage.all_frequencies(conn) == recounted_frequencies(conn)


def test_a_store_from_before_unposted_words_counts_exactly_its_posted_stories(
    tmp_path: Path,
) -> None:
    path = tmp_path / "v9.db"
    old = Database.open(path, target_version=9)
    with old.transaction() as conn:
        conn.execute("INSERT INTO feeds (url) VALUES ('https://old.example/feed')")
        for n in (1, 2):
            conn.execute(
                "INSERT INTO stories (id, feed_id, uid, title, published, first_seen, content, "
                "content_hash) VALUES (?, 1, ?, 'Ferry to Skye', 1.7e9, 1.7e9, '', 'h')",
                (n, f"u{n}"),
            )
            conn.execute(
                "INSERT INTO digest_stories (story_id, entry_id, feed_id, published, title_terms) "
                "VALUES (?, ?, 1, 1.7e9, 'ferri skye')",
                (n, n),
            )
        # Story 2's postings went at a prune: it no longer counts.
        conn.executemany(
            "INSERT INTO digest_terms (term, published, story_id) VALUES (?, 1.7e9, 1)",
            [("ferri",), ("skye",)],
        )
        conn.executemany("INSERT INTO digest_df (term, n) VALUES (?, 1)", [("ferri",), ("skye",)])
    old.close()
    with Store.open(path) as store, store.db.reading() as conn:
        assert dict(conn.execute("SELECT story_id, counted FROM digest_stories")) == {1: 1, 2: 0}
        assert storage.all_frequencies(conn) == recounted_frequencies(conn)


def test_a_story_whose_words_change_leaves_its_entry_for_the_right_one(desk: Desk) -> None:
    ferry = desk.file("Reuters", *SKYE)
    bridge = desk.file("Reuters", "Council approves new bridge over the Clyde", "Govan and Partick.")
    # Ars first files a copy of the ferry story, then rewrites it (same
    # item, same link) into a report of the bridge.
    moved = desk.file("Ars", *SKYE, link="https://ars.example/item-7")
    assert desk.entry(moved) == desk.entry(ferry)
    _rewrite_into_the_bridge_story(desk, moved, "story-3")
    assert desk.entry(moved) == desk.entry(bridge) != desk.entry(ferry)
    with desk.store.db.reading() as conn:
        terms = {
            term
            for (term,) in conn.execute(
                "SELECT term FROM digest_terms WHERE story_id = ?", (moved,)
            ).fetchall()
        }
        assert storage.all_frequencies(conn) == recounted_frequencies(conn)
        assert not missing_postings(conn)
    assert terms and not terms & {"ferri", "ferry", "skye"}  # its old words are no longer indexed
