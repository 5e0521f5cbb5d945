"""Small builders shared by the refresh tests: a feed body, a config for
feeds on the loopback test server, and a refresh run against a store."""

from __future__ import annotations

from email.utils import formatdate
from pathlib import Path

from tui.core.config import Config, parse_config
from tui.core.refresh import FeedProgress, RefreshSummary, refresh_blocking
from tui.core.store import Store

SETTINGS = {
    "allow_private": "true",
    "timeout_seconds": "0.5",
    "deadline_seconds": "3",
    "retries": "1",
}


def rss(*items: tuple[str, str], title: str = "Test feed") -> bytes:
    """An RSS 2.0 body with (guid, title) items, newest first."""
    parts = [
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>{title}</title><link>https://example.com/</link><description>d</description>"
    ]
    for number, (guid, heading) in enumerate(items):
        parts.append(
            f"<item><guid>{guid}</guid><title>{heading}</title>"
            f"<link>https://example.com/{guid}</link>"
            f"<pubDate>{formatdate(1_700_000_000 - number * 3600, usegmt=True)}</pubDate>"
            f"<description>&lt;p&gt;{heading}: sales rose 12% to $3 million.&lt;/p&gt;</description></item>"
        )
    parts.append("</channel></rss>")
    return "".join(parts).encode()


def config_text(*urls: str, **settings: object) -> str:
    """feeds.toml text with *urls* as feeds and test-friendly limits;
    keyword arguments override settings (values written as TOML)."""
    values = {
        **SETTINGS,
        **{k: str(v).lower() if isinstance(v, bool) else str(v) for k, v in settings.items()},
    }
    lines = ["[settings]", *(f"{key} = {value}" for key, value in values.items())]
    lines += [f'\n[[feeds]]\nurl = "{url}"' for url in urls]
    return "\n".join(lines) + "\n"


def config_for(*urls: str, **settings: object) -> Config:
    """A validated :class:`Config` built from :func:`config_text`."""
    return parse_config(config_text(*urls, **settings).encode(), Path("/tmp/feeds.toml"))


def run(store: Store, config: Config) -> tuple[RefreshSummary, list[FeedProgress]]:
    """Sync the config's feeds into *store*, refresh, return the summary
    and every progress event."""
    store.sync_feeds(config.feeds)
    events: list[FeedProgress] = []
    return refresh_blocking(store, config, progress=events.append), events


def final(events: list[FeedProgress]) -> FeedProgress:
    """The last (terminal) event."""
    return [event for event in events if event.status != "fetching"][-1]
