"""The lexicons a store's tagging was made with: which gazetteer entries each one had.

A tagging row says which lexicon (gazetteer content hash) tagged it. When the gazetteer
changes, the orchestrator compares the old lexicon's actor entries with the new ones and
re-tags only the reports that name a changed actor; the others are re-keyed here.
Persistence only: what counts as a change is decided by the caller.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Mapping

import pandas as pd

from workbench.store.database import Database


def save(db: Database, lexicon: str, base: str, actors: Mapping[str, list[str]]) -> None:
    """Record ``lexicon``'s actor entries (once)."""
    with db.transaction():
        if db.query("SELECT 1 FROM lexicons WHERE lexicon = ?", [lexicon]).empty:
            db.sql(
                "INSERT INTO lexicons VALUES (?, ?, ?)",
                [lexicon, base, json.dumps(actors, ensure_ascii=False, sort_keys=True)],
            )


def load(db: Database, lexicon: str) -> tuple[str, dict[str, list[str]]] | None:
    """``(base, actors)`` recorded for ``lexicon``, or None (tagged before lexicons were kept)."""
    found = db.query("SELECT base, actors FROM lexicons WHERE lexicon = ?", [lexicon])
    if found.empty:
        return None
    return str(found.base.iloc[0]), json.loads(found.actors.iloc[0])


def rekey(
    db: Database, report_ids: Collection[str], *, version: str, model: str, lexicon: str
) -> None:
    """Mark the cached tagging of ``report_ids`` as valid under ``lexicon`` (no re-tagging)."""
    if not report_ids:
        return
    with db.transaction():
        ids = db.frame("_rekey", pd.DataFrame({"report_id": list(report_ids)}, dtype="string"))
        db.sql(
            f"UPDATE tagged SET lexicon = ? WHERE pipeline_version = ? AND model = ? "
            f"AND report_id IN (SELECT report_id FROM {ids})",
            [lexicon, version, model],
        )
