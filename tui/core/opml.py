"""OPML in and out: move subscriptions between digest and other readers.

Import reads with listparser, which copes with what real readers export
(OPML 1.0 and 2.0, ``text`` or ``title``, HTML entities, a feed listed in
two folders). listparser decodes bytes with an HTML parser that ignores the
XML declaration, so the bytes are decoded here first: a byte-order mark,
then the declared encoding, then UTF-8, then Windows-1252 (what undeclared
non-UTF-8 exports are in practice), each fallback reported.

Folders become tags. A nested folder gives one tag per level, outermost
first (``News/Local`` → ``["News", "Local"]``), because digest's tags are
flat sections: a story in a ``Local`` folder under ``News`` should appear
in the News section too. ``category`` attributes
(``"a,b"`` or ``"/News/Local"``) add tags the same way.

Export writes OPML 2.0 with each feed under a folder named after its first
tag, and every tag in a ``category`` attribute when it has several, so that
importing an export gives each feed back all its tags in order.
"""

from __future__ import annotations

import codecs
import email.utils
import re
import time
import xml.etree.ElementTree as ET
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from tui.core.models import FeedConfig
from tui.core.sanitize import one_line
from tui.core.subscriptions import AddReport, NewFeed, add_feeds
from tui.core.urls import safe_web_url

_DECLARATION = re.compile(r"^\s*<\?xml[^>]*?\?>", re.S)
_DECLARED = re.compile(rb"""^\s*<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._:-]+)["']""")


class OpmlError(Exception):
    """The file is not OPML we can read; the message says why."""


@dataclass(slots=True)
class OpmlImport:
    """What an OPML file holds: feeds to add, entries skipped (with why)
    and notes about the file (an encoding fallback)."""

    feeds: list[NewFeed] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    title: str | None = None


def decode_opml(data: bytes) -> tuple[str, str | None]:
    """The text of an OPML file and a warning when it was not what it
    declared (or declared nothing and was not UTF-8)."""
    for bom, codec in (
        (codecs.BOM_UTF32_LE, "utf-32"),
        (codecs.BOM_UTF32_BE, "utf-32"),
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if data.startswith(bom):
            return data.decode(codec, "replace"), None
    if data[:4] in (b"<\x00?\x00", b"\x00<\x00?"):
        return data.decode("utf-16-le" if data[0] == 0x3C else "utf-16-be", "replace"), None
    declared = _DECLARED.match(data[:512])
    name = declared.group(1).decode("ascii") if declared else "utf-8"
    try:
        codec = codecs.lookup(name).name
    except LookupError:
        codec = None
    if codec is not None:
        if codec in ("latin-1", "iso8859-1", "ascii"):
            codec = "cp1252"  # a superset, and what such files really contain
        try:
            return data.decode(codec), None
        except UnicodeDecodeError:
            pass
    shown = f"declared as {name}" if declared else "not UTF-8"
    try:
        return data.decode("cp1252"), f"file is {shown}; read as Windows-1252"
    except UnicodeDecodeError:
        return data.decode("utf-8", "replace"), f"file is {shown}; unreadable bytes replaced"


def read_opml(data: bytes) -> OpmlImport:
    """Parse OPML bytes into feeds with tags (see the module docstring)."""
    import listparser

    text, warning = decode_opml(data)
    result = OpmlImport(warnings=[warning] if warning else [])
    # listparser.parse fetches a *str* starting with http(s); always pass bytes.
    body = _DECLARATION.sub("", text.lstrip("\ufeff"), count=1)
    parsed = listparser.parse(('<?xml version="1.0" encoding="utf-8"?>' + body).encode("utf-8"))
    if parsed.get("version", "") == "" and not parsed.feeds:
        raise OpmlError("not an OPML file (no <opml> element with feeds)")
    result.title = one_line(parsed.meta.get("title"), 200) or None
    for entry in parsed.feeds:
        label = one_line(entry.get("title") or entry.get("url"), 120)
        url = _feed_url(entry.get("url", ""))
        if url is None:
            result.skipped.append(
                (label, f"not an http(s) feed URL: {one_line(entry.get('url'), 120)}")
            )
            continue
        tags: dict[str, None] = {}
        for path in entry.get("categories", []):
            for name in path:
                tag = one_line(name, 100)
                if tag:
                    tags.setdefault(tag, None)
        title = one_line(entry.get("title"), 300) or None
        result.feeds.append(NewFeed(url, title if title != url else None, tuple(tags)))
    for entry in parsed.get("opportunities", []):
        label = one_line(entry.get("title") or entry.get("url"), 120)
        result.skipped.append(
            (label, "has a site address but no feed URL (try 'digest add' on it)")
        )
    for entry in parsed.get("lists", []):
        result.skipped.append(
            (one_line(entry.get("url"), 120), "links another OPML list; import that file itself")
        )
    return result


def _feed_url(url: str) -> str | None:
    url = url.strip()
    lowered = url.lower()
    if lowered.startswith("feed://"):
        url = "http://" + url[7:]
    elif lowered.startswith("feed:"):
        url = url[5:]
    return safe_web_url(url)


def import_opml(
    config: Path, data: bytes, *, dry_run: bool = False
) -> tuple[OpmlImport, AddReport]:
    """Merge the feeds of an OPML file into feeds.toml in one write,
    skipping feeds already there; returns what was read and what was done."""
    found = read_opml(data)
    return found, add_feeds(config, found.feeds, dry_run=dry_run)


def export_opml(
    feeds: Sequence[FeedConfig],
    *,
    known: Mapping[str, tuple[str | None, str | None]] | None = None,
    title: str = "digest subscriptions",
    now: float | None = None,
) -> tuple[str, list[str]]:
    """OPML 2.0 text for *feeds* and warnings about what it cannot carry.

    *known* maps a feed URL to (the feed's own title, its site URL) from
    the store, for feeds without a title in feeds.toml.
    """
    known = known or {}
    warnings: list[str] = []
    root = ET.Element("opml", version="2.0")
    head = ET.SubElement(root, "head")
    ET.SubElement(head, "title").text = title
    ET.SubElement(head, "dateCreated").text = email.utils.formatdate(
        time.time() if now is None else now, usegmt=True
    )
    body = ET.SubElement(root, "body")
    folders: dict[str, ET.Element] = {}
    for feed in feeds:
        own_title, site = known.get(feed.url, (None, None))
        name = one_line(feed.title or own_title or feed.url, 300)
        attributes = {"type": "rss", "text": name, "title": name, "xmlUrl": feed.url}
        if site and safe_web_url(site):
            attributes["htmlUrl"] = site
        if len(feed.tags) > 1:
            portable = [tag for tag in feed.tags if not re.search(r"[,/]", tag)]
            for lost in feed.tags[1:]:
                if lost not in portable:
                    warnings.append(
                        f"{name}: tag {lost!r} left out (',' and '/' separate OPML categories)"
                    )
            attributes["category"] = ",".join(portable)
        parent = body
        if feed.tags:
            tag = feed.tags[0]
            if tag not in folders:
                folders[tag] = ET.SubElement(body, "outline", text=tag, title=tag)
            parent = folders[tag]
        ET.SubElement(parent, "outline", attributes)
    ET.indent(root, space="  ")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(
        root, "unicode"
    ) + "\n", warnings
