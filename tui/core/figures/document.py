"""One text being searched for figures, with the views and caches the rules share.

The rules never look at the source string directly: they read ``view`` (the
Markdown-masked text, same length, with a few look-alike characters folded:
non-breaking and thin spaces to spaces, curly apostrophes to straight ones)
and ``lower`` (its lower-cased copy, also the same length). Offsets are
therefore always offsets into the source.
"""

from __future__ import annotations

from .markdown import mask_markdown
from .patterns import patterns

# One-for-one replacements only: the view must keep every offset. (Chained
# str.replace is several times faster than str.translate on long texts.)
# (A tab, the one ASCII fold, is replaced first, on its own.)
_FOLD = (
    ("\u00a0", " "), ("\u2007", " "), ("\u2009", " "), ("\u202f", " "),
    ("\u2019", "'"), ("\u2018", "'"), ("\u2212", "-"), ("\u2010", "-"), ("\u2011", "-"),
)


_TOKEN = patterns().token.match
_CLAUSE_PUNCTUATION = frozenset(",;:()[]\"“”")


class Document:
    """The text plus lazily computed line facts (is this line a Title Case headline?)."""

    __slots__ = ("_title_lines", "encoded", "lower", "source", "view")

    def __init__(self, source: str) -> None:
        self.source = source
        view = mask_markdown(source)
        if "\t" in view:
            view = view.replace("\t", " ")
        if not view.isascii():  # (a flag lookup: the other folds are all non-ASCII)
            for old, new in _FOLD:
                if old in view:
                    view = view.replace(old, new)
        self.view = view
        # Lower-cased through one-byte Latin-1 (other characters become "?"):
        # several times faster than str.lower, the same length by construction,
        # and only ASCII words are ever looked up in it.
        self.encoded = view.encode("latin-1", "replace").lower()
        self.lower = self.encoded.decode("latin-1")
        self._title_lines: dict[int, bool] = {}

    # --- tokens around a position -------------------------------------------------

    def prev_token(self, pos: int) -> tuple[str, int] | None:
        """The whitespace-delimited token ending just before *pos* (spaces
        skipped, never across a line break), and where it starts."""
        window = self.view[pos - 48 if pos > 48 else 0:pos][::-1]
        match = _TOKEN(window)
        if match is None:
            return None
        token = match.group(1)[::-1]
        start = pos - match.end()
        return token, start

    def next_token(self, pos: int) -> tuple[str, int] | None:
        """The whitespace-delimited token starting at or after *pos* (spaces
        skipped, never across a line break), and where it ends."""
        view = self.view
        match = _TOKEN(view, pos, min(len(view), pos + 48))
        if match is None:
            return None
        return match.group(1), match.end()

    # --- lines ----------------------------------------------------------------------

    def line_bounds(self, pos: int) -> tuple[int, int]:
        """Start and end of the line holding *pos*."""
        start = self.view.rfind("\n", 0, pos) + 1
        end = self.view.find("\n", pos)
        return start, len(self.view) if end < 0 else end

    def is_title_case(self, pos: int) -> bool:
        """True when the line holding *pos* is a Title Case (or ALL CAPS)
        headline, where a capitalised word before a number says nothing."""
        start, end = self.line_bounds(pos)
        if end - start > 250:
            return False  # a paragraph, not a headline
        cached = self._title_lines.get(start)
        if cached is not None:
            return cached
        words = [w for w in self.view[start:end].split() if w[:1].isalpha()]
        if len(words) < 3 or len(words) > 30:
            result = False
        else:
            small = {"a", "an", "the", "of", "in", "on", "at", "to", "for", "and", "or", "by",
                     "with", "from", "as", "vs", "vs.", "is"}
            counted = [w for w in words if w.lower() not in small]
            capitals = sum(1 for w in counted if w[0].isupper())
            result = bool(counted) and capitals / len(counted) >= 0.75
        self._title_lines[start] = result
        return result


def strip_punctuation(token: str) -> str:
    """A token without the punctuation that sticks to words in prose."""
    return token.strip(".,;:!?()[]{}\"'“”‘’*_")


def ends_clause(token: str) -> bool:
    """True when *token* carries punctuation that ends a phrase after it."""
    return bool(token) and token[-1] in _CLAUSE_PUNCTUATION | {".", "!", "?"}
