"""Benchmark: `digest refresh` against `newsboat -x reload` on the same feeds.

    uv run python bench/refresh.py                      # N = 200 and 1000, latency 0 and 100 ms
    uv run python bench/refresh.py --feeds 200 --latency 0 --threads 8,32

A loopback server (bench/refresh_server.py, its own process) serves N
synthetic RSS feeds (≈30 items, ≈50 KB, ETag and Last-Modified) spread over
several 127.0.1.x addresses. For each N and added latency it measures:

- cold: empty store; warm: nothing changed (all 304); changed: 10% of the
  feeds have two new items. digest and newsboat see the same server state.
- newsboat with each --threads value as `reload-threads`, both as shipped
  and after ANALYZE on its cache (its warm query plan is bad without
  statistics). newsboat stores no ETag on a feed's first fetch, so its
  second reload re-downloads everything: that reload is run, reported as
  "prime", and warm is the reload after it.
- each case --repeat times (3), digest and newsboat alternating, from the
  same state; each side's fastest run counts (see bench_case).

Wall time, CPU time and peak memory are of the whole process tree
(digest's parse workers included), sampled from /proc: the sum of RSS
every 20 ms, and the sum of PSS every 500 ms. RSS counts a page shared by
several processes (the interpreter and libraries in each worker, a child
between fork and exec) once per process; PSS divides it among them, so
the tree's PSS is the memory it really holds. Not a test: it prints a
table and digest/newsboat ratios.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
# One date base for this run's feeds, in this process and the server's.
os.environ.setdefault("BENCH_BASE_TIME", str(int((time.time() // 86400 - 1) * 86400)))
from bench.bytecode import ensure_bytecode

REPO = Path(__file__).resolve().parents[1]
PAGE = os.sysconf("SC_PAGE_SIZE")
TICK = os.sysconf("SC_CLK_TCK")


@dataclass
class Measure:
    """One run: wall seconds, CPU seconds, peak RSS (MB) of the process tree."""

    wall: float
    cpu: float
    rss: float
    pss: float
    code: int


class TreeSampler(threading.Thread):
    """Samples CPU, RSS and PSS of a process and all its descendants.

    The sampler shares the machine with what it measures, and a refresh
    that keeps every core busy loses whatever the sampler takes, where a
    peer using one core does not. So it reads only the tree's own files:
    each process's children from /proc/PID/task/TID/children (every
    process on the machine's stat, as it once read, cost 1.5 ms a sample
    under load), and PSS, a page-table walk in the kernel (4.5 ms for
    digest's three processes), every 25th sample. In a cold refresh of
    1000 feeds the sampler took 4.0 s of CPU in 25 s that way, and 0.8 s
    then. The tree itself is walked every TREE_EVERY samples (100 ms): its
    children files, one per thread (digest's refreshing process runs about
    ten threads, newsboat 30), were most of a sample's reads, and both
    programs start their processes once, at the start.
    """

    PSS_EVERY = 25
    TREE_EVERY = 5

    def __init__(self, root: int) -> None:
        super().__init__(daemon=True)
        self.root = root
        self.cpu: dict[int, float] = {}
        self.peak = 0
        self.peak_pss = 0
        self.stop = threading.Event()
        self.pids: set[int] = {root}
        self.by_children = os.path.exists(f"/proc/{os.getpid()}/task/{os.getpid()}/children")

    def run(self) -> None:
        count = 0
        while not self.stop.is_set():
            # (and at samples 1, 2, 4, 8 and 16: a run of a few tenths of a
            # second would otherwise show the PSS of a process just started)
            early = count < self.PSS_EVERY and count & (count - 1) == 0
            if count % self.TREE_EVERY == 0 or early:
                self.pids = self.tree()
            self.sample(pss=early or count % self.PSS_EVERY == 0)
            count += 1
            self.stop.wait(0.02)

    def tree(self) -> set[int]:
        """The root and its living descendants."""
        if not self.by_children:
            return self._tree_by_scan()
        tree = {self.root}
        todo = [self.root]
        while todo:
            pid = todo.pop()
            try:
                tasks = os.listdir(f"/proc/{pid}/task")
            except OSError:
                continue
            for task in tasks:
                try:
                    with open(f"/proc/{pid}/task/{task}/children") as handle:
                        found = handle.read().split()
                except OSError:
                    continue
                for child in map(int, found):
                    if child not in tree:
                        tree.add(child)
                        todo.append(child)
        return tree

    def _tree_by_scan(self) -> set[int]:
        """The tree from every process's parent (kernels without the
        children files)."""
        parents = {}
        for name in os.listdir("/proc"):
            if name.isdigit():
                fields = _stat(int(name))
                if fields is not None:
                    parents[int(name)] = int(fields[1])
        tree = {self.root}
        changed = True
        while changed:
            changed = False
            for pid, ppid in parents.items():
                if ppid in tree and pid not in tree:
                    tree.add(pid)
                    changed = True
        return tree

    def sample(self, pss: bool = False) -> None:
        rss = 0
        proportional = 0
        for pid in self.pids:
            fields = _stat(pid)
            if fields is None:
                continue
            self.cpu[pid] = (int(fields[11]) + int(fields[12])) / TICK
            rss += int(fields[21]) * PAGE
            if pss:
                proportional += _pss(pid)
        self.peak = max(self.peak, rss)
        if pss:
            self.peak_pss = max(self.peak_pss, proportional)


def _stat(pid: int) -> list[str] | None:
    """The fields of /proc/PID/stat after the command name (None once gone)."""
    try:
        with open(f"/proc/{pid}/stat") as handle:
            text = handle.read()
    except OSError:
        return None
    return text[text.rindex(")") + 2 :].split()


def _pss(pid: int) -> int:
    """A process's proportional set size in bytes (0 once it is gone)."""
    try:
        with open(f"/proc/{pid}/smaps_rollup") as handle:
            for line in handle:
                if line.startswith("Pss:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def measure(command: list[str], env: dict[str, str] | None = None) -> Measure:
    """Run *command*, sampling its process tree."""
    started = time.perf_counter()
    process = subprocess.Popen(
        command,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
    )
    sampler = TreeSampler(process.pid)
    sampler.start()
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - started
    sampler.stop.set()
    sampler.join()
    errors = process.stderr.read().decode(errors="replace") if process.stderr else ""
    if errors.strip():
        print("   stderr:", errors.strip().splitlines()[-1][:200], file=sys.stderr)
    cpu_root = usage.ru_utime + usage.ru_stime
    cpu_rest = sum(v for pid, v in sampler.cpu.items() if pid != process.pid)
    peak = max(sampler.peak, usage.ru_maxrss * 1024)
    return Measure(
        wall,
        cpu_root + cpu_rest,
        peak / 1e6,
        sampler.peak_pss / 1e6,
        os.waitstatus_to_exitcode(status),
    )


class Server:
    """The feed server process."""

    def __init__(self, port: int, hosts: int) -> None:
        self.port = port
        self.process = subprocess.Popen(
            [sys.executable, str(REPO / "bench" / "refresh_server.py"), str(port), str(hosts)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
        )
        assert self.process.stdout is not None
        self.process.stdout.readline()  # "ready"

    def control(self, query: str) -> None:
        urllib.request.urlopen(f"http://127.0.1.1:{self.port}/_control?{query}", timeout=120).read()

    def close(self) -> None:
        assert self.process.stdin is not None
        self.process.stdin.close()
        self.process.wait(timeout=10)


def feed_urls(count: int, hosts: int, port: int) -> list[str]:
    return [f"http://127.0.1.{n % hosts + 1}:{port}/f/{n}.xml" for n in range(count)]


def digest_command(work: Path) -> list[str]:
    return [
        sys.executable,
        "-m",
        "tui",
        "--config",
        str(work / "feeds.toml"),
        "--db",
        str(work / "digest.db"),
        "refresh",
        "--quiet",
    ]


def newsboat_command(work: Path, cache: str, threads: int) -> list[str]:
    return [
        "newsboat",
        "-x",
        "reload",
        "-u",
        str(work / "urls"),
        "-c",
        str(work / cache),
        "-C",
        str(work / f"config-{threads}"),
    ]


def analyze(path: Path) -> None:
    with sqlite3.connect(path) as connection:
        connection.execute("ANALYZE")


def _remove(work: Path, name: str) -> None:
    """Delete a SQLite file and its journal files."""
    for suffix in ("", "-wal", "-shm", "-journal"):
        (work / f"{name}{suffix}").unlink(missing_ok=True)


def _copy(work: Path, name: str, to: str) -> None:
    """Copy a SQLite file (no process has it open) and its journal files."""
    _remove(work, to)
    for suffix in ("", "-wal", "-shm", "-journal"):
        if (work / f"{name}{suffix}").exists():
            shutil.copy(work / f"{name}{suffix}", work / f"{to}{suffix}")


def bench_case(
    count: int, latency_ms: int, args: argparse.Namespace, port: int
) -> dict[str, list[Measure]]:
    """All runs for one N and latency; keys like 'digest cold', 'nb32 warm+A',
    each with its repetitions.

    The machine's speed drifts by 10-20% over minutes, so one run of each
    side, minutes apart, gives a ratio that moves as much. Each case is
    therefore run ``--repeat`` times, digest and newsboat alternating,
    from the same state each time (a fresh store for cold; copies of the
    stores as they were before the feeds changed, for changed), and the
    report takes each side's fastest run. newsboat's prime reload and its
    warm and changed reloads as shipped (20-35 s each at N = 1000, and far
    slower than digest) run once."""
    hosts = max(1, min(50, count // 20))
    server = Server(port, hosts)
    results: dict[str, list[Measure]] = {}
    work = Path(tempfile.mkdtemp(prefix="digest-bench-"))
    threads_list = args.newsboat_threads
    try:
        server.control(f"latency={latency_ms / 1000}&prepare={count}")
        urls = feed_urls(count, hosts, port)
        (work / "urls").write_text("\n".join(urls) + "\n")
        (work / "feeds.toml").write_text(
            f"[settings]\nallow_private = true\nconcurrency = {args.concurrency}\n"
            f"per_host = {args.per_host}\nmax_items = 500\n"
            + "".join(f'\n[[feeds]]\nurl = "{url}"\n' for url in urls)
        )
        for threads in threads_list:
            (work / f"config-{threads}").write_text(f"reload-threads {threads}\n")
        env = {**os.environ, "PYTHONPATH": str(REPO)}

        def run(name: str, command: list[str]) -> None:
            results.setdefault(name, []).append(measure(command, env))

        def newsboat(name: str, cache: str, threads: int) -> None:
            run(f"nb{threads} {name}", newsboat_command(work, cache, threads))

        for _ in range(args.repeat):
            _remove(work, "digest.db")
            run("digest cold", digest_command(work))
            for threads in threads_list:
                _remove(work, f"nb{threads}.db")
                newsboat("cold", f"nb{threads}.db", threads)
        for threads in threads_list:
            newsboat("prime", f"nb{threads}.db", threads)
            _copy(work, f"nb{threads}.db", f"nb{threads}-analyzed.db")
            analyze(work / f"nb{threads}-analyzed.db")
        for _ in range(args.repeat):
            run("digest warm", digest_command(work))
            for threads in threads_list:
                newsboat("warm+A", f"nb{threads}-analyzed.db", threads)
        _copy(work, "digest.db", "digest-before.db")
        for threads in threads_list:
            _copy(work, f"nb{threads}.db", f"nb{threads}-before.db")
            _copy(work, f"nb{threads}-analyzed.db", f"nb{threads}-analyzed-before.db")
            newsboat("warm", f"nb{threads}.db", threads)
        server.control(f"bump=0.1&total={count}")
        for _ in range(args.repeat):
            _copy(work, "digest-before.db", "digest.db")
            run("digest changed", digest_command(work))
            for threads in threads_list:
                _copy(work, f"nb{threads}-analyzed-before.db", f"nb{threads}-analyzed.db")
                newsboat("changed+A", f"nb{threads}-analyzed.db", threads)
        for threads in threads_list:
            _copy(work, f"nb{threads}-before.db", f"nb{threads}.db")
            newsboat("changed", f"nb{threads}.db", threads)
    finally:
        server.close()
        shutil.rmtree(work, ignore_errors=True)
    return results


def best(runs: list[Measure]) -> Measure:
    """The fastest run's wall and CPU time; the most memory any run took."""
    fastest = min(runs, key=lambda m: m.wall)
    return Measure(
        fastest.wall,
        fastest.cpu,
        max(m.rss for m in runs),
        max(m.pss for m in runs),
        next((m.code for m in runs if m.code != 0), 0),
    )


def report(
    count: int, latency: int, results: dict[str, list[Measure]], threads: list[int]
) -> None:
    print(f"\n## N = {count}, latency {latency} ms")
    print(f"{'run':<22} {'wall s':>8} {'cpu s':>8} {'RSS MB':>8} {'PSS MB':>8}  every run's wall s")
    for name, runs in results.items():
        m = best(runs)
        flag = "" if m.code == 0 else f"  (exit {m.code})"
        walls = " ".join(f"{run.wall:.2f}" for run in runs) if len(runs) > 1 else ""
        print(
            f"{name:<22} {m.wall:>8.2f} {m.cpu:>8.2f} {m.rss:>8.0f} {m.pss:>8.0f}  {walls}{flag}"
        )
    if not threads:
        return
    print(
        f"{'case':<10} {'digest':>8} {'nb shipped':>11} {'nb ANALYZE':>11} {'÷shipped':>9} {'÷best':>7}"
    )
    for case, shipped, fixed in (
        ("cold", "cold", "cold"),
        ("warm", "warm", "warm+A"),
        ("changed", "changed", "changed+A"),
    ):
        mine = best(results[f"digest {case}"]).wall
        a = min(best(results[f"nb{t} {shipped}"]).wall for t in threads)
        b = min(best(results[f"nb{t} {fixed}"]).wall for t in threads)
        print(
            f"{case:<10} {mine:>8.2f} {a:>11.2f} {b:>11.2f} {mine / a:>9.2f} {mine / min(a, b):>7.2f}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--feeds", default="200,1000", help="feed counts, comma-separated")
    parser.add_argument("--latency", default="0,100", help="added latency per request, ms")
    parser.add_argument("--threads", default="32", help="newsboat reload-threads values to try")
    parser.add_argument("--concurrency", type=int, default=32, help="digest's concurrency setting")
    parser.add_argument("--per-host", type=int, default=8, help="digest's per_host setting")
    parser.add_argument("--port", type=int, default=18180)
    parser.add_argument(
        "--repeat", type=int, default=3, help="runs of each case, alternating; the fastest counts"
    )
    args = parser.parse_args()
    ensure_bytecode()
    have_newsboat = shutil.which("newsboat") is not None
    args.newsboat_threads = [int(t) for t in args.threads.split(",")] if have_newsboat else []
    if not have_newsboat:
        print("newsboat is not installed (apt-get install newsboat): digest only")
    print(
        f"digest concurrency {args.concurrency}, per_host {args.per_host}; cores {os.cpu_count()}"
    )
    for count in (int(n) for n in args.feeds.split(",")):
        for latency in (int(n) for n in args.latency.split(",")):
            results = bench_case(count, latency, args, args.port)
            report(count, latency, results, args.newsboat_threads)
            args.port += 1


if __name__ == "__main__":
    main()
