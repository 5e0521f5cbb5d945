"""``digest refresh``, ``digest feeds`` and ``digest print`` as a user runs
them: the summary line, failures on stderr, the lock, the listings."""

from __future__ import annotations

import json

from tests.refresh.helpers import config_text, rss
from tests.support.server import FeedServer, Route
from tui.cli import main
from tui.core.store import WriterLock


def _setup(feed_server: FeedServer, write_config, tmp_path):
    good = feed_server.route(
        "/good", Route(body=rss(("a", "Rates rose 2%"), ("b", "Calm day")), etag=True)
    )
    moved = feed_server.route("/moved", Route(status=308, headers={"Location": "/good2"}, body=b""))
    feed_server.route("/good2", Route(body=rss(("c", "Moved story"), title="Elsewhere")))
    bad = feed_server.url("/nope")
    config = write_config(config_text(good, moved, bad))
    return ["--config", str(config), "--db", str(tmp_path / "d.db")]


def test_refresh_prints_a_summary_and_lists_failures_on_stderr(
    feed_server, write_config, tmp_path, capsys
):
    args = _setup(feed_server, write_config, tmp_path)
    assert main([*args, "refresh"]) == 0
    out, err = capsys.readouterr()
    assert out.startswith("2 ok, 0 not modified, 1 failed; 3 new stories;")
    assert err.strip().splitlines() == [f"digest: {feed_server.url('/nope')}: HTTP 404 Not Found"]


def test_quiet_refresh_prints_only_failures(feed_server, write_config, tmp_path, capsys):
    args = _setup(feed_server, write_config, tmp_path)
    main([*args, "refresh", "--quiet"])
    out, err = capsys.readouterr()
    assert out == "" and "HTTP 404" in err


def test_refresh_one_feed_by_title(feed_server, write_config, tmp_path, capsys):
    args = _setup(feed_server, write_config, tmp_path)
    main([*args, "refresh"])
    capsys.readouterr()
    assert main([*args, "refresh", "--feed", "Elsewhere"]) == 0
    # the body has not changed (same hash), so it is not parsed again
    assert capsys.readouterr().out.startswith("0 ok, 1 not modified, 0 failed")


def test_a_second_refresh_says_another_is_running(
    feed_server, write_config, tmp_path, capsys, monkeypatch
):
    args = _setup(feed_server, write_config, tmp_path)
    monkeypatch.setattr("tui.cli.refresh_cmd.LOCK_WAIT_SECONDS", 0.1)
    lock = WriterLock(tmp_path / "d.db")
    assert lock.acquire()
    try:
        assert main([*args, "refresh"]) == 1
    finally:
        lock.release()
    assert "another digest refresh is running (pid" in capsys.readouterr().err


def test_feeds_shows_state_moves_and_errors(feed_server, write_config, tmp_path, capsys):
    args = _setup(feed_server, write_config, tmp_path)
    main([*args, "refresh"])
    capsys.readouterr()
    assert main([*args, "feeds"]) == 0
    assert "redirects permanently to " + feed_server.url("/good2") in capsys.readouterr().out
    main([*args, "refresh"])
    capsys.readouterr()
    assert main([*args, "feeds"]) == 0
    out = capsys.readouterr().out
    assert "moved permanently to " + feed_server.url("/good2") in out
    assert "error: HTTP 404 Not Found" in out
    assert "2/2" in out and "ok, fetched" in out


def test_print_json_lists_stories_with_figures(feed_server, write_config, tmp_path, capsys):
    args = _setup(feed_server, write_config, tmp_path)
    main([*args, "refresh"])
    capsys.readouterr()
    assert (
        main([*args, "print", "--format", "json", "--unread", "--since", "1000w", "--limit", "2"])
        == 0
    )
    stories = json.loads(capsys.readouterr().out)["stories"]
    assert len(stories) == 2
    assert set(stories[0]) == {
        "id",
        "feed",
        "title",
        "link",
        "published",
        "read",
        "starred",
        "figures",
    }
    assert {s["title"] for s in stories} <= {"Rates rose 2%", "Moved story"}


def test_print_markdown(feed_server, write_config, tmp_path, capsys):
    args = _setup(feed_server, write_config, tmp_path)
    main([*args, "refresh"])
    capsys.readouterr()
    assert main([*args, "print", "--format", "md"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("# Digest (3 stories)")
    assert "[Moved story](https://example.com/c)" in out
