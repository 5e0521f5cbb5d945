"""JSON Feed 1.0 and 1.1 (https://jsonfeed.org/version/1.1).

feedparser reads no JSON at all (it reports a bozo XML error and no
entries), so JSON Feed items are mapped here to the same
:class:`~tui.core.feed_entries.RawEntry` the XML readers produce. Anything
that is JSON but not a JSON Feed (say, RSS serialised as JSON) is refused
with a message rather than shown as raw JSON.
"""

from __future__ import annotations

import json
from typing import Any

from tui.core.feed_entries import RawEntry, RawFeed, clean_text, parse_iso, parse_length

VERSION_PREFIX = "https://jsonfeed.org/version/"


class NotJsonFeed(ValueError):
    """The body is not a JSON Feed; the message says what it is instead."""


def looks_like_json(body: bytes, content_type: str | None = None) -> bool:
    """True when *body* should be read as JSON: a JSON content type, or a
    body whose first non-blank character opens an object."""
    if content_type and "json" in content_type.lower():
        return True
    start = body[:64].lstrip(b"\xef\xbb\xbf \t\r\n")
    return start.startswith(b"{")


def read_json_feed(body: bytes) -> RawFeed:
    """Parse a JSON Feed; raises :class:`NotJsonFeed` for anything else."""
    try:
        data = json.loads(body.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise NotJsonFeed("JSON Feed is not valid UTF-8") from None
    except RecursionError:
        raise NotJsonFeed("JSON nested too deeply") from None
    except ValueError as error:
        raise NotJsonFeed(f"not valid JSON ({error})") from None
    if not isinstance(data, dict) or not str(data.get("version", "")).startswith(VERSION_PREFIX):
        raise NotJsonFeed("JSON, but not a JSON Feed (no jsonfeed.org version)")
    items = data.get("items")
    if not isinstance(items, list):
        raise NotJsonFeed("JSON Feed without an items list")
    return RawFeed(
        title=_text(data.get("title")) or None,
        site_url=_text(data.get("home_page_url")) or None,
        entries=[_entry(item, data) for item in items if isinstance(item, dict)],
        version="json" + str(data["version"]).removeprefix(VERSION_PREFIX),
    )


def _entry(item: dict[str, Any], feed: dict[str, Any]) -> RawEntry:
    published = parse_iso(_text(item.get("date_published")))
    updated = parse_iso(_text(item.get("date_modified")))
    html = _text(item.get("content_html"))
    text = _text(item.get("content_text"))
    moment = published or updated
    identifier = item.get("id")
    return RawEntry(
        guid=_text(identifier) if isinstance(identifier, (str, int)) else None,
        link=_text(item.get("url")) or _text(item.get("external_url")) or None,
        title=_text(item.get("title")),
        published=published,
        updated=updated,
        date_text=moment.isoformat() if moment else "",
        author=_author(item) or _author(feed),
        summary=_text(item.get("summary")),
        summary_is_text=True,
        content=html or text,
        content_is_text=not html,
        enclosures=[
            (_text(a.get("url")), _text(a.get("mime_type")), parse_length(a.get("size_in_bytes")))
            for a in _list(item.get("attachments"))
            if isinstance(a, dict) and a.get("url")
        ],
    )


def _author(obj: dict[str, Any]) -> str | None:
    """The author names of an item or feed: ``authors`` (1.1) or ``author`` (1.0)."""
    people = obj.get("authors")
    if not isinstance(people, list):
        people = [obj.get("author")]
    names = [_text(p.get("name")) for p in people if isinstance(p, dict)]
    return ", ".join(name for name in names if name) or None


def _list(value: object) -> list[Any]:
    """A field the spec says is an array, or nothing if the feed wrote
    something else there."""
    return value if isinstance(value, list) else []


def _text(value: object) -> str:
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return clean_text(value)


__all__ = ["NotJsonFeed", "looks_like_json", "read_json_feed"]
