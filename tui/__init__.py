"""digest: a terminal news-digest reader that pulls the key figures out of
every story.

The package is layered: ``tui.core`` is the domain (config, fetch, parse,
store, figures, digest) and never imports Textual; ``tui.app`` is the
Textual user interface; ``tui.cli`` parses arguments and calls the core.
"""

from __future__ import annotations


def __getattr__(name: str) -> str:
    # The version is looked up on first use only: importlib.metadata costs
    # tens of milliseconds, and most starts never ask for it.
    if name == "__version__":
        from importlib.metadata import PackageNotFoundError, version

        try:
            return version("digest-tui")
        except PackageNotFoundError:  # running from a source tree without install
            return "0.0.0+unknown"
    raise AttributeError(f"module 'tui' has no attribute {name!r}")
