"""``digest rules``: list the [[rules]] of feeds.toml, or test them on the store."""

from __future__ import annotations

import argparse

from tui.cli.common import CliError, get_config, open_store

HELP = "list the [[rules]] of feeds.toml; --test shows what each matches in the store"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of ``digest rules``."""
    parser.add_argument(
        "--test", action="store_true", help="run each rule over the stories in the store"
    )
    parser.add_argument(
        "--examples", type=int, default=5, metavar="N", help="stories shown per rule (default 5)"
    )


def run(args: argparse.Namespace) -> int:
    """Print each rule, and with --test how many stories it matches."""
    from tui.core.config import ConfigError
    from tui.core.rules import load_rules, test_rules

    config = get_config(args)
    try:
        rules = load_rules(config)
    except ConfigError as error:
        raise CliError(str(error), exit_code=2) from None
    if not rules:
        print("no [[rules]] in feeds.toml (see the README: Filters and rules)")
        return 0
    if not args.test:
        for number, rule in enumerate(rules, start=1):
            print(f"{number}. {_describe(rule)}")
        return 0
    store = open_store(args, config)
    with store:
        results = test_rules(store, rules, examples=max(args.examples, 0))
    for number, result in enumerate(results, start=1):
        noun = "story" if result.count == 1 else "stories"
        print(f"{number}. {_describe(result.rule)}\n   matches {result.count} {noun}")
        for story in result.examples:
            print(f"   - {_story_line(story)}")
    return 0


def _describe(rule) -> str:  # noqa: ANN001 - a Rule
    from tui.core.sanitize import one_line

    conditions = "; ".join(
        f"{c.key} ~ {', '.join(repr(one_line(s, 40)) for s in c.sources)}" for c in rule.conditions
    )
    actions = [name for name in ("hide", "read", "star", "notify") if getattr(rule, name)]
    actions += [f"add_tag {one_line(tag, 30)!r}" for tag in rule.add_tags]
    where = f" (line {rule.line})" if rule.line else ""
    return f"{one_line(rule.name, 60)}{where}: {conditions} -> {', '.join(actions)}"


def _story_line(story) -> str:  # noqa: ANN001 - a Story
    from tui.core.sanitize import one_line

    day = story.published.strftime("%Y-%m-%d") if story.published else ""
    return f"{day} {one_line(story.title, 70)} · {one_line(story.feed_title, 30)}"
