"""The one fetch policy: how digest asks servers (and the disk) for feeds.

- One :class:`httpx.AsyncClient` (HTTP/2 where the server offers it) with a
  global and a per-host concurrency limit.
- Conditional GET (ETag, Last-Modified): an unchanged feed costs one 304.
- Redirects are followed here, not by httpx: at most 5, only to http(s),
  never from a public host to a loopback or private address (unless the
  config allows private feeds). A chain of permanent redirects (301/308)
  reports where the feed now lives.
- ``Accept-Encoding: gzip, deflate`` only, decoded here with an output
  limit, so a decompression bomb stops at ``max_feed_bytes`` (httpx's own
  decoders inflate a whole network chunk at once, and brotli/zstd cannot be
  limited that way at all: those encodings, and stacked ones, are refused).
- httpx timeouts count inactivity only; a server dripping one byte a second
  never trips them. An overall deadline per feed covers the whole fetch,
  retries included.
- Timeouts, dropped connections and 5xx are retried with backoff; 429 and
  503 with Retry-After are not (the feed waits, clamped to 24 h).
- ``file://`` URLs are read from disk, with the file's mtime as its
  Last-Modified. No other scheme is fetched.
"""

from __future__ import annotations

import asyncio
import email.utils
import random
import re
import time
import zlib
from collections.abc import AsyncIterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import httpx

from tui import __version__
from tui.core.config import Settings
from tui.core.fetch_pool import HostPools
from tui.core.sanitize import one_line
from tui.core.urls import is_private_host, redact

MAX_REDIRECTS = 5
# Response headers the schedule reads (tui.core.schedule): how long the
# server says its answer stays fresh.
CACHE_HEADERS = ("cache-control", "expires", "date")
MAX_RETRY_AFTER = 24 * 3600.0
DEFAULT_USER_AGENT = f"digest/{__version__} (terminal news-digest reader; feed fetcher)"
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_PERMANENT = frozenset({301, 308})
_ENCODINGS = frozenset({"gzip", "x-gzip", "deflate"})
# An answer whose body is not wanted (a 304, a redirect, an error page) is
# still read to its end when it is at most this long: a connection closed
# mid-answer cannot be reused, and a refresh that is mostly 304s then opened
# a new connection for nearly every feed (956 of 1000 in the bench).
DRAIN_BYTES = 64 * 1024


@dataclass(frozen=True, slots=True)
class FetchResult:
    """What one fetch of a feed produced.

    ``status`` is the HTTP status (304 also for an unchanged local file) or
    None when no answer came. ``cache_headers`` keeps Cache-Control,
    Expires and Date, which the schedule reads. ``error`` set means the fetch failed; it is
    one line, naming the problem. ``moved_to`` is set when every redirect
    on the way was permanent. ``retry_after`` is in seconds.
    """

    url: str
    status: int | None = None
    body: bytes = b""
    etag: str | None = None
    last_modified: str | None = None
    final_url: str | None = None
    moved_to: str | None = None
    content_type: str | None = None
    retry_after: float | None = None
    error: str | None = None
    attempts: int = 1
    seconds: float = 0.0
    cache_headers: dict[str, str] = field(default_factory=dict)

    @property
    def not_modified(self) -> bool:
        """The server (or the file's mtime) says nothing changed."""
        return self.error is None and self.status == 304

    @property
    def gone(self) -> bool:
        """410 Gone: the feed was removed for good."""
        return self.status == 410


class FetchFailed(Exception):
    """One attempt failed; ``retry`` says whether another may succeed."""

    def __init__(
        self,
        message: str,
        *,
        retry: bool = False,
        status: int | None = None,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(message)
        self.retry = retry
        self.status = status
        self.retry_after = retry_after


class Fetcher:
    """Fetches feeds under one policy; use as ``async with Fetcher(s) as f``.

    Connections are kept per host, at most ``per_host`` of them
    (:class:`tui.core.fetch_pool.HostPools`), unless *transport* replaces
    them. *backoff* is the first retry's delay in seconds.
    """

    def __init__(
        self,
        settings: Settings,
        *,
        backoff: float = 0.5,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.settings = settings
        self.backoff = backoff
        self._transport = transport
        self._global = asyncio.Semaphore(settings.concurrency)
        self._hosts: dict[str, asyncio.Semaphore] = {}
        self._client: httpx.AsyncClient | None = None

    async def __aenter__(self) -> Fetcher:
        timeout = self.settings.timeout_seconds
        self._client = httpx.AsyncClient(
            http2=True,
            follow_redirects=False,
            timeout=httpx.Timeout(timeout, pool=self.settings.deadline_seconds),
            headers={
                "User-Agent": self.settings.user_agent or DEFAULT_USER_AGENT,
                "Accept": "application/rss+xml, application/atom+xml, application/feed+json, "
                "application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5",
                "Accept-Encoding": "gzip, deflate",
            },
            transport=self._transport
            or HostPools(
                per_host=self.settings.per_host,
                keep_hosts=max(16, self.settings.concurrency),
            ),
            trust_env=False,
        )
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        if self._client is not None:
            await self._client.aclose()
            self._client = None

    async def fetch(
        self, url: str, *, etag: str | None = None, last_modified: str | None = None
    ) -> FetchResult:
        """Fetch *url*, conditionally on *etag*/*last_modified*, within the
        per-feed deadline. Never raises for anything the network or the
        server does; the result's ``error`` says what went wrong."""
        started = time.monotonic()
        scheme = urlsplit(url).scheme.lower()
        if scheme == "file":
            result = await asyncio.to_thread(self._read_file, url, last_modified)
        elif scheme not in ("http", "https"):
            result = FetchResult(url, error=f"cannot fetch {scheme or 'scheme-less'} URLs")
        else:
            result = await self._fetch_http(url, etag, last_modified)
        return replace(result, seconds=time.monotonic() - started)

    async def _fetch_http(
        self, url: str, etag: str | None, last_modified: str | None
    ) -> FetchResult:
        headers = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        deadline = self.settings.deadline_seconds
        # Waiting for a slot is not the server's fault: the deadline starts
        # once this feed's host and a global slot are ours.
        async with self._host(host_key(url)), self._global:
            try:
                async with asyncio.timeout(deadline):
                    return await self._attempts(url, headers)
            except TimeoutError:
                return FetchResult(url, error=f"no complete answer within {deadline:g} s")

    async def _attempts(self, url: str, headers: dict[str, str]) -> FetchResult:
        """Try, and retry what may succeed next time, with backoff."""
        attempts = 0
        while True:
            attempts += 1
            try:
                result = await self._follow(url, headers)
                return replace(result, attempts=attempts)
            except FetchFailed as failure:
                if not failure.retry or attempts > self.settings.retries:
                    return FetchResult(
                        url,
                        status=failure.status,
                        error=str(failure),
                        retry_after=failure.retry_after,
                        attempts=attempts,
                    )
            await asyncio.sleep(self.backoff * 2 ** (attempts - 1) * (0.75 + random.random() / 2))

    async def _follow(self, url: str, headers: dict[str, str]) -> FetchResult:
        """One attempt: the request and any redirects it leads to."""
        assert self._client is not None, "use Fetcher as an async context manager"
        current = url
        permanent = True
        for hop in range(MAX_REDIRECTS + 1):
            try:
                async with self._client.stream("GET", current, headers=headers) as response:
                    if response.status_code in _REDIRECTS and "location" in response.headers:
                        current = self._redirect_target(url, current, response)
                        permanent = permanent and response.status_code in _PERMANENT
                        await _drain(response)
                        continue
                    return await self._answer(url, current, response, permanent and hop > 0)
            except httpx.TimeoutException:
                raise FetchFailed(
                    f"timed out (no data for {self.settings.timeout_seconds:g} s)", retry=True
                ) from None
            except (httpx.RemoteProtocolError, httpx.ReadError, httpx.WriteError) as error:
                raise FetchFailed(_connection_problem(error), retry=True) from None
            except httpx.ConnectError as error:
                raise FetchFailed(f"cannot connect: {_describe(error)}") from None
            except (httpx.InvalidURL, httpx.UnsupportedProtocol) as error:
                raise FetchFailed(f"invalid URL: {_describe(error)}") from None
            except httpx.HTTPError as error:
                raise FetchFailed(f"HTTP error: {_describe(error)}") from None
        raise FetchFailed(f"too many redirects (more than {MAX_REDIRECTS})")

    def _host(self, host: str) -> asyncio.Semaphore:
        if host not in self._hosts:
            self._hosts[host] = asyncio.Semaphore(self.settings.per_host)
        return self._hosts[host]

    def _redirect_target(self, origin: str, current: str, response: httpx.Response) -> str:
        location = response.headers["location"].strip()
        try:
            target = urljoin(current, location)
            parts = urlsplit(target)
        except ValueError:
            raise FetchFailed("redirect to an invalid URL") from None
        if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
            raise FetchFailed(
                f"redirect to a {parts.scheme or 'relative'}: URL refused (only http and https)"
            )
        if (
            not self.settings.allow_private
            and is_private_host(parts.hostname)
            and not is_private_host(urlsplit(origin).hostname)
        ):
            raise FetchFailed(f"redirect to a private address refused ({parts.hostname})")
        return target

    async def _answer(
        self, url: str, final: str, response: httpx.Response, moved: bool
    ) -> FetchResult:
        status = response.status_code
        if status != 200:
            await _drain(response)
        common = {
            "status": status,
            "etag": response.headers.get("etag"),
            "last_modified": response.headers.get("last-modified"),
            "final_url": final,
            "moved_to": final if moved and final != url else None,
            "content_type": response.headers.get("content-type"),
            "cache_headers": {
                name: response.headers[name] for name in CACHE_HEADERS if name in response.headers
            },
        }
        if status == 304:
            return FetchResult(url, **common)
        if status in (429, 503) and "retry-after" in response.headers:
            wait = parse_retry_after(response.headers["retry-after"])
            raise FetchFailed(
                f"HTTP {status} {_reason(response)}; server asks to wait {_duration(wait)}",
                status=status,
                retry_after=wait,
            )
        if status == 429:
            raise FetchFailed(f"HTTP 429 {_reason(response)}", status=status)
        if status >= 500:
            raise FetchFailed(f"HTTP {status} {_reason(response)}", retry=True, status=status)
        if status == 410:
            raise FetchFailed("HTTP 410 Gone: the feed was removed by its server", status=status)
        if status >= 300 or status < 200:
            raise FetchFailed(f"HTTP {status} {_reason(response)}", status=status)
        body = await self._read_body(response)
        return FetchResult(url, body=body, **common)

    async def _read_body(self, response: httpx.Response) -> bytes:
        """The decoded body, refusing anything past ``max_feed_bytes``."""
        limit = self.settings.max_feed_bytes
        too_large = f"response too large (over {limit / 1_000_000:g} MB)"
        length = response.headers.get("content-length", "")
        if length.isdigit() and int(length) > limit:
            raise FetchFailed(too_large)
        decoder = _decoder(response.headers.get("content-encoding", ""))
        chunks: list[bytes] = []
        size = 0
        async for piece in _decoded(response.aiter_raw(), decoder, limit):
            size += len(piece)
            if size > limit:
                raise FetchFailed(too_large)
            chunks.append(piece)
        return b"".join(chunks)

    def _read_file(self, url: str, last_modified: str | None) -> FetchResult:
        path = Path(unquote(urlsplit(url).path))
        try:
            stat = path.stat()
            if not path.is_file():
                return FetchResult(url, error=f"{path} is not a file")
            modified = email.utils.formatdate(stat.st_mtime, usegmt=True)
            if last_modified == modified:
                return FetchResult(url, status=304, last_modified=modified, final_url=url)
            if stat.st_size > self.settings.max_feed_bytes:
                return FetchResult(url, error="file too large")
            body = path.read_bytes()
        except FileNotFoundError:
            return FetchResult(url, error=f"no such file: {path}")
        except OSError as error:
            return FetchResult(url, error=f"cannot read {path}: {error.strerror}")
        return FetchResult(url, status=200, body=body, last_modified=modified, final_url=url)


def _decoder(content_encoding: str) -> zlib._Decompress | None:  # type: ignore[name-defined]
    """A zlib decoder for the response's encoding; refuses what cannot be
    decoded with an output limit."""
    codings = [c.strip().lower() for c in content_encoding.split(",") if c.strip()]
    codings = [c for c in codings if c != "identity"]
    if not codings:
        return None
    if len(codings) > 1 or codings[0] not in _ENCODINGS:
        raise FetchFailed(f"unsupported content encoding {one_line(content_encoding, 40)!r}")
    if codings[0] == "deflate":
        return _DeflateDecoder()
    return zlib.decompressobj(16 + zlib.MAX_WBITS)


class _DeflateDecoder:
    """``deflate`` as servers send it: zlib-wrapped, or (wrongly) raw."""

    def __init__(self) -> None:
        self._inner: zlib._Decompress | None = None  # type: ignore[name-defined]
        self.unconsumed_tail = b""

    def decompress(self, data: bytes, max_length: int) -> bytes:
        if self._inner is None:
            wrapped = len(data) >= 2 and data[0] & 0x0F == 8 and int.from_bytes(data[:2]) % 31 == 0
            self._inner = zlib.decompressobj(zlib.MAX_WBITS if wrapped else -zlib.MAX_WBITS)
        out = self._inner.decompress(data, max_length)
        self.unconsumed_tail = self._inner.unconsumed_tail
        return out


async def _decoded(
    raw: AsyncIterator[bytes], decoder: object | None, limit: int
) -> AsyncIterator[bytes]:
    """Yield decoded pieces, never inflating more than *limit* + 1 bytes
    from any one network chunk."""
    async for chunk in raw:
        if decoder is None:
            yield chunk
            continue
        data = chunk
        while data:
            try:
                piece = decoder.decompress(data, limit + 1)  # type: ignore[attr-defined]
            except zlib.error:
                raise FetchFailed("response body is not validly compressed") from None
            yield piece
            data = decoder.unconsumed_tail  # type: ignore[attr-defined]
            if not piece:
                break


def parse_retry_after(value: str) -> float:
    """Retry-After as seconds from now (delta or HTTP-date), clamped to
    [0, 24 h]; unreadable values count as one hour."""
    value = value.strip()
    if value.isdigit():
        seconds = float(int(value[:12]))
    else:
        try:
            moment = email.utils.parsedate_to_datetime(value)
            seconds = moment.timestamp() - time.time()
        except (TypeError, ValueError, IndexError, OverflowError):
            seconds = 3600.0
    return min(max(seconds, 0.0), MAX_RETRY_AFTER)


def _duration(seconds: float) -> str:
    if seconds < 120:
        return f"{seconds:.0f} s"
    if seconds < 7200:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.1f} h"


def _reason(response: httpx.Response) -> str:
    return one_line(response.reason_phrase, 60) or "error"


def _connection_problem(error: Exception) -> str:
    """A dropped connection in words: a body cut short (a Content-Length
    that lied, a server that died mid-answer) says so."""
    text = str(error)
    if text.startswith("peer closed connection without sending complete message body"):
        counts = re.search(r"received (\d+) bytes, expected (\d+)", text)
        detail = f" (received {counts[1]} of {counts[2]} bytes)" if counts else ""
        return f"connection closed early{detail}"
    return f"connection failed: {_describe(error)}"


def _describe(error: Exception) -> str:
    return one_line(redact(str(error)) or type(error).__name__, 160)


def host_key(url: str) -> str:
    """The host the per-host limit counts *url* under (the refresh's fetch
    order groups feeds by it too); "" for none, or a URL that does not split."""
    try:
        return urlsplit(url).hostname or ""
    except ValueError:
        return ""


async def _drain(response: httpx.Response) -> None:
    """Read an unwanted body of at most ``DRAIN_BYTES`` to its end, so that
    its connection goes back to the pool; a longer one, or one that fails,
    is left for closing the connection to cut short."""
    length = response.headers.get("content-length", "")
    if length.isdigit() and int(length) > DRAIN_BYTES:
        return
    read = 0
    try:
        async for piece in response.aiter_raw():
            read += len(piece)
            if read > DRAIN_BYTES:
                return
    except (httpx.HTTPError, httpx.StreamError):  # failed, or read already
        return
