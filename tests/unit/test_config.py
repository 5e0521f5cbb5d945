"""feeds.toml: where digest finds it, what it accepts, and how it says no."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tui.core.config import (
    FEED_OPTIONS,
    SETTINGS_OPTIONS,
    ConfigError,
    Settings,
    find_config,
    load_config,
    parse_config,
)
from tui.core.paths import default_config_path

REPO = Path(__file__).resolve().parents[2]


def problems(text: str, name: str = "feeds.toml") -> list[str]:
    with pytest.raises(ConfigError) as caught:
        parse_config(text.encode("utf-8"), Path(name))
    return str(caught.value).splitlines()


def ok(text: str) -> object:
    return parse_config(text.encode("utf-8"), Path("feeds.toml"))


# --- lookup order ----------------------------------------------------------


def test_explicit_path_wins_over_everything(tmp_path: Path) -> None:
    (tmp_path / "feeds.toml").write_text("")
    found = find_config("/some/where.toml", {"DIGEST_CONFIG": "/env.toml"}, tmp_path)
    assert found == Path("/some/where.toml")


def test_environment_variable_comes_second(tmp_path: Path) -> None:
    (tmp_path / "feeds.toml").write_text("")
    assert find_config(None, {"DIGEST_CONFIG": "/env.toml"}, tmp_path) == Path("/env.toml")


def test_working_directory_comes_before_user_config(tmp_path: Path) -> None:
    user = default_config_path()
    user.parent.mkdir(parents=True)
    user.write_text("")
    (tmp_path / "feeds.toml").write_text("")
    assert find_config(None, {}, tmp_path) == tmp_path / "feeds.toml"


def test_user_config_dir_is_last(tmp_path: Path, isolated_home: Path) -> None:
    user = default_config_path()
    assert user.is_relative_to(isolated_home)  # XDG_CONFIG_HOME is honoured
    assert find_config(None, {}, tmp_path) is None
    user.parent.mkdir(parents=True)
    user.write_text("")
    assert find_config(None, {}, tmp_path) == user


def test_a_missing_explicit_file_is_an_error_not_a_fallback(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="no such file"):
        load_config(tmp_path / "nope.toml")


# --- what a valid config gives ---------------------------------------------


def test_defaults_when_settings_are_absent() -> None:
    config = ok('[[feeds]]\nurl = "https://example.com/feed.xml"\n')
    assert config.settings == Settings()
    (feed,) = config.feeds
    assert feed.url == "https://example.com/feed.xml"
    assert feed.enabled and feed.tags == () and feed.title is None and feed.line == 1


def test_full_feed_entry_is_typed() -> None:
    config = ok(
        """
[settings]
refresh_minutes = 15
timeout_seconds = 5
browser = "firefox {url}"

[[feeds]]
url = "https://example.com/a.xml"
title = "Example A"
tags = ["news", "mobile", "news"]
refresh_minutes = 60
enabled = false
weight = 2
"""
    )
    assert config.settings.refresh_minutes == 15
    assert config.settings.timeout_seconds == 5.0 and isinstance(
        config.settings.timeout_seconds, float
    )
    assert config.settings.browser == "firefox {url}"
    feed = config.feeds[0]
    assert (feed.title, feed.tags, feed.refresh_minutes, feed.enabled, feed.weight) == (
        "Example A",
        ("news", "mobile"),
        60,
        False,
        2.0,
    )
    assert feed.line == 7
    assert config.tags() == ["news", "mobile"]


def test_local_paths_become_file_urls_relative_to_the_config(tmp_path: Path) -> None:
    path = tmp_path / "conf" / "feeds.toml"
    path.parent.mkdir()
    path.write_text('[[feeds]]\nurl = "./local.xml"\n[[feeds]]\nurl = "file:///srv/x.xml"\n')
    config = load_config(path)
    assert config.feeds[0].url == (tmp_path / "conf" / "local.xml").as_uri()
    assert config.feeds[1].url == "file:///srv/x.xml"


def test_empty_file_is_valid_and_has_no_feeds() -> None:
    config = ok("")
    assert config.feeds == () and config.warnings == ()


def test_byte_order_mark_and_crlf_are_accepted() -> None:
    raw = "\ufeff[settings]\r\nrefresh_minutes = 45\r\n".encode()
    assert parse_config(raw, Path("feeds.toml")).settings.refresh_minutes == 45


def test_settings_dataclass_and_option_table_agree() -> None:
    defaults = Settings()
    for option in SETTINGS_OPTIONS:
        assert getattr(defaults, option.name) == option.default, option.name
    assert {o.name for o in FEED_OPTIONS} >= {"url", "title", "tags", "refresh_minutes", "enabled"}


def test_shipped_feeds_toml_is_valid_and_documents_every_default() -> None:
    config = load_config(REPO / "feeds.toml")
    assert 15 <= len(config.feeds) <= 25
    assert config.warnings == ()
    assert config.settings == Settings()  # the file spells out the defaults
    text = (REPO / "feeds.toml").read_text()
    for option in SETTINGS_OPTIONS:
        assert f"\n{option.name} = " in text, option.name
    assert all(feed.url.startswith("https://") and feed.tags for feed in config.feeds)
    assert len(config.tags()) >= 5


# --- errors ------------------------------------------------------------------


def test_syntax_error_gives_file_line_and_column() -> None:
    (line,) = problems(
        '[settings]\nrefresh_minutes = 30\n[[feeds]]\nurl = "https://x.example/feed\n'
    )
    assert line == "feeds.toml:4:30: Illegal character '\\n'"


def test_yaml_gets_a_hint() -> None:
    (line,) = problems("feeds:\n  - url: https://example.com/feed.xml\n")
    assert line.startswith("feeds.toml:1:6: ") and "looks like YAML" in line


def test_wrong_types_name_the_key_the_feed_and_the_line() -> None:
    lines = problems(
        """[settings]
refresh_minutes = "thirty"
concurrency = true

[[feeds]]
url = 42

[[feeds]]
url = "https://example.com/ok.xml"
enabled = "yes"
tags = "news"
"""
    )
    assert lines == [
        "feeds.toml:2: settings.refresh_minutes: expected an integer, got string 'thirty'",
        "feeds.toml:3: settings.concurrency: expected an integer, got boolean True",
        "feeds.toml:6: feeds[1].url: expected a string, got integer 42",
        "feeds.toml:10: feeds[2].enabled: expected true or false, got string 'yes'",
        "feeds.toml:11: feeds[2].tags: expected an array of strings, got string 'news'",
    ]


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("javascript:alert(1)", "unsupported scheme 'javascript:'"),
        ("ftp://example.com/feed.xml", "unsupported scheme 'ftp:'"),
        ("exec:~/bin/feed.sh", "exec: and filter: feeds are not supported"),
        ("example.com/feed.xml", "has no scheme: write https://example.com/feed.xml"),
        ("http//example.com", "lacks the ':' after its scheme"),
        ("https://", "has no host name"),
        ("https://exa mple.com/", "contains spaces or control characters"),
        ("https://example.com:99999/", "is not a valid URL (Port out of range"),
        ("http://127.0.0.1:8080/", "127.0.0.1 is a loopback or private-network address"),
        ("http://0x7f000001/", "loopback or private-network address"),
        ("http://localhost/feed", "loopback or private-network address"),
        ("http://169.254.169.254/latest/", "loopback or private-network address"),
    ],
)
def test_bad_urls_are_errors_naming_the_feed(url: str, message: str) -> None:
    (line,) = problems(f'[[feeds]]\nurl = "{url}"\n')
    assert line.startswith("feeds.toml:2: feeds[1].url: ")
    assert message in line


def test_private_addresses_are_allowed_with_the_opt_in() -> None:
    config = ok('[settings]\nallow_private = true\n[[feeds]]\nurl = "http://127.0.0.1:8080/feed"\n')
    assert config.feeds[0].url == "http://127.0.0.1:8080/feed"


def test_out_of_range_and_non_finite_numbers() -> None:
    lines = problems(
        "[settings]\nrefresh_minutes = 99999999999999999999\nmax_items = -5\n"
        "timeout_seconds = inf\ndeadline_seconds = nan\n"
    )
    assert lines == [
        "feeds.toml:2: settings.refresh_minutes: 99999999999999999999 is out of range (1 to 10080)",
        "feeds.toml:3: settings.max_items: -5 is out of range (1 to 100000)",
        "feeds.toml:4: settings.timeout_seconds: expected a finite number, got inf",
        "feeds.toml:5: settings.deadline_seconds: expected a finite number, got nan",
    ]


def test_duplicate_feeds_name_both_entries() -> None:
    lines = problems(
        """[[feeds]]
url = "https://example.com/feed.xml"

[[feeds]]
url = "HTTPS://EXAMPLE.com:443/feed.xml#top"
"""
    )
    assert lines == [
        "feeds.toml:5: feeds[2].url: duplicates feeds[1] (line 1): HTTPS://EXAMPLE.com:443/feed.xml#top"
    ]


def test_http_and_https_of_one_url_is_only_a_warning() -> None:
    config = ok(
        '[[feeds]]\nurl = "https://example.com/f"\n[[feeds]]\nurl = "http://example.com/f"\n'
    )
    assert len(config.feeds) == 2
    assert config.warnings == (
        "feeds.toml:4: feeds[2].url: is probably the same feed as feeds[1] (http vs https)",
    )


def test_unknown_keys_are_warned_about_by_name_with_a_suggestion() -> None:
    config = ok(
        """[settings]
refesh_minutes = 30

[[feeds]]
url = "https://example.com/a.xml"
ttile = "A"

[network]
proxxy = "http://proxy:3128"
"""
    )
    assert config.warnings == (
        "feeds.toml:8: network: unknown table or key 'network' is ignored",
        "feeds.toml:2: settings.refesh_minutes: unknown setting 'refesh_minutes' is ignored "
        "(did you mean 'refresh_minutes'?)",
        "feeds.toml:6: feeds[1].ttile: unknown key 'ttile' is ignored (did you mean 'title'?)",
    )


def test_names_from_other_readers_are_read_with_a_warning() -> None:
    config = ok('[general]\nrefresh_minutes = 5\n[[feeds]]\nurl = "https://e.com/x"\nname = "E"\n')
    assert config.settings.refresh_minutes == 5
    assert config.feeds[0].title == "E"
    assert len(config.warnings) == 2 and "'general' is read as 'settings'" in config.warnings[0]


def test_invalid_utf8_names_the_byte() -> None:
    with pytest.raises(ConfigError) as caught:
        parse_config(b'[[feeds]]\nurl = "https://e.com/\xff.xml"\n', Path("feeds.toml"))
    assert str(caught.value) == "feeds.toml:2: not valid UTF-8 at byte 31; save the file as UTF-8"


def test_control_characters_never_reach_the_message() -> None:
    lines = problems('[[feeds]]\nurl = "https://e.com/\\u001b[31m.xml"\n')
    assert "\x1b" not in "".join(lines)
    assert "\\x1b" in lines[0]
    config = ok(
        '[[feeds]]\nurl = "https://e.com/a"\ntitle = "\\u001b]0;pwned\\u0007 [@click=app.quit]x"\n'
    )
    assert config.feeds[0].title == "]0;pwned [@click=app.quit]x"
    assert "control characters removed" in config.warnings[0]


# --- the hostile configs from ../shared ------------------------------------

HOSTILE_EXPECTED = {
    "syntax_error.toml": ["syntax_error.toml:5:40: Illegal character"],
    "duplicate_key.toml": ["duplicate_key.toml:3:21: Cannot overwrite a value"],
    "not_toml_yaml.toml": ["not_toml_yaml.toml:1:", "looks like YAML"],
    "invalid_utf8.toml": ["invalid_utf8.toml:2: not valid UTF-8 at byte 41"],
    "wrong_types.toml": [
        "settings.refresh_minutes: expected an integer",
        "feeds[1].url: expected a string",
        "feeds[2].enabled: expected true or false",
        "settings.timeout_seconds: expected a finite",
    ],
    "huge_values.toml": [
        "settings.refresh_minutes: 99999999999999999999 is out of range",
        "settings.max_items: 9223372036854775807 is out of range",
    ],
    "duplicate_feeds.toml": [
        "feeds[2].url: duplicates feeds[1]",
        "feeds[3].url: duplicates feeds[1]",
        "feeds[4].url: duplicates feeds[1]",
    ],
    "bad_schemes.toml": [
        "feeds[2].url: unsupported scheme 'javascript:'",
        "127.0.0.1 is a loopback",
        "0x7f000001 is a loopback",
    ],
    "control_chars.toml": ["feeds[1].url: contains spaces or control characters"],
}


@pytest.mark.parametrize("name", sorted(HOSTILE_EXPECTED))
def test_hostile_configs_fail_with_located_messages(shared: Path, name: str) -> None:
    with pytest.raises(ConfigError) as caught:
        load_config(shared / "hostile" / "config" / name)
    message = str(caught.value)
    for expected in HOSTILE_EXPECTED[name]:
        assert expected in message, (expected, message)
    assert all(c.isprintable() for line in message.splitlines() for c in line)


@pytest.mark.parametrize("name", ["empty.toml", "bom_crlf.toml", "unknown_keys.toml"])
def test_hostile_configs_that_load(shared: Path, name: str) -> None:
    config = load_config(shared / "hostile" / "config" / name)
    if name == "unknown_keys.toml":
        text = "\n".join(config.warnings)
        for key in ("refesh_minutes", "ttile", "network"):
            assert f"'{key}'" in text
        assert "did you mean 'refresh_minutes'?" in text
    if name == "bom_crlf.toml":
        assert config.settings.refresh_minutes == 30


def test_file_scheme_in_bad_schemes_is_allowed_but_passwords_warn(write_config) -> None:
    path = write_config(
        '[[feeds]]\nurl = "file:///etc/feed.xml"\n[[feeds]]\nurl = "https://u:pw@e.com/x"\n'
    )
    config = load_config(path)
    assert config.feeds[0].url == "file:///etc/feed.xml"
    assert any("contains a password" in warning for warning in config.warnings)
    assert "pw" not in "".join(config.warnings)


def test_unreadable_file(tmp_path: Path) -> None:
    if os.geteuid() == 0:
        pytest.skip("root can read a file without read permission")
    path = tmp_path / "feeds.toml"
    path.write_text("")
    path.chmod(0)
    with pytest.raises(ConfigError, match="cannot read"):
        load_config(path)
