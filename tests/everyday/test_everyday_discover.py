"""Finding the feed behind a web page, served on 127.0.0.1."""

from __future__ import annotations

import pytest

from tests.support.server import Route
from tui.core.config import Settings
from tui.core.discover import common_paths, discover, feed_links, probe
from tui.core.pages import PageError, decode_html, open_page_fetch

RSS = b"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Harbour Times</title><link>https://harbour.example/</link>
<description>News from the harbour</description>
<item><title>Ferry timetable changes</title><link>https://harbour.example/ferry</link>
<guid>ferry-1</guid><pubDate>Mon, 03 Jun 2024 08:00:00 GMT</pubDate></item>
</channel></rss>"""
ATOM = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Harbour Times comments</title>
<id>urn:x</id><updated>2024-06-03T08:00:00Z</updated></feed>"""


def page(head: str, body: str = "<p>Welcome to the harbour.</p>") -> bytes:
    return f"<!doctype html><html><head><title>Harbour Times</title>{head}</head><body>{body}</body></html>".encode()


def html(content: bytes) -> Route:
    return Route(body=content, content_type="text/html; charset=utf-8")


LOCAL = Settings(allow_private=True, timeout_seconds=5, deadline_seconds=10, retries=0)


@pytest.fixture
async def fetch():
    async with open_page_fetch(LOCAL) as page_fetch:
        yield page_fetch


async def test_alternate_links_are_found_resolved_and_titled(feed_server, fetch) -> None:
    url = feed_server.route(
        "/blog/",
        html(
            page(
                '<link rel="stylesheet" href="/style.css">'
                '<link rel="alternate" type="application/rss+xml" title="Harbour Times &raquo; Feed" href="feed.xml">'
                '<link rel="alternate" type="application/atom+xml" title="Comments" href="/comments/atom">'
                '<link rel="alternate" type="application/json" href="/wp-json/wp/v2/pages/2">'
                '<link rel="alternate" type="application/rss+xml" href="javascript:alert(1)">'
                '<link rel="alternate" hreflang="fr" href="/fr/">'
            )
        ),
    )
    found = await discover(url, fetch)
    assert [(c.url, c.title, c.kind) for c in found.candidates] == [
        (feed_server.url("/blog/feed.xml"), "Harbour Times » Feed", "RSS"),
        (feed_server.url("/comments/atom"), "Comments", "Atom"),
    ]
    assert found.page_title == "Harbour Times"
    assert len(feed_server.requests) == 1  # links are offered without fetching each


def test_base_href_is_honoured_and_duplicates_dropped() -> None:
    candidates, _ = feed_links(
        '<base href="https://cdn.example/site/"><link rel="alternate feed" type="application/atom+xml" href="atom.xml">'
        '<LINK REL="Alternate" TYPE="application/atom+xml" HREF="https://CDN.example/site/atom.xml#top">'
        '<link rel="alternate" type="application/feed+json" href="feed.json" title="JSON">'
        '<link rel="alternate" type="application/rss+xml" href="data:text/xml,<rss/>">',
        "https://www.example/page",
    )
    assert [(c.url, c.kind) for c in candidates] == [
        ("https://cdn.example/site/atom.xml", "Atom"),
        ("https://cdn.example/site/feed.json", "JSON Feed"),
    ]


async def test_a_page_without_links_falls_back_to_common_paths(feed_server, fetch) -> None:
    url = feed_server.route("/", html(page("")))
    feed_server.route("/rss.xml", Route(body=RSS))
    found = await discover(url, fetch)
    assert [(c.url, c.title, c.source, c.verified) for c in found.candidates] == [
        (feed_server.url("/rss.xml"), "Harbour Times", "path", True)
    ]
    tried = [request.path for request in feed_server.requests]
    assert tried == ["/", "/feed", "/rss", "/feed.xml", "/rss.xml"]  # stops at the first feed


async def test_a_common_path_that_answers_html_is_not_a_feed(feed_server, fetch) -> None:
    url = feed_server.route("/", html(page("")))
    feed_server.route("/feed", html(page("", "<p>Our feed of the week</p>")))
    found = await discover(url, fetch)
    assert found.candidates == []
    assert len(found.tried) == 1 + len(common_paths(url))


async def test_a_url_that_is_a_feed_is_returned_as_is(feed_server, fetch) -> None:
    url = feed_server.route("/feeds/main", Route(body=ATOM, content_type="text/xml"))
    found = await discover(url, fetch)
    assert [(c.url, c.title, c.source) for c in found.candidates] == [
        (url, "Harbour Times comments", "self")
    ]


async def test_probe_checks_the_candidate_really_is_a_feed(feed_server, fetch) -> None:
    good = feed_server.route("/feed.xml", Route(body=RSS, content_type="application/xml"))
    bad = feed_server.route("/not-a-feed", html(page("")))
    assert (await probe(good, fetch)).title == "Harbour Times"
    assert await probe(bad, fetch) is None


async def test_an_error_page_is_an_error(feed_server, fetch) -> None:
    url = feed_server.route("/gone", Route(body=b"gone", status=410, content_type="text/plain"))
    with pytest.raises(PageError, match="HTTP 410"):
        await discover(url, fetch)


async def test_loopback_and_other_schemes_are_refused(feed_server) -> None:
    url = feed_server.route("/", html(page("")))
    async with open_page_fetch(Settings()) as fetch:
        with pytest.raises(PageError, match="private-network"):
            await discover(url, fetch)
        with pytest.raises(PageError, match=r"not an http\(s\) URL"):
            await discover("file:///etc/passwd", fetch)
    assert feed_server.requests == []


async def test_pages_over_the_size_cap_are_refused(feed_server) -> None:
    url = feed_server.route("/big", html(page("", "<p>x</p>" * 5000)))
    async with open_page_fetch(Settings(allow_private=True, max_feed_mb=0.01)) as fetch:
        with pytest.raises(PageError, match="too large"):
            await discover(url, fetch)


async def test_redirects_are_followed_and_checked(feed_server, fetch) -> None:
    target = feed_server.route(
        "/new-home/", html(page('<link rel="alternate" type="application/rss+xml" href="rss">'))
    )
    url = feed_server.route(
        "/old", Route(status=301, headers={"Location": "/new-home/"}, content_type=None)
    )
    found = await discover(url, fetch)
    assert [c.url for c in found.candidates] == [target + "rss"]
    evil = feed_server.route(
        "/evil", Route(status=302, headers={"Location": "file:///etc/passwd"}, content_type=None)
    )
    with pytest.raises(PageError, match="only http and https"):
        await discover(evil, fetch)


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        ("<p>Café “news”</p>".encode("cp1252"), "text/html; charset=ISO-8859-1"),
        (b"<meta charset='windows-1252'>" + "<p>Café “news”</p>".encode("cp1252"), "text/html"),
        ("\ufeff<p>Café “news”</p>".encode("utf-8"), "text/html; charset=iso-8859-1"),
        ("<p>Café “news”</p>".encode(), ""),
    ],
)
def test_pages_are_decoded_as_browsers_do(body: bytes, content_type: str) -> None:
    assert "<p>Café “news”</p>" in decode_html(body, content_type)
