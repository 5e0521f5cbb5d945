"""Same story, many feeds: put stories that report one event into one entry.

Two stories from different feeds share an entry when, published within the
window of each other (72 h by default),

* their links are the same article once canonicalised (tracking
  parameters, fragment, ``www.`` and http/https dropped; a permalink guid
  counts as a link too), or
* their titles and ledes are near-identical: the TF-IDF cosine of their
  terms (title words counted twice) passes a threshold, and their titles
  name no different model or version ("Galaxy S24" is not "Galaxy S23").

Grouping is incremental. A new story is compared only with the stories
that share a rare term with it inside the window, found through an
inverted index kept in SQLite (``digest_terms``), never with all stories.
Stories of one feed join the same entry only through a shared link: a
feed's own follow-ups are separate stories, and this guard stops a chain
of loose matches from gluing a feed's stories together.
"""

from __future__ import annotations

import hashlib
import math
import sqlite3
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from tui.core.digest import storage
from tui.core.digest.links import link_keys
from tui.core.digest.salience import figure_salience
from tui.core.digest.words import conflicting, identifiers, names, plain_lede, terms

DEFAULT_WINDOW_HOURS = 72.0
# Index terms are pruned (once a day) for stories published this long
# before now; a story older than that is still indexed when it arrives (an
# old item of a newly added feed), so the stories of one refresh meet.
INDEX_DAYS = 14
# Weights: idf = log((N + PRIOR) / (df + 1)); the prior keeps a young
# store (a few dozen stories) from treating every word as rare.
IDF_PRIOR = 200
TITLE_WEIGHT = 2
# Candidates are the stories sharing one of a story's LOOKUP_TERMS rarest
# terms; a term carried by more than COMMON_DF indexed stories finds none
# (both still count in the similarity).
LOOKUP_TERMS = 8
COMMON_DF = 100
MAX_CANDIDATES = 10
# ...and shares at least this part of the story's rare-term weight.
MIN_SHARED = 0.2
# The decision: the cosine of title-and-lede vectors, or a strong title
# match with a fair whole match.
SAME_EVENT = 0.38
SAME_TITLE = 0.62
SAME_TITLE_WHOLE = 0.30
# ...and when each story's subject is absent from the other ("Netflix
# raises prices" and "Spotify raises prices").
OTHER_SUBJECT = 0.60


@dataclass(slots=True)
class _Vector:
    """A story's terms, weighted, and what vetoes or tightens a match."""

    title: Counter[str]
    whole: Counter[str]
    idents: tuple[str, ...]
    subject: str | None
    names: frozenset[str]


class Grouper:
    """Groups stories into entries inside one write transaction.

    It caches document frequencies for the duration of one call (a refresh
    batch), so that the stories of a batch cost a few indexed lookups each.
    """

    def __init__(self, conn: sqlite3.Connection, window_hours: float, now: float) -> None:
        self.conn = conn
        self.window = window_hours * 3600.0
        self.now = now
        self.indexed = storage.indexed_count(conn)
        self._df: dict[str, int] = {}
        self._idfs: dict[str, float] = {}
        self._delta: Counter[str] = Counter()
        self._vectors: dict[int, _Vector] = {}
        self._next_entry = storage.next_entry_id(conn)

    # ---------------------------------------------------------------- public

    def add(self, row: sqlite3.Row, previous: sqlite3.Row | None) -> int:
        """Group one story (a row of :func:`storage.stories_to_group`);
        returns its entry id. *previous* is its existing digest row, if any:
        unchanged words keep their entry."""
        title = row["title"] or ""
        lede = plain_lede(row["head"] or "")
        title_terms = terms(title)
        lede_terms = terms(lede)
        keys = link_keys(row["link"], row["guid"])
        link_key = keys[0] if keys else None
        alt_key = keys[1] if len(keys) > 1 else None
        idents = identifiers(title)
        subject, named = names(title, lede)
        salience = figure_salience(row["h_kind"], row["h_value"], row["h_source"], row["h_start"])
        signature = _signature(title_terms, lede_terms, link_key, row["published"])
        if previous is not None:
            if previous["signature"] == signature:
                storage.set_salience(self.conn, row["id"], salience)
                return previous["entry_id"]
            removed = storage.forget(self.conn, previous)
            self._load_df(removed)
            for term in removed:
                self._df[term] -= 1
                self._delta[term] -= 1
            self.indexed -= 1
        vector = _Vector(
            Counter(title_terms), _whole(title_terms, lede_terms), idents, subject, named
        )
        self._load_df(vector.whole)
        entry = self._choose_entry(row, keys, vector)
        norm = self._norm(vector.whole)
        storage.save_grouped(
            self.conn,
            (
                row["id"], entry, row["feed_id"], row["published"], link_key, alt_key,
                " ".join(title_terms), " ".join(lede_terms), " ".join(idents),
                " ".join([subject or "-", *sorted(named)]), norm, salience, signature,
            ),
            set(vector.whole),
        )
        self.indexed += 1
        for term in vector.whole:
            self._df[term] = self._df.get(term, 0) + 1
            self._delta[term] += 1
        self._vectors[row["id"]] = vector
        return entry

    def flush(self) -> None:
        """Write the batch's document-frequency changes (once per term)."""
        storage.add_frequencies(self.conn, self._delta)
        self._delta.clear()

    # --------------------------------------------------------------- matching

    def _choose_entry(self, row: sqlite3.Row, keys: list[str], vector: _Vector) -> int:
        low, high = row["published"] - self.window, row["published"] + self.window
        linked = {
            found["entry_id"]
            for found in storage.by_link(self.conn, keys)
            if low <= found["published"] <= high and found["story_id"] != row["id"]
        }
        similar = self._similar_entries(row, vector, low, high)
        chosen = linked | {entry for entry, _ in similar}
        if not chosen:
            entry = self._next_entry
            self._next_entry += 1
            return entry
        if len(chosen) > 1:
            # Two entries meet only if they share no feed: a merge must not
            # put two different stories of one feed together.
            keep = min(linked) if linked else similar[0][0]
            feeds = {feed for _, feed in storage.entry_feeds(self.conn, keep)}
            for entry, _ in similar:
                if entry == keep or entry in linked:
                    continue
                other = {feed for _, feed in storage.entry_feeds(self.conn, entry)}
                if other & feeds:
                    chosen.discard(entry)
                else:
                    feeds |= other
            storage.merge_entries(self.conn, keep, chosen - {keep})
            return keep
        return next(iter(chosen))

    def _similar_entries(
        self, row: sqlite3.Row, vector: _Vector, low: float, high: float
    ) -> list[tuple[int, float]]:
        """Entries holding a story like this one, best first, none of which
        already carries a story of this story's feed."""
        rarest = sorted(
            (term for term in vector.whole if 0 < self._df.get(term, 0) <= COMMON_DF),
            key=lambda term: self._df.get(term, 0),
        )[:LOOKUP_TERMS]
        weights = {
            term: self._idf(term) * (TITLE_WEIGHT if term in vector.title else 1)
            for term in rarest
        }
        if not weights:
            return []
        # A candidate must share a fair part of this story's rare words: the
        # cosine cannot pass the threshold otherwise, so it is not scored.
        floor = MIN_SHARED * sum(weights.values())
        best = [
            story_id
            for story_id in storage.candidates(
                self.conn, weights, low, high, floor, MAX_CANDIDATES + 1
            )
            if story_id != row["id"]
        ]
        if not best:
            return []
        norm = self._norm(vector.whole)
        scores: dict[int, float] = {}
        for found in storage.candidate_rows(self.conn, best):
            if found["feed_id"] == row["feed_id"]:
                continue
            other = self._vector_of(found)
            if conflicting(vector.idents, other.idents):
                continue
            score = self._score(vector, norm, other)
            if score > scores.get(found["entry_id"], 0.0):
                scores[found["entry_id"]] = score
        result = []
        for entry, score in sorted(scores.items(), key=lambda item: -item[1]):
            feeds = {feed for _, feed in storage.entry_feeds(self.conn, entry)}
            if row["feed_id"] not in feeds:
                result.append((entry, score))
        return result

    def _vector_of(self, found: sqlite3.Row) -> _Vector:
        """A stored story's vector, parsed once per batch."""
        vector = self._vectors.get(found["story_id"])
        if vector is None:
            title_terms = found["title_terms"].split()
            subject, *named = found["names"].split() or ["-"]
            vector = _Vector(
                Counter(title_terms),
                _whole(title_terms, found["lede_terms"].split()),
                tuple(found["idents"].split()),
                None if subject == "-" else subject,
                frozenset(named),
            )
            self._load_df(vector.whole)
            self._vectors[found["story_id"]] = vector
        return vector

    def _score(self, vector: _Vector, norm: float, other: _Vector) -> float:
        """How alike two stories are, 0 when not alike enough: the cosine of
        their weighted terms, or of their titles when those match well.
        Stories about different subjects need a stronger likeness."""
        whole = self._cosine(vector.whole, norm, other.whole)
        if _other_subjects(vector, other):
            return whole if whole >= OTHER_SUBJECT else 0.0
        if whole >= SAME_EVENT:
            return whole
        if whole >= SAME_TITLE_WHOLE:
            title = self._cosine(vector.title, self._norm(vector.title), other.title)
            if title >= SAME_TITLE:
                return whole
        return 0.0

    # ---------------------------------------------------------------- weights

    def _load_df(self, wanted: Iterable[str]) -> None:
        missing = [term for term in wanted if term not in self._df]
        if missing:
            found = storage.document_frequencies(self.conn, missing)
            for term in missing:
                self._df[term] = found.get(term, 0)

    def _idf(self, term: str) -> float:
        # Weights are fixed for the batch: N moves by at most the batch size.
        weight = self._idfs.get(term)
        if weight is None:
            weight = self._idfs[term] = math.log(
                (self.indexed + IDF_PRIOR) / (self._df.get(term, 0) + 1)
            )
        return weight

    def _norm(self, counts: Counter[str]) -> float:
        idf = self._idf
        return math.sqrt(sum((count * idf(term)) ** 2 for term, count in counts.items()))

    def _cosine(self, left: Counter[str], left_norm: float, right: Counter[str]) -> float:
        if not left_norm:
            return 0.0
        idf = self._idf
        dot = 0.0
        right_norm = 0.0
        for term, count in right.items():
            weight = count * idf(term)
            right_norm += weight * weight
            mine = left.get(term)
            if mine:
                dot += mine * idf(term) * weight
        if not right_norm or not dot:
            return 0.0
        return dot / (left_norm * math.sqrt(right_norm))


def _whole(title_terms: list[str], lede_terms: list[str]) -> Counter[str]:
    counts: Counter[str] = Counter()
    for term in title_terms:
        counts[term] += TITLE_WEIGHT
    for term in lede_terms:
        counts[term] += 1
    return counts


def _other_subjects(one: _Vector, other: _Vector) -> bool:
    """Do two stories have subjects, each missing from the other's names?"""
    if one.subject is None or other.subject is None:
        return False
    return one.subject not in other.names and other.subject not in one.names


def _signature(title: list[str], lede: list[str], link: str | None, published: float) -> str:
    digest = hashlib.blake2b(digest_size=8)
    for part in (" ".join(title), " ".join(lede), link or "", repr(published)):
        digest.update(part.encode("utf-8", "surrogatepass"))
        digest.update(b"\x00")
    return digest.hexdigest()
