"""``[keys]``: rebind any action of the reader from feeds.toml.

::

    [keys]
    open_link = "O"                  # one key
    cursor_down = ["j", "ctrl+n"]    # several
    toggle_star = "s,*"              # or comma-separated, as Textual writes them

Checked in two steps, because the list of actions belongs to the UI and the
domain must not import it: :func:`validate_keys` checks the table's shape
and each key name when the config loads; :func:`check_bindings` checks the
action ids and clashes once the UI hands over its actions and default keys.
A mistake in either is a clear error, never a silently dead key.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tui.core.config import Reporter

MODIFIERS = ("ctrl", "shift", "alt", "meta", "super", "hyper")
# Other names for keys, read as Textual's name.
KEY_ALIASES = {
    "esc": "escape",
    "return": "enter",
    "del": "delete",
    "ins": "insert",
    "pgup": "pageup",
    "pgdn": "pagedown",
    "page_up": "pageup",
    "page_down": "pagedown",
    "bs": "backspace",
    "spacebar": "space",
    " ": "space",
    "comma": ",",
}
_ACTION_ID = re.compile(r"^[a-z][a-z0-9_.]*$")
_KEY_NAME = re.compile(r"^[a-z][a-z0-9_]*$")


class KeyNameError(ValueError):
    """A key name Textual would not recognise; the message says why."""


def normalise_key(key: str) -> str:
    """*key* in Textual's spelling (``ctrl+x``, ``escape``, ``space``), or
    :class:`KeyNameError`. A single character stands for itself."""
    if not key:
        raise KeyNameError("empty key name")
    if key in KEY_ALIASES:
        return KEY_ALIASES[key]
    if len(key) == 1:
        if not key.isprintable():
            raise KeyNameError(f"{key!r} is not a key")
        return key
    if key != key.strip():
        raise KeyNameError(f"{key!r} has spaces around it")
    parts = [*key[:-2].split("+"), "+"] if key.endswith("++") else key.split("+")
    *modifiers, last = parts
    prefix = key.split("-", 1)[0].lower()
    if not modifiers and "-" in key and prefix in MODIFIERS:
        fixed = prefix + "+" + key.split("-", 1)[1]
        raise KeyNameError(f"{key!r}: write modifiers with '+', e.g. {fixed!r}")
    for modifier in modifiers:
        if modifier not in MODIFIERS:
            lowered = modifier.lower()
            hint = (
                f"write {lowered!r}" if lowered in MODIFIERS else f"one of {', '.join(MODIFIERS)}"
            )
            raise KeyNameError(f"{key!r}: unknown modifier {modifier!r} ({hint})")
    if not last:
        raise KeyNameError(f"{key!r} ends with '+' but names no key")
    if len(last) > 1:
        last = KEY_ALIASES.get(last, last)
        if not _KEY_NAME.match(last):
            lowered = KEY_ALIASES.get(last.lower(), last.lower())
            hint = f" (write {lowered!r})" if _KEY_NAME.match(lowered) else ""
            raise KeyNameError(f"{key!r}: {last!r} is not a key name{hint}")
    elif not last.isprintable():
        raise KeyNameError(f"{key!r} is not a key")
    return "+".join([*modifiers, last])


def split_keys(value: str | list[str]) -> list[str]:
    """The keys of one ``[keys]`` value: a string (comma-separated, where a
    lone ``","`` is the comma key) or an array of strings."""
    if isinstance(value, list):
        return list(value)
    if len(value) <= 1:
        return [value]
    return [part.strip() if len(part.strip()) else part for part in value.split(",")]


def validate_keys(value: Any, reporter: Reporter) -> dict[str, tuple[str, ...]]:
    """Check the ``[keys]`` table: action ids shaped like ids, values that
    are keys Textual knows, no key given to two actions here. Returns action
    id → keys (Textual spelling); problems go to *reporter*."""
    if not isinstance(value, dict):
        reporter.problem("keys", None, 'expected a table: [keys] then action = "key" lines')
        return {}
    result: dict[str, tuple[str, ...]] = {}
    owner: dict[str, str] = {}
    for action, raw in value.items():
        if not _ACTION_ID.match(action):
            reporter.problem("keys", action, "is not an action id (see the key map in the README)")
            continue
        if not (
            isinstance(raw, str) or (isinstance(raw, list) and all(isinstance(k, str) for k in raw))
        ):
            reporter.problem(
                "keys", action, f"expected a key or an array of keys, got {raw!r}"[:200]
            )
            continue
        keys: list[str] = []
        for key in split_keys(raw):
            try:
                keys.append(normalise_key(key))
            except KeyNameError as error:
                reporter.problem("keys", action, str(error))
        if not keys:
            if raw == []:
                reporter.problem("keys", action, "no key given (an action needs at least one)")
            continue
        for key in dict.fromkeys(keys):
            if key in owner:
                reporter.problem("keys", action, f"{key!r} is also given to {owner[key]!r} above")
            owner.setdefault(key, action)
        result[action] = tuple(dict.fromkeys(keys))
    return result


def check_bindings(
    overrides: Mapping[str, tuple[str, ...]],
    known_actions: Mapping[str, tuple[str, ...]],
    reporter: Reporter | None = None,
) -> list[str]:
    """Errors for *overrides* (from :func:`validate_keys`) against the UI's
    actions (id → default keys): unknown ids, with a did-you-mean, and keys
    that would belong to two actions, naming both and whose default it is.
    With *reporter*, the errors are also recorded there, located at their
    line; the returned lines are the same text."""
    errors: list[tuple[str, str]] = []
    for action in overrides:
        if action not in known_actions:
            close = difflib.get_close_matches(action, list(known_actions), n=1, cutoff=0.6)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            errors.append((action, f"unknown action {action!r}{hint}"))
    effective = {action: overrides.get(action, keys) for action, keys in known_actions.items()}
    owner: dict[str, str] = {}
    for action, keys in effective.items():
        for key in keys:
            key = KEY_ALIASES.get(key, key)
            other = owner.setdefault(key, action)
            if other == action or (action not in overrides and other not in overrides):
                continue
            mine = action if action in overrides else other
            theirs = other if mine == action else action
            whose = "" if theirs in overrides else " (its default key)"
            errors.append(
                (
                    mine,
                    f"{key!r} is bound to both {mine!r} and {theirs!r}{whose}; give one of them another key",
                )
            )
    lines = []
    for action, message in errors:
        if reporter is not None:
            reporter.problem("keys", action, message)
            lines.append(reporter.problems[-1])
        else:
            lines.append(f"keys.{action}: {message}")
    return lines
