"""Everyday habits on the open story: fetch the full article, copy the
link, open the attachment, share or save the story as Markdown.

Each action finds its story on the event loop (the open story, else the
one under the cursor) and leaves every store read, fetch, browser launch
and file write to a named thread worker that posts one message back.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import work

from tui.app.messages import ArticleFetched, LinkOpened, Notice, StoryShared
from tui.core.sanitize import one_line

if TYPE_CHECKING:
    from textual.notifications import SeverityLevel

    from tui.app.screens.main import MainScreen


class EverydayActions:
    """Mixed into :class:`~tui.app.screens.main.MainScreen`."""

    def story_target(self: MainScreen) -> tuple[int, str, str | None] | None:
        """(id, title, link) of the story the user means: the open one
        while the cursor is on it (or on nothing), else the row under the
        cursor. Titles and links are already sanitised and checked."""
        row = self.stories.current
        if self.doc is not None and (row is None or row.id == self.doc.id):
            return self.doc.id, self.doc.title, self.doc.link
        if row is None:
            return None
        return row.id, row.title, row.link

    def _no_story(self: MainScreen) -> None:
        self.notify("Move to a story first (j/k).", markup=False, timeout=3)

    # ------------------------------------------------------------ article

    def action_full_article(self: MainScreen) -> None:
        """F: fetch the story's article page and read it in place of the
        summary (the story is opened if it is not)."""
        target = self.story_target()
        if target is None:
            self._no_story()
            return
        story_id = target[0]
        busy = self.articles_fetching
        if story_id in busy:
            self.notify("The full article is on its way.", markup=False, timeout=3)
            return
        if self.doc is None or self.doc.id != story_id:
            row = self.stories.current
            if row is not None:
                self.open_story(row)
        busy.add(story_id)
        self.notify(
            f"Fetching the full article of {one_line(target[1], 60)}…", markup=False, timeout=3
        )
        self._article_worker(story_id)

    @work(thread=True, name="full-article", group="article", exit_on_error=False)
    def _article_worker(self: MainScreen, story_id: int) -> None:
        from tui.app.document import build_document
        from tui.core.article import full_article

        store = self.digest.store
        try:
            story = store.story(story_id)
            if story is None:
                self.post_message(ArticleFetched(story_id, None, "the story is no longer stored"))
                return
            result = full_article(story, self.digest.config.settings)
            if not result.ok:
                self.post_message(ArticleFetched(story_id, None, one_line(result.reason, 200)))
                return
            store.replace_story_content(story_id, result.content, result.figures, result.headline)
            updated = store.story(story_id)
        except Exception as error:  # the summary stays; the reason is shown
            reason = one_line(str(error), 200) or type(error).__name__
            self.post_message(ArticleFetched(story_id, None, reason))
            return
        doc = build_document(updated) if updated is not None else None
        self.post_message(ArticleFetched(story_id, doc))

    async def on_article_fetched(self: MainScreen, message: ArticleFetched) -> None:
        """Show the full article if its story is still open; a failure is
        one line and the summary stays."""
        self.articles_fetching.discard(message.story_id)
        if message.doc is None:
            self.notify(
                f"No full article: {message.reason or 'unknown reason'}. The summary stays.",
                severity="warning",
                markup=False,
                timeout=6,
            )
            return
        doc = message.doc
        if self.doc is not None and self.doc.id == doc.id:
            self.doc = doc
            await self.reader.show(doc, self.digest.now())
            self.figures.show(doc.figures)
        count = len(doc.figures)
        self.notify(
            f"Full article of {one_line(doc.title, 60)}: {count} figure{'s' if count != 1 else ''}.",
            markup=False,
            timeout=4,
        )
        self._reload_keeping_place()  # the list's headline figure may have changed

    # -------------------------------------------------------------- links

    def action_copy_link(self: MainScreen) -> None:
        """c: the story's link to the clipboard (OSC 52: the terminal must
        allow it; most do, macOS Terminal does not)."""
        target = self.story_target()
        if target is None:
            self._no_story()
            return
        link = target[2]
        if link is None:
            self.notify("This story has no web link to copy.", markup=False, timeout=3)
            return
        self.app.copy_to_clipboard(link)
        self.notify(f"Copied {one_line(link, 80)}", markup=False, timeout=3)

    def action_open_enclosure(self: MainScreen) -> None:
        """e: the story's first http(s) attachment with the browser command."""
        target = self.story_target()
        if target is None:
            self._no_story()
            return
        self._enclosure_worker(target[0])

    @work(thread=True, name="open-enclosure", group="browser", exit_on_error=False)
    def _enclosure_worker(self: MainScreen, story_id: int) -> None:
        from tui.app.browser import BrowserError
        from tui.core.urls import safe_web_url

        app = self.digest
        story = app.store.story(story_id)
        enclosures = story.enclosures if story is not None else ()
        urls = [safe_web_url(enclosure.url) for enclosure in enclosures]
        url = next((url for url in urls if url is not None), None)
        if url is None:
            text = (
                "This story's attachments are not http or https links; none was opened."
                if enclosures
                else "This story has no attachment (podcast, video) to open."
            )
            self.post_message(Notice(text))
            return
        try:
            app.opener(url, app.config.settings.browser)
        except (BrowserError, OSError) as error:
            self.post_message(LinkOpened(url, one_line(str(error), 200)))
            return
        self.post_message(LinkOpened(url))

    # ------------------------------------------------------------ sharing

    def action_share_markdown(self: MainScreen) -> None:
        """S: the story as Markdown to the clipboard."""
        target = self.story_target()
        if target is None:
            self._no_story()
            return
        self._share_worker(target[0], None)

    def action_save_markdown(self: MainScreen) -> None:
        """w: the story as Markdown to a file the user names."""
        target = self.story_target()
        if target is None:
            self._no_story()
            return
        from tui.app.screens.dialogs import PromptScreen
        from tui.app.share import default_path

        story_id, title, _ = target

        def chosen(where: str | None) -> None:
            if where is not None and where.strip():
                self._share_worker(story_id, where)

        prompt = PromptScreen(
            "Save story as Markdown",
            f"{one_line(title, 70)}\nFile to write (an existing file is never replaced):",
            default_path(title),
        )
        self.app.push_screen(prompt, chosen)

    @work(thread=True, name="share-story", group="share", exit_on_error=False)
    def _share_worker(self: MainScreen, story_id: int, where: str | None) -> None:
        from tui.app.share import SaveError, story_markdown, write_markdown

        story = self.digest.store.story(story_id)
        if story is None:
            self.post_message(Notice("That story is no longer stored.", "warning"))
            return
        text = story_markdown(story)
        title = one_line(story.title, 60) or "(untitled)"
        if where is None:
            self.post_message(StoryShared(title, text))
            return
        try:
            path = write_markdown(where, text)
        except SaveError as error:
            self.post_message(Notice(f"Not saved: {one_line(str(error), 300)}", "error"))
            return
        self.post_message(Notice(f"Saved {title} to {one_line(str(path), 200)}"))

    def on_story_shared(self: MainScreen, message: StoryShared) -> None:
        """Put the Markdown on the clipboard."""
        self.app.copy_to_clipboard(message.markdown)
        lines = message.markdown.count("\n")
        self.notify(f"Copied {message.title} as Markdown ({lines} lines).", markup=False, timeout=3)

    def on_notice(self: MainScreen, message: Notice) -> None:
        """A worker's one line, as a toast."""
        severity: SeverityLevel = "information"
        if message.severity in ("warning", "error"):
            severity = "error" if message.severity == "error" else "warning"
        self.notify(message.text, title=message.title, severity=severity, markup=False)
