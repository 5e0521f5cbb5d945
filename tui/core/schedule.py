"""When to fetch each feed next: polite to servers, quick for the reader.

Pure functions of what the last fetch told us and a clock passed in, so
every schedule is testable with a fake clock. Times are Unix seconds (UTC),
as the store keeps them.

- **Interval.** The feed's ``refresh_minutes``, else the setting.
- **Server hints are a lower bound** (``honour_server_hints``): the feed's
  ``<ttl>`` (minutes), ``Cache-Control: max-age`` (else ``Expires`` minus
  ``Date``) are never undercut, but never delay a feed by more than
  ``max_hint_minutes`` (a site saying "cache for a year" is not obeyed).
  ``no-cache``/``no-store`` mean no hint.
- **Failures back off** exponentially from the interval: 1×, 2×, 4×… capped
  at ``max_backoff_minutes`` (but never more often than the interval).
  ``Retry-After`` on a 429/503 is honoured up to ``max_hint_minutes``.
- **Jitter**, deterministic per feed URL (so one feed keeps a steady
  rhythm while feeds added together drift apart): up to
  ``jitter_fraction`` of the delay (at most ``max_jitter_minutes``), taken
  off a normal interval (never below a server's lower bound) and added to a
  hint or a back-off. Taking it off means a cron job running at the feed's
  interval still finds it due.
- :func:`stagger` spaces a run's fetches to the same host, so a cron run
  never opens all of one site's feeds at once.
"""

from __future__ import annotations

import email.utils
import hashlib
import math
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import urlsplit

from tui.core.models import Feed

_MAX_AGE = re.compile(r"(?:^|,)\s*max-age\s*=\s*\"?(\d+)\"?", re.I)
_NO_CACHE = re.compile(r"(?:^|,)\s*(?:no-cache|no-store)\b", re.I)
DEFAULT_GRACE = 60.0  # a feed due within this many seconds counts as due now


@dataclass(frozen=True, slots=True)
class SchedulePolicy:
    """The knobs of the schedule (the config's settings)."""

    honour_server_hints: bool = True
    max_hint_minutes: float = 1440
    max_backoff_minutes: float = 1440
    jitter_fraction: float = 0.1
    max_jitter_minutes: float = 5


@dataclass(frozen=True, slots=True)
class FetchFacts:
    """What one fetch told us. ``failures`` counts consecutive failures
    including this one (0 after a success or a 304). ``headers`` are the
    response's (any case; Cache-Control, Expires, Date, Retry-After are
    read). ``ttl_minutes`` is the feed's ``<ttl>``. ``retry_after`` is
    Retry-After already in seconds (as ``FetchResult.retry_after``); it wins
    over the header."""

    ok: bool
    status: int | None = None
    failures: int = 0
    ttl_minutes: float | None = None
    headers: Mapping[str, str] = field(default_factory=dict)
    retry_after: float | None = None


@dataclass(frozen=True, slots=True)
class NextFetch:
    """When to fetch next, and why, in words for ``digest feeds``."""

    at: float
    reason: str


def _header(headers: Mapping[str, str], name: str) -> str | None:
    lowered = name.lower()
    for key, value in headers.items():
        if key.lower() == lowered:
            return value
    return None


def _http_date(value: str | None) -> float | None:
    if not value:
        return None
    try:
        moment = email.utils.parsedate_to_datetime(value.strip())
    except (TypeError, ValueError, IndexError):
        return None
    if moment is None:
        return None
    return moment.timestamp() if moment.tzinfo else moment.replace(tzinfo=None).timestamp()


def cache_seconds(headers: Mapping[str, str], now: float) -> tuple[float, str] | None:
    """How long the response says it stays fresh, and which header said so:
    ``max-age`` wins over ``Expires`` (RFC 9111); Expires is measured from
    the response's ``Date`` when there is one, so a wrong local clock does
    not matter. None when the response says nothing usable."""
    control = _header(headers, "Cache-Control") or ""
    if _NO_CACHE.search(control):
        return None
    match = _MAX_AGE.search(control)
    if match:
        return float(match.group(1)), "Cache-Control max-age"
    expires = _header(headers, "Expires")
    if expires is None:
        return None
    until = _http_date(expires)
    if until is None:
        return 0.0, "Expires"  # an invalid Expires means "already expired"
    reference = _http_date(_header(headers, "Date")) or now
    return max(0.0, until - reference), "Expires"


def retry_after_seconds(headers: Mapping[str, str], now: float) -> float | None:
    """``Retry-After`` as seconds from now (delta-seconds or an HTTP date)."""
    value = (_header(headers, "Retry-After") or "").strip()
    if not value:
        return None
    if value.isdigit():
        return float(value)
    moment = _http_date(value)
    return None if moment is None else max(0.0, moment - now)


def backoff_seconds(failures: int, interval: float, cap: float) -> float:
    """The wait after *failures* consecutive failures: the interval doubled
    each time after the first, capped at *cap* (never below the interval)."""
    if failures <= 0:
        return interval
    return max(interval, min(cap, interval * 2 ** min(failures - 1, 32)))


def url_fraction(url: str) -> float:
    """A number in [0, 1) fixed for *url*: the default jitter source."""
    digest = hashlib.blake2b(url.encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "big") / 2**64


def next_fetch(
    url: str,
    interval_minutes: float,
    facts: FetchFacts,
    now: float,
    policy: SchedulePolicy = SchedulePolicy(),
    jitter: Callable[[str], float] = url_fraction,
) -> NextFetch:
    """When to fetch *url* next after a fetch at *now* (see the module
    docstring for the rules and their order)."""
    interval = interval_minutes * 60
    max_hint = policy.max_hint_minutes * 60
    spread = jitter(url) * min(policy.jitter_fraction, 1.0)
    cap_jitter = policy.max_jitter_minutes * 60
    if not facts.ok:
        delay = backoff_seconds(facts.failures, interval, policy.max_backoff_minutes * 60)
        reason = f"back-off after {facts.failures} failure{'s' if facts.failures != 1 else ''}"
        retry = None
        if facts.status in (429, 503):
            retry = facts.retry_after
            if retry is None:
                retry = retry_after_seconds(facts.headers, now)
        if retry is not None and min(retry, max_hint) > delay:
            delay, reason = min(retry, max_hint), "server asked to retry later (Retry-After)"
        # Jitter spreads retries, but never past the longest wait we promise.
        ceiling = max(delay, policy.max_backoff_minutes * 60, max_hint)
        return NextFetch(now + min(delay + min(spread * delay, cap_jitter), ceiling), reason)
    hint = _hint(facts, now, policy)
    if hint is not None and hint[0] > interval:
        delay = min(hint[0], max_hint)
        return NextFetch(
            now + delay + min(spread * delay, cap_jitter), f"{hint[1]} {format_duration(hint[0])}"
        )
    lower = hint[0] if hint is not None else 0.0
    early = min(spread * interval, cap_jitter)
    return NextFetch(now + max(interval - early, lower), f"every {format_duration(interval)}")


def _hint(facts: FetchFacts, now: float, policy: SchedulePolicy) -> tuple[float, str] | None:
    if not policy.honour_server_hints:
        return None
    hints = []
    if facts.ttl_minutes is not None and facts.ttl_minutes > 0:
        hints.append((facts.ttl_minutes * 60, "feed <ttl>"))
    cached = cache_seconds(facts.headers, now)
    if cached is not None:
        hints.append(cached)
    return max(hints) if hints else None


def parse_ttl(value: object) -> float | None:
    """A feed's ``<ttl>`` (minutes, as feedparser gives it: a string) or None."""
    try:
        minutes = float(str(value).strip())
    except (TypeError, ValueError):
        return None
    return minutes if math.isfinite(minutes) and minutes > 0 else None


def is_due(feed: Feed, now: float, grace: float = DEFAULT_GRACE) -> bool:
    """Should ``digest refresh --due`` fetch *feed* at *now*? Enabled, not
    gone, and never fetched or scheduled at most *grace* seconds ahead."""
    if not feed.enabled or feed.state.gone:
        return False
    scheduled = feed.state.next_fetch
    return scheduled is None or scheduled.timestamp() <= now + grace


def describe(feed: Feed, now: float) -> str:
    """The feed's schedule in words for ``digest feeds``: disabled, gone,
    backing off (with the failure count and the next try) or next fetch."""
    if not feed.enabled:
        return "disabled"
    if feed.state.gone:
        return "gone (410): re-enable it to try again"
    scheduled = feed.state.next_fetch
    when = (
        "due now"
        if scheduled is None or scheduled.timestamp() <= now
        else (f"next in {format_duration(scheduled.timestamp() - now)}")
    )
    failures = feed.state.consecutive_failures
    if failures:
        return f"backing off after {failures} failure{'s' if failures != 1 else ''}: {when}"
    return when


def format_duration(seconds: float) -> str:
    """``45 s``, ``12 min``, ``3 h``, ``1 h 30 min``, ``2 d``."""
    seconds = max(0, round(seconds))
    if seconds < 60:
        return f"{seconds} s"
    minutes = round(seconds / 60)
    if minutes < 60:
        return f"{minutes} min"
    hours, rest = divmod(minutes, 60)
    if hours < 48:
        return f"{hours} h" + (f" {rest} min" if rest else "")
    return f"{round(hours / 24)} d"


def stagger(urls: Iterable[str], gap_seconds: float = 2.0) -> dict[str, float]:
    """A start offset (seconds into the run) for each URL so that fetches to
    one host start at least *gap_seconds* apart, in an order fixed per URL;
    different hosts start together."""
    by_host: dict[str, list[str]] = {}
    for url in urls:
        host = (urlsplit(url).hostname or "").lower()
        by_host.setdefault(host, []).append(url)
    offsets = {}
    for group in by_host.values():
        for position, url in enumerate(sorted(group, key=url_fraction)):
            offsets[url] = position * gap_seconds
    return offsets


def from_datetime(moment: datetime | None) -> float | None:
    """A model datetime as Unix seconds (the store's time), or None."""
    return None if moment is None else moment.timestamp()
