"""Benchmarks measure digest as installed, with its bytecode compiled.

An installer (pip, uv with --compile-bytecode) writes .pyc files; a
development environment may not, and some set PYTHONDONTWRITEBYTECODE, in
which case every start recompiles hundreds of modules (0.4 s measured) and
the benchmark would time the compiler. This compiles the environment and
the package once, before anything is timed.
"""

from __future__ import annotations

import compileall
import site
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def ensure_bytecode() -> None:
    """Compile site-packages and the tui package (quietly, only what is stale)."""
    for directory in [*site.getsitepackages(), str(REPO / "tui")]:
        compileall.compile_dir(directory, quiet=2, workers=0)
    sys.dont_write_bytecode = False
