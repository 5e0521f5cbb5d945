"""DigestFooter leans on how Textual's Footer works inside (see its
docstring). These tests fail when a Textual upgrade changes what it leans
on, rather than letting the footer silently show stale keys."""

from __future__ import annotations

import ast
import inspect
import textwrap

from textual._context import active_message_pump
from textual.compose import compose
from textual.reactive import Reactive
from textual.widget import Widget
from textual.widgets import Footer, Input
from textual.widgets._footer import FooterKey

from tests.ui.conftest import settle
from tui.app.widgets.footer import DigestFooter
from tui.app.widgets.reader import Reader
from tui.app.widgets.story_list import StoryList

# What Footer.compose reads from the footer (``self.…``) and from the app
# (``self.app.…``). DigestFooter._keys compares all of it, so anything new
# here must be added there before this set is updated.
FOOTER_READS = {"_bindings_ready", "screen", "styles", "app", "show_command_palette"}
APP_READS = {"get_key_display", "ENABLE_COMMAND_PALETTE", "COMMAND_PALETTE_BINDING"}


def key_facts(keys: list[Widget]) -> list[tuple[object, ...]]:
    """What a footer key shows and does, comparable across two footers."""
    facts = []
    for key in keys:
        if isinstance(key, FooterKey):
            classes = tuple(sorted(key.classes - {"-compact"}))
            facts.append((key.key, key.key_display, key.description, key.action, classes))
            facts.append(("disabled", key._disabled, "tooltip", key.tooltip))
    return facts


def textual_keys(footer: DigestFooter) -> list[Widget]:
    """The keys Textual's own Footer.compose would build right now."""
    widgets: list[Widget] = []
    token = active_message_pump.set(footer)  # as while Textual composes it
    try:
        for widget in compose(footer, Footer.compose(footer)):
            widgets.append(widget)
            widgets.extend(widget._pending_children)  # a KeyGroup's keys
    finally:
        active_message_pump.reset(token)
    return widgets


def shown_keys(footer: DigestFooter) -> list[Widget]:
    return list(footer.query(FooterKey).results())


async def test_the_footer_shows_what_textuals_footer_would_in_every_pane(make_app):
    app = make_app()
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        footer = app.screen.query_one(DigestFooter)
        seen = set()
        # Each pane, the search box (its own enter and arrows hide the
        # screen's), a story open and closed again.
        for keys in (
            (),
            ("tab",),
            ("tab",),
            ("tab",),
            ("shift+tab", "shift+tab"),
            ("slash",),
            ("escape",),
            ("enter",),
            ("q",),
        ):
            await pilot.press(*keys)
            await settle(pilot)
            expected = key_facts(textual_keys(footer))
            assert expected, "Textual's Footer would show no keys: this test checks nothing"
            assert key_facts(shown_keys(footer)) == expected, (keys, type(app.focused).__name__)
            seen.add(tuple(expected))
        assert len(seen) > 1, "no step changed the keys: the rebuild path is untested"


async def test_the_footer_rebuilds_only_when_its_keys_change(make_app, monkeypatch):
    app = make_app()
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        footer = app.screen.query_one(DigestFooter)
        rebuilds = []
        recompose = footer.recompose

        async def counted() -> None:
            rebuilds.append(1)
            await recompose()

        monkeypatch.setattr(footer, "recompose", counted)
        assert isinstance(app.focused, StoryList)
        await pilot.press("tab")  # the reader: a focus change, the same keys
        await settle(pilot)
        assert isinstance(app.focused, Reader)
        assert rebuilds == []
        await pilot.press("shift+tab", "slash")  # the search box hides some keys
        await settle(pilot)
        assert isinstance(app.focused, Input)
        assert rebuilds, "the keys changed but the footer was not rebuilt"
        assert key_facts(shown_keys(footer)) == key_facts(textual_keys(footer))


async def test_footer_keys_start_with_the_footers_compact(make_app):
    app = make_app()
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        keys = shown_keys(app.screen.query_one(DigestFooter))
        # The command palette's key is not bound to the footer's compact
        # in Textual's Footer either: it keeps its own.
        bound = [key for key in keys if not key.has_class("-command-palette")]
        assert bound
        assert all(not key.compact and not key.has_class("-compact") for key in bound)


def _reads(function: object) -> tuple[set[str], set[str]]:
    """Attributes *function* reads from ``self`` and from ``self.app``."""
    tree = ast.parse(textwrap.dedent(inspect.getsource(function)))  # type: ignore[arg-type]
    own, app = set(), set()
    for node in ast.walk(tree):
        if not isinstance(node, ast.Attribute):
            continue
        owner = node.value
        if isinstance(owner, ast.Name) and owner.id == "self":
            own.add(node.attr)
        elif (
            isinstance(owner, ast.Attribute)
            and owner.attr == "app"
            and isinstance(owner.value, ast.Name)
            and owner.value.id == "self"
        ):
            app.add(node.attr)
    return own, app


def test_textual_footer_reads_only_what_digest_footer_compares():
    own, app = _reads(Footer.compose)
    assert own <= FOOTER_READS, (
        f"Footer.compose now reads {sorted(own - FOOTER_READS)}: "
        "DigestFooter._keys must compare it too, or a rebuild could be skipped wrongly"
    )
    assert app <= APP_READS, f"Footer.compose now reads app.{sorted(app - APP_READS)}"


def test_textual_footer_rebuilds_the_way_digest_footer_expects():
    # Footer rebuilds from its bindings_changed, after a refresh, and only
    # once the bindings are ready; DigestFooter filters those calls.
    source = inspect.getsource(Footer.bindings_changed)
    assert "self._bindings_ready = True" in source
    assert "self.call_after_refresh(self.recompose)" in source
    assert isinstance(Footer.__dict__["_bindings_ready"], Reactive)
    on_mount = inspect.getsource(Footer.on_mount)
    assert "bindings_updated_signal.subscribe(self, self.bindings_changed)" in on_mount
    # Keys bind their compact to the footer's through data_bind, which
    # DigestFooter.compose recognises by _reactive_connect.
    assert isinstance(FooterKey.__dict__["compact"], Reactive)
    token = active_message_pump.set(Footer())  # as while a Footer composes
    try:
        key = FooterKey("j", "j", "down", "cursor_down").data_bind(compact=Footer.compact)
    finally:
        active_message_pump.reset(token)
    assert "compact" in (key._reactive_connect or {})
