"""When feeds are fetched next: interval, server hints, back-off, jitter,
with a fake clock (Unix seconds) and no sleeping."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tui.core.models import Feed, FeedState
from tui.core.schedule import (
    FetchFacts,
    SchedulePolicy,
    backoff_seconds,
    cache_seconds,
    describe,
    format_duration,
    is_due,
    next_fetch,
    parse_ttl,
    retry_after_seconds,
    stagger,
    url_fraction,
)

NOW = 1_717_400_000.0  # Mon, 03 Jun 2024 07:33:20 GMT
URL = "https://harbour.example/rss"
NO_JITTER = SchedulePolicy(jitter_fraction=0)
MIN = 60.0


def at(seconds: float) -> datetime:
    return datetime.fromtimestamp(seconds, UTC)


def test_a_healthy_feed_comes_back_after_its_interval() -> None:
    result = next_fetch(URL, 30, FetchFacts(ok=True), NOW, NO_JITTER)
    assert result.at == NOW + 30 * MIN and result.reason == "every 30 min"


def test_ttl_is_a_lower_bound_on_the_next_fetch() -> None:
    result = next_fetch(URL, 30, FetchFacts(ok=True, ttl_minutes=120), NOW, NO_JITTER)
    assert result.at == NOW + 120 * MIN and result.reason == "feed <ttl> 2 h"
    shorter = next_fetch(URL, 30, FetchFacts(ok=True, ttl_minutes=10), NOW, NO_JITTER)
    assert shorter.at == NOW + 30 * MIN  # a short ttl never makes us fetch more often


def test_max_age_beats_expires_and_both_are_capped() -> None:
    headers = {"cache-control": "public, max-age=7200", "Expires": "Mon, 03 Jun 2024 20:00:00 GMT"}
    result = next_fetch(URL, 30, FetchFacts(ok=True, headers=headers), NOW, NO_JITTER)
    assert result.at == NOW + 7200 and result.reason == "Cache-Control max-age 2 h"
    year = {"Cache-Control": "max-age=31536000"}
    capped = next_fetch(URL, 30, FetchFacts(ok=True, headers=year), NOW, NO_JITTER)
    assert capped.at == NOW + 1440 * MIN


def test_expires_is_measured_from_the_servers_date_header() -> None:
    # The server's clock is an hour ahead of ours; Expires is 90 min after its Date.
    headers = {"Date": "Mon, 03 Jun 2024 08:33:20 GMT", "Expires": "Mon, 03 Jun 2024 10:03:20 GMT"}
    assert cache_seconds(headers, NOW) == (5400.0, "Expires")
    result = next_fetch(URL, 30, FetchFacts(ok=True, headers=headers), NOW, NO_JITTER)
    assert result.at == NOW + 5400


def test_invalid_expires_no_cache_and_honour_off_give_no_hint() -> None:
    assert cache_seconds({"Expires": "0"}, NOW) == (0.0, "Expires")
    assert cache_seconds({"Cache-Control": "no-cache, max-age=9000"}, NOW) is None
    off = SchedulePolicy(honour_server_hints=False, jitter_fraction=0)
    facts = FetchFacts(ok=True, ttl_minutes=600, headers={"Cache-Control": "max-age=36000"})
    assert next_fetch(URL, 30, facts, NOW, off).at == NOW + 30 * MIN


def test_failures_back_off_exponentially_up_to_a_cap() -> None:
    schedule = [
        next_fetch(URL, 30, FetchFacts(ok=False, failures=n), NOW, NO_JITTER).at - NOW
        for n in range(1, 9)
    ]
    assert [s / MIN for s in schedule] == [30, 60, 120, 240, 480, 960, 1440, 1440]
    assert (
        next_fetch(URL, 30, FetchFacts(ok=False, failures=3), NOW, NO_JITTER).reason
        == "back-off after 3 failures"
    )
    # A feed refreshed weekly is never tried more often because it failed.
    assert backoff_seconds(5, 7 * 1440 * MIN, 1440 * MIN) == 7 * 1440 * MIN


def test_retry_after_on_429_is_honoured() -> None:
    facts = FetchFacts(ok=False, status=429, failures=1, headers={"Retry-After": "7200"})
    result = next_fetch(URL, 30, facts, NOW, NO_JITTER)
    assert result.at == NOW + 7200 and "Retry-After" in result.reason
    parsed = FetchFacts(ok=False, status=503, failures=1, retry_after=3 * 3600)
    assert next_fetch(URL, 30, parsed, NOW, NO_JITTER).at == NOW + 3 * 3600
    date = {"Retry-After": "Mon, 03 Jun 2024 09:33:20 GMT"}
    assert retry_after_seconds(date, NOW) == 7200
    ignored = FetchFacts(ok=False, status=500, failures=1, headers={"Retry-After": "7200"})
    assert next_fetch(URL, 30, ignored, NOW, NO_JITTER).at == NOW + 30 * MIN


def test_jitter_is_fixed_per_feed_and_never_undercuts_a_server_hint() -> None:
    policy = SchedulePolicy(jitter_fraction=0.1, max_jitter_minutes=5)
    first = next_fetch(URL, 30, FetchFacts(ok=True), NOW, policy)
    again = next_fetch(URL, 30, FetchFacts(ok=True), NOW, policy)
    assert first == again
    assert NOW + 27 * MIN <= first.at <= NOW + 30 * MIN  # taken off the interval
    spread = {
        next_fetch(f"https://h.example/{n}", 30, FetchFacts(ok=True), NOW, policy).at
        for n in range(20)
    }
    assert len(spread) == 20
    hinted = FetchFacts(ok=True, headers={"Cache-Control": "max-age=1790"})  # just under 30 min
    assert next_fetch(URL, 30, hinted, NOW, policy, jitter=lambda url: 0.99).at == NOW + 1790
    backoff = next_fetch(
        URL, 30, FetchFacts(ok=False, failures=2), NOW, policy, jitter=lambda url: 0.5
    )
    assert backoff.at == NOW + 60 * MIN + 3 * MIN  # added after a back-off, up to 5 min


def test_a_cron_run_at_the_interval_finds_the_feed_due() -> None:
    feed = Feed(id=1, url=URL)
    clock = NOW
    fetched = 0
    for _tick in range(8):  # cron every 30 minutes, feed interval 30 minutes
        if is_due(feed, clock):
            fetched += 1
            feed.state.next_fetch = at(next_fetch(URL, 30, FetchFacts(ok=True), clock + 20).at)
        clock += 30 * MIN
    assert fetched == 8


def test_is_due_skips_disabled_gone_and_not_yet_due_feeds() -> None:
    assert is_due(Feed(id=1, url=URL), NOW)  # never fetched
    assert not is_due(Feed(id=1, url=URL, enabled=False), NOW)
    assert not is_due(Feed(id=1, url=URL, state=FeedState(gone=True)), NOW)
    later = Feed(id=1, url=URL, state=FeedState(next_fetch=at(NOW + 600)))
    assert not is_due(later, NOW) and is_due(later, NOW + 600)
    assert is_due(later, NOW + 560)  # within the minute's grace


def test_describe_shows_back_off_for_digest_feeds() -> None:
    failing = Feed(
        id=1, url=URL, state=FeedState(consecutive_failures=3, next_fetch=at(NOW + 7200))
    )
    assert describe(failing, NOW) == "backing off after 3 failures: next in 2 h"
    assert describe(Feed(id=1, url=URL), NOW) == "due now"
    assert describe(Feed(id=1, url=URL, enabled=False), NOW) == "disabled"


def test_stagger_spaces_one_hosts_feeds_and_starts_hosts_together() -> None:
    urls = [f"https://big.example/feed/{n}" for n in range(4)] + ["https://other.example/rss"]
    offsets = stagger(urls, gap_seconds=2)
    assert sorted(offsets[u] for u in urls[:4]) == [0, 2, 4, 6]
    assert offsets["https://other.example/rss"] == 0
    assert stagger(reversed(urls), gap_seconds=2) == offsets


@pytest.mark.parametrize(
    ("value", "minutes"),
    [("60", 60.0), (" 15 ", 15.0), ("0", None), ("soon", None), (None, None), ("nan", None)],
)
def test_parse_ttl(value, minutes) -> None:
    assert parse_ttl(value) == minutes


def test_helpers() -> None:
    assert [format_duration(s) for s in (5, 600, 5400, 3600 * 30, 3600 * 72)] == [
        "5 s",
        "10 min",
        "1 h 30 min",
        "30 h",
        "3 d",
    ]
    assert 0 <= url_fraction(URL) < 1 and url_fraction(URL) == url_fraction(URL)
