"""What the story list says when it has nothing to show.

A first run (no feeds), a store that has not been fetched yet and a view
that filters everything out each get a sentence that says what to do
next, instead of a blank pane.
"""

from __future__ import annotations

from textual.content import Content

from tui.app.keymap import Keymap, resolve
from tui.app.view import SidebarSnapshot, ViewState
from tui.core.config import Config
from tui.core.paths import default_config_path

FIRST_RUN = """\
Welcome to digest. There are no feeds yet.

Add the feeds you read to {path}, one table each:

    [[feeds]]
    url = "https://example.org/feed.xml"
    tags = ["news"]

then start digest again, or press R to fetch them.

To look around first, quit with q and run:  digest --demo"""


def empty_message(
    snapshot: SidebarSnapshot | None,
    view: ViewState,
    rows: int,
    config: Config,
    *,
    demo: bool = False,
    keymap: Keymap | None = None,
) -> Content | None:
    """The message to show instead of the list, or None when there are
    rows (or the first counts have not arrived yet). Keys are named as
    *keymap* binds them."""
    if rows or snapshot is None:
        return None
    if snapshot.feeds == 0 and snapshot.stories == 0 and not demo:
        path = config.path or default_config_path()
        return Content(FIRST_RUN.format(path=path))
    if snapshot.stories == 0:
        count = snapshot.feeds
        return Content(
            f"No stories yet. Press R to fetch your {count} feed{'s' if count != 1 else ''}."
        )
    keys = keymap or resolve()
    if view.digest and not view.search and not view.unread_only and view.section == "today":
        return Content(
            "Nothing new in the last 24 hours. "
            f"Press {keys.display('refresh_all')} to fetch your feeds, "
            "or choose This week or All in the sidebar."
        )
    what = "unread stories" if view.unread_only or view.section == "unread" else "stories"
    if view.digest:
        what = "unread entries" if view.unread_only or view.section == "unread" else "entries"
    hint = []
    if view.search:
        hint.append(
            f"nothing matches “{view.search}”: press / and enter an empty search to clear it"
        )
    if view.unread_only:
        hint.append(f"press {keys.display('toggle_unread_only')} to show read stories too")
    text = f"No {what} here."
    if view.digest:
        span = "24 hours" if view.window == "today" else "7 days"
        hint.append(
            f"the digest covers the last {span}; press {keys.display('toggle_view')} "
            "to list every story by feed"
        )
    if hint:
        text += " " + "; ".join(hint).capitalize() + "."
    return Content(text)
