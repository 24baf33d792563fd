"""Scaling: 2 tagging workers against 1, an unchanged re-run, and ingest's peak memory.

Usage::

    .venv/bin/python bench/scaling.py [CORPUS] [--reports 200] [--rss 1000 4000]
                                      [--rounds 2] [--dask]

Every figure is a whole process under ``/usr/bin/time -v`` (``bench/process.py``), run
one after the other in the same run, on texts made by ``bench/corpus.py`` (seed 0):

* **workers**: a corpus of ``--reports`` reports through bare spaCy (``spacy.load`` +
  ``nlp.pipe`` over the same texts), ``workbench ingest --workers 1`` and ``--workers 2``
  into fresh stores (tagging and writing), and ``workbench extract --workers 1|2``
  (tagging, then resolution in the main process); with ``--dask``, ``workbench ingest
  --dask`` on a 1- and a 2-worker local cluster too. Median of ``--rounds``, interleaved.
  A worker's time shows in the wall clock only: ``/usr/bin/time`` sees the main process.
* **re-run**: ``workbench ingest CORPUS`` (default: the seeds) into a fresh store, then
  the same command again three times with nothing changed, paired with a bare ``python
  -c pass`` and ``python -c "import pandas, duckdb"`` (what any such process pays).
* **memory**: ``workbench ingest`` of ``--rss`` reports (two sizes) into fresh stores,
  one worker: peak RSS should not grow with the corpus, since files are read, tagged and
  written a batch at a time.

The machine's load average is recorded before and after: other processes on the same
cores make the seconds (not the ratios) worse, and the page says so. Writes
``bench/results/scaling.json`` and ``scaling.md`` and prints the page.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
from pathlib import Path

from corpus import generate, write
from growth import machine, spacy_texts
from process import BARE, BIN, timed

from workbench.config import SEEDS_DIR, model_name

RESULTS = Path(__file__).resolve().parent / "results"


def median_runs(commands: dict[str, list[str]], rounds: int, before=None) -> dict:
    """Median wall seconds and peak RSS (MiB) per command, interleaved over ``rounds``;
    ``before(name)`` runs ahead of each command (e.g. to remove a store)."""
    runs: dict[str, list[tuple[float, float]]] = {name: [] for name in commands}
    for _ in range(rounds):
        for name, command in commands.items():
            if before is not None:
                before(name)
            runs[name].append(timed(command))
    return {
        name: {
            "s": statistics.median(w for w, _ in r),
            "rss_mib": statistics.median(m for _, m in r),
        }
        for name, r in runs.items()
    }


def workers(n: int, rounds: int, model: str, tmp: Path, *, dask: bool) -> dict:
    folder = write(generate(n, seed=0), tmp / f"w{n}")
    texts = spacy_texts(folder)
    (tmp / "texts.json").write_text(json.dumps(texts))
    wb = str(BIN / "workbench")
    stores = {}

    def ingest(name: str, *flags: str) -> list[str]:
        stores[name] = tmp / f"{name.replace(' ', '_')}.duckdb"
        return [wb, "ingest", str(folder), "--store", str(stores[name]), *flags]

    out = str(tmp / "out.jsonl")
    commands = {
        "bare spaCy": [sys.executable, "-c", BARE, model, str(tmp / "texts.json")],
        "ingest, 1 worker": ingest("ingest, 1 worker", "--workers", "1"),
        "ingest, 2 workers": ingest("ingest, 2 workers", "--workers", "2"),
        "extract, 1 worker": [wb, "extract", str(folder), "--format", "jsonl", "--out", out],
        "extract, 2 workers": [
            *(wb, "extract", str(folder), "--format", "jsonl", "--out", out),
            *("--workers", "2"),
        ],
    }
    if dask:
        commands["ingest --dask, 1 worker"] = ingest("dask 1", "--dask", "--workers", "1")
        commands["ingest --dask, 2 workers"] = ingest("dask 2", "--dask", "--workers", "2")

    def fresh(name: str) -> None:
        if name in stores:
            for p in stores[name].parent.glob(stores[name].name + "*"):
                p.unlink()

    row = {"reports": n, "chars": sum(len(t) for t in texts)}
    row.update(median_runs(commands, rounds, before=fresh))
    return row


def rerun(corpus: Path, tmp: Path) -> dict:
    store = tmp / "rerun.duckdb"
    command = [str(BIN / "workbench"), "ingest", str(corpus), "--store", str(store)]
    cold = timed(command)
    again = {
        "unchanged re-run": command,
        "python -c pass": [sys.executable, "-c", "pass"],
        "python -c 'import pandas, duckdb'": [sys.executable, "-c", "import pandas, duckdb"],
    }
    from workbench.read.reports import read_reports

    return {
        "corpus": str(corpus),
        "reports": len(read_reports(corpus)[0]),
        "cold": {"s": cold[0], "rss_mib": cold[1]},
        **median_runs(again, 3),
    }


def memory(sizes: list[int], tmp: Path) -> list[dict]:
    rows = []
    for n in sizes:
        folder = write(generate(n, seed=0), tmp / f"m{n}")
        store = tmp / f"m{n}.duckdb"
        wall, rss = timed([str(BIN / "workbench"), "ingest", str(folder), "--store", str(store)])
        rows.append({"reports": n, "s": wall, "rss_mib": rss})
    return rows


def render(r: dict) -> str:
    load = r["load_before"], r["load_after"]
    busy = load[0] > 0.5 * r["cpus"]  # before: after counts this benchmark's own processes
    w = r["workers"]
    lines = [
        f"# Scaling: workers, re-runs, memory (model {r['model']})",
        "",
        f"Written by `bench/scaling.py` on {r['processor']}, {r['cpus']} CPUs, Python "
        f"{r['python']}, spaCy {r['spacy']}; load average {load[0]:.1f} before, "
        f"{load[1]:.1f} after (its own processes included)"
        + (
            " — **measured under load** (other processes shared these cores): compare the "
            "ratios within a table, not the seconds with other pages."
            if busy
            else "."
        ),
        "",
        f"## 2 workers against 1 ({w['reports']} generated reports, {w['chars']:,} "
        f"characters; median of {r['rounds']})",
        "",
        "| process | wall | peak RSS (main process) | speed-up over 1 worker |",
        "|---|---|---|---|",
    ]
    for name, v in w.items():
        if not isinstance(v, dict):
            continue
        base = w.get(name.replace("2 workers", "1 worker"))
        gain = f"{base['s'] / v['s']:.2f}x" if "2 workers" in name and base else ""
        lines.append(f"| {name} | {v['s']:.1f} s | {v['rss_mib']:.0f} MiB | {gain} |")
    x = r["rerun"]
    lines += [
        "",
        f"## Unchanged re-run ({x['reports']} reports of {x['corpus']}; median of 3)",
        "",
        "| process | wall | peak RSS |",
        "|---|---|---|",
        f"| first ingest (cold) | {x['cold']['s']:.2f} s | {x['cold']['rss_mib']:.0f} MiB |",
    ]
    for name in ("unchanged re-run", "python -c pass", "python -c 'import pandas, duckdb'"):
        lines.append(f"| {name} | {x[name]['s']:.2f} s | {x[name]['rss_mib']:.0f} MiB |")
    lines += [
        "",
        "## Peak memory of `workbench ingest` against corpus size (1 worker)",
        "",
        *(
            [
                "Measured in an earlier run (load average {load_before:.1f} before, "
                "{load_after:.1f} after).".format(**r["memory_from"]),
                "",
            ]
            if "memory_from" in r
            else []
        ),
        "| reports | wall | peak RSS | RSS / smallest |",
        "|---|---|---|---|",
    ]
    first = r["memory"][0]["rss_mib"] if r["memory"] else 1
    for m in r["memory"]:
        lines.append(
            f"| {m['reports']:,} | {m['s']:.0f} s | {m['rss_mib']:.0f} MiB "
            f"| {m['rss_mib'] / first:.2f}x |"
        )
    return "\n".join(lines) + "\n"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("corpus", nargs="?", type=Path, default=SEEDS_DIR, help="for the re-run")
    ap.add_argument("--reports", type=int, default=200, help="corpus size for workers")
    ap.add_argument("--rss", type=int, nargs="*", default=[1000, 4000])
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--dask", action="store_true", help="also ingest --dask (1 and 2 workers)")
    ap.add_argument("--render", action="store_true", help="only rewrite scaling.md")
    ap.add_argument(
        "--keep-memory", action="store_true", help="take the memory rows from scaling.json"
    )
    args = ap.parse_args()
    if args.render:
        page = render(json.loads((RESULTS / "scaling.json").read_text()))
    else:
        model = model_name(None)
        results = {"model": model, "rounds": args.rounds, **machine()}
        results["load_before"] = os.getloadavg()[0]
        with tempfile.TemporaryDirectory() as tmp:
            results["workers"] = workers(
                args.reports, args.rounds, model, Path(tmp), dask=args.dask
            )
            results["rerun"] = rerun(args.corpus, Path(tmp))
            if args.keep_memory:  # measured in an earlier run (said on the page)
                earlier = json.loads((RESULTS / "scaling.json").read_text())
                results["memory"] = earlier["memory"]
                results["memory_from"] = earlier.get("memory_from") or {
                    k: earlier[k] for k in ("load_before", "load_after")
                }
            else:
                results["memory"] = memory(args.rss, Path(tmp))
        results["load_after"] = os.getloadavg()[0]
        (RESULTS / "scaling.json").write_text(json.dumps(results, indent=1) + "\n")
        page = render(results)
    (RESULTS / "scaling.md").write_text(page)
    print(page)


if __name__ == "__main__":
    main()
