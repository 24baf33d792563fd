"""Accuracy benchmark: the workbench against bare spaCy on a gold-annotated corpus.

Usage::

    python bench/accuracy.py ../shared/corpus/dev [--scorer ../shared/tools/score_extraction.py]

Runs both extractors over the corpus with the same model in the same process, scores
each with the corpus's scorer, prints the two score tables side by side with tokens/s
for each, and writes them to ``bench/results/accuracy.md``.

The events baseline is a verb-keyword classifier over bare spaCy: every verb or noun
whose lemma is an event trigger in ``workbench/data/events.csv`` is an event of that
row's action, its actor the nearest ORG/NORP/GPE before it in the sentence and its
target the nearest after it. It knows the same lexicon; what it lacks is the parse
(voice, coordination, negation, claims) and actor resolution.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd
import spacy

from workbench.config import DATA_DIR, model_name
from workbench.nlp.pipeline import load_pipeline
from workbench.nlp.tagging import tag
from workbench.read.reports import read_reports
from workbench.resolve.scorer import scorer_records
from workbench.resolve.tables import resolve

RESULTS = Path(__file__).parent / "results" / "accuracy.md"
ROUNDS = 3


def keyword_triggers() -> dict[tuple[str, str], str]:
    """``(lemma, pos) -> action`` for the lexicon rows that name an event by themselves."""
    rows = pd.read_csv(DATA_DIR / "events.csv", comment="#")
    rows = rows[rows.kind.isin(["event", "flexible"]) & rows.pos.isin(["verb", "noun"])]
    return {(r.trigger, r.pos): r.action for r in rows.itertuples()}


def keyword_events(doc, triggers: dict[tuple[str, str], str]) -> list[dict]:
    """The events baseline: a trigger word, the nearest named actor either side."""
    out = []
    for sent in doc.sents:
        actors = [e for e in sent.ents if e.label_ in ("ORG", "NORP", "GPE")]
        for token in sent:
            pos = {"VERB": "verb", "NOUN": "noun"}.get(token.pos_)
            action = triggers.get((token.lemma_.lower(), pos))
            before = [e for e in actors if e.end <= token.i]
            after = [e for e in actors if e.start > token.i]
            if action and before:
                out.append(
                    {
                        "actor": before[-1].text,
                        "action": action,
                        "target": after[0].text if after else None,
                        "location": None,
                        "sentence": sent.text,
                    }
                )
    return out


def keyword_events_on(records: list[dict], docs: list, tables: dict, triggers: dict) -> list:
    """A second baseline: the same keyword events, but on the workbench's own resolved
    actor mentions, so the difference to the workbench is the event method alone."""
    mentions = tables["mentions"]
    actors = mentions[mentions.kind.isin(["actor", "supporter"]) & (mentions.sentence_id >= 0)]
    out = []
    for record, report, doc in zip(records, tables["reports"].itertuples(), docs, strict=True):
        mine = actors[actors.report_id == report.report_id].sort_values("start")
        events = []
        for token in doc:
            pos = {"VERB": "verb", "NOUN": "noun"}.get(token.pos_)
            action = triggers.get((token.lemma_.lower(), pos))
            if not action:
                continue
            same = mine[(mine.sent_start <= token.idx) & (token.idx < mine.sent_end)]
            before, after = same[same.end <= token.idx], same[same.start > token.idx]
            if len(before):
                events.append(
                    {
                        "actor": before.canonical.iloc[-1],
                        "action": action,
                        "target": after.canonical.iloc[0] if len(after) else None,
                        "location": None,
                        "sentence": token.sent.text,
                    }
                )
        out.append({**record, "events": events})
    return out


def bare_spacy_records(reports, nlp) -> list[dict]:
    """The baseline: ORG/NORP spans as actors, GPE/LOC/FAC spans as places, keyword events."""
    out = []
    triggers = keyword_triggers()
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
                "events": keyword_events(doc, triggers),
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
    tagged = tag(reports, nlp=nlp)
    resolve(reports, tagged["mentions"], events_raw=tagged["events_raw"])  # warms up
    t_bare = t_tag = 0.0
    for _ in range(ROUNDS):  # interleaved, so both see the same machine state
        t0 = time.perf_counter()
        list(bare.pipe(texts))
        t_bare += time.perf_counter() - t0
        t0 = time.perf_counter()
        tagged = tag(reports, nlp=nlp)
        t_tag += time.perf_counter() - t0
    t0 = time.perf_counter()
    tables = resolve(reports, tagged["mentions"], events_raw=tagged["events_raw"])
    ours = scorer_records(tables)
    t_resolve = time.perf_counter() - t0

    docs = list(bare.pipe(reports.body.tolist()))
    keyword = keyword_events_on(ours, docs, {**tables, "reports": reports}, keyword_triggers())

    gold = args.corpus / "gold.jsonl"
    text_base, s_base = score(scorer, gold, base)
    text_ours, s_ours = score(scorer, gold, ours)
    _, s_keyword = score(scorer, gold, keyword)
    rows = [
        ("actors F1", s_base["actors"]["f1"], s_ours["actors"]["f1"]),
        ("actors precision", s_base["actors"]["p"], s_ours["actors"]["p"]),
        ("actors recall", s_base["actors"]["r"], s_ours["actors"]["r"]),
        ("alias grouping", s_base["alias_grouping"], s_ours["alias_grouping"]),
        ("actor type accuracy", s_base["actor_type_accuracy"], s_ours["actor_type_accuracy"]),
        ("locations F1", s_base["locations"]["f1"], s_ours["locations"]["f1"]),
        ("location country acc", s_base["location_country_accuracy"],
         s_ours["location_country_accuracy"]),
        ("events (actor+action) F1", s_base["events"]["f1"], s_ours["events"]["f1"]),
        ("events precision", s_base["events"]["p"], s_ours["events"]["p"]),
        ("events recall", s_base["events"]["r"], s_ours["events"]["r"]),
        ("events (actor only) F1", s_base["events_actor_only"]["f1"],
         s_ours["events_actor_only"]["f1"]),
    ]  # fmt: skip
    speed = [
        f"- bare `nlp.pipe`: {ROUNDS * n_tokens / t_bare:,.0f} tokens/s",
        f"- workbench tagging (`tag`: mentions and events): {ROUNDS * n_tokens / t_tag:,.0f} "
        "tokens/s "
        f"= **{t_bare / t_tag:.2f}x** bare spaCy",
        f"- corpus resolution (`resolve`: places, dates, actors, relations, events): "
        f"{t_resolve * 1000:,.0f} ms for {len(reports)} reports",
    ]
    lines = [
        f"# Accuracy on {args.corpus} ({len(reports)} reports, {n_tokens} tokens, "
        f"model {nlp.meta['name']})",
        "",
        "| measure | bare spaCy (+ keyword events) | workbench |",
        "|---|---|---|",
        *(f"| {name} | {a:.3f} | {b:.3f} |" for name, a, b in rows),
        "",
        "Events by the same keyword classifier on the workbench's resolved actor mentions "
        "(the event method alone): "
        f"actor+action F1 {s_keyword['events']['f1']:.3f} "
        f"(P {s_keyword['events']['p']:.3f}, R {s_keyword['events']['r']:.3f}), "
        f"actor only F1 {s_keyword['events_actor_only']['f1']:.3f}.",
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
