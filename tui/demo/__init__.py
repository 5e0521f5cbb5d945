"""The bundled demo digest: ``digest --demo``.

Five small feeds written for digest (tech news in our own words, full of
figures) are copied into a temporary directory with their dates moved so
that the newest story is from "now", listed in a temporary feeds.toml with
``file://`` URLs, and fetched by the real refresh engine into a temporary
store. The demo therefore exercises the whole pipeline (fetch, parse,
figures, store) and never touches the user's config or store.
"""

from __future__ import annotations

import math
import re
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime, parsedate_to_datetime
from importlib.resources import files
from pathlib import Path
from typing import Any

from tui.core.config import Config, load_config
from tui.core.store import Store

# (file, title, tags), in sidebar order.
FEEDS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("eastbound-tech.xml", "Eastbound Tech", ("china", "mobile")),
    ("pocket-signal.xml", "Pocket Signal", ("mobile",)),
    ("circuit-daily.xml", "Circuit Daily", ("hardware",)),
    ("ledger-lines.atom", "Ledger Lines", ("business",)),
    ("open-stack.atom", "Open Stack Weekly", ("software",)),
)
_RSS_DATE = re.compile(r"(<pubDate>)([^<]+)(</pubDate>)")
_ATOM_DATE = re.compile(r"(<(?:updated|published)>)([^<]+)(</(?:updated|published)>)")


class DemoError(Exception):
    """The demo could not be built (a bug, since it is all local)."""


@dataclass
class Demo:
    """A ready demo: its config, its (temporary) store and the summaries
    of the refreshes that filled it."""

    config: Config
    store: Store
    directory: Path
    summaries: list[Any]


def feed_texts() -> dict[str, str]:
    """The bundled feed files, by name."""
    folder = files("tui.demo") / "feeds"
    return {name: (folder / name).read_text(encoding="utf-8") for name, _, _ in FEEDS}


def _dates(text: str) -> list[datetime]:
    found = [parsedate_to_datetime(m.group(2)) for m in _RSS_DATE.finditer(text)]
    found += [datetime.fromisoformat(m.group(2)) for m in _ATOM_DATE.finditer(text)]
    return found


def shift_dates(text: str, delta: timedelta) -> str:
    """*text* with every RSS and Atom date moved by *delta*."""

    def rss(match: re.Match[str]) -> str:
        moved = parsedate_to_datetime(match.group(2)) + delta
        return match.group(1) + format_datetime(moved.astimezone(UTC), usegmt=True) + match.group(3)

    def atom(match: re.Match[str]) -> str:
        moved = (datetime.fromisoformat(match.group(2)) + delta).astimezone(UTC)
        return match.group(1) + moved.strftime("%Y-%m-%dT%H:%M:%SZ") + match.group(3)

    return _ATOM_DATE.sub(atom, _RSS_DATE.sub(rss, text))


def write_demo_feeds(directory: Path, now: datetime) -> Path:
    """Write the feeds, dated relative to *now*, and a feeds.toml listing
    them into *directory*; returns the config's path."""
    texts = feed_texts()
    newest = max(date for text in texts.values() for date in _dates(text))
    # The newest story is "now" (to the second), so Today is never empty.
    delta = datetime.fromtimestamp(math.floor(now.timestamp()), UTC) - newest
    feeds = directory / "feeds"
    feeds.mkdir(parents=True, exist_ok=True)
    lines = [
        "# The digest demo: bundled feeds, fetched from local files.",
        "[settings]",
        "refresh_minutes = 1440",
        "",
    ]
    for name, title, tags in FEEDS:
        path = feeds / name
        path.write_text(shift_dates(texts[name], delta), encoding="utf-8")
        tag_list = ", ".join(f'"{tag}"' for tag in tags)
        lines += [
            "[[feeds]]",
            f'url = "{path.as_uri()}"',
            f'title = "{title}"',
            f"tags = [{tag_list}]",
            "",
        ]
    config_path = directory / "feeds.toml"
    config_path.write_text("\n".join(lines), encoding="utf-8")
    return config_path


def build_demo(directory: Path, now: datetime | None = None) -> Demo:
    """Write the demo into *directory* and fetch it into a store there."""
    from tui.core.refresh import refresh_blocking

    config = load_config(write_demo_feeds(directory, now or datetime.now(UTC)))
    store = Store.open(directory / "demo.db")
    try:
        store.sync_feeds(config.feeds)
        # One feed per run: a run with more than a few feeds starts the
        # engine's parser process pool, which costs seconds, while these
        # small feeds parse in milliseconds in the engine's own thread.
        summaries = [refresh_blocking(store, config, feed_ids=[feed.id]) for feed in store.feeds()]
    except BaseException:
        store.close()
        raise
    failures = [failure for summary in summaries for failure in summary.failures]
    if failures:
        store.close()
        text = "; ".join(f"{title}: {error}" for title, error in failures)
        raise DemoError(f"the demo feeds could not be loaded: {text}")
    return Demo(config, store, directory, summaries)


@contextmanager
def open_demo(now: datetime | None = None) -> Iterator[Demo]:
    """A demo in a temporary directory that is deleted afterwards."""
    with tempfile.TemporaryDirectory(prefix="digest-demo-") as tmp:
        demo = build_demo(Path(tmp), now)
        try:
            yield demo
        finally:
            demo.store.close()
