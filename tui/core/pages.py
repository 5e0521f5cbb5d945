"""Fetching one web page (feed discovery, full articles) and decoding it.

Discovery and full-article extraction take the fetch as an injected
``PageFetch`` (``await fetch(url) -> Page``) so that they stay pure and
testable. :func:`open_page_fetch` provides one over the refresh engine's
:class:`tui.core.fetch.Fetcher`, so pages get the one fetch policy (size
cap, deadline, retries, redirects checked hop by hop). Pages add one rule
of their own: the URL comes from a web page or a feed, not from the user's
config, so only http(s) is fetched (never ``file:``) and a loopback or
private-network host is refused unless ``allow_private`` is on.
"""

from __future__ import annotations

import codecs
import contextlib
import re
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from tui.core.sanitize import one_line
from tui.core.urls import is_private_host, safe_web_url

if TYPE_CHECKING:
    from tui.core.config import Settings
    from tui.core.fetch import Fetcher


@dataclass(frozen=True, slots=True)
class Page:
    """What a fetch returned: the status, the URL after redirects, the
    Content-Type header and the (decompressed) body. A 4xx page comes back
    with its status (and no body) so callers can say what it means for them."""

    status: int
    url: str
    content_type: str
    body: bytes


class PageError(Exception):
    """The page could not be fetched; the message is one line for the user."""


PageFetch = Callable[[str], Awaitable[Page]]


def page_fetch(fetcher: Fetcher, *, allow_private: bool = False) -> PageFetch:
    """A PageFetch over an open :class:`tui.core.fetch.Fetcher`."""

    async def fetch(url: str) -> Page:
        safe = safe_web_url(url)
        if safe is None:
            raise PageError(f"not an http(s) URL: {one_line(url, 100)}")
        host = urlsplit(safe).hostname or ""
        if not allow_private and is_private_host(host):
            raise PageError(
                f"{host} is a loopback or private-network address (allow_private is off)"
            )
        result = await fetcher.fetch(safe)
        if result.error is not None:
            if result.status is not None and 400 <= result.status < 500:
                return Page(result.status, result.final_url or safe, result.content_type or "", b"")
            raise PageError(one_line(result.error, 200))
        return Page(
            result.status or 200, result.final_url or safe, result.content_type or "", result.body
        )

    return fetch


@contextlib.asynccontextmanager
async def open_page_fetch(settings: Settings) -> AsyncIterator[PageFetch]:
    """``async with open_page_fetch(settings) as fetch:`` a PageFetch with
    the config's fetch settings, closed on exit."""
    from tui.core.fetch import Fetcher

    async with Fetcher(settings) as fetcher:
        yield page_fetch(fetcher, allow_private=settings.allow_private)


_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)""", re.I)
_HEADER_CHARSET = re.compile(r"charset\s*=\s*[\"']?([A-Za-z0-9._:-]+)", re.I)


def decode_html(body: bytes, content_type: str = "") -> str:
    """The text of an HTML page: BOM, then the header's charset, then a
    ``<meta charset>`` in the first 4 KB, then UTF-8; undecodable bytes
    become U+FFFD rather than failing the page."""
    for bom, name in ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le")):
        if body.startswith(bom):
            return body[len(bom) :].decode(name, "replace")
    if body.startswith(codecs.BOM_UTF16_BE):
        return body[2:].decode("utf-16-be", "replace")
    candidates = []
    header = _HEADER_CHARSET.search(content_type or "")
    if header:
        candidates.append(header.group(1))
    meta = _META_CHARSET.search(body[:4096])
    if meta:
        candidates.append(meta.group(1).decode("ascii", "replace"))
    for name in candidates:
        try:
            codec = codecs.lookup(name).name
        except LookupError:
            continue
        if codec in ("latin-1", "iso8859-1", "ascii"):
            codec = "cp1252"  # what browsers do, per the WHATWG encoding standard
        return body.decode(codec, "replace")
    return body.decode("utf-8", "replace")
