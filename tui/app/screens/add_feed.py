"""Adding a feed from the reader: the address of a site or a feed, the
feeds found behind it, one picked.

People paste a site's address, not its feed's, so this runs the same
discovery as ``digest add`` (``tui.core.discover``) with the config's fetch
policy, in a thread worker (it fetches pages and parses feeds), and lists
what it found with titles. The pick is checked (fetched and parsed as a
feed) unless discovery already did so, and handed back to the main screen,
which appends it to feeds.toml and fetches it. Answers of an older search
are dropped by a sequence number.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from tui.core.sanitize import one_line
from tui.core.subscriptions import NewFeed
from tui.core.urls import redact, safe_web_url, typed_url

if TYPE_CHECKING:
    from tui.core.config import Settings
    from tui.core.discover import Candidate, Discovery


class FeedsDiscovered(Message):
    """Discovery finished: the candidates, or why there are none."""

    def __init__(self, seq: int, found: Discovery | None, error: str | None = None) -> None:
        super().__init__()
        self.seq = seq
        self.found = found
        self.error = error


class FeedChecked(Message):
    """The picked candidate was fetched: a verified feed, or why not."""

    def __init__(self, seq: int, candidate: Candidate | None, error: str | None = None) -> None:
        super().__init__()
        self.seq = seq
        self.candidate = candidate
        self.error = error


def candidate_prompt(candidate: Candidate) -> Content:
    """One line of the candidates list: title, kind, URL (sanitised)."""
    title = one_line(candidate.title or "untitled", 50)
    kind = f" ({one_line(candidate.kind, 12)})" if candidate.kind else ""
    return Content.assemble(
        (title, "bold"), kind, "  ", (one_line(redact(candidate.url), 120), "dim")
    )


class AddFeedScreen(ModalScreen[NewFeed | None]):
    """Find the feeds behind an address and pick one to subscribe to."""

    CSS_PATH = "dialogs.tcss"
    BINDINGS = [Binding("escape", "cancel", "Cancel")]  # noqa: RUF012 - Textual's class variable

    def __init__(self, settings: Settings, note: str) -> None:
        """*settings*: the fetch policy; *note*: where the feed will be added."""
        super().__init__()
        self.settings = settings
        self.note = note
        self.candidates: list[Candidate] = []
        self.seq = 0
        self.busy = False

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog") as box:
            box.border_title = "Add a feed"
            box.border_subtitle = "enter: find feeds · esc: cancel"
            yield Static(Content(self.note), id="dialog-note")
            yield Input(placeholder="Address of a site or a feed (https://…)", id="add-url")
            yield Input(placeholder="Tags, comma-separated (optional)", id="add-tags")
            yield Input(
                placeholder="Title to show (optional; default: the feed's own)", id="add-title"
            )
            yield Static(Content(""), id="dialog-status")
            yield OptionList(id="add-candidates", markup=False)

    def on_mount(self) -> None:
        """Nothing to pick yet."""
        self.query_one("#add-candidates").display = False

    def say(self, text: str, *, error: bool = False) -> None:
        """Show one line under the fields (red for a problem)."""
        status = self.query_one("#dialog-status", Static)
        status.update(Content(one_line(text, 400)))
        status.set_class(error, "-error")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        """Enter in any field looks for feeds at the address."""

        event.stop()
        url = typed_url(self.query_one("#add-url", Input).value)
        if not url:
            self.say("Type the address of a site or of its feed.", error=True)
            self.query_one("#add-url", Input).focus()
            return
        if safe_web_url(url) is None:
            self.say(
                "Only http and https addresses can be added here "
                "(for a local file, use digest add PATH).",
                error=True,
            )
            return
        self.seq += 1
        self.busy = True
        self.candidates = []
        self.query_one("#add-candidates").display = False
        self.say(f"Looking for feeds at {redact(url)}…")
        self._discover(url, self.seq)

    @work(thread=True, name="discover-feeds", group="discover", exit_on_error=False)
    def _discover(self, url: str, seq: int) -> None:
        from tui.core.discover import discover
        from tui.core.pages import PageError, open_page_fetch

        async def run() -> Discovery:
            async with open_page_fetch(self.settings) as fetch:
                return await discover(url, fetch)

        try:
            found = asyncio.run(run())
        except PageError as error:
            self.post_message(FeedsDiscovered(seq, None, f"cannot fetch {redact(url)}: {error}"))
            return
        except Exception as error:  # a bug or an odd page must not close the dialog
            text = str(error) or type(error).__name__
            self.post_message(FeedsDiscovered(seq, None, f"cannot look at {redact(url)}: {text}"))
            return
        self.post_message(FeedsDiscovered(seq, found))

    def on_feeds_discovered(self, message: FeedsDiscovered) -> None:
        """List the candidates, best first, for the user to pick."""
        if message.seq != self.seq:
            return
        self.busy = False
        if message.found is None:
            self.say(message.error or "nothing found", error=True)
            return
        found = message.found
        if not found.candidates:
            tried = len(found.tried) - 1
            self.say(
                f"No feed found at {redact(found.url)} (the page announces none, and none of "
                f"{tried} common feed paths answered with a feed).",
                error=True,
            )
            return
        self.candidates = list(found.candidates)
        listing = self.query_one("#add-candidates", OptionList)
        listing.clear_options()
        listing.add_options(
            Option(candidate_prompt(candidate), id=str(number))
            for number, candidate in enumerate(self.candidates)
        )
        listing.display = True
        listing.highlighted = 0
        listing.focus()
        where = one_line(found.page_title or redact(found.url), 80)
        count = len(self.candidates)
        self.say(
            f"{count} feed{'s' if count != 1 else ''} found on {where}: enter adds the one chosen."
        )

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        """Subscribe to the picked candidate, once it is known to be a feed."""
        event.stop()
        if self.busy or event.option_id is None:
            return
        candidate = self.candidates[int(event.option_id)]
        if candidate.verified:
            self.dismiss(self.result(candidate))
            return
        self.seq += 1
        self.busy = True
        self.say(f"Checking {redact(candidate.url)}…")
        self._probe(candidate.url, self.seq)

    @work(thread=True, name="check-feed", group="discover", exit_on_error=False)
    def _probe(self, url: str, seq: int) -> None:
        from tui.core.discover import probe
        from tui.core.pages import open_page_fetch

        async def run() -> Candidate | None:
            async with open_page_fetch(self.settings) as fetch:
                return await probe(url, fetch)

        try:
            checked = asyncio.run(run())
        except Exception as error:  # PageError and anything odd: say it, stay open
            self.post_message(FeedChecked(seq, None, f"cannot fetch {redact(url)}: {error}"))
            return
        if checked is None:
            self.post_message(
                FeedChecked(seq, None, f"{redact(url)} is announced as a feed but is not one")
            )
            return
        self.post_message(FeedChecked(seq, checked))

    def on_feed_checked(self, message: FeedChecked) -> None:
        """A verified pick closes the dialog; a bad one says why."""
        if message.seq != self.seq:
            return
        self.busy = False
        if message.candidate is None:
            self.say(message.error or "not a feed", error=True)
            return
        self.dismiss(self.result(message.candidate))

    def result(self, candidate: Candidate) -> NewFeed:
        """The feed to append: the candidate's URL, the tags and title typed."""
        tags = self.query_one("#add-tags", Input).value.replace(";", ",").split(",")
        title = self.query_one("#add-title", Input).value.strip()
        return NewFeed(
            candidate.url,
            one_line(title, 300) or None,
            tuple(dict.fromkeys(tag.strip() for tag in tags if tag.strip())),
        )

    def action_cancel(self) -> None:
        """Close without adding anything."""
        self.dismiss(None)
