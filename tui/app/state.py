"""What the reader remembers between runs: the theme the user chose.

A small JSON file in the user data dir, written atomically from a worker.
The config's ``theme`` is the default; a theme picked in the palette wins
until the user changes ``theme`` in the config again (we remember which
config theme the choice was made over, so editing the config is never
silently ignored).
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Collection
from dataclasses import asdict, dataclass
from pathlib import Path

from tui.core.paths import data_dir

STATE_NAME = "ui-state.json"


@dataclass(frozen=True, slots=True)
class UiState:
    """The remembered choices. ``config_theme`` is the config's theme at
    the time ``theme`` was chosen."""

    theme: str | None = None
    config_theme: str | None = None


def state_path() -> Path:
    """Where the state file lives."""
    return data_dir() / STATE_NAME


def load_state(path: Path | None = None) -> UiState:
    """The remembered state; a missing or unreadable file is no state."""
    path = path or state_path()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return UiState()
    if not isinstance(data, dict):
        return UiState()
    theme, config_theme = data.get("theme"), data.get("config_theme")
    return UiState(
        theme if isinstance(theme, str) else None,
        config_theme if isinstance(config_theme, str) else None,
    )


def save_state(state: UiState, path: Path | None = None) -> None:
    """Write *state* atomically (a crash never leaves half a file)."""
    path = path or state_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".ui-state-", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(asdict(state), handle)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def choose_theme(config_theme: str, state: UiState, available: Collection[str]) -> str:
    """The theme to start with: the remembered one while the config still
    says what it said when it was chosen, else the config's, else Textual's
    default dark theme."""
    if state.theme in available and state.config_theme == config_theme:
        return state.theme
    if config_theme in available:
        return config_theme
    return "textual-dark"
