"""Ledger files: exporting the corrections ledger, and reading one back with checks.

An imported ledger is checked twice before anything is appended: each line must be a
well-formed correction (one bad line imports nothing), and what the entries name must be
in this corpus. A ledger exported from another corpus names reports and actors this one
lacks; applied here it would quietly change whatever happens to share an id, so it is
refused with the list of what is missing unless the analyst says ``force``.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from workbench.errors import CorrectionError
from workbench.resolve import corrections

#: The fields an exported entry keeps.
EXPORT_FIELDS = ("uuid", "time", "author", "reason", "kind", "payload")
#: How many unknown ids an error message lists before "and N more".
SHOWN = 5


def export_lines(ledger: Iterable[Mapping[str, Any]]) -> str:
    """The ledger as JSON lines, one entry per line."""
    lines = [json.dumps({k: e[k] for k in EXPORT_FIELDS}, ensure_ascii=False) for e in ledger]
    return "".join(line + "\n" for line in lines)


def read_entries(path: str | Path) -> list[dict[str, Any]]:
    """The entries of a JSON-lines ledger file, each checked as a correction; raises
    :class:`CorrectionError` naming the file (and line) on the first bad one."""
    path = Path(path)
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise CorrectionError(f"{path}: cannot read corrections: {exc.strerror}") from None
    except UnicodeDecodeError as exc:
        raise CorrectionError(
            f"{path}: not UTF-8 text (byte {exc.start}); export it again"
        ) from None
    entries = []
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            e = json.loads(line)
            if not isinstance(e, dict) or not isinstance(e.get("payload"), dict):
                raise ValueError("one JSON object per line, with a payload object")
            if e.get("time") is not None:
                pd.Timestamp(e["time"])  # raises ValueError for a time that is not one
            e["payload"] = corrections.check(e["kind"], e["payload"])
            uuid.UUID(e["uuid"])
        except (ValueError, KeyError, TypeError, CorrectionError) as exc:
            raise CorrectionError(f"{path}:{n}: not a correction entry ({exc})") from None
        entries.append(e)
    return entries


def references(entries: Iterable[Mapping[str, Any]]) -> dict[str, set[str]]:
    """The report, actor and place ids that ``entries`` name, by kind of target.

    Examples
    --------
    >>> found = references([{"kind": "merge_actors", "payload": {"actors": ["a", {"id": "b"}]}},
    ...                     {"kind": "reject_mention", "payload": {"report_id": "r1"}}])
    >>> {k: sorted(v) for k, v in found.items()}
    {'reports': ['r1'], 'actors': ['a', 'b'], 'places': [], 'events': []}
    """
    out: dict[str, set[str]] = {"reports": set(), "actors": set(), "places": set(), "events": set()}
    added = {str(e["payload"].get("event_id")) for e in entries if e["kind"] == "add_event"}
    for e in entries:
        p = e["payload"]
        if "report_id" in p:
            out["reports"].add(str(p["report_id"]))
        if e["kind"] in _EVENT_KINDS:  # names actors and places by what the event is given
            if p.get("event_id") and str(p["event_id"]) not in added:
                out["events"].add(str(p["event_id"]))
            continue
        if "place" in p:
            out["places"].add(_ref(p["place"]))
        for key in ("actor", "into"):
            if key in p and e["kind"] not in ("add_mention", "set_canonical"):
                out["actors"].add(_ref(p[key]))
        out["actors"].update(_ref(a) for a in p.get("actors", []))
    return out


def unknown(
    entries: Iterable[Mapping[str, Any]], tables: Mapping[str, pd.DataFrame]
) -> dict[str, list[str]]:
    """What ``entries`` name that the corpus ``tables`` (automatic or corrected) lack.

    Examples
    --------
    >>> t = {"reports": pd.DataFrame({"report_id": ["r1"]}),
    ...      "actors": pd.DataFrame({"actor_id": ["a"]}),
    ...      "places": pd.DataFrame({"place_id": []})}
    >>> unknown([{"kind": "merge_actors", "payload": {"actors": ["a", "b"]}}], t)
    {'actors': ['b']}
    """
    known = {
        "reports": set(tables["reports"].report_id),
        "actors": set(tables["actors"].actor_id),
        "places": set(tables["places"].place_id),
        "events": set(tables["events"].event_id) if "events" in tables else set(),
    }
    named = references(entries)
    return {k: sorted(named[k] - known[k]) for k in named if named[k] - known[k]}


def describe_unknown(path: str | Path, missing: Mapping[str, list[str]]) -> str:
    """One line: what an imported ledger names that this corpus lacks, and what to do."""
    parts = []
    for what, ids in missing.items():
        more = f" and {len(ids) - SHOWN} more" if len(ids) > SHOWN else ""
        parts.append(f"{len(ids)} {what} ({', '.join(ids[:SHOWN])}{more})")
    return (
        f"{path}: names what this corpus lacks: {'; '.join(parts)}; nothing imported. "
        "Is it another corpus's ledger? Ingest its reports first, or import anyway with "
        "--force (the entries are kept as stale until their targets appear)"
    )


_EVENT_KINDS = ("edit_event", "reject_event", "add_event")


def _ref(value: Any) -> str:
    """An id as the ledger stores it: a plain id, or ``{"id": ..., "name": ...}``."""
    return str(value.get("id") if isinstance(value, Mapping) else value)
