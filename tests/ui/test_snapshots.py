"""SVG snapshots of the layout: small (80×24, side panes collapsed) and
large (160×48, everything showing), in a dark and a light theme.

Update them after an intended change with
``uv run pytest tests/ui/test_snapshots.py --snapshot-update`` and look at
the report before committing.
"""

from __future__ import annotations

import pytest

from tests.ui.conftest import settle


async def open_harmony(pilot) -> None:
    """Open the HarmonyOS story (the list keeps focus)."""
    await settle(pilot)
    await pilot.press("j", "enter")
    await settle(pilot)


@pytest.mark.parametrize("theme", ["textual-dark", "textual-light"])
@pytest.mark.parametrize("size", [(80, 24), (160, 48)], ids=["80x24", "160x48"])
def test_layout(snap_compare, make_app, theme, size):
    assert snap_compare(make_app(theme=theme), terminal_size=size, run_before=open_harmony)


def test_small_screen_with_both_panes_toggled(snap_compare, make_app):
    async def run_before(pilot) -> None:
        await open_harmony(pilot)
        await pilot.press("t", "f")

    assert snap_compare(make_app(), terminal_size=(80, 24), run_before=run_before)


def test_help_screen(snap_compare, make_app):
    async def run_before(pilot) -> None:
        await settle(pilot)
        await pilot.press("question_mark")

    assert snap_compare(make_app(), terminal_size=(100, 48), run_before=run_before)
