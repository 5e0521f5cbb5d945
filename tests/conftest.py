"""Fixtures shared by every test: an isolated home, the shared corpus, a
real HTTP server on 127.0.0.1, a fresh store and a config writer."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.support.server import FeedServer
from tui.core.store import Store

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"


@pytest.fixture(autouse=True)
def isolated_home(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Path:
    """Point XDG dirs at a temporary home so no test reads or writes the
    user's real config or store, and forget DIGEST_* variables."""
    home = tmp_path_factory.mktemp("home")
    for name, sub in (
        ("XDG_CONFIG_HOME", ".config"),
        ("XDG_DATA_HOME", ".local/share"),
        ("XDG_CACHE_HOME", ".cache"),
        ("XDG_STATE_HOME", ".local/state"),
    ):
        monkeypatch.setenv(name, str(home / sub))
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.delenv("DIGEST_CONFIG", raising=False)
    monkeypatch.delenv("DIGEST_DB", raising=False)
    return home


@pytest.fixture
def shared() -> Path:
    """../shared beside the repository; tests that need it skip without it."""
    if not SHARED.is_dir():
        pytest.skip("../shared (the shared corpus) is not present beside the repository")
    return SHARED


@pytest.fixture
def feed_server() -> Iterator[FeedServer]:
    """A real HTTP server on 127.0.0.1 whose routes the test sets."""
    with FeedServer() as server:
        yield server


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    """A fresh store in a real SQLite file."""
    with Store.open(tmp_path / "digest.db") as opened:
        yield opened


@pytest.fixture
def write_config(tmp_path: Path) -> Callable[[str], Path]:
    """Write a feeds.toml with the given text and return its path."""

    def write(text: str, name: str = "feeds.toml") -> Path:
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return path

    return write
