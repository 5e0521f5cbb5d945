"""The `digest` command line as a user runs it: help, version, config."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tui import __version__

REPO = Path(__file__).resolve().parents[2]


def digest(
    *args: str, cwd: Path | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "tui", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env={**os.environ, **(env or {})},
        timeout=60,
    )


def test_version() -> None:
    result = digest("--version")
    assert result.returncode == 0
    assert result.stdout.strip() == f"digest {__version__}" and __version__ != "0.0.0+unknown"


def test_help_lists_the_subcommands() -> None:
    result = digest("--help")
    assert result.returncode == 0
    for word in (
        "config",
        "--config",
        "--db",
        "--demo",
        "With no command, digest opens the reader",
    ):
        assert word in result.stdout


def test_console_script_is_installed() -> None:
    script = Path(sys.executable).with_name("digest")
    assert script.exists(), "the digest console script is not installed in this environment"
    result = subprocess.run([script, "--version"], capture_output=True, text=True, timeout=60)
    assert result.stdout.startswith("digest ")


def test_config_path_follows_the_lookup_order(tmp_path: Path, isolated_home: Path) -> None:
    result = digest("config", "--path", cwd=tmp_path)
    assert result.returncode == 1 and "no feeds.toml found" in result.stderr
    user = isolated_home / ".config" / "digest" / "feeds.toml"
    user.parent.mkdir(parents=True)
    user.write_text("")
    assert digest("config", "--path", cwd=tmp_path).stdout.strip() == str(user)
    (tmp_path / "feeds.toml").write_text("")
    assert digest("config", "--path", cwd=tmp_path).stdout.strip() == str(tmp_path / "feeds.toml")
    env = {"DIGEST_CONFIG": str(tmp_path / "env.toml")}
    assert digest("config", "--path", cwd=tmp_path, env=env).stdout.strip() == str(
        tmp_path / "env.toml"
    )
    explicit = digest("--config", "/x/y.toml", "config", "--path", cwd=tmp_path, env=env)
    assert explicit.stdout.strip() == "/x/y.toml"
    after = digest("config", "--path", "--config", "/x/z.toml", cwd=tmp_path, env=env)
    assert after.stdout.strip() == "/x/z.toml"


def test_config_check_lists_the_feeds(write_config) -> None:
    path = write_config(
        '[[feeds]]\nurl = "https://example.com/a.xml"\ntitle = "Alpha"\ntags = ["news"]\n'
        '[[feeds]]\nurl = "https://example.com/b.xml"\nenabled = false\n'
    )
    result = digest("config", "--check", "--config", str(path))
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == f"{path} (--config): ok"
    assert "Alpha" in lines[1] and "https://example.com/a.xml" in lines[1] and "[news]" in lines[1]
    assert "(disabled)" in lines[2]
    assert lines[3].startswith("2 feeds; refresh every 30 min")


def test_config_check_on_a_syntax_error_exits_2_without_traceback(write_config) -> None:
    path = write_config('[[feeds]]\nurl = "https://example.com/a.xml\n')
    result = digest("config", "--check", "--config", str(path))
    assert result.returncode == 2
    assert result.stderr == f"digest: {path}:2:33: Illegal character '\\n'\n"
    assert "Traceback" not in result.stderr


def test_config_check_prints_warnings_and_first_run_help(write_config) -> None:
    path = write_config("[settings]\nthemme = 'x'\n")
    result = digest("config", "--check", "--config", str(path))
    assert result.returncode == 0
    assert "unknown setting 'themme' is ignored (did you mean 'theme'?)" in result.stderr
    assert "no feeds configured" in result.stdout


@pytest.mark.parametrize("bad", ["\x1b]0;pwned\x07", "\x9b31m"])
def test_error_messages_never_carry_control_characters(write_config, bad: str) -> None:
    escaped = bad.encode("unicode_escape").decode().replace("\\x", "\\u00")
    path = write_config(f'[[feeds]]\nurl = "https://e.com/{escaped}"\n')
    result = digest("config", "--check", "--config", str(path))
    assert result.returncode == 2
    assert not any((ord(c) < 32 and c != "\n") or 0x7F <= ord(c) <= 0x9F for c in result.stderr)


@pytest.mark.parametrize("command", [["refresh"], ["feeds"], ["config", "--check"]])
def test_an_empty_config_gets_first_run_help(
    write_config, tmp_path: Path, command: list[str]
) -> None:
    path = write_config("")
    result = digest("--config", str(path), "--db", str(tmp_path / "d.db"), *command)
    assert result.returncode == 0, result.stderr
    assert "no feeds configured: add one with 'digest add URL'" in result.stdout
    assert '[[feeds]]\nurl = "https://example.com/feed.xml"' in result.stdout
