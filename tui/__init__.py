"""digest: a terminal news-digest reader that pulls the key figures out of
every story.

The package is layered: ``tui.core`` is the domain (config, fetch, parse,
store, figures, digest) and never imports Textual; ``tui.app`` is the
Textual user interface; ``tui.cli`` parses arguments and calls the core.
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("digest-tui")
except PackageNotFoundError:  # running from a source tree without install
    __version__ = "0.0.0+unknown"
