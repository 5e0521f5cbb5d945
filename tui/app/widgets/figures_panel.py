"""The metrics side panel: the open story's figures as a table.

Each row is one figure: its value formatted for people (27M, $2.5bn, 17%),
coloured by kind like its highlight in the reader, the noun it counts and
the period it is per. Cells are ``rich.text.Text`` objects (never markup;
DataTable measures Text, not Content, correctly). The sentence a figure comes from is shown on demand
under the table. Choosing a row asks the screen to scroll the reader to
that figure (``FigureChosen``). Moving to a row asks for the history of
the metric it measures (``FigureHighlighted``; a worker looks it up) and
shows it below: earlier values from other stories, a sparkline, the
change ("up from 10M in June 2025, +170%").
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.message import Message
from textual.widgets import Static

from tui.app.view import FigureRow, MetricView
from tui.app.widgets.story_list import fit

if TYPE_CHECKING:
    from textual.widgets import DataTable

# The theme variable each kind is coloured with (as in main.tcss).
KIND_COLOURS = {
    "count": "text-primary",
    "percent": "text-success",
    "money": "text-warning",
    "measure": "text-secondary",
    "multiple": "text-error",
    "duration": "text-accent",
    "rank": "text-accent",
}


class FiguresPanel(Vertical):
    """The figures of the open story."""

    class FigureHighlighted(Message):
        """The cursor moved to figure *index*: its history is wanted."""

        def __init__(self, index: int) -> None:
            super().__init__()
            self.index = index

    class FigureChosen(Message):
        """The user chose figure *index* (enter, click, [ or ])."""

        def __init__(self, index: int) -> None:
            super().__init__()
            self.index = index

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.figures: tuple[FigureRow, ...] = ()
        self.show_sentence = False
        self.chosen: int | None = None  # row last chosen with [ / ] or enter
        self.history: MetricView | None = None  # of the figure under the cursor
        self.loaded_table: DataTable[Text] | None = None  # mounted with the first figures

    def compose(self) -> ComposeResult:
        yield Static(Content("No story open."), id="figures-empty")
        yield Static(Content(""), id="figure-sentence")
        yield Static(Content(""), id="figure-history")

    @property
    def table(self) -> DataTable[Text]:
        """The figures table, mounted the first time figures are shown:
        the first screen has none, and a DataTable (its import, styles and
        mount) is the costliest widget of the panel."""
        if self.loaded_table is None:
            from textual.widgets import DataTable

            table: DataTable[Text] = DataTable(
                id="figures-table", cursor_type="row", zebra_stripes=True
            )
            table.add_columns("Value", "What", "Per")
            self.mount(table, before=0)
            self.loaded_table = table
        return self.loaded_table

    def show(self, figures: tuple[FigureRow, ...]) -> None:
        """List *figures* (in story order)."""
        self.figures = figures
        self.chosen = None
        if self.loaded_table is not None or figures:
            self._fill(figures)
        empty = self.query_one("#figures-empty", Static)
        empty.update(Content("" if figures else "No figures in this story."))
        empty.display = not figures
        self._update_sentence()
        self.show_history(None, None)

    def _fill(self, figures: tuple[FigureRow, ...]) -> None:
        table = self.table
        table.clear()
        colours = self.app.get_css_variables() if figures else {}
        for figure in figures:
            colour = colours.get(KIND_COLOURS.get(figure.kind, "text-primary"), "")
            table.add_row(
                Text(figure.value, style=f"bold {colour}".strip()),
                Text(figure.noun or "—"),
                Text(figure.per or ""),
                key=str(figure.index),
            )
        table.display = bool(figures)

    def notify_style_update(self) -> None:
        """A new theme: recolour the values."""
        super().notify_style_update()
        if self.figures and self.is_mounted:
            row, chosen = self.table.cursor_row, self.chosen
            self.show(self.figures)
            self.chosen = chosen
            self.table.move_cursor(row=row, animate=False)

    def clear(self, message: str) -> None:
        """No story open."""
        self.show(())
        self.query_one("#figures-empty", Static).update(Content(message))

    @property
    def current(self) -> FigureRow | None:
        """The figure under the table cursor."""
        if self.loaded_table is None:
            return None
        row = self.loaded_table.cursor_row
        return self.figures[row] if 0 <= row < len(self.figures) else None

    def step(self, delta: int) -> FigureRow | None:
        """Move to the next (+1) or previous (-1) figure, wrapping, and
        choose it."""
        if not self.figures:
            return None
        if self.chosen is None:
            row = 0 if delta > 0 else len(self.figures) - 1
        else:
            row = (self.chosen + delta) % len(self.figures)
        self.chosen = row
        self.table.move_cursor(row=row, animate=False)
        figure = self.figures[row]
        self.post_message(self.FigureChosen(figure.index))
        self._update_sentence()
        return figure

    def toggle_sentence(self) -> None:
        """Show or hide the sentence of the current figure."""
        self.show_sentence = not self.show_sentence
        self._update_sentence()

    def _update_sentence(self) -> None:
        sentence = self.query_one("#figure-sentence", Static)
        figure = self.current
        sentence.display = self.show_sentence and figure is not None
        if figure is not None:
            sentence.update(Content(figure.sentence or "(no sentence recorded)"))

    def show_history(self, index: int | None, view: MetricView | None) -> None:
        """Show the history of figure *index* (None: no figure, or one
        that measures no tracked metric)."""
        self.history = view
        box = self.query_one("#figure-history", Static)
        figure = self.current
        if view is None or figure is None or figure.index != index:
            known = figure is not None and figure.index == index
            box.update(
                Content.styled(
                    "Not a tracked metric (it needs a subject and a noun)." if known else "",
                    "$text-muted",
                )
            )
            box.display = known
            return
        box.update(history_text(view))
        box.display = True

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        """Keep the sentence in step with the cursor, and ask for the
        history of the figure under it."""
        event.stop()
        self._update_sentence()
        figure = self.current
        if figure is not None and (self.history is None or self.history.index != figure.index):
            self.post_message(self.FigureHighlighted(figure.index))

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        """Enter or a click on a row chooses that figure."""
        event.stop()
        if event.row_key.value is not None:
            self.chosen = event.cursor_row
            self.post_message(self.FigureChosen(int(event.row_key.value)))


def history_text(view: MetricView) -> Content:
    """The history block: the metric, the sparkline and change, then the
    earlier values (newest first) with their day and feed. All of it is
    feed text sanitised by the worker, set as plain Content."""
    lines = [Content.styled(view.label, "bold")]
    trend = view.spark
    if view.change:
        trend = f"{trend}  {view.change}" if trend else view.change
    if trend:
        lines.append(Content.styled(trend, "$text-accent"))
    if view.earlier:
        lines.append(Content.styled("Earlier", "$text-muted"))
        lines.extend(
            Content.assemble((f"{point.value:>7}", "bold"), f" {point.day} {fit(point.feed, 14)}")
            for point in view.earlier[:8]
        )
    else:
        lines.append(Content.styled("No earlier values from other stories.", "$text-muted"))
    return Content("\n").join(lines)
