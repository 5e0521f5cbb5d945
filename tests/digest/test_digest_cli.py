"""``digest digest`` and ``digest metrics`` as a user runs them: on a real
store, with a feeds.toml, the formats, the filters, the empty store and
bad arguments."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import jsonschema
import lxml.html
import pytest

from tests.digest.helpers import Desk, feed_url, schema
from tui.cli import main
from tui.core import digest
from tui.core.store import Store

FEEDS = {"Ars": 1.0, "The Verge": 2.0, "=Evil": 1.0}


@pytest.fixture
def cli(tmp_path: Path, write_config, monkeypatch: pytest.MonkeyPatch):
    """The arguments that run ``digest`` with this test's feeds.toml and
    store (in a directory without a feeds.toml of its own)."""
    monkeypatch.chdir(tmp_path)
    lines = ["[settings]", "group_window_hours = 72"]
    for name, weight in FEEDS.items():
        lines += [
            "",
            "[[feeds]]",
            f'url = "{feed_url(name)}"',
            f'title = "{name}"',
            f"weight = {weight}",
        ]
    config = write_config("\n".join(lines) + "\n")
    db = tmp_path / "digest.db"

    def run(*args: str) -> list[str]:
        return ["--config", str(config), "--db", str(db), *args]

    return run


@pytest.fixture
def filled(tmp_path: Path) -> Iterator[Desk]:
    """Stories published just now (the CLI ranks against the clock)."""
    store = Store.open(tmp_path / "digest.db")
    desk = Desk(store, FEEDS, now=datetime.now(UTC))
    link = "https://news.example/harmonyos"
    desk.file(
        "Ars",
        "HarmonyOS passes 27 million users",
        "HarmonyOS has 27 million users.",
        hours_ago=3,
        link=f"{link}?utm_source=rss",
    )
    desk.file(
        "The Verge",
        "HarmonyOS now has 27.1 million users",
        "HarmonyOS has 27.1 million users.",
        hours_ago=2,
        link=f"{link}?fbclid=1",
    )
    desk.file("Ars", "Council reviews parking rules", "A review was ordered.", hours_ago=5)
    desk.file("=Evil", "Harbour wall survey published", "Engineers looked.", hours_ago=60)
    desk.file("=Evil", "HarmonyOS grows", "HarmonyOS now has 10 million users.", hours_ago=24 * 400)
    yield desk
    store.close()


def test_digest_prints_todays_ranked_entries_as_markdown(cli, filled, capsys) -> None:
    assert main(cli("digest")) == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert lines[0].startswith("# Digest: Today, ")
    assert lines[2].startswith("2 entries, best first; generated ")
    headings = [line for line in lines if line.startswith("## ")]
    assert headings == [
        "## 1. HarmonyOS now has 27.1 million users",
        "## 2. Council reviews parking rules",
    ]
    assert "- users: 27M (Ars) vs 27.1M (The Verge) (sources disagree)" in lines


def test_week_reaches_back_seven_days_and_today_is_the_default(cli, filled, capsys) -> None:
    assert main(cli("digest", "--week")) == 0
    assert "Harbour wall survey published" in capsys.readouterr().out
    assert main(cli("digest", "--today")) == 0
    assert "Harbour wall survey published" not in capsys.readouterr().out


def test_json_for_scripts_follows_the_schema(cli, filled, capsys) -> None:
    assert main(cli("digest", "--format", "json", "--limit", "1")) == 0
    data = json.loads(capsys.readouterr().out)
    jsonschema.validate(data, schema())
    assert (data["window"], data["ranked"], len(data["entries"])) == ("today", 2, 1)
    assert [s["feed"] for s in data["entries"][0]["sources"]] == ["Ars", "The Verge"]


def test_html_written_to_a_file(cli, filled, capsys, tmp_path) -> None:
    target = tmp_path / "digest.html"
    assert main(cli("digest", "--week", "--format", "html", "--output", str(target))) == 0
    assert capsys.readouterr().out == f"wrote 3 entries to {target}\n"
    doc = lxml.html.document_fromstring(target.read_text(encoding="utf-8"))
    assert len(doc.xpath("//article")) == 3
    assert doc.xpath("//title/text()")[0].startswith("Digest: This week, ")


def test_unread_leaves_out_entries_read_in_any_feed(cli, filled, capsys) -> None:
    stories = {story.title: story.id for story in filled.store.stories()}
    digest.mark_entry_read(filled.store, stories["HarmonyOS passes 27 million users"])
    assert main(cli("digest", "--unread", "--format", "json")) == 0
    titles = [e["title"] for e in json.loads(capsys.readouterr().out)["entries"]]
    assert titles == ["Council reviews parking rules"]


def test_an_empty_store_gets_one_clear_line(cli, capsys) -> None:
    assert main(cli("digest")) == 0
    out, err = capsys.readouterr()
    assert out == "No entries for today: the store has no stories yet (run 'digest refresh').\n"
    assert err == ""
    assert main(cli("digest", "--format", "json")) == 0
    out, err = capsys.readouterr()
    assert json.loads(out)["entries"] == []  # scripts still get a valid document
    assert (
        err == "digest: no entries for today: the store has no stories yet (run 'digest refresh')\n"
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--limit", "0"], "digest: --limit must be at least 1\n"),
        (
            ["--output", "/nonexistent-dir/x.md"],
            "digest: /nonexistent-dir/x.md: No such file or directory\n",
        ),
    ],
)
def test_bad_values_are_one_line_errors(cli, filled, capsys, args, message) -> None:
    code = main(cli("digest", *args))
    assert (code, capsys.readouterr().err) == (2 if "--limit" in args else 1, message)


@pytest.mark.parametrize(
    "args", [["--format", "pdf"], ["--today", "--week"], ["--limit", "many"], ["--bogus"]]
)
def test_bad_arguments_exit_2(cli, capsys, args) -> None:
    with pytest.raises(SystemExit) as raised:
        main(cli("digest", *args))
    assert raised.value.code == 2
    err = capsys.readouterr().err
    assert err.splitlines()[-1].startswith("digest") and ": error: " in err.splitlines()[-1]


# ----------------------------------------------------------------- metrics


def test_metrics_table_shows_latest_change_trend_and_count(cli, filled, capsys) -> None:
    assert main(cli("metrics")) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["METRIC", "LATEST", "TREND", "N", "CHANGE"]
    (harmony,) = [line for line in lines if line.startswith("HarmonyOS · users")]
    latest = filled.now - timedelta(hours=2)
    assert f"27.1M ({latest:%Y-%m-%d})" in harmony
    assert "▁██" in harmony and " 3  " in harmony
    # 27M is the same event (one entry): the change is from the 10M of a year before.
    assert "up from 10M in " in harmony and "+171%" in harmony
    assert lines[-1] == "1 metric, 3 observations"


def test_metrics_json_and_a_subject_filter(cli, filled, capsys) -> None:
    assert main(cli("metrics", "harmonyOS", "--format", "json")) == 0
    (metric,) = json.loads(capsys.readouterr().out)["metrics"]
    assert {k: metric[k] for k in ("key", "subject", "noun", "kind")} == {
        "key": "harmonyos·user·count",
        "subject": "HarmonyOS",
        "noun": "users",
        "kind": "count",
    }
    observed = [(o["text"], o["feed"], o["unit"]) for o in metric["observations"]]
    assert observed == [("10M", "=Evil", None), ("27M", "Ars", None), ("27.1M", "The Verge", None)]
    assert set(metric["observations"][0]) == {
        "observed",
        "value",
        "text",
        "unit",
        "feed",
        "title",
        "link",
        "story_id",
    }
    assert main(cli("metrics", "Nobody", "--format", "json")) == 0
    out, err = capsys.readouterr()
    assert json.loads(out) == {"metrics": []} and err == "digest: no tracked metrics for Nobody\n"


def test_metrics_csv_has_one_row_per_observation_and_no_formulas(cli, filled, capsys) -> None:
    assert main(cli("metrics", "--format", "csv")) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert [(r["text"], r["value"]) for r in rows] == [
        ("10M", "10000000"),
        ("27M", "27000000"),
        ("27.1M", "27100000"),
    ]
    assert rows[0]["feed"] == "'=Evil"  # a spreadsheet would run "=Evil" as a formula
    assert rows[0]["story_id"] and rows[0]["link"].startswith("https://")


def test_metrics_on_an_empty_store_says_so(cli, capsys) -> None:
    assert main(cli("metrics")) == 0
    assert capsys.readouterr().out.startswith("No tracked metrics yet")


def test_metrics_bad_arguments_exit_2(cli, capsys) -> None:
    with pytest.raises(SystemExit) as raised:
        main(cli("metrics", "--format", "xml"))
    assert raised.value.code == 2
    assert main(cli("metrics", "  ")) == 2
    assert capsys.readouterr().err.endswith(
        "digest: SUBJECT is empty: give a name such as Apple, or leave it out\n"
    )


def test_the_installed_command_runs_digest_and_metrics(cli, filled, tmp_path) -> None:
    filled.store.close()
    for command in (["digest", "--format", "json"], ["metrics", "--format", "csv"]):
        result = subprocess.run(
            [sys.executable, "-m", "tui", *cli(*command)],
            capture_output=True,
            text=True,
            timeout=60,
            cwd=tmp_path,
            env=dict(os.environ),
        )
        assert result.returncode == 0, result.stderr
        assert result.stdout.strip()
