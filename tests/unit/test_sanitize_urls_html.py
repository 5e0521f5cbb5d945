"""The three boundaries every other layer relies on: the sanitiser, the URL
policy and the HTML → Markdown converter."""

from __future__ import annotations

import contextlib
import re
from urllib.parse import SplitResult, unquote, urljoin, urlsplit, urlunsplit

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from tui.core import urls
from tui.core.digest import links
from tui.core.digest.links import article_key
from tui.core.html import html_to_markdown, looks_like_html, text_to_markdown
from tui.core.sanitize import clean, is_clean, one_line
from tui.core.urls import (
    canonical_link,
    is_private_host,
    normalise,
    redact,
    resolve,
    safe_web_url,
    scheme_of,
    web_link,
    without_credentials,
)

# --- sanitiser -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("plain text", "plain text"),
        ("\x1b[2Jcleared", "[2Jcleared"),
        ("\x1b]0;title\x07after", "]0;titleafter"),
        ("\x1b]52;c;SGVsbG8=\x1b\\x", "]52;c;SGVsbG8=\\x"),
        ("C1 \x9b31m csi \x9d osc \x9c", "C1 31m csi  osc "),
        ("invoice_\u202etxt.exe", "invoice_txt.exe"),
        ("iso\u2066late\u2069 zero\u200bwidth", "isolate zerowidth"),
        ("nul\x00byte del\x7f", "nulbyte del"),
        ("keeps\ttabs\nand lines", "keeps\ttabs\nand lines"),
        ("windows\r\nmac\rline", "windows\nmac\nline"),
        ("اردو\u200cمتن emoji 👩\u200d💻", "اردو\u200cمتن emoji 👩\u200d💻"),
    ],
)
def test_clean_removes_what_a_terminal_would_obey(raw: str, expected: str) -> None:
    assert clean(raw) == expected
    assert is_clean(clean(raw))


def test_one_line_folds_whitespace_and_truncates() -> None:
    assert one_line("  a\n\n b\t c \x1b[31m ") == "a b c [31m"
    assert one_line("x" * 50, limit=10) == "x" * 9 + "…"
    assert one_line(None) == ""


# --- URL policy ------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        "java\tscript:alert(1)",
        " javascript:alert(1)",
        "%6Aavascript:alert(1)",
        "%256Aavascript:alert(1)",
        "data:text/html,<script>",
        "file:///etc/passwd",
        "vbscript:msgbox",
        "feed:https://x",
        "ssh://host",
        "[@click=app.quit]",
        "//example.com/relative",
        "http://",
        "",
        None,
    ],
)
def test_only_http_links_are_safe(url: str | None) -> None:
    assert safe_web_url(url) is None


def test_web_links_pass_cleaned() -> None:
    assert safe_web_url("https://example.com/a?b=1#c") == "https://example.com/a?b=1#c"
    assert safe_web_url(" http://example.com/\x1b[31m ") == "http://example.com/[31m"


# The URL policy as first written, every URL going the whole way (the
# module now lets printable ASCII links skip the cleaning they never need).
_INVISIBLE = re.compile(r"[\s\x00-\x1f\x7f-\x9f]+")


def reference_scheme(url: str) -> str:
    candidate = _INVISIBLE.sub("", url)
    for _ in range(5):
        decoded = _INVISIBLE.sub("", unquote(candidate))
        if decoded == candidate:
            break
        candidate = decoded
    match = re.match(r"^([a-zA-Z][a-zA-Z0-9+.\-]*):", candidate)
    return match.group(1).lower() if match else ""


def reference_safe_web_url(url: str) -> str | None:
    if not url:
        return None
    stripped = _INVISIBLE.sub("", clean(url))
    if reference_scheme(stripped) not in ("http", "https"):
        return None
    try:
        parts = urlsplit(stripped)
    except ValueError:
        return None
    return stripped if parts.scheme.lower() in ("http", "https") and parts.hostname else None


_URL_PIECES = ["http", "https", "javascript", "HTTP", ":", "//", "/", "%", "%6A", "%2", "a"]
_URL_PIECES += ["e.example", "[::1]", " ", "\t", "\n", "\r", "\x00", "\x1b", "\x7f", "\x85"]
_URL_PIECES += ["\xa0", "\u202e", "\u200b", "é", "?", "#", "@", "u:p@", "1", "."]


@settings(max_examples=3000, deadline=None)
@given(st.lists(st.sampled_from(_URL_PIECES), max_size=12).map("".join))
def test_the_url_policy_answers_as_it_did_for_every_url(url: str) -> None:
    assert scheme_of(url) == reference_scheme(url)
    assert safe_web_url(url) == reference_safe_web_url(url)


# ...and the policy's other steps as first written, before absolute links
# of plain ASCII skipped them (safe_web_url, web_link, canonical_link).
def reference_without_credentials(url: str) -> str:
    try:
        parts = urlsplit(url)
    except ValueError:
        return url
    if "@" not in parts.netloc:
        return url
    return urlunsplit(parts._replace(netloc=parts.netloc.rsplit("@", 1)[1]))


def reference_web_link(base: str | None, link: str | None) -> str | None:
    if not link:
        return None
    link = link.strip()
    if base and reference_scheme(link) == "":
        with contextlib.suppress(ValueError):
            link = urljoin(base, link)
    safe = reference_safe_web_url(link)
    return reference_without_credentials(safe) if safe else None


def reference_article_key(url: str) -> str | None:
    safe = reference_safe_web_url(url)
    if safe is None:
        return None
    try:
        parts = urlsplit(normalise(safe))
    except ValueError:
        return None
    query = "&".join(
        pair
        for pair in parts.query.split("&")
        if pair and not urls._TRACKING_PARAMS.match(pair.split("=", 1)[0])
    )
    host = parts.netloc.removeprefix("www.")
    key = urlunsplit(SplitResult("https", host, parts.path.rstrip("/") or "/", query, ""))
    tracking, redirectors = links._rules()
    try:
        parts = urlsplit(key)
    except ValueError:
        return None
    if any(key.removeprefix("https://").startswith(prefix) for prefix in redirectors):
        return None
    kept = "&".join(
        pair for pair in parts.query.split("&") if pair.split("=", 1)[0].lower() not in tracking
    )
    return urlunsplit(SplitResult(parts.scheme, parts.netloc, parts.path, kept, ""))


_LINK_PIECES = [*_URL_PIECES, "www.", "WWW.", "E.example", ":80", ":8x", "-", "=", "&"]
_LINK_PIECES += ["utm_source=1", "fbclid=2", "ref=3", "id=4", "//x", "/a/", "/../", "%40"]


_PIECES = st.lists(st.sampled_from(_LINK_PIECES), max_size=8).map("".join)
_HOSTS = ["e.example", "E.Example", "www.e.example", "WWW.E.example", "1.2.3.4", "u:p@e.example"]
_HOSTS += ["[::1]", "e.example:8080", "e.example:x", "", "é.example", "-"]
# Mostly absolute links, the form the fast paths take, then anything.
_LINKS = st.one_of(
    st.tuples(
        st.sampled_from(["http", "https", "HTTPS", "javascript", "", " http"]),
        st.sampled_from(["://", ":", "//", ":///"]),
        st.sampled_from(_HOSTS),
        _PIECES,
    ).map("".join),
    _PIECES,
)


@settings(max_examples=4000, deadline=None)
@given(
    st.sampled_from([None, "", "https://feed.example/news/feed.xml", "http://h:81/a/b?c"]),
    _LINKS,
)
@example(None, "http://e.example[::1]@http")  # raised ValueError as a guid
@example(None, "https://WWW.E.example/a/b/")
@example(None, "https://e.example/a?ref=rss")
@example(None, "http://e.example//")
@example(None, "http://e.example/a?utm_source=x&id=1&ref=2")
@example(None, "https://e.example:443/a/?fbclid=1#top")
@example("https://feed.example/", "HTTP://u:p@E.example/a")
@example("https://feed.example/", "/relative/link/")
def test_links_are_shown_and_keyed_as_they_were_for_every_url(base: str | None, url: str) -> None:
    """Fails when a fast path of the URL policy (a plain absolute link
    skips its every step) answers otherwise than the whole policy."""
    assert web_link(base, url) == reference_web_link(base, url)
    assert without_credentials(url) == reference_without_credentials(url)
    assert article_key(url) == reference_article_key(url)


def test_resolve_relative_links_against_the_feed() -> None:
    assert resolve("https://e.com/blog/feed.xml", "../post/1") == "https://e.com/post/1"
    assert resolve("https://e.com/feed", "javascript:x") == "javascript:x"
    assert resolve("file:///etc/", "passwd") == "file:///etc/passwd"
    assert safe_web_url(resolve("file:///etc/", "passwd")) is None


@pytest.mark.parametrize(
    ("host", "private"),
    [
        ("127.0.0.1", True),
        ("::1", True),
        ("[::1]", True),
        ("10.1.2.3", True),
        ("192.168.0.1", True),
        ("169.254.169.254", True),
        ("0x7f000001", True),
        ("2130706433", True),
        ("localhost", True),
        ("api.localhost", True),
        ("0.0.0.0", True),
        ("example.com", False),
        ("93.184.216.34", False),
    ],
)
def test_private_hosts(host: str, private: bool) -> None:
    assert is_private_host(host) is private


def test_normalise_and_canonical_links() -> None:
    assert normalise("HTTPS://Example.COM:443/feed#x") == "https://example.com/feed"
    assert normalise("http://example.com:8080") == "http://example.com:8080/"
    assert canonical_link("http://www.e.com/a/?utm_source=x&id=3&fbclid=y#top") == canonical_link(
        "https://e.com/a?id=3"
    )
    assert redact("https://me:secret@e.com/f") == "https://me:***@e.com/f"
    assert redact("https://e.com/f") == "https://e.com/f"


# --- HTML → Markdown ---------------------------------------------------------------


def test_active_content_is_removed_and_text_kept() -> None:
    html = (
        "<p>Shipments rose <b>17%</b>.<script>steal()</script><style>p{}</style></p>"
        "<noscript>enable js</noscript><form><input value=x></form>"
        '<svg onload="x()"><text>svg text</text></svg><img src="https://t.example/p.gif" width="1" height="1">'
        '<p onclick="evil()">Clean paragraph</p>'
    )
    markdown = html_to_markdown(html)
    assert markdown == "Shipments rose **17%**.\n\nClean paragraph"


def test_links_are_resolved_or_neutralised() -> None:
    html = (
        '<a href="/story/1">relative</a> <a href="javascript:alert(1)">js</a> '
        '<a href="%6Aavascript:alert(1)">enc</a> <a href="file:///etc/passwd">file</a> '
        '<a href="https://ok.example/x">ok</a>'
    )
    markdown = html_to_markdown(html, "https://news.example/feed.xml")
    assert (
        markdown
        == "[relative](https://news.example/story/1) js enc file [ok](https://ok.example/x)"
    )


def test_iframes_become_plain_links_and_images_their_alt_text() -> None:
    html = '<iframe src="https://video.example/e/1"></iframe><img src="x.png" alt="A chart"><img src="y.png">'
    assert html_to_markdown(html) == "[embedded content](https://video.example/e/1)[image: A chart]"


def test_character_references_cannot_smuggle_escapes() -> None:
    markdown = html_to_markdown("<p>&#27;[31mred&#x1b;]0;title&#7; &#155;x</p>")
    assert is_clean(markdown) and "red" in markdown


def test_deep_nesting_falls_back_to_text() -> None:
    html = "<div>" * 3000 + "deep words" + "</div>" * 3000
    assert html_to_markdown(html) == "deep words"


def test_headings_lists_and_tables_survive() -> None:
    html = "<h2>Results</h2><ul><li>Revenue: $2.5bn</li><li>Users: 27 million</li></ul>"
    assert html_to_markdown(html) == "## Results\n\n- Revenue: $2.5bn\n- Users: 27 million"


def test_plain_text_is_escaped_for_markdown() -> None:
    assert text_to_markdown("# not a heading\n1. not a list\n*stars* and [brackets]") == (
        "\\# not a heading\n1\\. not a list\n\\*stars\\* and \\[brackets\\]"
    )
    assert looks_like_html("a <b>bold</b> claim") and looks_like_html("AT&amp;T")
    assert not looks_like_html("5 < 6 and 7 > 3")
