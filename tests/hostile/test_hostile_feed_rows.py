"""One test per row of INDEX.md's ``feeds/`` table.

Every body is served over HTTP on 127.0.0.1 (hostile_server.py's
``/feed?f=NAME``, or the in-process test server where a row needs a body
changed between fetches) to ``digest refresh`` running in the sandbox
worker, against a store that already holds a good copy of the feed. Then
``digest feeds`` and ``digest print`` (JSON and Markdown) run too, since
they are paths by which feed text reaches a terminal.

Every row gets :func:`contained`: the process stayed up, memory under the
cap, no file opened because of feed content and none written outside the
case's folder, no connection beyond 127.0.0.1, no program started, every
byte printed and every text stored terminal-safe. Then each row asserts
its own expected behaviour from INDEX.md.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.hostile.helpers import (
    CACHED_FEED_TITLE,
    GOOD_TITLES,
    Case,
    HostileServer,
    Run,
    Sandbox,
    assert_cache_kept,
    assert_contained,
    assert_one_failure_line,
    assert_terminal_safe,
)
from tests.support.server import FeedServer, Route

Row = Callable[..., tuple[Case, Run, dict[str, Run]]]


@pytest.fixture
def row(tmp_path: Path, sandbox: Sandbox, hostile_server: HostileServer) -> Row:
    """``row(NAME or URL)``: seed a case, refresh it in the sandbox, run
    the read-only commands, check the universal expectations, and return
    (case, refresh run, {"feeds", "json", "md"} runs)."""
    counter = iter(range(100))

    def run(
        name: str, *, settings: dict[str, str] | None = None, seed: bool = True
    ) -> tuple[Case, Run, dict[str, Run]]:
        url = name if "://" in name else hostile_server.feed(name)
        case = Case(tmp_path / f"case{next(counter)}", (url,), settings or {})
        if seed:
            case.seed()
        refresh = case.refresh(sandbox)
        outputs = case.outputs(sandbox)
        contained(case, refresh, *outputs.values())
        return case, refresh, outputs

    return run


def contained(case: Case, *runs: Run) -> None:
    for run in runs:
        assert_contained(run, case)
    for run in runs[1:]:
        assert run.rc == 0, run.stderr
    assert_terminal_safe(case.stored_text())


def printed(outputs: dict[str, Run]) -> list[dict[str, object]]:
    return json.loads(outputs["json"].stdout)["stories"]


def printed_titles(outputs: dict[str, Run]) -> set[str]:
    return {str(story["title"]) for story in printed(outputs)}


def feed_titles(hostile: Path, name: str) -> list[str]:
    """The item titles as the file writes them, read without digest's
    parsers (a regex and html.unescape), for comparison."""
    text = (hostile / "feeds" / name).read_text("utf-8")
    return [html.unescape(t) for t in re.findall(r"<item><title>(.*?)</title>", text)]


def succeeded(refresh: Run, new: int) -> None:
    assert refresh.rc == 0, refresh.stderr
    assert refresh.error_lines == []
    assert f"1 ok, 0 not modified, 0 failed; {new} new stories" in refresh.stdout


def warned(outputs: dict[str, Run], warning: str) -> None:
    """``digest feeds`` names the feed and shows the warning under it."""
    lines = outputs["feeds"].stdout.splitlines()
    at = next(i for i, line in enumerate(lines) if "warning:" in line)
    assert warning in lines[at], lines
    assert lines[0].startswith("1. "), lines


# --------------------------------------------------------------- terminal escapes


def test_ansi_raw_c0_is_stored_and_printed_as_plain_text(row: Row) -> None:
    case, refresh, outputs = row("ansi_raw_c0.rss")
    succeeded(refresh, 3)
    titles = printed_titles(outputs)
    assert {
        "Red [31mALERT[0m clear[2J[H",
        "OSC8 ]8;;https://evil.invalid/\\https://bank.example]8;;\\",
        "overwrite innocent EVIL backspace xxOK",  # CR folded to a space, BS removed
    } <= titles
    bodies = {s.title: s.content for s in case.stories()}
    assert bodies["Red [31mALERT[0m clear[2J[H"] == "title change ]0;pwned-title done"
    assert "clipboard ]52;c;ZWNobyBwd25lZA== query-title [21t" in bodies.values()
    assert "Red \\[31mALERT\\[0m clear\\[2J\\[H" in outputs["md"].stdout
    assert {s.title for s in case.stories()} >= set(GOOD_TITLES)
    assert case.feed().feed_title == "Hostile test feed"  # a good parse: its own title


def test_ansi_c1_and_bidi_are_removed_even_from_well_formed_xml(row: Row) -> None:
    case, refresh, outputs = row("ansi_c1_bidi.rss")
    succeeded(refresh, 2)
    assert printed_titles(outputs) >= {
        "C1 CSI 31mred0m and OSC 0;c1-title",
        "invoice_txt.exe and zerowidthisolate",  # not "invoice_exe.txt" displayed backwards
    }
    links = {s.title: s.link for s in case.stories()}
    assert links["invoice_txt.exe and zerowidthisolate"] == "https://example.invalid/"
    assert "8-bit CSI clear 2J" in {s.content for s in case.stories()}


def test_html_character_references_are_sanitised_after_conversion(row: Row) -> None:
    case, refresh, _ = row("ansi_html_charref.rss")
    succeeded(refresh, 1)
    story = next(s for s in case.stories() if s.title == "charref in html")
    # markdownify decodes &#27; into a real ESC; the sanitiser runs after it.
    assert story.content == "before [31mRED[0m ]0;t after"
    # &#x9b; / &#155; are C1 in XML but Windows-1252 in HTML: "›" is harmless.
    assert story.summary == "cdata [5mBLINK[0m ›2J ›31m"


def test_atom_character_references_are_sanitised(row: Row) -> None:
    case, refresh, outputs = row("ansi_atom_charref.atom")
    succeeded(refresh, 1)
    assert "t [31mred" in printed_titles(outputs)
    # A text construct, so Markdown-escaped: it reads "s ]0;atom-title".
    assert [s.content for s in case.stories() if s.uid == "urn:e1"] == ["s \\]0;atom-title"]


def test_markup_in_titles_is_stored_and_printed_literally(row: Row, hostile: Path) -> None:
    case, refresh, outputs = row("markup_injection.rss")
    succeeded(refresh, 10)
    expected = feed_titles(hostile, "markup_injection.rss")
    assert len(expected) == 10
    # Titles are text: brackets, backslashes, :emoji: and %B codes all kept
    # (the one exception, "<https://evil.invalid>", reads as an HTML tag).
    stored = {s.uid: s.title for s in case.stories() if s.uid.startswith("m-")}
    for index, title in enumerate(expected, start=1):
        if index != 9:
            assert stored[f"m-{index}"] == title
    assert stored["m-9"].startswith("md [click me](javascript:alert(1)) ![x](file:///etc/passwd)")
    md = outputs["md"].stdout
    assert "\\[@click=app.quit\\]Click to read more\\[/\\]" in md
    assert "\\[link=file:///etc/passwd\\]" in md
    # A title's Markdown link syntax stays text in our Markdown.
    assert "\\[click me\\]\\(javascript:alert\\(1\\)\\)" in md
    assert "](javascript:" not in md


# ------------------------------------------------------------- entity expansion


@pytest.mark.parametrize(
    ("name", "title"),
    [
        ("billion_laughs.xml", "&lol9;"),
        ("billion_laughs_oneline.xml", "&lol9;"),
        ("billion_laughs_param.xml", "&big;"),
    ],
)
def test_entity_bombs_are_not_expanded(row: Row, name: str, title: str) -> None:
    case, refresh, outputs = row(name)
    assert refresh.seconds < 1.0, refresh.seconds
    succeeded(refresh, 1)
    warned(outputs, "feed is not well-formed (line 3, col 35: undefined entity)")
    stored = case.stored_text()
    assert "lollol" not in stored and len(stored) < 10_000
    assert title in printed_titles(outputs)
    assert {s.title for s in case.stories()} >= set(GOOD_TITLES)
    assert refresh.growth_mb < 20


@pytest.fixture
def canaries(tmp_path: Path) -> Path:
    """The files the XXE payloads name, in a folder of this test (the
    payloads' /tmp/digest-canary is rewritten to it), so that a reader that
    resolved an external entity would really find them."""
    folder = tmp_path / "digest-canary"
    folder.mkdir()
    (folder / "canary_secret.txt").write_text("CANARY-SECRET-FILE-CONTENT\n")
    (folder / "canary.dtd").write_text('<!ENTITY canary "CANARY-FROM-EXTERNAL-DTD">\n')
    return folder


@pytest.mark.parametrize(
    ("name", "title"),
    [
        ("xxe_file.xml", "item &xxe;"),
        ("xxe_oneline.xml", "item &xxe;"),
        ("xxe_external_dtd.xml", "t &canary;"),
        ("xxe_param_entity.xml", "t &canary;"),
    ],
)
def test_external_entities_open_no_file(
    row: Row, hostile: Path, feed_server: FeedServer, canaries: Path, name: str, title: str
) -> None:
    body = (hostile / "feeds" / name).read_bytes().replace(b"/tmp/digest-canary", bytes(canaries))
    url = feed_server.route("/xxe", Route(body=body))
    case, refresh, outputs = row(url)
    # contained() already failed the test on any open() of passwd or the
    # canary folder; nothing they hold is anywhere either.
    for run in (refresh, *outputs.values()):
        assert "root:" not in run.stdout and "CANARY" not in run.stdout
    stored = case.stored_text()
    assert "root:" not in stored and "CANARY" not in stored
    assert title in printed_titles(outputs)
    warned(outputs, "undefined entity")


# ------------------------------------------------------------ broken and empty


def test_a_malformed_feed_never_replaces_the_cache(row: Row) -> None:
    case, refresh, outputs = row("malformed_bozo.rss")
    assert refresh.rc == 1
    line = assert_one_failure_line(
        refresh, "feed is not well-formed (line 2, col 42: undefined entity)"
    )
    assert line == (
        f"digest: {CACHED_FEED_TITLE}: feed is not well-formed (line 2, col 42: undefined entity)"
    )
    assert_cache_kept(case)
    assert len(case.stories()) == 2  # no salvaged shells
    assert "mismatched" not in case.stored_text()
    assert "error: feed is not well-formed" in outputs["feeds"].stdout


@pytest.mark.parametrize(
    ("name", "title", "warning"),
    [
        (
            "mislabeled_cp1252.rss",
            "Café “smart quotes” – €5 …",
            "encoding: document declared as utf-8, but parsed as Windows-1252",
        ),
        (
            "invalid_utf8_bytes.rss",
            "bad ÿþÃ( bytes here",
            "encoding: document declared as utf-8, but parsed as ISO-8859-1",
        ),
        (
            "unknown_encoding_decl.rss",
            "hello",
            "encoding: document declared as x-no-such-charset",
        ),
    ],
)
def test_encoding_problems_are_warnings_and_items_are_kept(
    row: Row, name: str, title: str, warning: str
) -> None:
    case, refresh, outputs = row(name)
    succeeded(refresh, 1)
    assert title in printed_titles(outputs)
    warned(outputs, warning)
    assert {s.title for s in case.stories()} >= set(GOOD_TITLES)


def test_utf16_without_bom_is_read(row: Row) -> None:
    _, refresh, outputs = row("utf16_no_bom.rss")
    succeeded(refresh, 1)
    assert "utf16 ümläut" in printed_titles(outputs)


def test_nul_bytes_are_stripped_before_storing(row: Row) -> None:
    case, refresh, outputs = row("nul_bytes.rss")
    succeeded(refresh, 1)
    assert "nulhere" in printed_titles(outputs)
    import sqlite3

    with sqlite3.connect(case.db) as conn:
        (count,) = conn.execute(
            "SELECT count(*) FROM stories WHERE instr(title, char(0)) OR instr(content, char(0))"
        ).fetchone()
    assert count == 0


def test_a_very_long_title_is_cut_with_an_ellipsis(row: Row) -> None:
    case, refresh, outputs = row("long_title.rss")
    succeeded(refresh, 1)
    story = next(s for s in case.stories() if s.uid == "lt-1")
    assert len(story.title) == 1000 and story.title.endswith("…")
    assert story.title.startswith("A" * 100)
    lines = outputs["md"].stdout.splitlines()
    assert max(len(line) for line in lines) < 1200


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("empty.xml", "empty response"),
        ("whitespace_only.xml", "empty response"),
        ("truncated.rss", "no element found"),
    ],
)
def test_empty_and_truncated_bodies_keep_the_cache_and_are_retried(
    row: Row, name: str, message: str
) -> None:
    case, refresh, outputs = row(name)
    assert refresh.rc == 1
    assert_one_failure_line(refresh, message)
    assert_cache_kept(case)
    feed = case.feed()
    assert message in feed.state.last_error and not feed.state.gone
    assert feed.state.consecutive_failures == 1
    # Retried later, not given up on, and not hammered either.
    wait = feed.state.next_fetch - datetime.now(UTC)
    assert timedelta(0) < wait <= timedelta(days=1)
    assert "failing (1×)" in outputs["feeds"].stdout


def test_a_json_feed_is_read_and_never_shown_as_raw_json(row: Row) -> None:
    case, refresh, outputs = row("json_not_feed.json")
    succeeded(refresh, 1)
    assert "[bold]x" in printed_titles(outputs)
    assert case.feed().feed_title == "JSON Feed"
    assert '"version"' not in case.stored_text() and "jsonfeed.org" not in case.stored_text()


def test_a_web_page_is_reported_as_not_a_feed(row: Row) -> None:
    case, refresh, _ = row("html_not_feed.html")
    assert_one_failure_line(refresh, "this URL is a web page, not a feed")
    assert_cache_kept(case)


def test_autodiscovery_offers_only_web_feed_urls(hostile: Path) -> None:
    from tui.core.discover import feed_links

    page = (hostile / "feeds" / "html_not_feed.html").read_text("utf-8")
    found, _ = feed_links(page, "https://blog.example.com/")
    assert [candidate.url for candidate in found] == ["https://blog.example.com/feed.xml"]


@pytest.mark.parametrize("name", ["body_is_a_path.txt", "body_is_file_url.txt"])
def test_a_body_naming_a_file_opens_nothing(row: Row, name: str) -> None:
    case, refresh, outputs = row(name)
    assert_one_failure_line(refresh, "not a feed")
    assert_cache_kept(case)
    assert "root:" not in case.stored_text()
    assert all("root:" not in run.stdout for run in (refresh, *outputs.values()))


# ------------------------------------------------------------- identity, dates


def test_items_without_guid_link_or_date_get_stable_ids(row: Row, sandbox: Sandbox) -> None:
    before = datetime.now(UTC) - timedelta(seconds=1)
    case, refresh, _ = row("no_guid_link_date.rss")
    succeeded(refresh, 3)  # two identical items are one story
    stories = [s for s in case.stories() if not s.uid.startswith("cached-")]
    assert sorted(s.title for s in stories) == ["", "only a title", "same title"]
    assert all(s.uid.startswith("urn:digest:") for s in stories)
    assert all(before <= s.published <= datetime.now(UTC) for s in stories)  # first seen
    again = sandbox.cli("refresh", *case.paths)  # a 304 from the server's ETag
    assert_contained(again, case)
    assert "0 new stories" in again.stdout
    assert {s.uid for s in case.stories()} == {s.uid for s in stories} | {"cached-0", "cached-1"}


def test_duplicate_items_are_stored_once_and_stay_read(
    tmp_path: Path, sandbox: Sandbox, feed_server: FeedServer, hostile: Path
) -> None:
    body = (hostile / "feeds" / "duplicate_items.rss").read_bytes()
    route = Route(body=body)
    case = Case(tmp_path / "case", (feed_server.route("/dup", route),))
    case.seed()
    first = case.refresh(sandbox)
    assert_contained(first, case)
    assert "3 new stories" in first.stdout
    stories = {s.uid: s for s in case.stories()}
    assert stories["dup"].title == "first copy"  # the first of two items with one guid
    assert {"dup", "dup-b", "dup-c"} <= set(stories)
    with case.open() as store:
        store.set_read([s.id for s in stories.values()])
    route.body = body + b"<!-- changed, so that it is parsed again -->"
    second = case.refresh(sandbox)
    assert_contained(second, case)
    assert "1 ok" in second.stdout and "0 new stories" in second.stdout
    after = case.stories()
    assert len(after) == len(stories) and all(s.read for s in after)


def test_weird_dates_never_overflow_and_future_ones_are_clamped(row: Row) -> None:
    before = datetime.now(UTC) - timedelta(seconds=1)
    case, refresh, outputs = row("dates_weird.rss")
    succeeded(refresh, 7)
    now = datetime.now(UTC)
    published = {s.title: s.published for s in case.stories()}
    for title in ("far future", "year 9999", "31 Feb", "garbage"):
        assert before <= published[title] <= now, (title, published[title])
    assert published["epoch-negative"] == datetime(1969, 12, 31, 23, 59, 59, tzinfo=UTC)
    assert published["tz -1200"] == datetime(2025, 1, 6, 22, 0, tzinfo=UTC)
    assert published["year 1"].year == 1
    assert all(p <= now + timedelta(days=1) for p in published.values())
    dates = {story["title"]: story["published"] for story in printed(outputs)}
    assert dates["year 1"].startswith("0001-01-01")


def test_changed_guids_are_recognised_by_link(
    tmp_path: Path, sandbox: Sandbox, feed_server: FeedServer, hostile: Path
) -> None:
    route = Route(body=(hostile / "feeds" / "changing_guid_v1.rss").read_bytes())
    case = Case(tmp_path / "case", (feed_server.route("/feed", route),))
    first = case.refresh(sandbox)
    assert_contained(first, case)
    assert "3 new stories" in first.stdout
    with case.open() as store:
        store.set_read([s.id for s in store.stories()])
    route.body = (hostile / "feeds" / "changing_guid_v2.rss").read_bytes()
    second = case.refresh(sandbox)
    assert_contained(second, case)
    assert "0 new stories" in second.stdout
    stories = case.stories()
    assert len(stories) == 3 and all(s.read for s in stories)
    assert {s.uid for s in stories} == {f"https://example.invalid/story-{n}/" for n in range(3)}


# ------------------------------------------------------------------------ links

WEB_TARGET = re.compile(r"^https?://[^\s/@]+(?:/|$)")


def test_only_web_links_survive_and_credentials_are_dropped(row: Row) -> None:
    case, refresh, outputs = row("dangerous_links.rss")
    succeeded(refresh, 14)
    links = {s.uid: s.link for s in case.stories()}
    for number in (0, 1, 3, 4, 5, 6, 7, 8, 9):  # javascript, data, file, vbscript, feed, ssh…
        assert links[f"dl-{number}"] is None, (number, links[f"dl-{number}"])
    # "java&#x09;script:" written as text is a relative link: it resolves
    # to a harmless page on the feed's own server.
    assert links["dl-2"].startswith("http://127.0.0.1:")
    assert links["dl-10"] == "https://example.invalid/"  # no user:pass@
    # Private-network links stay links (a click is the user's choice) but
    # are never fetched: see test_hostile_links.py.
    assert links["dl-11"] == "http://127.0.0.1:631/"
    assert links["dl-12"] == "http://169.254.169.254/latest/meta-data/"
    anchors = next(s for s in case.stories() if s.uid == "dl-anchors").content
    for number in range(13):
        assert f"link {number}" in anchors
    targets = re.findall(r"\]\(([^)\s]*)", anchors)
    assert targets and all(WEB_TARGET.match(t) for t in targets), targets
    lowered = case.stored_text().lower()
    for scheme in ("javascript:", "vbscript:", "data:", "file:", "pass@"):
        assert scheme not in lowered.replace("file:///etc/passwd", ""), scheme
    assert all(
        story["link"] is None or WEB_TARGET.match(str(story["link"])) for story in printed(outputs)
    )


def test_xml_base_pointing_at_files_gives_no_file_links(row: Row) -> None:
    case, refresh, _ = row("xmlbase_file.atom")
    succeeded(refresh, 1)
    story = next(s for s in case.stories() if s.uid == "urn:xb1")
    assert story.link is None or WEB_TARGET.match(story.link), story.link
    assert "file:" not in case.stored_text()
    targets = re.findall(r"\]\(([^)\s]*)", story.content)
    assert all(WEB_TARGET.match(t) for t in targets), targets


def test_active_content_is_dropped(row: Row) -> None:
    case, refresh, _ = row("script_style_iframe.rss")
    succeeded(refresh, 1)
    story = next(s for s in case.stories() if s.uid == "ac-1")
    text = story.content + story.summary
    assert "real text" in text and "styled" in text
    for leaked in (
        "alert",
        "javascript",
        "background",
        "noscript text",
        "template",
        "evil.swf",
        "evil.invalid",
        "tracker.invalid",
        "password",
        "<",
    ):
        assert leaked not in text, (leaked, text)
    assert "(https://www.youtube.com/embed/x)" in text  # the iframe, as a plain link
