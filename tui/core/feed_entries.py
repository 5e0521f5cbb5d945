"""Raw feed entries, whichever parser read them, and their normalisation
into :class:`~tui.core.models.Story`.

Three readers produce feeds (feedparser, the lxml-based fast path and our
JSON Feed reader) and each names things its own way. They all hand over the
same :class:`RawFeed`/:class:`RawEntry`, and :func:`to_story` is then the
one place that decides a story's id, dates, title, Markdown body and
enclosures. That is what makes the fast path and feedparser agree: they
only have to agree on the raw fields, not on every rule.
"""

from __future__ import annotations

import hashlib
import html
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from tui.core.html import html_to_markdown, looks_like_html, text_to_markdown
from tui.core.models import Enclosure, Story
from tui.core.sanitize import clean, one_line
from tui.core.urls import web_link

# A date this far past the moment of fetching is a feed's mistake (or a
# trick to stay on top of the list); such stories are dated when first seen.
FUTURE_SLACK = timedelta(days=1)
_TAG = re.compile(r"<[^>]*>")
_EMAIL_NAME = re.compile(r"^\s*\S+@\S+\s+\((.+)\)\s*$")
_TITLE_LIMIT = 1000


@dataclass(slots=True)
class RawEntry:
    """One entry as a parser read it, before any of our rules apply.

    ``summary``/``content`` are HTML unless their ``*_is_text`` flag says
    plain text. Dates are aware UTC datetimes or None; ``date_text`` is the
    date as written, which feeds the synthetic id of an entry that has no
    guid and no link.
    """

    guid: str | None = None
    link: str | None = None
    title: str = ""
    title_is_html: bool = False
    published: datetime | None = None
    updated: datetime | None = None
    date_text: str = ""
    author: str | None = None
    summary: str = ""
    summary_is_text: bool = False
    content: str = ""
    content_is_text: bool = False
    base: str | None = None
    enclosures: list[tuple[str, str, int | None]] = field(default_factory=list)


@dataclass(slots=True)
class RawFeed:
    """A parsed feed before normalisation: its title, site and entries,
    plus the parser's complaint when it read the bytes only loosely."""

    title: str | None = None
    site_url: str | None = None
    entries: list[RawEntry] = field(default_factory=list)
    bozo: str | None = None
    version: str = ""


# Part of every source hash: bump it when the conversion rules change, so
# that stored stories are converted again on their next fetch.
CONVERSION_VERSION = b"2"


@dataclass(frozen=True, slots=True)
class EntryIdentity:
    """What names an entry: its stable id and the guid, link and title it
    is made from. Worked out once per entry (:func:`entry_identity`), for
    telling entries apart before any HTML is converted, and handed to
    :func:`to_story`, which would otherwise work it out again."""

    uid: str
    guid: str | None
    link: str | None
    title: str


def entry_identity(entry: RawEntry, feed_url: str) -> EntryIdentity:
    """The stable id :func:`to_story` gives *entry* (guid, else link, else
    a hash of what the feed wrote) and its parts. Cheap: no HTML is
    converted."""
    guid = one_line(entry.guid, 2000) or None
    link = web_link(entry.base or feed_url, entry.link)
    title = plain_title(entry.title, entry.title_is_html)
    uid = guid or link or synthetic_id(title, entry.date_text, entry.summary or entry.content)
    return EntryIdentity(uid, guid, link, title)


def source_hash(entry: RawEntry) -> str:
    """A hash of *entry* exactly as the feed wrote it. Equal hashes mean the
    stored story is still right, so its HTML need not be converted again.
    Dates are left out, as the store's own content hash leaves them out: a
    feed that only re-dates an item has not changed the story."""
    digest = hashlib.blake2b(CONVERSION_VERSION, digest_size=16)
    for part in (
        entry.guid or "",
        entry.link or "",
        entry.title,
        entry.author or "",
        entry.summary,
        entry.content,
        entry.base or "",
        repr(entry.enclosures),
        f"{entry.title_is_html}{entry.summary_is_text}{entry.content_is_text}",
    ):
        digest.update(part.encode("utf-8", "surrogatepass"))
        digest.update(b"\x00")
    return "src:" + digest.hexdigest()


def to_story(
    entry: RawEntry,
    feed_url: str,
    now: datetime,
    identity: EntryIdentity | None = None,
    hashed: str | None = None,
) -> Story:
    """Normalise *entry* of the feed fetched from *feed_url* at *now*
    (*identity*: its :func:`entry_identity`, and *hashed* its
    :func:`source_hash`, when already worked out)."""
    base = entry.base or feed_url
    if identity is None:
        identity = entry_identity(entry, feed_url)
    published = entry.published or entry.updated
    if published is None or published > now + FUTURE_SLACK:
        published = now
    updated = entry.updated if entry.updated and entry.updated <= now + FUTURE_SLACK else None
    # Parsers disagree on which of description / content:encoded / summary is
    # the "content"; the longer text is the body, the shorter one a summary
    # shown only when it is not just the body's opening.
    long, short = (entry.content, entry.content_is_text), (entry.summary, entry.summary_is_text)
    if len(short[0]) > len(long[0]):
        long, short = short, long
    content = _markdown(long[0], long[1], base)
    summary = ""
    # (Readers often give the one description as both: no excerpt to weigh.)
    if short[0] and short[0] != long[0] and not _is_excerpt(short[0], long[0]):
        summary = _markdown(short[0], short[1], base)
        if summary == content:
            summary = ""
    return Story(
        uid=identity.uid,
        title=identity.title,
        published=published,
        link=identity.link,
        guid=identity.guid,
        author=_author(entry.author),
        updated=updated,
        summary=summary,
        content=content,
        enclosures=_enclosures(entry.enclosures, base),
        first_seen=now,
        source_hash=hashed or source_hash(entry),
    )


def _author(author: str | None) -> str | None:
    """An author's name; RSS writes ``email (Name)``, keep the name."""
    match = _EMAIL_NAME.match(author or "")
    return one_line(match.group(1) if match else author, 200) or None


def plain_title(title: str | None, is_html: bool = False) -> str:
    """A title as one line of plain text: markup removed when the feed
    marked it up, character references decoded, control characters gone."""
    if not title:
        return ""
    if is_html or looks_like_html(title):
        title = html.unescape(_TAG.sub("", title))
    return one_line(title, _TITLE_LIMIT)


def synthetic_id(title: str, date_text: str, body: str) -> str:
    """The id of an entry with neither guid nor link: stable across
    fetches because it hashes only what the feed wrote."""
    digest = hashlib.blake2b(digest_size=12)
    for part in (title, date_text, body[:4000]):
        digest.update(part.encode("utf-8", "surrogatepass"))
        digest.update(b"\x00")
    return "urn:digest:" + digest.hexdigest()


def _plain(text: str) -> str:
    return " ".join(html.unescape(_TAG.sub(" ", text)).split())


def _is_excerpt(summary: str, content: str) -> bool:
    """True when *summary* is only the opening of *content* (an excerpt, or
    the description some parsers synthesise from the content): showing it
    as well would repeat the story's first lines."""
    head = _plain(summary).rstrip(" .…[]")
    if not head:
        return True
    return _plain(content[: len(summary) * 4 + 4096]).startswith(head)


def _markdown(text: str, is_text: bool, base: str) -> str:
    if not text or not text.strip():
        return ""
    if is_text and not looks_like_html(text):
        return text_to_markdown(text)
    return html_to_markdown(text, base)


def _enclosures(items: list[tuple[str, str, int | None]], base: str) -> tuple[Enclosure, ...]:
    seen: dict[str, Enclosure] = {}
    for url, kind, length in items:
        safe = web_link(base, url)
        if safe and safe not in seen:
            seen[safe] = Enclosure(safe, one_line(kind, 100).lower(), length)
    return tuple(seen.values())


def parse_length(value: object) -> int | None:
    """An enclosure length as feeds write it ("12345", "", "unknown")."""
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        return None
    return number if 0 <= number < 2**53 else None


def utc(moment: datetime | None) -> datetime | None:
    """*moment* as aware UTC (naive values are taken as UTC)."""
    if moment is None:
        return None
    moment = moment.replace(microsecond=0)  # feeds rarely mean it; feedparser drops it
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    try:
        return moment.astimezone(UTC)
    except (OverflowError, ValueError):
        return None


def parse_iso(text: str | None) -> datetime | None:
    """An RFC 3339 / ISO 8601 date (JSON Feed, the fast path), or None."""
    if not text:
        return None
    try:
        return utc(datetime.fromisoformat(text.strip()))
    except (ValueError, OverflowError):
        return None


def clean_text(text: object) -> str:
    """A string field from a parser, with control characters removed."""
    return clean(text) if isinstance(text, str) else ""
