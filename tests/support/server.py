"""A real HTTP server on 127.0.0.1 for tests, with routes set per test.

Tests register what each path answers (body, status, headers, a redirect,
conditional-GET behaviour, a delay or a handler function) and read back the
requests the server saw. It runs in a thread of the test process; nothing
leaves the loopback interface.
"""

from __future__ import annotations

import email.utils
import hashlib
import http.server
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class Route:
    """What one path answers."""

    body: bytes = b""
    status: int = 200
    content_type: str | None = "application/rss+xml"
    headers: dict[str, str] = field(default_factory=dict)
    etag: bool = False  # answer If-None-Match with 304
    last_modified: float | None = None  # answer If-Modified-Since with 304
    delay: float = 0.0  # seconds before answering (server-side latency)
    handler: Callable[[http.server.BaseHTTPRequestHandler], None] | None = None


@dataclass
class SeenRequest:
    """A request as the server received it."""

    path: str
    headers: dict[str, str]


class _QuietServer(http.server.ThreadingHTTPServer):
    """Clients that hang up mid-answer (a refused bomb, a deadline) are
    expected in these tests; don't print their tracebacks."""

    def handle_error(self, request: object, client_address: object) -> None:
        import sys

        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)  # type: ignore[arg-type]


class FeedServer:
    """``with FeedServer() as server: server.route("/feed", Route(body=...))``."""

    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.requests: list[SeenRequest] = []
        self.connections = 0  # TCP connections accepted
        self._lock = threading.Lock()
        server = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: object) -> None:
                pass

            def setup(self) -> None:
                super().setup()
                with server._lock:
                    server.connections += 1

            def do_GET(self) -> None:
                server._handle(self)

            def do_HEAD(self) -> None:
                server._handle(self)

        self._httpd = _QuietServer(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)

    @property
    def port(self) -> int:
        """The port the server listens on."""
        return self._httpd.server_address[1]

    def url(self, path: str) -> str:
        """The full URL of *path* on this server."""
        return f"http://127.0.0.1:{self.port}{path}"

    def route(self, path: str, route: Route) -> str:
        """Serve *route* at *path* (query strings included); returns its URL."""
        with self._lock:
            self.routes[path] = route
        return self.url(path)

    def hits(self, path: str) -> list[SeenRequest]:
        """The requests made for *path* so far."""
        with self._lock:
            return [request for request in self.requests if request.path == path]

    def _handle(self, request: http.server.BaseHTTPRequestHandler) -> None:
        with self._lock:
            self.requests.append(SeenRequest(request.path, dict(request.headers.items())))
            route = self.routes.get(request.path)
        if route is None:
            return self._send(request, 404, b"not found", "text/plain", {})
        if route.delay:
            time.sleep(route.delay)
        if route.handler is not None:
            return route.handler(request)
        headers = dict(route.headers)
        if route.etag:
            tag = '"' + hashlib.sha1(route.body).hexdigest()[:16] + '"'
            headers["ETag"] = tag
            if request.headers.get("If-None-Match") == tag:
                return self._send(request, 304, b"", None, headers)
        if route.last_modified is not None:
            headers["Last-Modified"] = email.utils.formatdate(route.last_modified, usegmt=True)
            since = request.headers.get("If-Modified-Since")
            if since and email.utils.parsedate_to_datetime(since).timestamp() >= int(
                route.last_modified
            ):
                return self._send(request, 304, b"", None, headers)
        self._send(request, route.status, route.body, route.content_type, headers)

    @staticmethod
    def _send(
        request: http.server.BaseHTTPRequestHandler,
        status: int,
        body: bytes,
        content_type: str | None,
        headers: dict[str, str],
    ) -> None:
        request.send_response(status)
        for name, value in headers.items():
            request.send_header(name, value)
        if content_type:
            request.send_header("Content-Type", content_type)
        request.send_header("Content-Length", str(len(body)))
        request.end_headers()
        if request.command != "HEAD" and status not in (204, 304):
            request.wfile.write(body)

    def __enter__(self) -> FeedServer:
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
