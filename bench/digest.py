"""Benchmark of the digest: grouping quality on a labelled set, and cost.

    uv run python bench/digest.py [--quick]

Quality: the stories of ``bench/data/grouping_labels.json`` (written for
the set: same events across feeds, and hard negatives: same company,
different event; same template title, different product) plus real feeds
of ``../shared/corpus/feeds`` (the Daring Fireball posts as Atom and as JSON
Feed are the same articles; every other corpus pair is a negative) go
through the store and the refresh hook; pairwise precision and recall
compare the entries with the labels. The corpus runs twice: with its real
dates, and squeezed into one 72-hour window so that every cross-feed pair
(podcast episodes, releases, news of one day) is a candidate.

Cost (CPU seconds of this process, so that other work on the machine does
not count; SQLite runs in-process; the best of a few runs, since a busy
machine only ever adds time): a 30,000-story store (titles and ledes drawn
from the corpus articles' vocabulary, 5% of them rewritten copies across
feeds, spread over ten days), then 1,000 new stories grouped by the hook,
in one call and, as a refresh does, in one call per feed, each run on a
fresh copy of the same store; and the Today and This-week views built.
Targets: P ≥ 0.95, R ≥ 0.85; 1,000 into 30,000 ≤ 1 s; Today ≤ 100 ms.
"""

from __future__ import annotations

import argparse
import itertools
import json
import random
import re
import shutil
import sys
import tempfile
import time
from collections import Counter, defaultdict
from datetime import UTC, datetime, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tui.core import digest  # noqa: E402
from tui.core.figures import extract_story_figures, headline_figure  # noqa: E402
from tui.core.models import FeedConfig, Story  # noqa: E402
from tui.core.store import Store  # noqa: E402

SHARED = REPO.parent / "shared" / "corpus"
LABELS = REPO / "bench" / "data" / "grouping_labels.json"
NOW = datetime(2026, 12, 7, 12, tzinfo=UTC)


def _story(uid: str, title: str, lede: str, link: str | None, published: datetime) -> Story:
    story = Story(uid=uid, title=title, published=published, link=link, summary=lede)
    story.figures = extract_story_figures(title, lede[:600])
    story.headline = headline_figure(story.figures)
    return story


def _store_feeds(store: Store, names: list[str]) -> dict[str, int]:
    store.sync_feeds([FeedConfig(url=f"https://{name}.example/feed", title=name) for name in names])
    return {feed.title: feed.id for feed in store.feeds()}


def _pairs(clusters: dict[str, list[str]]) -> set[tuple[str, str]]:
    found: set[tuple[str, str]] = set()
    for members in clusters.values():
        for a, b in itertools.combinations(sorted(members), 2):
            found.add((a, b))
    return found


def quality(squeeze_corpus: bool) -> dict[str, float]:
    """Pairwise precision and recall of grouping on the labelled set."""
    from tui.core.parse import parse_feed

    labels = json.loads(LABELS.read_text("utf-8"))
    by_feed: dict[str, list[tuple[str, Story]]] = defaultdict(list)
    truth: dict[str, str] = {}
    for index, item in enumerate(labels["stories"]):
        key = f"w{index}"
        published = NOW - timedelta(hours=item["hours"])
        by_feed[item["feed"]].append(
            (key, _story(key, item["title"], item["lede"], item["link"], published))
        )
        truth[key] = item["event"]
    corpus = SHARED / "feeds"
    same = {}
    for number, pair in enumerate(labels["corpus_same"]):
        for name, uid in pair:
            same[(name, uid)] = f"corpus-same-{number}"
    corpus_stories: list[tuple[str, str, Story]] = []
    if corpus.is_dir():
        for name in labels["corpus"]["feeds"]:
            parsed = parse_feed((corpus / name).read_bytes(), f"https://corpus.example/{name}")
            for story in parsed.stories:
                corpus_stories.append((name, story.uid, story))
    for name, _, story in corpus_stories:
        if name in labels.get("corpus_dates", {}):
            story.published = datetime.fromisoformat(labels["corpus_dates"][name])
    if squeeze_corpus and corpus_stories:
        ordered = sorted(corpus_stories, key=lambda item: item[2].published)
        span = timedelta(hours=labels["window_hours"])
        for rank, (_, _, story) in enumerate(ordered):
            story.published = NOW - span + span * rank / len(ordered)
    for name, uid, story in corpus_stories:
        key = f"{name}#{uid}"
        story.figures = extract_story_figures(story.title, story.body[:600])
        story.headline = headline_figure(story.figures)
        by_feed[name].append((key, story))
        truth[key] = same.get((name, uid), key)
    with tempfile.TemporaryDirectory() as folder, Store.open(Path(folder) / "q.db") as store:
        feeds = _store_feeds(store, list(by_feed))
        id_to_key: dict[int, str] = {}
        for feed, items in by_feed.items():
            result = store.upsert_stories(feeds[feed], [story for _, story in items], NOW)
            for key, story in items:
                if story.id is not None:
                    id_to_key[story.id] = key
            digest.on_stories_stored(
                store, result.new + result.updated, NOW, window_hours=labels["window_hours"]
            )
        with store.db.reading() as conn:
            rows = conn.execute("SELECT story_id, entry_id FROM digest_stories").fetchall()
    predicted_clusters: dict[str, list[str]] = defaultdict(list)
    for story_id, entry_id in rows:
        if story_id in id_to_key:
            predicted_clusters[str(entry_id)].append(id_to_key[story_id])
    true_clusters: dict[str, list[str]] = defaultdict(list)
    for key in id_to_key.values():
        true_clusters[truth[key]].append(key)
    predicted, actual = _pairs(predicted_clusters), _pairs(true_clusters)
    hits = len(predicted & actual)
    written = sum(1 for key in id_to_key.values() if key.startswith("w"))
    return {
        "stories": len(id_to_key),
        "written": written,
        "true_pairs": len(actual),
        "predicted_pairs": len(predicted),
        "precision": hits / len(predicted) if predicted else 1.0,
        "recall": hits / len(actual) if actual else 1.0,
        "false_pairs": sorted(predicted - actual)[:12],
        "missed_pairs": sorted(actual - predicted)[:12],
    }


# ------------------------------------------------------------------ cost


def _vocabulary() -> tuple[list[str], list[float]]:
    words: Counter[str] = Counter()
    for path in sorted((SHARED / "articles").glob("*.txt")):
        words.update(re.findall(r"[A-Za-z][A-Za-z'-]+|\d+(?:\.\d+)?", path.read_text("utf-8")))
    common = words.most_common(20000)
    return [word for word, _ in common], [count for _, count in common]


def _synthetic(count: int, feeds: int, days: float, seed: int) -> list[tuple[int, Story]]:
    """*count* stories over *feeds* feeds and *days* days; 5% are rewritten
    copies of an earlier story in another feed."""
    rng = random.Random(seed)
    words, weights = _vocabulary()
    made: list[tuple[int, Story]] = []
    for index in range(count):
        published = NOW - timedelta(days=days * rng.random())
        feed = rng.randrange(feeds)
        if made and rng.random() < 0.05:
            _, original = made[rng.randrange(len(made))]
            title_words = original.title.split()
            title_words[rng.randrange(len(title_words))] = rng.choices(words, weights)[0]
            title, lede = " ".join(title_words), original.summary
            published = original.published + timedelta(hours=rng.random() * 6)
        else:
            title = " ".join(rng.choices(words, weights, k=rng.randint(7, 12))).capitalize()
            lede = " ".join(rng.choices(words, weights, k=30)) + "."
            if rng.random() < 0.3:
                title += f" as sales hit ${rng.randint(2, 900)}m"
        story = Story(
            uid=f"s{seed}-{index}",
            title=title,
            published=published,
            link=f"https://site{feed}.example/{seed}/{index}",
            summary=lede,
        )
        made.append((feed, story))
    return made


def _insert(store: Store, feeds: list[int], stories: list[tuple[int, Story]]) -> list[int]:
    ids: list[int] = []
    batches: dict[int, list[Story]] = defaultdict(list)
    for feed, story in stories:
        story.figures = extract_story_figures(story.title, "")
        story.headline = headline_figure(story.figures)
        batches[feeds[feed % len(feeds)]].append(story)
    for feed_id, batch in batches.items():
        for start in range(0, len(batch), 500):
            ids += store.upsert_stories(feed_id, batch[start : start + 500], NOW).new
    return ids


def _by_feed(store: Store, ids: list[int]) -> list[list[int]]:
    """*ids* grouped by feed, as the refresh hands them to the hook."""
    found: dict[int, list[int]] = defaultdict(list)
    with store.db.reading() as conn:
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            for story_id, feed_id in conn.execute(
                f"SELECT id, feed_id FROM stories WHERE id IN ({','.join('?' * len(chunk))})", chunk
            ):
                found[feed_id].append(story_id)
    return [sorted(group) for group in found.values()]


def cost(size: int, new: int, runs: int) -> dict[str, float]:
    """CPU seconds to group *new* stories into a *size*-story store (best
    of *runs*, each on a copy of the same store), in one call and in one
    call per feed, and to build the Today and This-week views."""
    with tempfile.TemporaryDirectory() as folder:
        base = Path(folder) / "base.db"
        with Store.open(base) as store:
            feeds = list(_store_feeds(store, [f"feed{n}" for n in range(60)]).values())
            _insert(store, feeds, _synthetic(size, 60, 10, seed=1))
            started = time.process_time()
            digest.ensure_grouped(store, NOW)
            backfill = time.process_time() - started
            ids = _insert(store, feeds, _synthetic(new, 60, 0.5, seed=2))
            per_feed = _by_feed(store, ids)
        one_call, feed_calls = [], []
        for run in range(runs):
            for calls, times in (([ids], one_call), (per_feed, feed_calls)):
                copy = Path(folder) / f"run{run}-{len(calls)}.db"
                shutil.copy(base, copy)
                with Store.open(copy) as store:
                    started = time.process_time()
                    for batch in calls:
                        digest.on_stories_stored(store, batch, NOW)
                    times.append(time.process_time() - started)
                copy.unlink()
        today, week = [], []
        with Store.open(base) as store:
            digest.on_stories_stored(store, ids, NOW)
            for _ in range(5):
                started = time.process_time()
                digest.today(store, NOW, window="today")
                today.append(time.process_time() - started)
                started = time.process_time()
                digest.today(store, NOW, window="week")
                week.append(time.process_time() - started)
            with store.db.reading() as conn:
                entries = conn.execute(
                    "SELECT count(DISTINCT entry_id) FROM digest_stories"
                ).fetchone()[0]
    return {
        "backfill": backfill,
        "grouping": min(one_call),
        "grouping_worst": max(one_call),
        "feed_calls": len(per_feed),
        "per_feed": min(feed_calls),
        "today": min(today),
        "week": min(week),
        "entries": entries,
        "size": size,
        "new": new,
        "runs": runs,
    }


def _row(*cells: object) -> str:
    return "| " + " | ".join(str(cell) for cell in cells) + " |"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="a 5,000-story store for the cost")
    parser.add_argument("--quality-only", action="store_true")
    parser.add_argument("--runs", type=int, default=5, help="runs of each cost, best kept")
    parser.add_argument("--verbose", action="store_true", help="print wrong and missed pairs")
    args = parser.parse_args()
    ok = True
    print("Grouping quality (pairwise, targets P ≥ 0.95 and R ≥ 0.85)\n")
    print(_row("set", "stories", "true pairs", "predicted pairs", "P", "R", "met"))
    print(_row("---", "---:", "---:", "---:", "---:", "---:", "---"))
    details = []
    for label, squeeze in (("written + corpus, real dates", False),
                           ("written + corpus, one window", True)):
        result = quality(squeeze)
        met = result["precision"] >= 0.95 and result["recall"] >= 0.85
        ok &= met
        print(_row(label, result["stories"], result["true_pairs"], result["predicted_pairs"],
                   f"{result['precision']:.3f}", f"{result['recall']:.3f}", "yes" if met else "NO"))
        details.append((label, result))
    if args.verbose:
        for label, result in details:
            print(f"\n{label}:")
            for pair in result["false_pairs"]:
                print("    false:", pair)
            for pair in result["missed_pairs"]:
                print("    missed:", pair)
    if not args.quality_only:
        size = 5000 if args.quick else 30000
        result = cost(size, 1000, max(args.runs, 1))
        print(f"\nCost: {result['size']:,}-story store ({result['entries']:,} entries), "
              f"{result['new']:,} new stories; CPU time, best of {result['runs']} runs\n")
        grouping_met = result["grouping"] <= 1.0
        today_met = result["today"] <= 0.1
        ok &= grouping_met and today_met
        calls = result["feed_calls"]
        print(_row("measure", "CPU", "target", "met"))
        print(_row("---", "---:", "---:", "---"))
        print(_row("1,000 new stories grouped, one call", f"{result['grouping'] * 1000:.0f} ms",
                   "≤ 1000 ms", "yes" if grouping_met else "NO"))
        print(_row(f"the same, one call per feed ({calls} calls)",
                   f"{result['per_feed'] * 1000:.0f} ms "
                   f"({result['per_feed'] * 1000 / calls:.1f} ms a call)", "", ""))
        print(_row("Today view", f"{result['today'] * 1000:.1f} ms", "≤ 100 ms",
                   "yes" if today_met else "NO"))
        print(_row("This-week view", f"{result['week'] * 1000:.1f} ms", "", ""))
        print(_row("backfill of the whole store (ensure_grouped)",
                   f"{result['backfill']:.2f} s", "", ""))
        print(f"\n(one call, worst of {result['runs']}: {result['grouping_worst'] * 1000:.0f} ms)")
    print("\ntargets met" if ok else "\nTARGETS MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
