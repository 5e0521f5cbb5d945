"""Full articles: fetch a story's page and keep its main text as Markdown.

Many feeds carry a sentence or two; the figures worth showing are in the
article. On the reader's key, or for every new story of a feed with
``full_content = true``, the page is fetched with the same fetch policy as
feeds, its main text is extracted, converted by the one HTML→Markdown path
(:func:`tui.core.html.html_to_markdown`) and the figures extractor runs on
it. Anything that goes wrong leaves the summary in place and gives a
one-line reason.

The extractor is readability-lxml: on the pages ``bench/article.py``
builds from the article corpus (four templates with navigation, cookie
banners, in-body promos, split bodies, comments longer than short articles)
it kept 100% of article sentences on every page, where trafilatura kept
97.2% overall and only half of the article on some split-body pages; both
leaked the same in-body promo lines (~7.5% of boilerplate sentences) at
the same speed (7-13 ms a page each, conversion included). Losing article
text is the worse failure for a reader, and readability pulls in four
small packages, trafilatura a dozen.

Extraction is CPU work: the async entry point runs it in a thread, never
on the event loop.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from tui.core.html import html_to_markdown
from tui.core.models import Figure, Story
from tui.core.pages import PageError, PageFetch, decode_html
from tui.core.sanitize import one_line
from tui.core.urls import safe_web_url

if TYPE_CHECKING:
    from tui.core.config import Settings

HTML_TYPES = ("text/html", "application/xhtml+xml")
MAX_HTML_CHARS = 5_000_000  # bigger pages are not articles; lxml would still cope
MIN_WORDS = 60  # less main text than this is a paywall, an index or an error page

FiguresFn = Callable[[str, str], tuple[list[Figure], Figure | None]]


@dataclass(frozen=True, slots=True)
class FullArticle:
    """The outcome of fetching one story's article. When ``ok``,
    ``content`` is the Markdown to store as the story's content with its
    ``figures`` and ``headline``; otherwise ``reason`` says in one line why
    the summary stays."""

    ok: bool
    content: str = ""
    url: str = ""
    figures: list[Figure] = field(default_factory=list)
    headline: Figure | None = None
    reason: str = ""


def extract_article(html: str, url: str) -> str:
    """The main text of an HTML page as safe Markdown ('' when none is
    found). Links and images are resolved against *url*."""
    from readability import Document

    if not html.strip():
        return ""
    try:
        main = Document(html[:MAX_HTML_CHARS], url=url).summary(html_partial=True)
    except Exception:  # readability raises its own Unparseable and lxml errors
        return ""
    return html_to_markdown(main, url)


def _words(markdown: str) -> int:
    return len(re.findall(r"\w+", re.sub(r"\]\([^)]*\)", "]", markdown)))


def story_figures(title: str, body: str) -> tuple[list[Figure], Figure | None]:
    """The figures extractor as the refresh runs it: all figures of the
    title and body, and the headline one."""
    from tui.core.figures import extract_story_figures, headline_figure

    figures = extract_story_figures(title, body)
    return figures, headline_figure(figures)


async def fetch_full_article(
    story: Story, fetch: PageFetch, *, figures: FiguresFn = story_figures
) -> FullArticle:
    """Fetch and extract *story*'s article (see the module docstring).
    Never raises for a page problem: the reason is in the result."""
    link = safe_web_url(story.link)
    if link is None:
        return FullArticle(False, reason="the story has no web link")
    try:
        page = await fetch(link)
    except PageError as error:
        return FullArticle(False, url=link, reason=one_line(str(error), 200))
    if page.status >= 400:
        return FullArticle(False, url=link, reason=f"the article page answered HTTP {page.status}")
    kind = page.content_type.split(";")[0].strip().lower()
    if kind and kind not in HTML_TYPES:
        return FullArticle(
            False, url=link, reason=f"the link is not a web page ({one_line(kind, 60)})"
        )
    html = decode_html(page.body, page.content_type)
    markdown = await asyncio.to_thread(extract_article, html, page.url)
    words = _words(markdown)
    if words < MIN_WORDS or words < _words(story.summary):
        return FullArticle(
            False, url=page.url, reason="no article text found on the page (paywall or index page?)"
        )
    found, headline = await asyncio.to_thread(figures, story.title, markdown)
    return FullArticle(True, markdown, page.url, found, headline)


def full_article(
    story: Story, settings: Settings, *, figures: FiguresFn = story_figures
) -> FullArticle:
    """:func:`fetch_full_article` for a worker thread (the reader's key):
    runs its own event loop and fetcher, so call it off the UI's loop."""
    from tui.core.pages import open_page_fetch

    async def run() -> FullArticle:
        async with open_page_fetch(settings) as fetch:
            return await fetch_full_article(story, fetch, figures=figures)

    return asyncio.run(run())
