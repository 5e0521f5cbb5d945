"""[keys]: rebinding actions from feeds.toml, and the errors a typo gets."""

from __future__ import annotations

import tomllib
from pathlib import Path

from tui.core.config import Reporter
from tui.core.keys import check_bindings, validate_keys

# The shape the UI hands over: action id → default keys.
ACTIONS = {
    "cursor_down": ("j", "down"),
    "cursor_up": ("k", "up"),
    "open_link": ("o",),
    "toggle_star": ("s",),
    "toggle_read": ("m",),
    "help": ("?",),
    "back": ("q", "escape"),
}


def keys_of(text: str):
    reporter = Reporter(Path("feeds.toml"), text)
    return validate_keys(tomllib.loads(text)["keys"], reporter), reporter


def test_strings_lists_and_comma_separated_keys() -> None:
    keys, reporter = keys_of(
        '[keys]\nopen_link = "O"\ncursor_down = ["j", "ctrl+n"]\ntoggle_star = "s,*"\nhelp = ","\n'
    )
    assert reporter.problems == []
    assert keys == {
        "open_link": ("O",),
        "cursor_down": ("j", "ctrl+n"),
        "toggle_star": ("s", "*"),
        "help": (",",),
    }
    assert check_bindings(keys, ACTIONS) == []


def test_other_names_for_keys_are_read_as_textuals() -> None:
    keys, reporter = keys_of('[keys]\nback = ["esc", "ctrl+g"]\ncursor_down = "pgdn"\n')
    assert reporter.problems == [] and keys == {
        "back": ("escape", "ctrl+g"),
        "cursor_down": ("pagedown",),
    }


def test_bad_key_names_are_located_problems_with_a_fix() -> None:
    text = '[keys]\nopen_link = "ctrl-o"\nhelp = "F1"\nback = "Ctrl+q"\ntoggle_read = []\ntoggle_star = 5\n'
    keys, reporter = keys_of(text)
    assert keys == {}
    assert reporter.problems == [
        "feeds.toml:2: keys.open_link: 'ctrl-o': write modifiers with '+', e.g. 'ctrl+o'",
        "feeds.toml:3: keys.help: 'F1': 'F1' is not a key name (write 'f1')",
        "feeds.toml:4: keys.back: 'Ctrl+q': unknown modifier 'Ctrl' (write 'ctrl')",
        "feeds.toml:5: keys.toggle_read: no key given (an action needs at least one)",
        "feeds.toml:6: keys.toggle_star: expected a key or an array of keys, got 5",
    ]


def test_one_key_for_two_actions_in_the_table_is_a_problem() -> None:
    _, reporter = keys_of('[keys]\nopen_link = "x"\ntoggle_star = ["y", "x"]\n')
    assert reporter.problems == [
        "feeds.toml:3: keys.toggle_star: 'x' is also given to 'open_link' above"
    ]


def test_keys_must_be_a_table() -> None:
    reporter = Reporter(Path("feeds.toml"), 'keys = "vim"\n')
    assert validate_keys("vim", reporter) == {}
    assert "expected a table" in reporter.problems[0]


def test_unknown_action_gets_a_did_you_mean() -> None:
    assert check_bindings({"open_lnk": ("O",)}, ACTIONS) == [
        "keys.open_lnk: unknown action 'open_lnk' (did you mean 'open_link'?)"
    ]
    assert check_bindings({"fly": ("f",)}, ACTIONS) == ["keys.fly: unknown action 'fly'"]


def test_a_key_taken_from_another_actions_default_is_a_clash() -> None:
    assert check_bindings({"toggle_star": ("o",)}, ACTIONS) == [
        "keys.toggle_star: 'o' is bound to both 'toggle_star' and 'open_link' (its default key); "
        "give one of them another key"
    ]


def test_moving_a_key_away_first_makes_it_free() -> None:
    overrides = {"open_link": ("O",), "toggle_star": ("o",)}
    assert check_bindings(overrides, ACTIONS) == []


def test_with_a_reporter_the_errors_are_located() -> None:
    text = '[settings]\n\n[keys]\nhelp = "j"\n'
    overrides, reporter = keys_of(text)
    lines = check_bindings(overrides, ACTIONS, reporter)
    assert (
        lines
        == reporter.problems
        == [
            "feeds.toml:4: keys.help: 'j' is bound to both 'help' and 'cursor_down' (its default key); "
            "give one of them another key"
        ]
    )
