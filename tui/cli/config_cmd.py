"""``digest config``: which feeds.toml is in force, and is it valid."""

from __future__ import annotations

import argparse
import os

from tui.cli.common import FIRST_RUN_HELP, CliError, config_path, get_config
from tui.core.paths import default_config_path
from tui.core.sanitize import one_line
from tui.core.urls import redact

HELP = "show which feeds.toml is used (--path) or validate it and list its feeds (--check)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of ``digest config``."""
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--path", action="store_true", help="print the path of the config in force")
    group.add_argument(
        "--check", action="store_true", help="validate the config and list its feeds"
    )


def run(args: argparse.Namespace) -> int:
    """Print the config path, or validate and list; exit 2 on a bad config."""
    path = config_path(args)
    if args.path:
        if path is None:
            raise CliError(
                "no feeds.toml found (looked at --config, $DIGEST_CONFIG, ./feeds.toml and "
                f"{default_config_path()})"
            )
        print(path)
        return 0
    config = get_config(args)
    origin = (
        "--config"
        if getattr(args, "config", None)
        else ("$DIGEST_CONFIG" if os.environ.get("DIGEST_CONFIG") else "lookup")
    )
    print(f"{path} ({origin}): ok")
    if not config.feeds:
        print(FIRST_RUN_HELP)
        return 0
    width = len(str(len(config.feeds)))
    for number, feed in enumerate(config.feeds, start=1):
        flags = "" if feed.enabled else "  (disabled)"
        tags = f"  [{', '.join(feed.tags)}]" if feed.tags else ""
        title = one_line(feed.title or "(title from feed)", 40)
        print(f"{number:>{width}}. {title:<40} {one_line(redact(feed.url))}{tags}{flags}")
    s = config.settings
    print(
        f"{len(config.feeds)} feeds; refresh every {s.refresh_minutes} min, "
        f"{s.concurrency} at a time, theme {one_line(s.theme)}"
    )
    return 0
