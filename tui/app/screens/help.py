"""The help screen: every key, generated from the keymap, so it can never
disagree with the bindings."""

from __future__ import annotations

from itertools import groupby

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static

from tui.app.keymap import ACTIONS, Keymap


def help_text(keymap: Keymap) -> Content:
    """The keys table as text, grouped as the keymap groups them."""
    width = max(len(keymap.display(action.id)) for action in ACTIONS) + 2
    parts: list[Content] = []
    for group, actions in groupby(ACTIONS, key=lambda action: action.group):
        parts.append(Content.styled(f"{group}\n", "bold $text-accent"))
        for action in actions:
            keys = keymap.display(action.id)
            parts.append(
                Content.assemble((f"  {keys:<{width}}", "bold"), f"{action.description}\n")
            )
        parts.append(Content("\n"))
    parts.append(
        Content.styled(
            "The mouse works too: click a section, a story or a figure. "
            "ctrl+p lists every action by name, and Textual's themes.",
            "$text-muted",
        )
    )
    return Content("").join(parts)


class HelpScreen(ModalScreen[None]):
    """Keys and what they do."""

    CSS_PATH = "help.tcss"
    BINDINGS = [  # noqa: RUF012 - Textual's class variable
        Binding("escape,q,question_mark", "dismiss", "Close help"),
    ]

    def __init__(self, keymap: Keymap) -> None:
        super().__init__()
        self.keymap = keymap

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-box") as box:
            box.border_title = "digest keys"
            box.border_subtitle = "esc or ? to close"
            yield Static(help_text(self.keymap), id="help-text")

    async def action_dismiss(self, result: None = None) -> None:
        """Close the help."""
        self.dismiss(result)
