"""Why an entry ranks where it does: the score and each of its terms
(recency, sources, figure, feed weight) with the reason for its value.

A ranked list that cannot explain itself is hard to trust; this modal
shows :meth:`tui.core.digest.Entry.explain` for the entry under the
cursor. The lines were sanitised by whoever built them (the row snapshot
or the worker) and are set as plain Content, never markup.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static


def why_text(lines: tuple[str, ...]) -> Content:
    """The score line in bold, then one line per term."""
    if not lines:
        return Content("No score recorded for this entry.")
    head, *terms = lines
    return Content("\n").join(
        [Content.styled(head, "bold"), *(Content("  " + term) for term in terms)]
    )


class WhyScreen(ModalScreen[None]):
    """The ranking of one entry, explained."""

    CSS_PATH = "why.tcss"
    BINDINGS = [  # noqa: RUF012 - Textual's class variable
        Binding("escape,q,W", "dismiss", "Close"),
    ]

    def __init__(self, title: str, lines: tuple[str, ...]) -> None:
        """*title* and *lines* are sanitised already."""
        super().__init__()
        self.entry_title = title
        self.lines = lines

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="why-box") as box:
            box.border_title = "why it ranks here"
            box.border_subtitle = "esc to close"
            yield Static(Content.styled(self.entry_title, "bold $text-accent"), id="why-title")
            yield Static(why_text(self.lines), id="why-lines")

    async def action_dismiss(self, result: None = None) -> None:
        """Close the explanation."""
        self.dismiss(result)
