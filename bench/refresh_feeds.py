"""Synthetic but realistic RSS feeds for bench/refresh.py.

Each feed is RSS 2.0 with about 30 items and about 50 KB: titles, links,
GUIDs, dates, authors, categories and HTML descriptions with paragraphs,
links, emphasis, an image, the kind of figures news carries and the names
they are about. Feeds are
deterministic (seeded by feed number and version), so a "changed" feed is
the same feed with two new items on top and the two oldest gone, as a real
feed changes between refreshes.
"""

from __future__ import annotations

import os
import random
import time
from email.utils import formatdate

WORDS = [
    "market",
    "growth",
    "council",
    "report",
    "city",
    "budget",
    "energy",
    "prices",
    "rose",
    "fell",
    "percent",
    "government",
    "analysts",
    "expect",
    "quarter",
    "revenue",
    "water",
    "project",
    "workers",
    "union",
    "strike",
    "transport",
    "health",
    "hospital",
    "schools",
    "election",
    "voters",
    "survey",
    "climate",
    "emissions",
    "storage",
    "battery",
    "solar",
    "wind",
    "grid",
    "capacity",
    "housing",
    "rents",
    "mortgage",
    "rates",
    "bank",
    "inflation",
    "tariffs",
    "exports",
    "imports",
    "shipping",
    "port",
    "harbour",
    "rail",
    "line",
    "airport",
    "software",
    "release",
    "security",
    "update",
    "users",
    "network",
    "outage",
    "data",
    "centre",
    "research",
]
# Who stories are about: most news sentences and headlines name a company,
# product or place, and a figure's metric is tracked by that name (without
# them every figure would lack a subject, and the bench would skip the
# metric history real feeds cost). Made up, as the words are.
NAMES = [
    "Northwind",
    "Contoso",
    "Brightwater Energy",
    "Kestrel",
    "Fabrikam",
    "Lumen Rail",
    "Orbitel",
    "Veridia",
    "Tailspin",
    "Marlow Bank",
    "Quillon",
    "Zentra OS",
    "Halvard",
    "Redfern Council",
    "Aperio",
    "Nimbus Grid",
    "Castellan",
    "Ostara Health",
    "Pellucid",
    "Wexford Port",
    "Iberis",
    "Solenne",
    "Trelawny Water",
    "Corvid Labs",
]
NAMED_SHARE = 0.7
# The share of sentences that carry a figure. Measured with the extractor:
# 27% of the sentences of ../shared/corpus/articles (59 news articles,
# 3.3 figures per 1000 characters) and 1.7 figures per 1000 characters in
# the stories of ../shared/corpus/feeds. At 0.4 the bench has 3.6 figures
# per 1000 characters (every title keeps one as well); with a figure in
# every sentence it had 7.8, twice the densest real news and 4.5 times
# real feeds.
FIGURE_SHARE = float(os.environ.get("BENCH_FIGURE_SHARE", "0.4"))
# Items are dated from yesterday's midnight (UTC), as a news feed's are:
# recent stories are what the digest groups at refresh. BENCH_BASE_TIME
# (set by bench/refresh.py for its server process) keeps one run's feeds
# byte-identical across processes and phases.
BASE_TIME = int(os.environ.get("BENCH_BASE_TIME") or (time.time() // 86400 - 1) * 86400)


def _opening(text: str) -> str:
    return text[:1].upper() + text[1:]


def _sentence(rng: random.Random) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(9, 21))]
    i = rng.randrange(len(words))
    figure = rng.choice(
        [
            f"{rng.randint(2, 98)}%",
            f"${rng.randint(1, 900)} million",
            f"{rng.randint(1, 40)}.{rng.randint(0, 9)} billion",
            f"{rng.randint(100, 99000):,} people",
            f"{rng.randint(2, 12)} MW",
        ]
    )
    if rng.random() < FIGURE_SHARE:
        words[i] = figure
    if rng.random() < NAMED_SHARE:
        words.insert(0, rng.choice(NAMES))
    return _opening(" ".join(words)) + "."


def _description(rng: random.Random, feed: int, item: int) -> str:
    paragraphs = []
    for p in range(rng.randint(3, 4)):
        text = " ".join(_sentence(rng) for _ in range(rng.randint(2, 3)))
        if p == 0:
            text = f'<strong>{text}</strong> <a href="/story/{feed}/{item}/more">Read more</a>'
        elif p == 1:
            text += (
                f' <em>{_sentence(rng)}</em> <a href="https://example.org/ref/{item}">source</a>'
            )
        paragraphs.append(f"<p>{text}</p>")
    if rng.random() < 0.5:
        paragraphs.insert(
            1,
            f'<img src="https://cdn.example.org/{feed}/{item}.jpg" alt="Photo {item}" width="640">',
        )
    return "\n".join(paragraphs)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def make_feed(feed: int, version: int = 0, items: int = 30, host: str = "127.0.0.1") -> bytes:
    """The bytes of synthetic feed number *feed* at *version* (each version
    adds two newer items and drops the two oldest)."""
    first = version * 2  # item numbers shown: newest first
    parts = [
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/">\n<channel>\n'
        f"<title>Synthetic News {feed}</title>\n<link>http://{host}/site/{feed}/</link>\n"
        f"<description>Bench feed {feed}</description>\n"
        f"<lastBuildDate>{formatdate(BASE_TIME + version * 3600, usegmt=True)}</lastBuildDate>\n"
    ]
    for n in range(first + items - 1, first - 1, -1):
        rng = random.Random(feed * 100_003 + n)
        title = " ".join(rng.choice(WORDS) for _ in range(rng.randint(5, 10)))
        if rng.random() < NAMED_SHARE:
            title = f"{rng.choice(NAMES)} {title}"
        title = _opening(title)
        title += f" as {rng.randint(2, 60)}% {rng.choice(WORDS)}"
        link = f"http://{host}/story/{feed}/{n}"
        parts.append(
            "<item>\n"
            f"<title>{_escape(title)}</title>\n<link>{link}</link>\n"
            f'<guid isPermaLink="true">{link}</guid>\n'
            f"<pubDate>{formatdate(BASE_TIME + n * 1800, usegmt=True)}</pubDate>\n"
            f"<dc:creator>Reporter {rng.randint(1, 40)}</dc:creator>\n"
            f"<category>{rng.choice(WORDS)}</category><category>{rng.choice(WORDS)}</category>\n"
            f"<description>{_escape(_description(rng, feed, n))}</description>\n"
            "</item>\n"
        )
    parts.append("</channel>\n</rss>\n")
    return "".join(parts).encode("utf-8")
