"""The SQLite store: round trips, upsert rules, search, migrations and two
processes sharing one file."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import textwrap
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tui.core.models import Enclosure, FeedConfig, FeedState, Figure, Story
from tui.core.store import SCHEMA_VERSION, Store, StoreCorrupt, StoreError, StoryQuery, WriterLock
from tui.core.store.db import WAL_CHECKPOINT_PAGES, Database

T0 = datetime(2026, 11, 20, 9, 30, tzinfo=UTC)


def story(uid: str, title: str = "A story", hours: int = 0, **fields: object) -> Story:
    return Story(uid=uid, title=title, published=T0 + timedelta(hours=hours), **fields)


def add_feed(store: Store, url: str = "https://example.com/feed.xml", **fields: object) -> int:
    configs = [FeedConfig(url=url, **fields)]
    existing = [
        FeedConfig(url=f.url, title=f.title, tags=f.tags) for f in store.feeds() if f.url != url
    ]
    store.sync_feeds([*existing, *configs])
    return next(f.id for f in store.feeds() if f.url == url)


def test_new_store_is_at_the_current_schema_in_wal_mode(tmp_path: Path) -> None:
    with Store.open(tmp_path / "sub" / "digest.db") as store:
        assert store.db.version == SCHEMA_VERSION
        with store.db.reading() as conn:
            assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
            assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1


def test_the_write_ahead_log_is_checkpointed_only_past_its_larger_threshold(
    tmp_path: Path,
) -> None:
    """A refresh's commits add up in the log without being copied into the
    file every 1000 pages (SQLite's default), which cost a cold refresh 5%;
    once the log passes WAL_CHECKPOINT_PAGES, a commit checkpoints it."""
    with Store.open(tmp_path / "digest.db") as store:
        with store.db.transaction() as conn:
            conn.execute("CREATE TABLE scratch (blob BLOB)")
            page = conn.execute("PRAGMA page_size").fetchone()[0]

        def commit_pages(commits: int) -> None:
            """*commits* transactions of 100 pages' worth of rows each."""
            for _ in range(commits):
                with store.db.transaction() as conn:
                    conn.executemany(
                        "INSERT INTO scratch VALUES (?)", [(bytes(page),) for _ in range(100)]
                    )

        commit_pages(30)  # 3000 pages of log
        wal = tmp_path / "digest.db-wal"
        assert wal.stat().st_size > 2500 * page  # not reset at 1000 pages
        commit_pages(WAL_CHECKPOINT_PAGES // 100 + 5)
        with store.db.reading() as conn:
            _, frames, _ = conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
        # Checkpointed past the threshold, and the log was started over.
        assert frames < WAL_CHECKPOINT_PAGES
    assert not wal.exists()  # removed once the last connection closed


def test_story_round_trip_keeps_every_field(store: Store) -> None:
    feed_id = add_feed(store, title="Example", tags=("news",))
    figure = Figure(
        "27 million", 10, 20, 27e6, "count", None, "users", None, "It has 27 million users."
    )
    original = story(
        "guid-1",
        "HarmonyOS passes 27 million users",
        guid="guid-1",
        link="https://example.com/1",
        author="A. Writer",
        updated=T0 + timedelta(hours=1),
        summary="Short *summary*",
        content="It now has **27 million** users.",
        enclosures=(Enclosure("https://example.com/a.mp3", "audio/mpeg", 1234),),
        figures=[figure],
        headline=figure,
    )
    result = store.upsert_stories(feed_id, [original])
    assert len(result.new) == 1 and result.updated == []
    loaded = store.story(result.new[0])
    assert loaded is not None
    for name in (
        "uid",
        "guid",
        "link",
        "title",
        "author",
        "published",
        "updated",
        "summary",
        "content",
        "enclosures",
    ):
        assert getattr(loaded, name) == getattr(original, name), name
    assert loaded.feed_title == "Example"
    assert loaded.figures == [figure] and loaded.headline == figure
    assert loaded.first_seen is not None and not loaded.read and not loaded.starred


def test_refetching_the_same_stories_duplicates_nothing(store: Store) -> None:
    feed_id = add_feed(store)
    batch = [story("a"), story("b", hours=1)]
    assert len(store.upsert_stories(feed_id, batch).new) == 2
    again = store.upsert_stories(feed_id, [story("a"), story("b", hours=1)])
    assert (again.new, again.updated, again.unchanged) == ([], [], 2)
    assert store.count_stories() == 2


def test_a_story_twice_in_one_batch_is_stored_once(store: Store) -> None:
    feed_id = add_feed(store)
    result = store.upsert_stories(feed_id, [story("a", "first"), story("a", "second")])
    assert len(result.new) == 1
    assert [s.title for s in store.stories()] == ["first"]


def test_changed_story_is_updated_and_keeps_read_and_starred(store: Store) -> None:
    feed_id = add_feed(store)
    (story_id,) = store.upsert_stories(feed_id, [story("a", "Old title")]).new
    store.set_read([story_id])
    store.set_starred(story_id, True)
    result = store.upsert_stories(feed_id, [story("a", "New title", content="more")])
    assert result.updated == [story_id]
    loaded = store.story(story_id)
    assert loaded.title == "New title" and loaded.read and loaded.starred


def test_pending_lists_only_new_and_changed_stories(store: Store) -> None:
    feed_id = add_feed(store)
    store.upsert_stories(feed_id, [story("a"), story("b")])
    pending = store.pending(feed_id, [story("a"), story("b", "changed"), story("c")])
    assert [s.uid for s in pending] == ["b", "c"]


def test_rewritten_guid_with_same_link_is_the_same_story(store: Store) -> None:
    feed_id = add_feed(store)
    (story_id,) = store.upsert_stories(feed_id, [story("guid-v1", link="https://e.com/1")]).new
    store.set_read([story_id])
    result = store.upsert_stories(feed_id, [story("guid-v2", link="https://e.com/1", summary="x")])
    assert result.new == [] and result.updated == [story_id]
    assert store.story(story_id).read


def test_figures_are_replaced_when_a_story_changes(store: Store) -> None:
    feed_id = add_feed(store)
    first = Figure("10%", 0, 3, 10, "percent", "%")
    (story_id,) = store.upsert_stories(feed_id, [story("a", content="10%", figures=[first])]).new
    second = Figure("20%", 0, 3, 20, "percent", "%")
    store.upsert_stories(feed_id, [story("a", content="20%", figures=[second], headline=second)])
    assert store.figures(story_id) == [second]
    assert store.stories()[0].headline == second


def test_a_mixed_batch_keeps_each_storys_figures_tags_and_search_text(store: Store) -> None:
    """New stories are written with one statement per feed, with ids given
    by the upsert: each must still get its own figures, tags and full-text
    row, beside an updated story and after ids freed by a deletion."""
    feed_id = add_feed(store)
    (old_id, gone_id) = store.upsert_stories(feed_id, [story("old"), story("gone", hours=1)]).new
    with store.db.transaction() as conn:
        conn.execute("DELETE FROM stories WHERE id = ?", (gone_id,))
    figure = {n: Figure(f"{n}%", 0, len(f"{n}%"), n, "percent", "%") for n in (10, 20, 30)}
    result = store.upsert_stories(
        feed_id,
        [
            story("new1", "Alpha", content="10%", figures=[figure[10]], tags=("one",)),
            story("old", "Changed", content="20%", figures=[figure[20]]),
            story("new2", "Bravo", content="30%", figures=[figure[30]], tags=("two",)),
        ],
    )
    assert result.updated == [old_id]
    assert result.new == [gone_id, gone_id + 1]  # the ids SQLite itself would have given
    by_title = {s.title: s.id for s in store.stories()}
    assert store.figures(by_title["Alpha"]) == [figure[10]]
    assert store.figures(by_title["Changed"]) == [figure[20]]
    assert store.figures(by_title["Bravo"]) == [figure[30]]
    assert [s.title for s in store.stories(StoryQuery(tag="two"))] == ["Bravo"]
    assert [s.title for s in store.stories(StoryQuery(search="bravo"))] == ["Bravo"]


def test_queries_filter_and_page(store: Store) -> None:
    news = add_feed(store, "https://news.example/feed", tags=("news",))
    mobile = add_feed(store, "https://mobile.example/feed", tags=("mobile",))
    ids = store.upsert_stories(news, [story(f"n{i}", f"News {i}", hours=i) for i in range(5)]).new
    store.upsert_stories(mobile, [story(f"m{i}", f"Phone {i}", hours=10 + i) for i in range(3)])
    store.set_read(ids[:2])
    store.set_starred(ids[4], True)

    assert [s.title for s in store.stories(StoryQuery(limit=3))] == [
        "Phone 2",
        "Phone 1",
        "Phone 0",
    ]
    assert store.count_stories(StoryQuery(tag="news")) == 5
    assert store.count_stories(StoryQuery(tag="news", unread_only=True)) == 3
    assert [s.title for s in store.stories(StoryQuery(starred_only=True))] == ["News 4"]
    assert store.count_stories(StoryQuery(feed_ids=(mobile,))) == 3
    assert store.count_stories(StoryQuery(since=T0 + timedelta(hours=11))) == 2

    first_page = store.stories(StoryQuery(limit=4))
    last = first_page[-1]
    rest = store.stories(StoryQuery(limit=10, before=(last.published.timestamp(), last.id)))
    assert [s.title for s in first_page + rest] == [
        s.title for s in store.stories(StoryQuery(limit=None))
    ]
    assert len(first_page + rest) == 8

    counts = {feed.url: (feed.unread, feed.total) for feed in store.feeds()}
    assert counts == {"https://news.example/feed": (3, 5), "https://mobile.example/feed": (3, 3)}
    assert store.mark_read(StoryQuery(tag="mobile")) == 3
    assert store.count_stories(StoryQuery(unread_only=True)) == 3


def test_full_text_search_over_title_and_body(store: Store) -> None:
    feed_id = add_feed(store)
    store.upsert_stories(
        feed_id,
        [
            story("a", "HarmonyOS milestone", content="Huawei says devices passed 27 million."),
            story("b", "Battery news", summary="A 5,000mAh cell from a supplier in Shenzhen."),
            story("c", "Unrelated", content="Nothing here."),
        ],
    )
    assert [s.uid for s in store.stories(StoryQuery(search="harmony"))] == ["a"]
    assert [s.uid for s in store.stories(StoryQuery(search="shenzhen battery"))] == ["b"]
    assert [s.uid for s in store.stories(StoryQuery(search="Huawei"))] == ["a"]
    # FTS syntax in user input is taken literally, never an error
    for odd in ('"', "AND OR NOT", "a*(b", "-x", "[@click=app.quit]", ""):
        store.stories(StoryQuery(search=odd))
    # editing a story re-indexes it; marking it read does not break the index
    store.upsert_stories(feed_id, [story("c", "Unrelated", content="Now about Shenzhen.")])
    store.set_read([s.id for s in store.stories()])
    assert {s.uid for s in store.stories(StoryQuery(search="shenzhen"))} == {"b", "c"}
    assert_index_matches_stories(store)


def assert_index_matches_stories(store: Store) -> None:
    """FTS5's own check that the search index holds exactly the stories'
    text (rank 1: compared with the stories table, not only itself)."""
    with store.db.reading() as conn:
        conn.execute("INSERT INTO stories_fts(stories_fts, rank) VALUES ('integrity-check', 1)")


def test_a_store_from_before_bulk_indexing_indexes_each_new_story_once(tmp_path: Path) -> None:
    path = tmp_path / "v11.db"
    Database.open(path, target_version=11).close()  # its trigger indexed every insert
    with Store.open(path) as store:
        feed_id = add_feed(store)
        store.upsert_stories(feed_id, [story("a", "Tablet shipments grew", summary="By 17%.")])
        assert [s.uid for s in store.stories(StoryQuery(search="tablet shipments"))] == ["a"]
        with store.db.reading() as conn:
            triggers = {
                name
                for (name,) in conn.execute(
                    "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'stories'"
                )
            }
        assert "stories_fts_insert" not in triggers  # or every story would be indexed twice
        assert_index_matches_stories(store)


def test_sync_feeds_follows_the_config_and_keeps_removed_feeds_stories(store: Store) -> None:
    store.sync_feeds(
        [FeedConfig(url="https://a.example/f", title="A"), FeedConfig(url="https://b.example/f")]
    )
    b_id = next(f.id for f in store.feeds() if f.url == "https://b.example/f")
    store.upsert_stories(b_id, [story("x")])
    store.sync_feeds([FeedConfig(url="https://a.example/f", title="A renamed", tags=("t",))])
    assert [(f.url, f.title, f.tags) for f in store.feeds()] == [
        ("https://a.example/f", "A renamed", ("t",))
    ]
    removed = [f for f in store.feeds(include_removed=True) if f.url == "https://b.example/f"]
    assert removed and removed[0].total == 1
    store.sync_feeds([FeedConfig(url="https://b.example/f")])
    assert store.count_stories() == 1  # back in the config, its story is back too


def test_fetch_state_round_trip_and_revive(store: Store) -> None:
    feed_id = add_feed(store)
    state = FeedState(
        etag='"abc"',
        last_modified="Wed, 25 Nov 2026 06:00:00 GMT",
        body_hash="h",
        last_fetch=T0,
        last_success=T0,
        last_status=410,
        last_error="gone (410)",
        consecutive_failures=3,
        gone=True,
        fetch_ms=12,
    )
    store.save_fetch_state(
        feed_id, state, feed_title="Feed's own", moved_to="https://new.example/feed"
    )
    feed = store.feed(feed_id)
    assert feed.state == state
    assert feed.feed_title == "Feed's own" and feed.fetch_url == "https://new.example/feed"
    store.revive(feed_id)
    assert not store.feed(feed_id).state.gone
    assert store.find_feed("https://new.example/feed").id == feed_id
    assert store.find_feed("feed's OWN").id == feed_id


def test_reenabling_a_gone_feed_in_the_config_revives_it(store: Store) -> None:
    feed_id = add_feed(store)
    store.save_fetch_state(feed_id, FeedState(gone=True))
    store.sync_feeds([FeedConfig(url="https://example.com/feed.xml", enabled=False)])
    assert store.feed(feed_id).state.gone
    store.sync_feeds([FeedConfig(url="https://example.com/feed.xml", enabled=True)])
    assert not store.feed(feed_id).state.gone


def test_write_failure_rolls_back_the_whole_feed(store: Store) -> None:
    feed_id = add_feed(store)
    with pytest.raises(RuntimeError), store.transaction():
        store.upsert_stories(feed_id, [story("a")])
        raise RuntimeError("parse failed half way")
    assert store.count_stories() == 0


# --- migrations ----------------------------------------------------------------


def test_migrating_a_version_1_store_keeps_its_stories_and_makes_them_searchable(
    tmp_path: Path,
) -> None:
    path = tmp_path / "old.db"
    old = Database.open(path, target_version=1)
    assert old.version == 1
    with old.transaction() as conn:
        assert (
            conn.execute(
                "SELECT count(*) FROM sqlite_master WHERE name = 'stories_fts'"
            ).fetchone()[0]
            == 0
        )
        conn.execute("INSERT INTO feeds (url) VALUES ('https://old.example/feed')")
        conn.execute(
            "INSERT INTO stories (feed_id, uid, title, published, first_seen, content, content_hash, read) "
            "VALUES (1, 'u1', 'Tablet shipments grew', 1.7e9, 1.7e9, 'Shipments rose 17%', 'h', 1)"
        )
    old.close()
    with Store.open(path) as store:
        assert store.db.version == SCHEMA_VERSION
        (found,) = store.stories(StoryQuery(search="tablet"))
        assert found.title == "Tablet shipments grew" and found.read
        assert store.stories(StoryQuery(search="shipments"))


def test_a_store_from_a_newer_digest_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "future.db"
    Store.open(path).close()
    with sqlite3.connect(path) as conn:
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    with pytest.raises(StoreError, match="newer digest"):
        Store.open(path)


def test_a_corrupt_file_is_moved_aside_not_deleted(tmp_path: Path) -> None:
    path = tmp_path / "digest.db"
    path.write_bytes(b"this is not a database" * 200)
    with pytest.raises(StoreCorrupt) as caught:
        Store.open(path)
    moved = list(tmp_path.glob("digest.db.corrupt-*"))
    assert len(moved) == 1 and moved[0].read_bytes().startswith(b"this is not")
    assert str(moved[0]) in str(caught.value)
    with Store.open(path) as fresh:  # the next start begins afresh
        assert fresh.count_stories() == 0


def _damage_in_place(path: Path, *, keep_times: bool) -> None:
    """Overwrite a page of a big table with garbage; with *keep_times* the
    file keeps its size and modification time, so only its content tells."""
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE filler (n INTEGER PRIMARY KEY, text TEXT)")
        conn.executemany("INSERT INTO filler VALUES (?, ?)", ((n, "x" * 200) for n in range(2000)))
        page = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = 'filler'").fetchone()[
            0
        ]
        size = conn.execute("PRAGMA page_size").fetchone()[0]
    conn.close()  # the last connection: the WAL is in the file
    Store.open(path).close()  # digest closes it last: it is recorded as left
    before = path.stat()
    with path.open("r+b") as file:
        file.seek((page - 1) * size)
        file.write(b"\x55" * size)
    if keep_times:
        os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))


def test_a_store_changed_since_digest_closed_it_is_checked_on_open(tmp_path: Path) -> None:
    path = tmp_path / "digest.db"
    Store.open(path).close()
    _damage_in_place(path, keep_times=False)
    with pytest.raises(StoreCorrupt):
        Store.open(path)
    assert list(tmp_path.glob("digest.db.corrupt-*"))
    assert not Path(f"{path}.checked").exists()


def test_a_store_as_digest_left_it_is_not_read_through_again(tmp_path: Path) -> None:
    path = tmp_path / "digest.db"
    Store.open(path).close()
    _damage_in_place(path, keep_times=True)  # what the check would find, and the signature misses
    with Store.open(path) as store:  # not checked: opens, and the damage shows only when read
        assert store.count_stories() == 0
        with pytest.raises(sqlite3.DatabaseError, match="malformed"), store.db.reading() as conn:
            conn.execute("SELECT count(*) FROM filler WHERE text != ''").fetchone()
    record = Path(f"{path}.checked")
    checked_at, signature = record.read_text().split("\n", 1)
    record.write_text(f"{float(checked_at) - 8 * 24 * 3600!r}\n{signature}")
    with pytest.raises(StoreCorrupt):  # the last check is over a week old: checked again
        Store.open(path)


# --- two processes ---------------------------------------------------------------

WRITER = textwrap.dedent(
    """
    import sys
    from datetime import UTC, datetime
    from tui.core.models import Story
    from tui.core.store import Store
    store = Store.open(sys.argv[1])
    feed_id = store.feeds()[0].id
    name = sys.argv[2]
    for batch in range(20):
        stories = [Story(uid=f"{name}-{batch}-{i}", title=f"{name} {batch} {i}",
                         published=datetime.now(UTC)) for i in range(25)]
        store.upsert_stories(feed_id, stories)
    print("done")
    """
)


def test_two_processes_writing_at_once_lose_nothing(tmp_path: Path) -> None:
    path = tmp_path / "digest.db"
    with Store.open(path) as store:
        add_feed(store)
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, str(path), name], stdout=subprocess.PIPE, text=True
        )
        for name in ("left", "right")
    ]
    outputs = [proc.communicate(timeout=120)[0] for proc in procs]
    assert [proc.returncode for proc in procs] == [0, 0] and outputs == ["done\n", "done\n"]
    with Store.open(path) as store:
        assert store.count_stories() == 2 * 20 * 25
        with store.db.reading() as conn:
            assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_a_reader_sees_committed_data_while_another_process_holds_the_write_lock(
    tmp_path: Path,
) -> None:
    path = tmp_path / "digest.db"
    with Store.open(path) as store:
        feed_id = add_feed(store)
        store.upsert_stories(feed_id, [story("a")])
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sqlite3, sys; c = sqlite3.connect(sys.argv[1], isolation_level=None);"
            "c.execute('BEGIN IMMEDIATE'); c.execute(\"UPDATE stories SET title = 'uncommitted'\");"
            "print('locked', flush=True); sys.stdin.readline()",
            str(path),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline() == "locked\n"
        with Store.open(path) as store:
            assert [s.title for s in store.stories()] == ["A story"]  # WAL: readers are not blocked
    finally:
        holder.communicate("\n", timeout=30)


def test_writer_lock_is_exclusive_across_processes(tmp_path: Path) -> None:
    path = tmp_path / "digest.db"
    lock = WriterLock(path)
    assert lock.acquire()
    try:
        probe = subprocess.run(
            [
                sys.executable,
                "-c",
                "import sys; from pathlib import Path; from tui.core.store import WriterLock;"
                "lock = WriterLock(Path(sys.argv[1])); print(lock.acquire(), lock.holder())",
                str(path),
            ],
            capture_output=True,
            text=True,
            timeout=60,
        )
        import os

        assert probe.stdout.split() == ["False", str(os.getpid())]
    finally:
        lock.release()
    second = WriterLock(path)
    assert second.acquire()
    second.release()


def test_full_article_replaces_the_text_and_figures_but_not_the_change_key(store: Store) -> None:
    feed_id = add_feed(store)
    summary_fig = Figure("10%", 0, 3, 10, "percent", "%")
    (story_id,) = store.upsert_stories(
        feed_id, [story("a", content="10% summary", figures=[summary_fig])]
    ).new
    article_fig = Figure("$2.5bn", 12, 18, 2.5e9, "money", "USD", "revenue")
    assert store.replace_story_content(
        story_id, "Revenue hit $2.5bn this year.", [article_fig], article_fig
    )
    loaded = store.story(story_id)
    assert loaded.content == "Revenue hit $2.5bn this year."
    assert loaded.figures == [article_fig] and loaded.headline == article_fig
    assert [s.uid for s in store.stories(StoryQuery(search="revenue"))] == ["a"]
    # the feed still carries its summary: not an update that would undo the article
    again = store.upsert_stories(
        feed_id, [story("a", content="10% summary", figures=[summary_fig])]
    )
    assert again.unchanged == 1
    assert not store.replace_story_content(9999, "x", [], None)
