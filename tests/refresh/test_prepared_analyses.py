"""A parse job run in the pool packs its stories' analyses into one pickled
list; the refreshing process hands them on to the grouping job unopened,
which unpacks them by story id."""

from __future__ import annotations

import pickle
from datetime import UTC, datetime

from tests.refresh.helpers import rss
from tui.core.refresh_grouping import Prepared
from tui.core.refresh_worker import parse_job

NOW = datetime(2026, 12, 1, tzinfo=UTC)
BODY = rss(("a", "Acme sells 12 million phones"), ("b", "Globex hires 300"), ("c", "Initech"))


def test_packed_analyses_unpack_to_the_stored_stories_own() -> None:
    loose, _ = parse_job(BODY, "https://example.com/feed", None, 50, {}, NOW)
    packed, _ = parse_job(BODY, "https://example.com/feed", None, 50, {}, NOW, True)
    assert packed.analyses is not None and loose.analyses is None
    assert all(story.analysis is None for story in packed.stories)
    assert all(story.analysis is not None for story in loose.stories)
    prepared = Prepared()
    prepared.add_packed(packed.analyses, [11, None, 13])  # the second was not stored
    prepared.add(20, loose.stories[1].analysis)  # type: ignore[arg-type]
    prepared = pickle.loads(pickle.dumps(prepared))  # as it travels to the grouping job
    assert len(prepared) == 4
    assert prepared.mapping() == {
        11: loose.stories[0].analysis,
        13: loose.stories[2].analysis,
        20: loose.stories[1].analysis,
    }
