"""Every real feed of ../shared/corpus, served over HTTP and refreshed,
gives the stories feedparser itself finds; and the fast parser agrees with
feedparser wherever parse.py lets it read a feed."""

from __future__ import annotations

import csv
import difflib
import io
import json
import re
from collections import Counter
from pathlib import Path

import feedparser
import pytest

from tests.refresh.helpers import config_for, run
from tests.support.server import FeedServer, Route
from tui.core.feed_entries import plain_title
from tui.core.parse import parse_feed


def corpus(shared: Path) -> list[tuple[Path, str]]:
    """(file, format column) for every feed listed in SOURCES.tsv."""
    folder = shared / "corpus" / "feeds"
    with open(folder / "SOURCES.tsv", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    return [(folder / row["file"], row["format"]) for row in rows]


def expected_titles(path: Path, kind: str) -> list[str] | None:
    """What feedparser (or, for JSON Feed, the JSON itself) says the feed
    holds; None for files that are not feeds and must fail."""
    body = path.read_bytes()
    if kind.startswith("not a feed"):
        return None
    if kind.startswith("json (jsonfeed"):
        return [plain_title(item.get("title") or "") for item in json.loads(body)["items"]]
    parsed = feedparser.parse(
        io.BytesIO(body), response_headers={"content-type": "application/xml"}
    )
    if not parsed.entries:
        return None  # e.g. RSS serialised as JSON: feedparser reads no stories, nor do we
    # Two rules of ours apply on top: one story per identity (a guid or link
    # listed twice is one story), and entries with nothing at all in them
    # (no id, link, title or text) are salvage, not stories.
    titles: dict[str, str] = {}
    for entry in parsed.entries:
        if not any(entry.get(key) for key in ("id", "link", "title", "summary", "content")):
            continue
        title = plain_title(
            entry.get("title", ""), (entry.get("title_detail") or {}).get("type") == "text/html"
        )
        titles.setdefault(entry.get("id") or entry.get("link") or f"#{len(titles)}", title)
    return list(titles.values())


def test_every_corpus_feed_gives_feedparsers_stories(shared: Path, feed_server: FeedServer, store):
    feeds = corpus(shared)
    urls = {}
    for path, _kind in feeds:
        content_type = "application/feed+json" if path.suffix == ".json" else "application/xml"
        urls[path.name] = feed_server.route(
            f"/{path.name}", Route(body=path.read_bytes(), content_type=content_type)
        )
    summary, _ = run(store, config_for(*urls.values(), max_items=5000))
    by_url = {feed.url: feed for feed in store.feeds()}
    problems = []
    for path, kind in feeds:
        feed = by_url[urls[path.name]]
        expected = expected_titles(path, kind)
        stored = [s.title for s in store.stories(_query(feed.id))]
        if expected is None:
            if stored or not feed.state.last_error:
                problems.append(f"{path.name}: expected an error, got {len(stored)} stories")
            continue
        if Counter(stored) != Counter(expected):
            problems.append(
                f"{path.name}: {len(stored)} stories vs {len(expected)}; "
                f"only ours: {list((Counter(stored) - Counter(expected)).elements())[:2]}, "
                f"only feedparser's: {list((Counter(expected) - Counter(stored)).elements())[:2]}"
            )
    assert not problems, "\n".join(problems)
    assert summary.failed == 2  # the HTML page and RSS-as-JSON
    assert summary.ok == len(feeds) - 2


def _query(feed_id: int):
    from tui.core.store import StoryQuery

    return StoryQuery(feed_ids=(feed_id,), limit=None)


def _words(text: str) -> list[str]:
    return re.findall(r"\w+", text.lower())


def test_the_fast_parser_agrees_with_feedparser_on_the_corpus(shared: Path, monkeypatch):
    # This compares the parsers, not the HTML converter: plain text suffices
    # for the bodies, and keeps the test fast.
    monkeypatch.setattr(
        "tui.core.feed_entries.html_to_markdown",
        lambda html, base=None: " ".join(re.sub(r"<[^>]*>", " ", html).split()),
    )
    used_fast = 0
    problems = []
    for path, _kind in corpus(shared):
        body = path.read_bytes()
        fast = parse_feed(body, "https://example.com/feed.xml")
        reference = parse_feed(body, "https://example.com/feed.xml", fast=False)
        used_fast += fast.parser == "fast"
        if fast.parser != "fast":
            continue
        if reference.error or len(fast.stories) != len(reference.stories):
            problems.append(f"{path.name}: {len(fast.stories)} stories vs {len(reference.stories)}")
            continue
        for mine, theirs in zip(fast.stories, reference.stories, strict=True):
            for name in ("uid", "title", "link", "published"):
                if getattr(mine, name) != getattr(theirs, name):
                    problems.append(
                        f"{path.name}: {name} {getattr(mine, name)!r} != {getattr(theirs, name)!r}"
                    )
            similarity = (
                difflib.SequenceMatcher(
                    None, _words(mine.body), _words(theirs.body), autojunk=False
                ).ratio()
                if mine.body != theirs.body
                else 1.0
            )
            if similarity < 0.9:
                problems.append(f"{path.name}: body of {mine.uid!r} only {similarity:.2f} alike")
    assert not problems, "\n".join(problems[:20])
    assert used_fast >= 30, f"the fast path read only {used_fast} corpus feeds"


@pytest.mark.parametrize(
    "name",
    [
        "empty.xml",
        "billion_laughs_oneline.xml",
        "malformed_bozo.rss",
        "mislabeled_cp1252.rss",
        "json_not_feed.json",
        "html_not_feed.html",
        "body_is_a_path.txt",
    ],
)
def test_hostile_bodies_are_refused_or_read_safely(shared: Path, name: str):
    body = (shared / "hostile" / "feeds" / name).read_bytes()
    parsed = parse_feed(body, "https://example.com/feed.xml")
    text = " ".join(s.title + s.body for s in parsed.stories)
    assert "root:" not in text and "lollol" not in text
    if name == "mislabeled_cp1252.rss":
        assert parsed.stories and parsed.error is None and "encoding" in (parsed.warning or "")
    elif name == "json_not_feed.json":
        assert parsed.error is None or "JSON" in parsed.error
    else:
        assert parsed.error or all(s.title for s in parsed.stories)
