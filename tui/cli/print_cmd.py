"""``digest print``: stories from the store as JSON or Markdown, for
scripts, mail and pipes."""

from __future__ import annotations

import argparse
import re
from datetime import UTC, datetime, timedelta

from tui.cli.common import CliError, get_config, open_store
from tui.core.models import Figure, Story
from tui.core.sanitize import json_dumps, markdown_link_target, markdown_literal, one_line

HELP = "print stories as JSON or Markdown (--unread, --since 2d, --tag, --limit)"
_SINCE = re.compile(r"^\s*(\d+)\s*([mhdw])\s*$")
_UNITS = {"m": "minutes", "h": "hours", "d": "days", "w": "weeks"}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of ``digest print``."""
    parser.add_argument("--format", choices=("json", "md"), default="md", help="output format")
    parser.add_argument("--unread", action="store_true", help="only unread stories")
    parser.add_argument(
        "--since", metavar="AGE", help="only stories newer than AGE: 30m, 12h, 2d, 1w"
    )
    parser.add_argument("--tag", metavar="T", help="only stories of feeds tagged T")
    parser.add_argument(
        "--limit", metavar="N", type=int, default=100, help="at most N stories (default 100)"
    )


def parse_since(text: str, now: datetime) -> datetime:
    """``2d`` → the moment two days before *now*."""
    match = _SINCE.match(text)
    if not match:
        raise CliError(f"--since {text!r}: use a number and m, h, d or w, e.g. 2d", exit_code=2)
    return now - timedelta(**{_UNITS[match.group(2)]: int(match.group(1))})


def run(args: argparse.Namespace) -> int:
    """Print the matching stories, newest first."""
    from tui.core.store import StoryQuery

    if args.limit is not None and args.limit < 1:
        raise CliError("--limit must be at least 1", exit_code=2)
    since = parse_since(args.since, datetime.now(UTC)) if args.since else None
    config = get_config(args, required=False)
    store = open_store(args, config if config.feeds else None)
    try:
        query = StoryQuery(unread_only=args.unread, since=since, tag=args.tag, limit=args.limit)
        stories = store.stories(query)
        figures = {story.id: store.figures(story.id) for story in stories if story.id is not None}
    finally:
        store.close()
    if args.format == "json":
        print(
            json_dumps(
                {"stories": [_story_json(s, figures.get(s.id, [])) for s in stories]}, indent=2
            )
        )
    else:
        print(to_markdown(stories, figures))
    return 0


def _story_json(story: Story, figures: list[Figure]) -> dict[str, object]:
    return {
        "id": story.id,
        "feed": one_line(story.feed_title),
        "title": one_line(story.title),
        "link": story.link,
        "published": story.published.isoformat() if story.published else None,
        "read": story.read,
        "starred": story.starred,
        "figures": [
            {
                "text": one_line(f.text),
                "value": f.value,
                "kind": str(f.kind),
                "unit": f.unit,
                "noun": f.noun,
                "per": f.per,
                "source": f.source,
                "headline": f == story.headline,
            }
            for f in figures
        ],
    }


def _escape(text: str) -> str:
    return markdown_literal(one_line(text))


def to_markdown(stories: list[Story], figures: dict[int | None, list[Figure]]) -> str:
    """A Markdown digest: one list item per story, figures beneath."""
    if not stories:
        return "No stories."
    lines = [f"# Digest ({len(stories)} stories)", ""]
    for story in stories:
        title = _escape(story.title or "(untitled)")
        head = f"[{title}]({markdown_link_target(story.link)})" if story.link else title
        when = f"{story.published:%Y-%m-%d %H:%M}" if story.published else ""
        flags = "" if story.read else " · unread"
        flags += " · ★" if story.starred else ""
        lines.append(f"- **{head}** — {_escape(story.feed_title or '')} · {when}{flags}")
        found = figures.get(story.id) or []
        if found:
            lines.append("  - figures: " + ", ".join(_escape(f.text) for f in found[:8]))
    return "\n".join(lines)
