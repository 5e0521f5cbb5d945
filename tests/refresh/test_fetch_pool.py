"""The fetcher's per-host connection pools, against real servers on
127.0.0.1 (each port is an origin of its own)."""

from __future__ import annotations

import asyncio

import httpx

from tests.support.server import FeedServer, Route
from tui.core.fetch_pool import HostPools


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
