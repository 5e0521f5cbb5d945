"""The fetcher's connections, kept in one small pool per host.

httpcore's connection pool looks at every connection it holds each time a
request starts and each time a response is closed, and asks the system
whether each idle one was closed by its server (one ``poll`` per
connection). Once 304 answers were read to their end so that their
connections could be reused (see ``DRAIN_BYTES`` in :mod:`tui.core.fetch`),
a single pool kept the refresh's 32 connections alive and that scan became
the largest cost of a mostly-unchanged refresh: 104,000 checks for 1,000
feeds. Here each host (scheme, host, port) has a pool of its own, of at
most ``per_host`` connections, so a request looks only at its host's few.
The pools of hosts not used lately are closed once more than *keep_hosts*
are open, so a long subscription list does not keep a socket per host.
"""

from __future__ import annotations

import select
import socket
import ssl
from collections import Counter, OrderedDict
from collections.abc import AsyncIterator, Callable
from typing import Any

import httpx

_Origin = tuple[str, str, int | None]


class HostPools(httpx.AsyncBaseTransport):
    """An httpx transport that sends each request through its host's own
    :class:`httpx.AsyncHTTPTransport`."""

    def __init__(self, *, per_host: int, keep_hosts: int, http2: bool = True) -> None:
        self.per_host = max(1, per_host)
        self.keep_hosts = max(1, keep_hosts)
        self.http2 = http2
        self._ssl: ssl.SSLContext | None = None  # one for every host: loading CAs is slow
        self._pools: OrderedDict[_Origin, httpx.AsyncHTTPTransport] = OrderedDict()
        self._busy: Counter[_Origin] = Counter()

    def __len__(self) -> int:
        """Hosts with a pool open."""
        return len(self._pools)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        """Send *request* through its host's pool; the host counts as busy
        until the response is closed."""
        origin = (request.url.scheme, request.url.host, request.url.port)
        self._busy[origin] += 1
        try:
            pool = self._pools.get(origin)
            if pool is None:
                # In the table before anything is awaited: the requests to
                # this host that start meanwhile share it.
                pool = self._pools[origin] = self._open()
                await self._close_idle(self.keep_hosts)
            else:
                self._pools.move_to_end(origin)
            response = await pool.handle_async_request(request)
        except BaseException:
            self._done(origin)
            raise
        return httpx.Response(
            status_code=response.status_code,
            headers=response.headers,
            stream=_Tracked(response.stream, lambda: self._done(origin)),  # type: ignore[arg-type]
            extensions=response.extensions,
        )

    async def aclose(self) -> None:
        """Close every host's pool."""
        pools, self._pools = list(self._pools.values()), OrderedDict()
        for pool in pools:
            await pool.aclose()

    def _open(self) -> httpx.AsyncHTTPTransport:
        if self._ssl is None:
            self._ssl = httpx.create_ssl_context(trust_env=False)  # as the client: no env
        limits = httpx.Limits(
            max_connections=self.per_host, max_keepalive_connections=self.per_host
        )
        transport = httpx.AsyncHTTPTransport(verify=self._ssl, http2=self.http2, limits=limits)
        # httpx takes no network backend: its httpcore pool's is wrapped
        # (tests/refresh/test_fetch_pool.py checks that this still holds).
        pool = getattr(transport, "_pool", None)
        backend = getattr(pool, "_network_backend", None)
        if backend is not None:
            pool._network_backend = _Backend(backend)  # type: ignore[union-attr]
        return transport

    def _done(self, origin: _Origin) -> None:
        self._busy[origin] -= 1
        if self._busy[origin] <= 0:
            del self._busy[origin]

    async def _close_idle(self, keep: int) -> None:
        """Close the least recently used idle pools until at most *keep*
        remain (busy ones are never closed: their answers are being read).
        They leave the table before any is closed, so a request that starts
        meanwhile opens a new pool rather than using a closing one."""
        closing = []
        for origin in list(self._pools):
            if len(self._pools) <= keep:
                break
            if origin not in self._busy:
                closing.append(self._pools.pop(origin))
        for pool in closing:
            await pool.aclose()


class _Tracked(httpx.AsyncByteStream):
    """A response body that says when it is closed."""

    def __init__(self, stream: httpx.AsyncByteStream, closed: Callable[[], None]) -> None:
        self._stream = stream
        self._closed: Callable[[], None] | None = closed

    async def __aiter__(self) -> AsyncIterator[bytes]:
        async for piece in self._stream:
            yield piece

    async def aclose(self) -> None:
        try:
            await self._stream.aclose()
        finally:
            if self._closed is not None:
                self._closed, closed = None, self._closed
                closed()


class _Backend:
    """httpcore's network backend, whose connections are :class:`KnownSocket`."""

    def __init__(self, inner: Any) -> None:
        self._inner = inner

    async def connect_tcp(self, *args: Any, **kwargs: Any) -> KnownSocket:
        return KnownSocket(await self._inner.connect_tcp(*args, **kwargs))

    async def connect_unix_socket(self, *args: Any, **kwargs: Any) -> KnownSocket:
        return KnownSocket(await self._inner.connect_unix_socket(*args, **kwargs))

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)


class KnownSocket:
    """A connection's stream that keeps its socket at hand.

    Each time a request starts or ends, httpcore asks every idle connection
    of the host's pool whether its server hung up (``is_readable``). anyio
    answers by building the table of all its socket's attributes, with a
    ``getpeername`` system call, every time: a tenth of the CPU of a
    refresh where every feed answers 304. Here it is one ``poll``.
    """

    def __init__(self, stream: Any) -> None:
        self._stream = stream
        self._socket: socket.socket | None = stream.get_extra_info("socket")

    async def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return await self._stream.read(max_bytes, timeout)

    async def write(self, buffer: bytes, timeout: float | None = None) -> None:
        await self._stream.write(buffer, timeout)

    async def aclose(self) -> None:
        await self._stream.aclose()

    async def start_tls(self, *args: Any, **kwargs: Any) -> KnownSocket:
        return KnownSocket(await self._stream.start_tls(*args, **kwargs))

    def get_extra_info(self, info: str) -> Any:
        if info == "socket":
            return self._socket
        if info == "is_readable":
            return _readable(self._socket)
        return self._stream.get_extra_info(info)


def _readable(sock: socket.socket | None) -> bool:
    """Would reading *sock* return at once? For an idle connection: its
    server closed it (a gone socket counts as closed, as in httpcore)."""
    fd = -1 if sock is None else sock.fileno()
    if fd < 0:
        return True
    if not hasattr(select, "poll"):  # Windows
        return bool(select.select([fd], [], [], 0)[0])
    poller = select.poll()
    poller.register(fd, select.POLLIN)
    return bool(poller.poll(0))
