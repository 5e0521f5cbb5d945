"""Editing feeds.toml for `digest add/remove` and enable/disable: the
user's comments and layout survive byte for byte."""

from __future__ import annotations

import os
import tomllib
from pathlib import Path

import pytest

from tui.core.config import load_config
from tui.core.subscriptions import (
    HEADER,
    NewFeed,
    SubscriptionError,
    add_feed,
    add_feeds,
    remove_feed,
    set_enabled,
)

HEAD = """\
# My reading list — kept by hand since 2019
[settings]
refresh_minutes = 45   # no hurry
theme = 'nord'

# ---- news ----------------------------------------------------
"""
ALPHA = """\
# the paper I actually pay for
[[feeds]]
url   = "https://alpha.example/feed"     # aligned, as I like it
tags  = [ "news",  "daily" ]
"""
BETA = """\
[[feeds]]
  url = 'https://beta.example/rss'
  title = "Beta \\"weekly\\""
  enabled = true  # was noisy in 2023
"""
TAIL = """\
# ---- filters ------------------------------------------------
[[rules]]
title = "sponsored"
hide = true
"""
CONFIG = HEAD + "\n" + ALPHA + "\n" + BETA + "\n" + TAIL


@pytest.fixture
def config(write_config) -> Path:
    return write_config(CONFIG)


def test_add_appends_after_the_last_feed_and_leaves_every_other_byte(config: Path) -> None:
    report = add_feed(config, "https://gamma.example/atom.xml", "Gamma", ["tech", "weekly"])
    text = config.read_text("utf-8")
    entry = '[[feeds]]\nurl = "https://gamma.example/atom.xml"\ntitle = "Gamma"\ntags = ["tech", "weekly"]\n'
    assert report.appended == entry
    assert text == HEAD + "\n" + ALPHA + "\n" + BETA + "\n" + entry + "\n" + TAIL
    assert [f.url for f in load_config(config).feeds][-1] == "https://gamma.example/atom.xml"


def test_add_refuses_a_duplicate_after_normalisation(config: Path) -> None:
    with pytest.raises(SubscriptionError, match=r"already in feeds\.toml"):
        add_feed(config, "HTTPS://Alpha.Example:443/feed#latest")
    assert config.read_text("utf-8") == CONFIG


def test_add_creates_a_missing_file_with_a_header(tmp_path: Path) -> None:
    path = tmp_path / "new" / "feeds.toml"
    add_feed(path, "https://alpha.example/feed")
    assert path.read_text("utf-8") == HEADER + '\n[[feeds]]\nurl = "https://alpha.example/feed"\n'
    assert os.stat(path).st_mode & 0o077 == 0  # feed URLs may carry passwords


def test_add_to_a_file_without_feeds_goes_at_the_end(write_config) -> None:
    path = write_config("[settings]\ntheme = 'nord'")  # no final newline
    add_feed(path, "https://alpha.example/feed")
    assert (
        path.read_text()
        == "[settings]\ntheme = 'nord'\n\n[[feeds]]\nurl = \"https://alpha.example/feed\"\n"
    )


def test_a_bad_edit_never_lands(write_config) -> None:
    path = write_config("[settings]\n")
    with pytest.raises(SubscriptionError, match="loopback or private-network"):
        add_feed(path, "http://127.0.0.1:8080/feed")
    assert path.read_text() == "[settings]\n"
    assert list(path.parent.glob(".feeds.toml.*")) == []  # no temporary file left behind


def test_a_broken_config_is_not_edited(write_config) -> None:
    path = write_config('[[feeds]]\nurl = "nope"\n')
    with pytest.raises(SubscriptionError, match=r"fix feeds\.toml first"):
        add_feed(path, "https://alpha.example/feed")


def test_inline_feed_arrays_are_refused_rather_than_rewritten(write_config) -> None:
    path = write_config('feeds = [{url = "https://alpha.example/feed"}]\n')
    with pytest.raises(SubscriptionError, match=r"\[\[feeds\]\] tables only"):
        add_feed(path, "https://beta.example/rss")


def test_add_many_skips_known_and_repeated_feeds_in_one_write(config: Path) -> None:
    report = add_feeds(
        config,
        [
            NewFeed("https://gamma.example/feed"),
            NewFeed("https://alpha.example/feed"),
            NewFeed("https://gamma.example/feed", "again"),
        ],
    )
    assert [f.url for f in report.added] == ["https://gamma.example/feed"]
    assert [reason for _, reason in report.skipped] == [
        "https://alpha.example/feed is already in feeds.toml",
        "listed twice",
    ]


def test_remove_takes_the_feed_and_its_comment_only(config: Path) -> None:
    removed = remove_feed(config, "https://alpha.example/feed")
    assert removed.tags == ("news", "daily")
    assert config.read_text("utf-8") == HEAD + "\n" + BETA + "\n" + TAIL


def test_remove_by_title_and_by_number(config: Path) -> None:
    assert remove_feed(config, 'beta "WEEKLY"').url == "https://beta.example/rss"
    assert config.read_text("utf-8") == HEAD + "\n" + ALPHA + "\n" + TAIL
    assert remove_feed(config, "1").url == "https://alpha.example/feed"
    assert tomllib.loads(config.read_text())["rules"][0]["title"] == "sponsored"


def test_remove_unknown_says_what_it_might_mean(config: Path) -> None:
    with pytest.raises(SubscriptionError, match="did you mean 'Beta \"weekly\"'"):
        remove_feed(config, 'Beta "weekyl"')
    with pytest.raises(SubscriptionError, match="no feed number 7"):
        remove_feed(config, "7")


def test_ambiguous_titles_are_refused(write_config) -> None:
    path = write_config(
        '[[feeds]]\nurl = "https://a.example/1"\ntitle = "Blog"\n\n'
        '[[feeds]]\nurl = "https://b.example/2"\ntitle = "blog"\n'
    )
    with pytest.raises(SubscriptionError, match="2 feeds are titled 'Blog'"):
        remove_feed(path, "Blog")


def test_disable_rewrites_only_the_value_keeping_its_comment(config: Path) -> None:
    assert set_enabled(config, "https://beta.example/rss", False) is True
    expected = BETA.replace("enabled = true  # was", "enabled = false  # was")
    assert config.read_text("utf-8") == HEAD + "\n" + ALPHA + "\n" + expected + "\n" + TAIL
    assert set_enabled(config, "https://beta.example/rss", False) is False


def test_disable_adds_the_key_inside_the_feeds_table(config: Path) -> None:
    set_enabled(config, "1", False)
    text = config.read_text("utf-8")
    assert text == HEAD + "\n" + ALPHA + "enabled = false\n" + "\n" + BETA + "\n" + TAIL
    assert load_config(config).feeds[0].enabled is False
    set_enabled(config, "1", True)
    assert load_config(config).feeds[0].enabled is True


def test_a_symlinked_config_stays_a_symlink(tmp_path: Path) -> None:
    real = tmp_path / "dotfiles" / "feeds.toml"
    real.parent.mkdir()
    real.write_text(CONFIG)
    link = tmp_path / "feeds.toml"
    link.symlink_to(real)
    add_feed(link, "https://gamma.example/feed")
    assert link.is_symlink()
    assert "gamma.example" in real.read_text()


def test_triple_quoted_strings_that_look_like_tables_are_not_mistaken(write_config) -> None:
    text = (
        '[[feeds]]\nurl = "https://alpha.example/feed"\ntitle = """Alpha\n[[feeds]]\n"""\n\n'
        '[[feeds]]\nurl = "https://beta.example/rss"\n'
    )
    path = write_config(text)
    remove_feed(path, "2")
    assert path.read_text() == text[: text.index('\n[[feeds]]\nurl = "https://beta')] + "\n"
