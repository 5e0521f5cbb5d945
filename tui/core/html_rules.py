"""What feed HTML may keep: the safety rules every HTML→Markdown path applies.

There are two converters (the general bs4 + markdownify one in
:mod:`tui.core.html` and the one-pass one in :mod:`tui.core.html_fast`);
they must never disagree on what is dropped or which links survive, so the
rules live here, once.
"""

from __future__ import annotations

from collections.abc import Mapping

from tui.core.urls import resolve, safe_web_url, without_credentials

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


def link_target(base_url: str | None, href: str | None) -> str | None:
    """Where a link (or an embed's ``src``) may point once shown: resolved
    against the page, http(s) only, without credentials; None when the link
    must keep its text and lose its target."""
    target = safe_web_url(resolve(base_url, href)) if href else None
    return without_credentials(target) if target else None


def is_tracking_pixel(attrs: Mapping[str, object]) -> bool:
    """A 0×0 or 1×1 image is a tracker, never a picture: drop it."""
    return attrs.get("width") in ("0", "1") or attrs.get("height") in ("0", "1")
