"""The digest written out: Markdown for mail and notes, one standalone HTML
page, JSON for scripts (``digest digest --format md|html|json``).

Entries carry text as feeds wrote it (see :mod:`tui.core.digest.entries`),
so this is where it is made safe to print. Every feed-derived string goes
through :func:`tui.core.sanitize.one_line` first (no escape sequences, bidi
overrides or control characters in any format), then through the escaping
its format needs: Markdown punctuation backslash-escaped, so that a title
cannot open a link, an image, emphasis or raw HTML; HTML escaped, with
links only to http(s) addresses (:func:`tui.core.urls.safe_web_url`) and a
Content-Security-Policy that forbids scripts anyway; JSON written by
:func:`tui.core.sanitize.json_dumps`.

The JSON document follows a versioned schema (``SCHEMA_VERSION``), written
out in the README and pinned by ``tests/digest/digest_export.schema.json``:
a field is added only with a new version.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Sequence
from datetime import UTC, datetime

from tui.core.digest.entries import Entry, FigureGroup, Source
from tui.core.figures import format_value
from tui.core.models import Figure, FigureKind
from tui.core.sanitize import clean, json_dumps, markdown_link_target, markdown_literal, one_line
from tui.core.urls import safe_web_url

SCHEMA_VERSION = 1
WINDOW_NAMES = {"today": "Today", "week": "This week"}
UNTITLED = "(untitled)"
_KINDS = frozenset(kind.value for kind in FigureKind)

# ------------------------------------------------------------------ shared


def _when(moment: datetime) -> str:
    """A time as every export shows it: "2026-11-23 09:00 UTC"."""
    return f"{moment.astimezone(UTC):%Y-%m-%d %H:%M} UTC"


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds")


def heading(window: str, generated: datetime) -> str:
    """The digest's title: "Digest: Today, 2026-11-23"."""
    name = WINDOW_NAMES.get(window, window)
    return f"Digest: {name}, {generated.astimezone(UTC):%Y-%m-%d}"


def title_of(entry: Entry) -> str:
    """The entry's title on one clean line."""
    return one_line(entry.title) or UNTITLED


def headline_text(entry: Entry) -> str | None:
    """The headline figure as a row shows it: "27M users", "$2.5bn"."""
    if entry.headline is None:
        return None
    noun = one_line(entry.headline.noun)
    value = one_line(format_value(entry.headline))
    return f"{value} {noun}" if noun else value


def _kind_class(kind: str) -> str:
    """A figure kind usable as a CSS class: one of the known kinds, else "other"."""
    return kind if kind in _KINDS else "other"


def _count(number: int, word: str, plural: str | None = None) -> str:
    return f"{number} {word if number == 1 else plural or word + 's'}"


def _summary(entries: Sequence[Entry]) -> str:
    ranked = entries[0].of if entries else 0
    shown = _count(len(entries), "entry", "entries")
    if ranked > len(entries):
        return f"{shown}, best first, of {ranked} ranked"
    return f"{shown}, best first" if entries else "no entries"


def _value_feeds(group: FigureGroup) -> list[tuple[str, list[str]]]:
    """Each distinct value of a figure group with the feeds that state it."""
    return [
        (
            text,
            list(dict.fromkeys(one_line(v.feed_title) for v in group.values if v.text == text)),
        )
        for text in group.distinct
    ]


# ---------------------------------------------------------------- Markdown

# Backslash-escaped wherever they appear: what can open a link or image
# ([ ] and so ! and ( )), emphasis (* _ ~), code (`), raw HTML and
# autolinks (< >), a table cell (|), a heading's closing run (#), and the
# escape itself. An & is escaped only where it would start an entity.


def md_text(text: str | None) -> str:
    """Feed text as literal Markdown on one line (see :func:`markdown_literal`)."""
    return markdown_literal(one_line(text))


def _md_source(source: Source, entry_title: str) -> str:
    feed = md_text(source.feed_title) or "(unnamed feed)"
    link = safe_web_url(source.link)
    line = f"- [{feed}]({markdown_link_target(link)})" if link else f"- {feed}"
    line += f" · {_when(source.published)}"
    own = one_line(source.title)
    if own and own != entry_title:
        line += f" · {md_text(own)}"
    return line


def _md_figure(group: FigureGroup) -> str:
    label = md_text(group.label)
    if group.conflict:
        parts = [
            f"{md_text(text)} ({md_text(', '.join(feeds))})" for text, feeds in _value_feeds(group)
        ]
        return f"- {label}: {' vs '.join(parts)} (sources disagree)"
    return f"- {label}: {', '.join(md_text(text) for text in group.distinct)}"


def to_markdown(entries: Sequence[Entry], *, window: str, generated: datetime) -> str:
    """The digest as Markdown for an e-mail or a notes app: a heading per
    entry (rank and title), its headline figure, its sources (feed linked
    to the story, time, the source's own title when it differs) and its
    figures, conflicting values side by side."""
    lines = [
        f"# {heading(window, generated)}",
        "",
        f"{_summary(entries)}; generated {_when(generated)}",
    ]
    for entry in entries:
        title = title_of(entry)
        lines += ["", f"## {entry.rank}. {md_text(title)}", ""]
        facts = []
        headline = headline_text(entry)
        if headline:
            facts.append(f"**{md_text(headline)}**")
        facts.append(_count(len(entry.sources), "source"))
        if entry.read:
            facts.append("read")
        lines += [" · ".join(facts), ""]
        lines += [_md_source(source, title) for source in entry.sources]
        if entry.figures:
            lines += ["", "Figures:", ""]
            lines += [_md_figure(group) for group in entry.figures]
    return "\n".join(lines) + "\n"


# -------------------------------------------------------------------- HTML

_CSS = """
:root { color-scheme: light dark; --bg: #fbfbf8; --fg: #1d1d1b; --muted: #5f5f5a;
  --card: #ffffff; --rule: #e3e3dc; --link: #0b57d0;
  --money: #fde68a; --percent: #bfdbfe; --count: #bbf7d0; --measure: #e9d5ff;
  --multiple: #fecaca; --duration: #fed7aa; --rank: #c7d2fe; --other: #e5e7eb; }
@media (prefers-color-scheme: dark) {
  :root { --bg: #151513; --fg: #e8e8e2; --muted: #a3a39b; --card: #1e1e1b;
    --rule: #33332e; --link: #8ab4f8;
    --money: #6b5310; --percent: #1e3a8a; --count: #14532d; --measure: #4c1d95;
    --multiple: #7f1d1d; --duration: #7c2d12; --rank: #312e81; --other: #3f3f46; }
}
body { background: var(--bg); color: var(--fg); margin: 0 auto; max-width: 46rem;
  padding: 1.5rem 1rem; font: 16px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; }
header p, .meta, .sources, .why { color: var(--muted); font-size: 0.92rem; }
a { color: var(--link); }
.entry { background: var(--card); border: 1px solid var(--rule); border-radius: 8px;
  padding: 0.8rem 1rem; margin: 1rem 0; }
.entry.read { opacity: 0.75; }
.entry h2 { font-size: 1.15rem; margin: 0 0 0.3rem; }
.rank { color: var(--muted); font-variant-numeric: tabular-nums; margin-right: 0.3rem; }
.headline { margin: 0.2rem 0 0.5rem; }
ul { margin: 0.3rem 0; padding-left: 1.2rem; }
mark.figure { color: inherit; border-radius: 3px; padding: 0 0.15em; background: var(--other); }
mark.money { background: var(--money); } mark.percent { background: var(--percent); }
mark.count { background: var(--count); } mark.measure { background: var(--measure); }
mark.multiple { background: var(--multiple); } mark.duration { background: var(--duration); }
mark.rank { background: var(--rank); }
.conflict .note { font-style: italic; color: var(--muted); }
"""

# Nothing in the page may run or load anything: inline styles only.
_CSP = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'"


def _h(text: str | None) -> str:
    """Feed text for HTML: sanitised onto one line, then escaped."""
    return html.escape(one_line(text), quote=True)


def _mark(text: str, kind: str) -> str:
    return f'<mark class="figure {_kind_class(kind)}">{_h(text)}</mark>'


def _title_figures(entry: Entry) -> list[Figure]:
    """The figures found in the title the entry shows, to highlight there."""
    story = next((s.story_id for s in entry.sources if s.title == entry.title), None)
    if story is None:
        return []
    found = [
        value.figure
        for group in entry.figures
        for value in group.values
        if value.story_id == story and value.figure.source == "title"
    ]
    if entry.headline is not None and entry.headline_story == story:
        found.append(entry.headline)
    return [figure for figure in found if entry.title[figure.start : figure.end] == figure.text]


def _fold(text: str) -> str:
    return re.sub(r"\s+", " ", clean(text))


def html_title(entry: Entry) -> str:
    """The entry's title as HTML, its figures marked by kind. Offsets point
    into the raw title, so it is cut at the figures first and each piece
    sanitised and escaped on its own."""
    if not one_line(entry.title):
        return html.escape(UNTITLED)
    pieces: list[str] = []
    at = 0
    for figure in sorted(set(_title_figures(entry)), key=lambda f: (f.start, -f.end)):
        if figure.start < at:
            continue  # overlaps a figure already marked
        pieces.append(html.escape(_fold(entry.title[at : figure.start]), quote=True))
        pieces.append(
            f'<mark class="figure {_kind_class(figure.kind)}">'
            f"{html.escape(_fold(figure.text), quote=True)}</mark>"
        )
        at = figure.end
    pieces.append(html.escape(_fold(entry.title[at:]), quote=True))
    return "".join(pieces).strip()


def _html_source(source: Source, entry_title: str) -> str:
    feed = _h(source.feed_title) or "(unnamed feed)"
    link = safe_web_url(source.link)
    if link:
        feed = f'<a href="{html.escape(link, quote=True)}" rel="noopener noreferrer nofollow">{feed}</a>'
    when = f'<time datetime="{_iso(source.published)}">{_when(source.published)}</time>'
    own = one_line(source.title)
    rest = f" · {_h(own)}" if own and own != entry_title else ""
    return f"<li>{feed} · {when}{rest}</li>"


def _html_figure(group: FigureGroup) -> str:
    label = f'<span class="label">{_h(group.label)}</span>'
    if group.conflict:
        parts = [
            f"{_mark(text, group.kind)} ({_h(', '.join(feeds))})"
            for text, feeds in _value_feeds(group)
        ]
        note = ' <span class="note">sources disagree</span>'
        return f'<li class="conflict">{label}: {" vs ".join(parts)}{note}</li>'
    values = ", ".join(_mark(text, group.kind) for text in group.distinct)
    return f"<li>{label}: {values}</li>"


def _html_entry(entry: Entry) -> list[str]:
    title = one_line(entry.title)
    state = "read" if entry.read else "unread"
    lines = [
        f'<article class="entry {state}" id="entry-{entry.id}" data-rank="{entry.rank}">',
        f'<h2><span class="rank">{entry.rank}.</span> {html_title(entry)}</h2>',
    ]
    facts = []
    if entry.headline is not None:
        noun = _h(entry.headline.noun)
        mark = _mark(format_value(entry.headline), entry.headline.kind)
        facts.append(f"{mark} {noun}" if noun else mark)
    facts.append(_count(len(entry.sources), "source"))
    lines.append(f'<p class="headline">{" · ".join(facts)}</p>')
    lines.append('<ul class="sources">')
    lines += [_html_source(source, title) for source in entry.sources]
    lines.append("</ul>")
    if entry.figures:
        lines.append('<ul class="figures">')
        lines += [_html_figure(group) for group in entry.figures]
        lines.append("</ul>")
    why = entry.explain()
    lines.append(f'<details class="why"><summary>Why: {_h(why[0])}</summary><ul>')
    lines += [f"<li>{_h(line)}</li>" for line in why[1:]]
    lines.append("</ul></details>")
    lines.append("</article>")
    return lines


def to_html(entries: Sequence[Entry], *, window: str, generated: datetime) -> str:
    """The digest as one standalone HTML file: inline CSS (light and dark
    by ``prefers-color-scheme``), figures in ``<mark class="figure KIND">``,
    sources linked, the ranking explained in a ``<details>`` per entry. No
    script, no external resource."""
    title = html.escape(heading(window, generated))
    lines = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{_CSP}">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        '<meta name="color-scheme" content="light dark">',
        '<meta name="referrer" content="no-referrer">',
        f"<title>{title}</title>",
        f"<style>{_CSS}</style>",
        "</head>",
        "<body>",
        f"<header><h1>{title}</h1>",
        f'<p class="meta">{html.escape(_summary(entries))}; generated '
        f'<time datetime="{_iso(generated)}">{_when(generated)}</time></p></header>',
        "<main>",
    ]
    for entry in entries:
        lines += _html_entry(entry)
    lines += ["</main>", "</body>", "</html>"]
    return "\n".join(lines) + "\n"


# -------------------------------------------------------------------- JSON


def _number(value: float | None) -> float | int | None:
    """27000000 rather than 27000000.0."""
    if value is not None and float(value).is_integer() and abs(value) < 2**53:
        return int(value)
    return value


def _headline_data(entry: Entry) -> dict[str, object] | None:
    figure = entry.headline
    if figure is None:
        return None
    return {
        "text": one_line(format_value(figure)),
        "value": _number(figure.value),
        "kind": one_line(figure.kind),
        "unit": one_line(figure.unit) or None,
        "noun": one_line(figure.noun) or None,
        "story_id": entry.headline_story,
    }


def entry_data(entry: Entry) -> dict[str, object]:
    """One entry as the JSON export writes it (see the module docstring)."""
    return {
        "id": entry.id,
        "title": title_of(entry),
        "rank": entry.rank,
        "score": round(entry.score, 3),
        "published": _iso(entry.published),
        "read": entry.read,
        "headline": _headline_data(entry),
        "sources": [
            {
                "feed": one_line(source.feed_title),
                "title": one_line(source.title) or UNTITLED,
                "link": safe_web_url(source.link),
                "published": _iso(source.published),
                "story_id": source.story_id,
                "read": source.read,
            }
            for source in entry.sources
        ],
        "figures": [
            {
                "label": one_line(group.label),
                "kind": one_line(group.kind),
                "values": [
                    {
                        "text": one_line(value.text),
                        "feed": one_line(value.feed_title),
                        "story_id": value.story_id,
                    }
                    for value in group.values
                ],
                "conflict": group.conflict,
            }
            for group in entry.figures
        ],
        "why": [one_line(line) for line in entry.explain()],
    }


def as_data(entries: Sequence[Entry], *, window: str, generated: datetime) -> dict[str, object]:
    """The JSON export as Python data: ``version``, ``window``,
    ``generated``, ``ranked`` (how many entries the window ranked, of which
    ``entries`` are the best)."""
    return {
        "version": SCHEMA_VERSION,
        "window": window,
        "generated": _iso(generated),
        "ranked": entries[0].of if entries else 0,
        "entries": [entry_data(entry) for entry in entries],
    }


def to_json(entries: Sequence[Entry], *, window: str, generated: datetime) -> str:
    """The digest as JSON for scripts, terminal-safe (:func:`json_dumps`)."""
    return json_dumps(as_data(entries, window=window, generated=generated), indent=2) + "\n"


RENDERERS: dict[str, Callable[..., str]] = {"md": to_markdown, "html": to_html, "json": to_json}


def render(
    entries: Sequence[Entry], format: str, *, window: str, generated: datetime | None = None
) -> str:
    """The digest in *format* (``md``, ``html`` or ``json``); *generated*
    defaults to now."""
    if format not in RENDERERS:
        raise ValueError(f"unknown digest format {format!r}: use md, html or json")
    moment = generated or datetime.now(UTC)
    return RENDERERS[format](entries, window=window, generated=moment)
