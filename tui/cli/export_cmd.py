"""``digest export --opml``: your subscriptions for another reader."""

from __future__ import annotations

import argparse

from tui.cli.common import CliError, db_path, get_config, warn

HELP = "export feeds.toml as OPML 2.0 (tags as folders) to stdout or a file"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of ``digest export``."""
    formats = parser.add_mutually_exclusive_group(required=True)
    formats.add_argument("--opml", action="store_true", help="write OPML 2.0")
    parser.add_argument("-o", "--output", metavar="FILE", help="write to FILE instead of stdout")


def run(args: argparse.Namespace) -> int:
    """Write the OPML; feeds without a configured title get the feed's own
    title and site address from the store when it knows them."""
    import sys

    from tui.core.opml import export_opml

    config = get_config(args)
    text, warnings = export_opml(config.feeds, known=_known(args))
    for message in warnings:
        warn(message)
    if args.output in (None, "-"):
        sys.stdout.write(text)
        return 0
    try:
        with open(args.output, "w", encoding="utf-8") as file:
            file.write(text)
    except OSError as error:
        raise CliError(f"{args.output}: cannot write: {error.strerror}") from None
    print(f"Wrote {len(config.feeds)} feeds to {args.output}", file=sys.stderr)
    return 0


def _known(args: argparse.Namespace) -> dict[str, tuple[str | None, str | None]]:
    from tui.core.store import Store, StoreError

    path = db_path(args)
    if not path.is_file():
        return {}
    try:
        with Store.open(path) as store:
            feeds = store.feeds(include_removed=True)
    except StoreError:
        return {}
    return {feed.url: (feed.feed_title, feed.site_url) for feed in feeds}
