"""Property: for any Unicode input the extractor never crashes, never returns a
span outside the text, and every span is the text it claims to be."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from tui.core.figures import extract, extract_story_figures
from tui.core.figures.markdown import mask_markdown

# Text that looks like news prose with figures, Markdown and odd characters,
# so that the rules (not just the "no digits" path) are exercised.
pieces = st.sampled_from([
    "27 million", "$2.5bn", "£300m", "17%", "66 per cent", "5,000mAh", "3x", "twenty",
    "a fifth of", "June 5", "2024", "iPhone 15", "3-1", "10:30", "**", "[", "](http://a/1)",
    "`", "|", "\n", "\n\n", "- ", "1. ", "> ", "#", " ", ".", ",", "(", ")", "İ", "ß", "ﬁ",
    "\u00a0", "\u2019", "’s", "¥", "₹", "€", "Rs.", "US$", "over", "more than", "users",
    "rose", "to", "of", "the", "Mate 80 Pro", "30-600 MW", "0.5 to 4 metres",
])
prose = st.lists(st.one_of(pieces, st.text(max_size=6)), max_size=40).map("".join)


@settings(max_examples=400, deadline=None)
@given(st.one_of(st.text(), prose))
def test_spans_always_index_the_text(text: str) -> None:
    for figure in extract(text):
        assert 0 <= figure.start <= figure.end <= len(text)
        assert text[figure.start:figure.end] == figure.text
        assert figure.text.strip() == figure.text and figure.text
        assert isinstance(figure.value, float)


@settings(max_examples=200, deadline=None)
@given(st.text(), st.text())
def test_story_figures_index_their_own_text(title: str, body: str) -> None:
    for figure in extract_story_figures(title, body):
        text = title if figure.source == "title" else body
        assert text[figure.start:figure.end] == figure.text


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(), prose))
def test_markdown_mask_keeps_length(text: str) -> None:
    assert len(mask_markdown(text)) == len(text)
