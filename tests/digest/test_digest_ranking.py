"""The ranked Today and This-week views on a fixed fixture at a fixed
``NOW``: more sources, a heavier feed and a salient figure in the title
each lift an entry above a plain one, and ``explain()`` says so."""

from __future__ import annotations

import pytest

from tests.digest.helpers import NOW, Desk
from tui.core import digest
from tui.core.store import Store

FEEDS = {"Wire": 1.0, "Ars": 1.0, "Verge": 1.0, "Gazette": 3.0, "Blog": 1.0}


@pytest.fixture
def desk(store: Store) -> Desk:
    """Five entries, all six hours old but the last; each differs from the
    plain one in one way."""
    desk = Desk(store, FEEDS)
    link = "https://news.example/ferry-strike"
    for feed in ("Wire", "Ars", "Verge"):  # three feeds carry it
        desk.file(
            feed,
            "Ferry crews walk out",
            "Crews stopped work on Monday.",
            hours_ago=6,
            link=f"{link}?utm_source={feed}",
        )
    desk.file("Gazette", "Council reviews parking rules", "A review was ordered.", hours_ago=6)
    desk.file(
        "Blog",
        "Chipmaker wins $2.5 billion contract",
        "The deal was signed in Tokyo.",
        hours_ago=6,
    )
    desk.file("Blog", "Library extends opening hours", "Doors open at eight.", hours_ago=6)
    desk.file("Blog", "Park bench repainted", "It is green now.", hours_ago=20)
    desk.file("Blog", "Harbour wall survey published", "Engineers looked at it.", hours_ago=72)
    return desk


def titles(entries: list[digest.Entry]) -> list[str]:
    return [entry.title for entry in entries]


def test_today_ranks_weight_sources_and_figures_above_a_plain_entry(desk: Desk) -> None:
    entries = digest.today(desk.store, NOW)
    # (recency 2.83 + sources + figure) × weight:
    #   Gazette 2.83 × 3 = 8.49; three feeds 2.83 + 3.17 = 6.0;
    #   $2.5bn in the title 2.83 + 3 = 5.83; plain 2.83; 20 h old 1.26.
    assert titles(entries) == [
        "Council reviews parking rules",
        "Ferry crews walk out",
        "Chipmaker wins $2.5 billion contract",
        "Library extends opening hours",
        "Park bench repainted",
    ]
    assert [entry.rank for entry in entries] == [1, 2, 3, 4, 5]
    assert {entry.of for entry in entries} == {5}
    scores = [entry.score for entry in entries]
    assert scores == sorted(scores, reverse=True)
    assert entries[0].score == pytest.approx(3 * 4 * 0.5 ** (6 / 12), rel=1e-3)


def test_this_week_reaches_back_seven_days(desk: Desk) -> None:
    week = titles(digest.today(desk.store, NOW, window="week"))
    assert "Harbour wall survey published" in week
    assert "Harbour wall survey published" not in titles(digest.today(desk.store, NOW))


def test_limit_keeps_the_best(desk: Desk) -> None:
    entries = digest.today(desk.store, NOW, limit=2)
    assert titles(entries) == ["Council reviews parking rules", "Ferry crews walk out"]
    assert entries[-1].of == 5


def test_each_entry_explains_its_rank(desk: Desk) -> None:
    by_title = {entry.title: entry for entry in digest.today(desk.store, NOW)}
    heavy = by_title["Council reviews parking rules"].explain()
    assert heavy[0].startswith("#1 of 5: score 8.49 = (2.8 recency + 0.0 sources + 0.0 figure)")
    assert "feed weight ×3.00: the largest weight among its feeds (Gazette)" in heavy
    shared = by_title["Ferry crews walk out"].explain()
    assert "sources +3.17: 3 feeds carry it: Wire, Ars, Verge" in shared
    figure = by_title["Chipmaker wins $2.5 billion contract"].explain()
    assert "figure +3.00: $2.5bn (money in the title, Blog)" in figure
    assert any(line.startswith("recency +2.83: newest source 6 h ago") for line in figure)


def test_the_headline_figure_is_the_most_salient_one(desk: Desk) -> None:
    by_title = {entry.title: entry for entry in digest.today(desk.store, NOW)}
    headline = by_title["Chipmaker wins $2.5 billion contract"].headline
    assert headline is not None and (headline.kind, headline.value) == ("money", 2.5e9)
    assert by_title["Library extends opening hours"].headline is None


def test_an_unknown_window_is_refused(desk: Desk) -> None:
    with pytest.raises(ValueError, match="unknown digest window 'month'"):
        digest.today(desk.store, NOW, window="month")
