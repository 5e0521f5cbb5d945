"""[[rules]]: validation with located errors, matching, outcomes, and
`digest rules --test` over a real store."""

from __future__ import annotations

import tomllib
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tui.core.config import Reporter
from tui.core.models import Feed, FeedConfig, Story
from tui.core.rules import Outcome, evaluate, notification_line, test_rules, validate_rules

WHEN = datetime(2024, 6, 3, 8, tzinfo=UTC)


def rules_of(text: str):
    reporter = Reporter(Path("feeds.toml"), text)
    rules = validate_rules(tomllib.loads(text)["rules"], reporter)
    return rules, reporter


def valid(text: str):
    rules, reporter = rules_of(text)
    assert reporter.problems == []
    return rules


def story(
    title: str = "", body: str = "", author: str | None = None, feed_title: str | None = None
) -> Story:
    return Story(
        uid=title, title=title, published=WHEN, summary=body, author=author, feed_title=feed_title
    )


FEED = FeedConfig(url="https://harbour.example/rss", title="Harbour Times", tags=("news", "local"))


def test_a_plain_phrase_matches_whole_words_case_insensitively() -> None:
    (rule,) = valid('[[rules]]\ntitle = "AI"\nhide = true\n')
    assert rule.matches(story("New AI rules for ports"))
    assert rule.matches(story("Who regulates ai?"))
    assert not rule.matches(story("Officials said the harbour was calm"))  # 'ai' inside 'said'
    (rule,) = valid('[[rules]]\ntitle = "interest  rates"\nread = true\n')
    assert rule.matches(story("Interest\nrates rise again"))


def test_slashes_or_regex_true_make_a_regular_expression() -> None:
    slashed, flagged = valid(
        '[[rules]]\ncontent = "/crypto ?currenc(y|ies)/"\nhide = true\n\n'
        '[[rules]]\nregex = true\ntitle = ["^Sponsored:", "\\\\bpromo\\\\b"]\nhide = true\n'
    )
    assert slashed.matches(story(body="Two CryptoCurrencies fell."))
    assert flagged.matches(story("sponsored: new ferries"))
    assert flagged.matches(story("A promo inside"))
    assert not flagged.matches(story("Not sponsored: really"))


def test_conditions_combine_with_and_and_lists_with_or() -> None:
    (rule,) = valid(
        '[[rules]]\nfeed = "harbour times"\ntag = "local"\ntitle = ["ferry", "tide"]\nstar = true\n'
    )
    assert rule.matches(story("Ferry strike ends"), FEED)
    assert rule.matches(story("Tide tables"), FEED)
    assert not rule.matches(story("Budget vote"), FEED)
    other = FeedConfig(url="https://other.example/rss", title="Other", tags=("local",))
    assert not rule.matches(story("Ferry strike ends"), other)


def test_tag_must_equal_a_feed_tag_and_feed_matches_title_or_url() -> None:
    (by_tag,) = valid('[[rules]]\ntag = "news"\nread = true\n')
    assert by_tag.matches(story("x"), FEED)
    assert not by_tag.matches(
        story("x"), FeedConfig(url="https://x.example/", tags=("business news",))
    )
    (by_url,) = valid('[[rules]]\nfeed = "harbour.example"\nread = true\n')
    assert by_url.matches(story("x"), FEED)
    store_feed = Feed(id=1, url="https://y.example/feed", feed_title="Harbour Times")
    (by_own_title,) = valid('[[rules]]\nfeed = "Harbour Times"\nread = true\n')
    assert by_own_title.matches(story("x"), store_feed)


def test_author_and_content() -> None:
    (rule,) = valid('[[rules]]\nauthor = "Press Office"\ncontent = "press release"\nhide = true\n')
    assert rule.matches(story("x", "This is a press release.", author="City Press Office"))
    assert not rule.matches(story("x", "This is a press release.", author=None))


def test_evaluate_unites_every_matching_rule() -> None:
    rules = valid(
        '[[rules]]\nname = "Ferries"\ntitle = "ferry"\nstar = true\nadd_tag = ["transport", "ferry"]\nnotify = true\n\n'
        '[[rules]]\nname = "Local"\ntag = "local"\nread = true\nadd_tag = "transport"\n\n'
        '[[rules]]\nname = "Never"\ntitle = "zeppelin"\nhide = true\n'
    )
    outcome = evaluate(rules, story("Ferry timetable"), FEED)
    assert outcome == Outcome(
        hide=False,
        read=True,
        star=True,
        tags=("transport", "ferry"),
        notify=("Ferries",),
        matched=("Ferries", "Local"),
    )
    assert not evaluate(rules, story("Budget"), FeedConfig(url="https://x.example/"))


def test_a_hidden_story_never_notifies() -> None:
    rules = valid(
        '[[rules]]\nname = "Alert"\ntitle = "outage"\nnotify = true\n\n'
        '[[rules]]\ntitle = "outage"\nfeed = "Harbour"\nhide = true\n'
    )
    assert evaluate(rules, story("Power outage"), FEED).notify == ()
    assert evaluate(rules, story("Power outage"), FeedConfig(url="https://x.example/")).notify == (
        "Alert",
    )


def test_problems_name_the_rule_the_key_and_the_line() -> None:
    text = (
        "[settings]\n\n"
        '[[rules]]\ntitle = "ok"\nhide = true\n\n'
        '[[rules]]\nname = "broken"\ntitle = "/(unclosed/"\nhide = "yes"\n\n'
        '[[rules]]\ntitle = "nothing to do"\n\n'
        "[[rules]]\nhide = true\n\n"
        '[[rules]]\ncontent = ""\nread = true\n'
    )
    rules, reporter = rules_of(text)
    assert [rule.name for rule in rules] == ["rules[1]"]
    assert reporter.problems == [
        "feeds.toml:9: rules[2].title: bad regular expression '/(unclosed/': missing ), unterminated subpattern at position 0",
        "feeds.toml:10: rules[2].hide: expected true or false, got 'yes'",
        "feeds.toml:12: rules[3]: does nothing: set hide, read, star or notify = true, or add_tag",
        "feeds.toml:15: rules[4]: has no condition: give at least one of feed, tag, title, author, content",
        "feeds.toml:19: rules[5].content: empty string: give the words or /regex/ to match",
    ]


def test_unknown_keys_warn_with_a_suggestion() -> None:
    _, reporter = rules_of('[[rules]]\ntitel = "x"\nsummary = "y"\ntitle = "z"\nhide = true\n')
    assert reporter.warnings == [
        "feeds.toml:2: rules[1].titel: unknown key 'titel' is ignored (did you mean 'title'?)",
        "feeds.toml:3: rules[1].summary: unknown key 'summary' is ignored (did you mean 'content'?)",
    ]


def test_nested_repetition_warns_and_long_text_is_capped() -> None:
    rules, reporter = rules_of('[[rules]]\ncontent = "/(a+)+$/"\nhide = true\n')
    assert "repeats a repetition" in reporter.warnings[0]
    # A body far past the cap: only its first 20,000 characters are searched.
    assert not rules[0].matches(story(body="b" * 30_000 + "a"))


def test_empty_regex_and_wrong_shapes_are_problems() -> None:
    _, reporter = rules_of(
        '[[rules]]\ntitle = "//"\nhide = true\n[[rules]]\ntitle = 3\nhide = true\n'
    )
    assert "empty pattern" in reporter.problems[0]
    assert "expected a string or an array of strings, got 3" in reporter.problems[1]
    reporter = Reporter(Path("feeds.toml"), "rules = 1\n")
    assert validate_rules(1, reporter) == () and "array of tables" in reporter.problems[0]


def test_notification_line() -> None:
    (rule,) = valid('[[rules]]\nname = "Outages"\ntitle = "outage"\nnotify = true\n')
    items = [
        (s, evaluate([rule], s))
        for s in (story("Power outage"), story("Water outage\x1b[2J"), story("Calm"))
    ]
    assert (
        notification_line(items) == "2 new stories for Outages (2): Power outage; Water outage[2J"
    )
    assert notification_line(items[2:]) is None


def test_rules_test_reports_matches_in_the_store(store) -> None:
    store.sync_feeds(
        [
            FeedConfig(url="https://harbour.example/rss", title="Harbour Times", tags=("local",)),
            FeedConfig(url="https://wire.example/rss", title="Wire"),
        ]
    )
    harbour, wire = (feed.id for feed in store.feeds())
    store.upsert_stories(
        harbour,
        [
            Story(uid="1", title="Ferry strike", published=WHEN, summary="Crews walked out."),
            Story(
                uid="2",
                title="Budget",
                published=WHEN.replace(day=4),
                summary="The ferry budget rose.",
            ),
        ],
    )
    store.upsert_stories(wire, [Story(uid="3", title="Ferry news elsewhere", published=WHEN)])
    rules = valid(
        '[[rules]]\nname = "Local ferries"\ntag = "local"\ncontent = "ferry"\nstar = true\n\n'
        '[[rules]]\nname = "Any ferry title"\ntitle = "ferry"\nread = true\n'
    )
    local, titles = test_rules(store, rules, examples=1)
    assert (local.count, [s.title for s in local.examples]) == (1, ["Budget"])
    assert titles.count == 2 and titles.examples[0].feed_title in ("Harbour Times", "Wire")


@pytest.mark.parametrize("phrase", ["$5", "C++", "U.S."])
def test_phrases_starting_or_ending_with_punctuation(phrase: str) -> None:
    (rule,) = valid(f'[[rules]]\ntitle = "{phrase}"\nhide = true\n')
    assert rule.matches(story(f"About {phrase} today"))
    assert not rule.matches(story(f"About {phrase}x today"))
