"""OPML from other readers in, OPML for other readers out."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from tui.core.config import load_config
from tui.core.models import FeedConfig
from tui.core.opml import OpmlError, decode_opml, export_opml, import_opml, read_opml

DATA = Path(__file__).parent / "data"


def feeds_by_url(name: str) -> dict[str, object]:
    return {feed.url: feed for feed in read_opml((DATA / name).read_bytes()).feeds}


def test_nested_folders_become_one_tag_per_level_outermost_first() -> None:
    found = read_opml((DATA / "liferea_nested.opml").read_bytes())
    feeds = {feed.url: feed for feed in found.feeds}
    gazette = feeds["https://riverside-gazette.example/rss?section=local&format=xml"]
    assert gazette.title == "Riverside Gazette"
    assert gazette.tags == ("News", "Europe", "Local & Regional")
    assert feeds["https://continental-wire.example/feeds/all.atom"].tags == ("News", "Europe")


def test_a_feed_in_two_folders_is_imported_once_with_both_tags() -> None:
    found = read_opml((DATA / "liferea_nested.opml").read_bytes())
    harbour = [feed for feed in found.feeds if "harbour-times" in feed.url]
    assert len(harbour) == 1
    assert harbour[0].tags == ("News", "Tech")


def test_feed_scheme_is_read_as_http_and_unsafe_urls_are_skipped_with_a_reason() -> None:
    found = read_opml((DATA / "liferea_nested.opml").read_bytes())
    urls = [feed.url for feed in found.feeds]
    assert "http://unsorted-weekly.example/rss.xml" in urls
    assert not any("javascript" in url for url in urls)
    reasons = dict(found.skipped)
    assert "not an http(s) feed URL" in reasons["Bad Scheme"]


def test_declared_windows_1252_keeps_curly_quotes_and_the_euro_sign() -> None:
    found = read_opml((DATA / "rssowl_windows1252.opml").read_bytes())
    titles = {feed.title: feed.tags for feed in found.feeds}
    assert titles == {
        "Süddeutsche Börse": ("Wirtschaft – Europa",),
        "€uro “Kurier”": ("Wirtschaft – Europa",),
        "Café Crème": (),
    }
    assert found.warnings == []


def test_undeclared_latin1_is_read_as_windows_1252_with_a_warning() -> None:
    found = read_opml((DATA / "latin1_undeclared.opml").read_bytes())
    assert [(f.title, f.tags) for f in found.feeds] == [("Le Télégraphe du Midi", ("Actualités",))]
    assert found.warnings == ["file is not UTF-8; read as Windows-1252"]


def test_utf16_with_bom_and_category_paths() -> None:
    found = read_opml((DATA / "utf16_bom.opml").read_bytes())
    assert found.title == "Συνδρομές"
    feeds = {feed.title: feed.tags for feed in found.feeds}
    assert feeds["Η Καθημερινή Ματιά"] == ("Ειδήσεις", "Ελλάδα", "politics")
    assert feeds["東京テック日報"] == ()


def test_a_utf8_file_that_lies_about_its_encoding_is_not_mojibake() -> None:
    text, warning = decode_opml(
        b'<?xml version="1.0" encoding="utf-8"?><opml/>' + "é".encode("latin-1")
    )
    assert text.endswith("é") and "declared as utf-8" in (warning or "")


def test_titles_from_title_attribute_when_text_is_missing() -> None:
    feeds = feeds_by_url("inoreader_flat.opml")
    assert feeds["https://quiet.example/atom.xml"].title == "Quiet Blog"
    assert feeds["https://labnotes.example/feed.xml"].tags == ("Science",)


def test_not_opml_is_an_error() -> None:
    with pytest.raises(OpmlError):
        read_opml(b"<html><body>Sorry, page not found</body></html>")


def test_import_merges_into_feeds_toml_in_one_write_and_skips_known_feeds(
    write_config,
) -> None:
    original = (
        "# my reading list\n"
        "[settings]\n"
        'theme = "nord"  # dark\n'
        "\n"
        "[[feeds]]\n"
        'url = "https://byteledger.example/feed/"\n'
        'title = "Byte Ledger (mine)"\n'
    )
    path = write_config(original)
    _found, report = import_opml(path, (DATA / "liferea_nested.opml").read_bytes())
    text = path.read_text("utf-8")
    assert text.startswith(original)
    assert [feed.url for feed, _ in report.skipped] == ["https://byteledger.example/feed/"]
    assert "already in feeds.toml" in report.skipped[0][1]
    assert len(report.added) == 4
    config = load_config(path)
    assert config.feeds[0].title == "Byte Ledger (mine)"
    gazette = next(feed for feed in config.feeds if "riverside" in feed.url)
    assert gazette.tags == ("News", "Europe", "Local & Regional")
    # one [[feeds]] table per new feed, as plain TOML a person can edit
    assert text.count("[[feeds]]") == 5


def test_import_dry_run_writes_nothing(write_config) -> None:
    path = write_config("[settings]\n")
    _, report = import_opml(path, (DATA / "inoreader_flat.opml").read_bytes(), dry_run=True)
    assert len(report.added) == 3
    assert path.read_text() == "[settings]\n"


def test_export_puts_each_feed_under_its_first_tag_and_keeps_the_others_in_category() -> None:
    feeds = [
        FeedConfig(url="https://a.example/feed", title="A & <B>", tags=("News", "Local")),
        FeedConfig(url="https://b.example/rss", tags=("News",)),
        FeedConfig(url="https://c.example/atom.xml"),
    ]
    text, warnings = export_opml(
        feeds, known={"https://b.example/rss": ("B's own title", "https://b.example/")}, now=0
    )
    assert warnings == []
    assert text.startswith('<?xml version="1.0" encoding="UTF-8"?>\n<opml version="2.0">')
    assert "<dateCreated>Thu, 01 Jan 1970 00:00:00 GMT</dateCreated>" in text
    assert 'text="A &amp; &lt;B&gt;"' in text and 'category="News,Local"' in text
    assert 'text="B\'s own title"' in text and 'htmlUrl="https://b.example/"' in text
    assert text.count('<outline text="News" title="News">') == 1


def test_import_of_an_export_gives_back_every_tag(write_config) -> None:
    feeds = (
        FeedConfig(url="https://a.example/feed", title="Alpha", tags=("News", "Local", "Weekly")),
        FeedConfig(url="https://b.example/rss", title="Beta", tags=("Tech",)),
        FeedConfig(url="https://c.example/atom.xml", title="Gamma"),
        FeedConfig(url="https://d.example/feed", title="Delta", tags=("Ελλάδα", "Tech")),
    )
    text, _ = export_opml(feeds, now=0)
    path = write_config("")
    import_opml(path, text.encode("utf-8"))
    back = load_config(path).feeds
    assert {(f.url, f.title, f.tags) for f in back} == {(f.url, f.title, f.tags) for f in feeds}


def test_export_warns_about_a_tag_opml_cannot_carry() -> None:
    feeds = [FeedConfig(url="https://a.example/feed", title="A", tags=("News", "in/out"))]
    text, warnings = export_opml(feeds, now=0)
    assert warnings == ["A: tag 'in/out' left out (',' and '/' separate OPML categories)"]
    assert 'category="News"' in text


def test_imported_file_is_valid_toml_with_quotes_in_titles(write_config) -> None:
    opml = (
        b'<opml version="2.0"><body><outline type="rss" text="The &quot;Best&quot; \\ Blog" '
        b'xmlUrl="https://best.example/feed"/></body></opml>'
    )
    path = write_config("")
    import_opml(path, opml)
    data = tomllib.loads(path.read_text("utf-8"))
    assert data["feeds"][0]["title"] == 'The "Best" \\ Blog'
