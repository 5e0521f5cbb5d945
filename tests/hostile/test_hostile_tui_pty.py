"""The reader itself, in a real pseudo-terminal, on the ANSI and markup feeds.

``digest`` (the installed console script) runs on a pty with
TERM=xterm-256color and a fixed size, over file:// copies of the hostile
feeds written to this test's folder. The test reads the terminal's byte
stream, opens every story (``n`` until "No more unread stories."), clicks
the titles that carry ``[@click=…]`` markup, and finally presses ``q``.

Textual draws with its own CSI/OSC sequences, so the checks look for the
*feeds'* payloads: each escape sequence a feed carries, with the text next
to it, must not reach the stream as a sequence, while the same text must be
visible with its escape character removed. C1 and bidi characters must not
appear at all. The markup titles must show literally, clicking them must
run nothing (no screenshot file, no quit), and the app must still be
running when ``q`` is pressed. Synchronisation is by polling the stream
for expected text, never by sleeping.
"""

from __future__ import annotations

import fcntl
import os
import re
import select
import shutil
import struct
import subprocess
import sys
import termios
import time
from pathlib import Path

import pytest

from tests.hostile.helpers import assert_terminal_safe

ROWS, COLUMNS = 70, 200
FEEDS = (
    "ansi_raw_c0.rss",
    "ansi_c1_bidi.rss",
    "ansi_html_charref.rss",
    "ansi_atom_charref.atom",
    "markup_injection.rss",
    "dates_weird.rss",
)
# Text from each story's body, as it must be visible once the story is open.
BODY_MARKERS = {
    "c0-1": "pwned-title done",
    "c0-2": "query-title [21t",
    "c0-3": "cursor hide [?25l",
    "c1-1": "8-bit CSI clear 2J",
    "c1-2": "body-c1-2 end",
    "cr-1": "]0;t after",
    "urn:e1": "]0;atom-title",
    **{f"m-{n}": f"body-m-{n} end" for n in range(1, 11) if n != 9},
    "m-9": "not heading",
    **{f"d-{n}": f"body-d-{n} end" for n in range(1, 8)},
}
# Titles that must be visible exactly so: escapes removed, markup literal.
VISIBLE_TITLES = (
    "Red [31mALERT[0m clear[2J[H",
    "overwrite innocent EVIL backspace xxOK",
    "C1 CSI 31mred0m and OSC 0;c1-title",
    "invoice_txt.exe and zerowidthisolate",
    "[@click=app.quit]Click to read more[/]",
    "[link=file:///etc/passwd]innocent link[/link]",
    "[bold red]SHOUTING[/] and [reverse]inverted",
    "unbalanced [/] close and [/bold] and trailing backslash \\",
)
# Each payload as it would appear in the stream had the sanitiser let it
# through (with the feed text around it, so Textual's own sequences never
# match).
PAYLOADS = (
    b"\x1b[31mALERT",
    b"clear\x1b[2J",
    b"\x1b]0;pwned-title",
    b"pwned-title\x07",
    b"\x1b]8;;https://evil.invalid/",
    b"\x1b]52;c;ZWNobyBwd25lZA==",
    b"\x1b[21t",
    b"hide \x1b[?25l",
    b"innocent\rEVIL",
    b"xx\x08",
    b"\x1b[31mRED",
    b"\x1b]0;t",
    b"\x1b[5mBLINK",
    b"\x1b]0;atom-title",
    b"\x1b[31mred",
)
# Title text to click → the story's body marker (a click opens the story).
CLICKED = {
    "[@click=app.screenshot(": "body-m-4 end",
    "[@click=app.quit]": "body-m-2 end",
    "[@click=app.simulate_key('q')]": "body-m-5 end",
    "[@click]crash[/]": "body-m-6 end",
}
_SEQUENCE = re.compile(
    rb"\x1b\[[0-?]*[ -/]*[@-~]"  # CSI
    rb"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)"  # OSC
    rb"|\x1b[P^_X][^\x1b]*\x1b\\"  # DCS, PM, APC, SOS
    rb"|\x1b[@-Z\\-_]|\x1b[()][0-9A-Za-z]|\x1b[=>78]"
)
_CUP = re.compile(rb"\x1b\[(\d+);(\d+)H")


def visible(stream: bytes) -> str:
    """The text of *stream* with every escape sequence removed."""
    return _SEQUENCE.sub(b"", stream).decode("utf-8", "replace")


class Terminal:
    """``digest`` on a pseudo-terminal whose output we keep."""

    def __init__(self, argv: list[str], cwd: Path) -> None:
        master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", ROWS, COLUMNS, 0, 0))
        env = {k: v for k, v in os.environ.items() if not k.startswith(("NO_COLOR", "TEXTUAL"))}
        env.update(TERM="xterm-256color", COLUMNS=str(COLUMNS), LINES=str(ROWS), LANG="C.UTF-8")
        self.process = subprocess.Popen(
            argv, stdin=slave, stdout=slave, stderr=slave, cwd=cwd, env=env, start_new_session=True
        )
        os.close(slave)
        self.fd = master
        self.stream = b""

    def pump(self, timeout: float) -> bool:
        """Read what is there (waiting up to *timeout*); False at EOF."""
        ready, _, _ = select.select([self.fd], [], [], timeout)
        if not ready:
            return True
        try:
            data = os.read(self.fd, 1 << 16)
        except OSError:
            return False
        self.stream += data
        return bool(data)

    def wait_for(self, predicate, timeout: float = 20) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if predicate(self.text):
                return True
            if not self.pump(0.1) or self.process.poll() is not None:
                self.pump(0)
                return predicate(self.text)
        return predicate(self.text)

    def wait_for_output(self, timeout: float = 5) -> None:
        """Until the app has drawn something more."""
        size = len(self.stream)
        self.wait_for(lambda _: len(self.stream) > size, timeout)

    @property
    def text(self) -> str:
        return visible(self.stream)

    def send(self, data: bytes) -> None:
        os.write(self.fd, data)

    def click_on(self, text: str) -> bool:
        """Click the middle of the last place *text* was drawn."""
        raw = text.encode()
        at = self.stream.rfind(raw)
        if at < 0:
            return False
        moves = list(_CUP.finditer(self.stream, 0, at))
        if not moves:
            return False
        move = moves[-1]
        before = visible(self.stream[move.end() : at])
        x = int(move.group(2)) + len(before) + min(len(text) // 2, 8)
        y = int(move.group(1))
        self.send(f"\x1b[<0;{x};{y}M\x1b[<0;{x};{y}m".encode())
        return True

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)
        os.close(self.fd)


def prepare(hostile: Path, folder: Path) -> tuple[Path, Path]:
    """file:// copies of the feeds (each "body" made unique, so that opening
    a story is observable; the screenshot target moved into *folder*) and a
    feeds.toml naming them."""
    canary = folder / "digest-canary"
    canary.mkdir()
    lines = []
    for name in FEEDS:
        text = (hostile / "feeds" / name).read_text("utf-8")
        text = text.replace("/tmp/digest-canary", str(canary))
        text = re.sub(
            r"<description>body</description>(.*?<guid[^>]*>)([^<]+)</guid>",
            lambda m: (
                f"<description>body-{m.group(2)} end</description>{m.group(1)}{m.group(2)}</guid>"
            ),
            text,
        )
        copy = folder / name
        copy.write_text(text, "utf-8")
        lines.append(f'[[feeds]]\nurl = "{copy.as_uri()}"\n')
    config = folder / "feeds.toml"
    config.write_text("\n".join(lines), "utf-8")
    return config, canary


@pytest.fixture
def digest_script() -> str:
    found = shutil.which("digest", path=str(Path(sys.executable).parent)) or shutil.which("digest")
    if not found:
        pytest.skip("the digest console script is not installed")
    return found


def test_no_escape_sequence_from_a_feed_reaches_the_terminal(
    tmp_path: Path, hostile: Path, digest_script: str
) -> None:
    folder = tmp_path / "tui"
    folder.mkdir()
    config, canary = prepare(hostile, folder)
    db = folder / "digest.db"
    paths = ["--config", str(config), "--db", str(db)]
    filled = subprocess.run(
        [digest_script, "refresh", *paths], capture_output=True, text=True, timeout=120
    )
    assert filled.returncode == 0, filled.stderr
    assert f"{len(FEEDS)} ok" in filled.stdout
    files_before = {p.name for p in folder.iterdir()}

    terminal = Terminal([digest_script, *paths], folder)
    try:
        # digest lands on the ranked Today view; the hostile stories are
        # older, so go to All: sidebar (shift+tab), two rows down, open it,
        # back to the story list (tab).
        # Keys only once the sidebar has its sections (its FEEDS heading):
        # filling it earlier would put its cursor back on Today.
        assert terminal.wait_for(lambda text: "ranked" in text and "FEEDS" in text, 60), (
            terminal.text
        )
        terminal.send(b"\x1b[Z\x1b[B\x1b[B\r\t")
        assert terminal.wait_for(lambda text: "by feed" in text, 30), terminal.text
        shown = terminal.wait_for(lambda text: all(t in text for t in VISIBLE_TITLES), 60)
        assert shown, [t for t in VISIBLE_TITLES if t not in terminal.text]

        for title, body in CLICKED.items():  # markup would make these actions on click
            assert terminal.click_on(title), title
            assert terminal.wait_for(lambda text, body=body: body in text), title
            assert terminal.process.poll() is None, f"the app exited after clicking {title!r}"

        # From the top: open the first story, then each next one. (Not "n":
        # opening a story reads its copies in other feeds, which "n" skips.)
        terminal.send(b"g")
        terminal.wait_for_output()
        seen: set[str] = set()
        for key in [b"\r"] + [b"j\r"] * (len(BODY_MARKERS) + 5):
            before = {k for k, m in BODY_MARKERS.items() if m in terminal.text}
            terminal.send(key)
            terminal.wait_for(  # until the reader shows another story
                lambda text, before=frozenset(before): (
                    {k for k, m in BODY_MARKERS.items() if m in text} != before
                ),
                20,
            )
            seen |= {k for k, m in BODY_MARKERS.items() if m in terminal.text}
            if len(seen) == len(BODY_MARKERS):
                break
        missing = {k: m for k, m in BODY_MARKERS.items() if m not in terminal.text}
        assert not missing, f"stories never shown: {missing}"

        assert terminal.process.poll() is None, "the app quit before q was pressed"
        # q goes back (search, list, open story) and then quits.
        for _ in range(5):
            size = len(terminal.stream)
            terminal.send(b"q")
            terminal.wait_for(
                lambda _, size=size: (
                    terminal.process.poll() is not None or len(terminal.stream) > size
                ),
                10,
            )
            if terminal.process.poll() is not None:
                break
        assert terminal.process.wait(timeout=10) == 0
        terminal.pump(0)
    finally:
        terminal.close()

    stream = terminal.stream
    for payload in PAYLOADS:
        assert payload not in stream, payload
    c1 = re.findall(rb"\xc2[\x80-\x9f]", stream)  # U+0080-U+009F, UTF-8 encoded
    assert not c1, c1[:5]
    bidi = re.findall(rb"\xe2\x80[\x8b\x8e\x8f\xaa-\xae]|\xe2\x81[\xa6-\xa9]", stream)
    assert not bidi, bidi[:5]
    # Textual's own OSC use is the pointer shape (22) and, for web links,
    # hyperlinks (8) whose targets passed the URL policy; nothing sets the
    # window title (0/2) or writes the clipboard (52).
    assert set(re.findall(rb"\x1b\](\d+)", stream)) <= {b"8", b"22"}
    for target in re.findall(rb"\x1b\]8;[^;\x07\x1b]*;([^\x07\x1b]*)", stream):
        assert target == b"" or re.match(rb"https?://", target), target
    assert b"\x1b[2J" not in stream  # only the feed ever asked to clear the screen
    text = visible(stream)
    for title in VISIBLE_TITLES:
        assert title in text
    assert_terminal_safe(text.replace("\r", ""))

    # No action ran: no screenshot in the canary folder or the working
    # directory, no file created beside the store.
    assert list(canary.iterdir()) == []
    created = {p.name for p in folder.iterdir()} - files_before
    assert created <= {"digest.db-wal", "digest.db-shm"}, created
