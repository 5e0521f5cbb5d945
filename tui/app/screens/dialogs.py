"""Small modal screens: a one-line prompt and the feed-info panel.

Both only show what they are given (sanitised text as ``Content``) and
hand an answer back through ``dismiss``; any I/O the answer leads to runs
in the main screen's workers.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from tui.app.feed_info import FeedInfo


class PromptScreen(ModalScreen[str | None]):
    """Ask for one line of text (a file name); enter answers, esc cancels."""

    CSS_PATH = "dialogs.tcss"
    BINDINGS = [Binding("escape", "cancel", "Cancel")]  # noqa: RUF012 - Textual's class variable

    def __init__(self, title: str, note: str, value: str = "") -> None:
        super().__init__()
        self.title_text = title
        self.note = note
        self.value = value

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog") as box:
            box.border_title = Content(self.title_text)
            box.border_subtitle = "enter: OK · esc: cancel"
            yield Static(Content(self.note), id="dialog-note")
            yield Input(self.value, id="prompt-input", select_on_focus=False)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        """Answer with the text typed."""
        event.stop()
        self.dismiss(event.value)

    def action_cancel(self) -> None:
        """No answer."""
        self.dismiss(None)


class FeedInfoScreen(ModalScreen[None]):
    """A feed's state: URL, fetches, errors, schedule, counts."""

    CSS_PATH = "dialogs.tcss"
    BINDINGS = [  # noqa: RUF012 - Textual's class variable
        Binding("escape,q,I", "close", "Close"),
    ]

    def __init__(self, info: FeedInfo) -> None:
        super().__init__()
        self.info = info

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="dialog") as box:
            box.border_title = Content(self.info.title)  # feed text: never markup
            box.border_subtitle = "esc to close"
            yield Static(info_text(self.info), id="feed-info")

    def action_close(self) -> None:
        """Back to the reader."""
        self.dismiss(None)


def info_text(info: FeedInfo) -> Content:
    """The rows as aligned text (the values are already sanitised)."""
    width = max(len(label) for label, _ in info.rows) + 2
    lines = [Content.assemble((f"{label:<{width}}", "bold"), value) for label, value in info.rows]
    return Content("\n").join(lines)
