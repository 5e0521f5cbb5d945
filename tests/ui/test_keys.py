"""Every key of the keymap, pressed the way a user would."""

from __future__ import annotations

from textual.command import CommandPalette
from textual.widgets import DataTable, Input

from tests.ui.builders import HARMONY_TITLE, HOSTILE_TITLE
from tests.ui.conftest import screen_text, settle
from tui.app.screens.help import HelpScreen
from tui.app.widgets.reader import Reader
from tui.app.widgets.sidebar import Sidebar
from tui.app.widgets.story_list import StoryList
from tui.core.store import StoryQuery


def titles(app) -> list[str]:
    return [row.title for row in app.screen.stories.rows]


async def test_start_shows_sections_stories_and_counts(make_app):
    app = make_app()
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        text = screen_text(app)
        assert HARMONY_TITLE in text
        for section in (
            "All",
            "Unread",
            "Starred",
            "Today",
            "TAGS",
            "mobile",
            "FEEDS",
            "Broken Feed",
        ):
            assert section in text
        assert "16 stories" in text
        assert isinstance(app.focused, StoryList)


async def test_j_k_and_arrows_move_the_cursor(make_app):
    app = make_app()
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        stories = app.screen.stories
        await pilot.press("j", "j", "down")
        assert stories.cursor == 3
        await pilot.press("k", "up")
        assert stories.cursor == 1
        await pilot.press("G")
        assert stories.cursor == len(stories.rows) - 1
        await pilot.press("g")
        assert stories.cursor == 0


async def test_enter_opens_the_story_marks_it_read_and_lists_figures(make_app, ui_store):
    store, _ = ui_store
    app = make_app()
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("j", "enter")
        await settle(pilot)
        screen = app.screen
        assert screen.doc is not None and screen.doc.title == HARMONY_TITLE
        assert isinstance(app.focused, StoryList)  # j/k keep browsing
        assert store.story(screen.doc.id).read
        assert screen.stories.current.read
        table = app.query_one("#figures-table", DataTable)
        assert table.row_count == 9
        assert "developers" in screen_text(app)


async def test_space_and_b_page_the_reader(make_app, ui_store):
    store, _ = ui_store
    phones = store.feeds()[0]
    from tests.ui.builders import story

    long_body = "\n\n".join(f"Paragraph {i} says something about the market." for i in range(80))
    store.upsert_stories(phones.id, [story("long", "A very long story", long_body, 0.1)])
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        reader = app.query_one(Reader)
        assert reader.scroll_y == 0
        await pilot.press("space")
        assert reader.scroll_y > 5
        first_page = reader.scroll_y
        await pilot.press("space")
        assert reader.scroll_y > first_page
        await pilot.press("b", "b")
        assert reader.scroll_y == 0


async def test_n_and_p_go_to_next_and_previous_unread(make_app):
    app = make_app()
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        stories = app.screen.stories
        await pilot.press("n")
        await settle(pilot)
        # the first story is unread: n from the top opens the next unread one below it
        assert stories.cursor == 1
        assert app.screen.doc.id == stories.rows[1].id
        await pilot.press("n")
        await settle(pilot)
        assert stories.cursor == 2
        await pilot.press("p")
        await settle(pilot)
        assert stories.cursor == 0  # rows 1 and 2 are read now; row 0 is still unread


async def test_o_opens_the_link_in_the_browser(make_app, opened):
    app = make_app()
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("j", "o")
        await settle(pilot)
        assert opened == [("https://example.org/harmony", "")]


async def test_o_refuses_a_javascript_link(make_app, ui_store, opened):
    store, _ = ui_store
    from tests.ui.builders import story

    store.upsert_stories(
        store.feeds()[0].id, [story("js", "Evil link", "x", 0.01, link="javascript:alert(1)")]
    )
    app = make_app()
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        assert app.screen.stories.current.title == "Evil link"
        await pilot.press("o")
        await settle(pilot)
        assert opened == []


async def test_m_toggles_read(make_app, ui_store):
    store, _ = ui_store
    app = make_app()
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        row = app.screen.stories.current
        await pilot.press("m")
        await settle(pilot)
        assert store.story(row.id).read
        await pilot.press("m")
        await settle(pilot)
        assert not store.story(row.id).read


async def test_A_marks_everything_in_view_read(make_app, ui_store):
    store, _ = ui_store
    app = make_app()
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("A")
        await settle(pilot)
        assert store.count_stories(StoryQuery(unread_only=True)) == 0
        assert all(row.read for row in app.screen.stories.rows)
        assert app.screen.sidebar_snapshot.get("unread").unread == 0


async def test_s_toggles_the_star(make_app, ui_store):
    store, _ = ui_store
    app = make_app()
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        row = app.screen.stories.current
        await pilot.press("s")
        await settle(pilot)
        assert store.story(row.id).starred
        assert app.screen.sidebar_snapshot.get("starred").unread == 2
        await pilot.press("s")
        await settle(pilot)
        assert not store.story(row.id).starred


async def test_slash_searches_every_story(make_app):
    app = make_app()
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("slash")
        assert isinstance(app.focused, Input)
        await pilot.press(*"foundry", "enter")
        await settle(pilot)
        assert titles(app) == ["Foundry starts 2nm production"]
        assert "search: foundry" in screen_text(app)
        await pilot.press("slash", "ctrl+a", "ctrl+k", "enter")
        await settle(pilot)
        assert len(titles(app)) == 16


async def test_escape_cancels_the_search_box(make_app):
    app = make_app()
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("slash", "x", "escape")
        await settle(pilot)
        assert isinstance(app.focused, StoryList)
        assert len(titles(app)) == 16


async def test_u_toggles_unread_only(make_app):
    app = make_app()
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("u")
        await settle(pilot)
        assert "A story with no figures at all" not in titles(app)
        assert all(not row.read for row in app.screen.stories.rows)
        assert "unread only" in screen_text(app)
        await pilot.press("u")
        await settle(pilot)
        assert "A story with no figures at all" in titles(app)


async def test_tab_and_shift_tab_move_between_panes(make_app):
    app = make_app()
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        assert isinstance(app.focused, StoryList)
        await pilot.press("j", "enter")  # a story with figures: the table can take focus
        await settle(pilot)
        assert isinstance(app.focused, StoryList)
        await pilot.press("tab")
        assert isinstance(app.focused, Reader)
        await pilot.press("tab")
        assert isinstance(app.focused, DataTable)
        await pilot.press("tab")
        assert isinstance(app.focused, Sidebar)
        await pilot.press("shift+tab")
        assert isinstance(app.focused, DataTable)


async def test_brackets_step_through_figures_and_scroll_to_them(make_app, ui_store):
    store, _ = ui_store
    from tests.ui.builders import figure, story

    padding = "\n\n".join(f"Paragraph {i} has no numbers at all." for i in range(60))
    body = f"First comes 12% growth.\n\n{padding}\n\nAt the very end, 40 million users."
    made = story(
        "deep",
        "Deep figures",
        body,
        0.01,
        [
            figure(body, "12%", "percent", 12, unit="%"),
            figure(body, "40 million", "count", 4e7, noun="users"),
        ],
    )
    store.upsert_stories(store.feeds()[0].id, [made])
    app = make_app()
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        reader = app.query_one(Reader)
        assert reader.scroll_y == 0
        await pilot.press("right_square_bracket")
        await pilot.press("right_square_bracket")
        await pilot.pause()
        assert reader.scroll_y > 40
        body_widget = reader.body
        assert body_widget.query(".-flash")
        await pilot.press("left_square_bracket")
        await pilot.pause()
        assert reader.scroll_y < 5
        assert app.query_one("#figures-table", DataTable).cursor_row == 0


async def test_i_shows_the_sentence_a_figure_comes_from(make_app):
    app = make_app()
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("j", "enter")
        await settle(pilot)
        sentence = app.query_one("#figure-sentence")
        assert not sentence.display
        await pilot.press("right_square_bracket", "right_square_bracket", "right_square_bracket")
        await pilot.press("i")
        await pilot.pause()
        assert sentence.display
        assert str(sentence.render()).startswith("It also counts over 10 million developers")
        assert sentence.region.width > 0 and sentence.region.height > 0
        await pilot.press("i")
        await pilot.pause()
        assert not sentence.display


async def test_question_mark_shows_help_and_q_closes_it(make_app):
    app = make_app()
    async with app.run_test(size=(120, 48)) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        text = screen_text(app)
        assert "Mark every story in view read" in text
        assert "ctrl+p" in text
        await pilot.press("q")
        await pilot.pause()
        assert not isinstance(app.screen, HelpScreen)
        assert app.is_running


async def test_q_goes_back_step_by_step_then_quits(make_app):
    app = make_app()
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("tab")
        assert isinstance(app.focused, Reader)
        await pilot.press("q")  # back to the list
        assert isinstance(app.focused, StoryList)
        assert app.screen.doc is not None
        await pilot.press("q")  # close the story
        await settle(pilot)
        assert app.screen.doc is None
        assert "No story open" in screen_text(app)
        assert app.is_running
        await pilot.press("q")  # quit
        await pilot.pause()
        assert not app.is_running


async def test_ctrl_p_runs_any_action_by_name(make_app, ui_store):
    store, _ = ui_store
    app = make_app()
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        row = app.screen.stories.current
        await pilot.press("ctrl+p")
        await pilot.pause()
        assert isinstance(app.screen, CommandPalette)
        await pilot.press(*"star / unstar")
        await pilot.pause()
        await pilot.press("enter")
        await settle(pilot)
        assert store.story(row.id).starred


async def test_t_and_f_toggle_the_side_panes_on_a_small_screen(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        sidebar, figures = app.query_one("#sidebar"), app.query_one("#figures")
        assert not sidebar.display and not figures.display
        await pilot.press("t")
        await pilot.pause()
        assert sidebar.display
        await pilot.press("f")
        await pilot.pause()
        assert figures.display
        await pilot.press("t", "f")
        await pilot.pause()
        assert not sidebar.display and not figures.display


async def test_everything_shows_at_120_columns(make_app):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert app.query_one("#sidebar").display
        assert app.query_one("#figures").display


async def test_a_click_opens_a_story_and_a_section(make_app):
    app = make_app()
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.click(StoryList, offset=(10, 2))
        await settle(pilot)
        assert app.screen.doc.title == "Foundry starts 2nm production"
        sidebar = app.query_one(Sidebar)
        index = sidebar.get_option_index("starred")
        await pilot.click(Sidebar, offset=(5, index))
        await settle(pilot)
        assert titles(app) == ["Foundry starts 2nm production"]


async def test_sidebar_enter_switches_the_view(make_app):
    app = make_app()
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("shift+tab")  # from the list back to the sidebar
        assert isinstance(app.focused, Sidebar)
        app.query_one(Sidebar).highlighted = app.query_one(Sidebar).get_option_index("tag:mobile")
        await pilot.press("enter")
        await settle(pilot)
        assert set(titles(app)) == {HARMONY_TITLE, HOSTILE_TITLE, "A story with no figures at all"}
        assert isinstance(app.focused, StoryList)
