"""``[[rules]]``: match stories as they arrive and hide, mark read, star,
tag or announce them.

A rule has conditions and actions::

    [[rules]]
    name = "Crypto noise"          # optional; used in messages
    title = ["bitcoin", "/crypto ?currenc(y|ies)/"]
    tag = "tech"                   # the story's feed has this tag
    hide = true

Conditions (all given must match; a list matches if any item does):
``feed`` (the feed's title or URL), ``tag`` (one of the feed's tags),
``title``, ``author``, ``content`` (the story's text). A plain string
matches case-insensitively as a whole phrase (``"ai"`` does not match
"said"; a tag must equal the string). A string written ``/like this/``, or
every string of a rule with ``regex = true``, is a regular expression
(case-insensitive; ``(?-i:...)`` for case). Actions: ``hide``, ``read``,
``star``, ``notify`` (true/false) and ``add_tag`` (a name or a list) — not
``tag``, which is the condition on the feed's tags.

Regexes are compiled once, when the config loads, and a bad one is a config
error naming the rule and the key. Python's ``re`` has no time limit, so
the text searched is capped (titles and authors at 1,000 characters,
content at 20,000), and a nested repetition such as ``(a+)+`` is warned
about.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from tui.core.models import Feed, FeedConfig, Story
from tui.core.sanitize import one_line

if TYPE_CHECKING:
    from tui.core.config import Config, Reporter
    from tui.core.store import Store

MATCH_KEYS = ("feed", "tag", "title", "author", "content")
ACTION_KEYS = ("hide", "read", "star", "add_tag", "notify")
RULE_KEYS = ("name", "regex", *MATCH_KEYS, *ACTION_KEYS)
# What people write meaning one of ours; feeds the did-you-mean.
ALIASES = {
    "tags": "tag",
    "category": "tag",
    "body": "content",
    "summary": "content",
    "text": "content",
    "mark_read": "read",
    "starred": "star",
    "hidden": "hide",
    "label": "add_tag",
}
MAX_SHORT = 1_000
MAX_CONTENT = 20_000
_NESTED = re.compile(r"\((?:[^()\\]|\\.)*[+*](?:[^()\\]|\\.)*\)(?:[+*]|\{\d*,\})")

FeedLike = Feed | FeedConfig


@dataclass(frozen=True, slots=True)
class Condition:
    """One condition key of a rule and its compiled patterns (any matches)."""

    key: str
    sources: tuple[str, ...]
    patterns: tuple[re.Pattern[str], ...]

    def matches(self, texts: Iterable[str]) -> bool:
        """True when any pattern matches any of *texts*."""
        limit = MAX_CONTENT if self.key == "content" else MAX_SHORT
        return any(
            pattern.search(text[:limit]) for text in texts if text for pattern in self.patterns
        )


@dataclass(frozen=True, slots=True)
class Rule:
    """A validated ``[[rules]]`` entry. ``name`` defaults to
    ``rules[N]``; ``line`` is where it starts in feeds.toml."""

    name: str
    conditions: tuple[Condition, ...]
    hide: bool = False
    read: bool = False
    star: bool = False
    add_tags: tuple[str, ...] = ()
    notify: bool = False
    line: int = 0

    def matches(self, story: Story, feed: FeedLike | None = None) -> bool:
        """True when every condition matches *story* (from *feed*)."""
        return all(
            condition.matches(_texts(condition.key, story, feed)) for condition in self.conditions
        )


@dataclass(frozen=True, slots=True)
class Outcome:
    """What the rules decided for one story: the union of every matching
    rule's actions. ``notify`` and ``matched`` hold rule names. The refresh
    applies it; a hidden story is stored (so it is not fetched as new again)
    but not listed, and never notifies."""

    hide: bool = False
    read: bool = False
    star: bool = False
    tags: tuple[str, ...] = ()
    notify: tuple[str, ...] = ()
    matched: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.matched)


def _texts(key: str, story: Story, feed: FeedLike | None) -> list[str]:
    if key == "title":
        return [story.title]
    if key == "author":
        return [story.author or ""]
    if key == "content":
        return [story.body]
    if key == "tag":
        return list(feed.tags) if feed is not None else []
    names = [story.feed_title or ""]
    if feed is not None:
        names += [feed.title or "", getattr(feed, "feed_title", None) or "", feed.url]
    return names


def evaluate(rules: Sequence[Rule], story: Story, feed: FeedLike | None = None) -> Outcome:
    """Apply every rule to *story*; see :class:`Outcome`."""
    matched = [rule for rule in rules if rule.matches(story, feed)]
    if not matched:
        return Outcome()
    hide = any(rule.hide for rule in matched)
    tags = dict.fromkeys(tag for rule in matched for tag in rule.add_tags)
    return Outcome(
        hide=hide,
        read=any(rule.read for rule in matched),
        star=any(rule.star for rule in matched),
        tags=tuple(tags),
        notify=() if hide else tuple(rule.name for rule in matched if rule.notify),
        matched=tuple(rule.name for rule in matched),
    )


# --------------------------------------------------------------- validation


def compile_pattern(source: str, key: str, regex: bool) -> re.Pattern[str]:
    """Compile one condition string (see the module docstring). Raises
    ``re.error`` for a bad regular expression."""
    slashed = len(source) >= 2 and source.startswith("/") and source.endswith("/")
    if slashed or regex:
        body = source[1:-1] if slashed else source
        if not body:
            raise re.error("empty pattern matches every story")
        return re.compile(body, re.IGNORECASE)
    words = [re.escape(word) for word in source.split()]
    phrase = r"\s+".join(words)
    if key == "tag":
        return re.compile(rf"^\s*{phrase}\s*$", re.IGNORECASE)
    return re.compile(rf"(?<!\w){phrase}(?!\w)", re.IGNORECASE)


def validate_rules(value: Any, reporter: Reporter) -> tuple[Rule, ...]:
    """Check the ``[[rules]]`` array (shape, types, regexes) and compile it.
    Problems and warnings go to *reporter*, located at their line."""
    if not isinstance(value, list):
        reporter.problem("rules", None, "expected [[rules]] tables (an array of tables)")
        return ()
    rules = []
    for index, entry in enumerate(value, start=1):
        table = f"rules[{index}]"
        if not isinstance(entry, dict):
            reporter.problem(table, None, f"expected a table, got {type(entry).__name__}")
            continue
        rule = _validate_rule(entry, table, reporter)
        if rule is not None:
            rules.append(rule)
    return tuple(rules)


def _validate_rule(entry: dict[str, Any], table: str, reporter: Reporter) -> Rule | None:
    ok = True
    for key in entry:
        if key not in RULE_KEYS:
            guess = ALIASES.get(key) or next(
                iter(difflib.get_close_matches(key, RULE_KEYS, 1, 0.7)), None
            )
            hint = f" (did you mean '{guess}'?)" if guess else ""
            reporter.warn(table, key, f"unknown key '{key}' is ignored{hint}")
    name = entry.get("name", table)
    if not isinstance(name, str) or not one_line(name):
        reporter.problem(table, "name", "expected a non-empty string")
        ok, name = False, table
    regex = entry.get("regex", False)
    if not isinstance(regex, bool):
        reporter.problem(table, "regex", "expected true or false")
        ok, regex = False, False
    conditions = []
    for key in MATCH_KEYS:
        if key not in entry:
            continue
        sources = _strings(entry[key], table, key, reporter)
        if sources is None:
            ok = False
            continue
        patterns = []
        for source in sources:
            try:
                patterns.append(compile_pattern(source, key, regex))
            except re.error as error:
                reporter.problem(table, key, f"bad regular expression {source!r}: {error}")
                ok = False
                continue
            if _NESTED.search(source):
                reporter.warn(
                    table, key, f"{source!r} repeats a repetition and may be slow on long text"
                )
        conditions.append(Condition(key, tuple(sources), tuple(patterns)))
    flags = {}
    actions_ok = True
    for key in ("hide", "read", "star", "notify"):
        flags[key] = entry.get(key, False)
        if not isinstance(flags[key], bool):
            reporter.problem(table, key, f"expected true or false, got {flags[key]!r}")
            actions_ok, flags[key] = False, False
    add_tags: tuple[str, ...] = ()
    if "add_tag" in entry:
        tags = _strings(entry["add_tag"], table, "add_tag", reporter)
        actions_ok = actions_ok and tags is not None
        add_tags = tuple(dict.fromkeys(one_line(tag, 100) for tag in tags or ()))
    ok = ok and actions_ok
    if not any(key in entry for key in MATCH_KEYS):
        reporter.problem(
            table, None, f"has no condition: give at least one of {', '.join(MATCH_KEYS)}"
        )
        ok = False
    if actions_ok and not (any(flags.values()) or add_tags):
        reporter.problem(
            table, None, "does nothing: set hide, read, star or notify = true, or add_tag"
        )
        ok = False
    if not ok:
        return None
    return Rule(
        name=one_line(name, 100),
        conditions=tuple(conditions),
        add_tags=add_tags,
        line=reporter.line_of(table),
        **flags,
    )


def _strings(value: Any, table: str, key: str, reporter: Reporter) -> list[str] | None:
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list) or not all(isinstance(item, str) for item in items):
        reporter.problem(
            table, key, f"expected a string or an array of strings, got {value!r}"[:200]
        )
        return None
    if not items or not all(item.strip() for item in items):
        reporter.problem(table, key, "empty string: give the words or /regex/ to match")
        return None
    return items


def load_rules(config: Config) -> tuple[Rule, ...]:
    """The rules of *config*: validated by the config loader once
    ``EXTRA_TABLES["rules"]`` is registered, else read here from its file.
    Raises ``ConfigError`` for a bad rule."""
    from tui.core.config import ConfigError, Reporter

    if "rules" in config.extra:
        return config.extra["rules"]
    if config.path is None or not config.path.is_file():
        return ()
    import tomllib

    text = config.path.read_text("utf-8-sig")
    data = tomllib.loads(text)
    if "rules" not in data:
        return ()
    reporter = Reporter(config.path, text)
    rules = validate_rules(data["rules"], reporter)
    if reporter.problems:
        raise ConfigError("\n".join(reporter.problems))
    return rules


# ------------------------------------------------------- testing and notices


@dataclass(slots=True)
class RuleMatches:
    """What one rule matches in the store: how many stories, newest first
    examples."""

    rule: Rule
    count: int = 0
    examples: list[Story] = field(default_factory=list)


def test_rules(store: Store, rules: Sequence[Rule], *, examples: int = 5) -> list[RuleMatches]:
    """Run every rule over every story of the configured feeds (with its
    text), for ``digest rules --test``. Reads in batches, newest first."""
    feeds = {feed.id: feed for feed in store.feeds()}
    results = [RuleMatches(rule) for rule in rules]
    if not rules or not feeds:
        return results
    with store.db.reading() as conn:
        cursor = conn.execute(
            "SELECT s.id, s.feed_id, s.uid, s.title, s.author, s.link, s.published, s.read, "
            "s.starred, s.summary, s.content FROM stories s JOIN feeds f ON f.id = s.feed_id "
            "WHERE f.in_config = 1 ORDER BY s.published DESC, s.id DESC"
        )
        while rows := cursor.fetchmany(500):
            for row in rows:
                _test_row(row, feeds, results, examples)
    return results


test_rules.__test__ = False  # type: ignore[attr-defined]  # not a pytest test


def _test_row(row: Any, feeds: dict[int, Feed], results: list[RuleMatches], examples: int) -> None:
    from tui.core.store.rows import from_ts

    feed = feeds[row["feed_id"]]
    story = Story(
        uid=row["uid"],
        title=row["title"],
        published=from_ts(row["published"]),  # type: ignore[arg-type]
        link=row["link"],
        author=row["author"],
        summary=row["summary"],
        content=row["content"],
        id=row["id"],
        feed_id=row["feed_id"],
        feed_title=feed.display_title,
        read=bool(row["read"]),
        starred=bool(row["starred"]),
    )
    for result in results:
        if result.rule.matches(story, feed):
            result.count += 1
            if len(result.examples) < examples:
                result.examples.append(story)


def notification_line(items: Sequence[tuple[Story, Outcome]], *, limit: int = 3) -> str | None:
    """One line for ``digest refresh --notify`` (and a toast): how many new
    stories matched a notifying rule, per rule, and the first titles. None
    when nothing is to be announced."""
    chosen = [(story, outcome) for story, outcome in items if outcome.notify]
    if not chosen:
        return None
    per_rule: dict[str, int] = {}
    for _story, outcome in chosen:
        for name in outcome.notify:
            per_rule[name] = per_rule.get(name, 0) + 1
    rules = ", ".join(f"{one_line(name, 40)} ({count})" for name, count in per_rule.items())
    titles = "; ".join(one_line(story.title, 80) for story, _ in chosen[:limit])
    more = f"; +{len(chosen) - limit} more" if len(chosen) > limit else ""
    noun = "story" if len(chosen) == 1 else "stories"
    return f"{len(chosen)} new {noun} for {rules}: {titles}{more}"
