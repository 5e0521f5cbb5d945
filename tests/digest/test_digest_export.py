"""The digest written out: Markdown round-tripped through a real Markdown
parser, HTML opened by real HTML parsers, JSON validated against the
schema the README quotes. A hostile feed (escape sequences, bidi
overrides, markup and a javascript: link in its title) must come out as
plain, inert text in every format."""

from __future__ import annotations

import json
import re
from datetime import datetime
from html.parser import HTMLParser

import jsonschema
import lxml.html
import pytest
from markdown_it import MarkdownIt

from tests.digest.helpers import NOW, Desk, schema
from tui.core import digest
from tui.core.digest.export import as_data, render, to_html, to_json, to_markdown
from tui.core.sanitize import one_line
from tui.core.store import Store

HOSTILE_FEED = "Wire <i>x</i>\x1b]0;pwned\x07 \u202eNews"
HOSTILE_TITLE = (
    "Breaking <script>alert(1)</script> [click](javascript:alert(1)) ![x](http://evil.example/x.png)"
    " **bold** `code` \x1b]0;pwned\x07 \x1bcred \u202etxt.exe \x9bK AT&T &amp; <b>b</b> #"
)
CLEAN_HOSTILE_TITLE = one_line(HOSTILE_TITLE)
# What must never reach a terminal or a page from a feed.
FORBIDDEN = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b\u200e\u200f\u202a-\u202e\u2066-\u2069]")


@pytest.fixture
def entries(store: Store) -> list[digest.Entry]:
    desk = Desk(store, {"Ars": 1.0, "The Verge": 2.0, HOSTILE_FEED: 1.0})
    link = "https://news.example/harmonyos-milestone"
    desk.file(
        "Ars",
        "HarmonyOS passes 27 million users",
        "Huawei said HarmonyOS has 27 million users.",
        hours_ago=3,
        link=f"{link}?utm_source=ars",
    )
    desk.file(
        "The Verge",
        "HarmonyOS now has 27.1 million users",
        "HarmonyOS has 27.1 million users, up 12% in a year.",
        hours_ago=2,
        link=f"{link}?fbclid=xyz",
    )
    desk.file(
        HOSTILE_FEED,
        HOSTILE_TITLE,
        "The deal is worth $5 billion.",
        hours_ago=1,
        link="javascript:alert(document.cookie)",
    )
    found = digest.today(store, NOW, figures=True)
    assert [len(entry.sources) for entry in found] == [2, 1]
    return found


def by_format(entries: list[digest.Entry], format: str) -> str:
    return render(entries, format, window="today", generated=NOW)


# ----------------------------------------------------------- every format


@pytest.mark.parametrize("format", ["md", "html", "json"])
def test_no_control_escape_or_bidi_character_survives_any_format(entries, format: str) -> None:
    text = by_format(entries, format)
    assert not FORBIDDEN.findall(text.replace("\n", "")), format
    assert "pwned" in text  # the feed's name is kept, only its control characters go
    assert "document.cookie" not in text  # the javascript: link is nowhere


def test_an_unknown_format_is_refused(entries) -> None:
    with pytest.raises(ValueError, match="unknown digest format 'pdf'"):
        render(entries, "pdf", window="today")


# ---------------------------------------------------------------- Markdown


def inline_text(token) -> str:
    return "".join(child.content for child in token.children if child.type == "text")


def test_markdown_round_trips_to_headings_sources_and_figures(entries) -> None:
    text = to_markdown(entries, window="today", generated=NOW)
    tokens = MarkdownIt("commonmark").parse(text)
    headings = [
        (tokens[i].tag, inline_text(tokens[i + 1]))
        for i, token in enumerate(tokens)
        if token.type == "heading_open"
    ]
    assert headings == [
        ("h1", "Digest: Today, 2026-11-23"),
        ("h2", "1. HarmonyOS now has 27.1 million users"),
        ("h2", f"2. {CLEAN_HOSTILE_TITLE}"),  # every character back, as text
    ]
    links = [
        (token.attrs["href"], inline_text_after(tokens, token))
        for token in walk(tokens)
        if token.type == "link_open"
    ]
    assert links == [
        ("https://news.example/harmonyos-milestone?utm_source=ars", "Ars"),
        ("https://news.example/harmonyos-milestone?fbclid=xyz", "The Verge"),
    ]
    items = [inline_text(t) for t in tokens if t.type == "inline" and t.map and t.level == 3]
    assert "users: 27M (Ars) vs 27.1M (The Verge) (sources disagree)" in items
    strong = [
        inline_text_after(tokens, token) for token in walk(tokens) if token.type == "strong_open"
    ]
    assert strong == ["27M users", "$5bn deal"]


def test_a_hostile_title_is_no_link_image_markup_or_html_in_markdown(entries) -> None:
    text = to_markdown(entries, window="today", generated=NOW)
    kinds = {token.type for token in walk(MarkdownIt("commonmark").parse(text))}
    assert not kinds & {"image", "html_inline", "html_block", "code_inline", "em_open"}
    rendered = MarkdownIt("commonmark").render(text)
    assert "<script" not in rendered and "<b>" not in rendered
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in rendered
    assert 'href="javascript' not in rendered and "<img" not in rendered
    # the hostile source is listed without a link: its link is not a web link
    assert f"- {HOSTILE_FEED[:4]}" in text


def walk(tokens):
    for token in tokens:
        yield token
        yield from walk(token.children or [])


def inline_text_after(tokens, opening) -> str:
    """The text between *opening* and its closing token."""
    for token in tokens:
        children = token.children or []
        at = [i for i, child in enumerate(children) if child is opening]  # tokens compare equal
        if at:
            start = at[0]
            closing = opening.type.replace("_open", "_close")
            end = next(i for i in range(start, len(children)) if children[i].type == closing)
            return "".join(child.content for child in children[start:end] if child.type == "text")
    raise AssertionError("token not found")


# -------------------------------------------------------------------- HTML


class Balance(HTMLParser):
    """The standard library's parser: every element closed, in order."""

    VOID = frozenset({"meta", "br", "img", "link", "hr", "input"})

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.errors: list[str] = []
        self.seen: list[str] = []

    def handle_starttag(self, tag: str, attrs) -> None:
        self.seen.append(tag)
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack.pop() != tag:
            self.errors.append(tag)


def test_html_is_one_well_formed_standalone_page(entries) -> None:
    page = to_html(entries, window="today", generated=NOW)
    checker = Balance()
    checker.feed(page)
    checker.close()
    assert checker.errors == [] and checker.stack == []
    assert page.startswith("<!DOCTYPE html>")
    assert "script" not in checker.seen and "link" not in checker.seen and "img" not in checker.seen
    doc = lxml.html.document_fromstring(page)
    assert doc.xpath("//meta/@charset") == ["utf-8"]
    (policy,) = doc.xpath("//meta[@http-equiv='Content-Security-Policy']/@content")
    assert policy.startswith("default-src 'none'")
    (style,) = doc.xpath("//style/text()")
    assert "@media (prefers-color-scheme: dark)" in style and "mark.money" in style
    assert doc.xpath("//h1")[0].text_content() == "Digest: Today, 2026-11-23"


def test_html_lists_entries_with_sources_linked_and_figures_marked(entries) -> None:
    doc = lxml.html.document_fromstring(to_html(entries, window="today", generated=NOW))
    articles = doc.xpath("//article[contains(@class, 'entry')]")
    assert [a.get("data-rank") for a in articles] == ["1", "2"]
    first, hostile = articles
    title = first.xpath(".//h2")[0]
    assert title.text_content() == "1. HarmonyOS now has 27.1 million users"
    assert [(m.get("class"), m.text) for m in title.xpath(".//mark")] == [
        ("figure count", "27.1 million")
    ]
    assert [
        (a.text, a.get("href"), a.get("rel")) for a in first.xpath(".//ul[@class='sources']//a")
    ] == [
        (
            "Ars",
            "https://news.example/harmonyos-milestone?utm_source=ars",
            "noopener noreferrer nofollow",
        ),
        (
            "The Verge",
            "https://news.example/harmonyos-milestone?fbclid=xyz",
            "noopener noreferrer nofollow",
        ),
    ]
    (conflict,) = first.xpath(".//li[@class='conflict']")
    assert [m.text for m in conflict.xpath("mark[@class='figure count']")] == ["27M", "27.1M"]
    assert conflict.text_content() == "users: 27M (Ars) vs 27.1M (The Verge) sources disagree"
    assert first.xpath(".//li/mark[@class='figure percent']/text()") == ["12%"]
    assert "1 feed carries it" not in first.xpath(".//details")[0].text_content()
    assert "2 feeds carry it: Ars, The Verge" in first.xpath(".//details")[0].text_content()
    # The hostile entry: its markup is text, its javascript: link is no link.
    assert hostile.xpath(".//h2")[0].text_content() == f"2. {CLEAN_HOSTILE_TITLE}"
    assert hostile.xpath(".//h2//b | .//h2//img | .//script") == []
    assert hostile.xpath(".//a") == []
    (source,) = hostile.xpath(".//ul[@class='sources']/li")
    assert source.text_content().startswith(f"{one_line(HOSTILE_FEED)} · 2026-11-23 11:00 UTC")
    assert hostile.xpath(".//i") == []
    assert (
        f"1 feed carries it: {one_line(HOSTILE_FEED)}"
        in hostile.xpath(".//details")[0].text_content()
    )
    assert hostile.xpath(".//p[@class='headline']/mark[@class='figure money']/text()") == ["$5bn"]
    assert all(href.startswith("https://") for href in doc.xpath("//a/@href"))


# -------------------------------------------------------------------- JSON


def validator() -> jsonschema.Draft202012Validator:
    jsonschema.Draft202012Validator.check_schema(schema())
    return jsonschema.Draft202012Validator(
        schema(), format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )


def test_json_follows_the_documented_schema(entries) -> None:
    data = json.loads(to_json(entries, window="today", generated=NOW))
    validator().validate(data)
    assert (data["version"], data["window"], data["ranked"]) == (1, "today", 2)
    first, hostile = data["entries"]
    assert first["headline"] == {
        "text": "27M",
        "value": 27000000,
        "kind": "count",
        "unit": None,
        "noun": "users",
        "story_id": first["sources"][0]["story_id"],
    }
    assert [(s["feed"], s["title"]) for s in first["sources"]] == [
        ("Ars", "HarmonyOS passes 27 million users"),
        ("The Verge", "HarmonyOS now has 27.1 million users"),
    ]
    users = next(f for f in first["figures"] if f["label"] == "users")
    assert users["conflict"] is True
    assert [(v["text"], v["feed"]) for v in users["values"]] == [
        ("27M", "Ars"),
        ("27.1M", "The Verge"),
    ]
    assert first["why"][0].startswith("#1 of 2: score ")
    assert hostile["title"] == CLEAN_HOSTILE_TITLE and hostile["sources"][0]["link"] is None
    for moment in (data["generated"], first["published"], first["sources"][0]["published"]):
        assert datetime.fromisoformat(moment).utcoffset().total_seconds() == 0


@pytest.mark.parametrize(
    "break_it",
    [
        lambda d: d["entries"][0].pop("why"),
        lambda d: d["entries"][0]["sources"][0].update(link="javascript:alert(1)"),
        lambda d: d["entries"][0].update(extra=1),
        lambda d: d.update(window="month"),
    ],
)
def test_the_schema_refuses_what_the_export_never_writes(entries, break_it) -> None:
    data = as_data(entries, window="today", generated=NOW)
    break_it(data)
    with pytest.raises(jsonschema.ValidationError):
        validator().validate(json.loads(json.dumps(data)))


# ------------------------------------------------------------------- empty


def test_an_empty_digest_is_still_a_valid_document_in_every_format() -> None:
    validator().validate(json.loads(to_json([], window="week", generated=NOW)))
    doc = lxml.html.document_fromstring(to_html([], window="week", generated=NOW))
    assert (
        doc.xpath("//article") == [] and "no entries" in doc.xpath("//header/p")[0].text_content()
    )
    assert "# Digest: This week, 2026-11-23" in to_markdown([], window="week", generated=NOW)
