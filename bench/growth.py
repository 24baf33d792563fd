"""Growth: whole-process cost as one report grows and as the corpus grows, against spaCy.

Usage::

    .venv/bin/python bench/growth.py [--paragraphs 100 1000 10000] [--reports 100 1000]

Each case is made by ``bench/corpus.py`` (seed 0): one report of P paragraphs, or a
corpus of R reports. For each, one after the other under ``/usr/bin/time -v``:

* **bare spaCy**: a fresh Python doing ``spacy.load(model)`` and ``nlp.pipe`` over the texts
  the workbench hands spaCy (headline and body; a long body in the same pieces of
  ``PIECE_CHARS`` characters, as spaCy takes no text over a million);
* **workbench extract**: ``workbench extract FOLDER --format jsonl`` (reading, tagging,
  events, resolution, writing).

Linear growth shows as a steady *workbench s per 100k characters* down each table and a
steady ratio to bare spaCy. Writes ``bench/results/growth.md`` and ``growth.json`` (with
the machine it ran on) and prints the table.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import tempfile
from pathlib import Path

from corpus import generate, long_report, write
from process import BARE, BIN, timed

from workbench.config import SEEDS_DIR, model_name
from workbench.read.reports import read_reports

RESULTS = Path(__file__).resolve().parent / "results"


def spacy_texts(folder: Path) -> list[str]:
    """The texts ``workbench extract`` hands ``nlp.pipe`` for the reports in ``folder``."""
    from workbench.nlp.tagging import PIECE_CHARS, split_text

    reports, _ = read_reports(folder)
    out = []
    for title, body in zip(reports.title.fillna(""), reports.body, strict=True):
        for i, (_, piece) in enumerate(split_text(body, PIECE_CHARS)):
            out.append(f"{title}\n\n{piece}" if title and i == 0 else piece)
    return out


def measure(folder: Path, model: str, rounds: int, tmp: Path) -> dict:
    """Median wall seconds and peak RSS of bare spaCy and ``workbench extract`` on ``folder``."""
    texts = spacy_texts(folder)
    texts_file = tmp / f"{folder.name}.json"
    texts_file.write_text(json.dumps(texts))
    commands = {
        "bare": [sys.executable, "-c", BARE, model, str(texts_file)],
        "workbench": [
            str(BIN / "workbench"),
            *("extract", str(folder), "--format", "jsonl", "--out", str(tmp / "out.jsonl")),
        ],
    }
    runs: dict[str, list[tuple[float, float]]] = {name: [] for name in commands}
    for _ in range(rounds):
        for name, command in commands.items():
            runs[name].append(timed(command))
    row = {"chars": sum(len(t) for t in texts), "pieces": len(texts)}
    for name, r in runs.items():
        row[f"{name}_s"] = statistics.median(w for w, _ in r)
        row[f"{name}_rss_mib"] = statistics.median(m for _, m in r)
    return row


def machine() -> dict:
    """What the figures were measured on."""
    import spacy

    return {
        "machine": platform.machine(),
        "processor": platform.processor() or platform.machine(),
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "spacy": spacy.__version__,
        "system": platform.platform(),
    }


def table(rows: list[dict], what: str) -> list[str]:
    lines = [
        f"| {what} | characters | bare spaCy | workbench extract | workbench / bare "
        "| workbench s per 100k chars | peak RSS bare / workbench |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        lines.append(
            f"| {r['size']:,} | {r['chars']:,} | {r['bare_s']:.1f} s | {r['workbench_s']:.1f} s "
            f"| {r['workbench_s'] / r['bare_s']:.2f}x | {1e5 * r['workbench_s'] / r['chars']:.2f} "
            f"| {r['bare_rss_mib']:.0f} / {r['workbench_rss_mib']:.0f} MiB |"
        )
    return lines


def render(results: dict) -> str:
    """The Markdown page for ``results`` (what ``growth.json`` holds)."""
    lines = [
        "# Growth: whole-process cost against report length and corpus size "
        f"(model {results['model']})",
        "",
        f"Written by `bench/growth.py` on {results['processor']}, {results['cpus']} CPUs, "
        f"Python {results['python']}, spaCy {results['spacy']}; median of "
        f"{results['rounds']} round(s), each process under `/usr/bin/time -v`; texts made "
        "by `bench/corpus.py` (seed 0) from the seeds.",
        "",
        "One report of N paragraphs (the seeds' paragraphs, about 40 words each):",
        "",
        *table(results["paragraphs"], "paragraphs"),
        "",
        "A corpus of N reports (about 240 words each):",
        "",
        *table(results["reports"], "reports"),
        "",
        "Bare spaCy is `spacy.load` + `nlp.pipe` over the same texts in the same pieces; "
        "both columns include starting Python and loading the model, which is why the "
        "seconds per 100k characters fall as the text grows: what is linear shows as that "
        "figure levelling off, not climbing. A report is tagged in pieces of 100,000 "
        "characters, and `nlp.pipe` takes up to 32 of them in one batch, so peak memory "
        "grows with a long report's length up to 32 pieces, in both columns alike.",
    ]
    return "\n".join(lines) + "\n"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--paragraphs", type=int, nargs="*", default=[100, 1000, 10000])
    ap.add_argument("--reports", type=int, nargs="*", default=[100, 1000])
    ap.add_argument("--rounds", type=int, default=1)
    ap.add_argument("--model", help="spaCy model (default: configured)")
    ap.add_argument("--render", action="store_true", help="only rewrite growth.md from growth.json")
    args = ap.parse_args()
    if args.render:
        report = render(json.loads((RESULTS / "growth.json").read_text()))
        (RESULTS / "growth.md").write_text(report)
        print(report)
        return
    model = model_name(args.model)
    results: dict = {"model": model, "rounds": args.rounds, **machine()}
    results |= {"paragraphs": [], "reports": []}
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        # warm-up: caches the workbench builds on first use (the place gazetteer) are made
        # here, not inside the first measured run
        timed([str(BIN / "workbench"), "extract", str(SEEDS_DIR / "000_d02af4319f79bde9.txt")])
        for n in args.paragraphs:
            folder = write([long_report(n)], tmp / f"long-{n}")
            results["paragraphs"].append({"size": n, **measure(folder, model, args.rounds, tmp)})
            print(results["paragraphs"][-1], file=sys.stderr)
        for n in args.reports:
            folder = write(generate(n), tmp / f"corpus-{n}")
            results["reports"].append({"size": n, **measure(folder, model, args.rounds, tmp)})
            print(results["reports"][-1], file=sys.stderr)
    report = render(results)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "growth.md").write_text(report)
    (RESULTS / "growth.json").write_text(json.dumps(results, indent=2) + "\n")
    print(report)


if __name__ == "__main__":
    main()
