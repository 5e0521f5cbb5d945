"""`digest figures FILE|URL|-`: run as a user would, in a subprocess."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.support.server import FeedServer, Route

REPO = Path(__file__).resolve().parents[3]


def digest(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tui", "figures", *args], input=stdin, capture_output=True,
        text=True, encoding="utf-8", timeout=60, cwd=REPO,
    )


def test_json_is_the_spec_object_with_offsets_into_the_file(tmp_path: Path) -> None:
    path = tmp_path / "story.txt"
    path.write_text("Shop sales\n\nThe chain has 27 million users and lost $2.5bn, or 17%.\n",
                    encoding="utf-8")
    result = digest(str(path), "--json")
    assert result.returncode == 0, result.stderr
    figures = json.loads(result.stdout)["figures"]
    text = path.read_text(encoding="utf-8")
    assert [f["text"] for f in figures] == ["27 million", "$2.5bn", "17%"]
    for f in figures:
        assert set(f) == {"text", "start", "end", "value", "kind", "unit", "noun", "per",
                          "sentence"}
        assert text[f["start"]:f["end"]] == f["text"]
    assert figures[1]["value"] == 2.5e9 and figures[1]["unit"] == "USD"


def test_offsets_follow_the_text_as_read_even_with_crlf(tmp_path: Path) -> None:
    path = tmp_path / "story.txt"
    path.write_bytes(b"Line one.\r\nIt rose 5%.\r\n")
    figures = json.loads(digest(str(path), "--json").stdout)["figures"]
    assert figures[0]["start"] == path.read_text(encoding="utf-8").index("5%")


def test_html_file_is_converted_and_text_shows_what_offsets_refer_to(tmp_path: Path) -> None:
    path = tmp_path / "page.html"
    path.write_text("<html><body><h1>Report</h1><p>Sales hit <b>$4bn</b>, up 12%.</p>"
                    '<p><a href="https://x.com/2024/99">Read more</a></p></body></html>',
                    encoding="utf-8")
    converted = digest(str(path), "--text").stdout
    assert "<p>" not in converted and "**$4bn**" in converted
    figures = json.loads(digest(str(path), "--json").stdout)["figures"]
    assert [f["text"] for f in figures] == ["$4bn", "12%"]
    for f in figures:
        assert converted[f["start"]:f["end"]] == f["text"]


def test_html_is_sniffed_without_an_extension(tmp_path: Path) -> None:
    path = tmp_path / "page.dat"
    path.write_text("<!DOCTYPE html><p>Revenue rose 8% to &pound;3bn.</p>", encoding="utf-8")
    figures = json.loads(digest(str(path), "--json").stdout)["figures"]
    assert [f["text"] for f in figures] == ["8%", "£3bn"]


def test_standard_input() -> None:
    result = digest("-", "--json", stdin="The fund raised 10 billion yuan.")
    figures = json.loads(result.stdout)["figures"]
    assert [(f["text"], f["unit"]) for f in figures] == [("10 billion yuan", "CNY")]


def test_table_is_aligned_and_sanitised(tmp_path: Path) -> None:
    path = tmp_path / "story.txt"
    path.write_text("Evil \x1b[31mred\x1b[0m text: it sold 3,000 \x1b]0;title\x07phones.\n",
                    encoding="utf-8")
    result = digest(str(path))
    assert result.returncode == 0, result.stderr
    assert "\x1b" not in result.stdout and "\x07" not in result.stdout
    lines = result.stdout.splitlines()
    assert lines[0].split()[:3] == ["KIND", "VALUE", "TEXT"]
    assert lines[1].startswith("count") and "3,000" in lines[1]
    assert lines[-1] == "1 figure"


def test_no_figures(tmp_path: Path) -> None:
    path = tmp_path / "empty.txt"
    path.write_text("Nothing to count here since 2021.", encoding="utf-8")
    assert digest(str(path)).stdout.strip() == "no figures found"
    assert json.loads(digest(str(path), "--json").stdout) == {"figures": []}


def test_missing_file_is_a_one_line_error(tmp_path: Path) -> None:
    result = digest(str(tmp_path / "nope.txt"))
    assert result.returncode == 1
    assert result.stderr.strip() == f"digest: {tmp_path / 'nope.txt'}: no such file"


def test_url_is_fetched_and_html_converted(feed_server: FeedServer) -> None:
    url = feed_server.route("/story", Route(
        body=b"<html><body><p>Profit jumped 76% to $1.13bn.</p></body></html>",
        content_type="text/html; charset=utf-8"))
    result = digest(url, "--json")
    assert result.returncode == 0, result.stderr
    assert [f["text"] for f in json.loads(result.stdout)["figures"]] == ["76%", "$1.13bn"]


def test_url_errors_are_reported(feed_server: FeedServer) -> None:
    url = feed_server.route("/gone", Route(body=b"", status=404, content_type="text/html"))
    result = digest(url)
    assert result.returncode == 1 and "HTTP 404" in result.stderr
    result = digest("ftp://127.0.0.1/file.txt")
    assert result.returncode == 1 and "only http and https" in result.stderr
