"""A re-fetched feed converts only the entries that changed: unchanged ones
are recognised by the hash of what the feed wrote, before any HTML work."""

from __future__ import annotations

from datetime import UTC, datetime

import tui.core.feed_entries as feed_entries
from tests.refresh.helpers import rss
from tui.core.parse import parse_feed

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)


def test_unchanged_entries_are_skipped_without_conversion(monkeypatch) -> None:
    body = rss(("a", "One"), ("b", "Two"), ("c", "Three"))
    first = parse_feed(body, "https://example.com/feed", now=NOW)
    assert len(first.stories) == 3 and first.unchanged == 0
    known = {story.uid: story.source_hash for story in first.stories}
    assert all(hash_.startswith("src:") for hash_ in known.values())

    conversions = []
    real = feed_entries.html_to_markdown
    monkeypatch.setattr(
        feed_entries, "html_to_markdown", lambda html, base: conversions.append(html) or real(html, base)
    )
    changed = rss(("a", "One"), ("b", "Two, corrected"), ("c", "Three"), ("d", "Four"))
    second = parse_feed(changed, "https://example.com/feed", now=NOW, known=known)
    assert sorted(story.uid for story in second.stories) == ["b", "d"]
    assert second.unchanged == 2
    assert len(conversions) == 2  # only b and d were converted


def test_the_source_hash_ignores_dates_but_not_text() -> None:
    one = parse_feed(rss(("a", "One"), ("b", "Two")), "https://e.com/f", now=NOW).stories
    moved = parse_feed(rss(("b", "Two"), ("a", "One")), "https://e.com/f", now=NOW).stories
    assert {s.uid: s.source_hash for s in one} == {s.uid: s.source_hash for s in moved}
    retitled = parse_feed(rss(("a", "One!"), ("b", "Two")), "https://e.com/f", now=NOW).stories
    assert {s.uid: s.source_hash for s in retitled}["a"] != {s.uid: s.source_hash for s in one}["a"]


def test_an_entry_a_library_chokes_on_costs_only_itself(monkeypatch) -> None:
    real = feed_entries.html_to_markdown

    def convert(html: str, base: str | None) -> str:
        if "Two" in html:
            raise ValueError("a fault in the converter")
        return real(html, base)

    monkeypatch.setattr(feed_entries, "html_to_markdown", convert)
    parsed = parse_feed(rss(("a", "One"), ("b", "Two"), ("c", "Three")), "https://example.com/feed", now=NOW)
    assert parsed.error is None
    assert sorted(story.uid for story in parsed.stories) == ["a", "c"]
    assert parsed.warning == "1 story could not be read (ValueError: a fault in the converter)"
