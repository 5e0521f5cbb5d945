"""The SQLite connection under the store: pragmas, migrations, transactions,
and the rules that keep two digest processes from hurting each other.

- WAL mode, so a reader (the TUI) never blocks a writer (a cron refresh) and
  a crash mid-write loses at most the unfinished transaction.
- Every write is ``BEGIN IMMEDIATE``: it takes the write lock up front and
  waits ``busy_timeout`` for it, where a plain ``BEGIN`` would fail later, at
  its first write, without waiting.
- The schema version is ``PRAGMA user_version``; each file in
  ``migrations/`` moves it forward by one, in its own transaction.
- A refresh takes an advisory lock file next to the database so that two
  refreshes never fetch and write the same feeds at once.
"""

from __future__ import annotations

import contextlib
import os
import re
import sqlite3
import threading
import time
from collections.abc import Iterator
from importlib import resources
from pathlib import Path

BUSY_TIMEOUT_MS = 10_000
# See Database._configure: pages of write-ahead log between automatic
# checkpoints (SQLite's default is 1000), and what the log file is cut
# back to after one.
WAL_CHECKPOINT_PAGES = 10_000
WAL_LIMIT_BYTES = 64 * 1024 * 1024
# Opening a store runs SQLite's quick check over the whole file unless the
# file is exactly as digest left it when it last closed it (size, times and
# inode, recorded next to it in ``digest.db.checked``) and was checked in
# the last CHECK_EVERY_SECONDS. The check reads every page (0.6 s of CPU
# for a store of 30,000 stories with their digest and metric history), so
# running it on every open made each cron refresh and each start of the
# reader pay for the store's size, while a file damaged by anything else
# (a bad copy, a full disk, another program) has changed since and is
# still checked before anything is written to it.
CHECK_EVERY_SECONDS = 7 * 24 * 3600


class StoreError(Exception):
    """The store cannot be used; the message says why and what to do."""


class StoreBusy(StoreError):
    """Another digest process holds the write lock for too long."""


class StoreCorrupt(StoreError):
    """The database file is damaged; it has been moved aside."""


def migrations() -> list[tuple[int, str, str]]:
    """(version, name, SQL) of every migration, in order."""
    found = []
    for entry in resources.files("tui.core.store.migrations").iterdir():
        match = re.match(r"^(\d{4})_(.+)\.sql$", entry.name)
        if match:
            found.append((int(match.group(1)), match.group(2), entry.read_text("utf-8")))
    found.sort()
    versions = [version for version, _, _ in found]
    assert len(set(versions)) == len(versions), "two migrations share a number"
    return found


SCHEMA_VERSION = migrations()[-1][0]


class Database:
    """One connection, shared by the threads of one process under a lock.

    The UI queries from worker threads; serialising them here is simpler
    and, for SQLite's in-process speed, as fast as a pool.
    """

    def __init__(self, connection: sqlite3.Connection, path: Path) -> None:
        self.connection = connection
        self.path = path
        self._checked_at: float | None = None  # when the file was last found sound
        self._lock = threading.RLock()
        self._depth = 0

    @classmethod
    def open(cls, path: Path, *, target_version: int | None = None, check: bool = True) -> Database:
        """Open (creating if needed) and migrate the database at *path*.

        *target_version* stops migrating early; tests use it to build a
        database of an older schema version. *check* runs SQLite's quick
        check unless the file is as digest left it (see
        ``CHECK_EVERY_SECONDS``); a second connection that a process opens
        to a store it has just opened (a refresh's grouping job) leaves it
        out.
        """
        if str(path) != ":memory:":
            path.parent.mkdir(parents=True, exist_ok=True)
        seen = _signature(path)  # before connecting, which may start a WAL file
        try:
            connection = sqlite3.connect(
                path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None, check_same_thread=False
            )
            database = cls(connection, path)
            database._configure()
            if check:
                database._check_unless_as_left(seen)
            database.migrate(SCHEMA_VERSION if target_version is None else target_version)
        except (sqlite3.DatabaseError, StoreError) as error:
            cause = error.__cause__ if isinstance(error, StoreError) else error
            if isinstance(cause, sqlite3.DatabaseError) and _is_corruption(cause):
                raise StoreCorrupt(_move_aside(path, cause)) from None
            if isinstance(error, StoreError):
                raise
            raise _translate(error, path) from None
        return database

    def _configure(self) -> None:
        self.connection.row_factory = sqlite3.Row
        execute = self.connection.execute
        execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        mode = execute("PRAGMA journal_mode = WAL").fetchone()[0]
        if mode.lower() != "wal" and str(self.path) != ":memory:":
            raise StoreError(f"{self.path}: cannot use write-ahead logging (journal mode {mode})")
        execute("PRAGMA foreign_keys = ON")
        execute("PRAGMA synchronous = NORMAL")  # safe with WAL; durable at checkpoints
        execute("PRAGMA temp_store = MEMORY")
        # Checkpoint every WAL_CHECKPOINT_PAGES rather than SQLite's 1000: a
        # cold refresh writes ~160 MB through two connections, and each
        # checkpoint copies the pages changed since the last one into the
        # file (the indexes' hot pages again each time) and syncs it, while
        # the committing thread waits. Cold refresh of 1000 bench feeds,
        # alternating runs: 5% less wall time and CPU (20,000 and 40,000
        # pages were no faster).
        # The WAL is truncated back to WAL_LIMIT_BYTES after a reset, and
        # removed when the last connection closes.
        execute(f"PRAGMA wal_autocheckpoint = {WAL_CHECKPOINT_PAGES}")
        execute(f"PRAGMA journal_size_limit = {WAL_LIMIT_BYTES}")

    def _check_unless_as_left(self, seen: str | None) -> None:
        """Run SQLite's quick check (raising on damage) unless *seen*, the
        file's signature before this connection, is the one recorded when
        digest last closed it, within ``CHECK_EVERY_SECONDS`` of the last
        check."""
        record = _read_record(self.path)
        if seen is not None and record is not None:
            signature, checked_at = record
            if signature == seen and 0 <= time.time() - checked_at < CHECK_EVERY_SECONDS:
                self._checked_at = checked_at
                return
        result = self.connection.execute("PRAGMA quick_check(1)").fetchone()[0]
        if result != "ok":
            raise sqlite3.DatabaseError(f"database disk image is malformed ({result})")
        self._checked_at = time.time()

    @property
    def version(self) -> int:
        """The schema version of the open database."""
        return self.connection.execute("PRAGMA user_version").fetchone()[0]

    def migrate(self, target: int) -> None:
        """Apply each migration above the current version up to *target*."""
        current = self.version
        if current > SCHEMA_VERSION:
            raise StoreError(
                f"{self.path} was written by a newer digest (schema {current}, this one knows "
                f"{SCHEMA_VERSION}); upgrade digest or use another --db"
            )
        for version, _name, sql in migrations():
            if current < version <= target:
                with self.transaction():
                    # executescript would COMMIT our transaction; run statements one by one.
                    for statement in _statements(sql):
                        self.connection.execute(statement)
                    self.connection.execute(f"PRAGMA user_version = {version}")

    @contextlib.contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """A write transaction (``BEGIN IMMEDIATE``); nested uses join the
        outer one. Rolls back on any exception."""
        with self._lock:
            if self._depth:
                self._depth += 1
                try:
                    yield self.connection
                finally:
                    self._depth -= 1
                return
            try:
                self.connection.execute("BEGIN IMMEDIATE")
            except sqlite3.OperationalError as error:
                raise _translate(error, self.path) from None
            self._depth = 1
            try:
                yield self.connection
            except BaseException as error:
                self._depth = 0
                # SQLite may already have rolled back (a full disk does);
                # a failing ROLLBACK must not hide the reason.
                if self.connection.in_transaction:
                    with contextlib.suppress(sqlite3.Error):
                        self.connection.execute("ROLLBACK")
                if isinstance(error, sqlite3.Error):
                    raise _translate(error, self.path) from error
                raise
            self._depth = 0
            try:
                self.connection.execute("COMMIT")
            except sqlite3.DatabaseError as error:
                with contextlib.suppress(sqlite3.DatabaseError):
                    self.connection.execute("ROLLBACK")
                raise _translate(error, self.path) from None

    @contextlib.contextmanager
    def snapshot(self) -> Iterator[sqlite3.Connection]:
        """A read transaction (a plain ``BEGIN``): every query in it sees the
        store as it was at the first one, while other connections go on
        writing (write-ahead logging lets them), and it takes no write lock.
        Inside a write transaction it is that transaction."""
        with self._lock:
            if self._depth:
                yield self.connection
                return
            try:
                self.connection.execute("BEGIN")
            except sqlite3.OperationalError as error:
                raise _translate(error, self.path) from None
            try:
                yield self.connection
            except sqlite3.OperationalError as error:
                raise _translate(error, self.path) from None
            finally:
                if self.connection.in_transaction:
                    with contextlib.suppress(sqlite3.Error):
                        self.connection.execute("COMMIT")

    @contextlib.contextmanager
    def reading(self) -> Iterator[sqlite3.Connection]:
        """The connection, for queries, under the process-wide lock."""
        with self._lock:
            try:
                yield self.connection
            except sqlite3.OperationalError as error:
                raise _translate(error, self.path) from None

    def close(self) -> None:
        """Close the connection (checkpointing the WAL), then record the
        file as this connection leaves it, if it checked or trusted it."""
        with self._lock:
            self.connection.close()
            if self._checked_at is not None:
                _write_record(self.path, self._checked_at)
                self._checked_at = None


def _signature(path: Path) -> str | None:
    """What changes when anything writes the database file or its WAL:
    their sizes, modification times and inodes (``None``: no file)."""
    parts = []
    for suffix in ("", "-wal"):
        try:
            stat = os.stat(f"{path}{suffix}")
        except OSError:
            if not suffix:
                return None
            parts.append("-")
            continue
        parts.append(f"{stat.st_size}:{stat.st_mtime_ns}:{stat.st_ino}:{stat.st_dev}")
    return " ".join(parts)


def _record_path(path: Path) -> Path:
    return Path(f"{path}.checked")


def _read_record(path: Path) -> tuple[str, float] | None:
    """(signature, time of the last check) as recorded at the last close."""
    try:
        checked_at, signature = _record_path(path).read_text("ascii").split("\n", 1)
        return signature.strip(), float(checked_at)
    except (OSError, ValueError, UnicodeDecodeError):
        return None


def _write_record(path: Path, checked_at: float) -> None:
    """Record the file's signature now (atomically: another digest process
    may be closing the same store). A file that cannot be written only
    means the next open checks again."""
    signature = _signature(path)
    if signature is None or str(path) == ":memory:":
        return
    record = _record_path(path)
    temporary = record.with_name(f"{record.name}.{os.getpid()}")
    try:
        temporary.write_text(f"{checked_at!r}\n{signature}\n", "ascii")
        os.replace(temporary, record)
    except OSError:
        with contextlib.suppress(OSError):
            temporary.unlink()


def _statements(sql: str) -> Iterator[str]:
    buffer = ""
    for line in sql.splitlines(keepends=True):
        if line.lstrip().startswith("--") and not buffer.strip():
            continue
        buffer += line
        if sqlite3.complete_statement(buffer):
            yield buffer
            buffer = ""
    if buffer.strip():
        yield buffer


def _is_corruption(error: sqlite3.DatabaseError) -> bool:
    text = str(error).lower()
    return "not a database" in text or "malformed" in text or "corrupt" in text


def _translate(error: sqlite3.Error, path: Path) -> StoreError:
    text = str(error)
    if "locked" in text or "busy" in text:
        return StoreBusy(
            f"{path}: the store is busy (another digest is writing to it); try again in a moment"
        )
    if "disk is full" in text or "database or disk is full" in text:
        return StoreError(f"{path}: the disk is full; nothing was lost, free some space and retry")
    if "readonly" in text or "unable to open" in text:
        return StoreError(f"{path}: cannot open the store for writing ({text})")
    return StoreError(f"{path}: {text}")


def _move_aside(path: Path, error: sqlite3.DatabaseError) -> str:
    stamp = time.strftime("%Y%m%d-%H%M%S")
    target = path.with_name(f"{path.name}.corrupt-{stamp}")
    for suffix in ("", "-wal", "-shm"):
        source = Path(f"{path}{suffix}")
        if source.exists():
            os.replace(source, Path(f"{target}{suffix}"))
    with contextlib.suppress(OSError):
        _record_path(path).unlink()
    detail = " ".join(str(error).split())  # quick_check's report spans lines
    return (
        f"{path} is damaged ({detail}); it was moved to {target} and a new, empty "
        "store will be created on the next start"
    )


class WriterLock:
    """An advisory lock file (``digest.db.lock``) held while refreshing, so
    that a second ``digest refresh`` waits or says plainly that one is
    running, rather than fetching the same feeds twice."""

    def __init__(self, db_path: Path) -> None:
        self.path = Path(f"{db_path}.lock")
        self._file: object | None = None

    def acquire(self, wait: float = 0.0) -> bool:
        """Take the lock, waiting up to *wait* seconds; False if another
        process holds it."""
        import fcntl

        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle = open(self.path, "a+")  # noqa: SIM115 - held until release()
        deadline = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    handle.close()
                    return False
                time.sleep(0.05)
                continue
            handle.seek(0)
            handle.truncate()
            handle.write(str(os.getpid()))
            handle.flush()
            self._file = handle
            return True

    def holder(self) -> str:
        """The pid written by the process holding the lock, if readable."""
        try:
            return self.path.read_text().strip()
        except OSError:
            return ""

    def release(self) -> None:
        """Release the lock (closing the file releases the flock)."""
        if self._file is not None:
            self._file.close()  # type: ignore[attr-defined]
            self._file = None
