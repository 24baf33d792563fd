"""Where the time goes: pyinstrument profiles of ``workbench extract``, trimmed, as Markdown.

Usage::

    .venv/bin/python bench/profile_extract.py ../shared/corpus/dev [--paragraphs 1000] [--out FILE]

Profiles one whole ``workbench extract FOLDER --format jsonl`` in this process (imports,
model load, reading, tagging, resolution, writing) for (a) the folder given and (b) one
report of ``--paragraphs`` paragraphs made by ``bench/corpus.py`` (seed 0), and writes the
top of each call tree (frames of at least ``--threshold`` of the run) to
``bench/results/profile.md`` or ``--out``. spaCy's compiled code shows as frames of its own
(``gemm``, ``cinit``) beside the Python ones.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from corpus import long_report, write
from pyinstrument import Profiler

from workbench.cli import main as cli

RESULTS = Path(__file__).resolve().parent / "results" / "profile.md"


def profile(folder: Path, tmp: Path, *, threshold: float, lines: int) -> tuple[float, str]:
    """Seconds and the trimmed text profile of ``workbench extract folder``."""
    profiler = Profiler(interval=0.002)
    profiler.start()
    cli(["extract", str(folder), "--format", "jsonl", "--out", str(tmp / "out.jsonl")])
    session = profiler.stop()
    text = profiler.output_text(
        unicode=True, color=False, processor_options={"filter_threshold": threshold}
    )
    body = [line for line in text.splitlines() if line.strip()]
    start = next(i for i, line in enumerate(body) if line[:1].isdigit())  # the tree's root
    return session.duration, "\n".join(body[start : start + lines])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("corpus", type=Path, help="a folder of reports")
    ap.add_argument("--paragraphs", type=int, default=1000, help="length of the long report")
    ap.add_argument("--threshold", type=float, default=0.015, help="smallest frame shown")
    ap.add_argument("--lines", type=int, default=70, help="lines kept of each tree")
    ap.add_argument("--out", type=Path, default=RESULTS)
    ap.add_argument("--title", default="Where `workbench extract` spends its time")
    args = ap.parse_args()
    sections = []
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        long = write([long_report(args.paragraphs)], tmp / f"long-{args.paragraphs}")
        for name, folder in ((str(args.corpus), args.corpus), (f"{long.name} (one report)", long)):
            seconds, tree = profile(folder, tmp, threshold=args.threshold, lines=args.lines)
            sections += [f"## {name}: {seconds:.1f} s", "", "```", tree, "```", ""]
    report = "\n".join([f"# {args.title}", "", __doc__.split("\n\n")[3].strip(), "", *sections])
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(report)
    print(report)


if __name__ == "__main__":
    main()
