"""Incident matching at scale: seconds and candidate pairs at 10k and 100k events.

Usage::

    .venv/bin/python bench/incidents.py [--events 10000 100000] [--rounds 3]

Each case is a synthetic events table (seed 0): happenings in 20 countries over three
years, 200 actors, the five event types of armed conflict; each happening is reported
1-5 times (dates a day apart at most, places a few kilometres apart, one report in ten
with no place, one in five with the actor unknown), as several outlets report one
attack. It times :func:`workbench.resolve.incidents.build_incidents` (median of
``--rounds``), counts the candidate pairs the sweep compares (all pairs would be
n(n-1)/2) and scores the incidents found against the happenings made (pairwise
precision and recall of "same incident"). Near-linear matching shows as a steady
microseconds per event down the table. Writes ``bench/results/incidents.md`` and
``incidents.json`` (with the machine it ran on) and prints the table.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import time
from pathlib import Path

import numpy as np
import pandas as pd

from workbench import schema
from workbench.resolve import incidents

RESULTS = Path(__file__).resolve().parent / "results"
TYPES = ("Battles", "Explosions/Remote violence", "Violence against civilians", "Riots", "Protests")


def synthetic(n_events: int, *, seed: int = 0) -> tuple[pd.DataFrame, pd.DataFrame, np.ndarray]:
    """Events, places and the happening each event reports (the truth)."""
    rng = np.random.default_rng(seed)
    n_happenings = n_events // 3
    copies = rng.integers(1, 6, n_happenings)
    copies = copies[np.cumsum(copies) <= n_events]
    truth = np.repeat(np.arange(len(copies)), copies)
    n = len(truth)
    country = rng.integers(0, 20, len(copies))[truth]
    day = rng.integers(0, 3 * 365, len(copies))[truth] + rng.integers(-1, 2, n)
    lat = rng.uniform(-10, 30, len(copies))[truth] + rng.normal(0, 0.01, n)  # ~1 km
    lon = rng.uniform(0, 50, len(copies))[truth] + rng.normal(0, 0.01, n)
    actor = rng.integers(0, 200, len(copies))[truth].astype(str).astype(object)
    actor[rng.random(n) < 0.2] = schema.UNIDENTIFIED_ID
    family = np.array(TYPES, dtype=object)[rng.integers(0, len(TYPES), len(copies))[truth]]
    place = np.array([f"p{i}" for i in range(n)], dtype=object)
    place[rng.random(n) < 0.1] = None
    events = pd.DataFrame(
        {
            "event_id": [f"e{i:07d}" for i in range(n)],
            "report_id": [f"r{i}" for i in range(n)],
            "actor1_id": actor,
            "event_type": family,
            "country": [f"C{c}" for c in country],
            "place_id": place,
            "date": pd.Timestamp("2021-01-01") + pd.to_timedelta(day, unit="D"),
            "time_precision": 1,
            "geo_precision": 1,
            "confidence": 1.0,
        }
    )
    places = pd.DataFrame(
        {"place_id": [f"p{i}" for i in range(n)], "feature": "city", "latitude": lat,
         "longitude": lon}
    )  # fmt: skip
    return schema.conform(events, "events"), schema.conform(places, "places"), truth


def pairwise(found: np.ndarray, truth: np.ndarray) -> tuple[float, float]:
    """Precision and recall of "these two events are one incident"."""

    def pairs(labels: np.ndarray) -> int:
        counts = np.unique(labels, return_counts=True)[1]
        return int((counts * (counts - 1) // 2).sum())

    both = pairs(found.astype(np.int64) * (truth.max() + 1) + truth)
    return both / max(pairs(found), 1), both / max(pairs(truth), 1)


def measure(n_events: int, rounds: int) -> dict:
    events, places, truth = synthetic(n_events)
    seconds = []
    for _ in range(rounds):
        start = time.perf_counter()
        out = incidents.build_incidents(events, places=places)
        seconds.append(time.perf_counter() - start)
    feats = incidents._features(events, places, None)
    n_pairs = len(incidents._candidates(feats)[0])
    label = {e: k for k, ids in enumerate(out.event_ids) for e in ids}
    precision, recall = pairwise(events.event_id.map(label).to_numpy(), truth)
    n = len(events)
    return {
        "events": n,
        "incidents_made": int(truth.max() + 1),
        "incidents_found": len(out),
        "seconds": round(statistics.median(seconds), 3),
        "us_per_event": round(1e6 * statistics.median(seconds) / n, 1),
        "candidate_pairs": n_pairs,
        "all_pairs": n * (n - 1) // 2,
        "pair_precision": round(precision, 3),
        "pair_recall": round(recall, 3),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    rows = [measure(n, args.rounds) for n in args.events]
    machine = {"platform": platform.platform(), "cpus": os.cpu_count(),
               "python": platform.python_version(), "load": os.getloadavg()[0]}  # fmt: skip
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "incidents.json").write_text(
        json.dumps({"machine": machine, "rows": rows}, indent=2)
    )
    head = "| events | incidents made / found | seconds | µs per event | candidate pairs | all pairs | pair precision | pair recall |"
    lines = [
        "# Incident matching at scale (`bench/incidents.py`)",
        "",
        f"Machine: {machine['platform']}, {machine['cpus']} CPUs, Python {machine['python']}, "
        f"load average {machine['load']:.1f} at the start (other work shared the CPUs).",
        "",
        head,
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        lines.append(
            f"| {r['events']:,} | {r['incidents_made']:,} / {r['incidents_found']:,} | "
            f"{r['seconds']} | {r['us_per_event']} | {r['candidate_pairs']:,} | "
            f"{r['all_pairs']:,} | {r['pair_precision']} | {r['pair_recall']} |"
        )
    text = "\n".join(lines) + "\n"
    (RESULTS / "incidents.md").write_text(text)
    print(text)


if __name__ == "__main__":
    main()
