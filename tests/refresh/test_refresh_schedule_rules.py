"""The polite schedule and the [[rules]] as a refresh applies them: when a
feed is due again, what the server's hints change, what rules do to new
stories, and what `digest refresh --due --notify` prints."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

from tests.refresh.helpers import config_for, config_text, rss, run
from tests.support.server import FeedServer, Route
from tui.core.config import parse_config
from tui.core.refresh import refresh_blocking
from tui.core.store import StoryQuery


def minutes_until(moment: datetime) -> float:
    return (moment - datetime.now(UTC)).total_seconds() / 60


def test_next_fetch_follows_the_interval_and_due_only_skips_until_then(
    feed_server: FeedServer, store
):
    url = feed_server.route("/f", Route(body=rss(("a", "One")), etag=True))
    config = config_for(url, refresh_minutes=30)
    run(store, config)
    feed = store.feeds()[0]
    assert 24 <= minutes_until(feed.state.next_fetch) <= 30  # the interval, less a little jitter
    store.sync_feeds(config.feeds)
    summary = refresh_blocking(store, config, due_only=True)
    assert summary.skipped == 1 and len(feed_server.hits("/f")) == 1
    summary = refresh_blocking(store, config)  # an explicit refresh fetches anyway
    assert summary.not_modified == 1 and len(feed_server.hits("/f")) == 2
    store.save_fetch_state(
        feed.id,
        replace(store.feeds()[0].state, next_fetch=datetime.now(UTC) - timedelta(minutes=1)),
    )
    assert refresh_blocking(store, config, due_only=True).not_modified == 1


def test_a_feed_ttl_and_cache_control_are_lower_bounds(feed_server: FeedServer, store):
    ttl_body = rss(("a", "One")).replace(
        b"<description>d</description>", b"<description>d</description><ttl>180</ttl>"
    )
    ttl_url = feed_server.route("/ttl", Route(body=ttl_body))
    cached_url = feed_server.route(
        "/cached", Route(body=rss(("b", "Two")), headers={"Cache-Control": "public, max-age=7200"})
    )
    run(store, config_for(ttl_url, cached_url, refresh_minutes=30))
    by_url = {feed.url: feed for feed in store.feeds()}
    assert 180 <= minutes_until(by_url[ttl_url].state.next_fetch) <= 186
    assert 120 <= minutes_until(by_url[cached_url].state.next_fetch) <= 126
    run(store, config_for(ttl_url, refresh_minutes=30, honour_server_hints=False))
    assert minutes_until(store.feed(by_url[ttl_url].id).state.next_fetch) <= 30


def test_failures_back_off_exponentially(feed_server: FeedServer, store):
    url = feed_server.route("/broken", Route(status=404, body=b"no"))
    config = config_for(url, refresh_minutes=10)
    waits = []
    for _ in range(3):
        run(store, config)
        waits.append(minutes_until(store.feeds()[0].state.next_fetch))
    assert store.feeds()[0].state.consecutive_failures == 3
    assert 9 <= waits[0] <= 11 and 19 <= waits[1] <= 22 and 39 <= waits[2] <= 44


RULES = """
[[rules]]
name = "Huawei"
title = "HarmonyOS"
star = true
notify = true

[[rules]]
name = "no rumours"
title = "/rumou?r/"
read = true

[[rules]]
name = "foldables"
title = "foldable"
hide = true
add_tag = "folding"
"""


def test_rules_star_mark_read_and_notify_new_stories_only(feed_server: FeedServer, store):
    route = Route(
        body=rss(
            ("a", "HarmonyOS passes 27 million users"), ("b", "Rumour: a foldable"), ("c", "Plain")
        )
    )
    url = feed_server.route("/feed", route)
    config = parse_config((config_text(url) + RULES).encode(), Path("/tmp/feeds.toml"))
    summary, _ = run(store, config)
    stories = {s.uid: s for s in store.stories()}
    assert stories["a"].starred and not stories["a"].read
    assert "b" not in stories  # hidden by the third rule
    hidden = store.stories(StoryQuery(include_hidden=True, tag="folding"))
    assert [(s.uid, s.read, s.hidden) for s in hidden] == [("b", True, True)]
    assert store.feeds()[0].unread == 2  # a hidden story is not waiting to be read
    assert not stories["c"].read and not stories["c"].starred
    assert summary.notification == "1 new story for Huawei (1): HarmonyOS passes 27 million users"
    store.set_starred(stories["a"].id, False)  # the user undoes the rule
    route.body = rss(
        ("a", "HarmonyOS passes 27 million users, updated"),
        ("b", "Rumour: a foldable"),
        ("c", "Plain"),
    )
    summary, _ = run(store, config)
    assert summary.updated_stories == 1 and summary.notification is None
    assert not store.story(stories["a"].id).starred


def test_cli_due_and_notify(feed_server: FeedServer, tmp_path: Path):
    url = feed_server.route(
        "/feed", Route(body=rss(("a", "HarmonyOS grows"), ("b", "Other")), etag=True)
    )
    config = tmp_path / "feeds.toml"
    config.write_text(config_text(url) + RULES)
    command = [
        sys.executable,
        "-m",
        "tui",
        "--config",
        str(config),
        "--db",
        str(tmp_path / "d.db"),
        "refresh",
    ]
    env = {**os.environ, "DIGEST_PARSE_WORKERS": "1"}
    first = subprocess.run(
        [*command, "--notify"], capture_output=True, text=True, env=env, timeout=120
    )
    assert first.returncode == 0, first.stderr
    assert first.stdout.splitlines()[-1] == "1 new story for Huawei (1): HarmonyOS grows"
    second = subprocess.run(
        [*command, "--due"], capture_output=True, text=True, env=env, timeout=120
    )
    assert second.stdout.startswith("0 ok, 0 not modified, 0 failed, 1 skipped")
    assert len(feed_server.hits("/feed")) == 1
