"""The two XML feed readers behind :mod:`tui.core.parse`, each turning
bytes into a :class:`~tui.core.feed_entries.RawFeed`.

feedparser is the reference: it reads every dialect and every encoding,
and salvages broken XML. It is also slow (about 30 ms for a 50 KB feed), so
well-formed UTF-8 feeds go first through fastfeedparser, an lxml-based
reader about 50× faster. ``parse.py`` decides which to trust; this module
only adapts their output. feedparser is always handed a file object, never
bytes or a string, because given a string it opens the path or URL the
string names.
"""

from __future__ import annotations

import io
import re
import time
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from tui.core.feed_entries import RawEntry, RawFeed, clean_text, parse_iso, parse_length
from tui.core.urls import scheme_of

_ATOM_ROOT = re.compile(rb"<(?:[A-Za-z][\w.-]*:)?feed[\s>]")
_RDF_ROOT = re.compile(rb"<(?:[A-Za-z][\w.-]*:)?RDF[\s>]")
_MOJIBAKE = re.compile("[\u00c2-\u00f4][\u0080-\u00bf]")


class FastPathDeclined(Exception):
    """The fast reader cannot vouch for this feed; use feedparser."""


# ------------------------------------------------------------------ feedparser


def read_with_feedparser(body: bytes, url: str, content_type: str | None) -> RawFeed:
    """Parse *body* (fetched from *url*) with feedparser."""
    import feedparser

    # Without a content type feedparser flags every feed bozo; servers that
    # send none (or text/plain, file:// feeds) still send XML.
    headers = {"content-location": url, "content-type": _xml_type(content_type)}
    parsed = feedparser.parse(
        io.BytesIO(body),
        response_headers=headers,
        sanitize_html=False,  # html_to_markdown sanitises, once, for every reader
    )
    feed = parsed.get("feed", {})
    bozo = None
    if parsed.get("bozo"):
        bozo = _bozo_message(parsed.get("bozo_exception"))
    return RawFeed(
        title=clean_text(feed.get("title")) or None,
        site_url=clean_text(feed.get("link")) or None,
        entries=[_feedparser_entry(entry) for entry in parsed.get("entries", [])],
        bozo=bozo,
        version=str(parsed.get("version") or ""),
    )


def _xml_type(content_type: str | None) -> str:
    if content_type and "xml" in content_type.lower():
        return content_type
    charset = ""
    if content_type and "charset=" in content_type.lower():
        charset = "; " + content_type[content_type.lower().index("charset=") :]
    return "application/xml" + charset


def _feedparser_entry(entry: Mapping[str, Any]) -> RawEntry:
    # dict.get: FeedParserDict.get maps updated→published with a warning
    published = _struct_time(dict.get(entry, "published_parsed"))
    updated = _struct_time(dict.get(entry, "updated_parsed"))
    content_text, content_is_text, base = "", False, None
    for part in entry.get("content") or ():
        value = clean_text(part.get("value"))
        if len(value.strip()) > len(content_text.strip()):  # the full text, not a teaser
            content_text = value
            content_is_text = part.get("type") == "text/plain"
            base = part.get("base") or None
    summary_detail = entry.get("summary_detail") or {}
    title_detail = entry.get("title_detail") or {}
    raw_date = clean_text(dict.get(entry, "published") or dict.get(entry, "updated"))
    return RawEntry(
        guid=clean_text(entry.get("id")) or None,
        link=clean_text(entry.get("link")) or None,
        title=clean_text(entry.get("title")),
        title_is_html=title_detail.get("type") == "text/html",
        published=published,
        updated=updated,
        date_text=(published or updated).isoformat() if (published or updated) else raw_date,
        author=clean_text((entry.get("author_detail") or {}).get("name") or entry.get("author"))
        or None,
        summary=clean_text(entry.get("summary")),
        summary_is_text=summary_detail.get("type") == "text/plain",
        content=content_text,
        content_is_text=content_is_text,
        base=base if base and base.startswith(("http://", "https://")) else None,
        enclosures=[
            (
                clean_text(item.get("href")),
                clean_text(item.get("type")),
                parse_length(item.get("length")),
            )
            for item in entry.get("enclosures") or ()
            if item.get("href")
        ],
    )


def _struct_time(value: time.struct_time | None) -> datetime | None:
    if not value:
        return None
    try:
        return datetime(*value[:6], tzinfo=UTC)  # type: ignore[misc]
    except (TypeError, ValueError, OverflowError):
        return None


def _bozo_message(error: object) -> str:
    """feedparser's complaint as one line a user can act on."""
    name = type(error).__name__
    if name in ("CharacterEncodingOverride", "CharacterEncodingUnknown"):
        return f"encoding: {error}"
    get_line = getattr(error, "getLineNumber", None)
    message = getattr(error, "getMessage", None)
    if callable(get_line) and callable(message):
        try:
            return (
                f"not well-formed (line {get_line()}, col {error.getColumnNumber()}: {message()})"  # type: ignore[attr-defined]
            )
        except Exception:
            pass
    return f"not well-formed ({error})"


def is_encoding_bozo(message: str | None) -> bool:
    """True for feedparser's encoding complaints, which are warnings only:
    the feed was read correctly, just not in the declared encoding."""
    return bool(message and message.startswith("encoding:"))


# -------------------------------------------------------------- fastfeedparser


def read_fast(body: bytes, url: str) -> RawFeed:
    """Parse *body* with fastfeedparser; raises :class:`FastPathDeclined`
    when it fails, finds nothing, or shows a sign of having read the feed
    differently from feedparser (the agreement test in tests/refresh
    found each of these on real feeds)."""
    import fastfeedparser

    try:
        parsed = fastfeedparser.parse(body, include_tags=False, include_media=False)
    except Exception as error:
        raise FastPathDeclined(str(error)) from None
    entries = parsed.get("entries") or []
    if not entries:
        raise FastPathDeclined("no entries")
    head = body[:4096]
    if _RDF_ROOT.search(head):
        raise FastPathDeclined("RSS 1.0")  # fastfeedparser misses its content:encoded
    atom = _ATOM_ROOT.search(head) is not None
    raw = []
    for entry in entries:
        if not (entry.get("content") or entry.get("description")):
            raise FastPathDeclined("an entry without text")  # feedparser reads media:description
        raw.append(_fast_entry(entry, url if atom else None))
    feed = parsed.get("feed") or {}
    return RawFeed(
        title=_fast_text(feed.get("title")) or None,
        site_url=_fast_text(feed.get("link")) or None,
        entries=raw,
        version="fast",
    )


def _atom_link(links: object, default: str | None) -> str | None:
    """feedparser's rule for an Atom entry's link: the first alternate
    link to a web page (a PDF alternate is not the story's page)."""
    if not isinstance(links, list) or not links:
        return default
    for item in links:
        if (item.get("rel") or "alternate") == "alternate" and (
            item.get("type") or "text/html"
        ) in (
            "text/html",
            "application/xhtml+xml",
        ):
            return _fast_text(item.get("href")) or default
    return None


def _fast_text(value: object) -> str:
    """A string from fastfeedparser, refusing mojibake: UTF-8 read as
    Latin-1 somewhere inside it (a lead byte followed by a C1 character)."""
    if not isinstance(value, str):
        return ""
    if _MOJIBAKE.search(value):
        raise FastPathDeclined("mis-decoded text")
    return clean_text(value)


def _fast_entry(entry: Mapping[str, Any], atom_base: str | None) -> RawEntry:
    published = parse_iso(entry.get("published"))
    updated = parse_iso(entry.get("updated"))
    content, content_is_text, base = "", False, None
    for part in entry.get("content") or ():
        value = _fast_text(part.get("value"))
        if len(value.strip()) > len(content.strip()):
            content = value
            content_is_text = part.get("type") in ("text", "text/plain")
            base = part.get("base") or None
    moment = published or updated
    guid = _fast_text(entry.get("id")) or None
    link = _fast_text(entry.get("link")) or None
    if atom_base:
        if guid and not scheme_of(guid):
            # feedparser resolves relative Atom ids against xml:base; let it.
            raise FastPathDeclined("relative Atom id")
        link = _atom_link(entry.get("links"), link)
    return RawEntry(
        guid=guid,
        link=link,
        title=_fast_text(entry.get("title")),
        published=published,
        updated=updated,
        date_text=moment.isoformat() if moment else "",
        author=_fast_text(entry.get("author")) or None,
        summary=_fast_text(entry.get("description")),
        content=content,
        content_is_text=content_is_text,
        base=base if base and base.startswith(("http://", "https://")) else None,
        enclosures=[
            (
                clean_text(item.get("url")),
                clean_text(item.get("type")),
                parse_length(item.get("length")),
            )
            for item in entry.get("enclosures") or ()
            if item.get("url")
        ],
    )
