"""The fetcher's per-host connection pools, against real servers on
127.0.0.1 (each port is an origin of its own)."""

from __future__ import annotations

import asyncio
import http.server
import shutil
import socket
import ssl
import subprocess
import threading
from pathlib import Path

import httpx
import pytest

from tests.support.server import FeedServer, Route
from tui.core.fetch_pool import HostPools, KnownSocket


def test_each_host_keeps_its_connections_and_idle_hosts_beyond_the_limit_are_closed() -> None:
    with FeedServer() as one, FeedServer() as two, FeedServer() as three:
        urls = [server.route("/feed", Route(body=b"x" * 100)) for server in (one, two, three)]

        async def main() -> None:
            pools = HostPools(per_host=2, keep_hosts=1)
            async with httpx.AsyncClient(transport=pools) as client:
                for _ in range(3):
                    assert (await client.get(urls[0])).content == b"x" * 100
                assert one.connections == 1  # one connection, reused
                async with client.stream("GET", urls[1]) as busy:
                    await client.get(urls[2])  # a third host: one goes, two is busy
                    assert len(pools) == 2
                    await busy.aread()
                await client.get(urls[0])
                assert one.connections == 2  # its pool was closed: a new connection
                assert len(pools) == 1
            assert len(pools) == 0

        asyncio.run(main())


def test_a_connection_its_server_hung_up_is_not_reused() -> None:
    hung_up = threading.Event()

    def answer_and_hang_up(handler: http.server.BaseHTTPRequestHandler) -> None:
        # A keep-alive answer, then the server closes the connection anyway
        # (as servers do with idle connections): the client learns it only
        # from the socket.
        handler.send_response(200)
        handler.send_header("Content-Length", "1")
        handler.end_headers()
        handler.wfile.write(b"x")
        handler.wfile.flush()
        handler.connection.shutdown(socket.SHUT_WR)
        handler.close_connection = True
        hung_up.set()

    with FeedServer() as server:
        closing = server.route("/closing", Route(handler=answer_and_hang_up))
        feed = server.route("/feed", Route(body=b"y"))

        async def main() -> None:
            pools = HostPools(per_host=1, keep_hosts=4)
            async with httpx.AsyncClient(transport=pools) as client:
                assert (await client.get(feed)).content == b"y"
                (pool,) = pools._pools.values()
                (connection,) = pool._pool.connections
                # The connection's stream answers "did the server hang up?"
                # itself, not through anyio's attribute table.
                assert isinstance(connection._connection._network_stream, KnownSocket)
                assert (await client.get(closing)).content == b"x"  # on the same connection
                await asyncio.to_thread(hung_up.wait)
                assert (await client.get(feed)).content == b"y"  # on a new one
            assert server.connections == 2

        asyncio.run(main())


@pytest.mark.skipif(shutil.which("openssl") is None, reason="needs openssl to make a certificate")
def test_a_tls_connection_is_reused_and_knows_its_socket(tmp_path: Path) -> None:
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
         "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True,
    )
    opened: list[object] = []

    class Answer(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def setup(self) -> None:
            opened.append(self.request)
            super().setup()

        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Answer)
    served = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    served.load_cert_chain(cert, key)
    server.socket = served.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        url = f"https://127.0.0.1:{server.server_address[1]}/feed"

        async def main() -> None:
            pools = HostPools(per_host=1, keep_hosts=4)
            pools._ssl = ssl.create_default_context(cafile=str(cert))  # trust the test's own
            async with httpx.AsyncClient(transport=pools) as client:
                for _ in range(2):
                    assert (await client.get(url)).content == b"ok"
                (pool,) = pools._pools.values()
                (connection,) = pool._pool.connections
                stream = connection._connection._network_stream
                assert isinstance(stream, KnownSocket)
                assert stream.get_extra_info("ssl_object") is not None
                assert stream.get_extra_info("is_readable") is False

        asyncio.run(main())
    finally:
        server.shutdown()
        server.server_close()
    assert len(opened) == 1  # both requests on one connection
