"""The digest app: wires the store, the config and the main screen.

Screens live in ``screens/``, widgets in ``widgets/``; this module only
holds what is app-wide: the clock (injectable, so ages are stable in
tests), the keymap, the link opener, and the remembered theme.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, datetime
from pathlib import Path

from textual import work
from textual.app import App
from textual.theme import Theme

from tui.app.browser import Opener, open_in_browser
from tui.app.commands import DigestCommands
from tui.app.keymap import resolve
from tui.app.screens.main import MainScreen
from tui.app.state import UiState, choose_theme, load_state, save_state
from tui.core.config import Config
from tui.core.store import Store


class DigestApp(App[None]):
    """The terminal news-digest reader."""

    TITLE = "digest"
    # The main screen's styles. Read with the app's own, they are parsed
    # with it at start-up; as the screen's CSS_PATH, mounting the screen
    # parsed every source once more (Textual reparses the whole sheet when
    # a screen brings new CSS): one parse fewer of 32 rule sets, ~10 ms.
    # Absolute: Textual resolves a relative path beside the module of the
    # instance's class, which for a subclass (tests, the bench) is elsewhere.
    CSS_PATH = Path(__file__).parent / "screens" / "main.tcss"
    MODES = {"main": MainScreen}  # noqa: RUF012 - Textual's class variable
    DEFAULT_MODE = "main"
    COMMANDS = App.COMMANDS | {DigestCommands}

    def __init__(
        self,
        store: Store,
        config: Config,
        *,
        now: Callable[[], datetime] | None = None,
        refresh_on_start: bool = False,
        demo: bool = False,
        keys: Mapping[str, str | Iterable[str]] | None = None,
        opener: Opener | None = None,
        theme: str | None = None,
        state_path: Path | None = None,
        section: str | None = None,
    ) -> None:
        """*now* fixes the clock (tests, screenshots); *keys* overrides the
        keymap (action id → keys); *opener* replaces the browser launcher;
        *theme* overrides both the config and the remembered theme;
        *section* is the sidebar section to start in (default: the ranked
        Today digest, or All while the store has no stories)."""
        super().__init__()
        self.start_section = section
        self.store = store
        self.config = config
        self.demo = demo
        self.refresh_on_start = refresh_on_start
        self.opener: Opener = opener if opener is not None else open_in_browser
        self.keymap = resolve(keys)
        self._clock = now
        self._state_path = state_path
        self.ui_state = load_state(state_path)
        self.theme = theme or choose_theme(
            config.settings.theme, self.ui_state, self.available_themes
        )
        self._remembered = self.theme
        self.set_keymap(self.keymap.overrides())

    def now(self) -> datetime:
        """The current time (fixed when the app was given a clock)."""
        return self._clock() if self._clock else datetime.now(UTC)

    def on_mount(self) -> None:
        """Remember themes the user picks from now on."""
        self.theme_changed_signal.subscribe(self, self._theme_changed)

    def first_page_shown(self) -> None:
        """Called once the first stories are on screen: start-up work that
        could wait (the first refresh: due feeds only) starts here."""
        if self.refresh_on_start and isinstance(self.screen, MainScreen):
            self.screen.start_refresh(None, "due feeds", due_only=True)
        self._warm_up()

    @work(thread=True, name="warm-up", group="warm-up", exit_on_error=False)
    def _warm_up(self) -> None:
        """Import what opening the first story needs (the Markdown widget,
        the figures panel's DataTable) while the user reads the list, so
        that opening it is not slowed by the imports that start-up skipped."""
        import textual.widgets._data_table  # noqa: F401

        import tui.app.widgets.figure_markdown  # noqa: F401

    def _theme_changed(self, theme: Theme) -> None:
        if theme.name != self._remembered:
            self._remembered = theme.name
            self._save_theme(UiState(theme.name, self.config.settings.theme))

    @work(thread=True, name="save-theme", group="state", exit_on_error=False)
    def _save_theme(self, state: UiState) -> None:
        save_state(state, self._state_path)
