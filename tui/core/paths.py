"""Where digest keeps things on disk, following the XDG base directories
(through platformdirs, which also gets macOS and Windows right)."""

from __future__ import annotations

from pathlib import Path

from platformdirs import user_config_path, user_data_path

APP_NAME = "digest"
CONFIG_NAME = "feeds.toml"


def config_dir() -> Path:
    """``$XDG_CONFIG_HOME/digest``, usually ``~/.config/digest``."""
    return user_config_path(APP_NAME, appauthor=False)


def data_dir() -> Path:
    """``$XDG_DATA_HOME/digest``, usually ``~/.local/share/digest``."""
    return user_data_path(APP_NAME, appauthor=False)


def default_config_path() -> Path:
    """The per-user feeds.toml, the last place the lookup tries."""
    return config_dir() / CONFIG_NAME


def default_db_path() -> Path:
    """The per-user store."""
    return data_dir() / "digest.db"
