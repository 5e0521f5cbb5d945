"""Which main-text extractor should ``digest`` use for full articles?

Builds realistic news pages at run time from ../shared/corpus/articles
(nothing from the corpus is written into the repository): each article's
headline and paragraphs are wrapped in the boilerplate real sites carry —
navigation, a cookie banner, share buttons, an in-body "related" box and
advert slot, a "most read" sidebar, a newsletter form, reader comments and
a footer — in four different page templates. Every boilerplate sentence
is written here, so leakage can be measured exactly.

For trafilatura and readability-lxml it reports, over all pages:

- recall: share of the article's sentences found in the extracted
  Markdown (after the one HTML→Markdown path, ``html_to_markdown``);
- leakage: share of the boilerplate sentences found there;
- speed: median and 95th-percentile milliseconds per page, conversion
  included.

Run: ``uv run python bench/article.py [--limit N]``.
"""

from __future__ import annotations

import argparse
import html
import re
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tui.core.html import html_to_markdown  # noqa: E402

ARTICLES = REPO.parent / "shared" / "corpus" / "articles"

NAV = ["Home", "World", "Business", "Technology", "Science", "Culture", "Sport", "Opinion"]
BOILERPLATE = [
    "We use cookies to personalise content and ads and to analyse our traffic.",
    "By continuing to browse this site you agree to our use of cookies and similar technologies.",
    "Sign up for our morning briefing and get the day's top stories delivered to your inbox.",
    "Support independent journalism by becoming a member for less than the price of a coffee.",
    "Commuters in the northern suburbs face another week of delays on the harbour line.",
    "The city council has approved a new plan for cycle lanes along the waterfront promenade.",
    "Local bakery wins national award for its sourdough loaf for the third year running.",
    "Scientists discover a new species of frog in the cloud forests of the southern highlands.",
    "Transport minister promises to review ticket prices after a wave of passenger complaints.",
    "This is the worst piece of reporting I have read all year and the editors should be ashamed.",
    "Great article, thanks for explaining a complicated subject in such plain words.",
    "Does anyone know whether the figures quoted here include the overseas subsidiaries?",
    "Copyright The Daily Ledger Media Group, all rights reserved, reproduction prohibited.",
    "Our journalists follow the editorial code of practice of the independent press standards body.",
    "Advertise with us and reach more than two million readers across our print and digital titles.",
    "Share this story on your favourite social network or send it to a friend by email.",
    "Read next: the quiet revolution in how small towns are paying for their libraries.",
    "Most popular this week: why everyone is suddenly talking about heat pumps again.",
    "Download our app to read stories offline and get alerts when news breaks near you.",
    "Comments are moderated and may take up to an hour to appear below this article.",
    # long teasers and comments: prose that looks like an article paragraph
    "The mayor said on Tuesday that the new bus depot would open in the spring, two years later than first promised, after the council found that the contractor had underestimated the cost of moving a water main beneath the site.",
    "Residents of the estate have complained for months about damp and mould, and a report published last week found that more than half of the flats inspected needed urgent repairs before the winter.",
    "I worked in this industry for twenty years and I can tell you that the numbers in this story only tell half of it, because nobody in head office ever counted the overtime that kept the warehouses running.",
    "My daughter's school went through exactly the same thing last year, and the only reason anything changed was that the parents kept writing to the local paper until the council finally paid attention.",
    "Read more: how the harbour authority lost track of its own maintenance budget for a decade.",
    "This article is part of our series on the cost of living, supported by readers like you.",
]


def _p(text: str) -> str:
    return f"<p>{html.escape(text)}</p>"


def _chrome_top(variant: int) -> str:
    links = "".join(f'<li><a href="/{n.lower()}">{n}</a></li>' for n in NAV)
    cookie = (
        f'<div class="cookie-consent" role="dialog"><p>{BOILERPLATE[0]} {BOILERPLATE[1]}</p>'
        "<button>Accept all</button><button>Manage settings</button></div>"
    )
    header = (
        f'<header class="site-header"><a class="logo" href="/">The Daily Ledger</a>'
        f'<nav class="{["main-nav", "menu", "navbar", "nav"][variant]}"><ul>{links}</ul></nav></header>'
    )
    return cookie + header if variant != 1 else header + cookie


def _sidebar() -> str:
    items = "".join(f'<li><a href="/story/{i}">{BOILERPLATE[4 + i]}</a></li>' for i in range(5))
    teasers = "".join(
        f'<div class="teaser"><h4><a href="/more/{i}">More from the city desk</a></h4><p>{text}</p></div>'
        for i, text in enumerate(BOILERPLATE[20:22])
    )
    return (
        f'<aside class="sidebar"><h3>Most read</h3><ol>{items}</ol>{teasers}'
        f'<div class="newsletter"><h3>Newsletter</h3><p>{BOILERPLATE[2]}</p>'
        '<form><input type="email" placeholder="Your email"><button>Sign up</button></form></div>'
        f'<div class="promo"><p>{BOILERPLATE[3]}</p></div></aside>'
    )


def _comments() -> str:
    people = ["harbourwatcher", "Jane D.", "numbers_guy", "old_hand", "parent_of_three"]
    texts = [*BOILERPLATE[9:12], BOILERPLATE[22], BOILERPLATE[23]]
    items = "".join(
        f'<li class="comment"><span class="comment-author">{person}</span>'
        f'<div class="comment-body"><p>{text}</p></div></li>'
        for person, text in zip(people, texts, strict=True)
    )
    return (
        f'<section id="comments" class="comments"><h2>3 comments</h2><p>{BOILERPLATE[19]}</p>'
        f'<ol class="comment-list">{items}</ol></section>'
    )


def _footer() -> str:
    return (
        f'<footer class="site-footer"><p>{BOILERPLATE[12]}</p><p>{BOILERPLATE[13]}</p>'
        f'<p><a href="/advertise">{BOILERPLATE[14]}</a></p>'
        f'<p>{BOILERPLATE[18]}</p><ul><li><a href="/privacy">Privacy</a></li>'
        '<li><a href="/terms">Terms</a></li></ul></footer>'
    )


def build_page(headline: str, paragraphs: list[str], variant: int) -> str:
    """A news page around the article, in one of four templates."""
    body = list(map(_p, paragraphs))
    related = (
        f'<aside class="related"><h4>Related</h4><ul><li><a href="/read-next">'
        f'{BOILERPLATE[16]}</a></li><li><a href="/popular">{BOILERPLATE[17]}</a></li></ul></aside>'
    )
    advert = '<div class="ad-slot"><span>Advertisement</span></div>'
    promo = f'<p class="inline-promo"><a href="/series">{BOILERPLATE[25]}</a></p>'
    read_more = f'<p><strong><a href="/harbour">{BOILERPLATE[24]}</a></strong></p>'
    if len(body) > 3:
        body.insert(len(body) // 2, related)
        body.insert(2, advert)
        body.insert(len(body) - 1, read_more)
    body.append(promo)
    share = f'<div class="share-tools"><p>{BOILERPLATE[15]}</p></div>'
    byline = (
        '<p class="byline">By <a href="/staff/a-reporter">A. Reporter</a>, '
        '<time datetime="2024-05-02">2 May 2024</time></p>'
    )
    title = html.escape(headline)
    if variant == 0:
        article = (
            f'<main><article class="story"><h1>{title}</h1>{byline}{share}'
            f'<div class="story-body">{"".join(body)}</div></article>{_comments()}</main>'
        )
    elif variant == 1:
        article = (
            f'<div id="page"><div id="content" class="entry"><h1 class="entry-title">{title}</h1>'
            f'{byline}<div class="entry-content">{"".join(body)}</div>{share}</div>'
            f"{_comments()}</div>"
        )
    elif variant == 3:
        half = len(body) // 2
        article = (
            f'<main><h1 class="headline">{title}</h1>{byline}'
            f'<div class="article-body">{"".join(body[:half])}</div>'
            f'<div class="newsletter-inline"><p>{BOILERPLATE[2]}</p></div>'
            f'<div class="article-body">{"".join(body[half:])}</div>{share}{_comments()}</main>'
        )
    else:
        article = (
            f'<div class="container"><div class="row"><div class="col-8"><h1>{title}</h1>{byline}'
            f'<div class="text">{"".join(body)}</div>{share}{_comments()}</div></div></div>'
        )
    head = (
        f"<head><meta charset='utf-8'><title>{title} | The Daily Ledger</title>"
        "<script>window.dataLayer=[];function gtag(){dataLayer.push(arguments)}</script>"
        "<style>.ad-slot{height:250px}</style></head>"
    )
    return (
        f"<!doctype html><html lang='en'>{head}<body>{_chrome_top(variant)}"
        f"{article}{_sidebar()}{_footer()}</body></html>"
    )


def _trafilatura(page: str, url: str) -> str:
    import trafilatura

    return (
        trafilatura.extract(
            page, url=url, output_format="html", include_comments=False, include_links=True
        )
        or ""
    )


def _readability(page: str, url: str) -> str:
    from readability import Document

    return Document(page, url=url).summary(html_partial=True)


EXTRACTORS: dict[str, Callable[[str, str], str]] = {
    "trafilatura": _trafilatura,
    "readability-lxml": _readability,
}


def _norm(text: str) -> str:
    text = html.unescape(text).replace("\\", "")
    text = re.sub(r"[*_`#>\[\]]", " ", text)
    text = text.replace("’", "'").replace("‘", "'").replace("“", '"').replace("”", '"')
    return " ".join(text.lower().split())


def _sentences(paragraphs: list[str]) -> list[str]:
    found = []
    for paragraph in paragraphs:
        for sentence in re.split(r"(?<=[.!?])\s+(?=[A-Z\"“‘'])", paragraph):
            if len(sentence.split()) >= 4:
                found.append(_norm(sentence))
    return found


def load_articles(limit: int | None) -> list[tuple[str, list[str]]]:
    """(headline, paragraphs) of each corpus article."""
    articles = []
    for path in sorted(ARTICLES.glob("*.txt"))[:limit]:
        lines = [line.strip() for line in path.read_text("utf-8").splitlines()]
        paragraphs = [line for line in lines[1:] if line]
        if lines and paragraphs:
            articles.append((lines[0], paragraphs))
    return articles


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=None, help="use only the first N articles")
    args = parser.parse_args()
    if not ARTICLES.is_dir():
        print(f"no corpus at {ARTICLES}", file=sys.stderr)
        return 1
    articles = load_articles(args.limit)
    pages = [
        (build_page(headline, paragraphs, i % 4), _sentences(paragraphs))
        for i, (headline, paragraphs) in enumerate(articles)
    ]
    boiler = [_norm(sentence) for sentence in BOILERPLATE]
    print(f"{len(pages)} pages built from {ARTICLES} (4 templates)\n")
    print(
        f"{'extractor':<18} {'recall':>7} {'worst page':>10} {'pages≥95%':>10} {'leakage':>8} "
        f"{'ms p50':>7} {'ms p95':>7}"
    )
    for name, extract in EXTRACTORS.items():
        extract(pages[0][0], "https://news.example/warm-up")  # imports and caches
        found = total = leaked = complete = 0
        worst = 1.0
        times = []
        for number, (page, sentences) in enumerate(pages):
            url = f"https://news.example/2024/05/story-{number}"
            start = time.perf_counter()
            text = _norm(html_to_markdown(extract(page, url), url))
            times.append((time.perf_counter() - start) * 1000)
            hits = sum(sentence in text for sentence in sentences)
            found += hits
            total += len(sentences)
            complete += hits >= 0.95 * len(sentences)
            worst = min(worst, hits / max(len(sentences), 1))
            leaked += sum(sentence in text for sentence in boiler)
        times.sort()
        p95 = times[min(len(times) - 1, int(len(times) * 0.95))]
        print(
            f"{name:<18} {found / total:>7.1%} {worst:>10.1%} {complete / len(pages):>10.1%} "
            f"{leaked / (len(boiler) * len(pages)):>8.2%} {statistics.median(times):>7.1f} {p95:>7.1f}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
