"""The help screen: every key, generated from the keymap, so it can never
disagree with the bindings.

The keys in force are shown (the defaults with the ``[keys]`` overrides of
feeds.toml applied). On a wide terminal the groups are set in two columns
so that every key fits on one screen; on a narrow one they stack.
"""

from __future__ import annotations

from itertools import groupby

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static

from tui.app.keymap import ACTIONS, Action, Keymap

TIP = (
    "The mouse works too: click a section, a story or a figure. "
    "ctrl+p lists every action by name, and Textual's themes."
)

Group = tuple[str, list[Action]]


def groups() -> list[Group]:
    """The keymap's groups, in order, with their actions."""
    return [(name, list(actions)) for name, actions in groupby(ACTIONS, key=lambda a: a.group)]


def _key_width(keymap: Keymap) -> int:
    return max(len(keymap.display(action.id)) for action in ACTIONS) + 2


def groups_text(keymap: Keymap, chosen: list[Group]) -> Content:
    """The keys table of *chosen* groups, keys aligned for all groups."""
    width = _key_width(keymap)
    lines: list[Content] = []
    for number, (group, actions) in enumerate(chosen):
        if number:
            lines.append(Content(""))
        lines.append(Content.styled(group, "bold $text-accent"))
        for action in actions:
            keys = keymap.display(action.id)
            lines.append(Content.assemble((f"  {keys:<{width}}", "bold"), action.description))
    return Content("\n").join(lines)


def help_text(keymap: Keymap) -> Content:
    """The keys table as text, grouped as the keymap groups them."""
    tip = Content.styled(TIP, "$text-muted")
    return Content("\n\n").join([groups_text(keymap, groups()), tip])


def split_groups(all_groups: list[Group]) -> tuple[list[Group], list[Group]]:
    """The groups cut in two, in order, where the taller half is shortest."""

    def lines(part: list[Group]) -> int:
        return sum(len(actions) + 2 for _, actions in part)

    cut = min(
        range(1, len(all_groups)),
        key=lambda at: max(lines(all_groups[:at]), lines(all_groups[at:])),
        default=len(all_groups),
    )
    return all_groups[:cut], all_groups[cut:]


class HelpScreen(ModalScreen[None]):
    """Keys and what they do."""

    CSS_PATH = "help.tcss"
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (112, "-wide")]  # noqa: RUF012
    BINDINGS = [  # noqa: RUF012 - Textual's class variable
        Binding("escape,q,question_mark", "dismiss", "Close help"),
    ]

    def __init__(self, keymap: Keymap) -> None:
        super().__init__()
        self.keymap = keymap

    def compose(self) -> ComposeResult:
        left, right = split_groups(groups())
        with VerticalScroll(id="help-box") as box:
            box.border_title = "digest keys"
            box.border_subtitle = "esc or ? to close"
            with Horizontal(id="help-columns"):
                yield Static(groups_text(self.keymap, left), id="help-left", classes="help-column")
                yield Static(
                    groups_text(self.keymap, right), id="help-right", classes="help-column"
                )
            yield Static(Content.styled(TIP, "$text-muted"), id="help-tip")

    async def action_dismiss(self, result: None = None) -> None:
        """Close the help."""
        self.dismiss(result)
