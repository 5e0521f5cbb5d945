"""End to end: the installed ``digest --demo`` in a real terminal (tmux),
driven with send-keys and read back with capture-pane.

Waiting is done by polling the screen for the text we expect, with a
deadline; nothing sleeps a fixed time to synchronise.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

TMUX = shutil.which("tmux")
pytestmark = pytest.mark.skipif(TMUX is None, reason="tmux is not installed (CI installs it)")


def digest_command() -> str:
    """The installed console script, from PATH or beside this Python."""
    found = shutil.which("digest") or str(Path(sys.executable).parent / "digest")
    if not Path(found).exists():
        pytest.skip("the digest console script is not installed (run `uv sync`)")
    return found


class Terminal:
    """One tmux server of its own (so it inherits this test's environment)
    with one 120×36 window."""

    def __init__(self, home: Path) -> None:
        self.socket = f"digest-e2e-{os.getpid()}-{time.monotonic_ns()}"
        self.home = home

    def tmux(self, *args: str) -> str:
        # os.environ, passed explicitly: under pytest, readline has put
        # COLUMNS=80 and LINES=24 into the C-level environment (not into
        # os.environ), and the app in tmux would believe them.
        env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES")}
        return subprocess.run(
            [TMUX, "-L", self.socket, *args], check=True, capture_output=True, text=True, env=env
        ).stdout

    def start(self, command: str) -> None:
        self.tmux(
            "new-session",
            "-d",
            "-x",
            "120",
            "-y",
            "36",
            "-s",
            "e2e",
            f"sh -c {shlex.quote(command + '; echo digest-exited=$?; sleep 600')}",
        )

    def screen(self) -> str:
        return self.tmux("capture-pane", "-p", "-t", "e2e")

    def keys(self, *keys: str) -> None:
        for key in keys:
            self.tmux("send-keys", "-t", "e2e", key)

    def wait_for(self, text: str, timeout: float = 60.0) -> str:
        deadline = time.monotonic() + timeout
        screen = ""
        while time.monotonic() < deadline:
            screen = self.screen()
            if text in screen:
                return screen
            time.sleep(0.05)  # the polling interval of the deadline loop
        raise AssertionError(
            f"{text!r} did not appear within {timeout} s; the screen was:\n{screen}"
        )

    def wait_gone(self, text: str, timeout: float = 60.0) -> str:
        deadline = time.monotonic() + timeout
        screen = ""
        while time.monotonic() < deadline:
            screen = self.screen()
            if text not in screen:
                return screen
            time.sleep(0.05)  # the polling interval of the deadline loop
        raise AssertionError(f"{text!r} was still there after {timeout} s:\n{screen}")

    def close(self) -> None:
        subprocess.run([TMUX, "-L", self.socket, "kill-server"], capture_output=True)


@pytest.fixture
def terminal(isolated_home):
    term = Terminal(isolated_home)
    yield term
    term.close()


def test_demo_in_a_real_terminal(terminal, isolated_home):
    env = " ".join(
        f"{name}={shlex.quote(os.environ[name])}"
        for name in ("HOME", "XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME")
    )
    terminal.start(
        f"cd {shlex.quote(str(isolated_home))} && env {env} TERM=xterm-256color {digest_command()} --demo"
    )

    # It lands on the ranked Today digest: the HarmonyOS milestone, carried
    # by three feeds, is one row at the top.
    terminal.wait_for("Today  12 entries  ranked")
    screen = terminal.wait_for("HarmonyOS reaches 27 million")
    assert "×3" in screen  # three feeds carry it
    terminal.wait_for("Eastbound Tech")  # the sidebar: at 120 columns every pane shows
    terminal.wait_for("Open a story to see its figures")

    # W says why it ranks first.
    terminal.keys("W")
    terminal.wait_for("3 feeds carry it")
    terminal.keys("q")
    terminal.wait_gone("why it ranks here")

    # Search the demo for the developers milestone and open it.
    terminal.keys("/")
    terminal.wait_for("Search every story")
    terminal.keys("native apps", "Enter")
    terminal.wait_for("search: native apps")
    terminal.keys("Enter")
    terminal.wait_for("3 sources")  # every feed that carries it, above the story
    terminal.wait_for("27.1M (Pocket Signal)")  # the value the sources disagree on
    terminal.wait_for("HarmonyOS · users · 27M")  # the metric's history in the panel
    terminal.keys("Space")  # page the reader down to the story itself
    terminal.wait_for("also said more than 10 million")

    # v lists the same view by feed: every copy is there, read.
    terminal.keys("v")
    terminal.wait_for("by feed")

    # Help lists the keys; q closes it.
    terminal.keys("?")
    terminal.wait_for("Mark every story in view read")
    terminal.keys("q")
    terminal.wait_for("search: native apps")

    # q closes the story, q again quits cleanly.
    terminal.keys("q")
    terminal.wait_for("No story open")
    terminal.keys("q")
    terminal.wait_for("digest-exited=0")

    # The demo never wrote the user's store.
    assert not (isolated_home / ".local/share/digest/digest.db").exists()
