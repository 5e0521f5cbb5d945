"""Bytes of a feed → :class:`ParsedFeed`: its title, site and normalised
stories, or the reason it cannot be read.

Order of work, each step there for a reason:

1. An empty body is an error ("empty response"): feedparser would report
   a valid feed with no items, and the stories we hold would look stale.
2. ``<!DOCTYPE … [ … ]>`` internal subsets are removed before any parser
   sees the bytes. Entity declarations are how billion-laughs and
   quadratic-blowup bodies work, and feedparser's loose fallback parser
   expands them; no real feed needs them.
3. JSON bodies go to the JSON Feed reader (feedparser reads no JSON).
4. Well-formed UTF-8 XML goes to the fast reader; everything it declines,
   and every other encoding, goes to feedparser, the reference.
5. A parse that read nothing from a body that has items, or salvaged only
   empty shells, is an error, so it can never replace what the store holds.
   A feed read correctly in another encoding than declared is a warning.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from xml.parsers import expat

from tui.core.feed_entries import (
    FUTURE_SLACK,
    EntryIdentity,
    RawEntry,
    RawFeed,
    entry_identity,
    source_hash,
    to_story,
)
from tui.core.feed_readers import (
    FastPathDeclined,
    is_encoding_bozo,
    read_fast,
    read_with_feedparser,
)
from tui.core.jsonfeed import NotJsonFeed, looks_like_json, read_json_feed
from tui.core.models import Story
from tui.core.sanitize import one_line

_DOCTYPE = re.compile(
    rb"<!DOCTYPE\b(?:[^\[>\"']|\"[^\"]*\"|'[^']*')*(?:\[.*?\]\s*)?>", re.IGNORECASE | re.DOTALL
)
_ENTITY = re.compile(rb"<!ENTITY", re.IGNORECASE)
_ITEM_TAG = re.compile(rb"<(?:[A-Za-z][\w.-]*:)?(?:item|entry)[\s>/]")
_XML_ENCODING = re.compile(rb"^\s*<\?xml[^>]*?encoding\s*=\s*[\"']([A-Za-z0-9._-]+)[\"']")
_HTML_START = re.compile(
    rb"^\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html[\s>]|head[\s>]|body[\s>])", re.I | re.S
)
_UTF8_NAMES = frozenset({b"utf-8", b"utf8"})
_TTL = re.compile(rb"<ttl>\s*(\d{1,7})\s*</ttl>", re.I)


@dataclass(slots=True)
class ParsedFeed:
    """What reading one body produced. ``error`` set means: store nothing
    from it. ``warning`` is a problem worth showing that did not stop the
    stories from being stored. ``parser`` says which reader was used."""

    title: str | None = None
    site_url: str | None = None
    stories: list[Story] = field(default_factory=list)
    warning: str | None = None
    error: str | None = None
    parser: str = ""
    unchanged: int = 0
    ttl_minutes: float | None = None


class ParseError(ValueError):
    """The body is not a feed we can read; the message says why."""


def parse_feed(
    body: bytes,
    url: str,
    *,
    content_type: str | None = None,
    now: datetime | None = None,
    max_items: int = 500,
    fast: bool = True,
    known: Mapping[str, str] | None = None,
) -> ParsedFeed:
    """Parse *body*, fetched from *url* (the base for relative links).

    *known* maps the uids of stories already stored to their hashes: an
    entry whose source hash is unchanged is counted in ``unchanged`` and
    left out, without converting its HTML (most of a changed feed's
    entries are the same as last time, and conversion is the costly part).
    *fast* False forces feedparser, which the agreement test uses to check
    that the fast path reads every corpus feed the same way.
    """
    now = now or datetime.now(UTC)
    try:
        raw, warning, parser = read_raw(body, url, content_type, fast=fast)
    except ParseError as error:
        return ParsedFeed(error=one_line(str(error), 300))
    entries: dict[str, tuple[RawEntry, EntryIdentity]] = {}
    for entry in raw.entries:
        identity = entry_identity(entry, url)
        entries.setdefault(identity.uid, (entry, identity))
    newest = sorted(entries.values(), key=lambda item: _entry_time(item[0], now), reverse=True)
    kept: list[Story] = []
    unchanged = 0
    failed: list[Exception] = []
    for entry, identity in newest[:max_items]:
        hashed = None
        if known:  # (with none known there is nothing to compare)
            hashed = source_hash(entry)
            if known.get(identity.uid) == hashed:
                unchanged += 1
                continue
        try:
            kept.append(to_story(entry, url, now, identity, hashed))
        except Exception as error:  # one entry a library chokes on must not cost the rest
            failed.append(error)
    if failed:
        lost = f"{len(failed)} {'story' if len(failed) == 1 else 'stories'} could not be read"
        lost += f" ({type(failed[0]).__name__}: {failed[0]})"
        warning = f"{warning}; {lost}" if warning else lost
    # A structurally broken parse may salvage a garbage title; trust it only
    # when most entries came out whole.
    whole = sum(1 for e in raw.entries if e.title.strip() and (e.link or e.guid))
    trusted = raw.bozo is None or is_encoding_bozo(raw.bozo) or whole * 2 >= len(raw.entries) > 0
    return ParsedFeed(
        title=(one_line(raw.title, 300) or None) if trusted else None,
        site_url=raw.site_url,
        stories=kept,
        warning=one_line(warning, 300) if warning else None,
        parser=parser,
        unchanged=unchanged,
        ttl_minutes=channel_ttl(body),
    )


def channel_ttl(body: bytes) -> float | None:
    """An RSS channel's ``<ttl>`` (minutes the feed may be cached), read
    from the bytes so that every reader (fast path, feedparser) gives it."""
    head = body[: body.find(b"<item")] if b"<item" in body[:65536] else body[:65536]
    match = _TTL.search(head)
    return float(match.group(1)) if match and int(match.group(1)) > 0 else None


def _entry_time(entry: RawEntry, now: datetime) -> datetime:
    """The date :func:`to_story` will give *entry*, for keeping the newest."""
    moment = entry.published or entry.updated
    return now if moment is None or moment > now + FUTURE_SLACK else moment


def read_raw(
    body: bytes, url: str, content_type: str | None, *, fast: bool = True
) -> tuple[RawFeed, str | None, str]:
    """The raw feed in *body*, a warning (or None) and the reader's name.
    Raises :class:`ParseError` when there is nothing we can store."""
    if not body.strip():
        raise ParseError("empty response")
    if looks_like_json(body, content_type) and not body.lstrip().startswith(b"<"):
        try:
            return read_json_feed(body), None, "jsonfeed"
        except NotJsonFeed as error:
            raise ParseError(str(error)) from None
    is_html_page = bool(_HTML_START.match(body[:4096]))
    # Whitespace before the XML declaration (common from PHP templates) makes
    # the declaration illegal; without it the feed is well-formed.
    body = to_utf8(body).lstrip(b" \t\r\n")
    body, had_doctype = strip_doctype(body)
    if _ENTITY.search(body):
        raise ParseError("feed declares XML entities outside a DOCTYPE; refused")
    raw: RawFeed | None = None
    if (
        fast
        and not had_doctype
        and not is_html_page
        and _fast_eligible(body)
        and _well_formed(body)
    ):
        try:
            raw = read_fast(body, url)
            expected = len(_ITEM_TAG.findall(body))
            if expected and expected != len(raw.entries):
                raise FastPathDeclined("entry count differs")
            parser = "fast"
        except FastPathDeclined:
            raw = None
    if raw is None:
        raw = read_with_feedparser(body, url, content_type)
        parser = "feedparser"
    return _judge(raw, body, is_html_page), _warning(raw), parser


def _judge(raw: RawFeed, body: bytes, is_html_page: bool) -> RawFeed:
    """Drop salvaged empty entries; refuse a parse that read nothing."""
    raw.entries = [entry for entry in raw.entries if not _is_empty(entry)]
    if raw.entries:
        return raw
    if is_html_page:
        raise ParseError("this URL is a web page, not a feed")
    if _ITEM_TAG.search(body):
        reason = raw.bozo or "its items could not be read"
        raise ParseError(f"feed is {reason}" if raw.bozo else reason)
    if raw.bozo and not is_encoding_bozo(raw.bozo):
        raise ParseError(f"not a feed: {raw.bozo}")
    if not raw.version:
        raise ParseError("not a feed (no RSS, Atom or JSON Feed found)")
    return raw  # a valid feed that has no items right now


def _warning(raw: RawFeed) -> str | None:
    if not raw.bozo:
        return None
    if is_encoding_bozo(raw.bozo):
        return raw.bozo
    return f"feed is {raw.bozo}; stored what could be read"


def _is_empty(entry: RawEntry) -> bool:
    return not (entry.guid or entry.link or entry.title.strip() or entry.summary or entry.content)


def _fast_eligible(body: bytes) -> bool:
    """The fast reader is trusted only with UTF-8 (declared or not):
    encoding detection is where feedparser's long experience matters."""
    match = _XML_ENCODING.match(body[:512])
    if match and match.group(1).lower() not in _UTF8_NAMES:
        return False
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _well_formed(body: bytes) -> bool:
    """True when *body* is well-formed XML (expat, as feedparser's strict
    parser sees it). The fast reader parses in libxml2's recover mode,
    which turns broken XML into plausible garbage (text with its markup
    characters dropped, dates made up); broken feeds go to feedparser,
    whose salvage parse.py knows how to judge."""
    parser = expat.ParserCreate()
    try:
        parser.Parse(body, True)
    except expat.ExpatError:
        return False
    return True


def strip_doctype(body: bytes) -> tuple[bytes, bool]:
    """*body* without its DOCTYPE declaration (and so without any internal
    subset and the entities declared in it); True if one was removed."""
    match = _DOCTYPE.search(body)
    if match is None:
        return body, False
    return body[: match.start()] + body[match.end() :], True


def to_utf8(body: bytes) -> bytes:
    """UTF-16 bodies re-encoded as UTF-8, so that the byte-level guards
    above see their DOCTYPE; other bodies unchanged."""
    if body[:2] in (b"\xff\xfe", b"\xfe\xff"):
        codec = "utf-16"
    elif body[:2] == b"<\x00":
        codec = "utf-16-le"
    elif body[:2] == b"\x00<":
        codec = "utf-16-be"
    else:
        return body
    try:
        text = body.decode(codec)
    except UnicodeDecodeError:
        return body
    text = re.sub(
        r"^(\s*<\?xml[^>]*?encoding\s*=\s*[\"'])[^\"']*", r"\1utf-8", text.lstrip("\ufeff")
    )
    return text.encode("utf-8")
