"""Accuracy benchmark: the workbench against bare spaCy on a gold-annotated corpus.

Usage::

    python bench/accuracy.py ../shared/corpus/dev [--scorer ../shared/tools/score_extraction.py]

Runs both extractors over the corpus with the same model in the same process, scores
each with the corpus's scorer, prints the two score tables side by side with tokens/s
for each, and writes them to ``bench/results/accuracy.md``.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import spacy

from workbench.config import model_name
from workbench.nlp.pipeline import load_pipeline
from workbench.nlp.tagging import tag_reports
from workbench.read.reports import read_reports
from workbench.resolve.scorer import scorer_records
from workbench.resolve.tables import resolve

RESULTS = Path(__file__).parent / "results" / "accuracy.md"
ROUNDS = 3


def bare_spacy_records(reports, nlp) -> list[dict]:
    """The baseline: ORG/NORP spans as actors, GPE/LOC/FAC spans as places."""
    out = []
    for report, doc in zip(reports.itertuples(), nlp.pipe(reports.body.tolist()), strict=True):
        actors, places = {}, {}
        for ent in doc.ents:
            target = actors if ent.label_ in ("ORG", "NORP") else places
            if ent.label_ in ("ORG", "NORP", "GPE", "LOC", "FAC"):
                target.setdefault(ent.text, []).append(ent.text)
        out.append(
            {
                "file": Path(report.path).name,
                "actors": [{"canonical": k, "type": "other", "mentions": [k]} for k in actors],
                "locations": [{"name": k, "country": None, "mentions": [k]} for k in places],
                "events": [],
            }
        )
    return out


def score(scorer: Path, gold: Path, records: list[dict]) -> tuple[str, dict]:
    with tempfile.TemporaryDirectory() as tmp:
        pred, summary = Path(tmp) / "pred.jsonl", Path(tmp) / "summary.json"
        pred.write_text("".join(json.dumps(r) + "\n" for r in records))
        run = [sys.executable, str(scorer), str(gold), str(pred), "--json", str(summary)]
        text = subprocess.run(run, capture_output=True, text=True, check=True).stdout
        return text, json.loads(summary.read_text())


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("corpus", type=Path, help="folder of reports with gold.jsonl")
    ap.add_argument("--scorer", type=Path, help="score_extraction.py (default: ../tools/)")
    ap.add_argument("--model", help="spaCy model (default: configured)")
    args = ap.parse_args()
    scorer = args.scorer or args.corpus.parent.parent / "tools" / "score_extraction.py"
    reports, _ = read_reports(args.corpus)

    bare = spacy.load(model_name(args.model))
    nlp = load_pipeline(args.model)
    texts = [f"{t}\n\n{b}" for t, b in zip(reports.title.fillna(""), reports.body, strict=True)]
    n_tokens = sum(len(d) for d in bare.tokenizer.pipe(texts))
    base = bare_spacy_records(reports, bare)  # also warms the model up
    resolve(reports, tag_reports(reports, nlp=nlp))  # warms up places and dates
    t_bare = t_tag = 0.0
    for _ in range(ROUNDS):  # interleaved, so both see the same machine state
        t0 = time.perf_counter()
        list(bare.pipe(texts))
        t_bare += time.perf_counter() - t0
        t0 = time.perf_counter()
        mentions = tag_reports(reports, nlp=nlp)
        t_tag += time.perf_counter() - t0
    t0 = time.perf_counter()
    ours = scorer_records(resolve(reports, mentions))
    t_resolve = time.perf_counter() - t0

    gold = args.corpus / "gold.jsonl"
    text_base, s_base = score(scorer, gold, base)
    text_ours, s_ours = score(scorer, gold, ours)
    rows = [
        ("actors F1", s_base["actors"]["f1"], s_ours["actors"]["f1"]),
        ("actors precision", s_base["actors"]["p"], s_ours["actors"]["p"]),
        ("actors recall", s_base["actors"]["r"], s_ours["actors"]["r"]),
        ("alias grouping", s_base["alias_grouping"], s_ours["alias_grouping"]),
        ("actor type accuracy", s_base["actor_type_accuracy"], s_ours["actor_type_accuracy"]),
        ("locations F1", s_base["locations"]["f1"], s_ours["locations"]["f1"]),
        ("location country acc", s_base["location_country_accuracy"],
         s_ours["location_country_accuracy"]),
    ]  # fmt: skip
    speed = [
        f"- bare `nlp.pipe`: {ROUNDS * n_tokens / t_bare:,.0f} tokens/s",
        f"- workbench tagging (`tag_reports`): {ROUNDS * n_tokens / t_tag:,.0f} tokens/s "
        f"= **{t_bare / t_tag:.2f}x** bare spaCy",
        f"- corpus resolution (`resolve`: places, dates, actors, relations): "
        f"{t_resolve * 1000:,.0f} ms for {len(reports)} reports",
    ]
    lines = [
        f"# Accuracy on {args.corpus} ({len(reports)} reports, {n_tokens} tokens, "
        f"model {nlp.meta['name']})",
        "",
        "| measure | bare spaCy | workbench |",
        "|---|---|---|",
        *(f"| {name} | {a:.3f} | {b:.3f} |" for name, a, b in rows),
        "",
        f"Speed on the same texts in the same process, {ROUNDS} interleaved rounds:",
        "",
        *speed,
        "",
        "Workbench scorer output:",
        "",
        "```",
        text_ours.strip(),
        "```",
    ]  # fmt: skip
    report = "\n".join(lines) + "\n"
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(report)
    print(report)


if __name__ == "__main__":
    main()
