"""``digest figures FILE|URL|-``: the key figures of one text, for people or scripts.

Plain text and Markdown are read as they are; HTML (by extension, by the
server's content type, or by sniffing) is first converted to Markdown exactly
as at refresh, and offsets then refer to that converted text, which
``--text`` prints. ``--json`` prints the object the figures spec describes;
the default is an aligned table whose every cell has been through the
sanitiser, since it quotes text from outside.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

from tui.cli.common import CliError

HELP = "print the key figures (amounts, per cents, counts) in a file, a web page or stdin"

_MAX_BYTES = 10 * 1024 * 1024
_HTML_SUFFIXES = frozenset({".html", ".htm", ".xhtml", ".shtml"})
_TEXT_SUFFIXES = frozenset({".txt", ".md", ".markdown", ".text"})
_HTML_SNIFF = re.compile(
    r"<(?:!doctype\s+html|html|head|body|p|div|article|section|main|span|br|a\s|h[1-6]|ul|ol|li"
    r"|table|img|em|strong|b|i)\b",
    re.IGNORECASE,
)
_COLUMNS = ("kind", "value", "text", "noun", "per", "sentence")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """``SOURCE`` plus the two output modes."""
    parser.add_argument(
        "source",
        metavar="FILE|URL|-",
        help="a text, Markdown or HTML file, an http(s) URL, or - for standard input",
    )
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument(
        "--json", action="store_true", help='print {"figures": [...]} as in the figures spec'
    )
    mode.add_argument(
        "--text",
        action="store_true",
        help="print the text that the offsets refer to (HTML converted)",
    )


def run(args: argparse.Namespace) -> int:
    """Read the source, extract its figures, print them."""
    from tui.core.figures import extract
    from tui.core.sanitize import json_dumps, mask

    text = _read(args.source, args)
    if args.text:
        # Masked, not cleaned: control characters become U+FFFD one for
        # one, so the offsets of --json still point into what is printed.
        sys.stdout.write(mask(text))
        return 0
    figures = extract(text)
    if args.json:
        payload = {
            "figures": [
                {
                    "text": f.text,
                    "start": f.start,
                    "end": f.end,
                    "value": _json_number(f.value),
                    "kind": f.kind,
                    "unit": f.unit,
                    "noun": f.noun,
                    "per": f.per,
                    "sentence": f.sentence,
                }
                for f in figures
            ]
        }
        sys.stdout.write(json_dumps(payload) + "\n")
        return 0
    _print_table(figures)
    return 0


def _json_number(value: float | None) -> float | int | None:
    """27000000 rather than 27000000.0, as the spec writes values."""
    if value is not None and value.is_integer() and abs(value) < 2**53:
        return int(value)
    return value


def _read(source: str, args: argparse.Namespace) -> str:
    """The text figures are found in: decoded, newlines normalised, HTML converted."""
    if source == "-":
        data = sys.stdin.buffer.read(_MAX_BYTES + 1)
        if len(data) > _MAX_BYTES:
            raise CliError("standard input is larger than 10 MB")
        text = _normalise_newlines(data.decode("utf-8", errors="replace"))
        return _to_markdown(text) if _sniff_html(text) else text
    if re.match(r"^[A-Za-z][A-Za-z0-9+.-]*://", source):
        return _fetch(source, args)
    path = Path(source).expanduser()
    try:
        if path.stat().st_size > _MAX_BYTES:
            raise CliError(f"{source}: larger than 10 MB")
        # Text mode, as the figures scorer reads files: universal newlines.
        with path.open(encoding="utf-8", errors="replace") as handle:
            text = handle.read()
    except FileNotFoundError:
        raise CliError(f"{source}: no such file") from None
    except IsADirectoryError:
        raise CliError(f"{source}: is a directory") from None
    except OSError as error:
        raise CliError(f"{source}: {error.strerror or error}") from None
    suffix = path.suffix.lower()
    if suffix in _HTML_SUFFIXES or (suffix not in _TEXT_SUFFIXES and _sniff_html(text)):
        return _to_markdown(text)
    return text


def _fetch(url: str, args: argparse.Namespace) -> str:
    """GET an http(s) URL under the one fetch policy (tui.core.fetch): the
    config's size cap and overall deadline, gzip/deflate only, at most five
    redirects, each to http(s) and never from a public host to a private one."""
    import asyncio

    from tui.cli.common import get_config
    from tui.core.fetch import Fetcher
    from tui.core.pages import decode_html
    from tui.core.sanitize import one_line
    from tui.core.urls import redact, scheme_of

    if scheme_of(url) not in ("http", "https"):
        raise CliError(f"{url}: only http and https URLs can be fetched")
    settings = get_config(args, required=False).settings

    async def get():
        async with Fetcher(settings) as fetcher:
            return await fetcher.fetch(url)

    result = asyncio.run(get())
    if result.error is not None:
        raise CliError(f"{one_line(redact(url), 200)}: {result.error}")
    content_type = (result.content_type or "").lower()
    text = _normalise_newlines(decode_html(result.body, content_type))
    if "html" in content_type or (not content_type.startswith("text/plain") and _sniff_html(text)):
        return _to_markdown(text, result.final_url or url)
    return text


def _to_markdown(html: str, base_url: str | None = None) -> str:
    from tui.core.html import html_to_markdown

    return html_to_markdown(html, base_url)


def _sniff_html(text: str) -> bool:
    return bool(_HTML_SNIFF.search(text[:8192]))


def _normalise_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _print_table(figures: list) -> None:
    from tui.core.figures import format_value
    from tui.core.sanitize import one_line

    if not figures:
        print("no figures found")
        return
    rows = [
        (
            f.kind,
            one_line(format_value(f)),
            one_line(f.text, 40),
            one_line(f.noun or "", 28),
            f.per or "",
            one_line(f.sentence, 90),
        )
        for f in figures
    ]
    widths = [
        max(len(column), *(len(row[i]) for row in rows)) for i, column in enumerate(_COLUMNS[:-1])
    ]
    header = "  ".join(c.upper().ljust(w) for c, w in zip(_COLUMNS[:-1], widths, strict=True))
    print(f"{header}  SENTENCE")
    for row in rows:
        cells = "  ".join(cell.ljust(w) for cell, w in zip(row[:-1], widths, strict=True))
        print(f"{cells}  {row[-1]}")
    print(f"{len(figures)} figure{'s' if len(figures) != 1 else ''}")
