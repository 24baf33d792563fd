"""How fast does the explorer redraw on a big corpus? Filter + chart data for 20 filter changes.

Synthesises a corpus of 1M mentions (50k reports, 3k actors with a long-tailed
frequency, 2k places, 300k relations), then times ``filter_tables`` and every explorer
chart function for 20 filter changes of the kinds an analyst makes (pick actors, switch
types off, narrow dates, pick an outlet). Writes ``bench/results/filters.md``.

Run: ``.venv/bin/python bench/filter_bench.py [--mentions 1000000]``
"""

from __future__ import annotations

import argparse
import platform
import statistics
import time
from pathlib import Path

import numpy as np
import pandas as pd

from workbench import schema
from workbench.views.filters import filter_tables
from workbench.views.panels import EXPLORER_CHARTS

RESULTS = Path(__file__).parent / "results" / "filters.md"
KINDS = np.array(["actor", "place", "date", "person", "supporter"])
KIND_SHARE = [0.45, 0.3, 0.12, 0.08, 0.05]


def synthesise(n_mentions: int, *, seed: int = 0) -> dict[str, pd.DataFrame]:
    """Corpus tables with ``n_mentions`` mentions, consistent ids and offsets."""
    rng = np.random.default_rng(seed)
    n_reports, n_actors, n_places = n_mentions // 20, 3000, 2000
    report_ids = np.array([f"{i:016x}" for i in range(n_reports)], dtype=object)
    body = "The forces met near the town. " * 20  # 600 characters, 20 sentences of 30
    outlets = np.array([f"Outlet {i}" for i in range(20)], dtype=object)
    published = pd.Timestamp("2022-01-01") + pd.to_timedelta(
        rng.integers(0, 3 * 365, n_reports), "D"
    )
    reports = pd.DataFrame({
        "report_id": report_ids, "title": [f"Report {i}" for i in range(n_reports)],
        "source_outlet": outlets[rng.integers(0, len(outlets), n_reports)],
        "published": published, "body": body, "path": "synthetic",
    })  # fmt: skip
    actor_ids = np.array([f"actor_{i}" for i in range(n_actors)], dtype=object)
    types = np.array(schema.ACTOR_TYPES, dtype=object)
    actor_type = types[rng.integers(0, len(types), n_actors)]
    place_ids = np.array([f"place_{i}" for i in range(n_places)], dtype=object)
    kind = KINDS[rng.choice(len(KINDS), n_mentions, p=KIND_SHARE)]
    zipf_actor = np.minimum(rng.zipf(1.3, n_mentions) - 1, n_actors - 1)
    zipf_place = np.minimum(rng.zipf(1.3, n_mentions) - 1, n_places - 1)
    entity = np.where(np.isin(kind, ["actor", "supporter", "person"]), actor_ids[zipf_actor],
                      place_ids[zipf_place]).astype(object)  # fmt: skip
    days = pd.Timestamp("2022-01-01") + pd.to_timedelta(rng.integers(0, 1000, n_mentions), "D")
    entity = np.where(kind == "date", days.strftime("%Y-%m-%d").to_numpy(dtype=object), entity)
    sentence = rng.integers(0, 20, n_mentions)
    start = sentence * 30 + 4
    is_actor = np.isin(kind, ["actor", "supporter"])
    mentions = pd.DataFrame({
        "report_id": report_ids[rng.integers(0, n_reports, n_mentions)], "sentence_id": sentence,
        "sent_start": sentence * 30, "sent_end": sentence * 30 + 30, "start": start,
        "end": start + 6, "text": "forces", "kind": kind, "label": kind, "entity_id": entity,
        "canonical": entity, "actor_type": np.where(is_actor, actor_type[zipf_actor], None),
        "source": "gazetteer", "confidence": 0.9,
    })  # fmt: skip
    actors = pd.DataFrame({"actor_id": actor_ids, "canonical": [f"Actor {i}" for i in range(n_actors)],
                           "actor_type": actor_type, "n_mentions": 0, "n_reports": 0})  # fmt: skip
    places = pd.DataFrame({"place_id": place_ids, "name": [f"Place {i}" for i in range(n_places)],
                           "latitude": rng.uniform(30, 38, n_places),
                           "longitude": rng.uniform(35, 45, n_places), "resolved": True})  # fmt: skip
    n_rel = int(n_mentions * 0.3)
    src = np.minimum(rng.zipf(1.3, n_rel) - 1, n_actors - 1)
    dst = np.minimum(rng.zipf(1.3, n_rel) - 1, n_actors - 1)
    relations = pd.DataFrame({
        "report_id": report_ids[rng.integers(0, n_reports, n_rel)],
        "sentence_id": rng.integers(0, 20, n_rel), "source_actor": actor_ids[src],
        "target_actor": actor_ids[dst],
        "relation": np.where(rng.random(n_rel) < 0.9, "co_mention", "support"),
        "sentence": "The forces met near the town.",
    })  # fmt: skip
    relations = relations[relations.source_actor != relations.target_actor]
    # extraction emits mentions report by report, in text order: keep that order here too
    mentions = mentions.sort_values(["report_id", "start"], kind="stable", ignore_index=True)
    return {
        "reports": schema.conform(reports, "reports"),
        "mentions": schema.conform(mentions, "mentions"),
        "actors": schema.conform(actors, "actors"),
        "places": schema.conform(places, "places"),
        "dates": schema.empty("dates"),
        "relations": schema.conform(relations, "relations"),
        "events": schema.empty("events"),
    }


def filter_changes(tables: dict[str, pd.DataFrame], n: int = 20, *, seed: int = 1) -> list[dict]:
    """``n`` filter settings of the kinds the explorer's controls produce."""
    rng = np.random.default_rng(seed)
    top = tables["actors"].actor_id.to_numpy()[:200]
    outlets = tables["reports"].source_outlet.unique()
    out = []
    for i in range(n):
        kind = i % 4
        if kind == 0:
            out.append({"actors": list(rng.choice(top, rng.integers(1, 4), replace=False))})
        elif kind == 1:
            out.append({"actor_types": list(rng.choice(schema.ACTOR_TYPES, 6, replace=False))})
        elif kind == 2:
            start = pd.Timestamp("2022-01-01") + pd.Timedelta(days=int(rng.integers(0, 700)))
            out.append(
                {"date_range": (start, start + pd.Timedelta(days=int(rng.integers(30, 365))))}
            )
        else:
            out.append(
                {"outlets": [rng.choice(outlets)], "actor_types": ["rebel_group", "state_force"]}
            )
    return out


def _ms(seconds: list[float]) -> str:
    ordered = sorted(seconds)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return f"{1000 * statistics.median(seconds):.0f} | {1000 * p95:.0f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mentions", type=int, default=1_000_000)
    args = parser.parse_args()
    t0 = time.perf_counter()
    tables = synthesise(args.mentions)
    built = time.perf_counter() - t0
    t0 = time.perf_counter()
    filter_tables(tables, actors=["actor_0"])  # first call: integer codes for every column used
    warm = time.perf_counter() - t0
    timings: dict[str, list[float]] = {
        "filter_tables": [], **{f"chart: {k}": [] for k in EXPLORER_CHARTS},
        "filter + shown chart (Who)": [], "filter + slowest chart": [], "filter + every chart": [],
        "kept mentions": [],
    }  # fmt: skip
    for change in filter_changes(tables):
        start = time.perf_counter()
        filtered = filter_tables(tables, **change)
        timings["filter_tables"].append(time.perf_counter() - start)
        for name, chart in EXPLORER_CHARTS.items():
            t = time.perf_counter()
            chart(filtered)
            timings[f"chart: {name}"].append(time.perf_counter() - t)
        charts_only = [timings[f"chart: {name}"][-1] for name in EXPLORER_CHARTS]
        timings["filter + shown chart (Who)"].append(timings["filter_tables"][-1] + charts_only[0])
        timings["filter + slowest chart"].append(timings["filter_tables"][-1] + max(charts_only))
        timings["filter + every chart"].append(time.perf_counter() - start)
        timings["kept mentions"].append(len(filtered["mentions"]))
    kept = timings.pop("kept mentions")
    lines = [
        "# Explorer redraw on a synthetic corpus",
        "",
        f"Written by `bench/filter_bench.py` on {platform.processor() or platform.machine()}, "
        f"Python {platform.python_version()}, pandas {pd.__version__}.",
        "",
        f"Corpus: {len(tables['mentions']):,} mentions, {len(tables['reports']):,} reports, "
        f"{len(tables['actors']):,} actors, {len(tables['relations']):,} relations "
        f"(built in {built:.1f} s). First filter call (integer codes for the columns it "
        f"uses, once per table): {1000 * warm:.0f} ms.",
        "",
        f"20 filter changes (actors, actor types, date ranges, outlet + types); each kept "
        f"{min(kept):,} to {max(kept):,} mentions (median {int(statistics.median(kept)):,}).",
        "",
        "| step | median ms | p95 ms |",
        "|---|---|---|",
        *[f"| {name} | {_ms(values)} |" for name, values in timings.items()],
        "",
        "A chart's time is building its `go.Figure` from the filtered tables; sending it to "
        "the browser is not included. The explorer shows one chart at a time (picked with "
        "buttons) and redraws only that one, so one filter change costs `filter + shown "
        "chart`; `filter + every chart` is the cost if all six were redrawn at once. Mentions "
        "are in text order (report by report), as extraction emits them.",
        "",
    ]
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text("\n".join(lines), encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
