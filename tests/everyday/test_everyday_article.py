"""Full articles: a served news page becomes the story's Markdown, with
its figures; every failure leaves a one-line reason."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

import pytest

import tui.core.article as article
from tests.support.server import Route
from tui.core.article import extract_article, fetch_full_article, full_article
from tui.core.config import Settings
from tui.core.models import Story
from tui.core.pages import open_page_fetch

PARAGRAPHS = [
    "The harbour authority approved a new ferry terminal on Tuesday after two years of argument "
    "about its cost, its size and the traffic it would bring to the old town.",
    "Officials said the terminal would cost $48 million and handle 1.2 million passengers a year, "
    "roughly 30% more than the pier it replaces, which was built in 1961.",
    "Residents who opposed the plan said the estimates ignored the buses that would queue along "
    "the promenade, and they promised to keep up their campaign at the next council election.",
    "Construction is due to start in the spring and to take about eighteen months, during which "
    "the existing pier will stay open for foot passengers and bicycles only.",
]
BOILER = "Sign up for our newsletter and never miss a story from the harbour again."


def news_page() -> bytes:
    body = "".join(f"<p>{text}</p>" for text in PARAGRAPHS[:2])
    body += '<p>Read the <a href="/documents/terminal-plan.pdf">full plan</a> published by the authority.</p>'
    body += "".join(f"<p>{text}</p>" for text in PARAGRAPHS[2:])
    return (
        "<!doctype html><html><head><meta charset='utf-8'><title>Ferry terminal approved</title>"
        "<script>track('pageview')</script></head><body>"
        "<nav><a href='/'>Home</a> <a href='/news'>News</a> <a href='/sport'>Sport</a></nav>"
        f"<div class='cookie-banner'><p>We use cookies to improve your visit to this site.</p></div>"
        f"<article><h1>Ferry terminal approved</h1><div class='story-body'>{body}</div></article>"
        f"<aside class='newsletter'><p>{BOILER}</p></aside>"
        "<footer><p>Copyright the Harbour Times. All rights reserved.</p></footer>"
        "</body></html>"
    ).encode()


def story(link: str | None, summary: str = "A new ferry terminal was approved.") -> Story:
    return Story(
        uid="t1",
        title="Ferry terminal approved",
        published=datetime(2024, 6, 3, tzinfo=UTC),
        link=link,
        summary=summary,
    )


LOCAL = Settings(allow_private=True, timeout_seconds=5, deadline_seconds=10, retries=0)


@pytest.fixture
async def fetch():
    async with open_page_fetch(LOCAL) as page_fetch:
        yield page_fetch


async def test_the_main_text_of_a_served_page_becomes_markdown_with_figures(
    feed_server, fetch
) -> None:
    url = feed_server.route(
        "/news/ferry-terminal", Route(body=news_page(), content_type="text/html")
    )
    result = await fetch_full_article(story(url), fetch)
    assert result.ok, result.reason
    for text in PARAGRAPHS:
        assert text in result.content
    assert f"[full plan]({feed_server.url('/documents/terminal-plan.pdf')})" in result.content
    for leaked in ("cookies", BOILER, "Copyright", "track(", "Sport"):
        assert leaked not in result.content
    # The figures extractor ran on the article text (its exact spans are its own business).
    found = [figure.text for figure in result.figures if figure.source == "body"]
    assert any("48 million" in text for text in found) and any("30%" in text for text in found)
    assert result.headline is not None
    assert all(
        result.content[f.start : f.end] == f.text for f in result.figures if f.source == "body"
    )


async def test_extraction_and_figures_run_off_the_event_loop(
    feed_server, fetch, monkeypatch
) -> None:
    url = feed_server.route("/a", Route(body=news_page(), content_type="text/html"))
    threads: list[str] = []
    real_extract = article.extract_article

    def extract(html: str, base: str) -> str:
        threads.append(threading.current_thread().name)
        return real_extract(html, base)

    def figures(title: str, body: str):
        threads.append(threading.current_thread().name)
        return [], None

    monkeypatch.setattr(article, "extract_article", extract)

    loop_thread = threading.current_thread().name
    result = await fetch_full_article(story(url), fetch, figures=figures)
    assert result.ok
    assert len(threads) == 2 and loop_thread not in threads


@pytest.mark.parametrize(
    ("route", "reason"),
    [
        (
            Route(body=b"missing", status=404, content_type="text/html"),
            "the article page answered HTTP 404",
        ),
        (
            Route(body=b"%PDF-1.7", content_type="application/pdf"),
            "the link is not a web page (application/pdf)",
        ),
        (
            Route(
                body=b"<html><body><p>Subscribe to read this article.</p></body></html>",
                content_type="text/html",
            ),
            "no article text found on the page (paywall or index page?)",
        ),
    ],
)
async def test_failures_keep_the_summary_with_a_reason(feed_server, fetch, route, reason) -> None:
    url = feed_server.route("/story", route)
    result = await fetch_full_article(story(url), fetch)
    assert (result.ok, result.content, result.reason) == (False, "", reason)


async def test_no_link_or_an_unsafe_link_is_a_reason_not_a_fetch(fetch) -> None:
    for link in (None, "javascript:alert(1)", "file:///etc/passwd"):
        result = await fetch_full_article(story(link), fetch)
        assert result.reason == "the story has no web link"


async def test_an_unreachable_page_is_a_one_line_reason(fetch) -> None:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    result = await fetch_full_article(story(f"http://127.0.0.1:{port}/gone"), fetch)
    assert not result.ok and "\n" not in result.reason and "connect" in result.reason


def test_the_worker_thread_entry_point_and_a_longer_summary(feed_server) -> None:
    url = feed_server.route("/short", Route(body=news_page(), content_type="text/html"))
    assert full_article(story(url), LOCAL).ok
    long_summary = " ".join(PARAGRAPHS * 3)
    assert not full_article(story(url, long_summary), LOCAL).ok
    refused = full_article(story(url), Settings())  # 127.0.0.1 without allow_private
    assert "private-network" in refused.reason


def test_extract_article_finds_nothing_in_an_empty_page() -> None:
    assert extract_article("", "https://x.example/") == ""
    assert (
        extract_article("<html><body><script>x()</script></body></html>", "https://x.example/")
        == ""
    )
