"""The reader's document: figures marked by offsets, feed text cleaned,
titles shown literally. Pure functions, no app needed."""

from __future__ import annotations

from textual.content import Content

from tests.ui.builders import HARMONY_BODY, figure, harmony_story, story
from tui.app.document import MARK_CLOSE, build_document, mark_figures, open_mark, strip_marks
from tui.app.widgets.figure_markdown import unmark


def test_every_placeable_figure_is_wrapped_in_marks():
    doc = build_document(harmony_story())
    assert doc.markdown.count(MARK_CLOSE) == 9
    assert f"{open_mark(1)}more than 27 million{MARK_CLOSE}" in doc.markdown
    assert f"{open_mark(0)}27 million{MARK_CLOSE}" in doc.markdown.splitlines()[0]
    assert all(row.placed for row in doc.figures)


def test_a_figure_whose_offsets_are_stale_is_listed_but_not_placed():
    body = "Sales rose 17% this year."
    stale = figure(body, "17%", "percent", 17)
    moved = type(stale)(**{**{f: getattr(stale, f) for f in stale.__slots__}, "start": 0, "end": 3})
    text, placed = mark_figures(body, [(0, moved)])
    assert placed == set()
    assert text == body


def test_figures_inside_link_targets_and_code_are_not_marked():
    body = "See [the report](https://example.org/27m) and `17%` but 5% here."
    figures = [
        (0, figure(body, "27", "count", 27)),
        (1, figure(body, "17%", "percent", 17)),
        (2, figure(body, "5%", "percent", 5)),
    ]
    text, placed = mark_figures(body, figures)
    assert placed == {2}
    assert "(https://example.org/27m)" in text


def test_overlapping_figures_keep_the_first():
    body = "more than 27 million users"
    figures = [
        (0, figure(body, "more than 27 million", "count", 27e6)),
        (1, figure(body, "27 million", "count", 27e6)),
    ]
    assert mark_figures(body, figures)[1] == {0}


def test_feed_text_is_cleaned_and_cannot_forge_marks():
    body = "Evil \x1b]0;owned\x07 text \x9b31m with a forged " + open_mark(3) + "mark" + MARK_CLOSE
    doc = build_document(story("evil", "Title \x1b[2J", body, 1))
    assert "\x1b" not in doc.markdown and "\x9b" not in doc.markdown and "\x07" not in doc.markdown
    assert open_mark(3) not in doc.markdown
    assert doc.markdown.count(MARK_CLOSE) == 0
    assert doc.title == "Title [2J"


def test_titles_are_escaped_so_they_show_literally():
    doc = build_document(story("t", "# Not a *heading* [x](javascript:alert(1))", "body", 1))
    first = doc.markdown.splitlines()[0]
    assert first == r"# \# Not a \*heading\* \[x\]\(javascript:alert\(1\)\)"


def test_unmark_turns_marks_into_places():
    content = Content(f"Sales {open_mark(4)}17%{MARK_CLOSE} and {open_mark(5)}$2bn{MARK_CLOSE}.")
    clean, places = unmark(content)
    assert clean.plain == "Sales 17% and $2bn."
    assert places == {4: (6, 9), 5: (14, 18)}


def test_strip_marks_removes_private_use_marks_only():
    assert strip_marks("a\ue000b\uefffc\u00e9") == "abc\u00e9"


def test_the_sentence_and_the_link_are_sanitised():
    made = harmony_story()
    made.link = "javascript:alert(1)"
    doc = build_document(made)
    assert doc.link is None
    assert doc.shown_link == "javascript:alert(1)"
    assert doc.figures[2].sentence.startswith("It also counts over 10 million developers")
    assert HARMONY_BODY.startswith("Huawei")
