"""The command palette's provider: every action of the keymap by name.

Textual's own provider (themes, quit, screenshots) stays beside it, so a
theme can be chosen in the palette and is then remembered by the app.
"""

from __future__ import annotations

from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider

from tui.app.keymap import ACTIONS, Keymap, resolve


class DigestCommands(Provider):
    """Run any reader action from the palette (ctrl+p)."""

    def _commands(self) -> list[tuple[str, str, str]]:
        keymap = getattr(self.app, "keymap", None)
        if not isinstance(keymap, Keymap):
            keymap = resolve()
        return [
            (action.description, action.target, f"key: {keymap.display(action.id)}")
            for action in ACTIONS
            if action.id != "command_palette"
        ]

    async def discover(self) -> Hits:
        """Every action, for the palette's empty search."""
        for name, action, help_text in self._commands():
            yield DiscoveryHit(name, partial(self.screen.run_action, action), help=help_text)

    async def search(self, query: str) -> Hits:
        """Actions whose description matches *query*."""
        matcher = self.matcher(query)
        for name, action, help_text in self._commands():
            score = matcher.match(name)
            if score > 0:
                yield Hit(
                    score,
                    matcher.highlight(name),
                    partial(self.screen.run_action, action),
                    help=help_text,
                )
