"""Subscriptions from the reader: add a feed, see a feed's state, disable
or enable it.

feeds.toml stays the one place subscriptions live: the reader edits it
with ``tui.core.subscriptions`` (which keeps the user's comments and
layout), reloads it and syncs the store, all in a thread worker, then
applies the new config. Without a config file there is nowhere to write,
and the actions say so; the demo's feeds.toml is a temporary file, and
changes to it are said to be temporary.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from textual import work

from tui.app.messages import FeedInfoLoaded, FeedsChanged
from tui.core.sanitize import one_line

if TYPE_CHECKING:
    from tui.app.screens.main import MainScreen
    from tui.core.config import Config
    from tui.core.models import Feed
    from tui.core.subscriptions import NewFeed

DEMO_NOTE = "This is the demo: its feeds.toml is temporary and goes away when digest exits."


def _find(feeds: list[Feed], url: str) -> Feed | None:
    """The stored feed for a configured *url* (compared normalised)."""
    from tui.core.urls import normalise

    wanted = normalise(url)
    return next((feed for feed in feeds if normalise(feed.url) == wanted), None)


class FeedActions:
    """Mixed into :class:`~tui.app.screens.main.MainScreen`."""

    def selected_feed(self: MainScreen) -> tuple[int, str] | None:
        """The feed the user means: the sidebar's highlighted feed while the
        sidebar has focus, else the feed whose section is shown, else the
        feed of the story under the cursor."""
        section = self.sidebar.highlighted_section if self.sidebar.has_focus else None
        if section is None or section.feed_id is None:
            section = self.current_section()
        if section is not None and section.feed_id is not None:
            return section.feed_id, section.label
        row = self.stories.current
        return (row.feed_id, row.feed) if row is not None else None

    def config_path(self: MainScreen, doing: str) -> Path | None:
        """feeds.toml, or None after telling the user why *doing* (``add
        feeds``) cannot be done without one."""
        path = self.digest.config.path
        if path is None:
            from tui.core.paths import default_config_path

            self.notify(
                f"digest was started without a feeds.toml, so it cannot {doing}. "
                f"Create {default_config_path()} (or run: digest add URL) and start digest again.",
                severity="warning",
                markup=False,
                timeout=10,
            )
        return path

    # ------------------------------------------------------------ actions

    def action_add_feed(self: MainScreen) -> None:
        """a: find the feed behind an address and subscribe to it."""
        path = self.config_path("add feeds")
        if path is None:
            return
        from tui.app.screens.add_feed import AddFeedScreen

        note = f"The feed is added to {path}."
        if self.digest.demo:
            note += " " + DEMO_NOTE
        self.app.push_screen(AddFeedScreen(self.digest.config.settings, note), self._feed_chosen)

    def _feed_chosen(self: MainScreen, feed: NewFeed | None) -> None:
        path = self.digest.config.path
        if feed is not None and path is not None:
            self._add_worker(path, feed)

    def action_feed_info(self: MainScreen) -> None:
        """I: the selected feed's URL, fetches, errors and schedule."""
        selected = self.selected_feed()
        if selected is None:
            self.notify("Select a feed in the sidebar first.", markup=False, timeout=3)
            return
        self._info_worker(selected[0])

    def action_toggle_feed(self: MainScreen) -> None:
        """D: disable the selected feed (no more fetches), or enable it."""
        selected = self.selected_feed()
        if selected is None:
            self.notify("Select a feed in the sidebar first.", markup=False, timeout=3)
            return
        path = self.config_path("disable or enable feeds")
        if path is not None:
            self._toggle_worker(path, selected[0])

    # ------------------------------------------------------------ workers

    @work(thread=True, name="add-feed", group="config", exit_on_error=False)
    def _add_worker(self: MainScreen, path: Path, feed: NewFeed) -> None:
        from tui.core.subscriptions import SubscriptionError, add_feed

        try:
            report = add_feed(path, feed.url, feed.title, feed.tags)
        except SubscriptionError as error:
            self.post_message(FeedsChanged(None, f"Not added: {error}", error=True))
            return
        config = self._reload_and_sync(path)
        if config is None:
            return
        added = _find(self.digest.store.feeds(), feed.url)
        label = one_line(feed.title or (added.display_title if added else feed.url), 60)
        note = f"Added {label} to {report.path.name}."
        if report.warnings:
            note += " " + one_line(report.warnings[0], 200)
        if self.digest.demo:
            note += " " + DEMO_NOTE
        ids = (added.id,) if added is not None else ()
        self.post_message(FeedsChanged(config, note, refresh=ids, label=label))

    @work(thread=True, name="toggle-feed", group="config", exit_on_error=False)
    def _toggle_worker(self: MainScreen, path: Path, feed_id: int) -> None:
        from tui.core.subscriptions import SubscriptionError, set_enabled

        feed = self.digest.store.feed(feed_id)
        if feed is None:
            self.post_message(
                FeedsChanged(None, "That feed is no longer in the store.", error=True)
            )
            return
        label = one_line(feed.display_title, 60)
        try:
            set_enabled(path, feed.url, not feed.enabled)
        except SubscriptionError as error:
            self.post_message(FeedsChanged(None, f"{label}: {error}", error=True))
            return
        config = self._reload_and_sync(path)
        if config is None:
            return
        if feed.enabled:
            note = f"Disabled {label}: it is no longer fetched (D enables it again)."
        else:
            note = f"Enabled {label}: it is fetched again from the next refresh."
        if self.digest.demo:
            note += " " + DEMO_NOTE
        self.post_message(FeedsChanged(config, note))

    def _reload_and_sync(self: MainScreen, path: Path) -> Config | None:
        """Load the edited feeds.toml and make the store match it (on the
        worker's thread); None after posting why it failed."""
        from tui.core.config import ConfigError, load_config

        try:
            config = load_config(path)
            self.digest.store.sync_feeds(config.feeds)
        except (ConfigError, OSError) as error:
            text = one_line(str(error), 300)
            self.post_message(FeedsChanged(None, f"feeds.toml was changed but: {text}", error=True))
            return None
        return config

    @work(thread=True, name="feed-info", group="feed-info", exit_on_error=False)
    def _info_worker(self: MainScreen, feed_id: int) -> None:
        from tui.app.feed_info import feed_info
        from tui.core.store import StoryQuery

        app = self.digest
        feed = next((feed for feed in app.store.feeds() if feed.id == feed_id), None)
        if feed is None:
            self.post_message(FeedInfoLoaded(None))
            return
        starred = app.store.count_stories(
            StoryQuery(feed_ids=(feed_id,), starred_only=True, limit=None)
        )
        minutes = app.config.settings.refresh_minutes
        self.post_message(FeedInfoLoaded(feed_info(feed, starred, app.now(), minutes)))

    # ----------------------------------------------------------- messages

    def on_feed_info_loaded(self: MainScreen, message: FeedInfoLoaded) -> None:
        """Show the feed's state in a panel over the reader."""
        if message.info is None:
            self.notify("That feed is no longer in feeds.toml.", markup=False, timeout=3)
            return
        from tui.app.screens.dialogs import FeedInfoScreen

        self.app.push_screen(FeedInfoScreen(message.info))

    def on_feeds_changed(self: MainScreen, message: FeedsChanged) -> None:
        """Apply the reloaded config, say what changed, fetch a new feed."""
        if message.config is None:
            self.notify(one_line(message.note, 500), severity="error", markup=False, timeout=10)
            return
        self.digest.config = message.config
        self.load_sidebar()
        self.notify(one_line(message.note, 500), markup=False, timeout=6)
        if message.refresh:
            if self.refreshing:
                self.notify(
                    "A refresh is running: the new feed is fetched by the next one.",
                    markup=False,
                    timeout=5,
                )
            else:
                self.start_refresh(message.refresh, message.label)
