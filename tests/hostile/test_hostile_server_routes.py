"""INDEX.md's ``server/hostile_server.py`` table: redirects, slow and
endless servers, lying headers, error statuses and Retry-After.

The routes are served by the shared hostile_server.py itself, in a
subprocess on a free 127.0.0.1 port; ``digest refresh`` runs in the
sandbox worker against a store holding a good copy of the feed. The
private-network guard needs a *public* origin, which a test must never
contact, so that one is checked with httpx's MockTransport: the real
Fetcher, no socket at all.
"""

from __future__ import annotations

import asyncio
import dataclasses
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest

from tests.hostile.helpers import (
    GOOD_TITLES,
    Case,
    HostileServer,
    Sandbox,
    assert_cache_kept,
    assert_contained,
    assert_one_failure_line,
    assert_terminal_safe,
)
from tui.core.config import Settings
from tui.core.fetch import Fetcher


def hits(server: HostileServer, path: str) -> int:
    return server.hits(path)


def refreshed(sandbox: Sandbox, case: Case, *extra: str):
    run = case.refresh(sandbox, *extra)
    assert_contained(run, case)
    assert_terminal_safe(case.stored_text())
    return run


@pytest.fixture
def case_for(tmp_path: Path, hostile_server: HostileServer):
    counter = iter(range(100))

    def make(path: str, **settings: str) -> Case:
        case = Case(tmp_path / f"case{next(counter)}", (hostile_server.url(path),), settings)
        case.seed()
        return case

    return make


# -------------------------------------------------------------------- redirects


@pytest.mark.parametrize("path", ["/redirect-loop", "/redirect-chain/8"])
def test_redirect_loops_and_long_chains_stop(
    case_for, sandbox: Sandbox, hostile_server: HostileServer, path: str
) -> None:
    before = hits(hostile_server, path)
    run = refreshed(sandbox, case_for(path))
    assert_one_failure_line(run, "too many redirects (more than 5)")
    if path == "/redirect-loop":
        assert hits(hostile_server, path) - before == 6  # the request and five redirects


def test_a_short_redirect_chain_is_followed(case_for, sandbox: Sandbox) -> None:
    case = case_for("/redirect-chain/3")
    run = refreshed(sandbox, case)
    assert "1 ok" in run.stdout and "3 new stories" in run.stdout
    assert case.feed().moved_to is None  # 302s are temporary


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("/redirect-file", "redirect to a file: URL refused (only http and https)"),
        # httpx itself refuses to build a request for "javascript:alert(1)".
        ("/redirect-js", "invalid URL"),
    ],
)
def test_redirects_to_other_schemes_are_refused(
    case_for, sandbox: Sandbox, path: str, message: str
) -> None:
    case = case_for(path)
    run = refreshed(sandbox, case)
    assert_one_failure_line(run, message)
    assert_cache_kept(case)


def test_a_redirect_between_loopback_ports_is_followed_only_as_far_as_it_goes(
    case_for, sandbox: Sandbox
) -> None:
    # The feed itself is on 127.0.0.1 (allow_private), so loopback → loopback
    # is not an escalation; nothing listens on the next port.
    case = case_for("/redirect-loopback")
    run = refreshed(sandbox, case)
    assert_one_failure_line(run, "cannot connect")
    assert_cache_kept(case)


PRIVATE_TARGETS = [
    "http://127.0.0.1:8766/",
    "http://localhost/feed",
    "http://[::1]/",
    "http://169.254.169.254/latest/meta-data/",
    "http://10.0.0.1/",
    "http://0x7f000001/",
    "http://2130706433/",
    "http://127.1/",
    "http://017700000001/",
    "http://[::ffff:127.0.0.1]/",
]


def fetch_through_redirect(target: str, *, allow_private: bool) -> tuple[str | None, list[str]]:
    """Fetch a public feed that redirects to *target*, over a mock transport."""
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(str(request.url))
        if request.url.host == "feeds.example.com":
            return httpx.Response(302, headers={"Location": target})
        return httpx.Response(200, stream=httpx.ByteStream(b"<rss/>"))

    settings = dataclasses.replace(Settings(), allow_private=allow_private, retries=0)

    async def go() -> str | None:
        async with Fetcher(settings, transport=httpx.MockTransport(handler)) as fetcher:
            return (await fetcher.fetch("https://feeds.example.com/feed.xml")).error

    return asyncio.run(go()), seen


@pytest.mark.parametrize("target", PRIVATE_TARGETS)
def test_a_public_feed_cannot_redirect_into_the_private_network(target: str) -> None:
    error, seen = fetch_through_redirect(target, allow_private=False)
    assert error is not None and error.startswith("redirect to a private address refused"), error
    assert seen == ["https://feeds.example.com/feed.xml"]  # the target was never asked


def test_with_allow_private_the_redirect_is_followed() -> None:
    error, seen = fetch_through_redirect("http://10.0.0.1/feed", allow_private=True)
    assert error is None and seen[-1] == "http://10.0.0.1/feed"


@pytest.mark.parametrize("path", ["/301", "/308"])
def test_a_permanent_redirect_is_followed_and_recorded(
    case_for, sandbox: Sandbox, hostile_server: HostileServer, path: str
) -> None:
    case = case_for(path)
    run = refreshed(sandbox, case)
    assert "1 ok" in run.stdout and "3 new stories" in run.stdout
    assert case.feed().moved_to is None  # seen once: only a candidate
    refreshed(sandbox, case)
    feed = case.feed()
    assert feed.url == hostile_server.url(path)  # the configured URL is untouched
    assert feed.moved_to == hostile_server.feed("duplicate_items.rss")
    assert "moved permanently to" in case.outputs(sandbox)["feeds"].stdout


def test_a_single_permanent_redirect_is_not_adopted_at_once(
    case_for, sandbox: Sandbox, hostile_server: HostileServer
) -> None:
    case = case_for("/301")
    refreshed(sandbox, case)
    before = hits(hostile_server, "/301")
    refreshed(sandbox, case)
    # Until the move is confirmed, the configured URL is still the one asked.
    assert hits(hostile_server, "/301") == before + 1


def test_a_temporary_redirect_is_not_recorded(case_for, sandbox: Sandbox) -> None:
    case = case_for("/302")
    run = refreshed(sandbox, case)
    assert "1 ok" in run.stdout
    assert case.feed().moved_to is None


# ---------------------------------------------------------- slow, endless, lying


@pytest.mark.parametrize("path", ["/slowloris", "/slow-headers"])
def test_slow_servers_hit_the_overall_deadline(case_for, sandbox: Sandbox, path: str) -> None:
    # timeout_seconds (5) is longer than the server's 2 s drip: only the
    # overall deadline (3 s) can end this.
    case = case_for(path)
    run = refreshed(sandbox, case)
    assert_one_failure_line(run, "no complete answer within 3 s")
    assert 2.9 < run.seconds < 8, run.seconds
    assert_cache_kept(case)


def test_an_endless_stream_stops_at_the_size_cap(case_for, sandbox: Sandbox) -> None:
    case = case_for("/endless")
    run = refreshed(sandbox, case)
    assert_one_failure_line(run, "response too large (over 10 MB)")
    assert run.growth_mb < 120
    assert_cache_kept(case)


def test_a_lying_content_length_stores_nothing(case_for, sandbox: Sandbox) -> None:
    case = case_for("/length-lie")
    run = refreshed(sandbox, case)
    assert_one_failure_line(run, "connection closed early (received 99 of 100000 bytes)")
    assert_cache_kept(case)
    assert len(case.stories()) == 2


@pytest.mark.parametrize("path", ["/huge-header", "/many-headers"])
def test_oversized_headers_are_survived(case_for, sandbox: Sandbox, path: str) -> None:
    case = case_for(path)
    run = refreshed(sandbox, case)
    # The body is an empty <rss/>: either a valid feed with no items, or a
    # refusal of the headers; either way the cache stays and nothing crashes.
    assert run.rc in (0, 1)
    assert len(run.error_lines) == run.rc
    assert_cache_kept(case)


# ------------------------------------------------------------------- statuses


def test_410_marks_the_feed_gone_and_keeps_its_stories(
    case_for, sandbox: Sandbox, hostile_server: HostileServer
) -> None:
    case = case_for("/status/410")
    run = refreshed(sandbox, case)
    assert_one_failure_line(run, "HTTP 410 Gone: the feed was removed by its server")
    assert case.feed().state.gone
    assert_cache_kept(case)
    before = hits(hostile_server, "/status/410")
    again = refreshed(sandbox, case)
    assert "1 skipped" in again.stdout and hits(hostile_server, "/status/410") == before
    assert "gone (HTTP 410)" in case.outputs(sandbox)["feeds"].stdout


@pytest.mark.parametrize(
    ("path", "wait", "said"),
    [
        ("/status/429", timedelta(minutes=2), "server asks to wait 2 min"),
        ("/status/503", timedelta(minutes=2), "server asks to wait 2 min"),
        ("/retry-after-date", timedelta(hours=24), "server asks to wait 24.0 h"),
        ("/retry-after-huge", timedelta(hours=24), "server asks to wait 24.0 h"),
    ],
)
def test_retry_after_is_honoured_clamped_and_never_stormed(
    case_for, sandbox: Sandbox, hostile_server: HostileServer, path: str, wait, said: str
) -> None:
    case = case_for(path, retries="2")
    before = hits(hostile_server, path)
    started = datetime.now(UTC)
    run = refreshed(sandbox, case)
    assert_one_failure_line(run, said)
    assert hits(hostile_server, path) == before + 1  # not retried, despite retries = 2
    next_fetch = case.feed().state.next_fetch
    assert started + wait - timedelta(seconds=5) <= next_fetch
    assert next_fetch <= datetime.now(UTC) + max(wait, timedelta(hours=24)) + timedelta(minutes=1)
    again = refreshed(sandbox, case)
    assert "1 skipped" in again.stdout and hits(hostile_server, path) == before + 1
    assert_cache_kept(case)


def test_an_empty_200_is_an_error(case_for, sandbox: Sandbox) -> None:
    case = case_for("/empty")
    run = refreshed(sandbox, case)
    assert_one_failure_line(run, "empty response")
    assert_cache_kept(case)


def test_a_page_is_not_a_feed_but_a_mislabelled_feed_is(case_for, sandbox: Sandbox) -> None:
    page = case_for("/html")
    assert_one_failure_line(refreshed(sandbox, page), "this URL is a web page, not a feed")
    assert_cache_kept(page)
    mislabelled = case_for("/wrong-type")  # a feed served as image/png
    run = refreshed(sandbox, mislabelled)
    assert "1 ok" in run.stdout and "3 new stories" in run.stdout
    assert {s.title for s in mislabelled.stories()} >= {"first copy", *GOOD_TITLES}
