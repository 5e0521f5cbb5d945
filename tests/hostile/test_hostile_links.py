"""The URL policy where feed links leave the feed, INDEX.md's ``html/``
row, and ``digest figures`` (the other CLI path hostile text takes).

- A story's link to a private address is a link the user may click, but
  digest itself never fetches it (full-article fetching), whatever numeric
  form the address is written in.
- active_content.html, as a page (the full-article path) and as a file
  given to ``digest figures``, keeps no active content.
- ``digest figures`` prints nothing a terminal would obey, in all three
  output modes, and fetches URLs under the same fetch policy as feeds.
"""

from __future__ import annotations

import asyncio
import json
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.hostile.helpers import (
    Case,
    HostileServer,
    Sandbox,
    assert_contained,
    assert_terminal_safe,
)
from tui.core.article import extract_article, fetch_full_article
from tui.core.models import Story
from tui.core.pages import page_fetch
from tui.core.urls import is_private_host, safe_web_url, scheme_of

ACTIVE = (
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
)


class NoNetwork:
    """A Fetcher stand-in that fails the test if anything is fetched."""

    def __init__(self) -> None:
        self.asked: list[str] = []

    async def fetch(self, url: str, **_: object) -> None:
        self.asked.append(url)
        raise AssertionError(f"fetched {url}")


@pytest.mark.parametrize(
    "link",
    [
        "http://169.254.169.254/latest/meta-data/",
        "http://127.0.0.1:631/",
        "http://127.1/admin",
        "http://0x7f.1/",
        "http://017700000001/",
        "http://2130706433/",
        "http://[::1]/",
        "http://[::ffff:127.0.0.1]/",
        "http://localhost./",
        "http://router.localhost/",
        "http://10.1.2.3/",
        "http://0/",
    ],
)
def test_full_articles_never_fetch_private_addresses(link: str) -> None:
    fetcher = NoNetwork()
    story = Story(uid="x", title="t", published=datetime.now(UTC), link=link)
    result = asyncio.run(fetch_full_article(story, page_fetch(fetcher)))  # type: ignore[arg-type]
    assert not result.ok and "private-network address" in result.reason, result.reason
    assert fetcher.asked == []


@pytest.mark.parametrize(
    "href",
    [
        "javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        "java\tscript:alert(1)",
        "  javascript:alert(1)",
        "%6Aavascript:alert(1)",
        "%25%36%41avascript:alert(1)",
        "\x01javascript:alert(1)",
        "java\u200bscript:alert(1)",
        "data:text/html;base64,PHNjcmlwdD4=",
        "file:///etc/passwd",
        "vbscript:msgbox(1)",
        "feed:https://example.invalid/x",
        "ssh://evil.invalid",
        "[@click=app.quit]",
        "https:evil.invalid",
        "https:///evil.invalid",
    ],
)
def test_no_disguise_makes_a_link_openable(href: str) -> None:
    assert safe_web_url(href) is None, href


def test_the_private_address_forms_a_resolver_accepts_are_all_private() -> None:
    for host in ("127.1", "0x7f.1", "017700000001", "0x7f000001", "2130706433", "0", "0.0.0.0"):
        assert is_private_host(host), host
    for host in ("example.com", "8.8.8.8", "cafe.bad", "1.2.3.4", "12345678901234"):
        assert not is_private_host(host), host


def test_active_content_page_through_the_full_article_path(hostile: Path) -> None:
    page = (hostile / "html" / "active_content.html").read_text("utf-8")
    markdown = extract_article(page, "https://news.example.com/story")
    # A whole page may set its own <base> (readability honours it), so
    # evil.invalid may appear as a link target here; it is still a web link.
    for leaked in (word for word in ACTIVE if word != "evil.invalid"):
        assert leaked not in markdown, (leaked, markdown)
    assert "real text" in markdown
    targets = re.findall(r"\]\(([^)\s]*)", markdown)
    assert all(scheme_of(t) in ("http", "https") for t in targets), targets
    assert_terminal_safe(markdown)


def test_active_content_page_through_digest_figures(
    tmp_path: Path, sandbox: Sandbox, hostile: Path
) -> None:
    run = sandbox.cli("figures", str(hostile / "html" / "active_content.html"), "--text")
    assert_contained(run, Case(tmp_path / "case", ()))
    assert run.rc == 0 and "real text" in run.stdout and "styled" in run.stdout
    for leaked in ACTIVE:
        assert leaked not in run.stdout, (leaked, run.stdout)
    targets = re.findall(r"\]\(([^)\s]*)", run.stdout)
    assert all(scheme_of(t) in ("http", "https") for t in targets), targets


ESCAPES = "Sales \x1b[31mrose\x1b[0m 12% \x1b]0;pwned\x07 to $3bn \x9b2J and 7\u202e% \x1b]52;c;eA==\x07.\n"


def test_figures_output_is_terminal_safe_in_every_mode(tmp_path: Path, sandbox: Sandbox) -> None:
    source = tmp_path / "story.txt"
    source.write_text(ESCAPES, encoding="utf-8")
    case = Case(tmp_path / "case", ())
    table = sandbox.cli("figures", str(source))
    text = sandbox.cli("figures", str(source), "--text")
    as_json = sandbox.cli("figures", str(source), "--json")
    for run in (table, text, as_json):
        assert_contained(run, case)
        assert run.rc == 0
    assert "12%" in table.stdout and "$3bn" in table.stdout
    # --text keeps every offset: one U+FFFD per removed character.
    assert len(text.stdout) == len(ESCAPES)
    assert text.stdout.startswith("Sales \ufffd[31mrose\ufffd[0m 12%")
    figures = json.loads(as_json.stdout)["figures"]
    assert {f["text"] for f in figures} >= {"12%", "$3bn"}
    for figure in figures:  # offsets into the text as read (and as --text prints it)
        assert ESCAPES[figure["start"] : figure["end"]] == figure["text"]
        assert text.stdout[figure["start"] : figure["end"]] == figure["text"]
    # The sentences keep C1 and bidi characters as JSON escapes, not raw.
    assert "\\u009b2J" in as_json.stdout and "\\u202e" in as_json.stdout


def test_figures_of_an_html_file_with_character_references(
    tmp_path: Path, sandbox: Sandbox
) -> None:
    source = tmp_path / "page.html"
    source.write_text("<p>Profit &#27;[31mrose 40% &#x1b;]0;t&#7; to $2bn &#155;2J</p>")
    for mode in ((), ("--text",), ("--json",)):
        run = sandbox.cli("figures", str(source), *mode)
        assert_contained(run, Case(tmp_path / "case", ()))
        assert run.rc == 0
        assert "40%" in run.stdout


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("/slowloris", "no complete answer within 3 s"),
        ("/gzip-bomb", "response too large (over 10 MB)"),
        ("/br-bomb", "unsupported content encoding 'br'"),
        ("/redirect-file", "redirect to a file: URL refused"),
        ("/redirect-loop", "too many redirects"),
        ("/status/404", "HTTP 404"),
    ],
)
def test_figures_fetches_urls_under_the_feed_fetch_policy(
    tmp_path: Path, sandbox: Sandbox, hostile_server: HostileServer, path: str, message: str
) -> None:
    # The config's settings apply: the same 3 s deadline and 10 MB cap.
    case = Case(tmp_path / "case", ())
    run = sandbox.cli("figures", hostile_server.url(path), "--config", str(case.config))
    assert_contained(run, case)
    assert run.rc == 1 and run.stdout == ""
    assert len(run.error_lines) == 1 and message in run.error_lines[0], run.stderr
    assert run.seconds < 8 and run.growth_mb < 120
