"""``digest`` with no command: open the reader.

``digest --demo`` opens the bundled demo digest in a temporary store that
is deleted on exit; otherwise the user's config and store are used, and a
first refresh starts once the stored stories are on screen.
"""

from __future__ import annotations

import argparse
import sys

from tui.cli.common import CliError, get_config, open_store
from tui.core.config import Config


def run(args: argparse.Namespace) -> int:
    """Start the Textual app; returns the exit code."""
    if getattr(args, "demo", False):
        return _run_demo()
    config = get_config(args, required=False)
    keys = _checked_keys(config)
    store = open_store(args, config)
    try:
        from tui.app.app import DigestApp

        app = DigestApp(store, config, refresh_on_start=bool(config.feeds), keys=keys)
        app.run()
    finally:
        store.close()
    return app.return_code or 0


def _checked_keys(config: Config) -> dict[str, tuple[str, ...]] | None:
    """The config's ``[keys]`` overrides, checked against the reader's
    actions (unknown action, clashing key: exit code 2, like any config
    error)."""
    keys = dict(config.extra.get("keys") or {})
    if not keys:
        return None
    from tui.app.keymap import default_keys
    from tui.core.keys import check_bindings

    errors = check_bindings(keys, default_keys())
    if errors:
        where = f"{config.path}: " if config.path else ""
        raise CliError("\n".join(where + error for error in errors), exit_code=2)
    return keys


def _run_demo() -> int:
    from tui.demo import DemoError, open_demo

    if sys.stderr.isatty():
        print("digest: loading the demo digest…", file=sys.stderr, flush=True)
    try:
        with open_demo() as demo:
            from tui.app.app import DigestApp

            app = DigestApp(demo.store, demo.config, demo=True)
            app.run()
    except DemoError as error:
        raise CliError(str(error)) from None
    return app.return_code or 0
