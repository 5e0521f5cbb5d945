"""A refresh against a real HTTP server on 127.0.0.1: conditional GET,
redirects, error statuses, retries, timeouts and the size cap."""

from __future__ import annotations

import time

from tests.refresh.helpers import config_for, final, rss, run
from tests.support.server import FeedServer, Route

BODY = rss(("a", "First"), ("b", "Second"))


def test_etag_then_304_costs_no_parse_and_stores_no_duplicates(feed_server: FeedServer, store):
    url = feed_server.route("/feed", Route(body=BODY, etag=True))
    config = config_for(url)
    summary, _ = run(store, config)
    assert (summary.ok, summary.new_stories) == (1, 2)
    summary, events = run(store, config)
    assert (summary.not_modified, summary.new_stories) == (1, 0)
    second = feed_server.hits("/feed")[1]
    assert second.headers.get("If-None-Match", "").startswith('"')
    assert store.count_stories() == 2
    assert final(events).status == "not_modified"


def test_last_modified_only_is_sent_back(feed_server: FeedServer, store):
    url = feed_server.route("/feed", Route(body=BODY, last_modified=1_700_000_000))
    config = config_for(url)
    run(store, config)
    summary, _ = run(store, config)
    assert summary.not_modified == 1
    assert "If-Modified-Since" in feed_server.hits("/feed")[1].headers
    assert "If-None-Match" not in feed_server.hits("/feed")[1].headers


def test_permanent_redirect_is_remembered_and_used(feed_server: FeedServer, store):
    new = feed_server.route("/new", Route(body=BODY, etag=True))
    old = feed_server.route("/old", Route(status=301, headers={"Location": "/new"}, body=b""))
    config = config_for(old)
    summary, _ = run(store, config)
    assert summary.ok == 1
    feed = store.feeds()[0]
    # seen once: a candidate, not yet adopted (one answer cannot move a feed)
    assert (feed.moved_to, feed.state.moved_candidate, feed.state.moved_seen) == (None, new, 1)
    run(store, config)
    feed = store.feeds()[0]
    assert (feed.url, feed.moved_to) == (old, new)
    run(store, config)
    assert len(feed_server.hits("/old")) == 2
    assert len(feed_server.hits("/new")) == 3


def test_temporary_redirect_is_followed_but_not_remembered(feed_server: FeedServer, store):
    feed_server.route("/new", Route(body=BODY))
    old = feed_server.route("/old", Route(status=302, headers={"Location": "/new"}, body=b""))
    summary, _ = run(store, config_for(old))
    assert summary.ok == 1
    assert store.feeds()[0].moved_to is None


def test_redirect_loop_stops(feed_server: FeedServer, store):
    url = feed_server.route("/loop", Route(status=302, headers={"Location": "/loop"}, body=b""))
    summary, events = run(store, config_for(url))
    assert summary.failed == 1
    assert "too many redirects" in final(events).error
    assert len(feed_server.hits("/loop")) == 6  # the request and five redirects


def test_redirect_to_another_scheme_is_refused(feed_server: FeedServer, store):
    url = feed_server.route(
        "/r", Route(status=302, headers={"Location": "file:///etc/passwd"}, body=b"")
    )
    summary, events = run(store, config_for(url))
    assert summary.failed == 1
    assert "only http and https" in final(events).error


def test_404_fails_with_the_status_and_keeps_failing_count(feed_server: FeedServer, store):
    url = feed_server.url("/missing")
    summary, events = run(store, config_for(url))
    assert summary.failed == 1
    assert final(events).error.startswith("HTTP 404")
    assert summary.failures[0][1].startswith("HTTP 404")
    feed = store.feeds()[0]
    assert (feed.state.last_status, feed.state.consecutive_failures) == (404, 1)


def test_410_marks_the_feed_gone_and_later_refreshes_skip_it(feed_server: FeedServer, store):
    url = feed_server.route("/gone", Route(status=410, body=b""))
    config = config_for(url)
    summary, _ = run(store, config)
    assert summary.failed == 1 and store.feeds()[0].state.gone
    summary, events = run(store, config)
    assert summary.skipped == 1 and "410" in final(events).error
    assert len(feed_server.hits("/gone")) == 1


def test_429_with_retry_after_waits_without_retrying(feed_server: FeedServer, store):
    url = feed_server.route(
        "/busy", Route(status=429, headers={"Retry-After": "999999999"}, body=b"")
    )
    config = config_for(url)
    summary, events = run(store, config)
    assert summary.failed == 1 and "wait 24.0 h" in final(events).error
    feed = store.feeds()[0]
    assert feed.state.next_fetch is not None
    assert feed.state.next_fetch.timestamp() - time.time() <= 24 * 3600 + 5
    summary, _ = run(store, config)
    assert summary.skipped == 1
    assert len(feed_server.hits("/busy")) == 1


def test_500_then_success_is_retried(feed_server: FeedServer, store):
    calls = []

    def flaky(request):
        calls.append(1)
        status, body = (500, b"oops") if len(calls) == 1 else (200, BODY)
        FeedServer._send(request, status, body, "application/rss+xml", {})

    url = feed_server.route("/flaky", Route(handler=flaky))
    summary, _ = run(store, config_for(url))
    assert (summary.ok, summary.new_stories, len(calls)) == (1, 2, 2)


def test_a_silent_server_times_out(feed_server: FeedServer, store):
    url = feed_server.route("/slow", Route(body=BODY, delay=1.5))
    summary, events = run(store, config_for(url, retries=0))
    assert summary.failed == 1
    assert "timed out" in final(events).error


def test_a_dripping_server_hits_the_overall_deadline(feed_server: FeedServer, store):
    def drip(request):
        request.send_response(200)
        request.send_header("Content-Type", "application/rss+xml")
        request.send_header("Content-Length", "100000")
        request.end_headers()
        try:
            for _ in range(40):
                request.wfile.write(b" ")
                request.wfile.flush()
                time.sleep(0.1)  # server-side latency, not test synchronisation
        except OSError:
            pass

    url = feed_server.route("/drip", Route(handler=drip))
    config = config_for(url, deadline_seconds=1, retries=0)
    started = time.monotonic()
    summary, events = run(store, config)
    assert summary.failed == 1
    assert "within 1 s" in final(events).error
    assert time.monotonic() - started < 3


def test_a_body_over_the_cap_is_refused(feed_server: FeedServer, store):
    big = rss(*[(f"g{n}", "x" * 200) for n in range(100)])
    url = feed_server.route("/big", Route(body=big))
    summary, events = run(store, config_for(url, max_feed_mb=0.01))
    assert summary.failed == 1
    assert "response too large" in final(events).error
    assert store.count_stories() == 0
