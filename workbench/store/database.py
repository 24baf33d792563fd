"""The store's file: one DuckDB database, its migrations, transactions and backups.

Persistence only: this module knows tables and rows, never how reports are read, tagged
or resolved (that is ``workbench.corpus``, which drives a :class:`Database`).

Durability
----------
* Every write is one DuckDB transaction; a committed correction survives ``kill -9``.
* ``<store>.bak`` is a consistent copy (checkpoint, copy, rename): made on first open
  and before any schema upgrade, and refreshed by :meth:`Database.backup`.
* Every ledger entry is in the journal (``<store>.journal.jsonl``, fsynced) before the
  database commits it; an open store takes the journal's entries it lacks.
* DuckDB lets one process write a file, and no process read it meanwhile, so each
  operation holds a connection only while it runs; several kernels and the CLI share a
  store, waiting for each other up to ``config.lock_timeout()`` seconds, after which a
  :class:`~workbench.errors.StoreError` names the process that holds it.
* A file that DuckDB cannot read gives a one-line ``StoreError`` that says how to
  rebuild it (``workbench store rebuild``) or restore the backup; one that may not be
  written (a read-only file, folder or file system) says to open it read-only or fix
  the permissions instead (``workbench.store.diagnosis``).
"""

from __future__ import annotations

import json
import os
import shutil
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from workbench import config, schema
from workbench.errors import StoreError
from workbench.store import diagnosis, lock
from workbench.store.journal import Journal
from workbench.store.migrations import (
    MIGRATIONS,
    MIRRORED,
    RESOLVED,
    SQL,
    TAGGING,
    columns,
)


class Database:
    """One store file: typed tables in, typed tables out, one transaction at a time.

    Several processes (kernels, the CLI) share one file: DuckDB lets one process write
    at a time, so a connection is held only for one operation (:meth:`session`) and an
    operation that finds the file busy waits up to ``config.lock_timeout()`` seconds.
    Every open ``Database`` also holds a shared ``flock`` on ``<store>.lock`` so that a
    fresh start (:func:`exclusive`) can tell the store is in use. Ledger entries go to
    the :class:`~workbench.store.journal.Journal` before the database commits them.

    Not thread-safe. ``workbench.corpus.Store`` is the object analysts use; this class
    is what it persists through.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> db = Database(pathlib.Path(tempfile.mkdtemp()) / "s.duckdb")
    >>> db.generation_key()
    ('0', 0)
    >>> db.close()
    """

    def __init__(self, path: str | Path | None = None, *, read_only: bool = False) -> None:
        self.path = config.store_path(path)
        self.read_only = read_only
        self.depth = 0  # transaction nesting
        self.unbacked = False  # corrections written since the last backup
        self.last_backup = time.monotonic()
        self.journal = Journal(self.path)
        self._types: dict[str, dict[str, str]] = {}
        self._con: duckdb.DuckDBPyConnection | None = None
        self._pending: list[dict] = []  # journal lines of the open transaction
        if str(self.path) == ":memory:":
            raise StoreError(":memory:: a store must be a file: it keeps the analyst's work")
        if read_only and not self.path.exists():
            raise StoreError(f"{self.path}: no store here; `workbench ingest` creates one")
        if not read_only:
            diagnosis.ensure_writable(self.path)
        self._lock = lock.hold(self.path, exclusive=False, write=not read_only)
        try:
            with self.session():
                self._migrate()
                self._sync_columns()
                if not read_only:
                    self.sync_journal()
        except BaseException:
            self.close()
            raise

    @property
    def backup_path(self) -> Path:
        """The automatic backup copy: ``<store>.bak``."""
        return self.path.with_name(self.path.name + ".bak")

    @property
    def closed(self) -> bool:
        return self._lock is None

    def close(self) -> None:
        """Release the file (pending work is the caller's to write first)."""
        if self._con is not None:
            self._con.close()
            self._con = None
        if self._lock is not None:
            self._lock.close()  # releases the shared flock
            self._lock = None

    @contextmanager
    def session(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A connection for one operation; nested sessions share it."""
        if self._lock is None:
            raise StoreError(f"{self.path}: the store is closed; open it again with Store.open()")
        if self._con is not None:
            yield self._con
            return
        self._con = self._connect()
        try:
            yield self._con
        finally:
            con, self._con = self._con, None
            con.close()

    # -- rows the orchestrator reads and writes --------------------------------------

    def generation_key(self) -> tuple[str, int]:
        """``(raw generation, last correction id)``: changes whenever inputs change."""
        with self.session() as con:
            generation, last = con.execute(
                "SELECT (SELECT value FROM meta WHERE key = 'raw_generation'), "
                "(SELECT coalesce(max(id), 0) FROM corrections)"
            ).fetchone()
        return (str(generation), int(last))

    def read_table(self, name: str) -> pd.DataFrame:
        """``reports`` (by path) or ``problems``, typed by the schema."""
        order = "path, report_id" if name == "reports" else "path"
        return self.query(f"SELECT * FROM {name} ORDER BY {order}", table=name)

    def stored_reports(self) -> pd.DataFrame:
        return self.query("SELECT report_id, path FROM reports")

    def cached(self, version: str, model: str) -> pd.DataFrame:
        """``report_id, content_hash, lexicon`` of reports tagged with ``version`` and ``model``."""
        return self.query(
            "SELECT report_id, content_hash, lexicon FROM tagged "
            "WHERE pipeline_version = ? AND model = ?",
            [version, model],
        )

    def write_tagged(
        self,
        reports: pd.DataFrame,
        mentions: pd.DataFrame,
        events_raw: pd.DataFrame,
        *,
        version: str,
        model: str,
        lexicon: str = "",
    ) -> None:
        """Store one batch of tagged reports, their mentions and raw events, replacing
        older tagging of the same reports with the same model."""
        counted = mentions.report_id.value_counts()
        tagged = pd.DataFrame(
            {
                "report_id": reports.report_id,
                "content_hash": reports.content_hash,
                "pipeline_version": version,
                "model": model,
                "lexicon": lexicon,
                "tagged_at": _now(),
                "n_mentions": reports.report_id.map(counted).fillna(0).astype("Int64"),
            }
        )
        with self.transaction():
            self.write_reports(reports)
            ids = self.frame("_ids", reports[["report_id"]])
            for table in TAGGING:
                self.sql(
                    f"DELETE FROM {table} WHERE model = ? AND report_id IN "
                    f"(SELECT report_id FROM {ids})",
                    [model],
                )
            self.insert("mentions_raw", mentions.assign(pipeline_version=version, model=model))
            self.insert("events_raw", events_raw.assign(pipeline_version=version, model=model))
            self.insert("tagged", tagged)

    def prune(self) -> None:
        """Drop cached tagging of reports that are no longer stored."""
        with self.transaction():
            for table in TAGGING:
                self.sql(
                    f"DELETE FROM {table} WHERE report_id NOT IN (SELECT report_id FROM reports)"
                )

    def raw_mentions(self, model: str) -> pd.DataFrame:
        """Cached mentions of each stored report: ``model``'s if there are any, else the latest."""
        return self._raw("mentions_raw", "mentions", model, 'm.start, m."end"')

    def raw_events(self, model: str) -> pd.DataFrame:
        """Cached raw events, from the same tagging as :meth:`raw_mentions`."""
        return self._raw("events_raw", "events_raw", model, "m.sentence_id, m.trigger_start")

    def _raw(self, table: str, name: str, model: str, order: str) -> pd.DataFrame:
        return self.query(
            f"""
            WITH pick AS (
                SELECT t.report_id, t.content_hash, t.pipeline_version, t.model, r.path,
                       row_number() OVER (PARTITION BY t.report_id
                                          ORDER BY t.model = ? DESC, t.tagged_at DESC) AS n
                FROM tagged t JOIN reports r USING (report_id, content_hash))
            SELECT m.* FROM {table} m JOIN pick p
                USING (report_id, content_hash, pipeline_version, model)
            WHERE p.n = 1 ORDER BY p.path, {order}
            """,
            [model],
            table=name,
        )

    def has_raw_mention(self, report_id: str, start: int, end: int, text: str) -> bool:
        found = self.query(
            'SELECT 1 FROM mentions_raw WHERE report_id = ? AND start = ? AND "end" = ? '
            "AND text = ? LIMIT 1",
            [report_id, start, end, text],
        )
        return not found.empty

    def report_text(self, report_id: str) -> tuple[str, str] | None:
        """``(title, body)`` of a stored report, or None."""
        found = self.query("SELECT title, body FROM reports WHERE report_id = ?", [report_id])
        if found.empty:
            return None
        return found.title.fillna("").iloc[0], found.body.iloc[0]

    def write_reports(self, reports: pd.DataFrame, *, only_changed: bool = False) -> bool:
        """Replace the rows of ``reports`` (and older texts at the same paths)."""
        if reports.empty:
            return False
        frame = self.frame("_reports", reports[list(columns("reports"))])
        if only_changed:
            cols = ", ".join(f'"{c}"' for c in columns("reports"))
            changed = self.query(
                f"SELECT report_id FROM (SELECT {cols} FROM {frame} "
                f"EXCEPT SELECT {cols} FROM reports)"
            )
            if changed.empty:
                return False
            reports = reports[reports.report_id.isin(changed.report_id)]
            frame = self.frame("_reports", reports[list(columns("reports"))])
        self.sql(
            f"DELETE FROM reports WHERE report_id IN (SELECT report_id FROM {frame}) "
            f"OR path IN (SELECT path FROM {frame})"
        )
        self.insert("reports", reports)
        self._bump()
        return True

    def write_problems(self, reports: pd.DataFrame, problems: pd.DataFrame) -> bool:
        """Replace the problems of every path read this time; True if any changed."""
        paths = pd.DataFrame({"path": pd.concat([reports.path, problems.path]).unique()})
        frame = self.frame("_paths", paths)
        old = self.query(
            f"SELECT path, reason FROM problems WHERE path IN (SELECT path FROM {frame})"
        )
        if sorted(zip(old.path, old.reason, strict=True)) == sorted(
            zip(problems.path, problems.reason, strict=True)
        ):
            return False
        self.sql(f"DELETE FROM problems WHERE path IN (SELECT path FROM {frame})")
        self.insert("problems", problems.assign(seen=_now()))
        self._bump()
        return True

    # -- the ledger ------------------------------------------------------------------

    def append(self, entry: dict, *, author: str | None, reason: str, when: Any = None) -> int:
        """Append one ledger entry (``uuid``, ``kind``, ``payload``); return its id.

        The entry reaches the journal (fsynced) before the transaction that holds it
        commits; a rolled-back transaction journals nothing.
        """
        row = {
            "uuid": entry["uuid"],
            "time": pd.Timestamp(when if when is not None else _now()),
            "author": author or _author(),
            "reason": reason or "",
            "kind": entry["kind"],
            "payload": entry["payload"],
        }
        with self.transaction():
            (entry_id,) = (
                self.con().execute("SELECT coalesce(max(id), 0) + 1 FROM corrections").fetchone()
            )
            values = [entry_id, *(row[k] for k in ("uuid", "time", "author", "reason", "kind"))]
            payload = json.dumps(row["payload"], ensure_ascii=False)
            self.sql("INSERT INTO corrections VALUES (?, ?, ?, ?, ?, ?, ?)", [*values, payload])
            self._pending.append({**row, "time": row["time"].isoformat()})
        self.unbacked = True
        return int(entry_id)

    def sync_journal(self) -> int:
        """Take the journal's entries the database lacks (a kill between the journal
        write and the commit, or a rebuilt file); write the database's entries the journal
        lacks (a store from before the journal). Returns the number of entries taken."""
        journal = self.journal.read()
        with self.transaction():
            have = {e["uuid"]: e for e in self.ledger()}
            missing = [e for e in journal if e.get("uuid") not in have]
            for e in dict((e["uuid"], e) for e in missing).values():
                when, reason = e.get("time"), e.get("reason") or ""
                self.append(e, author=e.get("author"), reason=reason, when=when)
            self._pending.clear()  # taken from the journal: already there
            written = {e.get("uuid") for e in journal}
            self._pending.extend(e for u, e in have.items() if u not in written)
        return len(missing)

    def ledger(self) -> list[dict]:
        """Every ledger entry, oldest first, payloads decoded and times in ISO format."""
        rows = self.query("SELECT * FROM corrections ORDER BY id").to_dict("records")
        for row in rows:
            row["payload"] = json.loads(row["payload"])
            row["time"] = pd.Timestamp(row["time"]).isoformat()
        return rows

    def entry_uuid(self, entry_id: int) -> str | None:
        found = self.query("SELECT uuid FROM corrections WHERE id = ?", [int(entry_id)])
        return None if found.empty else str(found.uuid.iloc[0])

    # -- materialised tables -----------------------------------------------------------

    def save_tables(
        self,
        key: tuple,
        tables: dict[str, pd.DataFrame],
        statuses: dict[str, tuple[str, str]],
        extra: dict[str, Any],
    ) -> None:
        """Keep the corrected tables built for ``key`` so the next open needs no resolve."""
        status = pd.DataFrame(
            [(u, s, d) for u, (s, d) in statuses.items()], columns=["uuid", "status", "detail"]
        )
        with self.transaction():
            for name in (*RESOLVED, "correction_status"):
                self.sql(f"DELETE FROM {name}")
                self.insert(name, status if name == "correction_status" else tables[name])
            self.set_meta("replay", json.dumps(extra))
            self.set_meta("tables_key", json.dumps(list(key)))

    def load_tables(self, key: tuple) -> tuple[dict, dict, dict] | None:
        """``(tables, statuses, extra)`` saved for ``key``, or None if they are stale."""
        with self.session():  # one snapshot
            if self.meta("tables_key") != json.dumps(list(key)):
                return None
            extra = json.loads(self.meta("replay") or "{}")
            statuses = self.query("SELECT * FROM correction_status")
            tables = {name: self.query(f"SELECT * FROM {name}", table=name) for name in RESOLVED}
        return tables, {u: (s, d or "") for u, s, d in statuses.itertuples(index=False)}, extra

    # -- the file ----------------------------------------------------------------------

    def _connect(self) -> duckdb.DuckDBPyConnection:
        """Open the file, waiting while another process writes to it."""
        deadline, pause = time.monotonic() + config.lock_timeout(), 0.02
        while True:
            try:
                return duckdb.connect(str(self.path), read_only=self.read_only)
            except duckdb.Error as exc:
                if not diagnosis.is_lock_error(exc) or time.monotonic() > deadline:
                    raise self._open_error(exc) from None
            time.sleep(pause)
            pause = min(pause * 2, 0.25)

    def _open_error(self, exc: Exception) -> StoreError:
        return diagnosis.open_error(
            self.path, exc, read_only=self.read_only, journal=self.journal.path
        )

    def _migrate(self) -> None:
        try:
            names = set(
                self.query(
                    "SELECT table_name FROM duckdb_tables() WHERE database_name = current_database()"
                ).table_name
            )
            version = int(self.meta("schema_version") or 0) if "meta" in names else 0
        except (duckdb.Error, ValueError) as exc:
            raise self._open_error(exc) from None
        if names and "meta" not in names:
            raise StoreError(
                f"{self.path}: a DuckDB file but not a workbench store; choose another --store path"
            )
        target = len(MIGRATIONS)
        if version > target:
            raise StoreError(
                f"{self.path}: store version {version} is newer than this workbench "
                f"reads ({target}); upgrade workbench"
            )
        if version == target:
            if not self.read_only and not self.backup_path.exists():
                self.backup()
            return
        if self.read_only:
            raise StoreError(
                f"{self.path}: store version {version} needs upgrading to {target}; "
                "open it once without read_only"
            )
        if version > 0:
            self.backup()  # the state before the upgrade
        try:
            with self.transaction():
                for v in range(version, target):
                    MIGRATIONS[v](self.con())
                    self.set_meta("schema_version", str(v + 1))
        except Exception as exc:
            raise StoreError(
                f"{self.path}: upgrading store version {version} to {target} failed "
                f"({' '.join(str(exc).split())[:160]}); the file is unchanged"
            ) from exc
        if version == 0:  # a new store; after an upgrade the .bak keeps the old version
            self.backup()

    def backup(self) -> None:
        """Refresh ``<store>.bak``: checkpoint, copy beside it, then rename over the old one."""
        if self.read_only or self.depth or self._lock is None:
            return
        tmp = self.backup_path.with_name(self.backup_path.name + ".tmp")
        try:
            with self.session():  # no other process writes while the copy is taken
                self.sql("CHECKPOINT")
                shutil.copyfile(self.path, tmp)
            with open(tmp, "rb+") as fh:
                os.fsync(fh.fileno())
            os.replace(tmp, self.backup_path)
        except OSError as exc:
            if not diagnosis.is_permission_error(exc):
                raise
            raise diagnosis.cannot_write(self.path, exc, file=self.backup_path) from None
        self.last_backup, self.unbacked = time.monotonic(), False

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """One transaction; nested uses join the outer one. Ledger entries appended in it
        are journaled just before it commits."""
        if self.depth:
            self.depth += 1
            try:
                yield
            finally:
                self.depth -= 1
            return
        with self.session() as con:
            con.execute("BEGIN TRANSACTION")
            self.depth = 1
            try:
                yield
                self.journal.append(self._pending)
            except BaseException:
                self.depth = 0
                self._pending.clear()
                con.execute("ROLLBACK")
                raise
            self.depth = 0
            self._pending.clear()
            con.execute("COMMIT")

    def writable(self) -> None:
        if self._lock is None:
            raise StoreError(f"{self.path}: the store is closed; open it again with Store.open()")
        if self.read_only:
            raise StoreError(
                f"{self.path}: opened read-only; open it without read_only to change it"
            )

    def con(self) -> duckdb.DuckDBPyConnection:
        """The connection of the current :meth:`session`."""
        if self._con is None:
            raise StoreError(f"{self.path}: no open session (a bug: use `with db.session()`)")
        return self._con

    def sql(self, sql: str, params: list | None = None) -> None:
        with self.session() as con:
            con.execute(sql, params or []).fetchall()

    def query(
        self, sql: str, params: list | None = None, *, table: str | None = None
    ) -> pd.DataFrame:
        with self.session() as con:
            df = con.execute(sql, params or []).df()
        for col, dtype in (schema.COLUMNS.get(table) or {}).items():
            if dtype == schema.LIST and col in df:  # DuckDB lists arrive as numpy arrays
                df[col] = df[col].map(_as_list)
        return schema.conform(df, table) if table else df

    def frame(self, name: str, df: pd.DataFrame) -> str:
        """Make ``df`` visible to SQL as ``name`` (until the next call with that name)."""
        self.con().register(name, df)
        return name

    def insert(self, table: str, df: pd.DataFrame) -> None:
        types = self._types[table]
        columns = [c for c in df.columns if c in types]
        if df.empty:
            return
        with self.session():
            frame = self.frame("_insert", df[columns])
            cols = ", ".join(f'"{c}"' for c in columns)
            select = ", ".join(f'CAST("{c}" AS {types[c]})' for c in columns)
            self.sql(f"INSERT INTO {table} ({cols}) SELECT {select} FROM {frame}")

    def _sync_columns(self) -> None:
        """Learn column types; add the columns ``schema.COLUMNS`` gained since the store was
        made (a removed column stays, unused; a changed dtype needs a migration)."""

        def types() -> dict[str, dict[str, str]]:
            out: dict[str, dict[str, str]] = {}
            for table, col, sql_type in (
                self.con()
                .execute(
                    "SELECT table_name, column_name, data_type FROM duckdb_columns() "
                    "WHERE database_name = current_database()"
                )
                .fetchall()
            ):
                out.setdefault(table, {})[col] = sql_type
            return out

        self._types = types()
        missing = [
            (table, col, SQL[dtype])
            for table in MIRRORED
            for col, dtype in columns(table).items()
            if col not in self._types.get(table, {})
        ]
        if missing and not self.read_only:
            with self.transaction():
                for table, col, sql_type in missing:
                    self.sql(f'ALTER TABLE {table} ADD COLUMN "{col}" {sql_type}')
            self._types = types()

    def meta(self, key: str) -> str | None:
        with self.session() as con:
            found = con.execute("SELECT value FROM meta WHERE key = ?", [key]).fetchall()
        return found[0][0] if found else None

    def set_meta(self, key: str, value: str) -> None:
        self.sql("DELETE FROM meta WHERE key = ?", [key])
        self.sql("INSERT INTO meta VALUES (?, ?)", [key, value])

    def _bump(self) -> None:
        self.sql(
            "UPDATE meta SET value = CAST(CAST(value AS BIGINT) + 1 AS VARCHAR) "
            "WHERE key = 'raw_generation'"
        )


def _as_list(value: Any) -> list[str]:
    if value is None or isinstance(value, (str, float)):
        return []
    return [str(x) for x in value]


def _now() -> pd.Timestamp:
    return pd.Timestamp(datetime.now(UTC).replace(tzinfo=None))


def _author() -> str:
    return os.environ.get("WORKBENCH_AUTHOR") or os.environ.get("USER") or "analyst"
