"""The ``workbench`` command line: one subcommand per job.

Each subcommand is a ``_cmd_<name>(args)`` function registered in :func:`_parser`.
Only this module prints; the package functions it calls return plain data.
"""

from __future__ import annotations

import argparse
import sys

from workbench.errors import WorkbenchError


#: Columns the ``read --format table`` view shows (the full table goes to jsonl/csv).
READ_TABLE_COLUMNS = ["path", "format", "title", "dateline_place", "source_outlet", "published"]


def _cmd_read(args: argparse.Namespace) -> int:
    from workbench.reports import read_reports

    reports, problems = read_reports(args.paths, progress=True)
    if args.format == "jsonl":
        if len(reports):
            sys.stdout.write(reports.to_json(orient="records", lines=True, date_format="iso"))
    elif args.format == "csv":
        reports.to_csv(sys.stdout, index=False)
    else:
        with _wide_display():
            print(reports[READ_TABLE_COLUMNS].to_string(index=False, max_colwidth=48))
    _print_problems(problems)
    print(f"{len(reports)} reports read, {len(problems)} problems", file=sys.stderr)
    return 0


def _print_problems(problems) -> None:
    for row in problems.itertuples():
        print(f"skipped {row.path}: {row.reason}", file=sys.stderr)


def _wide_display():
    import pandas as pd

    return pd.option_context("display.width", 200, "display.max_columns", 20)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="workbench", description="Read, tag and chart conflict reports."
    )
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("read", help="read report files or folders and print the reports table")
    p.add_argument("paths", nargs="+", help="files or folders of reports")
    p.add_argument("--format", choices=["table", "jsonl", "csv"], default="table")
    p.set_defaults(func=_cmd_read)

    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; returns the process exit status."""
    args = _parser().parse_args(argv)
    try:
        return args.func(args) or 0
    except WorkbenchError as exc:
        print(f"workbench: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
