"""``digest add URL``: subscribe to a site or feed, appending to feeds.toml."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from tui.cli.common import CliError, config_path, get_config, warn

if TYPE_CHECKING:
    from tui.core.config import Settings
    from tui.core.pages import PageFetch

HELP = "subscribe: find the feed behind a web page and append it to feeds.toml"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of ``digest add``."""
    parser.add_argument("url", help="a web page or a feed URL (https://… or example.com)")
    parser.add_argument("--title", help="name to show instead of the feed's own title")
    parser.add_argument(
        "--tag", action="append", default=[], metavar="TAG", help="a tag (section); repeatable"
    )
    parser.add_argument(
        "--pick", type=int, metavar="N", help="when a page offers several feeds, take number N"
    )
    parser.add_argument(
        "--dry-run", action="store_true", help="show what would be appended, change nothing"
    )


def run(args: argparse.Namespace) -> int:
    """Discover, pick, verify, append; print what was found and written."""
    from tui.core.config import Settings
    from tui.core.paths import default_config_path
    from tui.core.sanitize import one_line
    from tui.core.subscriptions import NewFeed, SubscriptionError, add_feeds
    from tui.core.urls import redact, safe_web_url, typed_url

    path = config_path(args) or default_config_path()
    settings = get_config(args).settings if path.is_file() else Settings()
    url = typed_url(args.url)
    feed_url, found_title = url, None
    if safe_web_url(url):  # local files and file:// URLs are added as given
        feed_url, found_title = _find_feed(url, settings, args.pick)
    print(f"Feed: {one_line(found_title or '(no title)', 100)}  {one_line(redact(feed_url))}")
    try:
        report = add_feeds(
            path, [NewFeed(feed_url, args.title, tuple(args.tag))], dry_run=args.dry_run
        )
    except SubscriptionError as error:
        raise CliError(str(error), exit_code=2) from None
    if report.skipped:
        raise CliError(report.skipped[0][1])
    for message in report.warnings:
        warn(message)
    verb = "Would append to" if args.dry_run else "Appended to"
    print(f"{verb} {report.path}:\n")
    print(report.appended, end="")
    return 0


def _find_feed(url: str, settings: Settings, pick: int | None) -> tuple[str, str | None]:
    """The feed URL and title for *url*: discovered, listed when there are
    several, the picked one verified; fetched under the feed fetch policy."""
    import asyncio

    from tui.core.pages import open_page_fetch

    async def find() -> tuple[str, str | None]:
        async with open_page_fetch(settings) as fetch:
            return await _discover_and_pick(url, fetch, pick)

    return asyncio.run(find())


async def _discover_and_pick(
    url: str, fetch: PageFetch, pick: int | None
) -> tuple[str, str | None]:
    from tui.core.discover import discover, probe
    from tui.core.pages import PageError
    from tui.core.sanitize import one_line
    from tui.core.urls import redact

    try:
        found = await discover(url, fetch)
    except PageError as error:
        raise CliError(f"cannot fetch {redact(url)}: {error}") from None
    candidates = found.candidates
    if not candidates:
        raise CliError(
            f'no feed found at {redact(url)} (no <link rel="alternate"> feed, '
            f"and none of {len(found.tried) - 1} common feed paths answered with a feed)"
        )
    if len(candidates) > 1:
        print(f"{len(candidates)} feeds found on {one_line(found.page_title or url, 80)}:")
        for number, candidate in enumerate(candidates, start=1):
            kind = f" ({candidate.kind})" if candidate.kind else ""
            title = one_line(candidate.title or "untitled", 60)
            print(f"  {number}. {title}{kind}  {one_line(redact(candidate.url))}")
    number = pick or 1
    if not 1 <= number <= len(candidates):
        raise CliError(f"--pick {number}: choose 1 to {len(candidates)}")
    chosen = candidates[number - 1]
    if not chosen.verified:
        try:
            checked = await probe(chosen.url, fetch)
        except PageError as error:
            raise CliError(f"cannot fetch {redact(chosen.url)}: {error}") from None
        if checked is None:
            raise CliError(f"{redact(chosen.url)} is announced as a feed but is not one")
        chosen = checked
    if len(candidates) > 1:
        print(f"Taking {number}" + ("" if pick else " (use --pick N for another)"))
    return chosen.url, chosen.title
