"""What feed HTML may keep: the safety rules every HTML→Markdown path applies.

There are two converters (the general bs4 + markdownify one in
:mod:`tui.core.html` and the one-pass one in :mod:`tui.core.html_fast`);
they must never disagree on what is dropped, so the rules live here, once.
Which links survive is the URL policy's to say (:func:`tui.core.urls.web_link`).
"""

from __future__ import annotations

from collections.abc import Mapping

# Elements whose content is never reading matter.
DROP = frozenset(
    (
        "script",
        "style",
        "noscript",
        "template",
        "object",
        "embed",
        "applet",
        "form",
        "input",
        "button",
        "select",
        "textarea",
        "meta",
        "base",
        "link",
        "svg",
        "math",
        "canvas",
        "audio",
        "head",
        "title",
        "frameset",
        "frame",
    )
)
# Embedded players and frames: shown as a plain link to their source.
EMBEDS = frozenset(("iframe", "video"))
EMBED_TEXT = "embedded content"


def is_tracking_pixel(attrs: Mapping[str, object]) -> bool:
    """A 0×0 or 1×1 image is a tracker, never a picture: drop it."""
    return attrs.get("width") in ("0", "1") or attrs.get("height") in ("0", "1")
