"""Find the feed behind a web page, as ``digest add URL`` does.

People paste the address of a site, not of its feed. In order:

1. the URL already is a feed (RSS, Atom, RDF or JSON Feed): it is used as
   given;
2. the page announces feeds with ``<link rel="alternate">`` of a feed type
   (resolved against ``<base href>`` and the page URL, http(s) only, so a
   ``javascript:`` or ``data:`` link is never offered);
3. otherwise the paths where blog engines put their feed are tried on the
   page's site, and the first one that parses as a feed wins.

A candidate found in step 2 is not fetched here; :func:`probe` fetches the
one the user picks, checks it really is a feed and reads its title.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urlsplit, urlunsplit

from tui.core.pages import PageError, PageFetch, decode_html
from tui.core.sanitize import one_line
from tui.core.urls import normalise, resolve, safe_web_url

# The link types that announce a feed. Plain application/json is left out on
# purpose: WordPress announces its REST API with it, and oEmbed uses
# application/json+oembed.
FEED_TYPES: dict[str, str] = {
    "application/rss+xml": "RSS",
    "application/x-rss+xml": "RSS",
    "application/rdf+xml": "RDF",
    "application/atom+xml": "Atom",
    "application/x-atom+xml": "Atom",
    "application/feed+json": "JSON Feed",
}
COMMON_PATHS: tuple[str, ...] = (
    "/feed",
    "/rss",
    "/feed.xml",
    "/rss.xml",
    "/atom.xml",
    "/index.xml",
    "/feed/",
    "/feeds/posts/default",
    "/?feed=rss2",
)
_HTML_START = re.compile(
    rb"^\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html[\s>]|head[\s>]|body[\s>])", re.I | re.S
)
MAX_SCAN = 1_000_000  # characters of a page searched for <link> tags


@dataclass(frozen=True, slots=True)
class Candidate:
    """A feed found for a page. ``source`` says how: ``"self"`` (the URL is
    a feed), ``"link"`` (announced by the page) or ``"path"`` (a common path
    that answered with a feed). ``verified`` means it was fetched and parsed."""

    url: str
    title: str | None = None
    kind: str = ""
    source: str = "link"
    verified: bool = False


@dataclass(slots=True)
class Discovery:
    """The candidates found for a URL, best first, and the page's title."""

    url: str
    candidates: list[Candidate] = field(default_factory=list)
    page_title: str | None = None
    tried: list[str] = field(default_factory=list)


class _LinkCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.base: str | None = None
        self.links: list[dict[str, str]] = []
        self.title = ""
        self._in_title = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name.lower(): (value or "") for name, value in attrs}
        if tag == "base" and self.base is None and values.get("href"):
            self.base = values["href"]
        elif tag == "link":
            self.links.append(values)
        elif tag == "title" and not self.title:
            self._in_title = True

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self._in_title = False

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title += data


def feed_links(html: str, page_url: str) -> tuple[list[Candidate], str | None]:
    """The feeds a page announces with ``<link rel="alternate">`` (or
    ``rel="feed"``), in document order without duplicates, and the page's
    ``<title>``. Pure: no fetching."""
    parser = _LinkCollector()
    try:
        parser.feed(html[:MAX_SCAN])
        parser.close()
    except (AssertionError, ValueError):  # html.parser gives up on some garbage
        pass
    base = page_url
    if parser.base:
        base = safe_web_url(resolve(page_url, parser.base)) or page_url
    found: dict[str, Candidate] = {}
    for link in parser.links:
        rel = link.get("rel", "").lower().split()
        kind = FEED_TYPES.get(link.get("type", "").split(";")[0].strip().lower())
        if not kind or not ({"alternate", "feed"} & set(rel)):
            continue
        url = safe_web_url(resolve(base, link.get("href")))
        if url is None:
            continue
        title = one_line(link.get("title"), 200) or None
        found.setdefault(normalise(url), Candidate(url, title, kind, "link"))
    return list(found.values()), one_line(parser.title, 200) or None


def common_paths(page_url: str) -> list[str]:
    """The common feed locations on the page's site, in the order tried."""
    parts = urlsplit(page_url)
    urls = []
    for path in COMMON_PATHS:
        path, _, query = path.partition("?")
        urls.append(urlunsplit((parts.scheme, parts.netloc, path, query, "")))
    return urls


def looks_like_html(body: bytes, content_type: str = "") -> bool:
    """True for an HTML page (by its first tag, or by its Content-Type when
    the body does not start like a feed)."""
    if _HTML_START.match(body[:4096]):
        return True
    start = body[:512].lstrip(b"\xef\xbb\xbf \t\r\n")
    return "html" in content_type.lower() and not start.startswith((b"<?xml", b"<rss", b"{"))


def read_feed_title(body: bytes, url: str, content_type: str = "") -> tuple[bool, str | None]:
    """(is it a feed, its title), judged by the same parser the refresh
    uses, so ``digest add`` never accepts what refresh would reject."""
    from tui.core.parse import parse_feed

    parsed = parse_feed(body, url, content_type=content_type or None, max_items=1)
    if parsed.error:
        return False, None
    return True, parsed.title


async def discover(url: str, fetch: PageFetch) -> Discovery:
    """Candidates for *url*; raises :class:`PageError` when the URL itself
    cannot be fetched. An empty list means no feed was found."""
    result = Discovery(url)
    page = await fetch(url)
    result.tried.append(url)
    if page.status >= 400:
        raise PageError(f"HTTP {page.status} from {one_line(url, 120)}")
    if not looks_like_html(page.body, page.content_type):
        is_feed, title = read_feed_title(page.body, page.url, page.content_type)
        if is_feed:
            result.candidates.append(Candidate(url, title, "", "self", verified=True))
            return result
    links, result.page_title = feed_links(decode_html(page.body, page.content_type), page.url)
    if links:
        result.candidates = links
        return result
    seen = {normalise(url), normalise(page.url)}
    for candidate_url in common_paths(page.url):
        if normalise(candidate_url) in seen:
            continue
        seen.add(normalise(candidate_url))
        result.tried.append(candidate_url)
        try:
            found = await probe(candidate_url, fetch, source="path")
        except PageError:
            continue
        if found is not None:
            result.candidates.append(found)
            break
    return result


async def probe(url: str, fetch: PageFetch, *, source: str = "link") -> Candidate | None:
    """Fetch *url* and return it as a verified candidate with the feed's own
    title, or None when it answers but is not a feed. Raises
    :class:`PageError` when it cannot be fetched."""
    page = await fetch(url)
    if page.status >= 400:
        raise PageError(f"HTTP {page.status} from {one_line(url, 120)}")
    if looks_like_html(page.body, page.content_type):
        return None
    is_feed, title = read_feed_title(page.body, page.url, page.content_type)
    return Candidate(url, title, "", source, verified=True) if is_feed else None
