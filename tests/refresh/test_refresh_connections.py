"""A refresh reuses its connections: an answer whose body it does not
want (a 304, a redirect, an error page) is read to its end, so the
connection goes back to the pool instead of being closed."""

from __future__ import annotations

from tests.refresh.helpers import config_for, rss, run
from tests.support.server import FeedServer, Route


def test_unchanged_feeds_reuse_their_hosts_connections(feed_server: FeedServer, store):
    urls = [
        feed_server.route(f"/f{n}", Route(body=rss((f"g{n}", f"Story {n}")), etag=True))
        for n in range(12)
    ]
    config = config_for(*urls, concurrency=4, per_host=2)
    first, _ = run(store, config)
    assert first.ok == 12
    before = feed_server.connections
    summary, _ = run(store, config)
    assert summary.not_modified == 12
    assert 1 <= feed_server.connections - before <= 2  # per_host, not one per feed


def test_redirects_and_error_pages_leave_the_connection_reusable(feed_server: FeedServer, store):
    target = feed_server.route("/target", Route(body=rss(("t", "Target")), etag=True))
    urls = [
        feed_server.route(f"/moved{n}", Route(status=302, headers={"Location": "/target"}))
        for n in range(3)
    ]
    urls += [
        feed_server.route(f"/missing{n}", Route(status=404, body=b"<p>no such feed</p>" * 20))
        for n in range(3)
    ]
    config = config_for(target, *urls, concurrency=1, per_host=1)
    before = feed_server.connections
    summary, _ = run(store, config)
    assert (summary.ok, summary.failed) == (4, 3)
    assert len(feed_server.hits("/target")) == 4
    assert feed_server.connections - before == 1  # ten requests, one connection


def test_unchanged_feeds_states_are_all_written_a_batch_to_a_transaction(
    feed_server: FeedServer, store
):
    from tui.core.refresh import SAVE_BATCH

    count = SAVE_BATCH + 10
    urls = [
        feed_server.route(f"/u{n}", Route(body=rss((f"u{n}", f"Story {n}")), etag=True))
        for n in range(count)
    ]
    config = config_for(*urls, concurrency=4, per_host=4)
    run(store, config)
    before = {feed.id: feed.state.last_fetch for feed in store.feeds()}
    statements: list[str] = []
    store.db.connection.set_trace_callback(statements.append)
    try:
        summary, _ = run(store, config)
    finally:
        store.db.connection.set_trace_callback(None)
    assert summary.not_modified == count
    after = store.feeds()
    assert all(feed.state.last_status == 304 for feed in after)
    assert all(feed.state.last_fetch > before[feed.id] for feed in after)  # type: ignore[operator]
    commits = [s for s in statements if s.strip().upper() == "COMMIT"]
    assert 2 <= len(commits) <= 3  # one full batch, the rest; not one per feed
