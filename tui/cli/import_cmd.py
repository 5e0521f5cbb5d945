"""``digest import FILE.opml``: subscribe to every feed of another reader's export."""

from __future__ import annotations

import argparse
import sys

from tui.cli.common import CliError, config_path, warn

HELP = "import an OPML file from another reader into feeds.toml (folders become tags)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of ``digest import``."""
    parser.add_argument("file", help="the OPML file ('-' reads standard input)")
    parser.add_argument(
        "--dry-run", action="store_true", help="list what would be added, change nothing"
    )


def run(args: argparse.Namespace) -> int:
    """Merge the file's feeds into feeds.toml in one write and list what
    was added and skipped."""
    from tui.core.opml import OpmlError, import_opml
    from tui.core.paths import default_config_path
    from tui.core.sanitize import one_line
    from tui.core.subscriptions import SubscriptionError
    from tui.core.urls import redact

    try:
        data = sys.stdin.buffer.read() if args.file == "-" else open(args.file, "rb").read()  # noqa: SIM115
    except OSError as error:
        raise CliError(f"{args.file}: cannot read: {error.strerror}") from None
    path = config_path(args) or default_config_path()
    try:
        found, report = import_opml(path, data, dry_run=args.dry_run)
    except OpmlError as error:
        raise CliError(f"{args.file}: {error}") from None
    except SubscriptionError as error:
        raise CliError(str(error), exit_code=2) from None
    for message in found.warnings:
        warn(f"{args.file}: {message}")
    for feed in report.added:
        tags = f"  [{', '.join(one_line(t, 40) for t in feed.tags)}]" if feed.tags else ""
        title = f"{one_line(feed.title, 60)}  " if feed.title else ""
        print(f"+ {title}{one_line(redact(feed.url))}{tags}")
    for feed, reason in report.skipped:
        print(f"= {one_line(feed.title or redact(feed.url), 60)}: {one_line(reason)}")
    for label, reason in found.skipped:
        print(f"! {one_line(label, 60)}: {one_line(reason)}")
    for message in report.warnings:
        warn(message)
    skipped = len(report.skipped) + len(found.skipped)
    verb = "Would add" if args.dry_run else "Added"
    print(f"{verb} {len(report.added)} feeds to {path}; skipped {skipped}.")
    return 0
