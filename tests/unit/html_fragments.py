"""HTML fragments for the tests of the HTML converters: those a feed hands
over when read, and random ones from the markup feeds use."""

from __future__ import annotations

import pytest
from hypothesis import strategies as st

import tui.core.feed_entries as feed_entries
from tui.core.parse import parse_feed


def fragments_of(body: bytes, base: str, monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str]]:
    """Every (html, base) a feed hands to html_to_markdown when read."""
    seen: dict[tuple[str, str], None] = {}
    monkeypatch.setattr(
        feed_entries, "html_to_markdown", lambda html, b=None: seen.setdefault((html, b)) or ""
    )
    parse_feed(body, base)
    monkeypatch.undo()
    return list(seen)


# Random fragments from the markup feeds use, malformed nesting and stray
# end tags included: wherever the fast path accepts one, it agrees.
_TAGS = ["p", "div", "span", "a", "b", "strong", "em", "i", "code", "pre", "blockquote"]
_TAGS += ["ul", "ol", "li", "h1", "h3", "br", "hr", "img", "sub", "q", "figure", "figcaption"]
_TAGS += ["script", "iframe", "del", "section", "font", "table", "tr", "td", "th", "thead"]
_TAGS += ["tbody", "caption"]
_ATTRS = [
    "",
    ' href="/x_y"',
    ' href="javascript:alert(1)"',
    ' href="https://u:p@e.example/a"',
    ' href="https://e.example/a" title="say &quot;hi&quot;"',
    ' src="https://v.example/e" alt=" An *alt* "',
    ' width="1"',
    ' colspan="2"',
    ' start="3"',
    " onclick=x()",
]
_TEXT = ["word", " ", "\n", "  \t", "a_b*c", "&amp;", "&#27;", "&nbsp;", "`tick`", "5. ", "](x)"]
_TEXT += ["\xa0", "# ", "<!-- note -->", "<!---->", "&unknown;", "https://e.example/a", "<"]


@st.composite
def html_fragments(draw: st.DrawFn) -> str:
    parts = []
    for _ in range(draw(st.integers(1, 25))):
        kind = draw(st.integers(0, 2))
        if kind == 0:
            parts.append(draw(st.sampled_from(_TEXT)))
        elif kind == 1:
            tag, attrs = draw(st.sampled_from(_TAGS)), draw(st.sampled_from(_ATTRS))
            parts.append(f"<{tag}{attrs}>")
        else:
            parts.append(f"</{draw(st.sampled_from(_TAGS))}>")
    return "".join(parts)
