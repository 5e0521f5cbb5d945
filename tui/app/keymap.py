"""Every action of the reader as data: an id, default keys and a sentence.

The main screen's bindings, the footer, the help screen and the command
palette are all generated from :data:`ACTIONS`, so a key is documented in
exactly one place. Users will be able to rebind keys from feeds.toml
``[keys]`` (a later issue parses that table); :func:`resolve` already takes
such overrides (action id → keys) and rejects unknown actions and clashing
keys with a message that names them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from textual.binding import Binding


class KeymapError(ValueError):
    """An override names an unknown action or gives two actions one key."""


@dataclass(frozen=True, slots=True)
class Action:
    """One thing the user can do.

    ``id`` is the binding id and the name users rebind; ``action`` is the
    Textual action run on the main screen (default: the id); ``label`` is
    the footer's short name, and only actions with one are in the footer
    (the help screen and the palette show everything).
    """

    id: str
    keys: tuple[str, ...]
    description: str
    group: str
    label: str = ""
    action: str = ""

    @property
    def footer(self) -> bool:
        """Actions with a short label are shown in the footer."""
        return bool(self.label)

    @property
    def target(self) -> str:
        """The Textual action string (defaults to the id)."""
        return self.action or self.id


ACTIONS: tuple[Action, ...] = (
    Action("cursor_down", ("j", "down"), "Move down", "Move"),
    Action("cursor_up", ("k", "up"), "Move up", "Move"),
    Action("cursor_top", ("g", "home"), "Go to the first row", "Move"),
    Action("cursor_bottom", ("G", "end"), "Go to the last row", "Move"),
    Action("open", ("enter",), "Open the story or section", "Move", "Open"),
    Action("page_down", ("space",), "Page the reader down", "Move"),
    Action("page_up", ("b",), "Page the reader up", "Move"),
    Action("next_unread", ("n",), "Next unread story", "Move", "Next unread"),
    Action("prev_unread", ("p",), "Previous unread story", "Move"),
    Action("focus_next", ("tab",), "Next pane", "Move"),
    Action("focus_previous", ("shift+tab",), "Previous pane", "Move"),
    Action("next_figure", ("]",), "Next figure in the story", "Figures"),
    Action("prev_figure", ("[",), "Previous figure in the story", "Figures"),
    Action("figure_sentence", ("i",), "Show the sentence a figure comes from", "Figures"),
    Action("open_link", ("o",), "Open the story's link in the browser", "Story", "Browser"),
    Action("toggle_read", ("m",), "Mark read / unread", "Story"),
    Action("mark_all_read", ("A",), "Mark every story in view read", "Story"),
    Action("toggle_star", ("s",), "Star / unstar", "Story", "Star"),
    Action("full_article", ("F",), "Fetch the full article", "Story"),
    Action("copy_link", ("c",), "Copy the story's link", "Story"),
    Action("open_enclosure", ("e",), "Open the attachment (podcast, video)", "Story"),
    Action("share_markdown", ("S",), "Copy the story as Markdown", "Story"),
    Action("save_markdown", ("w",), "Save story as Markdown…", "Story"),
    Action("toggle_view", ("v",), "Ranked digest / list by feed", "View", "Digest/feed"),
    Action("why", ("W",), "Why this entry ranks here", "View", "Why"),
    Action("search", ("/",), "Search every story (full text)", "View", "Search"),
    Action("toggle_unread_only", ("u",), "Show only unread stories / all", "View"),
    Action("toggle_sidebar", ("t",), "Show / hide the sections sidebar", "View"),
    Action("toggle_figures", ("f",), "Show / hide the figures panel", "View"),
    Action("refresh_feed", ("r",), "Refresh the selected feed", "Feeds"),
    Action("refresh_all", ("R",), "Refresh every feed", "Feeds", "Refresh all"),
    Action("add_feed", ("a",), "Add a feed…", "Feeds"),
    Action("feed_info", ("I",), "Show the feed's state and schedule", "Feeds"),
    Action("toggle_feed", ("D",), "Disable / enable the feed", "Feeds"),
    Action("help", ("?",), "Keys and help", "App", "Help"),
    Action(
        "command_palette",
        ("ctrl+p",),
        "Command palette (every action)",
        "App",
        action="app.command_palette",
    ),
    Action("back", ("q", "escape"), "Back / quit", "App", "Back/quit"),
)

BY_ID: dict[str, Action] = {action.id: action for action in ACTIONS}

_DISPLAY = {
    "space": "space",
    "enter": "enter",
    "escape": "esc",
    "shift+tab": "shift+tab",
    "down": "↓",
    "up": "↑",
    "home": "home",
    "end": "end",
}


def default_keys() -> dict[str, tuple[str, ...]]:
    """Action id → default keys: what ``tui.core.keys.check_bindings``
    checks a config's ``[keys]`` table against."""
    return {action.id: action.keys for action in ACTIONS}


def key_display(key: str) -> str:
    """How a key is written in the footer and the help screen."""
    return _DISPLAY.get(key, key)


def _normalise_keys(action_id: str, keys: str | Iterable[str]) -> tuple[str, ...]:
    items = [keys] if isinstance(keys, str) else list(keys)
    result: list[str] = []
    for item in items:
        if not isinstance(item, str):
            raise KeymapError(f"keys.{action_id}: expected key names, got {item!r}")
        for key in item.split(",") if len(item) > 1 else [item]:
            key = key.strip() if len(key) > 1 else key
            if not key:
                raise KeymapError(f"keys.{action_id}: empty key name")
            result.append(key)
    if not result:
        raise KeymapError(f"keys.{action_id}: no keys given")
    return tuple(dict.fromkeys(result))


@dataclass(frozen=True, slots=True)
class Keymap:
    """The keys in force for every action: the defaults with the user's
    overrides applied."""

    keys: Mapping[str, tuple[str, ...]]

    def keys_for(self, action_id: str) -> tuple[str, ...]:
        """The keys bound to *action_id*."""
        return self.keys[action_id]

    def display(self, action_id: str) -> str:
        """The keys of *action_id* as the help screen writes them."""
        return " ".join(key_display(key) for key in self.keys_for(action_id))

    def overrides(self) -> dict[str, str]:
        """The keys that differ from the defaults, in the form Textual's
        ``App.set_keymap`` takes (binding id → comma-separated keys)."""
        return {
            action.id: ",".join(_textual_key(key) for key in self.keys[action.id])
            for action in ACTIONS
            if self.keys[action.id] != action.keys
        }


def _textual_key(key: str) -> str:
    return {",": "comma", " ": "space"}.get(key, key)


def resolve(overrides: Mapping[str, str | Iterable[str]] | None = None) -> Keymap:
    """The keymap with *overrides* (action id → key or keys) applied.

    Raises :class:`KeymapError` for an unknown action id or when two
    actions would share a key, naming both.
    """
    keys = {action.id: action.keys for action in ACTIONS}
    for action_id, value in (overrides or {}).items():
        if action_id not in BY_ID:
            known = ", ".join(sorted(BY_ID))
            raise KeymapError(f"keys.{action_id}: unknown action (known actions: {known})")
        keys[action_id] = _normalise_keys(action_id, value)
    owner: dict[str, str] = {}
    for action in ACTIONS:
        for key in keys[action.id]:
            if key in owner:
                raise KeymapError(
                    f"key {key!r} is bound to both {owner[key]!r} and {action.id!r}; "
                    "give one of them another key"
                )
            owner[key] = action.id
    return Keymap(keys)


def bindings() -> list[Binding]:
    """The main screen's bindings, with default keys and the action ids as
    binding ids (so ``App.set_keymap`` can rebind them)."""
    return [
        Binding(
            ",".join(_textual_key(key) for key in action.keys),
            action.target,
            action.label or action.description,
            show=action.footer,
            key_display=key_display(action.keys[0]),
            id=action.id,
        )
        for action in ACTIONS
    ]
