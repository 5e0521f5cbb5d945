"""What every subcommand needs: load the config, open the store, report
errors as one clean line on stderr."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from tui.core.config import Config, ConfigError, find_config, load_config
from tui.core.sanitize import one_line

FIRST_RUN_HELP = (
    "no feeds configured: add one with 'digest add URL', or to feeds.toml, for example\n\n"
    '[[feeds]]\nurl = "https://example.com/feed.xml"\n\n'
    "('digest config --path' says which feeds.toml is in force)"
)


class CliError(Exception):
    """An error the user caused or can fix; printed as one line, no traceback."""

    def __init__(self, message: str, exit_code: int = 1) -> None:
        super().__init__(message)
        self.exit_code = exit_code


def print_error(message: str) -> None:
    """Print *message* on stderr as ``digest: message``, sanitised, since it
    may quote a feed title or a config value."""
    for line in message.splitlines() or [""]:
        print(f"digest: {one_line(line)}", file=sys.stderr)


def warn(message: str) -> None:
    """Print a warning on stderr, sanitised."""
    print(f"digest: warning: {one_line(message)}", file=sys.stderr)


def config_path(args: argparse.Namespace) -> Path | None:
    """The config file in force for these arguments (see :func:`find_config`)."""
    return find_config(getattr(args, "config", None), os.environ, Path.cwd())


def get_config(args: argparse.Namespace, *, required: bool = True) -> Config:
    """Load and validate the config, printing warnings; a broken config is a
    :class:`CliError` with exit code 2.

    When no config file exists anywhere and *required* is False, the
    defaults (no feeds) are returned so that read-only commands still work
    on an existing store.
    """
    path = config_path(args)
    if path is None:
        if required:
            raise CliError(
                "no feeds.toml found: create one (see 'digest config --path' for where "
                "digest looks) or pass --config PATH",
                exit_code=2,
            )
        return Config()
    try:
        config = load_config(path)
    except ConfigError as error:
        raise CliError(str(error), exit_code=2) from None
    for message in config.warnings:
        warn(message)
    return config


def db_path(args: argparse.Namespace) -> Path:
    """The store to use: ``--db``, ``$DIGEST_DB``, else the user data dir."""
    from tui.core.paths import default_db_path

    explicit = getattr(args, "db", None) or os.environ.get("DIGEST_DB")
    return Path(explicit).expanduser() if explicit else default_db_path()


def open_store(args: argparse.Namespace, config: Config | None = None):  # noqa: ANN201
    """Open the store for these arguments and bring its feeds in line with
    *config* when one is given. Store errors become :class:`CliError`."""
    from tui.core.store import Store, StoreError

    try:
        store = Store.open(db_path(args))
        if config is not None:
            store.sync_feeds(config.feeds)
    except StoreError as error:
        raise CliError(str(error)) from None
    return store
