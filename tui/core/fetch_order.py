"""The order a refresh fetches its feeds in: host by host, so that each
finished request hands its connection to the next feed on the same host.

The fetcher keeps a small pool of connections (fewer, reused connections
measured faster than one per feed; see :class:`tui.core.fetch.Fetcher`).
Fetched in config order, consecutive feeds are usually on different
hosts: each finished fetch handed its turn to a feed on another host,
whose request found no idle connection there and closed someone else's to
open its own. In the refresh bench (1000 feeds on 50 hosts, 32 at a time)
956 of 1000 requests opened a new connection that way.

Here each of the refresh's fetch lanes keeps to one host while that host
has feeds left and fewer than ``per_host`` of them in flight, and only then
moves to the next host in config order: a host's connections stay busy
until its feeds are done. With many hosts of one feed each (the usual
subscription list) this is config order, as before.
"""

from __future__ import annotations

import asyncio
from collections import Counter, deque
from collections.abc import Callable, Iterable
from typing import Generic, TypeVar

_T = TypeVar("_T")


class HostQueue(Generic[_T]):
    """Items (feeds) queued by host, handed out to lanes that each prefer
    the host of their previous item. At most *per_host* items of one host
    are out (taken and not yet released) at a time."""

    def __init__(self, items: Iterable[_T], host_of: Callable[[_T], str], per_host: int) -> None:
        self.per_host = max(1, per_host)
        self._queues: dict[str, deque[_T]] = {}
        for item in items:
            self._queues.setdefault(host_of(item), deque()).append(item)
        self._out: Counter[str] = Counter()
        self._freed = asyncio.Event()

    def __len__(self) -> int:
        """Items not handed out yet."""
        return sum(len(queue) for queue in self._queues.values())

    def pick(self, last_host: str | None = None) -> tuple[str, _T] | None:
        """The next item and its host, without waiting: one of *last_host*'s
        if it has any and room for one more, else the first host in order
        with both; ``None`` if every host with items left is at its limit
        (or none has items)."""
        host = last_host
        if host is None or not self._has_room(host):
            host = next((name for name in self._queues if self._has_room(name)), None)
            if host is None:
                return None
        queue = self._queues[host]
        item = queue.popleft()
        if not queue:
            del self._queues[host]  # the scan above stays as short as the hosts left
        self._out[host] += 1
        return host, item

    async def take(self, last_host: str | None = None) -> tuple[str, _T] | None:
        """:meth:`pick`, waiting for a host to have room when every host
        with items left is at its limit; ``None`` once nothing is left."""
        while self._queues:
            taken = self.pick(last_host)
            if taken is not None:
                return taken
            self._freed.clear()
            await self._freed.wait()
        return None

    def release(self, host: str) -> None:
        """An item of *host* is done with: the host has room again."""
        self._out[host] -= 1
        self._freed.set()

    def _has_room(self, host: str) -> bool:
        return host in self._queues and self._out[host] < self.per_host
