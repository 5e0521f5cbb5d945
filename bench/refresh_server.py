"""A fast loopback feed server for bench/refresh.py.

It must never be the bottleneck, so it is a bare asyncio protocol that
answers from pre-built bytes: ``GET /f/N.xml`` serves synthetic feed *N*
(bench/refresh_feeds.py) with an ETag and a Last-Modified, answering
``If-None-Match``/``If-Modified-Since`` with 304. Feeds are spread over
several loopback addresses (127.0.1.1, 127.0.1.2, ...) as real feeds are
spread over hosts, so a per-host limit behaves as it would on the web.

``GET /_control?latency=0.1&bump=0.1&total=1000`` sets the added latency
per request and moves every tenth feed of 1000 to its next version;
``prepare=1000`` builds feeds 0-999. Every feed a run will fetch is built
before the run, by prepare or bump: building one costs ≈7 ms of the
server's CPU, on the cores the measured program uses, and whichever
program fetched a feed first would pay for it (digest's cold refresh did,
and newsboat's then found every feed built). It runs in its own
process (``python bench/refresh_server.py PORT HOSTS``) and exits when its
stdin closes, so it can never outlive the benchmark.
"""

from __future__ import annotations

import asyncio
import sys
import threading
from email.utils import formatdate, parsedate_to_datetime
from urllib.parse import parse_qs, urlsplit

sys.path.insert(0, str(__import__("pathlib").Path(__file__).resolve().parents[1]))
from bench.refresh_feeds import BASE_TIME, make_feed


class State:
    """Versions of the feeds, the added latency and the response cache."""

    def __init__(self) -> None:
        self.latency = 0.0
        self.version: dict[int, int] = {}
        self.cache: dict[tuple[int, int], tuple[bytes, bytes, str, float]] = {}

    def feed(self, number: int) -> tuple[bytes, bytes, str, float]:
        """(full 200 response, etag, last-modified, mtime) of feed *number*."""
        version = self.version.get(number, 0)
        key = (number, version)
        if key not in self.cache:
            body = make_feed(number, version)
            mtime = BASE_TIME + version * 3600
            etag = f'"{number}-{version}"'
            modified = formatdate(mtime, usegmt=True)
            head = (
                "HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml; charset=utf-8\r\n"
                f"ETag: {etag}\r\nLast-Modified: {modified}\r\n"
                f"Content-Length: {len(body)}\r\n\r\n"
            ).encode()
            self.cache[key] = (head + body, etag.encode(), modified, mtime)
        return self.cache[key]


STATE = State()


class FeedProtocol(asyncio.Protocol):
    """HTTP/1.1 with keep-alive, just enough for GET."""

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport
        self.buffer = b""

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        while b"\r\n\r\n" in self.buffer:
            head, self.buffer = self.buffer.split(b"\r\n\r\n", 1)
            response = self.answer(head)
            if STATE.latency:
                asyncio.get_running_loop().call_later(STATE.latency, self.send, response)
            else:
                self.send(response)

    def send(self, response: bytes) -> None:
        if not self.transport.is_closing():
            self.transport.write(response)

    def answer(self, head: bytes) -> bytes:
        lines = head.decode("latin-1").split("\r\n")
        target = lines[0].split(" ")[1]
        headers = {}
        for line in lines[1:]:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        path = urlsplit(target)
        if path.path == "/_control":
            query = parse_qs(path.query)
            if "latency" in query:
                STATE.latency = float(query["latency"][0])
            if "prepare" in query:
                for number in range(int(query["prepare"][0])):
                    STATE.feed(number)
            if "bump" in query:
                total = int(query["total"][0])
                step = round(1 / float(query["bump"][0]))
                for number in range(0, total, step):
                    STATE.version[number] = STATE.version.get(number, 0) + 1
                    STATE.feed(number)
            return _plain(200, b"ok")
        if path.path.startswith("/f/") and path.path.endswith(".xml"):
            number = int(path.path[3:-4])
            response, etag, _modified, mtime = STATE.feed(number)
            if headers.get("if-none-match") == etag.decode():
                return _not_modified(etag)
            since = headers.get("if-modified-since")
            if since and "if-none-match" not in headers:
                try:
                    if parsedate_to_datetime(since).timestamp() >= mtime:
                        return _not_modified(etag)
                except (TypeError, ValueError):
                    pass
            return response
        return _plain(404, b"not found")


def _not_modified(etag: bytes) -> bytes:
    return b"HTTP/1.1 304 Not Modified\r\nETag: " + etag + b"\r\nContent-Length: 0\r\n\r\n"


def _plain(status: int, body: bytes) -> bytes:
    return (
        f"HTTP/1.1 {status} X\r\nContent-Type: text/plain\r\nContent-Length: {len(body)}\r\n\r\n"
    ).encode() + body


def host(number: int, hosts: int) -> str:
    """The loopback address feed *number* is served on."""
    return f"127.0.1.{number % hosts + 1}"


async def serve(port: int, hosts: int) -> None:
    """Listen on every host address until stdin closes."""
    loop = asyncio.get_running_loop()
    servers = [
        await loop.create_server(FeedProtocol, host(n, hosts), port, backlog=4096)
        for n in range(hosts)
    ]
    stop = asyncio.Event()
    threading.Thread(
        target=lambda: (sys.stdin.read(), loop.call_soon_threadsafe(stop.set)), daemon=True
    ).start()
    print("ready", flush=True)
    await stop.wait()
    for server in servers:
        server.close()


if __name__ == "__main__":
    asyncio.run(serve(int(sys.argv[1]), int(sys.argv[2])))
