"""Edit the ``[[feeds]]`` of feeds.toml without disturbing anything else.

feeds.toml is the user's file: their comments, blank lines, key order and
quoting must survive ``digest add``, ``remove``, ``import`` and enabling or
disabling a feed byte for byte. tomlkit's array-of-tables edits attach a
table's leading comments to the table before it (removing a feed takes the
next feed's comment with it, an appended feed lands after the next
section's comment), so edits here are made on lines: a feed's block is its
header, its keys, and the comment lines directly above the header. tomlkit
renders the new values (quoting and escaping any string correctly).

Every edit is checked before it lands: the result must parse with tomllib
to exactly the feeds intended, and pass :func:`parse_config`; only then is
it written to a temporary file and moved over the original (following a
symlinked feeds.toml to its target). A file changed by someone else during
the edit is re-read and the edit redone.
"""

from __future__ import annotations

import difflib
import os
import re
import tempfile
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tui.core.config import ConfigError, parse_config
from tui.core.models import FeedConfig
from tui.core.sanitize import one_line
from tui.core.urls import normalise, redact

HEADER = (
    "# digest: the feeds to follow, one [[feeds]] table each.\n"
    "# 'digest add URL' appends here; edit freely, comments are kept.\n"
)
_TABLE = re.compile(r"^\s*(\[\[?)\s*([A-Za-z0-9_.\-\"' ]+?)\s*\]\]?\s*(#.*)?$")
_ENABLED = re.compile(r"""^(\s*(?:enabled|"enabled"|'enabled')\s*=\s*)(true|false)(.*)$""", re.S)
_TRIPLE = re.compile(r'"""|\'\'\'')


class SubscriptionError(Exception):
    """The edit was refused; the message says why (and nothing was written)."""


@dataclass(frozen=True, slots=True)
class NewFeed:
    """A feed to append: the keys ``digest add`` and ``import`` write."""

    url: str
    title: str | None = None
    tags: tuple[str, ...] = ()


@dataclass(slots=True)
class AddReport:
    """What an add or import did: the feeds appended, the ones skipped with
    the reason, the TOML appended and the config's warnings afterwards."""

    path: Path
    added: list[NewFeed] = field(default_factory=list)
    skipped: list[tuple[NewFeed, str]] = field(default_factory=list)
    appended: str = ""
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class _Block:
    start: int  # first line (leading comments included)
    header: int
    end: int  # one past the last key line


def render_entry(feed: NewFeed) -> str:
    """The ``[[feeds]]`` table for *feed*, as appended to the file."""
    import tomlkit

    lines = ["[[feeds]]", f"url = {tomlkit.item(feed.url).as_string()}"]
    if feed.title:
        lines.append(f"title = {tomlkit.item(one_line(feed.title, 300)).as_string()}")
    if feed.tags:
        tags = [one_line(tag, 100) for tag in feed.tags]
        lines.append(f"tags = {tomlkit.item(tags).as_string()}")
    return "\n".join(lines) + "\n"


def add_feed(path: Path, url: str, title: str | None = None, tags: Sequence[str] = ()) -> AddReport:
    """Append one feed; a feed already present (same URL after
    normalisation) is refused with :class:`SubscriptionError`."""
    report = add_feeds(path, [NewFeed(url, title, tuple(tags))])
    if report.skipped:
        raise SubscriptionError(report.skipped[0][1])
    return report


def add_feeds(path: Path, feeds: Sequence[NewFeed], *, dry_run: bool = False) -> AddReport:
    """Append *feeds* in one write, after the last ``[[feeds]]`` table (or at
    the end of the file, created with a short header when missing). Feeds
    already present, or twice in *feeds*, are skipped and reported."""
    path = _real(path)
    for _attempt in range(3):
        original = _read(path)
        text = original.decode("utf-8-sig") if original is not None else HEADER
        existing = _existing(text, path)
        _blocks(text, path, len(_raw_feeds(text)))
        report = AddReport(path)
        seen = {normalise(feed.url): f"already in {path.name}" for feed in existing}
        for feed in feeds:
            key = normalise(feed.url)
            if key in seen:
                reason = seen[key]
                if reason.startswith("already"):
                    reason = f"{redact(feed.url)} is {reason}"
                report.skipped.append((feed, reason))
                continue
            seen[key] = "listed twice"
            report.added.append(feed)
        if not report.added:
            return report
        report.appended = "\n".join(render_entry(feed) for feed in report.added)
        new_text = _insert_after_feeds(text, report.appended)
        expected = [*(_raw_feeds(text)), *({"url": f.url} for f in report.added)]
        config = _check(new_text, path, expected, key="url")
        report.warnings = config.warnings
        if dry_run or _write(path, original, new_text):
            return report
    raise SubscriptionError(f"{path} kept changing while digest edited it; try again")


def remove_feed(path: Path, key: str) -> FeedConfig:
    """Remove the feed *key* names (its URL, its title or its number in
    ``digest config --check``) with the comments directly above it, and
    return it. Its stories stay in the store."""
    path = _real(path)
    for _attempt in range(3):
        original = _require(path)
        text = original.decode("utf-8-sig")
        feeds = _existing(text, path)
        index = find_feed(feeds, key)
        lines, blocks = _blocks(text, path, len(feeds))
        block = blocks[index]
        end = block.end
        # Take one blank line with it, so the neighbours keep one between them.
        if (
            end < len(lines)
            and not lines[end].strip()
            and (block.start == 0 or not lines[block.start - 1].strip())
        ):
            end += 1
        new_text = "".join(lines[: block.start] + lines[end:])
        raw = _raw_feeds(text)
        _check(new_text, path, raw[:index] + raw[index + 1 :])
        if _write(path, original, new_text):
            return feeds[index]
    raise SubscriptionError(f"{path} kept changing while digest edited it; try again")


def set_enabled(path: Path, key: str, enabled: bool) -> bool:
    """Enable or disable the feed *key* names by writing its ``enabled``
    key (in place, keeping any comment on that line); False when it was
    already so and nothing was written."""
    path = _real(path)
    for _attempt in range(3):
        original = _require(path)
        text = original.decode("utf-8-sig")
        feeds = _existing(text, path)
        index = find_feed(feeds, key)
        if feeds[index].enabled == enabled:
            return False
        lines, blocks = _blocks(text, path, len(feeds))
        block = blocks[index]
        value = "true" if enabled else "false"
        for number in range(block.header + 1, block.end):
            match = _ENABLED.match(lines[number])
            if match:
                lines[number] = match.group(1) + value + match.group(3)
                break
        else:
            if not lines[block.end - 1].endswith("\n"):
                lines[block.end - 1] += "\n"
            lines.insert(block.end, f"enabled = {value}\n")
        raw = _raw_feeds(text)
        raw[index] = {**raw[index], "enabled": enabled}
        new_text = "".join(lines)
        _check(new_text, path, raw)
        if _write(path, original, new_text):
            return True
    raise SubscriptionError(f"{path} kept changing while digest edited it; try again")


def find_feed(feeds: Sequence[FeedConfig], key: str) -> int:
    """The index of the feed *key* names: a number from ``digest config
    --check`` (1-based), a URL (compared normalised) or a configured title
    (case-insensitive). Unknown or ambiguous keys raise with a hint."""
    if key.isdigit():
        number = int(key)
        if 1 <= number <= len(feeds):
            return number - 1
        raise SubscriptionError(f"there is no feed number {number} (there are {len(feeds)})")
    wanted = normalise(key)
    for index, feed in enumerate(feeds):
        if normalise(feed.url) == wanted:
            return index
    matches = [i for i, feed in enumerate(feeds) if (feed.title or "").casefold() == key.casefold()]
    if len(matches) == 1:
        return matches[0]
    if matches:
        listed = ", ".join(f"{i + 1}. {redact(feeds[i].url)}" for i in matches)
        raise SubscriptionError(
            f"{len(matches)} feeds are titled {key!r}: {listed}; use the URL or number"
        )
    names = [feed.title for feed in feeds if feed.title] + [feed.url for feed in feeds]
    close = difflib.get_close_matches(key, names, n=1, cutoff=0.6)
    hint = f" (did you mean {close[0]!r}?)" if close else ""
    raise SubscriptionError(f"no feed matches {one_line(key, 100)!r}{hint}")


# ------------------------------------------------------------------ helpers


def _real(path: Path) -> Path:
    return Path(os.path.realpath(path.expanduser()))


def _read(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as error:
        raise SubscriptionError(f"{path}: cannot read: {error.strerror}") from None


def _require(path: Path) -> bytes:
    data = _read(path)
    if data is None:
        raise SubscriptionError(f"{path}: no such file")
    return data


def _existing(text: str, path: Path) -> tuple[FeedConfig, ...]:
    """The feeds of the current file, which must be valid before we edit."""
    try:
        return parse_config(text.encode("utf-8"), path).feeds
    except ConfigError as error:
        raise SubscriptionError(f"{error}\n(fix {path.name} first; nothing was changed)") from None


def _raw_feeds(text: str) -> list[dict[str, Any]]:
    feeds = tomllib.loads(text).get("feeds", [])
    return list(feeds) if isinstance(feeds, list) else []


def _table_lines(lines: list[str]) -> list[tuple[int, str, str]]:
    """(line, bracket, name) of each table header outside multi-line strings."""
    found = []
    in_string: str | None = None
    for number, line in enumerate(lines):
        if in_string is None:
            match = _TABLE.match(line)
            if match:
                found.append((number, match.group(1), match.group(2).strip().strip("\"'")))
                continue
        for delimiter in _TRIPLE.findall(line):
            if in_string is None:
                in_string = delimiter
            elif delimiter == in_string:
                in_string = None
    return found


def _blocks(text: str, path: Path, count: int) -> tuple[list[str], list[_Block]]:
    """The lines and feed blocks of *text*, which must hold *count* feeds
    written as ``[[feeds]]`` tables (not an inline ``feeds = [...]``)."""
    lines = text.splitlines(keepends=True)
    blocks = _feed_blocks(lines)
    if len(blocks) != count:
        raise SubscriptionError(
            f"{path}: digest edits feeds written as [[feeds]] tables only; edit this file by hand"
        )
    return lines, blocks


def _feed_blocks(lines: list[str]) -> list[_Block]:
    headers = _table_lines(lines)
    blocks = []
    for position, (number, bracket, name) in enumerate(headers):
        if (bracket, name) != ("[[", "feeds"):
            continue
        limit = headers[position + 1][0] if position + 1 < len(headers) else len(lines)
        end = limit
        while end > number + 1 and (
            not lines[end - 1].strip() or lines[end - 1].lstrip().startswith("#")
        ):
            end -= 1
        start = number
        while start > 0 and lines[start - 1].lstrip().startswith("#"):
            start -= 1
        if start == 0 and number > 0:
            start = number  # comments opening the file are the file's, not this feed's
        blocks.append(_Block(start, number, end))
    return blocks


def _insert_after_feeds(text: str, entry: str) -> str:
    lines = text.splitlines(keepends=True)
    blocks = _feed_blocks(lines)
    if not blocks:
        if text and not text.endswith("\n"):
            text += "\n"
        separator = "\n" if text.strip() and not text.endswith("\n\n") else ""
        return text + separator + entry
    end = blocks[-1].end
    head = lines[:end]
    if head and not head[-1].endswith("\n"):
        head[-1] += "\n"
    tail = lines[end:]
    if tail and tail[0].strip():
        entry += "\n"  # keep a blank line before what followed the last feed
    return "".join(head) + "\n" + entry + "".join(tail)


def _check(
    new_text: str, path: Path, expected: list[dict[str, Any]], key: str | None = None
) -> Any:
    """Refuse an edit that does not parse to *expected* feeds (compared on
    *key* only, or whole) or that the config validation rejects."""
    try:
        got = _raw_feeds(new_text)
    except tomllib.TOMLDecodeError as error:
        raise SubscriptionError(
            f"{path}: the edit would break the file ({error}); nothing was changed"
        ) from None
    same = [f.get(key) for f in got] == [f.get(key) for f in expected] if key else got == expected
    if not same:  # the line scanner misread the file: never write such an edit
        raise SubscriptionError(f"{path}: digest could not edit this file safely; edit it by hand")
    try:
        return parse_config(new_text.encode("utf-8"), path)
    except ConfigError as error:
        raise SubscriptionError(f"{error}\n(nothing was changed)") from None


def _write(path: Path, original: bytes | None, text: str) -> bool:
    """Atomically replace *path* with *text*, unless it changed since it
    was read as *original* (then False, and the caller redoes the edit)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if _read(path) != original:
        return False
    mode = path.stat().st_mode & 0o7777 if original is not None else None
    handle, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(text.encode("utf-8"))
            file.flush()
            os.fsync(file.fileno())
        if mode is not None:
            os.chmod(temp, mode)  # a new file keeps mkstemp's 0600: URLs may hold passwords
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    return True
