"""``digest remove KEY``: unsubscribe, removing the feed from feeds.toml."""

from __future__ import annotations

import argparse

from tui.cli.common import CliError, config_path, db_path

HELP = "unsubscribe: remove a feed (by URL, title or number) from feeds.toml"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of ``digest remove``."""
    parser.add_argument(
        "feed", help="the feed's URL, its title, or its number in 'digest config --check'"
    )


def run(args: argparse.Namespace) -> int:
    """Remove the feed and the comment lines directly above it; its stories
    stay in the store (starred ones remain reachable)."""
    from tui.core.sanitize import one_line
    from tui.core.subscriptions import SubscriptionError, remove_feed
    from tui.core.urls import redact

    path = config_path(args)
    if path is None or not path.is_file():
        raise CliError("no feeds.toml found: there is nothing to remove", exit_code=2)
    key = args.feed
    try:
        removed = remove_feed(path, key)
    except SubscriptionError as error:
        # The title shown in the reader may be the feed's own, which the
        # config does not hold: look it up in the store.
        url = _url_from_store(args, key)
        if url is None or url == key:
            raise CliError(str(error)) from None
        try:
            removed = remove_feed(path, url)
        except SubscriptionError:
            raise CliError(str(error)) from None
    name = one_line(removed.title or redact(removed.url), 100)
    print(f"Removed {name} from {path}")
    print("Its stories stay in the store until 'digest vacuum' prunes the read ones.")
    return 0


def _url_from_store(args: argparse.Namespace, key: str) -> str | None:
    from tui.core.store import Store, StoreError

    path = db_path(args)
    if not path.is_file():
        return None
    try:
        with Store.open(path) as store:
            feed = store.find_feed(key)
    except StoreError:
        return None
    return feed.url if feed is not None else None
