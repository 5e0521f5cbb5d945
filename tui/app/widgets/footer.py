"""Textual's Footer, recomposed only when what it shows changes.

Textual's Footer rebuilds all its keys (a widget each) every time the
screen's bindings are updated, which happens on every focus change, and
each new key restyles itself twice as it mounts (its ``compact`` default
adds a class that the footer's binding removes again). At start-up that
was three rebuilds of eleven keys and 63 restyles; with this footer it is
one rebuild, and the main thread's CPU time from ``App.run`` to the first
frame with stories fell from 225-265 ms to about 197 ms (median of 12
runs each, 30,000 stories, 160x48). This footer draws exactly the same
keys; it skips a rebuild when the keys it would show are the ones
already asked for, and gives each key its footer's ``compact`` before it
mounts.

What this relies on inside Textual (checked against Textual 8.2; every
point is pinned by ``tests/ui/test_footer.py``, which fails if it changes):

- ``Footer.compose`` reads only the screen's ``active_bindings``, the
  footer's ``compact`` and ``show_command_palette``, and the app's
  ``COMMAND_PALETTE_BINDING``, ``ENABLE_COMMAND_PALETTE`` and
  ``get_key_display``: so equal :meth:`DigestFooter._keys` mean an equal
  footer, and a skipped rebuild can never leave stale keys.
- ``Footer.bindings_changed`` is what the screen's bindings signal calls;
  it sets ``_bindings_ready`` and schedules ``recompose`` after a refresh.
- ``FooterKey.compact`` is a reactive, and ``data_bind`` records the
  binding in the private ``_reactive_connect`` before the key mounts.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.widgets import Footer
from textual.widgets._footer import FooterKey

if TYPE_CHECKING:
    from textual.app import ComposeResult
    from textual.screen import Screen


class DigestFooter(Footer):
    """The key bindings, as Textual's Footer shows them."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._wanted: tuple[object, ...] | None = None  # the keys last asked to be shown

    def _keys(self, screen: Screen) -> tuple[object, ...]:
        """Everything Footer.compose reads to draw the keys."""
        palette = self.app.COMMAND_PALETTE_BINDING
        shown = tuple(
            (key, binding, enabled, tooltip)
            for key, (_, binding, enabled, tooltip) in screen.active_bindings.items()
            if binding.show or key == palette
        )
        return (shown, self.compact, self.show_command_palette, self.app.ENABLE_COMMAND_PALETTE)

    def compose(self) -> ComposeResult:
        """Footer's keys, each given the footer's ``compact`` before it mounts."""
        for widget in super().compose():
            # Keys bound to the footer's compact (all but the command
            # palette's) take it now rather than restyling twice as they mount.
            if isinstance(widget, FooterKey) and "compact" in (widget._reactive_connect or ()):
                widget.set_reactive(FooterKey.compact, self.compact)
            yield widget

    def bindings_changed(self, screen: Screen) -> None:
        """Rebuild only when the keys to show differ from those last asked
        for (a rebuild reads the bindings as they are when it runs)."""
        if screen.app.app_focus and self.is_attached and screen is self.screen:
            keys = self._keys(screen)
            if self._bindings_ready and keys == self._wanted:
                return
            self._wanted = keys
        super().bindings_changed(screen)
