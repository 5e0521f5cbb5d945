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

Reading and writing are apart: :meth:`Grouper.group` only reads the store
and plans its writes, which :meth:`Grouper.write` makes afterwards, so the
caller can read in a snapshot and hold the store's write lock only for the
writes (see :func:`tui.core.digest.pipeline.on_stories_stored`). Until
then the stored rows still show the batch's earlier merges undone and its
regrouped stories present: a stored entry id is read through
:meth:`Grouper._current`, and a regrouped story's stored row is skipped.

Cost: a refresh batch reads its document frequencies and the stored
stories sharing its links in a few queries up front, weighs each story's
terms once (idf is fixed for a batch), and writes its rows and index terms
once at the end, sorted, so that the B-tree pages of the term index are
visited in order rather than once per story. The stories of the batch find
each other through the batch's own postings, links and entry members, kept
in memory until then. What is left per story is one query, for its
candidates: statements, not rows, are what the refresh's writer thread
pays for, since it waits for Python's lock after each one.
"""

from __future__ import annotations

import hashlib
import math
import sqlite3
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from tui.core.digest import storage
from tui.core.digest.analysis import StoryAnalysis, analyse_row
from tui.core.digest.words import conflicting

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
# A term carried by more than INDEXED_DF counted stories gets no more
# postings (its count still grows): it is nowhere near being looked up,
# and such words held nearly all postings. The daily prune gives a term
# that falls back under INDEXED_DF its missing postings.
INDEXED_DF = 10 * COMMON_DF
MAX_CANDIDATES = 10
# ...and shares at least this part of the story's rare-term weight.
MIN_SHARED = 0.2
# The decision: the cosine of title-and-lede vectors, or a strong title
# match with a fair whole match.
SAME_EVENT = 0.38
SAME_TITLE = 0.62
SAME_TITLE_WHOLE = 0.30
# Two stories whose subjects are each absent from the other ("Netflix
# raises prices" and "Spotify raises prices") are never one event by their
# words, however alike: only a shared link joins them. (On the labelled set
# a threshold of 0.6 for them joined no true pair that this rule misses.)
# A batch of at least 1/ALL_DF_SHARE of the indexed stories (a backfill, a
# first refresh) reads every document frequency in one scan: its
# candidates' words would otherwise cost a query for nearly every story.
ALL_DF_SHARE = 50


@dataclass(slots=True)
class _Vector:
    """A story's terms, counted, and what vetoes or tightens a match.

    A story being grouped is the left side of its comparisons: its weights
    (count × idf) and norms are worked out once, by :meth:`Grouper._weigh`.
    A candidate is the right side, weighed as it is compared
    (:meth:`Grouper._cosine`), so that it costs one pass over its terms.
    """

    title_terms: list[str]
    whole: dict[str, int]
    idents: tuple[str, ...]
    subject: str | None
    names: frozenset[str]
    title: dict[str, int] | None = None  # counts of title_terms, on first use
    weights: dict[str, float] | None = None
    norm: float = 0.0
    title_weights: dict[str, float] | None = None
    title_norm: float = 0.0
    # A stored candidate's title and lede terms as stored, until its terms
    # are needed (:func:`_unpack`): most candidates are ruled out by their
    # subject first.
    stored: tuple[str, str] | None = None


@dataclass(slots=True)
class _Story:
    """What grouping reads of one story of the batch, worked out once
    before the batch is grouped (so that its terms' frequencies can be
    read in one go)."""

    id: int
    feed_id: int
    published: float
    title_terms: list[str]
    lede_terms: list[str]
    keys: list[str]
    salience: float
    signature: str
    vector: _Vector


class Grouper:
    """Groups one batch of stories into entries: :meth:`group` reads and
    decides, :meth:`write` stores the outcome.

    Document frequencies are read once per term and batch and then kept
    up to date in memory; the batch's index terms are written at the end
    (:meth:`group` does both), and until then the batch's stories find
    each other through ``_postings``.
    """

    def __init__(
        self,
        conn: sqlite3.Connection,
        window_hours: float,
        now: float,
        frequencies: dict[str, int] | None = None,
        complete: bool = False,
    ) -> None:
        """*frequencies* are document frequencies known to match the store
        (*complete*: all of them); the grouper reads the others and keeps
        them all up to date, in that very dict (see :attr:`frequencies`)."""
        self.conn = conn
        self.window = window_hours * 3600.0
        self.now = now
        self.indexed = storage.indexed_count(conn)
        self._df: dict[str, int] = {} if frequencies is None else frequencies
        self._all_df = complete  # does _df hold every term (a missing one is in no story)?
        self._idfs: dict[str, float] = {}
        self._delta: Counter[str] = Counter()
        self._vectors: dict[int, _Vector] = {}
        self._postings: dict[str, list[tuple[float, int]]] = {}
        # The batch's grouped stories: their feeds and (current) entries,
        # their rows (written at the end) and links.
        self._feed_of: dict[int, int] = {}
        self._entry_of: dict[int, int] = {}
        self._rows: dict[int, tuple[object, ...]] = {}
        self._by_key: dict[str, list[tuple[float, int]]] = {}
        # Stored stories sharing a link with the batch's (read up front),
        # stored stories regrouped by the batch, entries merged into others,
        # and the feeds of entries the batch has looked at (stored members
        # and the batch's, counted, so that a regrouped story can leave).
        self._linked: dict[str, list[sqlite3.Row]] = {}
        self._forgotten: set[int] = set()
        self._merged_into: dict[int, int] = {}
        self._entry_feeds: dict[int, Counter[int]] = {}
        self._next_entry = self._first_new_entry = storage.next_entry_id(conn)
        # Writes decided while grouping (merges, regrouped stories' removal,
        # salience), in order, then the batch's rows, postings and counts.
        self._writes: list[Callable[[sqlite3.Connection], object]] = []
        self._planned: tuple[list[tuple[object, ...]], list[tuple[str, float, int]]] | None = None
        self._planned_delta: Counter[str] = Counter()

    # ---------------------------------------------------------------- public

    @property
    def frequencies(self) -> tuple[dict[str, int], bool]:
        """The document frequencies read or written, as the store has them
        once the batch commits, and whether they are all of them."""
        return self._df, self._all_df

    def group(
        self,
        rows: Sequence[sqlite3.Row],
        previous: Mapping[int, sqlite3.Row],
        prepared: Mapping[int, StoryAnalysis] | None = None,
    ) -> None:
        """Group *rows* (of :func:`storage.stories_to_group`, oldest first)
        and plan the writes of their entries, index terms and frequencies
        (:meth:`write` makes them; nothing is written here). *previous* holds
        their existing digest rows: a story whose words did not change
        keeps its entry. *prepared* holds the analyses the parse workers
        made (the others are made here)."""
        prepared = prepared or {}
        stories = [_read(row, prepared.get(row["id"])) for row in rows]
        for found in storage.by_link(self.conn, {key for story in stories for key in story.keys}):
            for key in {found["link_key"], found["alt_key"]} - {None}:
                self._linked.setdefault(key, []).append(found)
        if not self._all_df and len(stories) * ALL_DF_SHARE >= self.indexed:
            self._df = storage.all_frequencies(self.conn)
            self._all_df = True
        else:
            wanted: set[str] = set()
            for story in stories:
                wanted.update(story.vector.whole)
            for prior in previous.values():
                wanted.update(prior["title_terms"].split())
                wanted.update(prior["lede_terms"].split())
            self._load_df(wanted)
        for story in stories:
            self._add(story, previous.get(story.id))
        postings = sorted(
            [
                (term, published, story_id)
                for term, found in self._postings.items()
                for published, story_id in found
            ]
        )
        self._planned = (
            [
                (*row[:1], self._entry_of[story_id], *row[1:])
                for story_id, row in self._rows.items()
            ],
            postings,
        )
        self._planned_delta = self._delta
        self._postings = {}
        self._delta = Counter()
        self._rows.clear()

    def write(self, conn: sqlite3.Connection, gone: set[int] | frozenset[int] = frozenset()) -> None:
        """Make the writes :meth:`group` planned, in its order, on *conn*
        (in a write transaction). Stories in *gone* left the store since
        they were read: their rows and postings are not written."""
        for write in self._writes:
            write(conn)
        if self._planned is not None:
            rows, postings = self._planned
            delta = self._planned_delta
            if gone:
                rows = [row for row in rows if row[0] not in gone]
                postings = [posting for posting in postings if posting[2] not in gone]
                for story_id in gone & self._entry_of.keys():
                    for term in self._vectors[story_id].whole:
                        delta[term] -= 1
                        self._df[term] -= 1
            storage.save_grouped(conn, rows)
            storage.add_terms(conn, postings)
            storage.add_frequencies(conn, delta)
        self._writes.clear()
        self._planned = None
        self._planned_delta = Counter()

    # ---------------------------------------------------------------- adding

    def _add(self, story: _Story, previous: sqlite3.Row | None) -> int:
        """Group one story; returns its entry id."""
        if previous is not None:
            if previous["signature"] == story.signature:
                salience = story.salience
                self._writes.append(
                    lambda conn: storage.set_salience(conn, story.id, salience)
                )
                return previous["entry_id"]
            removed = storage.counted_terms(previous)
            self._writes.append(lambda conn: storage.forget(conn, previous))
            self._forgotten.add(story.id)
            left = self._entry_feeds.get(self._current(previous["entry_id"]))
            if left is not None:
                left[previous["feed_id"]] -= 1
            self._load_df(removed)
            for term in removed:
                self._df[term] = self._df.get(term, 0) - 1
                self._delta[term] -= 1
            self.indexed -= 1
        vector = story.vector  # its terms' frequencies were read with the batch's
        entry = self._choose_entry(story)
        self._weigh(vector)
        keys = story.keys
        self._rows[story.id] = (
            story.id,
            story.feed_id,
            story.published,
            keys[0] if keys else None,
            keys[1] if len(keys) > 1 else None,
            " ".join(story.title_terms),
            " ".join(story.lede_terms),
            " ".join(vector.idents),
            " ".join([vector.subject or "-", *sorted(vector.names)]),
            vector.norm,
            story.salience,
            story.signature,
        )
        for key in keys:
            self._by_key.setdefault(key, []).append((story.published, story.id))
        self._feeds(entry)[story.feed_id] += 1
        self.indexed += 1
        df, delta, postings = self._df, self._delta, self._postings
        posting = (story.published, story.id)
        for term in vector.whole:
            count = df[term] = df.get(term, 0) + 1
            delta[term] += 1
            if count <= INDEXED_DF:
                found = postings.get(term)
                if found is None:
                    postings[term] = [posting]
                else:
                    found.append(posting)
        self._vectors[story.id] = vector
        self._feed_of[story.id] = story.feed_id
        self._entry_of[story.id] = entry
        return entry

    # --------------------------------------------------------------- matching

    def _choose_entry(self, story: _Story) -> int:
        low, high = story.published - self.window, story.published + self.window
        linked = self._linked_entries(story, low, high)
        similar = self._similar_entries(story, low, high)
        chosen = linked | {entry for entry, _ in similar}
        if not chosen:
            entry = self._next_entry
            self._next_entry += 1
            return entry
        if len(chosen) > 1:
            # Two entries meet only if they share no feed: a merge must not
            # put two different stories of one feed together.
            keep = min(linked) if linked else similar[0][0]
            feeds = set(self._feed_set(keep))
            for entry, _ in similar:
                if entry == keep or entry in linked:
                    continue
                other = self._feed_set(entry)
                if other & feeds:
                    chosen.discard(entry)
                else:
                    feeds |= other
            merged = chosen - {keep}
            members = self._feeds(keep)
            for entry in merged:  # (read before the merge moves their stored members)
                members.update(self._feeds(entry))
                del self._entry_feeds[entry]
                self._merged_into[entry] = keep
            self._writes.append(lambda conn: storage.merge_entries(conn, keep, merged))
            for story_id, entry in self._entry_of.items():
                if entry in merged:
                    self._entry_of[story_id] = keep
            return keep
        return next(iter(chosen))

    def _similar_entries(self, story: _Story, low: float, high: float) -> list[tuple[int, float]]:
        """Entries holding a story like this one, best first, none of which
        already carries a story of this story's feed."""
        vector = story.vector
        df = self._df
        rarest = sorted(
            (term for term in vector.whole if 0 < df.get(term, 0) <= COMMON_DF),
            key=lambda term: df.get(term, 0),
        )[:LOOKUP_TERMS]
        title = _title(vector)
        weights = {
            term: self._idf(term) * (TITLE_WEIGHT if term in title else 1) for term in rarest
        }
        if not weights:
            return []
        # A candidate must share a fair part of this story's rare words: the
        # cosine cannot pass the threshold otherwise, so it is not scored.
        floor = MIN_SHARED * sum(weights.values())
        best = [
            found
            for found in self._candidates(weights, low, high, floor, MAX_CANDIDATES + 1)
            if found[0] != story.id
        ]
        if not best:
            return []
        self._weigh(vector)
        others: list[tuple[int, int]] = []  # (entry, story id) in story id order
        unparsed: list[sqlite3.Row] = []
        for story_id, _, found in sorted(best, key=lambda item: item[0]):
            if found is None:  # a story of this batch
                feed, entry = self._feed_of[story_id], self._entry_of[story_id]
            elif found["entry_id"] is None or story_id in self._forgotten:
                continue  # its story left the store, or is being regrouped
            else:
                feed, entry = found["feed_id"], self._current(found["entry_id"])
                if feed != story.feed_id and story_id not in self._vectors:
                    unparsed.append(found)  # (a story of this feed is never scored)
            if feed != story.feed_id:
                others.append((entry, story_id))
        self._parse(unparsed)
        scores: dict[int, float] = {}
        for entry, story_id in others:
            other = self._vectors[story_id]
            # (Most titles name no model or version: skip the check then.)
            if vector.idents and other.idents and conflicting(vector.idents, other.idents):
                continue
            score = self._score(vector, other)
            if score > scores.get(entry, 0.0):
                scores[entry] = score
        result = []
        for entry, score in sorted(scores.items(), key=lambda item: -item[1]):
            if story.feed_id not in self._feed_set(entry):
                result.append((entry, score))
        return result

    def _linked_entries(self, story: _Story, low: float, high: float) -> set[int]:
        """Entries holding another story, published in [low, high], whose
        link is one of this story's: stored ones (read with the batch, by
        their current entry) and the batch's own."""
        linked: set[int] = set()
        batch = self._entry_of
        for key in story.keys:
            for found in self._linked.get(key, ()):
                story_id = found["story_id"]
                if (
                    low <= found["published"] <= high
                    and story_id != story.id
                    and story_id not in batch
                    and story_id not in self._forgotten
                ):
                    linked.add(self._current(found["entry_id"]))
            for published, story_id in self._by_key.get(key, ()):
                if low <= published <= high and story_id != story.id:
                    linked.add(batch[story_id])
        return linked

    def _current(self, entry: int) -> int:
        """The entry a stored entry id now is, after the batch's merges."""
        while entry in self._merged_into:
            entry = self._merged_into[entry]
        return entry

    def _feeds(self, entry: int) -> Counter[int]:
        """The feeds of an entry's members, counted (stored members read
        once per batch; kept up to date as the batch adds and merges)."""
        feeds = self._entry_feeds.get(entry)
        if feeds is None:
            feeds = self._entry_feeds[entry] = Counter()
            if entry < self._first_new_entry:
                forgotten = self._forgotten  # (their stored rows go at the write)
                feeds.update(
                    feed
                    for story_id, feed in storage.entry_feeds(self.conn, entry)
                    if story_id not in forgotten
                )
        return feeds

    def _feed_set(self, entry: int) -> set[int]:
        """The feeds an entry's members come from."""
        return {feed for feed, count in self._feeds(entry).items() if count > 0}

    def _candidates(
        self, weights: dict[str, float], low: float, high: float, floor: float, limit: int
    ) -> list[tuple[int, float, sqlite3.Row | None]]:
        """The stories in [low, high] sharing at least *floor* of *weights*,
        heaviest first, at most *limit*, with their stored rows: the stored
        index's best (SQLite sums those) and the batch's own (no row),
        summed here in the same term order."""
        ranked: list[tuple[int, float, sqlite3.Row | None]] = [
            (found["story_id"], found["shared"], found)
            for found in storage.candidates(self.conn, weights, low, high, floor, limit)
        ]
        shared: dict[int, float] = {}
        postings = self._postings
        for term, weight in weights.items():
            for published, story_id in postings.get(term, ()):
                if low <= published <= high:
                    shared[story_id] = shared.get(story_id, 0.0) + weight
        if shared:
            ranked += [
                (story_id, total, None) for story_id, total in shared.items() if total >= floor
            ]
            ranked.sort(key=lambda item: (-item[1], item[0]))
        return ranked[:limit]

    def _parse(self, found_rows: Iterable[sqlite3.Row]) -> None:
        """Vectors of stored candidate stories, parsed once per batch; their
        terms' frequencies are read in one query."""
        wanted: list[str] = []
        for found in found_rows:
            subject, *named = found["names"].split() or ["-"]
            vector = _Vector(
                [],
                {},
                tuple(found["idents"].split()),
                None if subject == "-" else subject,
                frozenset(named),
                stored=(found["title_terms"], found["lede_terms"]),
            )
            self._vectors[found["story_id"]] = vector
            if not self._all_df:
                wanted += found["title_terms"].split()
                wanted += found["lede_terms"].split()
        self._load_df(wanted)

    def _score(self, vector: _Vector, other: _Vector) -> float:
        """How alike two stories are, 0 when not alike enough: the cosine of
        their weighted terms, or of their titles when those match well.
        Stories about different subjects are never alike enough."""
        if _other_subjects(vector, other):
            return 0.0
        whole = self._cosine(self._weigh(vector), vector.norm, _unpack(other).whole)
        if whole >= SAME_EVENT:
            return whole
        if whole >= SAME_TITLE_WHOLE:
            title = self._cosine(self._weigh_title(vector), vector.title_norm, _title(other))
            if title >= SAME_TITLE:
                return whole
        return 0.0

    # ---------------------------------------------------------------- weights

    def _load_df(self, wanted: Iterable[str]) -> None:
        """Read the document frequencies of the *wanted* terms not read yet."""
        if self._all_df:
            return
        df = self._df
        missing = list(set(wanted).difference(df))
        if missing:
            found = storage.document_frequencies(self.conn, missing)
            for term in missing:
                df[term] = found.get(term, 0)

    def _idf(self, term: str) -> float:
        # Weights are fixed for the batch: N moves by at most the batch size.
        # A term's weight is taken when first needed (its frequency then);
        # _weights and _cosine inline this: it is the inner loop of grouping.
        weight = self._idfs.get(term)
        if weight is None:
            weight = self._idfs[term] = math.log(
                (self.indexed + IDF_PRIOR) / (self._df.get(term, 0) + 1)
            )
        return weight

    def _weigh(self, vector: _Vector) -> dict[str, float]:
        """The weights of a story's terms and its norm, worked out once."""
        if vector.weights is None:
            vector.weights, vector.norm = self._weights(vector.whole)
        return vector.weights

    def _weigh_title(self, vector: _Vector) -> dict[str, float]:
        """The weights of a story's title terms and their norm, worked out once."""
        if vector.title_weights is None:
            vector.title_weights, vector.title_norm = self._weights(_title(vector))
        return vector.title_weights

    def _weights(self, counts: dict[str, int]) -> tuple[dict[str, float], float]:
        """count × idf of each term, and the vector's length."""
        idfs, df, log = self._idfs, self._df, math.log
        documents = self.indexed + IDF_PRIOR
        weights: dict[str, float] = {}
        for term, count in counts.items():
            idf = idfs.get(term)
            if idf is None:
                idf = idfs[term] = log(documents / (df.get(term, 0) + 1))
            weights[term] = count * idf
        return weights, math.sqrt(sum([weight**2 for weight in weights.values()]))

    def _cosine(self, left: dict[str, float], left_norm: float, right: dict[str, int]) -> float:
        """The cosine of a weighted vector and a candidate's term counts,
        weighing the candidate as it goes (:meth:`_idf` inlined: this is
        the inner loop of grouping). Its squared length and the dot product
        are summed term by term in its order, as they always were, so that
        every score is the same float it always was."""
        if not left_norm:
            return 0.0
        idfs, df, log = self._idfs, self._df, math.log
        documents = self.indexed + IDF_PRIOR
        dot = 0.0
        square = 0.0
        for term, count in right.items():
            idf = idfs.get(term)
            if idf is None:
                idf = idfs[term] = log(documents / (df.get(term, 0) + 1))
            weight = count * idf
            square += weight * weight
            mine = left.get(term)
            if mine is not None:
                dot += mine * weight
        if not square or not dot:
            return 0.0
        return dot / (left_norm * math.sqrt(square))


def _read(row: sqlite3.Row, analysis: StoryAnalysis | None) -> _Story:
    """A story's terms, link keys, names and signature: from its analysis
    when the parse worker made one, else from its row."""
    if analysis is None:
        analysis = analyse_row(row)
    title_terms, lede_terms, keys = analysis.title_terms, analysis.lede_terms, analysis.keys
    vector = _Vector(
        title_terms,
        _whole(title_terms, lede_terms),
        analysis.idents,
        analysis.subject,
        analysis.names,
    )
    return _Story(
        id=row["id"],
        feed_id=row["feed_id"],
        published=row["published"],
        title_terms=title_terms,
        lede_terms=lede_terms,
        keys=keys,
        salience=analysis.salience,
        signature=_signature(title_terms, lede_terms, keys[0] if keys else None, row["published"]),
        vector=vector,
    )


def _unpack(vector: _Vector) -> _Vector:
    """A stored candidate's vector with its terms counted (once)."""
    if vector.stored is not None:
        title, lede = vector.stored
        vector.title_terms = title.split()
        vector.whole = _whole(vector.title_terms, lede.split())
        vector.stored = None
    return vector


def _title(vector: _Vector) -> dict[str, int]:
    """How often each title term occurs (worked out when first needed: most
    candidates never get to a title comparison)."""
    if vector.title is None:
        vector.title = Counter(vector.title_terms)
    return vector.title


def _whole(title_terms: list[str], lede_terms: list[str]) -> dict[str, int]:
    """Term counts of title and lede, a title word counting TITLE_WEIGHT
    times; title terms first (the order every sum over them follows)."""
    return Counter(title_terms * TITLE_WEIGHT + lede_terms)


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
