"""The store's schema versions: its tables, and the migrations from one version to the next.

A store file says its version in ``meta``; :class:`~workbench.store.database.Database`
runs ``MIGRATIONS[v]`` for every version it is behind (after a backup), so a store made
by any earlier workbench opens in this one. Tables that mirror ``schema.COLUMNS`` gain new
columns on open without a migration; anything else (a new table, a changed type) is one.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import duckdb

from workbench import schema

#: Tables ``resolve`` builds, materialised in the store under the same names.
RESOLVED = ("mentions", "actors", "places", "dates", "relations", "events")

SQL = {
    schema.TEXT: "VARCHAR",
    schema.INT: "BIGINT",
    schema.FLOAT: "DOUBLE",
    schema.BOOL: "BOOLEAN",
    schema.DATE: "TIMESTAMP",
    schema.LIST: "VARCHAR[]",
}
#: The store's own tables (changed only by a migration).
_OWN = {
    "meta": "key VARCHAR, value VARCHAR",
    "tagged": "report_id VARCHAR, content_hash VARCHAR, pipeline_version VARCHAR, "
    "model VARCHAR, n_mentions BIGINT, tagged_at TIMESTAMP",
    "corrections": "id BIGINT, uuid VARCHAR, time TIMESTAMP, author VARCHAR, "
    "reason VARCHAR, kind VARCHAR, payload VARCHAR",
    "correction_status": "uuid VARCHAR, status VARCHAR, detail VARCHAR",
}
#: Tables added by later versions (created by their migration, not by ``_v1``).
_OWN_LATER = {"lexicons": "lexicon VARCHAR, base VARCHAR, actors VARCHAR"}
#: What a cached tagging row carries besides its table's columns.
_TAG_KEY = {"content_hash": schema.TEXT, "pipeline_version": schema.TEXT, "model": schema.TEXT}
#: Tables that mirror ``schema.COLUMNS`` (plus a few columns): they follow the schema,
#: columns it gains are added when a store opens.
MIRRORED = {
    "reports": ("reports", {"content_hash": schema.TEXT}),
    "problems": ("problems", {"seen": schema.DATE}),
    "mentions_raw": ("mentions", _TAG_KEY),
    "events_raw": ("events_raw", _TAG_KEY),
    **{name: (name, {}) for name in RESOLVED},
}
#: The cached tagging of a report, replaced together.
TAGGING = ("mentions_raw", "events_raw", "tagged")


def columns(table: str) -> dict[str, str]:
    name, extra = MIRRORED[table]
    return {**schema.COLUMNS[name], **extra}


def _create(con: duckdb.DuckDBPyConnection, table: str) -> None:
    """A mirrored table with today's columns (later ones arrive by ``_sync_columns``)."""
    cols = ", ".join(f'"{c}" {SQL[t]}' for c, t in columns(table).items())
    con.execute(f"CREATE TABLE {table} ({cols})")


def _v1(con: duckdb.DuckDBPyConnection) -> None:
    """Version 1: reports, problems, the tagging cache, the ledger, materialised tables."""
    for table, columns in _OWN.items():
        con.execute(f"CREATE TABLE {table} ({columns})")
    for table in ("reports", "problems", "mentions_raw", *RESOLVED):
        _create(con, table)
    con.execute(
        "INSERT INTO meta VALUES ('raw_generation', '0'), ('created', ?)",
        [str(datetime.now(UTC).replace(tzinfo=None))],
    )


def _v2(con: duckdb.DuckDBPyConnection) -> None:
    """Version 2: events read off the parse, cached beside the mentions (pipeline 2)."""
    _create(con, "events_raw")


def _v3(con: duckdb.DuckDBPyConnection) -> None:
    """Version 3: the gazetteers' content is part of the tagging cache key (``tagged.lexicon``;
    rows from before are re-tagged once), and each lexicon's actor entries are kept
    (``lexicons``) so a later change re-tags only the reports that name a changed actor."""
    con.execute("ALTER TABLE tagged ADD COLUMN IF NOT EXISTS lexicon VARCHAR DEFAULT ''")
    con.execute(f"CREATE TABLE IF NOT EXISTS lexicons ({_OWN_LATER['lexicons']})")


#: ``MIGRATIONS[v]`` upgrades a store from schema version ``v`` to ``v + 1``
#: (version 0 is an empty file). Append to this list; never edit an entry.
MIGRATIONS: list[Callable[[duckdb.DuckDBPyConnection], None]] = [_v1, _v2, _v3]
