"""Whole-process cost: ``workbench extract`` against bare spaCy, with and without events.

Usage::

    .venv/bin/python bench/process.py ../shared/corpus/dev [--copies 1 4] [--rounds 3]

Each round runs, one after the other (so all see the same machine state):

* **bare spaCy**: a fresh Python that does ``spacy.load(model)`` and ``nlp.pipe`` over the
  same texts (title and body, as the workbench tags them), read from a JSON file;
* **workbench extract**: ``workbench extract FOLDER --format jsonl`` (reading, tagging with
  our components, events, corpus resolution, writing);
* **extract, no events**: the same command with the event step switched off
  (``tag`` without ``doc_events``), which is what events cost.

Every process runs under ``/usr/bin/time -v``; the medians of wall time and peak RSS over
the rounds are reported, with the ratios. ``--copies`` repeats the corpus (each copy's
texts made distinct by a serial line) to show how cost grows with corpus size. Writes
``bench/results/process.md`` and prints it.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from workbench.config import model_name
from workbench.read.reports import read_reports

RESULTS = Path(__file__).resolve().parent / "results" / "process.md"
BIN = Path(sys.executable).parent

BARE = """
import json, sys, spacy
nlp = spacy.load(sys.argv[1])
texts = json.load(open(sys.argv[2]))
n = sum(len(doc) for doc in nlp.pipe(texts, batch_size=32))
"""
NO_EVENTS = """
import sys
import workbench.nlp.tagging as tagging
from workbench import schema
from workbench.cli import main

def tag(reports, *, nlp=None, progress=False):
    tagged = tagging._tag(reports, nlp=nlp, progress=progress, events=False)
    return {**tagged, "events_raw": schema.empty("events_raw")}

tagging.tag = tag
sys.exit(main(sys.argv[1:]))
"""


def timed(command: list[str]) -> tuple[float, float]:
    """Wall seconds and peak RSS (MiB) of one whole process."""
    run = subprocess.run(
        ["/usr/bin/time", "-v", *command], capture_output=True, text=True, check=True
    )
    wall = re.search(r"Elapsed \(wall clock\) time.*: (?:(\d+):)?(\d+):([\d.]+)", run.stderr)
    h, m, s = (float(x) if x else 0.0 for x in wall.groups())
    rss = re.search(r"Maximum resident set size \(kbytes\): (\d+)", run.stderr)
    return h * 3600 + m * 60 + s, int(rss.group(1)) / 1024


def corpus_copies(corpus: Path, copies: int, into: Path) -> Path:
    """``copies`` copies of the corpus's text files, each text made distinct."""
    into.mkdir(parents=True)
    for k in range(copies):
        for path in sorted(corpus.glob("*.txt")):
            text = path.read_text(encoding="utf-8")
            (into / f"{k:02d}_{path.name}").write_text(f"{text.rstrip()}\n\n(copy {k})\n")
    return into


def measure(folder: Path, model: str, rounds: int, tmp: Path) -> dict:
    reports, _ = read_reports(folder)
    pairs = zip(reports.title.fillna(""), reports.body, strict=True)
    texts = [f"{t}\n\n{b}" if t else b for t, b in pairs]
    texts_file = tmp / f"{folder.name}.json"
    texts_file.write_text(json.dumps(texts))
    out = str(tmp / "out.jsonl")
    extract = ["extract", str(folder), "--format", "jsonl", "--out", out]
    commands = {
        "bare spaCy": [sys.executable, "-c", BARE, model, str(texts_file)],
        "workbench extract": [str(BIN / "workbench"), *extract],
        "extract, no events": [sys.executable, "-c", NO_EVENTS, *extract],
    }
    runs: dict[str, list[tuple[float, float]]] = {name: [] for name in commands}
    for _ in range(rounds):
        for name, command in commands.items():
            runs[name].append(timed(command))
    chars = sum(len(t) for t in texts)
    return {
        "reports": len(reports),
        "chars": chars,
        **{
            name: (statistics.median(w for w, _ in r), statistics.median(m for _, m in r))
            for name, r in runs.items()
        },
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("corpus", type=Path, help="a folder of .txt reports")
    ap.add_argument("--copies", type=int, nargs="+", default=[1, 4])
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--model", help="spaCy model (default: configured)")
    args = ap.parse_args()
    model = model_name(args.model)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for copies in args.copies:
            folder = corpus_copies(args.corpus, copies, Path(tmp) / f"x{copies}")
            rows.append(measure(folder, model, args.rounds, Path(tmp)))
    lines = [
        f"# Whole-process cost on {args.corpus} (model {model}, median of {args.rounds} "
        "interleaved rounds, `/usr/bin/time -v`)",
        "",
        "| reports | chars | bare spaCy | workbench extract | extract, no events "
        "| extract / bare | events add | peak RSS bare / extract |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        bare, full, plain = r["bare spaCy"], r["workbench extract"], r["extract, no events"]
        lines.append(
            f"| {r['reports']} | {r['chars']:,} | {bare[0]:.2f} s | {full[0]:.2f} s "
            f"| {plain[0]:.2f} s | {full[0] / bare[0]:.2f}x | {full[0] / plain[0] - 1:+.1%} "
            f"| {bare[1]:.0f} / {full[1]:.0f} MiB |"
        )
    report = "\n".join(lines) + "\n"
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(report)
    print(report)


if __name__ == "__main__":
    main()
