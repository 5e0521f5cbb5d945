"""Messages the main screen's workers post back to the event loop.

Each carries an immutable snapshot (see ``tui.app.view``) or a result, and
a sequence number where a newer request makes an older answer stale.
"""

from __future__ import annotations

from typing import Any

from textual.message import Message

from tui.app.feed_info import FeedInfo
from tui.app.view import MetricView, ReaderDoc, SidebarSnapshot, StoryPage
from tui.core.config import Config


class SidebarLoaded(Message):
    """Fresh sections and counts."""

    def __init__(self, snapshot: SidebarSnapshot, seq: int) -> None:
        super().__init__()
        self.snapshot = snapshot
        self.seq = seq


class StoriesLoaded(Message):
    """A page of the story list (first page, or a following one)."""

    def __init__(self, page: StoryPage, seq: int, keep_id: int | None = None) -> None:
        super().__init__()
        self.page = page
        self.seq = seq
        self.keep_id = keep_id


class UnreadFound(Message):
    """``n`` found the next unread story beyond the loaded rows: *page*
    holds the rows after row *after_id* up to and including it."""

    def __init__(self, page: StoryPage | None, story_id: int | None, after_id: int) -> None:
        super().__init__()
        self.page = page
        self.story_id = story_id
        self.after_id = after_id


class StoryOpened(Message):
    """The story the user opened, ready to show (or None: it is gone).
    With *mark_read*, the screen saves it read once it is on screen."""

    def __init__(self, doc: ReaderDoc | None, story_id: int, mark_read: bool = False) -> None:
        super().__init__()
        self.doc = doc
        self.story_id = story_id
        self.mark_read = mark_read


class StoreWritten(Message):
    """A change of read or starred state reached the store (or failed)."""

    def __init__(self, error: str | None = None, reload_list: bool = False) -> None:
        super().__init__()
        self.error = error
        self.reload_list = reload_list


class RefreshProgress(Message):
    """One feed's refresh status changed (a ``FeedProgress``)."""

    def __init__(self, progress: Any) -> None:
        super().__init__()
        self.progress = progress


class RefreshFinished(Message):
    """A refresh ended: a ``RefreshSummary``, or the error that stopped it."""

    def __init__(self, summary: Any | None, error: str | None = None) -> None:
        super().__init__()
        self.summary = summary
        self.error = error


class LinkOpened(Message):
    """The browser was started for a link (or could not be)."""

    def __init__(self, url: str, error: str | None = None) -> None:
        super().__init__()
        self.url = url
        self.error = error


class Notice(Message):
    """A worker has one sanitised line to tell the user (a story saved, an
    attachment missing); the screen shows it as a toast."""

    def __init__(self, text: str, severity: str = "information", title: str = "") -> None:
        super().__init__()
        self.text = text
        self.severity = severity
        self.title = title


class ArticleFetched(Message):
    """``F`` finished: the story's new document (stored), or the one-line
    reason the summary stays."""

    def __init__(self, story_id: int, doc: ReaderDoc | None, reason: str | None = None) -> None:
        super().__init__()
        self.story_id = story_id
        self.doc = doc
        self.reason = reason


class StoryShared(Message):
    """A story written as Markdown, ready for the clipboard."""

    def __init__(self, title: str, markdown: str) -> None:
        super().__init__()
        self.title = title
        self.markdown = markdown


class FeedsChanged(Message):
    """feeds.toml was edited and reloaded, and the store synced: the new
    config (None when the edit or the reload failed), a sentence for the
    user, and the feeds to refresh now (a feed just added)."""

    def __init__(
        self,
        config: Config | None,
        note: str,
        *,
        error: bool = False,
        refresh: tuple[int, ...] = (),
        label: str = "",
    ) -> None:
        super().__init__()
        self.config = config
        self.note = note
        self.error = error
        self.refresh = refresh
        self.label = label


class FeedInfoLoaded(Message):
    """A feed's state, read from the store for the feed-info screen."""

    def __init__(self, info: FeedInfo | None) -> None:
        super().__init__()
        self.info = info


class EntryRead(Message):
    """Opening (or ``m`` on) a story changed the read state of every story
    of its digest entry: the rows of *story_ids* are redrawn wherever they
    are listed."""

    def __init__(self, story_ids: tuple[int, ...], read: bool) -> None:
        super().__init__()
        self.story_ids = story_ids
        self.read = read


class MetricLoaded(Message):
    """The history of the selected figure's metric (None: it has none)."""

    def __init__(self, story_id: int, index: int, view: MetricView | None, seq: int) -> None:
        super().__init__()
        self.story_id = story_id
        self.index = index
        self.view = view
        self.seq = seq


class WhyLoaded(Message):
    """Why a story's entry ranks where it does: the title and the lines of
    :meth:`tui.core.digest.Entry.explain`, sanitised (None: no entry)."""

    def __init__(self, title: str, lines: tuple[str, ...] | None) -> None:
        super().__init__()
        self.title = title
        self.lines = lines
