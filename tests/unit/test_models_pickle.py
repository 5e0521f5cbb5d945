"""Stories and figures travel from the parse workers pickled as tuples of
their field values: they must come back equal, and frozen ones frozen."""

from __future__ import annotations

import dataclasses
import pickle
from datetime import UTC, datetime

import pytest

from tui.core.models import Enclosure, Figure, Story


def test_a_story_with_figures_and_enclosures_comes_back_equal_and_figures_stay_frozen() -> None:
    figure = Figure(
        "27 million", 10, 20, 27e6, "count", None, "users", None, "It has 27 million users."
    )
    story = Story(
        uid="u1",
        title="Title",
        published=datetime(2026, 12, 1, tzinfo=UTC),
        link="https://example.com/a",
        content="It has 27 million users.",
        enclosures=(Enclosure("https://example.com/a.mp3", "audio/mpeg", 123),),
        figures=[figure],
        headline=figure,
        tags=("x",),
    )
    back = pickle.loads(pickle.dumps(story, protocol=pickle.HIGHEST_PROTOCOL))
    assert back == story and back is not story
    assert back.headline is back.figures[0]  # shared, as it was
    assert [f.name for f in dataclasses.fields(Story)] == list(Story.__slots__)
    with pytest.raises(dataclasses.FrozenInstanceError):
        back.figures[0].value = 1.0  # type: ignore[misc]
