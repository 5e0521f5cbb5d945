"""``digest digest``: the ranked digest (Today or This week) as Markdown for
mail and notes, a standalone HTML page, or JSON for scripts.

The ranking, grouping and explanations are the domain's
(:func:`tui.core.digest.today`); the formats are
:mod:`tui.core.digest.export`. This module only reads arguments, opens the
store and writes the result where it was asked to go.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from tui.cli.common import CliError, get_config, open_store

HELP = "print the ranked digest (--today, --week) as Markdown, HTML or JSON"
FORMATS = ("md", "html", "json")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of ``digest digest``."""
    window = parser.add_mutually_exclusive_group()
    window.add_argument(
        "--today",
        dest="window",
        action="store_const",
        const="today",
        help="entries with a story from the last 24 hours (the default)",
    )
    window.add_argument(
        "--week",
        dest="window",
        action="store_const",
        const="week",
        help="entries with a story from the last 7 days",
    )
    parser.set_defaults(window="today")
    parser.add_argument(
        "--format",
        choices=FORMATS,
        default="md",
        help="md for mail and notes (default), html for one standalone page, json for scripts",
    )
    parser.add_argument(
        "--limit", metavar="N", type=int, default=100, help="at most N entries (default 100)"
    )
    parser.add_argument("--unread", action="store_true", help="only entries not read yet")
    parser.add_argument(
        "--output", "-o", metavar="FILE", help="write to FILE instead of standard output"
    )


def run(args: argparse.Namespace) -> int:
    """Rank the window's entries and print (or write) them."""
    from datetime import UTC, datetime

    from tui.core import digest
    from tui.core.digest.export import WINDOW_NAMES, render
    from tui.core.store import StoreError

    if args.limit < 1:
        raise CliError("--limit must be at least 1", exit_code=2)
    config = get_config(args, required=False)
    store = open_store(args, config if config.feeds else None)
    generated = datetime.now(UTC)
    try:
        with store:
            entries = digest.today(
                store,
                generated,
                window=args.window,
                limit=args.limit,
                window_hours=config.settings.group_window_hours,
                figures=True,
                unread_only=args.unread,
            )
            has_stories = bool(entries) or store.count_stories() > 0
    except StoreError as error:
        raise CliError(str(error)) from None
    text = render(entries, args.format, window=args.window, generated=generated)
    empty = None
    if not entries:
        name = WINDOW_NAMES[args.window].lower()
        empty = (
            f"no entries for {name}"
            + (" that are unread" if args.unread else "")
            + ("" if has_stories else ": the store has no stories yet (run 'digest refresh')")
        )
    if args.output:
        _write(Path(args.output).expanduser(), text)
        print(empty or f"wrote {len(entries)} entries to {args.output}")
        return 0
    if empty and args.format == "md":
        # The human format gets the sentence instead of an empty document;
        # scripts still get a valid (empty) JSON or HTML document.
        print(empty[:1].upper() + empty[1:] + ".")
        return 0
    if empty:
        print(f"digest: {empty}", file=sys.stderr)
    sys.stdout.write(text)
    return 0


def _write(path: Path, text: str) -> None:
    """Write the export as UTF-8; a path that cannot be written is the
    user's to fix, so it is a one-line error."""
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as error:
        raise CliError(f"{path}: {error.strerror or error}") from None
