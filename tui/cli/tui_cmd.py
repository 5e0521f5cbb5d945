"""``digest`` with no command: open the reader."""

from __future__ import annotations

import argparse

from tui.cli.common import CliError


def run(args: argparse.Namespace) -> int:
    """Start the Textual app (the TUI is built in tui.app)."""
    raise CliError("the reader is not built yet")
