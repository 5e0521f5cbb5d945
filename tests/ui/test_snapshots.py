"""SVG snapshots of the layout: small (80×24, side panes collapsed) and
large (160×48, everything showing), in a dark and a light theme, landed
on the ranked Today digest; the digest of one event carried by two feeds
and the side panel with a metric's history. The clock is fixed (NOW in
builders.py), so ages and dates never move.

Update them after an intended change with
``uv run pytest tests/ui/test_snapshots.py --snapshot-update`` and look at
the report before committing.
"""

from __future__ import annotations

import pytest

from tests.ui.builders import HARMONY_TITLE
from tests.ui.conftest import settle


async def open_harmony(pilot) -> None:
    """Open the HarmonyOS story (the list keeps focus)."""
    await settle(pilot)
    rows = pilot.app.screen.stories.rows
    pilot.app.screen.stories.move_to(
        next(i for i, r in enumerate(rows) if r.title == HARMONY_TITLE)
    )
    await pilot.press("enter")
    await settle(pilot)


@pytest.mark.parametrize("theme", ["textual-dark", "textual-light"])
@pytest.mark.parametrize("size", [(80, 24), (160, 48)], ids=["80x24", "160x48"])
def test_layout(snap_compare, make_app, theme, size):
    app = make_app(theme=theme, section=None)  # where a user lands: Today
    assert snap_compare(app, terminal_size=size, run_before=open_harmony)


def test_digest_view_with_an_event_from_two_feeds(snap_compare, make_app, digest_store):
    async def run_before(pilot) -> None:
        await settle(pilot)

    app = make_app(*digest_store, section=None)
    assert snap_compare(app, terminal_size=(120, 30), run_before=run_before)


def test_entry_open_with_sources_conflict_and_metric_history(snap_compare, make_app, digest_store):
    async def run_before(pilot) -> None:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)

    app = make_app(*digest_store, section=None)
    assert snap_compare(app, terminal_size=(160, 48), run_before=run_before)


def test_why_an_entry_ranks_first(snap_compare, make_app, digest_store):
    async def run_before(pilot) -> None:
        await settle(pilot)
        await pilot.press("W")
        await settle(pilot)

    app = make_app(*digest_store, section=None)
    assert snap_compare(app, terminal_size=(120, 30), run_before=run_before)


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
