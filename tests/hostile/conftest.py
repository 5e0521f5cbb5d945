"""Session fixtures of the hostile suite: the sandbox worker, the generated
bombs and the shared hostile server (see helpers.py)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.hostile.helpers import HostileServer, Sandbox, generate_bombs, shared_hostile


@pytest.fixture(scope="session")
def hostile() -> Path:
    """../shared/hostile; every test that uses it skips without it."""
    return shared_hostile()


@pytest.fixture(scope="session")
def _worker() -> Iterator[list[Sandbox]]:
    holder: list[Sandbox] = []
    yield holder
    for sandbox in holder:
        sandbox.close()


@pytest.fixture
def sandbox(_worker: list[Sandbox]) -> Sandbox:
    """The session's sandbox worker, started again if a test killed it."""
    if not _worker or not _worker[-1].alive:
        _worker.append(Sandbox())
    return _worker[-1]


@pytest.fixture(scope="session")
def bombs(hostile: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The large inputs, generated once per session into a temporary folder."""
    return generate_bombs(hostile, tmp_path_factory.mktemp("bombs"))


@pytest.fixture(scope="session")
def hostile_server(
    hostile: Path, bombs: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[HostileServer]:
    """hostile_server.py on a free 127.0.0.1 port, for the whole session."""
    server = HostileServer(hostile, bombs, tmp_path_factory.mktemp("server") / "server.log")
    yield server
    server.stop()
