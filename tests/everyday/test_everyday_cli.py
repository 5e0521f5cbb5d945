"""The everyday commands as a user types them: add, remove, import,
export, rules, vacuum."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.support.server import Route
from tui.cli import main
from tui.core.config import load_config
from tui.core.models import Story
from tui.core.store import Store
from tui.core.urls import typed_url

DATA = Path(__file__).parent / "data"
RSS = b"""<?xml version="1.0"?><rss version="2.0"><channel><title>Harbour Times</title>
<link>https://harbour.example/</link><item><title>Ferry</title><guid>1</guid></item></channel></rss>"""
PRIVATE = "# mine\n[settings]\nallow_private = true\n"


def digest(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def homepage(links: str) -> Route:
    return Route(
        body=f"<html><head>{links}</head><body>hi</body></html>".encode(), content_type="text/html"
    )


def test_add_discovers_shows_the_title_and_appends(feed_server, write_config, capsys) -> None:
    config = write_config(PRIVATE)
    page = feed_server.route(
        "/", homepage('<link rel="alternate" type="application/rss+xml" href="/feed.xml">')
    )
    feed = feed_server.route("/feed.xml", Route(body=RSS))
    code, out, err = digest(capsys, "--config", str(config), "add", page, "--tag", "local")
    assert code == 0, err
    assert f"Feed: Harbour Times  {feed}" in out
    assert f'url = "{feed}"\ntags = ["local"]' in out
    assert config.read_text().startswith(PRIVATE)
    assert load_config(config).feeds[0].url == feed


def test_add_lists_several_feeds_and_takes_the_picked_one(
    feed_server, write_config, capsys
) -> None:
    config = write_config(PRIVATE)
    page = feed_server.route(
        "/",
        homepage(
            '<link rel="alternate" type="application/rss+xml" title="Posts" href="/posts.xml">'
            '<link rel="alternate" type="application/rss+xml" title="Comments" href="/comments.xml">'
        ),
    )
    feed_server.route("/posts.xml", Route(body=RSS))
    comments = feed_server.route(
        "/comments.xml", Route(body=RSS.replace(b"Harbour Times", b"Comments on HT"))
    )
    code, out, _ = digest(
        capsys, "--config", str(config), "add", page, "--pick", "2", "--title", "HT comments"
    )
    assert code == 0
    assert (
        "2 feeds found on" in out
        and "1. Posts" in out
        and "2. Comments" in out
        and "Taking 2" in out
    )
    assert (load_config(config).feeds[0].url, load_config(config).feeds[0].title) == (
        comments,
        "HT comments",
    )
    code, _, err = digest(capsys, "--config", str(config), "add", page, "--pick", "3")
    assert code == 1 and "--pick 3: choose 1 to 2" in err


def test_add_says_plainly_when_there_is_no_feed(feed_server, write_config, capsys) -> None:
    config = write_config(PRIVATE)
    page = feed_server.route("/", homepage(""))
    code, _, err = digest(capsys, "--config", str(config), "add", page)
    assert code == 1 and "no feed found at" in err and "9 common feed paths" in err
    assert config.read_text() == PRIVATE


def test_add_refuses_a_duplicate_and_dry_run_writes_nothing(
    feed_server, write_config, capsys
) -> None:
    feed = feed_server.route("/feed.xml", Route(body=RSS))
    config = write_config(PRIVATE + f'\n[[feeds]]\nurl = "{feed}"\n')
    code, _, err = digest(capsys, "--config", str(config), "add", feed)
    assert code == 1 and "already in feeds.toml" in err
    other = feed_server.route("/other.xml", Route(body=RSS))
    before = config.read_text()
    code, out, _ = digest(capsys, "--config", str(config), "add", other, "--dry-run")
    assert code == 0 and "Would append" in out and config.read_text() == before


def test_add_a_local_file_creates_the_config(tmp_path, capsys) -> None:
    config = tmp_path / "conf" / "feeds.toml"
    code, _out, err = digest(capsys, "--config", str(config), "add", str(tmp_path / "saved.xml"))
    assert code == 0, err
    assert load_config(config).feeds[0].url == (tmp_path / "saved.xml").as_uri()


def test_remove_by_title_and_unknown(write_config, capsys) -> None:
    config = write_config(
        '[[feeds]]\nurl = "https://a.example/rss"\ntitle = "Alpha"\n\n[[feeds]]\nurl = "https://b.example/rss"\n'
    )
    code, out, _ = digest(capsys, "--config", str(config), "remove", "alpha")
    assert code == 0 and "Removed Alpha from" in out
    assert config.read_text() == '[[feeds]]\nurl = "https://b.example/rss"\n'
    code, _, err = digest(capsys, "--config", str(config), "remove", "Gamma")
    assert code == 1 and "no feed matches 'Gamma'" in err


def test_remove_by_the_feeds_own_title_known_to_the_store(write_config, tmp_path, capsys) -> None:
    config = write_config('[[feeds]]\nurl = "https://a.example/rss"\n')
    db = tmp_path / "digest.db"
    with Store.open(db) as store:
        store.sync_feeds(load_config(config).feeds)
        (feed,) = store.feeds()
        store.save_fetch_state(feed.id, feed.state, feed_title="Alpha Daily")
    code, _out, err = digest(
        capsys, "--config", str(config), "--db", str(db), "remove", "Alpha Daily"
    )
    assert code == 0, err
    assert load_config(config).feeds == ()


def test_import_then_export_round_trip(write_config, tmp_path, capsys) -> None:
    config = write_config("")
    code, out, err = digest(
        capsys, "--config", str(config), "import", str(DATA / "liferea_nested.opml")
    )
    assert code == 0, err
    assert (
        "+ Riverside Gazette  https://riverside-gazette.example/rss?section=local&format=xml  [News, Europe, Local & Regional]"
        in out
    )
    assert "! Bad Scheme: not an http(s) feed URL" in out
    assert "Added 5 feeds to" in out
    code, out, _ = digest(
        capsys, "--config", str(config), "import", str(DATA / "liferea_nested.opml")
    )
    assert "Added 0 feeds" in out and out.count("= ") == 5
    exported = tmp_path / "out.opml"
    code, _, err = digest(capsys, "--config", str(config), "export", "--opml", "-o", str(exported))
    assert code == 0 and "Wrote 5 feeds" in err
    again = write_config("", name="again.toml")
    digest(capsys, "--config", str(again), "import", str(exported))
    assert [(f.url, f.tags) for f in load_config(again).feeds] == [
        (f.url, f.tags) for f in load_config(config).feeds
    ]


def test_import_reports_an_encoding_fallback_and_bad_files(write_config, tmp_path, capsys) -> None:
    config = write_config("")
    code, out, err = digest(
        capsys, "--config", str(config), "import", str(DATA / "latin1_undeclared.opml")
    )
    assert code == 0 and "read as Windows-1252" in err and "Le Télégraphe du Midi" in out
    bad = tmp_path / "bad.opml"
    bad.write_text("this is not xml")
    code, _, err = digest(capsys, "--config", str(config), "import", str(bad))
    assert code == 1 and "not an OPML file" in err


def test_export_to_stdout_needs_a_format(write_config, capsys) -> None:
    config = write_config('[[feeds]]\nurl = "https://a.example/rss"\ntags = ["x"]\n')
    code, out, _ = digest(capsys, "--config", str(config), "export", "--opml")
    assert code == 0 and out.startswith("<?xml") and 'xmlUrl="https://a.example/rss"' in out
    with pytest.raises(SystemExit):
        main(["--config", str(config), "export"])


RULES = """
[[feeds]]
url = "https://a.example/rss"
title = "Alpha"

[[rules]]
name = "Ferries"
title = "ferry"
star = true
"""


def test_rules_lists_and_tests(write_config, tmp_path, capsys) -> None:
    config = write_config(RULES)
    db = tmp_path / "digest.db"
    code, out, _ = digest(capsys, "--config", str(config), "rules")
    assert code == 0 and out.strip() == "1. Ferries (line 6): title ~ 'ferry' -> star"
    with Store.open(db) as store:
        store.sync_feeds(load_config(config).feeds)
        (feed,) = store.feeds()
        when = datetime(2024, 6, 3, tzinfo=UTC)
        store.upsert_stories(
            feed.id,
            [
                Story(uid="1", title="Ferry strike", published=when),
                Story(uid="2", title="Budget", published=when),
            ],
        )
    code, out, _ = digest(capsys, "--config", str(config), "--db", str(db), "rules", "--test")
    assert code == 0 and "matches 1 story" in out and "2024-06-03 Ferry strike · Alpha" in out


def test_a_bad_rule_is_a_config_error(write_config, capsys) -> None:
    config = write_config('[[rules]]\ntitle = "/(/"\nhide = true\n')
    code, _, err = digest(capsys, "--config", str(config), "rules")
    assert code == 2 and "feeds.toml:2: rules[1].title: bad regular expression" in err


def test_vacuum_prunes_by_days_and_dry_run(write_config, tmp_path, capsys) -> None:
    config = write_config(
        '[settings]\nretention_days = 30\n\n[[feeds]]\nurl = "https://a.example/rss"\n'
    )
    db = tmp_path / "digest.db"
    old = datetime.now(UTC) - timedelta(days=40)
    with Store.open(db) as store:
        store.sync_feeds(load_config(config).feeds)
        (feed,) = store.feeds()
        store.upsert_stories(
            feed.id, [Story(uid="1", title="Old", published=old, first_seen=old, read=True)]
        )
    base = ("--config", str(config), "--db", str(db), "vacuum")
    code, out, _ = digest(capsys, *base, "--dry-run")
    assert code == 0 and "Would remove 1 read, unstarred stories older than 30 days" in out
    code, out, _ = digest(capsys, *base, "--days", "60")
    assert "Removed 0" in out and "Compacted" in out
    code, out, _ = digest(capsys, *base)
    assert "Removed 1 read" in out and "https://a.example/rss" in out
    code, out, _ = digest(capsys, *base, "--days", "0")
    assert "retention is 0 days" in out


@pytest.mark.parametrize(
    ("typed", "url"),
    [
        ("example.com", "https://example.com"),
        ("news.example.co.uk/blog/", "https://news.example.co.uk/blog/"),
        ("feed://example.com/rss", "http://example.com/rss"),
        ("feed:https://example.com/rss", "https://example.com/rss"),
        ("http://example.com", "http://example.com"),
        ("./saved.xml", "./saved.xml"),
    ],
)
def test_what_people_type_as_a_url(typed: str, url: str) -> None:
    assert typed_url(typed) == url
