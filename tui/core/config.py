"""feeds.toml → a validated, typed :class:`Config`.

The file is parsed with :mod:`tomllib` and then checked against the option
tables below, which are also what the README's config reference is written
from. Every problem is reported as ``FILE:LINE: key.path: what is wrong``,
all problems at once, so a user fixes their config in one pass. Unknown keys
are warnings with a did-you-mean; anything that would make digest fetch the
wrong thing (a bad URL, a wrong type, a duplicate feed) is an error.
"""

from __future__ import annotations

import difflib
import math
import re
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from tui.core.models import FeedConfig
from tui.core.paths import CONFIG_NAME, default_config_path
from tui.core.urls import is_private_host, normalise, redact

FETCH_SCHEMES = ("http", "https", "file")


class ConfigError(Exception):
    """The config cannot be used; the message has one line per problem."""


@dataclass(frozen=True, slots=True)
class Option:
    """One key of a config table: its type, default, allowed range and the
    sentence the README shows for it."""

    name: str
    type: type
    default: Any
    help: str
    minimum: float | None = None
    maximum: float | None = None


SETTINGS_OPTIONS: tuple[Option, ...] = (
    Option(
        "refresh_minutes", int, 30, "minutes between automatic refreshes of each feed", 1, 10080
    ),
    Option("concurrency", int, 16, "feeds fetched at the same time", 1, 256),
    Option("per_host", int, 4, "simultaneous requests to any one host", 1, 64),
    Option(
        "timeout_seconds",
        float,
        15.0,
        "seconds to wait for a connection or for the next bytes",
        0.5,
        300,
    ),
    Option(
        "deadline_seconds",
        float,
        60.0,
        "seconds one feed may take in all, retries included",
        1,
        3600,
    ),
    Option("retries", int, 2, "retries of a feed after a timeout or a server error", 0, 10),
    Option(
        "max_feed_mb", float, 10.0, "largest feed accepted, in MB after decompression", 0.01, 500
    ),
    Option("max_items", int, 500, "newest items kept from one fetch of a feed", 1, 100000),
    Option("user_agent", str, "", "User-Agent header; empty means digest's own"),
    Option(
        "retention_days",
        int,
        0,
        "drop read, unstarred stories older than this (0 keeps all)",
        0,
        36500,
    ),
    Option(
        "group_window_hours",
        int,
        72,
        "stories from different feeds this many hours apart can be one digest entry",
        1,
        720,
    ),
    Option("theme", str, "textual-dark", "Textual theme of the reader"),
    Option(
        "browser",
        str,
        "",
        "command that opens links ({url} is replaced); empty means the system default",
    ),
    Option("allow_private", bool, False, "allow feeds on loopback and private-network addresses"),
    Option(
        "honour_server_hints",
        bool,
        True,
        "treat a feed's <ttl>, Cache-Control and Expires as the shortest wait between fetches",
    ),
    Option(
        "max_hint_minutes",
        int,
        1440,
        "longest wait a server's hint or Retry-After can impose",
        1,
        43200,
    ),
    Option(
        "max_backoff_minutes",
        int,
        1440,
        "longest wait between retries of a feed that keeps failing",
        1,
        43200,
    ),
)
FEED_OPTIONS: tuple[Option, ...] = (
    Option("url", str, None, "http(s) URL, file:// URL or local path of the feed (required)"),
    Option("title", str, None, "name shown in the sidebar; default: the feed's own title"),
    Option("tags", list, (), "sections of the digest this feed belongs to"),
    Option(
        "refresh_minutes", int, None, "this feed's refresh interval; default: the setting", 1, 10080
    ),
    Option("enabled", bool, True, "false keeps the feed and its stories but stops fetching it"),
    Option("weight", float, 1.0, "how much this feed counts when ranking the digest", 0, 100),
    Option("full_content", bool, False, "fetch the full article page for every new story"),
)
# Names people coming from other readers write, and what we call them. The
# first two are read as their modern names (with a warning); the others
# only feed the did-you-mean.
RENAMED = {"general": "settings", "name": "title"}
ALIASES = {**RENAMED, "tag": "tags", "feed": "feeds", "link": "url"}


@dataclass(frozen=True, slots=True)
class Settings:
    """The ``[settings]`` table. Field names and defaults mirror SETTINGS_OPTIONS."""

    refresh_minutes: int = 30
    concurrency: int = 16
    per_host: int = 4
    timeout_seconds: float = 15.0
    deadline_seconds: float = 60.0
    retries: int = 2
    max_feed_mb: float = 10.0
    max_items: int = 500
    user_agent: str = ""
    retention_days: int = 0
    group_window_hours: int = 72
    theme: str = "textual-dark"
    browser: str = ""
    allow_private: bool = False
    honour_server_hints: bool = True
    max_hint_minutes: int = 1440
    max_backoff_minutes: int = 1440

    @property
    def max_feed_bytes(self) -> int:
        """The decoded-size cap in bytes."""
        return int(self.max_feed_mb * 1_000_000)


@dataclass(frozen=True, slots=True)
class Config:
    """A validated config. ``warnings`` are messages for the user that did
    not stop the config from loading (unknown keys, cleaned titles)."""

    settings: Settings = field(default_factory=Settings)
    feeds: tuple[FeedConfig, ...] = ()
    path: Path | None = None
    warnings: tuple[str, ...] = ()
    extra: Mapping[str, Any] = field(default_factory=dict)

    def tags(self) -> list[str]:
        """Every tag used by an enabled feed, in first-use order."""
        seen: dict[str, None] = {}
        for feed in self.feeds:
            for tag in feed.tags:
                seen.setdefault(tag, None)
        return list(seen)


TableValidator = Callable[[Any, "Reporter"], Any]


def _extra_tables() -> dict[str, TableValidator]:
    """Top-level tables validated by the module that uses them: ``[[rules]]``
    (tui.core.rules) and ``[keys]`` (tui.core.keys). Imported here, not at
    module level, because those modules use :class:`Reporter`."""
    from tui.core.keys import validate_keys
    from tui.core.rules import validate_rules

    return {"rules": validate_rules, "keys": validate_keys}


def find_config(explicit: str | None, environ: Mapping[str, str], cwd: Path) -> Path | None:
    """The config file to use, in the documented order: ``--config``,
    ``$DIGEST_CONFIG``, ``./feeds.toml``, the user config dir. A path named
    explicitly is returned even when missing, so that loading it fails
    loudly instead of silently falling back."""
    if explicit:
        return Path(explicit).expanduser()
    if environ.get("DIGEST_CONFIG"):
        return Path(environ["DIGEST_CONFIG"]).expanduser()
    for candidate in (cwd / CONFIG_NAME, default_config_path()):
        if candidate.is_file():
            return candidate
    return None


def load_config(path: Path) -> Config:
    """Read, parse and validate *path*. Raises :class:`ConfigError`."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise ConfigError(f"{path}: no such file") from None
    except OSError as error:
        raise ConfigError(f"{path}: cannot read: {error.strerror}") from None
    return parse_config(raw, path)


def parse_config(raw: bytes, path: Path) -> Config:
    """Validate the bytes of a config file named *path* (used in messages
    and to resolve relative feed paths)."""
    text = _decode(raw, path)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(_syntax_message(path, text, error)) from None
    reporter = Reporter(path, text)
    config = _validate(data, reporter)
    if reporter.problems:
        raise ConfigError("\n".join(reporter.problems))
    return config


def _decode(raw: bytes, path: Path) -> str:
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]  # a byte-order mark: harmless, but tomllib rejects it
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise ConfigError(
            f"{path}:{line}: not valid UTF-8 at byte {error.start}; save the file as UTF-8"
        ) from None


def _syntax_message(path: Path, text: str, error: tomllib.TOMLDecodeError) -> str:
    message = str(error)
    match = re.search(r"\s*\(at line (\d+), column (\d+)\)$", message)
    if match:
        where = f"{match.group(1)}:{match.group(2)}"
        message = message[: match.start()]
    else:
        match = re.search(r"\s*\(at end of document\)$", message)
        where = f"{text.count(chr(10)) + 1}:1"
        if match:
            message = message[: match.start()] + " at end of file"
    hint = ""
    first = next(
        (line for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")),
        "",
    )
    if re.match(r"^\s*(-\s|[A-Za-z_][\w-]*:(\s|$))", first):
        hint = ' (this looks like YAML; feeds.toml is TOML: key = "value", [[feeds]] tables)'
    return f"{path}:{where}: {_show_message(message)}{hint}"


def _show_message(message: str) -> str:
    # tomllib quotes the offending character with repr, so it is already safe;
    # strip anything else that could reach the terminal all the same.
    return "".join(c if c.isprintable() else f"\\x{ord(c):02x}" for c in message)


def _show(value: Any) -> str:
    """A value quoted for an error message: repr escapes control characters."""
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def _type_name(value: Any) -> str:
    return {
        bool: "boolean",
        int: "integer",
        float: "float",
        str: "string",
        list: "array",
        dict: "table",
    }.get(type(value), type(value).__name__)


class Reporter:
    """Collects problems and warnings, each located at a line of the file.

    Validators of extra tables (``[keys]``, ``[[rules]]``) receive one and
    call :meth:`problem` (stops the config from loading) or :meth:`warn`
    with a table path such as ``"rules[2]"`` and a key.
    """

    def __init__(self, path: Path, text: str) -> None:
        self.path = path
        self.problems: list[str] = []
        self.warnings: list[str] = []
        self._lines = _locate_keys(text)

    def line_of(self, table: str, key: str | None = None) -> int:
        old_names = {new: old for old, new in RENAMED.items()}
        tables = (table, old_names.get(table, table))
        keys = (key, old_names.get(key, key)) if key else (None,)
        for name in tables:
            for candidate in keys:
                if (name, candidate) in self._lines:
                    return self._lines[(name, candidate)]
        return next(
            (self._lines[(name, None)] for name in tables if (name, None) in self._lines), 0
        )

    def _where(self, table: str, key: str | None) -> str:
        line = self.line_of(table, key)
        return f"{self.path}:{line}" if line else str(self.path)

    def problem(self, table: str, key: str | None, message: str) -> None:
        label = ".".join(part for part in (table, key) if part)
        self.problems.append(f"{self._where(table, key)}: {label}: {message}")

    def warn(self, table: str, key: str | None, message: str) -> None:
        label = ".".join(part for part in (table, key) if part)
        self.warnings.append(f"{self._where(table, key)}: {label}: {message}")


_HEADER = re.compile(r"^\s*(\[\[?)\s*([A-Za-z0-9_.\-\"' ]+?)\s*\]\]?\s*(#.*)?$")
_KEY = re.compile(r"""^\s*("[^"]*"|'[^']*'|[A-Za-z0-9_\-]+)\s*=""")


def _locate_keys(text: str) -> dict[tuple[str, str | None], int]:
    """Map (table path, key) to the line it is written on, e.g.
    ``("feeds[2]", "url")``. tomllib gives no positions, and an error that
    says where to look is worth this small scan."""
    lines: dict[tuple[str, str | None], int] = {}
    counts: dict[str, int] = {}
    table = ""
    for number, line in enumerate(text.splitlines(), start=1):
        header = _HEADER.match(line)
        if header:
            name = header.group(2).strip().strip("\"'")
            if header.group(1) == "[[":
                counts[name] = counts.get(name, 0) + 1
                table = f"{name}[{counts[name]}]"
            else:
                table = name
            lines.setdefault((table, None), number)
            continue
        key = _KEY.match(line)
        if key:
            lines.setdefault((table, key.group(1).strip("\"'")), number)
    return lines


def _suggest(name: str, known: list[str]) -> str:
    if name in ALIASES and ALIASES[name] in known:
        return f" (did you mean '{ALIASES[name]}'?)"
    close = difflib.get_close_matches(name, known, n=1, cutoff=0.7)
    return f" (did you mean '{close[0]}'?)" if close else ""


def _check_value(option: Option, value: Any, table: str, report: Reporter) -> Any:
    """Return the value converted to the option's type, or None after
    reporting why it cannot be."""
    expected = {
        int: "an integer",
        float: "a number",
        str: "a string",
        bool: "true or false",
        list: "an array of strings",
    }[option.type]
    if option.type is float and isinstance(value, int) and not isinstance(value, bool):
        value = float(value)
    if option.type is list:
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            report.problem(
                table, option.name, f"expected {expected}, got {_type_name(value)} {_show(value)}"
            )
            return None
        return value
    if type(value) is not option.type:
        report.problem(
            table, option.name, f"expected {expected}, got {_type_name(value)} {_show(value)}"
        )
        return None
    if option.type is float and not math.isfinite(value):
        report.problem(table, option.name, f"expected a finite number, got {_show(value)}")
        return None
    if (
        option.minimum is not None
        and option.maximum is not None
        and not (option.minimum <= value <= option.maximum)
    ):
        low, high = _num(option.minimum), _num(option.maximum)
        report.problem(table, option.name, f"{_show(value)} is out of range ({low} to {high})")
        return None
    return value


def _num(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def _rename(table: dict[str, Any], where: str, report: Reporter) -> dict[str, Any]:
    """Read the old names in RENAMED as the new ones, saying so, unless
    both are present."""
    renamed = dict(table)
    for old, new in RENAMED.items():
        if old in renamed and new not in renamed:
            table, key = (old, None) if where == "" else (where, old)
            report.warn(
                table, key, f"'{old}' is read as '{new}'; rename it to silence this warning"
            )
            renamed[new] = renamed.pop(old)
    return renamed


def _validate(data: dict[str, Any], report: Reporter) -> Config:
    extra_tables = _extra_tables()
    known_top = ["settings", "feeds", *extra_tables]
    data = _rename(data, "", report)
    for key in data:
        if key not in known_top:
            report.warn(
                key, None, f"unknown table or key '{key}' is ignored{_suggest(key, known_top)}"
            )
    settings = _validate_settings(data.get("settings", {}), report)
    feeds = _validate_feeds(data.get("feeds", []), settings, report)
    extra = {
        name: validator(data[name], report)
        for name, validator in extra_tables.items()
        if name in data
    }
    return Config(
        settings=settings,
        feeds=feeds,
        path=report.path,
        warnings=tuple(report.warnings),
        extra=extra,
    )


def _validate_settings(table: Any, report: Reporter) -> Settings:
    if not isinstance(table, dict):
        report.problem("settings", None, f"expected a table, got {_type_name(table)}")
        return Settings()
    options = {option.name: option for option in SETTINGS_OPTIONS}
    values: dict[str, Any] = {}
    for key, value in table.items():
        option = options.get(key)
        if option is None:
            report.warn(
                "settings", key, f"unknown setting '{key}' is ignored{_suggest(key, list(options))}"
            )
            continue
        checked = _check_value(option, value, "settings", report)
        if checked is not None:
            values[key] = checked
    settings = Settings(**values)
    assert {f.name for f in fields(Settings)} == set(options), (
        "Settings and SETTINGS_OPTIONS disagree"
    )
    return settings


def _validate_feeds(entries: Any, settings: Settings, report: Reporter) -> tuple[FeedConfig, ...]:
    if not isinstance(entries, list):
        report.problem("feeds", None, "expected [[feeds]] tables (an array of tables)")
        return ()
    options = {option.name: option for option in FEED_OPTIONS}
    feeds: list[FeedConfig] = []
    seen: dict[str, tuple[str, int]] = {}
    for index, entry in enumerate(entries, start=1):
        table = f"feeds[{index}]"
        if not isinstance(entry, dict):
            report.problem(table, None, f"expected a table, got {_type_name(entry)}")
            continue
        values: dict[str, Any] = {}
        ok = True
        entry = _rename(entry, table, report)
        for key, value in entry.items():
            option = options.get(key)
            if option is None:
                report.warn(
                    table, key, f"unknown key '{key}' is ignored{_suggest(key, list(options))}"
                )
                continue
            checked = _check_value(option, value, table, report)
            if checked is None:
                ok = False
            else:
                values[key] = checked
        if "url" not in entry:
            report.problem(table, None, "missing 'url'")
            continue
        if "url" not in values:
            continue
        url = _check_url(values["url"], table, settings, report)
        if url is None or not ok:
            continue
        values["url"] = url
        values["title"] = _clean_title(values.get("title"), table, report)
        values["tags"] = tuple(
            dict.fromkeys(_clean_title(tag, table, report) or "" for tag in values.get("tags", ()))
        )
        values["tags"] = tuple(tag for tag in values["tags"] if tag)
        key = normalise(url)
        line = report.line_of(table)
        if key in seen:
            other, other_line = seen[key]
            report.problem(table, "url", f"duplicates {other} (line {other_line}): {redact(url)}")
            continue
        seen[key] = (table, line)
        _warn_scheme_twin(key, seen, table, report)
        feeds.append(FeedConfig(line=line, **values))
    return tuple(feeds)


def _warn_scheme_twin(
    key: str, seen: dict[str, tuple[str, int]], table: str, report: Reporter
) -> None:
    if key.startswith(("http://", "https://")):
        twin = ("https://" + key[7:]) if key.startswith("http://") else ("http://" + key[8:])
        if twin in seen:
            report.warn(
                table, "url", f"is probably the same feed as {seen[twin][0]} (http vs https)"
            )


_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def _clean_title(value: str | None, table: str, report: Reporter) -> str | None:
    if value is None:
        return None
    if _CONTROL.search(value):
        report.warn(table, "title", "control characters removed")
        value = _CONTROL.sub("", value)
    value = " ".join(value.split())
    return value or None


def _check_url(url: str, table: str, settings: Settings, report: Reporter) -> str | None:
    """Validate a feed URL and return it in the form digest stores: http(s)
    URLs as written, local paths as absolute ``file://`` URLs."""
    if url != url.strip():
        report.warn(table, "url", "leading/trailing spaces removed")
        url = url.strip()
    if not url:
        report.problem(table, "url", "is empty")
        return None
    if _CONTROL.search(url) or " " in url:
        report.problem(table, "url", f"contains spaces or control characters: {_show(url)}")
        return None
    match = re.match(r"^([A-Za-z][A-Za-z0-9+.\-]*):", url)
    scheme = match.group(1).lower() if match else ""
    if scheme == "" or (len(scheme) == 1 and url[1:3] in (":\\", ":/")):
        return _local_path(url, table, report)
    if scheme not in FETCH_SCHEMES:
        extra = (
            "; newsboat's exec: and filter: feeds are not supported"
            if scheme in ("exec", "filter")
            else ""
        )
        report.problem(
            table, "url", f"unsupported scheme '{scheme}:' (use http, https or file){extra}"
        )
        return None
    if scheme == "file":
        return url
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a port out of range
    except ValueError as error:
        report.problem(table, "url", f"{_show(redact(url))} is not a valid URL ({error})")
        return None
    if not parts.hostname:
        report.problem(table, "url", f"{_show(redact(url))} has no host name")
        return None
    if parts.password is not None:
        report.warn(
            table,
            "url",
            "contains a password; digest sends it to that host only and never shows it",
        )
    if is_private_host(parts.hostname) and not settings.allow_private:
        report.problem(
            table,
            "url",
            f"{parts.hostname} is a loopback or private-network address; "
            "set allow_private = true in [settings] to fetch it",
        )
        return None
    return url


def _local_path(url: str, table: str, report: Reporter) -> str | None:
    if re.match(r"^https?//", url, re.I):
        report.problem(table, "url", f"{_show(url)} lacks the ':' after its scheme")
        return None
    if not url.startswith(("/", "./", "../", "~")) and not re.match(r"^[A-Za-z]:[\\/]", url):
        report.problem(
            table,
            "url",
            f"{_show(url)} has no scheme: write https://{url.lstrip('/')} "
            "or a file path starting with /, ./ or ~",
        )
        return None
    path = Path(url).expanduser()
    if not path.is_absolute():
        path = (report.path.parent / path).resolve()
    return path.as_uri()
