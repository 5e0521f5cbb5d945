"""Start-up and latency of the reader, with 0 and with 30,000 stories.

    uv run python bench/startup.py [--stories 30000] [--runs 3] [--no-newsboat]

Measures, in a fresh process each time (so imports count):

- first paint: from just before the process starts to the first screen
  with stories painted (headless), started as ``digest`` starts it (the
  store opens in a thread while the app imports), and the peak RSS of
  that process (its VmHWM: ru_maxrss would report this parent's);
- cursor move: from the j key event to the rendered frame that shows the
  cursor on the next row (median and p95 over 30 presses), 30,000 case;
- open: from the enter key event to the rendered frame that shows the
  story with its figures in the reader (median and p95 over 15 stories);
- newsboat, where installed: the same 30,000 stories served from
  127.0.0.1, loaded into its cache once, then the time from starting it in
  tmux to its feed list on screen; and digest started the same way.

Targets (issue 7): first paint <= 0.6 s and <= 150 MB with 30,000 stories;
moving and opening <= 50 ms.
"""

from __future__ import annotations

import argparse
import http.server
import json
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench.bytecode import ensure_bytecode

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

FEEDS = 30
# Stories are dated back from the start of this hour, so that the Today
# view digest lands on has stories both in the headless runs (which pass
# this moment as "now") and in the tmux runs (which use the clock).
NOW = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
COMPANIES = (
    "Huawei",
    "Apple",
    "Samsung",
    "Xiaomi",
    "Nvidia",
    "TSMC",
    "Intel",
    "AMD",
    "Google",
    "Microsoft",
    "Meta",
    "Amazon",
    "Oppo",
    "Vivo",
    "Honor",
    "Sony",
)
# (title template, [(figure text, kind, value key, unit, scale)])
TEMPLATES = (
    (
        "{c} revenue rises {p}% to ${m}bn",
        [("{p}%", "percent", "p", "%", 1), ("${m}bn", "money", "m", "USD", 1e9)],
    ),
    (
        "{c} phone packs a {mah}mAh battery and a {inch}-inch screen",
        [("{mah}mAh", "measure", "mah", "mAh", 1), ("{inch}-inch", "measure", "inch", "in", 1)],
    ),
    ("{c} platform passes {n} million users", [("{n} million", "count", "n", None, 1e6)]),
    (
        "{c} cuts {jobs} jobs, {p}% of staff",
        [("{jobs}", "count", "jobs", None, 1), ("{p}%", "percent", "p", "%", 1)],
    ),
    (
        "{c} chip runs {x}x faster at {ghz}GHz",
        [("{x}x", "multiple", "x", "x", 1), ("{ghz}GHz", "measure", "ghz", "GHz", 1)],
    ),
)


def make_stories(count: int) -> list[list[dict]]:
    """*count* deterministic stories as plain dicts, spread over FEEDS feeds."""
    rng = random.Random(7)
    feeds: list[list[dict]] = [[] for _ in range(FEEDS)]
    for n in range(count):
        template, figures = TEMPLATES[n % len(TEMPLATES)]
        values = {
            "c": rng.choice(COMPANIES),
            "p": rng.randint(2, 60),
            "m": rng.randint(1, 90),
            "mah": rng.choice((4500, 5000, 6000, 7000)),
            "inch": rng.choice((6.1, 6.7, 6.8)),
            "n": rng.randint(2, 900),
            "jobs": f"{rng.randint(100, 9000):,}",
            "x": rng.randint(2, 9),
            "ghz": rng.choice((3.2, 4.5, 5.8)),
        }
        title = template.format(**values)
        body = (
            f"{title}. Analysts had expected {rng.randint(2, 40)}% growth this quarter, "
            f"and the company said about {rng.randint(2, 99)} million devices shipped.\n\n"
            + " ".join(f"Paragraph {n}.{i} adds detail about the market." for i in range(8))
        )
        spans = []
        for text, kind, key, unit, scale in figures:
            shown = text.format(**values)
            start = title.index(shown)
            value = float(str(values[key]).replace(",", "")) * scale
            spans.append((shown, start, kind, value, unit))
        feeds[n % FEEDS].append(
            {
                "n": n,
                "title": title,
                "body": body,
                "figures": spans,
                "published": NOW - timedelta(minutes=7 * n),
            }
        )
    return feeds


def build_store(path: Path, stories: list[list[dict]]) -> Path:
    """A store (and a config beside it) holding *stories*; returns the config."""
    from tui.core.models import FeedConfig, Figure, Story
    from tui.core.store import Store

    config = path.with_suffix(".toml")
    lines = ["[settings]", "allow_private = true", ""]
    configs = []
    for index in range(len(stories) if stories and stories[0] else 0):
        url = f"http://127.0.0.1:9/feed/{index}.xml"  # never fetched by the bench
        configs.append(FeedConfig(url=url, title=f"Bench feed {index}", tags=("bench",)))
        lines += ["[[feeds]]", f'url = "{url}"', f'title = "Bench feed {index}"', ""]
    config.write_text("\n".join(lines), encoding="utf-8")
    with Store.open(path) as store:
        store.sync_feeds(configs)
        for feed, items in zip(store.feeds(), stories, strict=False):
            batch = []
            for item in items:
                story = Story(
                    uid=f"s{item['n']}",
                    title=item["title"],
                    published=item["published"],
                    link=f"https://example.org/s/{item['n']}",
                    content=item["body"],
                    first_seen=NOW,
                )
                story.figures = [
                    Figure(
                        text=t,
                        start=s,
                        end=s + len(t),
                        value=v,
                        kind=k,
                        unit=u,
                        sentence=item["title"],
                        source="title",
                    )
                    for t, s, k, v, u in item["figures"]
                ]
                story.headline = story.figures[0]
                batch.append(story)
            store.upsert_stories(feed.id, batch, now=NOW)
        # A user's store is grouped as each refresh stores it; group this
        # one once here, so that no start-up pays for it.
        from tui.core import digest

        digest.ensure_grouped(store, NOW)
    return config


# --------------------------------------------------------------- children


def peak_rss_mb() -> float:
    """This process's peak resident memory in MB. Not ``ru_maxrss``: Linux
    carries a parent's peak into the child it forks and execs, so every
    child of this bench (whose parent holds 30,000 stories) reported the
    parent's 123 MB. ``VmHWM`` starts afresh at exec."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KB on Linux


def child_paint(db: str, config: str) -> None:
    """Run the app headless until the first stories are painted, started
    the way ``digest`` starts it (the store opens while the app imports)."""
    from tui.cli.tui_cmd import open_while_importing
    from tui.core.store import Store

    store = open_while_importing(lambda: Store.open(Path(db)))
    from tui.app.app import DigestApp
    from tui.core.config import load_config

    class Timed(DigestApp):
        def first_page_shown(self) -> None:
            painted = time.time()
            usage = resource.getrusage(resource.RUSAGE_SELF)
            data = {
                "painted": painted,
                "cpu": usage.ru_utime + usage.ru_stime,
                "rss_mb": peak_rss_mb(),
                "rows": len(self.screen.stories.rows),
            }
            print(json.dumps(data))
            self.exit()

    Timed(store, load_config(Path(config)), now=lambda: NOW).run(headless=True, size=(160, 48))


def child_latency(db: str, config: str) -> None:
    """Send j and enter as the terminal driver would and time each until
    the frame that shows its effect has been rendered (Textual renders on
    its own refresh timer, so this includes that wait)."""
    import asyncio

    from textual import events

    from tui.app.app import DigestApp
    from tui.core.config import load_config
    from tui.core.store import Store

    async def run() -> dict:
        app = DigestApp(Store.open(db), load_config(Path(config)), now=lambda: NOW)
        async with app.run_test(headless=True, size=(160, 48)) as pilot:
            while not app.screen.stories.rows:
                await pilot.pause()
            await pilot.pause()
            screen = app.screen
            painted = asyncio.Event()
            render = screen._compositor_refresh

            def rendered() -> None:
                render()
                painted.set()

            screen._compositor_refresh = rendered

            async def timed(key: str, done) -> float:
                start = time.perf_counter()
                app._driver.send_message(events.Key(key, key if len(key) == 1 else None))
                while True:
                    painted.clear()
                    await painted.wait()
                    if done():
                        return time.perf_counter() - start

            moves, opens = [], []
            for _ in range(30):
                target = screen.stories.cursor + 1
                moves.append(await timed("j", lambda t=target: screen.stories.cursor == t))
            for _ in range(15):
                await pilot.press("j")
                await pilot.pause()
                target = screen.stories.current.id
                opens.append(
                    await timed(
                        "enter",
                        lambda t=target: (
                            screen.doc is not None
                            and screen.doc.id == t
                            and screen.reader.body.places
                        ),
                    )
                )
                await pilot.press("q")
                await pilot.pause()
            return {"move": moves, "open": opens}

    print(json.dumps(asyncio.run(run())))


# ----------------------------------------------------------------- parent


def run_child(mode: str, db: Path, config: Path) -> tuple[float, dict]:
    start = time.time()
    out = subprocess.run(
        [sys.executable, __file__, "--child", mode, str(db), str(config)],
        capture_output=True,
        text=True,
        check=True,
        cwd=REPO,
    )
    line = [line for line in out.stdout.splitlines() if line.startswith("{")][-1]
    return start, json.loads(line)


def measure_paint(db: Path, config: Path, runs: int) -> tuple[float, float, float, int]:
    """Median wall time and CPU time to first paint, peak RSS, rows shown."""
    times, cpu, rss, rows = [], [], [], 0
    for _ in range(runs):
        start, data = run_child("paint", db, config)
        times.append(data["painted"] - start)
        cpu.append(data["cpu"])
        rss.append(data["rss_mb"])
        rows = data["rows"]
    return statistics.median(times), statistics.median(cpu), max(rss), rows


def import_baseline(runs: int) -> tuple[float, float]:
    """Wall and CPU seconds of a bare ``python -c "import textual.app"``:
    the floor any Textual app starts from on this machine (about 0.15 s on
    a fast one). CPU time is steadier than wall time on a shared machine."""
    times, cpu = [], []
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.time()
        subprocess.run([sys.executable, "-c", "import textual.app"], check=True)
        times.append(time.time() - start)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu.append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
    return statistics.median(times), statistics.median(cpu)


def ms(values: list[float], q: float) -> float:
    values = sorted(values)
    return 1000 * values[min(int(q * len(values)), len(values) - 1)]


# ---------------------------------------------------------------- newsboat


def rss_feed(index: int, items: list[dict]) -> bytes:
    parts = [
        '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel>',
        f"<title>Bench feed {index}</title><link>http://127.0.0.1/</link><description>b</description>",
    ]
    for item in items:
        parts.append(
            f"<item><title>{item['title']}</title><link>https://example.org/s/{item['n']}</link>"
            f"<guid>s{item['n']}</guid><pubDate>{format_datetime(item['published'], usegmt=True)}</pubDate>"
            f"<description>{item['body']}</description></item>"
        )
    parts.append("</channel></rss>")
    return "".join(parts).encode()


class Tmux:
    """A tmux server of our own (its own socket), kept alive by an idle
    session so that starting a reader does not also start a server."""

    def __init__(self) -> None:
        self.socket = f"digest-bench-{os.getpid()}"
        # COLUMNS/LINES (set by readline in some parents) would override the
        # pane's real size for the programs we start.
        self.env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES")}
        self.run("new-session", "-d", "-s", "keep", "-x", "160", "-y", "48", "sleep 3600")

    def run(self, *args: str) -> str:
        return subprocess.run(
            ["tmux", "-L", self.socket, *args], capture_output=True, text=True, env=self.env
        ).stdout

    def time_to(self, command: str, expect: str, timeout: float = 60) -> float:
        """Seconds from starting *command* in a new 160×48 window until
        *expect* is on screen (polled every 10 ms)."""
        session = f"run-{time.monotonic_ns()}"
        start = time.perf_counter()
        self.run("new-session", "-d", "-s", session, "-x", "160", "-y", "48", command)
        try:
            while time.perf_counter() - start < timeout:
                if expect in self.run("capture-pane", "-p", "-t", session):
                    return time.perf_counter() - start
                time.sleep(0.01)  # polling interval, not synchronisation
            raise TimeoutError(f"{expect!r} never appeared for {command!r}")
        finally:
            self.run("kill-session", "-t", session)

    def close(self) -> None:
        self.run("kill-server")


def newsboat_compare(
    tmp: Path, stories: list[list[dict]], db: Path, config: Path, runs: int
) -> dict:
    feeds = {f"/feed/{i}.xml": rss_feed(i, items) for i, items in enumerate(stories)}

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = feeds.get(self.path, b"")
            self.send_response(200 if body else 404)
            self.send_header("Content-Type", "application/rss+xml")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    port = server.server_address[1]
    urls = tmp / "urls"
    urls.write_text("".join(f"http://127.0.0.1:{port}{path}\n" for path in feeds))
    conf = tmp / "newsboat.conf"
    conf.write_text("max-items 0\nshow-read-feeds yes\nreload-threads 8\n")
    cache = tmp / "cache.db"
    base = ["newsboat", "-u", str(urls), "-c", str(cache), "-C", str(conf)]
    subprocess.run([*base, "-x", "reload"], check=True, capture_output=True, timeout=600)
    server.shutdown()
    import sqlite3

    items = sqlite3.connect(cache).execute("SELECT count(*) FROM rss_item").fetchone()[0]
    command = " ".join(base)
    digest = shutil.which("digest") or str(Path(sys.executable).parent / "digest")
    from tui.core import digest as digest_view
    from tui.core.store import Store

    with Store.open(db) as store:  # what the reader lands on: the top of Today
        first_title = digest_view.today(store, NOW, limit=1)[0].title[:30]
    tmux = Tmux()
    try:
        boat = statistics.median(tmux.time_to(command, "Bench feed 29") for _ in range(runs))
        ours = statistics.median(
            tmux.time_to(f"{digest} --db {db} --config {config}", first_title) for _ in range(runs)
        )
    finally:
        tmux.close()
    return {"items": items, "newsboat": boat, "digest": ours}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stories", type=int, default=30_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--no-newsboat", action="store_true")
    parser.add_argument(
        "--child", nargs=3, metavar=("MODE", "DB", "CONFIG"), help=argparse.SUPPRESS
    )
    args = parser.parse_args()
    if args.child:
        mode, db, config = args.child
        (child_paint if mode == "paint" else child_latency)(db, config)
        return

    ensure_bytecode()
    with tempfile.TemporaryDirectory(prefix="digest-startup-") as tmp_name:
        tmp = Path(tmp_name)
        stories = make_stories(args.stories)
        built = time.perf_counter()
        empty_config = build_store(tmp / "empty.db", [[]])
        big_config = build_store(tmp / "big.db", stories)
        print(
            f"built stores in {time.perf_counter() - built:.1f} s "
            f"({args.stories:,} stories in {FEEDS} feeds)\n"
        )
        rows = []
        for label, db, config in (
            ("0 stories", tmp / "empty.db", empty_config),
            (f"{args.stories:,} stories", tmp / "big.db", big_config),
        ):
            rows.append((label, *measure_paint(db, config, args.runs)))
        baseline = import_baseline(args.runs)
        _, data = run_child("latency", tmp / "big.db", big_config)

        wall, cpu = baseline
        print("| process | first paint, wall (median) | CPU time | peak RSS | rows painted |")
        print("| --- | --- | --- | --- | --- |")
        print(f"| `python -c 'import textual.app'` | {wall:.3f} s | {cpu:.3f} s | | |")
        for label, paint, used, rss, shown in rows:
            print(f"| digest, {label} | {paint:.3f} s | {used:.3f} s | {rss:.0f} MB | {shown} |")
        print()
        print(f"| {args.stories:,} stories | median | p95 |")
        print("| --- | --- | --- |")
        print(
            f"| move the cursor one row (j) | {ms(data['move'], 0.5):.1f} ms | {ms(data['move'], 0.95):.1f} ms |"
        )
        print(
            f"| open a story (enter) | {ms(data['open'], 0.5):.1f} ms | {ms(data['open'], 0.95):.1f} ms |"
        )
        if args.no_newsboat:
            return
        if not (shutil.which("newsboat") and shutil.which("tmux")):
            print("\nnewsboat or tmux is not installed: no comparison")
            return
        compared = newsboat_compare(tmp, stories, tmp / "big.db", big_config, args.runs)
        print(f"\nIn tmux (160×48), start to first screen with {compared['items']:,} items:")
        print("| reader | start to first screen (median) |")
        print("| --- | --- |")
        print(f"| newsboat 2.x | {compared['newsboat']:.3f} s |")
        print(f"| digest | {compared['digest']:.3f} s |")


if __name__ == "__main__":
    main()
