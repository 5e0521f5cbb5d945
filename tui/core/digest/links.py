"""One article behind different links: the keys grouping compares.

A story's link is canonicalised by :func:`tui.core.urls.canonical_link`
(tracking parameters, fragment, ``www.`` and http/https dropped), then
loses the further "where did the reader come from" parameters listed in
``data/links.toml``. A link through a feed's own redirector
(``feedproxy.google.com/~r/...``) says nothing about the article, so such a
story is recognised by its permalink guid instead; a guid that is a web
permalink is a second key in any case.
"""

from __future__ import annotations

import tomllib
from functools import lru_cache
from importlib import resources
from urllib.parse import SplitResult, urlsplit, urlunsplit

from tui.core.urls import canonical_link, safe_web_url


@lru_cache(maxsize=1)
def _rules() -> tuple[frozenset[str], tuple[str, ...]]:
    text = resources.files("tui.core.digest.data").joinpath("links.toml").read_text("utf-8")
    data = tomllib.loads(text)
    return frozenset(name.lower() for name in data["tracking"]), tuple(data["redirectors"])


def article_key(url: str | None) -> str | None:
    """The canonical form of a web link, or None for anything that is not
    an http(s) link or only redirects to the article."""
    safe = safe_web_url(url)
    if safe is None:
        return None
    tracking, redirectors = _rules()
    try:
        key = canonical_link(safe)
    except ValueError:  # a hostile link that only canonicalising breaks
        return None
    bare = key.removeprefix("https://")
    if any(bare.startswith(prefix) for prefix in redirectors):
        return None
    if "?" not in key:  # (a canonical link has no fragment)
        return key
    parts = urlsplit(key)
    if parts.query:
        kept = "&".join(
            pair
            for pair in parts.query.split("&")
            if pair.split("=", 1)[0].lower() not in tracking
        )
        key = urlunsplit(SplitResult(parts.scheme, parts.netloc, parts.path, kept, ""))
    return key


def link_keys(link: str | None, guid: str | None) -> list[str]:
    """Keys of a story's article: its link's, then its permalink guid's
    when that differs (at most two)."""
    keys: list[str] = []
    for candidate in (link, guid):
        key = article_key(candidate)
        if key and key not in keys:
            keys.append(key)
    return keys
