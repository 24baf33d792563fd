"""Incident corrections: merge two incidents, split one, mark "not the same incident".

Each names events by ``event_id`` (``event_ids``, a list), never an incident id: an
incident's id is its smallest event's, which a correction itself may change. Applying
one during a replay only checks that its events are there (else it is ``stale``, and
kept); the incidents are then built from the corrected events with every such entry in
force (:func:`workbench.resolve.incidents.build_incidents`), so a merge or a split
survives a re-run and a new report whose event joins the incident.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

import pandas as pd

from workbench.errors import CorrectionError
from workbench.resolve import incidents
from workbench.resolve.edits import Replay, Stale

#: The ``replay.tables`` key of the incidents built from a replay (dropped when the
#: replay changes, rebuilt on the next read).
TABLE = "incidents"


def check_payload(kind: str, payload: dict) -> dict:
    """``payload`` with ``event_ids`` as a list of distinct ids, or :class:`CorrectionError`.

    Examples
    --------
    >>> check_payload("merge_incidents", {"event_ids": ["a", "b", "a"]})
    {'event_ids': ['a', 'b']}
    >>> check_payload("merge_incidents", {"event_ids": ["a"]})
    Traceback (most recent call last):
    ...
    workbench.errors.CorrectionError: merge_incidents: name at least two events (event_ids)
    """
    ids = payload.get("event_ids")
    ids = [ids] if isinstance(ids, str) else ids
    if not isinstance(ids, (list, tuple)) or not all(isinstance(e, str) and e.strip() for e in ids):
        raise CorrectionError(f"{kind}: event_ids must be a list of event ids")
    ids = list(dict.fromkeys(e.strip() for e in ids))
    if len(ids) < (1 if kind == "split_incident" else 2):
        raise CorrectionError(f"{kind}: name at least two events (event_ids)")
    return {**payload, "event_ids": ids}


def _apply(replay: Replay, p: dict, kind: str) -> str:
    why = incidents.check_entry(replay.tables["events"], p, kind)
    if why:
        raise Stale(why)
    events = replay.tables["events"]
    replay.touched.update(events.report_id[events.event_id.isin(p["event_ids"])].astype(str))
    return ""


def built(
    replay: Replay,
    ledger: Callable[[], Iterable[Mapping[str, Any]]],
    active: Callable[[Iterable], list],
    reports: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """The incidents of ``replay``'s corrected events, with the incident corrections of
    ``ledger()`` (filtered by ``active``) that applied; built once per replay."""
    if TABLE not in replay.tables:
        entries = [
            e
            for e in active(ledger())
            if e["kind"] in incidents.KINDS
            and replay.statuses.get(e["uuid"], ("applied",))[0] == "applied"
        ]
        tables = replay.tables
        replay.tables[TABLE] = incidents.build_incidents(
            tables["events"], places=tables.get("places"), reports=reports, entries=entries
        )
    return replay.tables[TABLE]


APPLY = {kind: (lambda r, p, k=kind: _apply(r, p, k)) for kind in incidents.KINDS}
