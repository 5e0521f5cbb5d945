"""Fixtures for the Pilot and snapshot tests: a UTC clock, a standard
store, an app factory, and a way to wait until the app is idle."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.ui.builders import NOW, build_digest_store, build_store
from tui.app.app import DigestApp
from tui.core.config import Config
from tui.core.store import Store


@pytest.fixture(autouse=True)
def utc(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Local time is UTC, so "Today" and the reader's dates are stable."""
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


@pytest.fixture
def ui_store(tmp_path: Path) -> Iterator[tuple[Store, Config]]:
    """The standard store: Pocket Signal, Circuit Daily and a broken feed."""
    store, config = build_store(tmp_path / "ui.db", hostile=True)
    yield store, config
    store.close()


@pytest.fixture
def digest_store(tmp_path: Path) -> Iterator[tuple[Store, Config]]:
    """One event carried by two feeds, with an earlier value of its metric."""
    store, config = build_digest_store(tmp_path / "digest.db")
    yield store, config
    store.close()


class OpenedLinks(list):
    """The links the app asked a browser to open."""

    def __call__(self, url: str, command: str) -> None:
        self.append((url, command))


@pytest.fixture
def opened() -> OpenedLinks:
    return OpenedLinks()


@pytest.fixture
def make_app(ui_store, opened, tmp_path) -> Callable[..., DigestApp]:
    """An app over the standard store with a fixed clock and no browser.
    It starts in All, by feed: what most tests read. The digest tests pass
    ``section=None`` to land where a user lands (the Today digest)."""

    def make(store: Store | None = None, config: Config | None = None, **options) -> DigestApp:
        options.setdefault("now", lambda: NOW)
        options.setdefault("section", "all")
        options.setdefault("opener", opened)
        options.setdefault("state_path", tmp_path / "ui-state.json")
        return DigestApp(store or ui_store[0], config or ui_store[1], **options)

    return make


async def settle(pilot, rounds: int = 20) -> None:
    """Wait until no worker runs and the message queues are empty. Workers
    start other workers when their answers arrive, hence the rounds."""
    app = pilot.app
    for _ in range(rounds):
        await app.workers.wait_for_complete()
        await pilot.pause()
        if not any(worker.is_running for worker in app.workers):
            await pilot.pause()
            if not any(worker.is_running for worker in app.workers):
                return
    raise AssertionError("the app did not settle")


def screen_text(app) -> str:
    """What the screen shows, as plain text, one line per row."""
    strips = app.screen._compositor.render_strips()
    return "\n".join("".join(segment.text for segment in strip) for strip in strips)
