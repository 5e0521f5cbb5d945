"""``digest metrics [SUBJECT]``: the tracked metrics and their history.

A figure with a subject and a noun ("HarmonyOS · users · 27M") is an
observation of a metric; the store keeps every observation, even after
retention removed its story. This lists them: a table for people (latest
value, change since the previous value, sparkline, how many observations),
JSON for scripts, or CSV with one row per observation for a spreadsheet.
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from tui.cli.common import CliError, get_config, open_store

if TYPE_CHECKING:  # the digest is imported when a command runs, not for --help
    from tui.core.digest import MetricSeries, Observation

HELP = "list tracked metrics and their history (SUBJECT to filter; --format table|json|csv)"
FORMATS = ("table", "json", "csv")
CSV_COLUMNS = (
    "key",
    "subject",
    "noun",
    "kind",
    "observed",
    "value",
    "text",
    "unit",
    "feed",
    "title",
    "link",
    "story_id",
)
# Cells a spreadsheet would run as a formula when they start with one of these.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """``SUBJECT`` and ``--format``."""
    parser.add_argument(
        "subject",
        metavar="SUBJECT",
        nargs="?",
        help='only the metrics of this subject ("Apple Inc." finds Apple, case ignored)',
    )
    parser.add_argument(
        "--format",
        choices=FORMATS,
        default="table",
        help="table for people (default), json for scripts, csv with one row per observation",
    )


def run(args: argparse.Namespace) -> int:
    """Record the metrics of stories not grouped yet, then list them."""
    from tui.core import digest
    from tui.core.sanitize import one_line
    from tui.core.store import StoreError

    subject = one_line(args.subject) if args.subject is not None else None
    if subject == "" and args.subject is not None:
        raise CliError("SUBJECT is empty: give a name such as Apple, or leave it out", exit_code=2)
    config = get_config(args, required=False)
    store = open_store(args, config if config.feeds else None)
    try:
        with store:
            digest.ensure_grouped(store, window_hours=config.settings.group_window_hours)
            series = digest.metric_series(store, subject)
    except StoreError as error:
        raise CliError(str(error)) from None
    if not series:
        message = f"no tracked metrics for {subject}" if subject else "no tracked metrics yet"
        if not subject:
            message += ": figures with a subject and a noun become metrics ('digest refresh')"
        if args.format == "table":
            print(message[:1].upper() + message[1:] + ".")
            return 0
        print(f"digest: {message}", file=sys.stderr)
    if args.format == "json":
        _print_json(series)
    elif args.format == "csv":
        _print_csv(series)
    else:
        _print_table(series)
    return 0


def _print_table(series: list[MetricSeries]) -> None:
    from tui.core.sanitize import one_line

    rows = []
    for metric in series:
        latest = metric.observations[-1]
        rows.append(
            (
                one_line(metric.label, 48),
                one_line(f"{latest.text} ({latest.observed:%Y-%m-%d})"),
                metric.sparkline(),
                str(len(metric.observations)),
                one_line(metric.change() or "", 60),
            )
        )
    header = ("METRIC", "LATEST", "TREND", "N", "CHANGE")
    widths = [max(len(header[i]), *(len(row[i]) for row in rows)) for i in range(4)]
    print("  ".join(h.ljust(w) for h, w in zip(header, widths, strict=False)) + "  CHANGE")
    for row in rows:
        cells = [row[0].ljust(widths[0]), row[1].ljust(widths[1]), row[2].ljust(widths[2])]
        cells.append(row[3].rjust(widths[3]))
        print("  ".join(cells) + (f"  {row[4]}" if row[4] else ""))
    count = sum(len(metric.observations) for metric in series)
    print(
        f"{len(series)} metric{'s' if len(series) != 1 else ''}, "
        f"{count} observation{'s' if count != 1 else ''}"
    )


def _observation_data(observation: Observation) -> dict[str, object]:
    from tui.core.sanitize import one_line
    from tui.core.urls import safe_web_url

    return {
        "observed": observation.observed.isoformat(timespec="seconds"),
        "value": _number(observation.value),
        "text": one_line(observation.text),
        "unit": one_line(observation.unit) or None,
        "feed": one_line(observation.feed),
        "title": one_line(observation.title),
        "link": safe_web_url(observation.link),
        "story_id": observation.story_id,
    }


def _print_json(series: list[MetricSeries]) -> None:
    from tui.core.sanitize import json_dumps, one_line

    payload = {
        "metrics": [
            {
                "key": one_line(metric.key),
                "subject": one_line(metric.subject),
                "noun": one_line(metric.noun),
                "kind": one_line(metric.kind),
                "change": metric.change(),
                "observations": [_observation_data(o) for o in metric.observations],
            }
            for metric in series
        ]
    }
    sys.stdout.write(json_dumps(payload, indent=2) + "\n")


def _cell(text: str | None) -> str:
    """Feed text as a CSV cell: one clean line, and a leading ``'`` where a
    spreadsheet would otherwise read a formula (=, +, -, @)."""
    from tui.core.sanitize import one_line

    line = one_line(text)
    return "'" + line if line.startswith(_FORMULA_START) else line


def _print_csv(series: list[MetricSeries]) -> None:
    import csv

    writer = csv.writer(sys.stdout, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for metric in series:
        for o in metric.observations:
            data = _observation_data(o)
            writer.writerow(
                (
                    _cell(metric.key),
                    _cell(metric.subject),
                    _cell(metric.noun),
                    metric.kind,
                    data["observed"],
                    data["value"],
                    data["text"],
                    data["unit"] or "",
                    _cell(o.feed),
                    _cell(o.title),
                    data["link"] or "",
                    "" if o.story_id is None else o.story_id,
                )
            )


def _number(value: float) -> float | int:
    """27000000 rather than 27000000.0."""
    return int(value) if float(value).is_integer() and abs(value) < 2**53 else value
