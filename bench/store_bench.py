"""Benchmark the corpus store: cold ingest vs unchanged re-run, and correction latency.

Usage::

    .venv/bin/python bench/store_bench.py [--n 2000] [--fake] [--corrections 200]

Corpora: (a) the seeds folder, (b) ``--n`` reports synthesised from the seed texts
(paragraphs reordered, numbers and days varied, a serial line added so that every text
is distinct). Tagging uses the real pipeline unless it cannot load (or ``--fake``), in
which case a regex tagger stands in and the results say so. Writes
``bench/results/store.md`` and prints it.
"""

from __future__ import annotations

import argparse
import random
import re
import shutil
import statistics
import sys
import time
from pathlib import Path

import pandas as pd

from workbench import config, schema
from workbench.corpus import Store

RESULTS = Path(__file__).resolve().parent / "results" / "store.md"
WORK = config.BUILD_DIR / "bench-store"
_NAME = re.compile(r"[A-Z][a-z]+(?: [A-Z][a-z]+)*")
_DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


def regex_tagger(reports: pd.DataFrame, *, nlp=None, progress=False) -> pd.DataFrame:
    """Stand-in tagger: capitalised phrases as actor mentions (cheap, no model)."""
    rows = [
        {"report_id": rid, "sentence_id": 0, "start": m.start(), "end": m.end(),
         "text": m.group(), "kind": "actor", "label": "ACTOR", "source": "regex"}
        for rid, body in zip(reports.report_id, reports.body, strict=True)
        for m in _NAME.finditer(body)
    ]  # fmt: skip
    return schema.conform(rows, "mentions")


def regex_resolver(reports: pd.DataFrame, mentions: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """Stand-in resolver to go with :func:`regex_tagger`: one actor per surface form."""
    m = mentions.assign(entity_id=mentions.text.str.lower(), canonical=mentions.text)
    actors = m.groupby("entity_id").agg(
        canonical=("text", "first"), n_mentions=("text", "size"), n_reports=("report_id", "nunique")
    )
    actors = actors.reset_index().rename(columns={"entity_id": "actor_id"})
    return {"mentions": m, "actors": schema.conform(actors, "actors")}


def synthesise(seeds: pd.DataFrame, out: Path, n: int) -> Path:
    """Write ``n`` distinct report files varied from the seed reports (any format)."""
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    rng = random.Random(4)
    texts = list(zip(seeds.title.fillna("Report"), seeds.body, strict=True))
    for i in range(n):
        title, body = texts[i % len(texts)]
        paragraphs = body.split("\n\n")
        head, rest = paragraphs[:2], paragraphs[2:]
        rng.shuffle(rest)
        body = "\n\n".join(head + rest)
        body = re.sub(r"\b\d+\b", lambda m: str(int(m.group()) + rng.randint(0, 9)), body)
        body = re.sub("|".join(_DAYS), lambda m: rng.choice(_DAYS), body)
        serial = f"Field note {i}: compiled by desk {rng.randint(1, 40)}."
        (out / f"{i:05d}.txt").write_text(
            f"{title} ({i})\n\n{body}\n\n{serial}\n", encoding="utf-8"
        )
    return out


def ingest_twice(corpus: Path, store_path: Path, *, fake: bool) -> dict:
    """Cold ingest into a fresh store, then an unchanged re-run (a fresh process's view)."""
    for f in store_path.parent.glob(store_path.name + "*"):
        f.unlink()
    kwargs = {"tagger": regex_tagger, "resolver": regex_resolver} if fake else {}
    nlp = None
    if not fake:
        from workbench.nlp.pipeline import load_pipeline

        t = time.perf_counter()
        nlp = load_pipeline()
        load = time.perf_counter() - t
    with Store.open(store_path, **kwargs) as store:
        t = time.perf_counter()
        counts = store.ingest(corpus, nlp=nlp, progress=False)
        cold = time.perf_counter() - t + (0 if fake else load)
    with Store.open(store_path, **kwargs) as store:
        t = time.perf_counter()
        again = store.ingest(corpus, progress=False)
        warm = time.perf_counter() - t
    assert again["tagged"] == 0, again
    return {"reports": counts["read"], "cold": cold, "warm": warm, "ratio": cold / warm}


def correction_latency(store_path: Path, n: int, *, fake: bool) -> dict:
    """Median and p95 milliseconds per ``correct()``: mention-level and actor-level."""
    kwargs = {"tagger": regex_tagger, "resolver": regex_resolver} if fake else {}
    out = {}
    with Store.open(store_path, **kwargs) as store:
        t = time.perf_counter()
        tables = store.tables()
        out["first tables() (resolve + materialise)"] = [(time.perf_counter() - t) * 1000]
        mentions = tables["mentions"].sample(n, random_state=1, replace=True)
        actors = tables["actors"].actor_id.sample(n, random_state=2, replace=True).tolist()
        stage1, stage2 = [], []
        for i, actor in enumerate(actors):
            t = time.perf_counter()
            store.correct("set_actor_type", actor=actor, actor_type=schema.ACTOR_TYPES[i % 8])
            stage2.append((time.perf_counter() - t) * 1000)
        for row in mentions.itertuples():
            t = time.perf_counter()
            store.correct("relabel", report_id=row.report_id, start=row.start, end=row.end, text=row.text,
                          label="CHECKED")  # fmt: skip
            stage1.append((time.perf_counter() - t) * 1000)
        t = time.perf_counter()
        store.tables()
        out["tables() after mention corrections (re-resolve)"] = [(time.perf_counter() - t) * 1000]
        out["correct(): actor-level (set_actor_type)"] = stage2
        out["correct(): mention-level (relabel)"] = stage1
        t = time.perf_counter()
    out["close() (materialise + backup)"] = [(time.perf_counter() - t) * 1000]
    t = time.perf_counter()
    with Store.open(store_path, **kwargs) as store:
        store.tables()
    out["open + tables() in a new session (materialised)"] = [(time.perf_counter() - t) * 1000]
    return {k: (statistics.median(v), sorted(v)[int(0.95 * (len(v) - 1))], len(v))
            for k, v in out.items()}  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=2000, help="reports in the synthetic corpus")
    ap.add_argument("--fake", action="store_true", help="use the regex tagger, not spaCy")
    ap.add_argument("--corrections", type=int, default=200)
    args = ap.parse_args(argv)
    fake = args.fake
    if not fake:
        try:
            from workbench.nlp.pipeline import load_pipeline

            load_pipeline()
        except Exception as exc:  # noqa: BLE001 - any failure means: fall back and say so
            print(f"real pipeline unavailable ({exc}); using the regex tagger", file=sys.stderr)
            fake = True
    from workbench.read.reports import read_reports

    seeds = read_reports(config.SEEDS_DIR).reports
    WORK.mkdir(parents=True, exist_ok=True)
    rows = [("seeds", ingest_twice(config.SEEDS_DIR, WORK / "seeds.duckdb", fake=fake))]
    corpus = synthesise(seeds, WORK / f"synthetic-{args.n}", args.n)
    rows.append((f"synthetic {args.n}", ingest_twice(corpus, WORK / "synthetic.duckdb", fake=fake)))
    latency = correction_latency(WORK / "synthetic.duckdb", args.corrections, fake=fake)
    tagger = "regex stand-in tagger and resolver (NOT spaCy)" if fake else "real spaCy pipeline"
    lines = [
        "# Store benchmark",
        "",
        f"`bench/store_bench.py --n {args.n}`; tagging: {tagger}; {len(seeds)} seed reports; "
        f"{time.strftime('%Y-%m-%d %H:%M')}.",
        "",
        "| corpus | reports | cold ingest (s) | unchanged re-run (s) | speed-up |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    for name, r in rows:
        lines.append(f"| {name} | {r['reports']} | {r['cold']:.2f} | {r['warm']:.3f} | "
                     f"{r['ratio']:.0f}x |")  # fmt: skip
    lines += ["", "| operation | median ms | p95 ms | n |", "| --- | ---: | ---: | ---: |"]
    for name, (median, p95, n) in latency.items():
        lines.append(f"| {name} | {median:.1f} | {p95:.1f} | {n} |")
    lines += [
        "",
        "Cold ingest includes loading the pipeline; the re-run is a new `Store.open` that",
        "reads the files again, finds every report cached and loads no model.",
    ]
    text = "\n".join(lines) + "\n"
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(text, encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
