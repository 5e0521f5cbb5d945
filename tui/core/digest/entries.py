"""What a digest entry is: one event, its sources, its figures, its score.

Plain dataclasses, built by :mod:`tui.core.digest.ranking` and read by the
UI, the exports and the CLI. Text in them comes from feeds as stored:
whoever prints it sanitises it (the exports do).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from tui.core.models import Figure


@dataclass(frozen=True, slots=True)
class Source:
    """One story of an entry: which feed carried it, when, and where."""

    story_id: int
    feed_id: int
    feed_title: str
    published: datetime
    link: str | None
    title: str
    read: bool


@dataclass(frozen=True, slots=True)
class FigureValue:
    """A figure as one source states it."""

    text: str  # the value written for people: 27M, $2.5bn, 17%
    figure: Figure
    story_id: int
    feed_title: str


@dataclass(slots=True)
class FigureGroup:
    """The figures of an entry that state one quantity ("users"), from all
    its sources. ``conflict`` when sources disagree: "27M" vs "27.1M"."""

    label: str  # the noun, or the kind when the figure has none
    kind: str
    values: list[FigureValue] = field(default_factory=list)
    salience: float = 0.0

    @property
    def distinct(self) -> list[str]:
        """The different values stated, in order of first appearance."""
        return list(dict.fromkeys(value.text for value in self.values))

    @property
    def conflict(self) -> bool:
        """Do the sources state different values, each source one?"""
        if len(self.distinct) < 2:
            return False
        per_story: dict[int, set[str]] = {}
        for value in self.values:
            per_story.setdefault(value.story_id, set()).add(value.text)
        return len(per_story) > 1 and all(len(texts) == 1 for texts in per_story.values())

    def line(self) -> str:
        """"users: 27M (Ars) vs 27.1M (The Verge)" or "users: 27M"."""
        if self.conflict:
            parts = []
            for text in self.distinct:
                feeds = dict.fromkeys(v.feed_title for v in self.values if v.text == text)
                parts.append(f"{text} ({', '.join(feeds)})")
            return f"{self.label}: {' vs '.join(parts)}"
        return f"{self.label}: {', '.join(self.distinct)}"


@dataclass(frozen=True, slots=True)
class ScoreTerm:
    """One term of an entry's score and why it has that value. ``factor``
    terms multiply the sum of the others; the rest add to it."""

    name: str
    value: float
    detail: str
    factor: bool = False


@dataclass(slots=True)
class Entry:
    """One event of the digest. ``id`` names the entry while its members
    stay together; a story id (any of ``story_ids``) is the stable handle."""

    id: int
    title: str
    sources: list[Source]
    headline: Figure | None = None
    headline_story: int | None = None
    figures: list[FigureGroup] = field(default_factory=list)
    score: float = 0.0
    rank: int = 0
    of: int = 0
    terms: list[ScoreTerm] = field(default_factory=list)

    @property
    def story_ids(self) -> list[int]:
        """The ids of the entry's stories, oldest first."""
        return [source.story_id for source in self.sources]

    @property
    def read(self) -> bool:
        """Read once any of its stories has been read (reading one marks all)."""
        return any(source.read for source in self.sources)

    @property
    def published(self) -> datetime:
        """When the newest source published it."""
        return max(source.published for source in self.sources)

    @property
    def feeds(self) -> list[str]:
        """The names of the feeds that carry it, without repeats."""
        return list(dict.fromkeys(source.feed_title for source in self.sources))

    @property
    def conflicts(self) -> list[FigureGroup]:
        """Figure groups whose sources disagree."""
        return [group for group in self.figures if group.conflict]

    def explain(self) -> list[str]:
        """Why the entry ranks where it does: the total, then one line per
        term of the score with its contribution."""
        adds = [term for term in self.terms if not term.factor]
        factors = [term for term in self.terms if term.factor]
        summed = " + ".join(f"{term.value:.1f} {term.name}" for term in adds)
        formula = f"({summed})" + "".join(f" × {t.value:.2g} {t.name}" for t in factors)
        place = f"#{self.rank} of {self.of}" if self.rank else "unranked"
        lines = [f"{place}: score {self.score:.2f} = {formula}"]
        for term in adds:
            lines.append(f"{term.name} +{term.value:.2f}: {term.detail}")
        for term in factors:
            lines.append(f"{term.name} ×{term.value:.2f}: {term.detail}")
        return lines
