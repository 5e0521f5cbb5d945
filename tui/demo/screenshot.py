"""Save the README's screenshot: the demo digest at 140×40, landed on the
ranked Today view, with the HarmonyOS milestone (one entry, three feeds)
open: its sources, the users figure the feeds disagree on, and the
metric's history in the side panel.

    uv run python -m tui.demo.screenshot docs/screenshot.svg

The clock is fixed, so the screenshot only changes when the app or the
demo feeds do.
"""

from __future__ import annotations

import asyncio
import sys
from datetime import UTC, datetime
from pathlib import Path

from tui.demo import Demo, open_demo

NOW = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
SIZE = (140, 40)


async def _settle(app, pilot) -> None:  # noqa: ANN001
    for _ in range(50):
        await app.workers.wait_for_complete()
        await pilot.pause()
        if not any(worker.is_running for worker in app.workers):
            return


async def _shoot(demo: Demo, path: Path) -> None:
    from tui.app.app import DigestApp

    app = DigestApp(demo.store, demo.config, demo=True, now=lambda: NOW, theme="textual-dark")
    async with app.run_test(size=SIZE) as pilot:
        await _settle(app, pilot)
        rows = app.screen.stories.rows
        target = next(i for i, row in enumerate(rows) if "HarmonyOS" in row.title)
        app.screen.stories.move_to(target)
        await pilot.press("enter")
        await _settle(app, pilot)
        path.parent.mkdir(parents=True, exist_ok=True)
        app.save_screenshot(filename=path.name, path=str(path.parent))


def save(path: Path) -> None:
    """Write the screenshot SVG to *path* (the demo is built first, outside
    the app's event loop, as the refresh engine runs its own)."""
    with open_demo(now=NOW) as demo:
        asyncio.run(_shoot(demo, path))


if __name__ == "__main__":
    save(Path(sys.argv[1] if len(sys.argv) > 1 else "docs/screenshot.svg"))
