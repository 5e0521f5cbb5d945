"""Deterministic stores for the UI tests: a few feeds and stories with
hand-placed figures, a fixed clock, and a failed feed."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from tui.core.config import Config, Settings
from tui.core.models import FeedConfig, FeedState, Figure, Story
from tui.core.store import Store

NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
HOSTILE_TITLE = "[@click=app.quit]Click me[/] [link=file:///etc/passwd]x[/link] [bold red]loud"


def figure(
    text_in: str,
    text: str,
    kind: str,
    value: float,
    *,
    unit=None,
    noun=None,
    per=None,
    source="body",
    occurrence: int = 0,
) -> Figure:
    """A figure at the *occurrence*-th place *text* appears in *text_in*."""
    start = -1
    for _ in range(occurrence + 1):
        start = text_in.index(text, start + 1)
    sentence_start = text_in.rfind(". ", 0, start) + 2 if ". " in text_in[:start] else 0
    sentence_end = text_in.find(".", start + len(text))
    sentence = text_in[sentence_start : sentence_end + 1 if sentence_end >= 0 else None]
    return Figure(
        text=text,
        start=start,
        end=start + len(text),
        value=value,
        kind=kind,
        unit=unit,
        noun=noun,
        per=per,
        sentence=sentence.strip(),
        source=source,
    )


def story(
    uid: str,
    title: str,
    body: str,
    hours_ago: float,
    figures=(),
    *,
    link=None,
    read=False,
    starred=False,
    author=None,
) -> Story:
    made = Story(
        uid=uid,
        title=title,
        published=NOW - timedelta(hours=hours_ago),
        link=link or f"https://example.org/{uid}",
        content=body,
        read=read,
        starred=starred,
        author=author,
        first_seen=NOW,
    )
    made.figures = list(figures)
    made.headline = made.figures[0] if made.figures else None
    return made


HARMONY_BODY = (
    "Huawei says its own **HarmonyOS** now runs on more than 27 million devices. "
    "It also counts over 10 million developers, and about 100,000 devices switch every day.\n\n"
    "The flagship phone has a 6,000mAh battery and costs $999, and sales grew 17% "
    "in the quarter.\n\n"
    "- Screen: 6.8-inch at 120Hz\n- Charging: 3x faster than last year\n"
)
HARMONY_TITLE = "HarmonyOS passes 27 million devices"


def harmony_story() -> Story:
    body = HARMONY_BODY
    return story(
        "harmony",
        HARMONY_TITLE,
        body,
        1,
        [
            figure(HARMONY_TITLE, "27 million", "count", 27e6, noun="devices", source="title"),
            figure(body, "more than 27 million", "count", 27e6, noun="devices"),
            figure(body, "over 10 million", "count", 10e6, noun="developers"),
            figure(body, "about 100,000", "count", 1e5, noun="devices", per="day"),
            figure(body, "6,000mAh", "measure", 6000, unit="mAh", noun="battery"),
            figure(body, "$999", "money", 999, unit="USD"),
            figure(body, "17%", "percent", 17, unit="%", noun="sales"),
            figure(body, "6.8-inch", "measure", 6.8, unit="in", noun="screen"),
            figure(body, "3x", "multiple", 3, unit="x"),
        ],
        author="Demo Desk",
    )


def filler(index: int, hours_ago: float, *, read: bool = False) -> Story:
    body = f"Shipments rose {index % 40 + 2}% to {index * 3} million units in story {index}."
    percent = f"{index % 40 + 2}%"
    return story(
        f"filler-{index}",
        f"Market update number {index}: shipments rise {percent}",
        body,
        hours_ago,
        [figure(body, percent, "percent", index % 40 + 2, unit="%", noun="shipments")],
        read=read,
    )


def build_config(feeds: list[FeedConfig], theme: str = "textual-dark") -> Config:
    return Config(settings=Settings(theme=theme, allow_private=True), feeds=tuple(feeds))


FEEDS = [
    FeedConfig(url="https://phones.example/feed", title="Pocket Signal", tags=("mobile",)),
    FeedConfig(url="https://chips.example/feed", title="Circuit Daily", tags=("hardware",)),
    FeedConfig(url="https://down.example/feed", title="Broken Feed", tags=("hardware",)),
]


def build_store(path: Path, *, fillers: int = 12, hostile: bool = False) -> tuple[Store, Config]:
    """The standard UI-test store: two healthy feeds and one that failed."""
    store = Store.open(path)
    config = build_config(FEEDS)
    store.sync_feeds(config.feeds)
    feeds = {feed.title: feed for feed in store.feeds()}
    phones, chips, broken = feeds["Pocket Signal"], feeds["Circuit Daily"], feeds["Broken Feed"]
    stories = [harmony_story()]
    chip_body = "Foundry's 2nm line reached yields near 60%, backed by a $20bn plan."
    stories.append(
        story(
            "foundry",
            "Foundry starts 2nm production",
            chip_body,
            3,
            [
                figure(chip_body, "60%", "percent", 60, unit="%", noun="yields"),
                figure(chip_body, "$20bn", "money", 20e9, unit="USD"),
                figure(chip_body, "2nm", "measure", 2, unit="nm"),
            ],
            starred=True,
        )
    )
    stories.append(
        story("plain", "A story with no figures at all", "Nothing to count here.", 30, read=True)
    )
    if hostile:
        stories.append(
            story("hostile", HOSTILE_TITLE, "Body with [@click=app.quit]markup[/] inside.", 0.5)
        )
    store.upsert_stories(phones.id, stories[:1] + stories[2:], now=NOW)
    store.upsert_stories(
        chips.id, [stories[1]] + [filler(i, 4 + i) for i in range(fillers)], now=NOW
    )
    store.save_fetch_state(
        broken.id,
        FeedState(
            last_error="connection refused (127.0.0.1:9)", consecutive_failures=3, last_fetch=NOW
        ),
    )
    return store, config


# ------------------------------------------------------------------ digest

DIGEST_FEEDS = [
    FeedConfig(url="https://phones.example/feed", title="Pocket Signal", tags=("mobile",)),
    FeedConfig(url="https://chips.example/feed", title="Circuit Daily", tags=("hardware",)),
    FeedConfig(url="https://east.example/feed", title="Eastbound Tech", tags=("china",)),
]
USERS_EVENT = "HarmonyOS passes {} users"


def users_story(uid: str, title: str, value: str, number: float, hours_ago: float, **kw) -> Story:
    """A HarmonyOS users story whose title states *value* users."""
    body = f"Huawei said on Monday that HarmonyOS now has {value} users, a record for the system."
    return story(
        uid,
        title,
        body,
        hours_ago,
        [
            figure(title, value, "count", number, noun="users", source="title"),
            figure(body, value, "count", number, noun="users"),
        ],
        **kw,
    )


def single(uid: str, title: str, value: str, hours_ago: float) -> Story:
    """A story only one feed carries, with its headline figure in the title."""
    body = f"{title}, the company said. Analysts had expected less."
    return story(uid, title, body, hours_ago, [figure(title, value, "count", 1, source="title")])


def build_digest_store(path: Path) -> tuple[Store, Config]:
    """One event told by two feeds with different values (27M users vs
    27.1M users), the same metric months earlier (10M users), and single-
    source stories around it; grouped and with metric observations
    recorded, as the refresh leaves a store."""
    from tui.core.digest import ensure_grouped

    store = Store.open(path)
    config = build_config(DIGEST_FEEDS)
    store.sync_feeds(config.feeds)
    feeds = {feed.title: feed for feed in store.feeds()}
    store.upsert_stories(
        feeds["Pocket Signal"].id,
        [
            users_story("ps-27", USERS_EVENT.format("27 million"), "27 million", 27e6, 2),
            single("ps-watch", "Smartwatch battery now lasts 14 days", "14 days", 5),
        ],
        now=NOW,
    )
    store.upsert_stories(
        feeds["Circuit Daily"].id,
        [
            users_story(
                "cd-27",
                USERS_EVENT.format("27.1 million") + ", Huawei says",
                "27.1 million",
                27.1e6,
                1,
            ),
            single("cd-ssd", "First 122TB SSD ships to data centres", "122TB", 3),
        ],
        now=NOW,
    )
    store.upsert_stories(
        feeds["Eastbound Tech"].id,
        [
            users_story(
                "eb-10",
                "HarmonyOS crosses 10 million users",
                "10 million",
                10e6,
                24 * 265,
                read=True,
            ),
            single("eb-ev", "EV maker delivers 410,000 cars in a quarter", "410,000", 8),
        ],
        now=NOW,
    )
    ensure_grouped(store, NOW)
    return store, config
