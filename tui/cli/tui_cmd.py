"""``digest`` with no command: open the reader.

``digest --demo`` opens the bundled demo digest in a temporary store that
is deleted on exit; otherwise the user's config and store are used, and a
first refresh starts once the stored stories are on screen.
"""

from __future__ import annotations

import argparse
import sys
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING

from tui.cli.common import CliError, get_config, open_store
from tui.core.config import Config

if TYPE_CHECKING:
    from tui.core.store import Store


def run(args: argparse.Namespace) -> int:
    """Start the Textual app; returns the exit code."""
    if getattr(args, "demo", False):
        return _run_demo()
    config = get_config(args, required=False)
    keys = _checked_keys(config)
    store = open_while_importing(lambda: open_store(args, config))
    try:
        from tui.app.app import DigestApp

        app = DigestApp(store, config, refresh_on_start=bool(config.feeds), keys=keys)
        app.run()
    finally:
        store.close()
    return app.return_code or 0


def open_while_importing(open_store: Callable[[], Store]) -> Store:
    """Call *open_store* in a thread while this thread imports the app;
    its result, or its exception, as if it had been called here.

    Opening the store checks the whole file once a day (SQLite's
    ``quick_check``: 0.6 s of CPU for 30,000 stories with their digest and
    metric history, and it grows with the store), and SQLite lets go of
    the GIL while it reads pages, so with a second core the check costs
    nothing beside the app's imports (Textual's alone take about 0.2 s),
    and the other opens migrate and go. The first paint comes that much
    sooner; with one core it comes no later. ``bench/startup.py`` starts
    the app this same way.
    """
    # Imported here first, so that the two threads never import one module at once.
    import tui.core.store

    outcome: list[tuple[Store | None, BaseException | None]] = []

    def target() -> None:
        try:
            outcome.append((open_store(), None))
        except BaseException as error:  # re-raised in the caller's thread
            outcome.append((None, error))

    opener = threading.Thread(target=target, name="open-store", daemon=True)
    opener.start()
    import tui.app.app  # noqa: F401 - the imports the check runs beside

    opener.join()
    store, error = outcome[0]
    if error is not None:
        raise error
    assert store is not None
    return store


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
