"""The sentence around a figure, found lazily.

Splitting a whole article into sentences would cost as much as finding the
figures, so sentences are found per paragraph, only for paragraphs that
hold a figure, and remembered. A line break ends a paragraph unless the text
is plainly hard-wrapped (a word or comma before it, a lower-case word or a
number after it). A full stop ends a sentence when whitespace
and a capital, digit or opening quote follow, and the word before it is not
an abbreviation such as "Mr" or "U.S".
"""

from __future__ import annotations

import re
from bisect import bisect_right as _bisect_right

from .document import Document
from .lexicon import lexicon

# Stops, closing quotes or brackets, whitespace, and a capital, digit or
# opening quote after it. The first stop is its own item so that the regex
# engine can skip to it with a fast character test instead of trying the
# whole pattern at every position; paragraphs without "!", "?" or "…" (nearly
# all) use the variant that starts with a literal ".", which it finds faster
# still. Both give the same matches on such a paragraph.
_AFTER_STOP = r"[.!?…]*+[\"')\]”’]*+\s++(?=[\"'(\[“‘]?[A-Z0-9£$€¥])"
_BOUNDARY = re.compile(r"[.!?…]" + _AFTER_STOP)
_FULL_STOP_BOUNDARY = re.compile(r"\." + _AFTER_STOP)
_MAX_SENTENCE = 600
# "U.S" is listed as such; a word ending in a full stop is looked up without it.
_ABBREVIATIONS = lexicon().abbreviations
_LONGEST_ABBREVIATION = max(map(len, _ABBREVIATIONS))


def _continues(view: str, newline: int) -> bool:
    """Is the line break at *newline* inside a sentence (hard-wrapped text:
    "the bank lost\n$5bn") rather than between paragraphs or list items?"""
    before = view[newline - 1:newline]
    after = view[newline + 1:newline + 2]
    return (before.isalnum() or before in (",", ";")) and (
        after.islower() or after.isdigit() or after in ("$", "£", "€", "¥", "(")
    )


class Sentences:
    """Sentence bounds for positions in one document."""

    __slots__ = ("_doc", "_last", "_lines", "_paragraph")

    def __init__(self, doc: Document) -> None:
        self._doc = doc
        self._lines: dict[int, tuple[list[int], int]] = {}
        self._last = (0, 0)
        # The last paragraph split: (start, end, sentence starts). Figures come
        # in order, so the next one is usually in it; any position inside a
        # paragraph walks back and forth to these same bounds.
        self._paragraph: tuple[int, int, list[int]] = (0, 0, [])

    def bounds(self, pos: int) -> tuple[int, int]:
        """Start and end (exclusive) of the sentence holding *pos*."""
        last = self._last
        if last[0] <= pos < last[1]:
            return last  # figures come in order, often several to a sentence
        self._last = last = self._bounds(pos)
        return last

    def _bounds(self, pos: int) -> tuple[int, int]:
        line_start, line_end, starts = self._paragraph
        if not line_start <= pos < line_end:
            view = self._doc.view
            line_start = view.rfind("\n", 0, pos) + 1
            while line_start > 1 and _continues(view, line_start - 1):
                line_start = view.rfind("\n", 0, line_start - 1) + 1
            cached = self._lines.get(line_start)
            if cached is None:
                line_end = view.find("\n", pos)
                while line_end >= 0 and _continues(view, line_end):
                    line_end = view.find("\n", line_end + 1)
                if line_end < 0:
                    line_end = len(view)
                cached = (self._split(line_start, line_end), line_end)
                self._lines[line_start] = cached
            starts, line_end = cached
            self._paragraph = (line_start, line_end, starts)
        index = _bisect_right(starts, pos) - 1
        start = starts[index]
        end = starts[index + 1] if index + 1 < len(starts) else line_end
        # A very long "sentence" (a table row, a list without stops) is cut
        # to a window around the figure.
        if end - start > _MAX_SENTENCE:
            start = max(start, pos - _MAX_SENTENCE // 2)
            end = min(end, start + _MAX_SENTENCE)
        return start, end

    def _split(self, line_start: int, line_end: int) -> list[int]:
        view = self._doc.view
        starts = [line_start]
        boundary = _BOUNDARY if (
            view.find("!", line_start, line_end) >= 0 or view.find("?", line_start, line_end) >= 0
            or view.find("…", line_start, line_end) >= 0
        ) else _FULL_STOP_BOUNDARY
        abbreviations = _ABBREVIATIONS
        for match in boundary.finditer(view, line_start, line_end):
            stop = match.start()
            if view[stop] == ".":
                space = view.rfind(" ", stop - 12 if stop - 12 > line_start else line_start, stop)
                # Only a word as short as the longest abbreviation needs looking up.
                if stop - space <= _LONGEST_ABBREVIATION + 1:
                    word = view[space + 1:stop]
                    if word.lower() in abbreviations or (len(word) == 1 and word.isupper()):
                        continue  # "Mr. Smith", "U.S. sales", "John F. Kennedy"
            starts.append(match.end())
        return starts
