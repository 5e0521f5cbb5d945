"""Metric history: a figure with a subject and a noun is an observation of
a tracked metric; matching tolerates plural/singular, case and the
synonyms listed in data/nouns.toml; observations outlive their stories."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from tests.digest.helpers import NOW, Desk
from tui.cli import main
from tui.core import digest
from tui.core.digest.metrics import identify, sparkline
from tui.core.models import Figure
from tui.core.retention import prune
from tui.core.store import Store

JUNE_2024 = datetime(2024, 6, 14, 12, tzinfo=UTC)


def hours_before_now(moment: datetime) -> float:
    return (NOW - moment).total_seconds() / 3600


def figure(noun: str, per: str | None = None, value: float = 1e6) -> Figure:
    sentence = f"HarmonyOS has 27 million {noun} this year."
    return Figure("27 million", 14, 24, value, "count", None, noun, per, sentence)


# ---------------------------------------------------------------- identity


@pytest.mark.parametrize(
    ("one", "other"),
    [
        (("users", None), ("user", None)),  # plural and singular
        (("users", None), ("Users", None)),  # case
        (("monthly active users", None), ("MAU", None)),  # a listed synonym
        (("active users", "month"), ("MAU", None)),  # "... active users a month"
        (("employees", None), ("staff", None)),
    ],
)
def test_nouns_that_mean_the_same_are_one_metric(one, other) -> None:
    first, second = identify(figure(*one), "t"), identify(figure(*other), "t")
    assert first is not None and second is not None
    assert first.key == second.key


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("users", "customers"),  # not listed as synonyms: different metrics
        ("monthly active users", "daily active users"),
        ("users", "subscribers"),
    ],
)
def test_different_nouns_are_different_metrics(one: str, other: str) -> None:
    assert identify(figure(one), "t").key != identify(figure(other), "t").key


def test_an_acronym_noun_at_the_end_of_a_sentence_is_not_its_own_subject() -> None:
    sentence = "Threads now has 200 million MAU."
    found = Figure("200 million", 16, 27, 2e8, "count", None, "MAU", None, sentence)
    assert identify(found, "Threads grows").subject == "Threads"


def test_the_plural_of_an_acronym_is_the_same_metric() -> None:
    assert identify(figure("MAUs"), "t").key == identify(figure("MAU"), "t").key


def test_a_figure_without_a_noun_or_subject_is_no_metric() -> None:
    assert identify(figure(""), "t") is None
    bare = Figure(
        "27 million", 6, 16, 27e6, "count", None, "users", None, "It has 27 million users."
    )
    assert identify(bare, "a quiet week") is None


# ----------------------------------------------------------------- history


@pytest.fixture
def desk(store: Store) -> Desk:
    return Desk(store, {"Ars": 1.0, "Verge": 1.0, "Wire": 1.0})


def users_figure(desk: Desk, story_id: int) -> Figure:
    (found,) = [f for f in desk.store.figures(story_id) if f.noun == "users"]
    return found


def june_then_now(desk: Desk) -> tuple[int, int]:
    """HarmonyOS at 10M users in June 2024 (read) and at 27M now: the ids."""
    earlier = desk.file(
        "Ars",
        "HarmonyOS grows",
        "HarmonyOS now has 10 million users.",
        hours_ago=hours_before_now(JUNE_2024),
        read=True,
    )
    later = desk.file(
        "Verge",
        "HarmonyOS passes a milestone",
        "HarmonyOS has crossed 27 million users.",
        hours_ago=0,
    )
    return earlier, later


def test_the_side_panel_history_shows_earlier_values_and_the_change(desk: Desk) -> None:
    earlier, later = june_then_now(desk)
    history = digest.metric_history(desk.store, later, users_figure(desk, later))
    assert history is not None
    assert history.label == "HarmonyOS · users · 27M (2026-11-23)"
    assert [(o.text, o.story_id, o.feed) for o in history.earlier] == [("10M", earlier, "Ars")]
    assert history.change == "up from 10M in June 2024, +170%"
    assert history.spark == "▁█"
    assert [o.text for o in history.series] == ["10M", "27M"]


def test_a_fall_is_a_change_too(desk: Desk) -> None:
    desk.file("Ars", "Spotify", "Spotify now has 600 million users.", hours_ago=24 * 20)
    later = desk.file("Verge", "Spotify", "Spotify now has 540 million users.", hours_ago=0)
    history = digest.metric_history(desk.store, later, users_figure(desk, later))
    assert history.change == "down from 600M on 3 November 2026, -10%"


def test_another_feed_reporting_the_same_event_is_not_a_change(desk: Desk) -> None:
    desk.file("Ars", "Spotify", "Spotify now has 500 million users.", hours_ago=24 * 20)
    desk.file("Ars", "Spotify", "Spotify now has 600 million users.", hours_ago=3)
    copy = desk.file("Verge", "Spotify", "Spotify now has 610 million users.", hours_ago=2)
    history = digest.metric_history(desk.store, copy, users_figure(desk, copy))
    # 600M is the same event in another feed: the change is from 500M.
    assert history.change == "up from 500M on 3 November 2026, +22%"
    assert [o.text for o in history.earlier] == ["500M", "600M"]


def test_synonyms_and_case_meet_in_one_series_and_customers_stay_apart(desk: Desk) -> None:
    desk.file(
        "Ars", "Threads grows", "Threads now has 150 million monthly active users.", hours_ago=72
    )
    desk.file(
        "Verge", "Threads grows", "Threads reached 200 million MAU in the quarter.", hours_ago=2
    )
    desk.file("Ars", "Spotify results", "Spotify has 600 million users.", hours_ago=30)
    desk.file("Verge", "Spotify results", "Spotify now counts 640 million Users.", hours_ago=3)
    desk.file("Wire", "Spotify results", "Spotify has 250 million customers.", hours_ago=1)
    series = {s.label: [o.text for o in s.observations] for s in digest.metric_series(desk.store)}
    assert series == {
        "Threads · monthly active users": ["150M", "200M"],
        "Spotify · users": ["600M", "640M"],
        "Spotify · customers": ["250M"],
    }
    only = digest.metric_series(desk.store, "SPOTIFY")
    assert [s.label for s in only] == ["Spotify · users", "Spotify · customers"]
    assert only[0].sparkline() == "▁█"


def test_sparkline_scales_between_the_lowest_and_highest_value() -> None:
    assert sparkline([10, 27, 20]) == "▁█▅"
    assert sparkline([5, 5, 5]) == "▄▄▄"
    assert sparkline([]) == ""


# --------------------------------------------------------------- retention


def test_an_observation_outlives_its_pruned_story(desk: Desk) -> None:
    old, later = june_then_now(desk)
    link = desk.store.story(old).link
    (series,) = digest.metric_series(desk.store, "HarmonyOS")
    shown = series.observations[0]
    assert (shown.story_id, shown.title, shown.link) == (old, "HarmonyOS grows", link)
    with desk.store.db.reading() as conn:  # read from the story while it is stored
        assert conn.execute(
            "SELECT story_title, story_link FROM metric_observations WHERE story_id = ?", (old,)
        ).fetchone()[:] == ("", None)
    assert prune(desk.store, 30, now=NOW.timestamp()).stories == 1
    assert desk.store.story(old) is None
    (series,) = digest.metric_series(desk.store, "HarmonyOS")
    kept = series.observations[0]
    assert (kept.text, kept.story_id, kept.feed, kept.title, kept.link) == (
        "10M",
        None,
        "Ars",
        "HarmonyOS grows",
        link,
    )
    history = digest.metric_history(desk.store, later, users_figure(desk, later))
    assert history.change == "up from 10M in June 2024, +170%"


def test_digest_vacuum_leaves_the_history_and_digest_metrics_shows_it(
    desk: Desk, tmp_path, monkeypatch, capsys
) -> None:
    monkeypatch.chdir(tmp_path)  # no feeds.toml here: the store is used as it is
    desk.file(
        "Ars",
        "HarmonyOS grows",
        "HarmonyOS now has 10 million users.",
        hours_ago=hours_before_now(JUNE_2024),
        read=True,
    )
    desk.file("Verge", "HarmonyOS passes a milestone", "HarmonyOS has crossed 27 million users.")
    db = str(desk.store.path)
    desk.store.close()
    assert main(["--db", db, "vacuum", "--days", "30"]) == 0
    assert "Removed 1 read, unstarred stories" in capsys.readouterr().out
    assert main(["--db", db, "metrics", "harmonyos", "--format", "json"]) == 0
    (metric,) = json.loads(capsys.readouterr().out)["metrics"]
    observations = [(o["text"], o["story_id"], o["title"]) for o in metric["observations"]]
    assert observations == [
        ("10M", None, "HarmonyOS grows"),
        ("27M", 2, "HarmonyOS passes a milestone"),
    ]


@pytest.mark.parametrize(
    "sentence",
    [
        "HarmonyOS has crossed 27 million users, Huawei said.",
        "HarmonyOS has crossed 27 million users, according to Huawei.",
    ],
)
def test_who_reported_a_figure_is_not_its_subject(sentence: str) -> None:
    found = Figure("27 million", 22, 32, 27e6, "count", None, "users", None, sentence)
    assert identify(found, "Huawei's week").subject == "HarmonyOS"


def test_a_rate_is_not_the_same_metric_as_a_stock() -> None:
    sentence = "HarmonyOS adds 100,000 devices a day."
    rate = Figure("100,000", 15, 22, 1e5, "count", None, "devices", "day", sentence)
    stock = Figure("27 million", 0, 10, 27e6, "count", None, "devices", None, sentence)
    assert identify(rate, "t").key != identify(stock, "t").key
    assert identify(rate, "t").noun == "devices per day"


def test_a_subjects_metrics_are_read_as_a_range_of_the_metric_index(desk: Desk) -> None:
    desk.file("Ars", "Meta results", "Meta now has 3 billion users.", hours_ago=5)
    desk.file("Ars", "Metallica tour", "Metallica sold 2 million tickets.", hours_ago=4)
    desk.file("Ars", "Meta Quest sales", "Meta Quest sold 20 million units.", hours_ago=3)
    every = {s.label for s in digest.metric_series(desk.store)}
    assert {"Meta · users", "Metallica · tickets"} <= every, every
    assert [s.label for s in digest.metric_series(desk.store, "meta")] == ["Meta · users"]
    with desk.store.db.reading() as conn:
        indexes = conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = ?",
            ("metric_observations",),
        ).fetchall()
    assert sorted(name for (name,) in indexes) == [
        "metric_observations_by_metric",
        "metric_observations_by_story",
    ]
