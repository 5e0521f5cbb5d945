"""The one-pass HTML→Markdown converter writes exactly what the bs4 +
markdownify path writes, for every fragment it accepts, and applies the same
safety rules: a reader sees the same story whichever path converted it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import tui.core.html_fast as html_fast
from bench.refresh_feeds import make_feed
from tests.unit.html_fragments import fragments_of, html_fragments
from tui.core.html import _finish, _general_markdown, defuse_text_links
from tui.core.html_fast import fast_markdown, numeric_reference
from tui.core.sanitize import is_clean

BASE = "https://news.example/feed.xml"


def fast(html: str, base_url: str | None = BASE) -> str:
    """The fast path's finished Markdown; fails the test if it declines."""
    markdown = fast_markdown(html, base_url)
    assert markdown is not None, f"the fast path declined {html!r}"
    return _finish(markdown)


def check_parity(fragments: list[tuple[str, str]]) -> tuple[int, list[str]]:
    """(how many fragments the fast path accepted, the mismatches)."""
    accepted, problems = 0, []
    for html, base in fragments:
        markdown = fast_markdown(html, base)
        if markdown is None:
            continue
        accepted += 1
        if _finish(markdown) != _general_markdown(html, base):
            problems.append(html[:200])
    return accepted, problems


# --- parity over real and synthetic feeds ------------------------------------------


def test_bench_stories_take_the_fast_path_with_identical_markdown(monkeypatch) -> None:
    fragments = []
    for feed in range(10):
        fragments += fragments_of(make_feed(feed), f"http://127.0.0.1/feed/{feed}", monkeypatch)
    accepted, problems = check_parity(fragments)
    assert not problems, problems[:3]
    assert len(fragments) >= 300 and accepted == len(fragments)


def test_corpus_fragments_convert_identically_on_the_fast_path(shared: Path, monkeypatch) -> None:
    fragments = []
    for path in sorted((shared / "corpus" / "feeds").iterdir()):
        if path.name != "SOURCES.tsv":
            fragments += fragments_of(
                path.read_bytes(), "https://example.com/feed.xml", monkeypatch
            )
    accepted, problems = check_parity(fragments)
    assert not problems, f"{len(problems)} differ, e.g. {problems[:3]}"
    # Measured when written: 2,341 of 2,342 (the other nests deeper than
    # the fast path goes).
    assert len(fragments) > 2000 and accepted > 0.98 * len(fragments)


def test_hostile_inputs_convert_identically_on_the_fast_path(shared: Path, monkeypatch) -> None:
    hostile = shared / "hostile"
    fragments = []
    for path in sorted((hostile / "feeds").iterdir()):
        if path.is_file() and path.stat().st_size < 1_000_000:
            fragments += fragments_of(
                path.read_bytes(), "https://example.com/feed.xml", monkeypatch
            )
    pages = [
        (p.read_text(errors="replace"), "https://example.com/a") for p in hostile.glob("html/*")
    ]
    accepted, problems = check_parity(fragments + pages)
    assert not problems, problems[:3]
    assert pages and accepted == len(fragments) + len(pages)


@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(html_fragments())
@pytest.mark.filterwarnings("ignore::bs4.MarkupResemblesLocatorWarning")
def test_random_fragments_convert_identically_when_accepted(html: str) -> None:
    markdown = fast_markdown(html, BASE)
    if markdown is not None:
        assert _finish(markdown) == _general_markdown(html, BASE)


# --- what the fast path knows of bs4 and markdownify without importing them ----------
# html_fast writes out the tables and small helpers it once read from bs4
# and markdownify (whose import was a quarter of a parse worker's start-up);
# these check its copies against the real ones, input by input.

_CODE_POINTS = sorted(
    {*range(0x3000), *range(0xD7F0, 0xE010), *range(0xFDC0, 0xFE00), *range(0xFFF0, 0x10010)}
    | {*range(0x10FFF0, 0x110010), *range(0, 0x110000, 97), 0x1FFFE, 0x1FFFF, 0x10FFFE}
)


def test_numeric_references_read_as_bs4_reads_them() -> None:
    from bs4.builder._htmlparser import BeautifulSoupHTMLParser

    bs4_reference = BeautifulSoupHTMLParser._dereference_numeric_character_reference
    differ = []
    for number in _CODE_POINTS:
        for name in (str(number), f"x{number:x}", f"X{number:X}", f"{number:08d}"):
            character, _, rest = bs4_reference(name)
            if numeric_reference(name) != (character, rest):
                differ.append(name)
    assert not differ, differ[:10]


@settings(max_examples=2000, deadline=None)
@given(
    st.text(alphabet="0123456789abcdefABCDEFxX_+- \n;g\u0663\xb2", max_size=12)
    | st.integers(0, 10**30).map(str)
    | st.integers(0, 16**30).map(lambda n: f"x{n:x}")
)
def test_any_reference_name_reads_as_bs4_reads_it(name: str) -> None:
    """Names html.parser never passes ("65abc", "", "x", "1_0", "\u0663")
    included: bs4 reads each in its own way, and so must we."""
    from bs4.builder._htmlparser import BeautifulSoupHTMLParser

    character, _, rest = BeautifulSoupHTMLParser._dereference_numeric_character_reference(name)
    assert numeric_reference(name) == (character, rest)


def test_a_decimal_reference_too_long_for_int_is_a_replacement_character() -> None:
    """bs4 raises ValueError (int() reads at most 4,300 digits) and fails
    the whole feed; past U+10FFFF the standard says U+FFFD, whatever the
    length."""
    from bs4.builder._htmlparser import BeautifulSoupHTMLParser

    name = "9" * 5000
    with pytest.raises(ValueError):
        BeautifulSoupHTMLParser._dereference_numeric_character_reference(name)
    assert numeric_reference(name) == ("\ufffd", "")
    assert numeric_reference("0" * 5000 + "65") == ("A", "")
    assert fast(f"<p>&#{name};x</p>") == "\ufffdx"


def test_named_references_read_as_bs4_reads_them() -> None:
    from html.entities import html5

    from bs4.dammit import EntitySubstitution

    theirs = EntitySubstitution.HTML_ENTITY_TO_CHARACTER
    names = {*theirs, *html5, *(name.rstrip(";") for name in html5), "", "ampx", "AMP;x"}
    for name in sorted(names):
        builder = html_fast._TreeBuilder(None)
        builder.handle_entityref(name)
        expected = theirs.get(name)
        assert builder.pieces == [expected if expected is not None else "&" + name], name


def test_element_tables_match_bs4_and_markdownify() -> None:
    from bs4 import BeautifulSoup
    from bs4.builder import HTMLParserTreeBuilder
    from markdownify import MarkdownConverter

    builder = HTMLParserTreeBuilder()
    assert frozenset(builder.empty_element_tags) == html_fast._VOID
    assert frozenset(builder.preserve_whitespace_tags) == html_fast._PRESERVE
    assert BeautifulSoup.ASCII_SPACES == html_fast._ASCII_SPACES
    converted = sorted(n[8:] for n in dir(MarkdownConverter) if n.startswith("convert_"))
    assert sorted(html_fast._CONVERTED.split("|")) == converted


@settings(max_examples=1000, deadline=None)
@given(st.text(alphabet=" \n\t\r\xa0x`", max_size=12))
def test_chomp_and_strip_pre_match_markdownify(text: str) -> None:
    from markdownify import chomp, strip_pre

    assert html_fast._chomp(text) == chomp(text)
    assert html_fast._strip_pre(text) == strip_pre(text)


# References in the ranges the standard treats specially, names with and
# without ";", and whitespace at the edges of inline and <pre> elements.
_REFERENCE_FRAGMENTS = [
    "<p>" + "".join(f"&#{n};" for n in range(0x80, 0xA0)) + "</p>",
    "<p>" + "".join(f"&#x{n:X}" for n in range(0x80, 0xA0)) + "</p>",
    "<p>a&#0;b&#x0;c&#xD800;d&#55295;e&#xDFFF;f&#xE000;g</p>",
    "<p>&#x10FFFF;|&#x110000;|&#1114112;|&#99999999999999999999;|&#xFFFFFFFFFFFFFFFFFF;</p>",
    "<p>&#xFDD0;&#xFFFE;&#x1FFFF;&#65533;&#0000000065;&#x000041;</p>",
    "<p>&#65x &#x41g &#x41G; &# &#; &#x; &#-5; &#1_0; &#65</p>",
    "<p>&amp &ampx; &amp;x &AMP; &notin; &notit; &not &fjlig; &unknown; &NotGreaterFullEqual;</p>",
    "<b> bold </b><em>\xa0nbsp\xa0</em><a href='/x'> link </a><code> c </code>",
    "<pre>\n \n  indented\n\n \n</pre><pre>   x</pre><pre> \n</pre><pre>\n</pre>",
    "<pre>\tx\n\t</pre><pre><code>\n\ncode  \n</code></pre>",
]


@pytest.mark.parametrize("html", _REFERENCE_FRAGMENTS)
def test_references_and_edge_whitespace_convert_identically(html: str) -> None:
    assert fast(html) == _general_markdown(html, BASE)


# --- the safety rules, on the fast path ----------------------------------------------


def test_script_is_dropped_with_its_content() -> None:
    html = "<p>Rates rose <script>document.write('x')</script>2%.</p><style>p{}</style>"
    assert fast(html) == "Rates rose 2%."


def test_a_javascript_link_keeps_its_text_and_loses_its_target() -> None:
    html = '<a href="javascript:alert(1)">click</a> <a href=" JaVa\tscript:x">two</a>'
    assert fast(html) == "click two"


def test_event_handlers_are_ignored() -> None:
    html = '<p onclick="steal()">Budget <b onmouseover="x()">approved</b></p>'
    assert fast(html) == "Budget **approved**"


def test_a_relative_link_is_resolved_against_the_feed() -> None:
    assert fast('<a href="/story/1?a=b">more</a>') == "[more](https://news.example/story/1?a=b)"


def test_credentials_are_removed_from_links() -> None:
    html = '<a href="https://bank.example@evil.example/x">bank</a>'
    assert fast(html) == "[bank](https://evil.example/x)"


def test_escape_character_references_are_removed() -> None:
    markdown = fast("<p>&#27;[31mred&#x1b;]0;title&#7; &#155;x</p>")
    assert is_clean(markdown) and "red" in markdown and "\x1b" not in markdown


def test_a_tracking_pixel_is_dropped_and_a_picture_keeps_its_alt_text() -> None:
    html = '<img src="https://t.example/p.gif" width="1" height="1" alt="pixel"><img src="c.png" alt="Chart">'
    assert fast(html) == "[image: Chart]"


def test_an_iframe_becomes_a_link_to_its_source() -> None:
    html = '<iframe src="//video.example/e/1">fallback <b>text</b></iframe><video src="file:///x"></video>'
    assert fast(html) == "[embedded content](https://video.example/e/1)"


def test_text_that_spells_a_link_is_defused() -> None:
    assert fast("<p>[click](javascript:alert(1))</p>") == r"[click\](javascript:alert(1))"


# --- what the fast path leaves to the general one ------------------------------------


@pytest.mark.parametrize(
    "html",
    [
        '<table><tr><td colspan="²">1</td></tr></table>',
        "<dl><dt>term</dt><dd>meaning</dd></dl>",
        "<p><![CDATA[x]]></p>",
        "<?php echo 1 ?>",
        "<h7>too deep a heading</h7>",
        '<ol start="²"><li>x</li></ol>',
        "<div>" * 100 + "deep" + "</div>" * 100,
    ],
)
def test_what_the_fast_path_does_not_know_goes_to_the_general_path(html: str) -> None:
    assert fast_markdown(html, BASE) is None


@pytest.mark.parametrize(
    ("html", "text"),
    [
        # Past Python's 4,300-digit limit on int(), where bs4 reads the
        # reference; a CDATA section sends the fragment to the general path.
        ("<p>a &#" + "1" * 4400 + "; b<![CDATA[c]]></p>", "a \ufffd b"),
        (
            "<p>&#x" + "f" * 5000 + "; &#0000065; &#x00000041; &#1114112;<?pi?></p>",
            "\ufffd A A \ufffd",
        ),
        # markdownify reads an <ol start> with int() too.
        ('<ol start="' + "1" * 4400 + '"><li>first</li></ol>', "first"),
    ],
)
def test_the_general_path_reads_numbers_too_long_for_int(html: str, text: str) -> None:
    assert fast_markdown(html, BASE) is None
    assert _general_markdown(html, BASE).startswith(text)


@pytest.mark.parametrize(
    "html",
    [
        "<p>a &#" + "1" * 20 + "b c</p>",  # followed by a hex digit: text, not a reference
        "<p>a &#" + "1" * 20 + " c</p>",
        "<p>a &#x" + "f" * 20 + "g c</p>",
        "<p>a &#" + "1" * 4400,  # unfinished at the end: text
        "<p>&#0000065; &#x00000041; &#1114112;</p>",
    ],
)
def test_long_references_read_the_same_on_both_paths(html: str) -> None:
    assert _general_markdown(html, BASE) == fast(html)


def test_unsupported_markup_inside_dropped_elements_does_not_matter() -> None:
    html = "<svg><table><tr><td>1</td></tr></table></svg><p>kept</p>"
    assert fast(html) == "kept"


# --- post-processing ------------------------------------------------------------------

# The pattern defuse_text_links used before it searched from each "](".
_LOOKBEHIND_TEXT_LINK = re.compile(r"(?<!\\)((?:\\\\)*)\]\((?!https?://)")


@settings(max_examples=1000, deadline=None)
@given(
    st.lists(st.sampled_from(["\\", "]", "(", "](", "https://", "h", "x"]), max_size=30).map(
        "".join
    )
)
def test_defusing_text_links_matches_the_lookbehind_pattern(text: str) -> None:
    assert defuse_text_links(text) == _LOOKBEHIND_TEXT_LINK.sub(r"\1\\](", text)
