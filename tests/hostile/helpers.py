"""What the hostile tests share: where ../shared/hostile is, the sandbox
worker that runs ``digest`` under watch, the loopback hostile server, a
"case" (a config, a store with a cached copy of the feed) and the checks
every hostile input must pass.

Nothing from ../shared is copied into the repository: files are read at
test time, and the tests that need them skip when ../shared is absent.
Large inputs (bombs, deep nesting, giant feeds) are generated at test time
into temporary folders by ../shared/hostile/scripts/gen_bombs.py, at a
smaller size than its default where the property tested is the same.
"""

from __future__ import annotations

import json
import os
import re
import selectors
import socket
import sqlite3
import subprocess
import sys
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
SHARED_HOSTILE = REPO.parent / "shared" / "hostile"
WORKER = HERE / "sandbox_worker.py"

# Peak resident memory any one command may reach. digest's modules alone
# take about 110 MB; the largest legitimate case here (a 10 MB feed) about
# 60 MB more. A bomb that expanded would take gigabytes.
MEMORY_CAP_MB = 400
# Peak growth above the worker's resident size for inputs that must be
# stopped at the size cap (bombs, endless streams).
BOMB_GROWTH_MB = 120

# Every byte that a terminal may read as (part of) a command: C0 except tab
# and newline, DEL, C1, bidi embeddings/overrides/isolates, invisible
# zero-width characters. Written out independently of tui.core.sanitize so
# the tests do not trust the code they test.
UNSAFE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200b\u200e\u200f\u202a-\u202e"
    "\u2060-\u2064\u2066-\u2069\ufeff]"
)
LOOPBACK = frozenset({"127.0.0.1", "::1", "localhost"})
# Paths that feed content tries to make the reader open (XXE, bodies that
# name files, markup that writes screenshots).
FORBIDDEN_PATH = re.compile(r"passwd|canary|digest-canary|pwned", re.IGNORECASE)

GOOD_TITLES = ("Cached story one", "Cached story two")
CACHED_FEED_TITLE = "Cached feed"


def shared_hostile() -> Path:
    """../shared/hostile, or skip the test."""
    if not SHARED_HOSTILE.is_dir():
        pytest.skip("../shared/hostile (the hostile corpus) is not present beside the repository")
    return SHARED_HOSTILE


def unsafe_characters(text: str) -> list[str]:
    """The characters of *text* a terminal could obey, as escapes."""
    return [f"U+{ord(c):04X}" for c in UNSAFE.findall(text)]


def assert_terminal_safe(*texts: str) -> None:
    """No byte of *texts* could reach a terminal as a control sequence."""
    for text in texts:
        bad = unsafe_characters(text)
        assert not bad, f"unsafe characters {bad[:10]} in {text[:300]!r}"


# --------------------------------------------------------------------- worker


@dataclass
class Run:
    """One command run by the sandbox worker, and what it did."""

    rc: int | None
    stdout: str
    stderr: str
    events: list[list[str]]
    peak_kb: int
    rss_before_kb: int
    seconds: float
    error: str | None = None
    value: object = None

    @property
    def peak_mb(self) -> float:
        return self.peak_kb / 1024

    @property
    def growth_mb(self) -> float:
        return (self.peak_kb - self.rss_before_kb) / 1024

    @property
    def error_lines(self) -> list[str]:
        return [line for line in self.stderr.splitlines() if line.strip()]

    def opened(self) -> list[tuple[str, str]]:
        return [(e[1], e[2]) for e in self.events if e[0] == "open"]

    def connects(self) -> list[str]:
        return [e[1] for e in self.events if e[0] in ("connect", "getaddrinfo")]

    def programs(self) -> list[list[str]]:
        return [e for e in self.events if e[0] == "program"]


class WorkerDied(AssertionError):
    """The sandbox worker crashed or hung: the process did not stay up."""


class Sandbox:
    """The parent's handle on a :mod:`sandbox_worker` process."""

    def __init__(self, env: dict[str, str] | None = None) -> None:
        environment = dict(os.environ if env is None else env)
        environment.update(
            PYTHONDONTWRITEBYTECODE="1",
            PYTHONUNBUFFERED="1",
            MALLOC_ARENA_MAX="2",
            NO_COLOR="1",
        )
        self.process = subprocess.Popen(
            [sys.executable, str(WORKER)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=environment,
            cwd=REPO,
        )
        ready = self._answer(60)
        assert ready.get("ready"), ready
        self.base_rss_kb = int(ready["rss_kb"])

    @property
    def alive(self) -> bool:
        return self.process.poll() is None

    def _answer(self, timeout: float) -> dict[str, object]:
        assert self.process.stdout is not None
        with selectors.DefaultSelector() as selector:
            selector.register(self.process.stdout, selectors.EVENT_READ)
            if not selector.select(timeout):
                self.kill()
                raise WorkerDied(f"no answer within {timeout} s: the command hung")
        line = self.process.stdout.readline()
        if not line:
            stderr = (
                self.process.stderr.read().decode("utf-8", "replace") if self.process.stderr else ""
            )
            self.kill()
            raise WorkerDied(f"the worker died (exit {self.process.poll()}): {stderr[-2000:]}")
        return json.loads(line)

    def _send(self, command: dict[str, object], timeout: float) -> Run:
        assert self.alive, "the sandbox worker is not running"
        assert self.process.stdin is not None
        self.process.stdin.write(json.dumps(command).encode() + b"\n")
        self.process.stdin.flush()
        answer = self._answer(timeout)
        return Run(
            rc=answer["rc"],  # type: ignore[arg-type]
            stdout=answer["stdout"],  # type: ignore[arg-type]
            stderr=answer["stderr"],  # type: ignore[arg-type]
            events=answer["events"],  # type: ignore[arg-type]
            peak_kb=answer["peak_kb"],  # type: ignore[arg-type]
            rss_before_kb=answer["rss_before_kb"],  # type: ignore[arg-type]
            seconds=answer["seconds"],  # type: ignore[arg-type]
            error=answer["error"],  # type: ignore[arg-type]
            value=answer["value"],
        )

    def cli(self, *argv: str, stdin: str | None = None, timeout: float = 60) -> Run:
        """Run ``digest ARGV`` in the worker."""
        return self._send({"op": "cli", "argv": list(argv), "stdin": stdin}, timeout)

    def call(self, target: str, *args: object, timeout: float = 60) -> Run:
        """Call ``module:function(*args)`` in the worker (JSON arguments)."""
        return self._send({"op": "call", "target": target, "args": list(args)}, timeout)

    def kill(self) -> None:
        if self.alive:
            self.process.kill()
        self.process.wait(timeout=30)

    def close(self) -> None:
        if self.alive and self.process.stdin is not None:
            try:
                self.process.stdin.write(b'{"op": "exit"}\n')
                self.process.stdin.close()
                self.process.wait(timeout=10)
            except (OSError, subprocess.TimeoutExpired):
                pass
        self.kill()


# ------------------------------------------------------------- hostile server


def free_port() -> int:
    """A TCP port on 127.0.0.1 that was free a moment ago (and whose
    successor, which /redirect-loopback points to, is not ours)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for_port(port: int, process: subprocess.Popen[bytes], timeout: float = 20) -> None:
    """Poll until something accepts connections on 127.0.0.1:*port*."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the hostile server exited with {process.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.02)  # polling interval, not synchronisation by sleeping
    raise RuntimeError(f"nothing listened on 127.0.0.1:{port} within {timeout} s")


class HostileServer:
    """../shared/hostile/server/hostile_server.py in a subprocess on a free
    loopback port. It ends itself after *lifetime* seconds; we stop it
    (by its own pid) when the tests are done."""

    def __init__(self, hostile: Path, bombs: Path, log: Path, lifetime: int = 240) -> None:
        self.port = free_port()
        self.log_path = log
        self._log = open(log, "wb")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(
            [
                sys.executable,
                str(hostile / "server" / "hostile_server.py"),
                "--port",
                str(self.port),
                "--bombs",
                str(bombs),
                "--lifetime",
                str(lifetime),
            ],
            stdout=self._log,
            stderr=self._log,
        )
        wait_for_port(self.port, self.process)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def feed(self, name: str) -> str:
        return self.url(f"/feed?f={name}")

    def hits(self, path: str) -> int:
        """Requests for *path* so far, from the server's log (which it
        writes as it starts each answer)."""
        log = self.log_path.read_text("utf-8", "replace")
        return len(re.findall(rf'"GET {re.escape(path)} HTTP/1\.1"', log))

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        self._log.close()


# ---------------------------------------------------------------- generators


def generate_bombs(hostile: Path, out: Path, gib: float = 0.2) -> Path:
    """Run the shared generator into *out* (never into the repository).

    0.2 GiB instead of its default 1 GiB: every bomb still inflates to
    twenty times the 10 MB cap, which is the property tested, and the
    suite stays fast. brotli/zstandard are not installed here, so the
    generator skips those two bombs; :func:`fill_missing_bombs` puts
    stand-ins in their place (a reader that refuses the encoding by its
    header never looks at the bytes)."""
    subprocess.run(
        [sys.executable, str(hostile / "scripts" / "gen_bombs.py"), str(out), "--gib", str(gib)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    fill_missing_bombs(out)
    return out


def fill_missing_bombs(out: Path) -> None:
    for name in ("brotli_bomb.br", "zstd_bomb.zst"):
        path = out / name
        if not path.exists():
            path.write_bytes(os.urandom(1 << 20))


def giant_feed(items: int) -> bytes:
    """gen_bombs.py's giant_feed.rss, with *items* items (newest last)."""
    parts = [
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>giant</title>'
        "<link>https://example.invalid/</link><description>d</description>\n"
    ]
    start = datetime(2024, 1, 1, tzinfo=UTC)
    for i in range(items):
        when = (start + timedelta(minutes=i)).strftime("%a, %d %b %Y %H:%M:%S GMT")
        parts.append(
            f"<item><title>Item {i}</title><link>https://example.invalid/{i}</link>"
            f"<guid>g-{i}</guid><pubDate>{when}</pubDate>"
            f"<description>&lt;p&gt;body {i}&lt;/p&gt;</description></item>\n"
        )
    parts.append("</channel></rss>")
    return "".join(parts).encode()


# ---------------------------------------------------------------------- cases

SETTINGS = {
    "allow_private": "true",  # the test servers are on 127.0.0.1
    # Longer than the hostile server's 2 s drip, so that only the overall
    # deadline can stop a slow server.
    "timeout_seconds": "5",
    "deadline_seconds": "3",
    "retries": "0",
}


@dataclass
class Case:
    """One hostile input against one feed: a feeds.toml naming *urls*, a
    store in *root* that already holds a good copy of the first feed."""

    root: Path
    urls: tuple[str, ...]
    settings: dict[str, str] = field(default_factory=dict)
    titles: tuple[str | None, ...] = ()

    def __post_init__(self) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        self.db = self.root / "digest.db"
        self.config = self.root / "feeds.toml"
        values = {**SETTINGS, **self.settings}
        lines = ["[settings]", *(f"{key} = {value}" for key, value in values.items())]
        for index, url in enumerate(self.urls):
            lines.append(f'\n[[feeds]]\nurl = "{url}"')
            title = self.titles[index] if index < len(self.titles) else None
            if title:
                lines.append(f"title = {json.dumps(title)}")
        self.config.write_text("\n".join(lines) + "\n", encoding="utf-8")

    @property
    def paths(self) -> list[str]:
        return ["--config", str(self.config), "--db", str(self.db)]

    def open(self):
        from tui.core.config import load_config
        from tui.core.store import Store

        store = Store.open(self.db)
        store.sync_feeds(load_config(self.config).feeds)
        return store

    def seed(self) -> None:
        """Store the "previous good copy" of the first feed: two stories
        and the feed's own title, as a successful fetch would."""
        from tui.core.models import FeedState, Story

        now = datetime.now(UTC)
        with self.open() as store:
            feed = store.feeds()[0]
            store.upsert_stories(
                feed.id,
                [
                    Story(
                        uid=f"cached-{n}",
                        title=title,
                        published=now - timedelta(hours=n + 1),
                        link=f"https://example.com/cached/{n}",
                        content=f"{title}: revenue rose 12% to $3 million.",
                    )
                    for n, title in enumerate(GOOD_TITLES)
                ],
            )
            store.save_fetch_state(
                feed.id,
                FeedState(last_fetch=now, last_success=now, last_status=200),
                feed_title=CACHED_FEED_TITLE,
            )

    def refresh(self, sandbox: Sandbox, *extra: str, timeout: float = 60) -> Run:
        return sandbox.cli("refresh", *self.paths, *extra, timeout=timeout)

    def outputs(self, sandbox: Sandbox) -> dict[str, Run]:
        """``digest feeds`` and ``digest print`` (JSON and Markdown)."""
        return {
            "feeds": sandbox.cli("feeds", *self.paths),
            "json": sandbox.cli("print", "--format", "json", "--limit", "1000", *self.paths),
            "md": sandbox.cli("print", "--format", "md", "--limit", "1000", *self.paths),
        }

    def stories(self, feed_index: int = 0) -> list:
        """The feed's stories, in full (content and summary included)."""
        from tui.core.store import StoryQuery

        with self.open() as store:
            feed = store.feeds()[feed_index]
            listed = store.stories(StoryQuery(feed_ids=(feed.id,), limit=None))
            return [store.story(story.id) for story in listed]

    def feed(self, index: int = 0):
        with self.open() as store:
            return store.feeds()[index]

    def stored_text(self) -> str:
        """Every TEXT value in the stories and feeds tables, joined: what
        the store would hand to any front end."""
        with sqlite3.connect(self.db) as conn:
            values = []
            for table in ("stories", "feeds", "figures"):
                columns = [row[1] for row in conn.execute(f"PRAGMA table_info({table})")]
                for row in conn.execute(f"SELECT {', '.join(columns)} FROM {table}"):
                    values.extend(v for v in row if isinstance(v, str))
        return "\n".join(values)


def assert_contained(
    run: Run, case: Case | None = None, *, may_read: tuple[Path, ...] = ()
) -> None:
    """The universal expectations: the process stayed up and raised
    nothing, memory stayed under the cap, no file named by feed content was
    opened, nothing was written outside the case's folder, no connection
    left the loopback interface, no program (browser, shell) was started,
    and every byte printed is terminal-safe."""
    assert run.error is None, run.error
    assert isinstance(run.rc, int) and run.rc in (0, 1, 2), run.rc
    assert "Traceback" not in run.stderr, run.stderr
    assert run.peak_mb < MEMORY_CAP_MB, f"peak RSS {run.peak_mb:.0f} MB"
    allowed_reads = tuple(str(p.resolve()) for p in may_read)
    for path, mode in run.opened():
        if FORBIDDEN_PATH.search(path) and not path.startswith(allowed_reads):
            raise AssertionError(f"opened {path!r} ({mode})")
        if mode == "w":
            assert case is not None and _inside(path, case.root), f"wrote {path!r}"
    for event in run.events:
        if event[0].startswith(("os.", "shutil.")):
            assert case is not None and all(_inside(p, case.root) for p in event[1:]), event
        if event[0] == "sqlite":
            assert case is not None and _inside(event[1], case.root), event
    assert set(run.connects()) <= LOOPBACK, run.connects()
    assert not run.programs(), run.programs()
    assert_terminal_safe(run.stdout, run.stderr)


def _inside(path: str, root: Path) -> bool:
    if path in ("/dev/null", ":memory:", ""):
        return True
    try:
        Path(path).resolve().relative_to(root.resolve())
    except ValueError:
        return False
    return True


def assert_cache_kept(case: Case) -> None:
    """The previous good copy is still there, whole, under its own title."""
    stories = case.stories()
    assert sorted(s.title for s in stories if s.uid.startswith("cached-")) == sorted(GOOD_TITLES)
    assert case.feed().feed_title == CACHED_FEED_TITLE


def assert_one_failure_line(run: Run, message: str, name: str = CACHED_FEED_TITLE) -> str:
    """``digest refresh`` printed exactly one error line, naming the feed,
    with *message* in it; returns the line."""
    lines = run.error_lines
    assert len(lines) == 1, lines
    line = lines[0]
    assert line.startswith(f"digest: {name}: "), line
    assert message in line, (message, line)
    return line
