"""The common parse imports none of the fallback parsers.

A refresh starts up to three Python processes that parse; each paid
≈0.2 s and ≈6 MB for bs4 (with soupsieve), markdownify and feedparser
although an ordinary feed needs none of them: fastfeedparser reads it and
the one-pass converter of tui.core.html_fast writes its Markdown. These
tests parse in a fresh interpreter, so that nothing another test imported
hides an import, and check that the fallbacks still load, and work, on the
first input that needs them.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
FALLBACKS = ("bs4", "soupsieve", "markdownify", "feedparser")

# An ordinary RSS 2.0 feed whose items carry HTML: paragraphs, links,
# emphasis, a list, an image, named and numeric character references.
FEED = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel>
<title>Ordinary News</title><link>https://news.example/</link>
<description>An ordinary feed</description>
<item>
<title>Inflation fell to 2.1% in March</title>
<link>https://news.example/story/1</link>
<guid>https://news.example/story/1</guid>
<pubDate>Mon, 02 Mar 2026 10:00:00 GMT</pubDate>
<description>&lt;p&gt;Prices rose &lt;strong&gt;2.1%&lt;/strong&gt; in March, down from
3.4%&amp;nbsp;in February &amp;#8212; the &lt;a href="/stats"&gt;statistics office&lt;/a&gt;
said.&lt;/p&gt;&lt;ul&gt;&lt;li&gt;Food: 4%&lt;/li&gt;&lt;li&gt;Energy: &amp;#x2212;2%&lt;/li&gt;&lt;/ul&gt;
&lt;img src="https://news.example/chart.png" alt="Chart"&gt;</description>
</item>
<item>
<title>Unemployment steady at 5%</title>
<link>https://news.example/story/2</link>
<guid>https://news.example/story/2</guid>
<pubDate>Sun, 01 Mar 2026 10:00:00 GMT</pubDate>
<description>&lt;p&gt;The rate held at &lt;em&gt;5%&lt;/em&gt; for a third month.&lt;/p&gt;</description>
</item>
</channel></rss>
"""

# A feed the fast reader declines (RSS 1.0: fastfeedparser misses its
# content:encoded), so feedparser must read it.
RDF_FEED = """<?xml version="1.0" encoding="UTF-8"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/">
<channel rdf:about="https://rdf.example/"><title>RDF News</title>
<link>https://rdf.example/</link><description>d</description></channel>
<item rdf:about="https://rdf.example/1"><title>Rates cut</title>
<link>https://rdf.example/1</link><description>Rates were cut by 0.25 points.</description></item>
</rdf:RDF>
"""

PARSE = """
import json, sys
from datetime import UTC, datetime
from tui.core import refresh_worker
refresh_worker.warm_up()
after_warm_up = sorted(m for m in {fallbacks!r} if m in sys.modules)
result, unchanged = refresh_worker.parse_job(
    sys.stdin.buffer.read(), "https://news.example/feed.xml", "application/rss+xml",
    500, {{}}, datetime(2026, 3, 3, tzinfo=UTC),
)
print(json.dumps({{
    "error": result.error,
    "bodies": [story.body for story in result.stories],
    "figures": sum(len(story.figures) for story in result.stories),
    "after_warm_up": after_warm_up,
    "after_parse": sorted(m for m in {fallbacks!r} if m in sys.modules),
}}))
"""


def run_fresh(script: str, stdin: str = "") -> dict:
    """Run *script* in a new interpreter in the repository; its JSON answer."""
    done = subprocess.run(
        [sys.executable, "-c", script],
        input=stdin.encode(),
        cwd=REPO,
        capture_output=True,
        check=True,
        timeout=120,
    )
    return json.loads(done.stdout)


def test_an_ordinary_feed_is_parsed_without_importing_the_fallbacks() -> None:
    answer = run_fresh(PARSE.format(fallbacks=FALLBACKS), FEED)
    assert answer["error"] is None
    assert len(answer["bodies"]) == 2
    assert "[statistics office](https://news.example/stats)" in answer["bodies"][0]
    assert "**2.1%**" in answer["bodies"][0] and "\u2014" in answer["bodies"][0]
    assert answer["figures"] > 0  # the figures extractor and analysis did run
    assert answer["after_warm_up"] == []
    assert answer["after_parse"] == []


def test_a_feed_the_fast_reader_declines_imports_feedparser_and_is_read() -> None:
    answer = run_fresh(PARSE.format(fallbacks=FALLBACKS), RDF_FEED)
    assert answer["error"] is None
    assert answer["bodies"] == ["Rates were cut by 0.25 points."]
    assert "feedparser" in answer["after_parse"]


def test_html_the_fast_path_declines_imports_bs4_and_markdownify_and_converts() -> None:
    script = f"""
import json, sys
from tui.core.html import html_to_markdown
from tui.core.html_fast import fast_markdown
html = "<dl><dt>Rate</dt><dd>2.1% &amp; falling</dd></dl><p>See <a href='/x'>more</a></p>"
before = sorted(m for m in {FALLBACKS!r} if m in sys.modules)
declined = fast_markdown(html) is None
markdown = html_to_markdown(html, "https://news.example/")
after = sorted(m for m in {FALLBACKS!r} if m in sys.modules)
print(json.dumps({{"before": before, "declined": declined, "markdown": markdown, "after": after}}))
"""
    answer = run_fresh(script)
    assert answer["before"] == []
    assert answer["declined"]
    assert answer["markdown"] == "Rate\n:   2.1% & falling\n\nSee [more](https://news.example/x)"
    assert {"bs4", "soupsieve", "markdownify"} <= set(answer["after"])
