"""Fuzzing the whole text path: bytes → parse → store → figures → text.

Hypothesis generates random bytes and random XML-ish feeds (RSS, Atom,
RDF, JSON Feed) whose fields mix ordinary text with every hostile piece
INDEX.md names: raw and referenced control characters, C1 and bidi
characters, Rich/Textual markup, entity references and declarations,
CDATA, scripts, dangerous link schemes, absurd dates; with random
encodings declared, wrong or missing, and bodies cut at random points.

Each body goes through what ``digest refresh`` runs (``parse_job``: parse
and figures), into a real store, back out, and through every renderer to
text: ``digest print`` (Markdown and JSON), the reader's list row and its
story document. Nothing may raise, and everything may only ever hold
terminal-safe text and web links.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from xml.sax.saxutils import escape

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.hostile.helpers import UNSAFE
from tui.cli.print_cmd import _story_json, to_markdown
from tui.core.models import FeedConfig
from tui.core.refresh_worker import parse_job
from tui.core.sanitize import json_dumps
from tui.core.store import Store

URL = "https://feeds.example.com/feed.xml"
NOW = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)
PIECES = [
    "\x1b[31m",
    "\x1b[2J",
    "\x1b]0;pwned\x07",
    "\x1b]8;;https://evil.invalid/\x1b\\",
    "\x1b]52;c;ZWNobw==\x07",
    "\x9b31m",
    "\x9d0;t\x9c",
    "\u202e",
    "\u2066",
    "\u200b",
    "\ufeff",
    "\x00",
    "\r",
    "\x08",
    "\x7f",
    "&#27;[31m",
    "&#x1b;]0;t&#7;",
    "&#155;",
    "&#x9b;",
    "&#0;",
    "&nbsp;",
    "&lol9;",
    "&amp;",
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "<b>",
    "</i>",
    "<script>alert(1)</script>",
    "<a href='javascript:alert(1)'>x</a>",
    "<a href='%6Aavascript:x'>y</a>",
    "<img src=x onerror=alert(1)>",
    "<iframe src='file:///etc/passwd'></iframe>",
    "<div>" * 40,
    "[@click=app.quit]",
    "[link=file:///etc/passwd]x[/link]",
    "[/]",
    "[bold red]",
    "\\",
    "[x](javascript:alert(1))",
    "![y](file:///etc/passwd)",
    "<javascript:alert(1)>",
    "javascript:alert(1)",
    "data:text/html,x",
    "https://user:pass@example.com/",
    "http://127.1/",
    "]]>",
    "<![CDATA[",
    "12%",
    "$3.5bn",
    "27 million users",
    "5,000mAh",
    "Mon, 06 Jan 2025 10:00:00 GMT",
    "0001-01-01T00:00:00Z",
    "Fri, 31 Dec 9999 23:59:59 +1400",
    "yesterday-ish",
    "💥",
    "ü",
    " ",
    "\n",
    "\t",
]
TEXT = st.lists(
    st.one_of(
        st.sampled_from(PIECES), st.text(st.characters(exclude_categories=("Cs",)), max_size=8)
    ),
    max_size=8,
).map("".join)
FIELD = st.tuples(TEXT, st.sampled_from(["escaped", "raw", "cdata"])).map(
    lambda pair: {
        "escaped": escape(pair[0]),
        "raw": pair[0],
        "cdata": f"<![CDATA[{pair[0]}]]>",
    }[pair[1]]
)
ENCODINGS = ["utf-8", "UTF-8", "iso-8859-1", "windows-1252", "utf-16", "x-no-such-charset", None]


@st.composite
def xml_feeds(draw: st.DrawFn) -> bytes:
    kind = draw(st.sampled_from(["rss", "atom", "rdf"]))
    items = []
    for _ in range(draw(st.integers(0, 4))):
        title, text, link, guid, date = (draw(FIELD) for _ in range(5))
        if kind == "atom":
            items.append(
                f"<entry><title type='{draw(st.sampled_from(['text', 'html']))}'>{title}</title>"
                f"<id>{guid}</id><link href='{escape(draw(TEXT), {chr(39): '&apos;'})}'/>"
                f"<updated>{date}</updated><content type='html'>{text}</content></entry>"
            )
        else:
            tag = "item" if kind == "rss" else "item rdf:about='x'"
            items.append(
                f"<{tag}><title>{title}</title><link>{link}</link><guid>{guid}</guid>"
                f"<pubDate>{date}</pubDate><description>{text}</description>"
                f"<content:encoded>{draw(FIELD)}</content:encoded></item>"
            )
    title = draw(FIELD)
    if kind == "atom":
        doc = f"<feed xmlns='http://www.w3.org/2005/Atom'><title>{title}</title>{''.join(items)}</feed>"
    elif kind == "rss":
        doc = (
            "<rss version='2.0' xmlns:content='http://purl.org/rss/1.0/modules/content/'>"
            f"<channel><title>{title}</title><link>{draw(FIELD)}</link>{''.join(items)}</channel></rss>"
        )
    else:
        doc = (
            "<rdf:RDF xmlns:rdf='http://www.w3.org/1999/02/22-rdf-syntax-ns#' "
            "xmlns='http://purl.org/rss/1.0/' "
            "xmlns:content='http://purl.org/rss/1.0/modules/content/'>"
            f"<channel><title>{title}</title></channel>{''.join(items)}</rdf:RDF>"
        )
    if draw(st.booleans()):
        entity = draw(st.sampled_from(["lol9", "xxe", "a", "nbsp"]))
        value = draw(
            st.sampled_from(['"lol"', 'SYSTEM "file:///etc/passwd"', '"&lol;&lol;"', '"x"'])
        )
        doc = f"<!DOCTYPE {kind} [<!ENTITY {entity} {value}>]>{doc}"
    encoding = draw(st.sampled_from(ENCODINGS))
    if encoding:
        doc = f"<?xml version='1.0' encoding='{encoding}'?>{doc}"
    codec = draw(st.sampled_from(["utf-8", "utf-16", "latin-1", "cp1252"]))
    body = doc.encode(codec, errors="replace")
    if draw(st.booleans()):
        body = body[: draw(st.integers(0, len(body)))]
    return body


@st.composite
def json_feeds(draw: st.DrawFn) -> bytes:
    value = st.one_of(TEXT, st.integers(), st.none(), st.booleans(), st.lists(TEXT, max_size=2))
    items = [
        {
            key: draw(value)
            for key in draw(
                st.lists(
                    st.sampled_from(
                        [
                            "id",
                            "url",
                            "title",
                            "content_html",
                            "content_text",
                            "summary",
                            "date_published",
                            "date_modified",
                            "authors",
                            "attachments",
                        ]
                    ),
                    unique=True,
                )
            )
        }
        for _ in range(draw(st.integers(0, 3)))
    ]
    feed = {"version": "https://jsonfeed.org/version/1.1", "title": draw(TEXT), "items": items}
    return json.dumps(feed, ensure_ascii=draw(st.booleans())).encode()


@pytest.fixture(scope="module")
def fuzz_store(tmp_path_factory: pytest.TempPathFactory):
    store = Store.open(tmp_path_factory.mktemp("fuzz") / "fuzz.db")
    store.sync_feeds([FeedConfig(url=URL, title="Fuzz \x1b[31m feed")])
    yield store
    store.close()


LIVE_LINK = re.compile(r"(?<!\\)((?:\\\\)*)\]\(([^)\s]*)")


def check_safe(text: str, where: str) -> None:
    bad = UNSAFE.findall(text)
    assert not bad, (where, bad, text[:300])


def pipeline(store: Store, body: bytes, content_type: str | None = None) -> None:
    from tui.app.document import build_document, strip_marks
    from tui.app.view import story_row

    parsed, _ = parse_job(body, URL, content_type, 20, {}, NOW)
    if parsed.error is not None:
        check_safe(parsed.error, "error")
        assert "\n" not in parsed.error and len(parsed.error) <= 300
        assert not parsed.stories
        return
    for text in (parsed.title or "", parsed.warning or "", parsed.site_url or ""):
        check_safe(text, "feed")
    for story in parsed.stories:
        for name in ("uid", "title", "summary", "content", "author", "guid"):
            check_safe(getattr(story, name) or "", name)
        assert story.uid
        assert story.link is None or re.match(r"https?://[^@/\s]+(/|$)", story.link), story.link
        assert story.published <= NOW + timedelta(days=1)
        for enclosure in story.enclosures:
            assert re.match(r"https?://", enclosure.url)
    feed_id = store.feeds()[0].id
    store.upsert_stories(feed_id, parsed.stories)
    stored = [store.story(s.id) for s in parsed.stories if s.id is not None]
    figures = {s.id: store.figures(s.id) for s in stored}
    markdown = to_markdown(stored, figures)
    as_json = json_dumps({"stories": [_story_json(s, figures[s.id]) for s in stored]}, indent=2)
    check_safe(markdown, "print md")
    check_safe(as_json, "print json")
    json.loads(as_json)
    for story in stored:
        story.figures = figures[story.id]
        row = story_row(story)
        check_safe(f"{row.title} {row.feed} {row.figure}", "list row")
        doc = build_document(story)
        check_safe(doc.markdown, "document")
        for _, target in LIVE_LINK.findall(strip_marks(doc.markdown)):
            assert re.match(r"https?://", target), (target, doc.markdown[:300])
        for figure in doc.figures:
            check_safe(f"{figure.value} {figure.noun} {figure.per} {figure.sentence}", "figure")


FUZZ = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    database=None,
)


@FUZZ
@given(body=st.binary(max_size=3000))
def test_random_bytes(fuzz_store: Store, body: bytes) -> None:
    pipeline(fuzz_store, body)


@FUZZ
@given(body=xml_feeds())
def test_random_xml_feeds(fuzz_store: Store, body: bytes) -> None:
    pipeline(fuzz_store, body)


@FUZZ
@given(body=json_feeds(), content_type=st.sampled_from([None, "application/feed+json"]))
def test_random_json_feeds(fuzz_store: Store, body: bytes, content_type: str | None) -> None:
    pipeline(fuzz_store, body, content_type)


def test_the_fuzzer_reaches_the_interesting_paths(tmp_path: Path) -> None:
    """A fixed hostile feed through the same pipeline: guards against a
    pipeline that silently checks nothing (every body an error)."""
    body = (
        "<?xml version='1.0'?><rss version='2.0'><channel><title>T \x1b[31m</title>"
        "<item><guid>1</guid><title>[@click=app.quit] \x9b2J</title>"
        "<link>%6Aavascript:alert(1)</link><description>"
        + escape("<p>Sales rose 12% [x](javascript:alert(1)) &#27;]0;t&#7;</p>")
        + "</description></item></channel></rss>"
    ).encode()
    with Store.open(tmp_path / "one.db") as store:
        store.sync_feeds([FeedConfig(url=URL)])
        pipeline(store, body)
        (story,) = store.stories()
        full = store.story(story.id)
        # Raw ESC makes the XML malformed: feedparser's loose parser reads it,
        # and maps the C1 CSI to "›" as Windows-1252 would.
        assert full.title in ("[@click=app.quit] 2J", "[@click=app.quit] ›2J")
        # "%6Aavascript:" is a relative link (a scheme starts with a letter):
        # resolved against the feed, it is a harmless page there.
        assert full.link is None or full.link.startswith("https://feeds.example.com/")
        assert "Sales rose 12% [x\\](javascript:alert(1)) ]0;t" in full.content
        assert [f.text for f in store.figures(story.id)] == ["12%"]
