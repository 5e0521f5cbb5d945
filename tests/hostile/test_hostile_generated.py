"""INDEX.md's generated rows: deep nesting, a huge line, a giant feed, the
quadratic entity blow-up and the decompression bombs.

The inputs come from ../shared/hostile/scripts/gen_bombs.py, run once per
session into a temporary folder at 0.2 GiB instead of its default 1 GiB
(every bomb still inflates to 20× the 10 MB cap: the property is the same).
The bombs are served by hostile_server.py with their Content-Encoding;
the other files by the in-process test server. Each refresh runs in the
sandbox worker, whose peak resident memory is measured per command.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.hostile.helpers import (
    BOMB_GROWTH_MB,
    GOOD_TITLES,
    MEMORY_CAP_MB,
    Case,
    HostileServer,
    Sandbox,
    assert_cache_kept,
    assert_contained,
    assert_one_failure_line,
    assert_terminal_safe,
    giant_feed,
)
from tests.support.server import FeedServer, Route


def refreshed(sandbox: Sandbox, case: Case, *, seed: bool = True):
    if seed:
        case.seed()
    run = case.refresh(sandbox)
    assert_contained(run, case)
    assert_terminal_safe(case.stored_text())
    return run


def test_deep_nesting_falls_back_to_plain_text(
    tmp_path: Path, sandbox: Sandbox, feed_server: FeedServer, bombs: Path
) -> None:
    url = feed_server.route("/deep", Route(body=(bombs / "deep_nesting.rss").read_bytes()))
    case = Case(tmp_path / "case", (url,))
    run = refreshed(sandbox, case)
    assert "1 ok" in run.stdout and "1 new stories" in run.stdout
    story = next(s for s in case.stories() if s.uid == "deep-1")
    assert story.content == "deep text"  # markdownify's RecursionError, caught


def test_deep_nesting_html_through_digest_figures(
    tmp_path: Path, sandbox: Sandbox, bombs: Path
) -> None:
    source = str(bombs / "deep_nesting.html")
    text = sandbox.cli("figures", source, "--text")
    assert_contained(text, Case(tmp_path / "case", ()))
    assert text.rc == 0 and text.stdout.strip() == "deep text"
    table = sandbox.cli("figures", source)
    assert_contained(table, Case(tmp_path / "case", ()))
    assert table.stdout.strip() == "no figures found"


def test_a_huge_line_is_refused_at_the_size_cap(
    tmp_path: Path, sandbox: Sandbox, feed_server: FeedServer, bombs: Path
) -> None:
    url = feed_server.route("/huge", Route(body=(bombs / "huge_line.rss").read_bytes()))
    case = Case(tmp_path / "case", (url,))
    run = refreshed(sandbox, case)
    assert_one_failure_line(run, "response too large (over 10 MB)")
    assert_cache_kept(case)
    assert run.growth_mb < BOMB_GROWTH_MB


def test_a_huge_line_under_a_raised_cap_is_handled_in_bounded_memory(
    tmp_path: Path, sandbox: Sandbox, feed_server: FeedServer, bombs: Path
) -> None:
    url = feed_server.route("/huge", Route(body=(bombs / "huge_line.rss").read_bytes()))
    case = Case(tmp_path / "case", (url,), {"max_feed_mb": "25", "deadline_seconds": "20"})
    run = refreshed(sandbox, case)
    assert "1 ok" in run.stdout and "1 new stories" in run.stdout
    assert run.peak_mb < MEMORY_CAP_MB
    feed = case.feed()
    assert feed.feed_title is not None and len(feed.feed_title) <= 300  # 20 MB of "x", cut
    assert {s.title for s in case.stories()} == {"after", *GOOD_TITLES}


def test_a_giant_feed_is_refused_at_the_size_cap(
    tmp_path: Path, sandbox: Sandbox, feed_server: FeedServer, bombs: Path
) -> None:
    url = feed_server.route("/giant", Route(body=(bombs / "giant_feed.rss").read_bytes()))
    case = Case(tmp_path / "case", (url,))
    run = refreshed(sandbox, case)
    assert_one_failure_line(run, "response too large (over 10 MB)")
    assert_cache_kept(case)
    assert run.growth_mb < BOMB_GROWTH_MB  # refused on Content-Length, before reading


def test_a_large_feed_under_the_cap_keeps_only_the_newest_items(
    tmp_path: Path, sandbox: Sandbox, feed_server: FeedServer
) -> None:
    # 5,000 items (1.2 MB) rather than 200,000: the rule is the same.
    url = feed_server.route("/big", Route(body=giant_feed(5000)))
    case = Case(tmp_path / "case", (url,), {"max_items": "500", "deadline_seconds": "30"})
    run = refreshed(sandbox, case, seed=False)
    assert "1 ok" in run.stdout and "500 new stories" in run.stdout
    stories = case.stories()
    assert len(stories) == 500
    assert {s.uid for s in stories} == {f"g-{i}" for i in range(4500, 5000)}
    assert run.peak_mb < MEMORY_CAP_MB


def test_a_quadratic_entity_blowup_is_not_expanded(
    tmp_path: Path, sandbox: Sandbox, feed_server: FeedServer, bombs: Path
) -> None:
    body = (bombs / "quadratic_blowup.xml").read_bytes()
    assert len(body) < 200_000  # 160 KB that would expand to 2 GB
    url = feed_server.route("/quadratic", Route(body=body))
    case = Case(tmp_path / "case", (url,))
    run = refreshed(sandbox, case)
    assert run.seconds < 3, run.seconds
    assert run.growth_mb < 50, run.growth_mb
    assert len(case.stored_text()) < 50_000  # no 100 KB entity, let alone 20,000 of them
    assert {s.title for s in case.stories()} >= set(GOOD_TITLES)
    feed = case.feed()
    assert "undefined entity" in (feed.state.warning or feed.state.last_error or "")


@pytest.mark.parametrize(
    ("route", "message"),
    [
        ("/gzip-bomb", "response too large (over 10 MB)"),  # a bomb that looks like a feed
        ("/deflate-bomb", "response too large (over 10 MB)"),
        ("/gzip-gzip", "unsupported content encoding 'gzip, gzip'"),
        ("/br-bomb", "unsupported content encoding 'br'"),
        ("/zstd-bomb", "unsupported content encoding 'zstd'"),
        ("/bad-gzip", "response body is not validly compressed"),
    ],
)
def test_compression_bombs_stop_at_the_cap(
    tmp_path: Path, sandbox: Sandbox, hostile_server: HostileServer, route: str, message: str
) -> None:
    case = Case(tmp_path / "case", (hostile_server.url(route),))
    run = refreshed(sandbox, case)
    assert_one_failure_line(run, message)
    assert_cache_kept(case)
    assert run.growth_mb < BOMB_GROWTH_MB, run.growth_mb
    assert run.seconds < 5, run.seconds


def test_a_plain_gzip_bomb_stops_at_the_cap(
    tmp_path: Path, sandbox: Sandbox, feed_server: FeedServer, bombs: Path
) -> None:
    body = (bombs / "gzip_bomb.gz").read_bytes()
    assert len(body) < 1_000_000  # 200 MB of zeros in about 200 KB
    url = feed_server.route("/zeros", Route(body=body, headers={"Content-Encoding": "gzip"}))
    case = Case(tmp_path / "case", (url,))
    run = refreshed(sandbox, case)
    assert_one_failure_line(run, "response too large (over 10 MB)")
    assert_cache_kept(case)
    assert run.growth_mb < BOMB_GROWTH_MB
