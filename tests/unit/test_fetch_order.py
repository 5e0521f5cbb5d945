"""The order a refresh fetches feeds in: each lane keeps to its host while
the host has feeds and room, never more than per_host of a host at once."""

from __future__ import annotations

import asyncio
from collections import Counter

from tui.core.fetch_order import HostQueue


def host(item: str) -> str:
    return item[0]


def test_a_lane_keeps_to_its_host_while_the_host_has_room() -> None:
    queue = HostQueue(["a1", "b1", "a2", "b2", "a3", "c1"], host, per_host=2)
    assert queue.pick() == ("a", "a1")
    assert queue.pick("a") == ("a", "a2")  # not b1, next in config order
    assert queue.pick("a") == ("b", "b1")  # a has two out: the first host with room
    queue.release("a")
    assert queue.pick("a") == ("a", "a3")
    assert queue.pick("b") == ("b", "b2")
    assert queue.pick("b") == ("c", "c1")  # b has no feeds left
    assert queue.pick() is None and len(queue) == 0


def test_hosts_are_started_in_config_order() -> None:
    queue = HostQueue(["x1", "y1", "z1", "y2"], host, per_host=1)
    assert [queue.pick()[1] for _ in range(3)] == ["x1", "y1", "z1"]  # type: ignore[index]
    assert queue.pick() is None  # y2 waits: y has one out
    queue.release("y")
    assert queue.pick("x") == ("y", "y2")


def test_lanes_fetch_everything_once_and_never_exceed_the_per_host_limit() -> None:
    items = [f"{h}{n}" for n in range(7) for h in "abcde"]
    queue = HostQueue(items, host, per_host=2)
    out: Counter[str] = Counter()
    most: Counter[str] = Counter()
    done: list[str] = []

    async def lane() -> None:
        last = None
        while (taken := await queue.take(last)) is not None:
            last, item = taken
            out[last] += 1
            most[last] = max(most[last], out[last])
            await asyncio.sleep(0)  # let the other lanes run while this one "fetches"
            out[last] -= 1
            done.append(item)
            queue.release(last)

    async def main() -> None:
        await asyncio.gather(*(lane() for _ in range(7)))

    asyncio.run(main())
    assert sorted(done) == sorted(items)
    assert max(most.values()) == 2  # seven lanes, but at most two on a host
