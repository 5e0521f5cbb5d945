"""INDEX.md's ``config/`` rows, as a user meets them: through the CLI.

tests/unit/test_config.py checks the validator's messages for every one of
these files (line, key path, expected vs got, did-you-mean); this file does
not repeat that. It checks what reaches the terminal and the disk: each
broken config stops the command with exit code 2 and one clean
``digest: FILE:LINE: …`` line per problem, never falls back to defaults
(the store is not even opened), and a config that loads says what it
ignored. Only commands that make no network request are run.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.hostile.helpers import Case, Sandbox, assert_contained

BROKEN = {
    "syntax_error.toml": "syntax_error.toml:5:40: Illegal character",
    "duplicate_key.toml": "duplicate_key.toml:3:21: Cannot overwrite a value",
    "not_toml_yaml.toml": "this looks like YAML",
    "invalid_utf8.toml": "not valid UTF-8 at byte 41",
    "wrong_types.toml": "settings.refresh_minutes: expected an integer, got string 'thirty'",
    "huge_values.toml": "settings.refresh_minutes: 99999999999999999999 is out of range",
    "duplicate_feeds.toml": "feeds[2].url: duplicates feeds[1]",
    "bad_schemes.toml": "feeds[2].url: unsupported scheme 'javascript:'",
    "control_chars.toml": "feeds[1].url: contains spaces or control characters",
}


@pytest.mark.parametrize("name", sorted(BROKEN))
@pytest.mark.parametrize("command", [("config", "--check"), ("feeds",), ("print",)])
def test_a_broken_config_stops_with_clean_located_messages(
    tmp_path: Path, sandbox: Sandbox, hostile: Path, name: str, command: tuple[str, ...]
) -> None:
    path = hostile / "config" / name
    case = Case(tmp_path / "case", ())
    run = sandbox.cli(*command, "--config", str(path), "--db", str(case.db))
    assert_contained(run, case)
    assert run.rc == 2 and run.stdout == ""
    lines = run.error_lines
    assert lines and all(line.startswith(f"digest: {path}:") for line in lines), lines
    assert any(BROKEN[name] in line for line in lines), lines
    assert not case.db.exists()  # no fallback to defaults: the store was never opened
    assert not any(event[0] == "sqlite" for event in run.events)


def test_control_characters_in_a_config_are_shown_escaped(
    tmp_path: Path, sandbox: Sandbox, hostile: Path
) -> None:
    run = sandbox.cli(
        "config", "--check", "--config", str(hostile / "config" / "control_chars.toml")
    )
    assert_contained(run, Case(tmp_path / "case", ()))
    assert "\\x1b[31m" in run.stderr and "\x1b" not in run.stderr


def test_an_empty_config_is_first_run_help(tmp_path: Path, sandbox: Sandbox, hostile: Path) -> None:
    case = Case(tmp_path / "case", ())
    path = str(hostile / "config" / "empty.toml")
    for command in (("config", "--check"), ("feeds", "--db", str(case.db))):
        run = sandbox.cli(*command, "--config", path)
        assert_contained(run, case)
        assert run.rc == 0 and run.error_lines == []
        assert "no feeds configured" in run.stdout and "[[feeds]]" in run.stdout


def test_a_bom_and_crlf_are_accepted(tmp_path: Path, sandbox: Sandbox, hostile: Path) -> None:
    run = sandbox.cli("config", "--check", "--config", str(hostile / "config" / "bom_crlf.toml"))
    assert_contained(run, Case(tmp_path / "case", ()))
    assert run.rc == 0
    assert "Invalid statement" not in run.stderr


def test_unknown_keys_are_warned_about_never_silently_ignored(
    tmp_path: Path, sandbox: Sandbox, hostile: Path
) -> None:
    run = sandbox.cli(
        "config", "--check", "--config", str(hostile / "config" / "unknown_keys.toml")
    )
    assert_contained(run, Case(tmp_path / "case", ()))
    assert run.rc == 0
    warnings = [line for line in run.error_lines if line.startswith("digest: warning: ")]
    text = "\n".join(warnings)
    assert "unknown setting 'refesh_minutes' is ignored (did you mean 'refresh_minutes'?)" in text
    assert "unknown key 'ttile' is ignored (did you mean 'title'?)" in text
    assert "'network'" in text
