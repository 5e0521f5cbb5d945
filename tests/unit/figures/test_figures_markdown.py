"""The extractor reads Markdown as the store keeps it (from markdownify).

Markdown syntax must neither create nor break figures, and spans must index
the stored text itself so that the reader can highlight them.
"""

from __future__ import annotations

import pytest

from tui.core.figures import extract
from tui.core.figures.markdown import mask_markdown
from tui.core.html import html_to_markdown


def spans(text: str) -> list[str]:
    figures = extract(text)
    for figure in figures:
        assert text[figure.start:figure.end] == figure.text
    return [f.text for f in figures]


def test_emphasis_is_outside_the_span() -> None:
    assert spans("The app reached **27 million** users.") == ["27 million"]
    assert spans("The app reached *27 million* users.") == ["27 million"]
    assert spans("The app reached __27 million__ users.") == ["27 million"]


def test_link_text_counts_and_its_url_does_not() -> None:
    text = "It has [27 million users](https://example.com/2024/06/27m-users-42) now."
    assert spans(text) == ["27 million"]
    figure = extract(text)[0]
    assert figure.noun == "users"


def test_bare_urls_and_autolinks_give_nothing() -> None:
    assert spans("See https://example.com/page/2024/500 or <https://x.org/10-20>.") == []


def test_ordered_list_markers_are_not_counts() -> None:
    text = "1. Revenue rose 12%\n2. Costs fell 3%\n10. Staff grew to 1,200 people"
    assert spans(text) == ["12%", "3%", "1,200"]


def test_bullets_headings_and_quotes() -> None:
    text = "# Results for 2024\n\n- Profit: $5bn\n- Margin: 21%\n\n> Sales doubled to 3 million units"
    assert spans(text) == ["$5bn", "21%", "3 million"]


def test_table_cells_do_not_run_together() -> None:
    text = "| Year | Revenue | Growth |\n|---|---|---|\n| 2023 | $4.1bn | 12% |\n| 2024 | $5.0bn | 22% |"
    assert spans(text) == ["$4.1bn", "12%", "$5.0bn", "22%"]


def test_inline_and_fenced_code_are_ignored() -> None:
    text = "Run `pip install x==2.5` then:\n\n```\nfor i in range(100): pass\n```\nIt saves 40% of time."
    assert spans(text) == ["40%"]


def test_escaped_characters_do_not_break_figures() -> None:
    # markdownify escapes literal asterisks and underscores in text.
    assert spans(r"Shares rose 5% and \*\*20 million\*\* were traded on my\_site") == [
        "5%", "20 million",
    ]


def test_images_keep_their_numbers_out() -> None:
    assert spans("[image: Chart of 2,000 sales] The shop sold 400 books.") == ["400"]


def test_footnote_markers_are_not_counts() -> None:
    assert spans("Output grew 8%[1] while prices fell.[2]") == ["8%"]


def test_the_mask_keeps_every_offset() -> None:
    text = "**Bold** [a](http://x.y/1) `c` | d |\n- e\n1. f\n> g ~~h~~ a_b@c.de"
    masked = mask_markdown(text)
    assert len(masked) == len(text)
    assert "http" not in masked and "*" not in masked and "@" not in masked


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        ("<p>The app has <b>27 million</b> users.</p>", ["27 million"]),
        ('<p>Read <a href="https://x.com/2024/5">the 5% report</a>.</p>', ["5%"]),
        ("<ol><li>Profit rose 20%</li><li>Costs fell 3%</li></ol>", ["20%", "3%"]),
        ("<table><tr><td>2023</td><td>$4bn</td></tr></table>", ["$4bn"]),
    ],
)
def test_html_converted_as_at_refresh(html: str, expected: list[str]) -> None:
    assert spans(html_to_markdown(html)) == expected
