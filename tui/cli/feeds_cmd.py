"""``digest feeds``: every configured feed with what its last fetch left:
unread/total stories, when it was fetched, and any error, move or warning."""

from __future__ import annotations

import argparse
from datetime import UTC, datetime

from tui.cli.common import FIRST_RUN_HELP, get_config, open_store
from tui.core.models import Feed
from tui.core.sanitize import one_line
from tui.core.urls import redact

HELP = "list feeds with their state (last fetch, errors, moves, story counts)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """``digest feeds`` has no options of its own."""


def run(args: argparse.Namespace) -> int:
    """Print one line per feed, plus indented lines for moves and problems."""
    config = get_config(args, required=False)
    store = open_store(args, config if config.feeds else None)
    try:
        feeds = store.feeds()
    finally:
        store.close()
    if not feeds:
        print(FIRST_RUN_HELP)
        return 0
    now = datetime.now(UTC)
    width = len(str(len(feeds)))
    for number, feed in enumerate(feeds, start=1):
        title = one_line(feed.display_title, 40)
        counts = f"{feed.unread}/{feed.total}"
        print(f"{number:>{width}}. {title:<40} {counts:>11}  {state_of(feed, now)}")
        indent = " " * (width + 2)
        print(f"{indent}{one_line(redact(feed.url))}")
        if feed.moved_to:
            print(f"{indent}moved permanently to {one_line(redact(feed.moved_to))}")
        elif feed.state.moved_candidate:
            print(
                f"{indent}redirects permanently to {one_line(redact(feed.state.moved_candidate))}"
                f" (seen {feed.state.moved_seen} time(s); adopted on the next)"
            )
        if feed.state.last_error and not feed.state.gone:
            print(f"{indent}error: {one_line(feed.state.last_error, 200)}")
        if feed.state.warning:
            print(f"{indent}warning: {one_line(feed.state.warning, 200)}")
    return 0


def state_of(feed: Feed, now: datetime) -> str:
    """A short phrase for the feed's state: never fetched, ok 5 min ago,
    failing (3×), gone, disabled, waiting until..."""
    state = feed.state
    if not feed.enabled:
        return "disabled"
    if state.gone:
        return "gone (HTTP 410)"
    if state.last_fetch is None:
        return "never fetched"
    age = _age(now - state.last_fetch)
    if state.last_error:
        text = f"failing ({state.consecutive_failures}×), last try {age} ago"
        if state.next_fetch and state.next_fetch > now:
            text += f", waiting until {state.next_fetch:%H:%M} UTC"
        return text
    return f"ok, fetched {age} ago"


def _age(delta) -> str:  # noqa: ANN001 - a timedelta
    seconds = max(int(delta.total_seconds()), 0)
    if seconds < 90:
        return f"{seconds} s"
    if seconds < 5400:
        return f"{seconds // 60} min"
    if seconds < 172800:
        return f"{seconds // 3600} h"
    return f"{seconds // 86400} d"
