"""Opening a story's link: the configured ``browser`` command, else the
system default.

Only URLs that passed ``tui.core.urls.safe_web_url`` get here. The command
is split like a shell would but never run through one, and ``{url}`` is
replaced inside single arguments, so a URL cannot add arguments or
commands. Called from a worker thread: starting a browser can be slow.
"""

from __future__ import annotations

import shlex
import subprocess
import webbrowser
from collections.abc import Callable

Opener = Callable[[str, str], None]


class BrowserError(Exception):
    """The link could not be handed to a browser; the message says why."""


def browser_argv(command: str, url: str) -> list[str]:
    """The argument vector for *command* with *url* put in place of
    ``{url}`` (or added at the end when the command has no placeholder)."""
    try:
        parts = shlex.split(command)
    except ValueError as error:
        raise BrowserError(f"the browser setting cannot be read: {error}") from None
    if not parts:
        raise BrowserError("the browser setting is empty")
    if any("{url}" in part for part in parts):
        return [part.replace("{url}", url) for part in parts]
    return [*parts, url]


def open_in_browser(url: str, command: str) -> None:
    """Open *url* with *command* (config ``browser``) or the system default."""
    if command.strip():
        argv = browser_argv(command, url)
        try:
            subprocess.Popen(
                argv,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                start_new_session=True,
            )
        except OSError as error:
            raise BrowserError(f"cannot run {argv[0]!r}: {error.strerror}") from None
        return
    if not webbrowser.open(url, new=2):
        raise BrowserError("no web browser found; set browser in feeds.toml [settings]")
