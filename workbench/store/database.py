"""The corpus store: one DuckDB file that remembers tagging work and analyst corrections.

``ingest`` tags only reports it has not tagged before with the same pipeline version
and model, so re-running over an unchanged folder does no NLP work (it does not even
load the model). ``tables`` rebuilds the corpus tables from the cached mentions,
replaying the corrections ledger (``workbench.resolve.corrections``) before and after
resolution, so corrections survive re-runs and pipeline upgrades.

Durability
----------
* Every write is one DuckDB transaction; a committed correction survives ``kill -9``.
* ``<store>.bak`` is a consistent copy (checkpoint, copy, rename): made on first open
  and before any schema upgrade, refreshed after an ingest that changed something,
  after a :meth:`Store.batch`, and on close (or every :data:`BACKUP_INTERVAL` seconds)
  when corrections were written.
* DuckDB lets one process write a file, and no process read it meanwhile. A second
  process gets a :class:`~workbench.errors.StoreError` naming the process that holds
  the store; falling back to read-only is impossible while a writer holds the lock.
* A file that DuckDB cannot read gives a one-line ``StoreError`` that says how to
  restore the backup.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from workbench import config, schema
from workbench.errors import CorrectionError, StoreError
from workbench.resolve import corrections

#: Where the store lives unless told otherwise.
DEFAULT_STORE = config.BUILD_DIR / "workbench.duckdb"
#: Reports tagged per transaction: a killed ingest keeps all finished batches.
INGEST_BATCH = 64
#: Seconds between backup refreshes while single corrections are being written.
BACKUP_INTERVAL = 60.0
#: Tables ``resolve`` builds, materialised in the store under the same names.
RESOLVED = ("mentions", "actors", "places", "dates", "relations", "events")
#: ACLED "inter" codes by actor type, for the user gazetteer.
ACLED_INTER = {
    "state_force": "1", "rebel_group": "2", "political_militia": "3",
    "identity_militia": "4", "protesters": "6", "civilians": "7",
    "coalition_or_foreign_force": "8",
}  # fmt: skip

_SQL = {
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
#: Tables that mirror ``schema.COLUMNS`` (plus a few columns): they follow the schema,
#: columns it gains are added when a store opens.
_MIRRORED = {
    "reports": ("reports", {"content_hash": schema.TEXT}),
    "problems": ("problems", {"seen": schema.DATE}),
    "mentions_raw": (
        "mentions",
        {"content_hash": schema.TEXT, "pipeline_version": schema.TEXT, "model": schema.TEXT},
    ),  # fmt: skip
    **{name: (name, {}) for name in RESOLVED},
}


def _columns(table: str) -> dict[str, str]:
    name, extra = _MIRRORED[table]
    return {**schema.COLUMNS[name], **extra}


def _v1(con: duckdb.DuckDBPyConnection) -> None:
    """Version 1: reports, problems, the tagging cache, the ledger, materialised tables."""
    for table, columns in _OWN.items():
        con.execute(f"CREATE TABLE {table} ({columns})")
    for table in _MIRRORED:
        cols = ", ".join(f'"{c}" {_SQL[t]}' for c, t in _columns(table).items())
        con.execute(f"CREATE TABLE {table} ({cols})")
    con.execute("INSERT INTO meta VALUES ('raw_generation', '0'), ('created', ?)", [str(_now())])


#: ``MIGRATIONS[v]`` upgrades a store from schema version ``v`` to ``v + 1``
#: (version 0 is an empty file). Append to this list; never edit an entry.
MIGRATIONS: list[Callable[[duckdb.DuckDBPyConnection], None]] = [_v1]


class Store:
    """One corpus store file: cached tagging, the corrections ledger, corrected tables.

    Open with ``Store.open(path)`` (default :data:`DEFAULT_STORE`), preferably as a
    context manager. ``tagger`` and ``resolver`` replace
    :func:`workbench.mentions.tag_reports` and :func:`workbench.extraction.resolve`
    (tests use cheap fakes). Not thread-safe.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from workbench import schema
    >>> def tagger(reports, *, nlp=None, progress=False):
    ...     return schema.conform([{"report_id": r, "start": 0, "end": 3, "text": "SDF",
    ...                             "kind": "actor"} for r in reports.report_id], "mentions")
    >>> def resolver(reports, mentions):
    ...     return {"mentions": mentions.assign(entity_id="sdf", canonical="SDF"),
    ...             "actors": schema.conform([{"actor_id": "sdf", "canonical": "SDF"}], "actors")}
    >>> reports = schema.conform([{"report_id": "r1", "path": "a.txt", "body": "SDF won."}],
    ...                          "reports")
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "demo.duckdb"
    >>> with Store.open(path, tagger=tagger, resolver=resolver) as store:
    ...     first = store.ingest(reports, progress=False)
    ...     again = store.ingest(reports, progress=False)
    ...     entry = store.correct("rename_actor", actor="sdf", canonical="Syrian Democratic Forces")
    ...     names = store.tables()["actors"].canonical.tolist()
    >>> first["tagged"], again["tagged"], names
    (1, 0, ['Syrian Democratic Forces'])
    """

    def __init__(
        self,
        path: str | Path | None = None,
        *,
        read_only: bool = False,
        tagger: Callable[..., pd.DataFrame] | None = None,
        resolver: Callable[..., dict[str, pd.DataFrame]] | None = None,
    ) -> None:
        self.path = Path(path) if path else DEFAULT_STORE
        self.read_only = read_only
        self._tagger, self._resolver = tagger, resolver
        self._depth = 0
        self._model = config.model_name(None)
        self._base: tuple | None = None  # (key, (tables, statuses, touched)) after resolve
        self._final: tuple | None = None  # (key, Replay) after every correction
        self._auto: tuple | None = None  # (key, tables) with no corrections at all
        self._dirty = self._unbacked = False
        self._types: dict[str, dict[str, str]] = {}
        self._read: dict[str, tuple] = {}  # reports, problems by raw generation
        self._last_backup = time.monotonic()
        self._con: duckdb.DuckDBPyConnection | None = self._connect()
        try:
            self._migrate()
            self._sync_columns()
        except BaseException:
            self._con.close()
            raise

    @classmethod
    def open(cls, path: str | Path | None = None, **options: Any) -> Store:
        """Open (or create) the store at ``path``: the same as ``Store(path, **options)``."""
        return cls(path, **options)

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        state = "closed" if self._con is None else "read-only" if self.read_only else "open"
        return f"<Store {self.path} ({state})>"

    @property
    def backup_path(self) -> Path:
        """The automatic backup copy: ``<store>.bak``."""
        return self.path.with_name(self.path.name + ".bak")

    def close(self) -> None:
        """Write pending materialised tables and the backup, then release the file."""
        if self._con is None:
            return
        try:
            if not self.read_only and self._depth == 0:
                if self._dirty and self._final is not None:
                    self._materialise(*self._final)
                if self._unbacked:
                    self._backup()
        finally:
            self._con.close()
            self._con = None

    # -- ingest ----------------------------------------------------------------------

    def ingest(
        self,
        paths_or_reports: str | Path | Iterable[str | Path] | pd.DataFrame,
        *,
        nlp: Any = None,
        model: str | None = None,
        progress: bool = True,
    ) -> dict[str, int]:
        """Read reports and tag the ones not tagged yet with this pipeline version and model.

        Tagging commits every :data:`INGEST_BATCH` reports, so an interrupted ingest
        resumes where it stopped. The pipeline loads only if something needs tagging.

        Parameters
        ----------
        paths_or_reports
            Files or folders (read with :func:`workbench.reports.read_reports`), or a
            reports table.
        nlp
            A loaded pipeline to reuse; default: ``load_pipeline(model)`` when needed.
        model
            The spaCy model, part of the cache key (default ``config.model_name()``).
        progress
            Show a tagging progress bar (only when there is tagging to do).

        Returns
        -------
        dict
            ``read``; ``new`` (unknown text at an unknown path), ``changed`` (new text
            at a known path), ``unchanged`` (text already stored); ``tagged`` and
            ``skipped`` (mentions taken from the cache); ``problems`` (unreadable files).
        """
        from workbench.nlp import pipeline

        self._writable()
        reports, problems = self._read_input(paths_or_reports)
        version, model = str(pipeline.PIPELINE_VERSION), config.model_name(model)
        reports = reports.assign(content_hash=[_content_hash(r) for r in reports.itertuples()])
        stored = self._query("SELECT report_id, path FROM reports")
        cached = self._query(
            "SELECT report_id, content_hash FROM tagged WHERE pipeline_version = ? AND model = ?",
            [version, model],
        )
        is_stored = reports.report_id.isin(stored.report_id)
        done = set(zip(cached.report_id, cached.content_hash, strict=True))
        is_cached = pd.Series(
            [k in done for k in zip(reports.report_id, reports.content_hash, strict=True)],
            index=reports.index,
            dtype=bool,
        )
        known_path = reports.path.isin(stored.path)
        counts = {
            "read": len(reports),
            "new": int((~is_stored & ~known_path).sum()),
            "changed": int((~is_stored & known_path).sum()),
            "unchanged": int(is_stored.sum()),
            "tagged": int((~is_cached).sum()),
            "skipped": int(is_cached.sum()),
            "problems": len(problems),
        }
        with self._transaction():  # metadata of cached reports, and problems: no NLP needed
            wrote = self._write_reports(reports[is_cached], only_changed=True)
            wrote = self._write_problems(reports, problems) or wrote
        todo = reports[~is_cached]
        if len(todo):
            self._tag(todo, nlp=nlp, model=model, version=version, progress=progress)
        if wrote or len(todo):
            with self._transaction():
                for table in ("mentions_raw", "tagged"):
                    self._sql(f"DELETE FROM {table} WHERE report_id NOT IN "
                              "(SELECT report_id FROM reports)")  # fmt: skip
            self._backup()
        return counts

    def _tag(self, todo: pd.DataFrame, *, nlp: Any, model: str, version: str, progress: bool):
        from tqdm.auto import tqdm

        tagger = self._tagger
        if tagger is None:
            from workbench.nlp.tagging import tag_reports as tagger

            if nlp is None:  # loaded only now that there is work to do
                from workbench.nlp.pipeline import load_pipeline

                nlp = load_pipeline(model)
        bar = tqdm(total=len(todo), desc="tagging", unit="report", disable=not progress)
        try:
            for start in range(0, len(todo), INGEST_BATCH):
                chunk = todo.iloc[start : start + INGEST_BATCH]
                found = tagger(chunk[list(schema.COLUMNS["reports"])], nlp=nlp, progress=False)
                mentions = schema.conform(found, "mentions")
                mentions = mentions.merge(chunk[["report_id", "content_hash"]], on="report_id")
                counted = mentions.report_id.value_counts()
                tagged = pd.DataFrame({
                    "report_id": chunk.report_id, "content_hash": chunk.content_hash,
                    "pipeline_version": version, "model": model, "tagged_at": _now(),
                    "n_mentions": chunk.report_id.map(counted).fillna(0).astype("Int64"),
                })  # fmt: skip
                with self._transaction():
                    self._write_reports(chunk)
                    ids = self._frame("_ids", chunk[["report_id"]])
                    for table in ("mentions_raw", "tagged"):
                        self._sql(f"DELETE FROM {table} WHERE model = ? AND report_id IN "
                                  f"(SELECT report_id FROM {ids})", [model])  # fmt: skip
                    self._insert(
                        "mentions_raw", mentions.assign(pipeline_version=version, model=model)
                    )
                    self._insert("tagged", tagged)
                bar.update(len(chunk))
        finally:
            bar.close()

    # -- tables ----------------------------------------------------------------------

    def tables(self, *, model: str | None = None) -> dict[str, pd.DataFrame]:
        """Every corpus table, corrected: ``reports``, ``problems`` and what ``resolve``
        builds (``mentions``, ``actors``, ``places``, ``dates``, ``relations``, ``events``).

        Mentions come from the cache for ``model`` (else the model last used for each
        report); mention corrections are replayed before resolution and the others after.
        Cheap when nothing changed: the result is kept in memory and in the store.
        """
        replay = self._state(model)
        out = {name: self.table(name) for name in ("reports", "problems")}
        out.update({name: replay.tables[name].reset_index(drop=True) for name in RESOLVED})
        return out

    def table(self, name: str, *, model: str | None = None) -> pd.DataFrame:
        """One table of :meth:`tables`; ``reports`` and ``problems`` need no resolution."""
        if name in ("reports", "problems"):  # kept in memory until an ingest changes them
            generation = self._key(self._model)[0]
            if self._read.get(name, (None,))[0] != generation:
                order = "path, report_id" if name == "reports" else "path"
                query = f"SELECT * FROM {name} ORDER BY {order}"
                self._read[name] = (generation, self._query(query, table=name))
            return self._read[name][1].copy(deep=False)
        if name not in RESOLVED:
            raise StoreError(f"{self.path}: no table {name!r}; tables are {', '.join(RESOLVED)}")
        return self._state(model).tables[name].reset_index(drop=True)

    # -- corrections -----------------------------------------------------------------

    def correct(
        self, kind: str, /, *, author: str | None = None, reason: str = "", **fields
    ) -> int:
        """Record one correction; return its entry id (what :meth:`undo` takes).

        Parameters
        ----------
        kind
            A key of :data:`workbench.corrections.KINDS`, e.g. ``"merge_actors"``.
        author, reason
            Kept in the ledger (author defaults to ``$WORKBENCH_AUTHOR`` or ``$USER``).
        **fields
            The correction's fields. Mentions are named by ``report_id``, ``start`` and
            ``end`` (``text`` comes from the report body, and is checked if given);
            actors and places by id or canonical name.

        Raises
        ------
        CorrectionError
            The correction is malformed, or its target is not in the current tables.
        """
        self._writable()
        if kind == "undo":
            raise CorrectionError("undo: use store.undo(entry_id) (or `workbench correct undo ID`)")
        if "start" in fields and "report_id" in fields and kind in corrections.KINDS:
            fields = self._with_text(kind, fields)
        payload = corrections.check(kind, fields)  # raises for an unknown kind too
        entry, trial = {"uuid": str(uuid.uuid4()), "kind": kind, "payload": payload}, None
        if corrections.KINDS[kind].stage == "tables":
            trial = self._state(None).copy()
            status, detail = corrections.apply(trial, entry)
            if status == "stale":
                raise CorrectionError(f"{kind}: {detail}")
        elif kind != "add_mention":
            self._check_mention(kind, entry["payload"])
        entry_id = self._append(entry, author=author, reason=reason)
        if trial is not None:
            self._final, self._dirty = (self._key(self._model), trial), True
        if time.monotonic() - self._last_backup > BACKUP_INTERVAL:
            self._backup()
        return entry_id

    def undo(self, entry_id: int, *, author: str | None = None, reason: str = "") -> int:
        """Undo correction ``entry_id`` by appending an ``undo`` entry; return its id.

        Undoing an ``undo`` re-applies what it undid.
        """
        self._writable()
        found = self._query("SELECT uuid FROM corrections WHERE id = ?", [int(entry_id)])
        if found.empty:
            raise CorrectionError(f"no correction #{entry_id}; see store.corrections()")
        target = found.uuid.iloc[0]
        _, statuses = corrections.active_entries(self._ledger())
        if statuses.get(target, ("",))[0] == "undone":
            raise CorrectionError(f"correction #{entry_id} is already undone")
        entry = {"uuid": str(uuid.uuid4()), "kind": "undo", "payload": {"entry": target}}
        return self._append(entry, author=author, reason=reason)

    @contextmanager
    def batch(self) -> Iterator[Store]:
        """Group corrections into one transaction: all are kept, or none (on an error)."""
        self._writable()
        try:
            with self._transaction():
                yield self
        except BaseException:
            self._final = self._base = None
            raise
        self._backup()

    def corrections(self, *, status: bool = True) -> pd.DataFrame:
        """The ledger, oldest first (columns :data:`workbench.corrections.LEDGER_COLUMNS`).

        ``status`` replays the ledger to say which entries are ``applied``, ``stale``
        (target no longer found; kept, never dropped) or ``undone``.
        """
        ledger = self._ledger()
        number = {e["uuid"]: f"#{e['id']}" for e in ledger}
        _, statuses = corrections.active_entries(ledger)
        if status and ledger:
            statuses = {**self._state(None).statuses, **statuses}
        rows = []
        for e in ledger:
            state, detail = statuses.get(e["uuid"], ("applied" if status else None, ""))
            detail = re.sub(
                r"undone by (\S+)", lambda m: f"undone by {number.get(m[1], m[1])}", detail
            )
            rows.append({**e, "undone": state == "undone", "status": state, "detail": detail})
        out = pd.DataFrame(rows, columns=list(corrections.LEDGER_COLUMNS))
        out["time"] = pd.to_datetime(out.time)
        dtypes = {k: v for k, v in corrections.LEDGER_COLUMNS.items() if k != "payload"}
        return out.astype(dtypes)

    def export_corrections(self, path: str | Path) -> int:
        """Write the ledger to ``path`` as JSON lines; return the number of entries."""
        keys = ("uuid", "time", "author", "reason", "kind", "payload")
        lines = [json.dumps({k: e[k] for k in keys}, ensure_ascii=False) for e in self._ledger()]
        _write_atomic(Path(path), "".join(line + "\n" for line in lines))
        return len(lines)

    def import_corrections(self, path: str | Path) -> dict[str, int]:
        """Append the entries of a JSON-lines export that this ledger lacks (by uuid).

        Importing the same file twice adds nothing. All lines are checked first; one
        bad line imports nothing. Returns counts ``read``, ``added``, ``present``.
        """
        self._writable()
        path = Path(path)
        try:
            lines = path.read_text(encoding="utf-8").splitlines()
        except OSError as exc:
            raise CorrectionError(f"{path}: cannot read corrections: {exc.strerror}") from None
        entries = []
        for n, line in enumerate(lines, 1):
            if not line.strip():
                continue
            try:
                e = json.loads(line)
                e["payload"] = corrections.check(e["kind"], e["payload"])
                uuid.UUID(e["uuid"])
            except (ValueError, KeyError, TypeError, CorrectionError) as exc:
                raise CorrectionError(f"{path}:{n}: not a correction entry ({exc})") from None
            entries.append(e)
        present = {e["uuid"] for e in self._ledger()}
        added = 0
        with self.batch():
            for e in entries:
                if e["uuid"] not in present:
                    when = pd.Timestamp(e["time"]) if e.get("time") else None
                    self._append(e, author=e.get("author"), reason=e.get("reason") or "", when=when)
                    present.add(e["uuid"])
                    added += 1
        return {"read": len(entries), "added": added, "present": len(entries) - added}

    # -- outputs built on the corrections --------------------------------------------

    def write_gazetteer(self, path: str | Path | None = None) -> pd.DataFrame:
        """Add confirmed actors (and their aliases) to the user gazetteer; return the rows.

        ``path`` defaults to :func:`workbench.config.user_gazetteer`. Rows already there
        for the same ``actor_id`` are replaced; short all-capital aliases ("IS") go to
        ``case_sensitive_aliases`` so that they do not match ordinary words.
        """
        from workbench.lexicon.gazetteer import GAZETTEER_COLUMNS

        path = Path(path) if path else config.user_gazetteer()
        replay = self._state(None)
        actors = replay.tables["actors"]
        rows = []
        for a in actors[actors.actor_id.isin(replay.confirmed)].itertuples():
            forms = [x for x in dict.fromkeys(a.aliases) if x != a.canonical]
            exact = [x for x in forms if x.isupper() and len(x) <= 5]
            actor_type = a.actor_type if isinstance(a.actor_type, str) else "other"
            rows.append({
                "actor_id": re.sub(r"^(new|user):", "user-", a.actor_id).replace(" ", "-"),
                "canonical": a.canonical, "aliases": "|".join(x for x in forms if x not in exact),
                "case_sensitive_aliases": "|".join(exact), "actor_type": actor_type,
                "acled_inter": ACLED_INTER.get(actor_type, ""),
                "country": a.country if isinstance(a.country, str) else "", "scope": "",
                "source": "user",
            })  # fmt: skip
        new = pd.DataFrame(rows, columns=GAZETTEER_COLUMNS, dtype=str)
        if path.is_file():
            old = pd.read_csv(path, dtype=str, keep_default_na=False)
            new = pd.concat([old[~old.actor_id.isin(new.actor_id)], new], ignore_index=True)
        new = new.fillna("")
        _write_atomic(path, new.to_csv(index=False))
        return new.tail(len(rows)).reset_index(drop=True)

    def export_gold(self, path: str | Path, *, all_reports: bool = False) -> int:
        """Write corrected reports as gold JSON lines for ``score_extraction.py``.

        Only reports some correction touched, unless ``all_reports``. Returns the
        number of reports written.
        """
        replay = self._state(None)
        ids = None if all_reports else replay.touched
        records = self._records(replay.tables, ids)
        _write_atomic(
            Path(path), "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)
        )
        return len(records)

    def score_against_corrections(self, *, all_reports: bool = False) -> pd.DataFrame:
        """Precision/recall/F1 of the automatic actors and places against the corrected
        ones, over the reports corrections touched (or all). One row per table."""
        replay = self._state(None)
        ids = None if all_reports else replay.touched
        gold = self._records(replay.tables, ids)
        return corrections.score(gold, self._records(self._automatic(), ids))

    # -- internals: building the tables ---------------------------------------------

    def _state(self, model: str | None) -> corrections.Replay:
        self._model = config.model_name(model) if model else self._model
        key = self._key(self._model)
        if self._final is not None and self._final[0] == key:
            return self._final[1]
        replay = self._load_materialised(key)
        fresh = replay is None
        if fresh:
            replay = self._replay(key)
        self._final, self._dirty = (key, replay), fresh
        if fresh and not self.read_only and self._depth == 0:
            self._materialise(key, replay)
        return replay

    def _replay(self, key: tuple) -> corrections.Replay:
        active, statuses = corrections.active_entries(self._ledger())
        early = [e for e in active if corrections.KINDS[e["kind"]].stage == "mentions"]
        base_key = (key[0], key[2], tuple(e["uuid"] for e in early))
        if self._base is None or self._base[0] != base_key:
            reports = self.table("reports")
            mentions, early_statuses, touched = corrections.replay_mentions(
                self._raw_mentions(key[2]), reports, early
            )
            resolved = self._resolve(reports, mentions)
            self._base = (base_key, (resolved, early_statuses, touched))
        resolved, early_statuses, touched = self._base[1]
        replay = corrections.replay_tables(resolved, active)
        replay.statuses.update({**statuses, **early_statuses})
        replay.touched |= touched
        return replay

    def _resolve(self, reports: pd.DataFrame, mentions: pd.DataFrame) -> dict[str, pd.DataFrame]:
        resolver = self._resolver
        if resolver is None:
            from workbench.resolve.tables import resolve as resolver
        out = resolver(reports, mentions)
        return {name: schema.conform(out.get(name, []), name) for name in RESOLVED}

    def _automatic(self) -> dict[str, pd.DataFrame]:
        """The tables with no corrections at all (what the pipeline alone says)."""
        key = self._key(self._model)
        if self._auto is None or self._auto[0] != (key[0], key[2]):
            self._auto = (
                (key[0], key[2]),
                self._resolve(self.table("reports"), self._raw_mentions(key[2])),
            )
        return self._auto[1]

    def _raw_mentions(self, model: str) -> pd.DataFrame:
        """Cached mentions of each stored report: ``model``'s if there are any, else the latest."""
        return self._query(
            """
            WITH pick AS (
                SELECT t.report_id, t.content_hash, t.pipeline_version, t.model, r.path,
                       row_number() OVER (PARTITION BY t.report_id
                                          ORDER BY t.model = ? DESC, t.tagged_at DESC) AS n
                FROM tagged t JOIN reports r USING (report_id, content_hash))
            SELECT m.* FROM mentions_raw m JOIN pick p
                USING (report_id, content_hash, pipeline_version, model)
            WHERE p.n = 1 ORDER BY p.path, m.start, m."end"
            """,
            [model],
            table="mentions",
        )

    def _records(self, tables: dict[str, pd.DataFrame], ids: set[str] | None) -> list[dict]:
        from workbench.resolve.scorer import scorer_records

        reports = self.table("reports")
        if ids is not None:
            reports = reports[reports.report_id.isin(ids)].reset_index(drop=True)
        records = scorer_records({**tables, "reports": reports})
        events = tables["events"]
        for record, rid in zip(records, reports.report_id, strict=True):
            if not record.get("events"):
                record["events"] = [
                    {k: (None if pd.isna(v) else v) for k, v in row.items()}
                    for row in events[events.report_id == rid][
                        ["actor", "action", "target", "location", "sentence"]
                    ].to_dict("records")
                ]
        return records

    def _key(self, model: str) -> tuple:
        generation, last = (
            self._con_()
            .execute(
                "SELECT (SELECT value FROM meta WHERE key = 'raw_generation'), "
                "(SELECT coalesce(max(id), 0) FROM corrections)"
            )
            .fetchone()
        )
        return (str(generation), int(last), model)

    def _materialise(self, key: tuple, replay: corrections.Replay) -> None:
        statuses = pd.DataFrame(
            [(u, s, d) for u, (s, d) in replay.statuses.items()],
            columns=["uuid", "status", "detail"],
        )
        extra = {"confirmed": sorted(replay.confirmed), "redirects": replay.redirects,
                 "touched": sorted(replay.touched)}  # fmt: skip
        with self._transaction():
            for name in (*RESOLVED, "correction_status"):
                self._sql(f"DELETE FROM {name}")
                self._insert(name, statuses if name == "correction_status" else replay.tables[name])
            self._set_meta("replay", json.dumps(extra))
            self._set_meta("tables_key", json.dumps(list(key)))
        self._dirty = False

    def _load_materialised(self, key: tuple) -> corrections.Replay | None:
        if self._meta("tables_key") != json.dumps(list(key)):
            return None
        extra = json.loads(self._meta("replay") or "{}")
        statuses = self._query("SELECT * FROM correction_status")
        return corrections.Replay(
            {name: self._query(f"SELECT * FROM {name}", table=name) for name in RESOLVED},
            {u: (s, d or "") for u, s, d in statuses.itertuples(index=False)},
            set(extra.get("confirmed", [])),
            dict(extra.get("redirects", {})),
            set(extra.get("touched", [])),
        )

    # -- internals: writing ------------------------------------------------------------

    def _read_input(self, source: Any) -> tuple[pd.DataFrame, pd.DataFrame]:
        if isinstance(source, pd.DataFrame):
            reports = schema.conform(source, "reports").drop_duplicates("report_id")
            return reports.reset_index(drop=True), schema.empty("problems")
        from workbench.read.reports import read_reports

        return read_reports(source)  # no bar: an unchanged re-run stays quiet

    def _write_reports(self, reports: pd.DataFrame, *, only_changed: bool = False) -> bool:
        """Replace the rows of ``reports`` (and older texts at the same paths)."""
        if reports.empty:
            return False
        frame = self._frame("_reports", reports[list(_columns("reports"))])
        if only_changed:
            cols = ", ".join(f'"{c}"' for c in _columns("reports"))
            changed = self._query(
                f"SELECT report_id FROM (SELECT {cols} FROM {frame} "
                f"EXCEPT SELECT {cols} FROM reports)"
            )
            if changed.empty:
                return False
            reports = reports[reports.report_id.isin(changed.report_id)]
            frame = self._frame("_reports", reports[list(_columns("reports"))])
        self._sql(f"DELETE FROM reports WHERE report_id IN (SELECT report_id FROM {frame}) "
                  f"OR path IN (SELECT path FROM {frame})")  # fmt: skip
        self._insert("reports", reports)
        self._bump()
        return True

    def _write_problems(self, reports: pd.DataFrame, problems: pd.DataFrame) -> bool:
        paths = pd.DataFrame({"path": pd.concat([reports.path, problems.path]).unique()})
        frame = self._frame("_paths", paths)
        old = self._query(
            f"SELECT path, reason FROM problems WHERE path IN (SELECT path FROM {frame})"
        )
        if sorted(zip(old.path, old.reason, strict=True)) == sorted(
            zip(problems.path, problems.reason, strict=True)
        ):
            return False
        self._sql(f"DELETE FROM problems WHERE path IN (SELECT path FROM {frame})")
        self._insert("problems", problems.assign(seen=_now()))
        self._bump()
        return True

    def _bump(self) -> None:
        self._sql("UPDATE meta SET value = CAST(CAST(value AS BIGINT) + 1 AS VARCHAR) "
                  "WHERE key = 'raw_generation'")  # fmt: skip

    def _append(self, entry: dict, *, author: str | None, reason: str, when: Any = None) -> int:
        with self._transaction():
            (entry_id,) = (
                self._con_().execute("SELECT coalesce(max(id), 0) + 1 FROM corrections").fetchone()
            )
            self._sql(
                "INSERT INTO corrections VALUES (?, ?, ?, ?, ?, ?, ?)",
                [entry_id, entry["uuid"], when if when is not None else _now(),
                 author or _author(), reason or "", entry["kind"],
                 json.dumps(entry["payload"], ensure_ascii=False)],
            )  # fmt: skip
        self._unbacked = True
        return int(entry_id)

    def _with_text(self, kind: str, fields: dict) -> dict:
        """Fill ``text`` from the report body; check offsets and any text given.

        A given ``text`` may also be a slice of the title: headline mentions are tagged
        with offsets into the title (``sentence_id`` -1).
        """
        rid = str(fields["report_id"])
        found = self._query("SELECT title, body FROM reports WHERE report_id = ?", [rid])
        if found.empty:
            raise CorrectionError(f"{kind}: no report {rid!r} in {self.path}")
        title, body = found.title.fillna("").iloc[0], found.body.iloc[0]
        start = corrections._integer(kind, "start", fields["start"])
        end = corrections._integer(kind, "end", fields.get("end"))
        given = fields.get("text")
        if given is not None and 0 <= start < end <= len(title) and title[start:end] == given:
            return {**fields, "report_id": rid, "start": start, "end": end}
        if not 0 <= start < end <= len(body):
            raise CorrectionError(f"{kind}: {start}-{end} is outside report {rid} "
                                  f"({len(body)} chars)")  # fmt: skip
        if given not in (None, body[start:end]):
            raise CorrectionError(f"{kind}: report {rid} has {body[start:end]!r} at "
                                  f"{start}-{end}, not {given!r}")  # fmt: skip
        return {**fields, "report_id": rid, "start": start, "end": end, "text": body[start:end]}

    def _check_mention(self, kind: str, p: dict) -> None:
        key = [p[k] for k in corrections.MENTION_KEY]
        tagged = self._query(
            'SELECT 1 FROM mentions_raw WHERE report_id = ? AND start = ? AND "end" = ? '
            "AND text = ? LIMIT 1",
            key,
        )
        added = [[e["payload"][k] for k in corrections.MENTION_KEY]
                 for e in self._ledger() if e["kind"] == "add_mention"]  # fmt: skip
        if tagged.empty and key not in added:
            raise CorrectionError(f"{kind}: no mention {p['text']!r} at {p['report_id']}:"
                                  f"{p['start']}-{p['end']}; use add_mention")  # fmt: skip

    def _ledger(self) -> list[dict]:
        rows = self._query("SELECT * FROM corrections ORDER BY id").to_dict("records")
        for row in rows:
            row["payload"] = json.loads(row["payload"])
            row["time"] = pd.Timestamp(row["time"]).isoformat()
        return rows

    # -- internals: the file -----------------------------------------------------------

    def _connect(self) -> duckdb.DuckDBPyConnection:
        if self.read_only and not self.path.exists():
            raise StoreError(f"{self.path}: no store here; `workbench ingest` creates one")
        if not self.read_only:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            return duckdb.connect(str(self.path), read_only=self.read_only)
        except duckdb.Error as exc:
            raise self._open_error(exc) from None

    def _open_error(self, exc: Exception) -> StoreError:
        msg = " ".join(str(exc).split())
        if "Could not set lock" in msg or "Conflicting lock" in msg:
            pid = re.search(r"PID (\d+)", msg)
            who = f"PID {pid[1]}" if pid else "PID unknown"
            return StoreError(
                f"{self.path}: opened by another process ({who}); close the store there "
                "(store.close(), or restart that notebook kernel) and try again"
            )
        if "different configuration" in msg:
            return StoreError(f"{self.path}: already open in this process with another "
                              "read_only setting; close that Store first")  # fmt: skip
        bak = self.backup_path
        hint = (
            f"restore the backup: mv {self.path} {self.path}.broken; rm -f {self.path}.wal; "
            f"cp {bak} {self.path}"
            if bak.is_file()
            else f"no backup ({bak.name}) exists: move the file away and re-ingest"
        )
        return StoreError(f"{self.path}: not a readable workbench store ({msg[:160]}); {hint}")

    def _migrate(self) -> None:
        try:
            names = set(self._query(
                "SELECT table_name FROM duckdb_tables() WHERE database_name = current_database()"
            ).table_name)  # fmt: skip
            version = int(self._meta("schema_version") or 0) if "meta" in names else 0
        except (duckdb.Error, ValueError) as exc:
            raise self._open_error(exc) from None
        if names and "meta" not in names:
            raise StoreError(f"{self.path}: a DuckDB file but not a workbench store; "
                             "choose another --store path")  # fmt: skip
        target = len(MIGRATIONS)
        if version > target:
            raise StoreError(f"{self.path}: store version {version} is newer than this workbench "
                             f"reads ({target}); upgrade workbench")  # fmt: skip
        if version == target:
            if not self.read_only and not self.backup_path.exists():
                self._backup()
            return
        if self.read_only:
            raise StoreError(f"{self.path}: store version {version} needs upgrading to {target}; "
                             "open it once without read_only")  # fmt: skip
        if version > 0:
            self._backup()  # the state before the upgrade
        try:
            with self._transaction():
                for v in range(version, target):
                    MIGRATIONS[v](self._con_())
                    self._set_meta("schema_version", str(v + 1))
        except Exception as exc:
            raise StoreError(
                f"{self.path}: upgrading store version {version} to {target} failed "
                f"({' '.join(str(exc).split())[:160]}); the file is unchanged"
            ) from exc
        if version == 0:  # a new store; after an upgrade the .bak keeps the old version
            self._backup()

    def _backup(self) -> None:
        """Refresh ``<store>.bak``: checkpoint, copy beside it, then rename over the old one."""
        if self.read_only or self._depth or self._con is None:
            return
        self._sql("CHECKPOINT")
        tmp = self.backup_path.with_name(self.backup_path.name + ".tmp")
        shutil.copyfile(self.path, tmp)
        with open(tmp, "rb+") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, self.backup_path)
        self._last_backup, self._unbacked = time.monotonic(), False

    @contextmanager
    def _transaction(self) -> Iterator[None]:
        """One transaction; nested uses join the outer one."""
        if self._depth:
            self._depth += 1
            try:
                yield
            finally:
                self._depth -= 1
            return
        con = self._con_()
        con.execute("BEGIN TRANSACTION")
        self._depth = 1
        try:
            yield
        except BaseException:
            self._depth = 0
            con.execute("ROLLBACK")
            raise
        self._depth = 0
        con.execute("COMMIT")

    def _writable(self) -> None:
        self._con_()
        if self.read_only:
            raise StoreError(
                f"{self.path}: opened read-only; open it without read_only to change it"
            )

    def _con_(self) -> duckdb.DuckDBPyConnection:
        if self._con is None:
            raise StoreError(f"{self.path}: the store is closed; open it again with Store.open()")
        return self._con

    def _sql(self, sql: str, params: list | None = None) -> None:
        self._con_().execute(sql, params or []).fetchall()

    def _query(
        self, sql: str, params: list | None = None, *, table: str | None = None
    ) -> pd.DataFrame:
        df = self._con_().execute(sql, params or []).df()
        for col, dtype in (schema.COLUMNS.get(table) or {}).items():
            if dtype == schema.LIST and col in df:  # DuckDB lists arrive as numpy arrays
                df[col] = df[col].map(_as_list)
        return schema.conform(df, table) if table else df

    def _frame(self, name: str, df: pd.DataFrame) -> str:
        """Make ``df`` visible to SQL as ``name`` (until the next call with that name)."""
        self._con_().register(name, df)
        return name

    def _insert(self, table: str, df: pd.DataFrame) -> None:
        types = self._types[table]
        columns = [c for c in df.columns if c in types]
        if df.empty:
            return
        frame = self._frame("_insert", df[columns])
        cols = ", ".join(f'"{c}"' for c in columns)
        select = ", ".join(f'CAST("{c}" AS {types[c]})' for c in columns)
        self._sql(f"INSERT INTO {table} ({cols}) SELECT {select} FROM {frame}")

    def _sync_columns(self) -> None:
        """Learn column types; add the columns ``schema.COLUMNS`` gained since the store was
        made (a removed column stays, unused; a changed dtype needs a migration)."""

        def types() -> dict[str, dict[str, str]]:
            out: dict[str, dict[str, str]] = {}
            for table, col, sql_type in (
                self._con_()
                .execute(
                    "SELECT table_name, column_name, data_type FROM duckdb_columns() "
                    "WHERE database_name = current_database()"
                )
                .fetchall()
            ):
                out.setdefault(table, {})[col] = sql_type
            return out

        self._types = types()
        missing = [(table, col, _SQL[dtype]) for table in _MIRRORED
                   for col, dtype in _columns(table).items()
                   if col not in self._types.get(table, {})]  # fmt: skip
        if missing and not self.read_only:
            with self._transaction():
                for table, col, sql_type in missing:
                    self._sql(f'ALTER TABLE {table} ADD COLUMN "{col}" {sql_type}')
            self._types = types()

    def _meta(self, key: str) -> str | None:
        found = self._con_().execute("SELECT value FROM meta WHERE key = ?", [key]).fetchall()
        return found[0][0] if found else None

    def _set_meta(self, key: str, value: str) -> None:
        self._sql("DELETE FROM meta WHERE key = ?", [key])
        self._sql("INSERT INTO meta VALUES (?, ?)", [key, value])


def open_store(path: str | Path | None = None, *, fresh: bool = False, **options: Any) -> Store:
    """Open the store at ``path``; with ``fresh=True`` start an empty one.

    A fresh start never deletes anything: the existing file (and its ``.wal`` and
    ``.bak``) is moved aside to ``<name>.previous``, which a walkthrough notebook uses
    so that every run shows the same thing.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "s.duckdb"
    >>> _ = path.write_text("an analyst's old store")
    >>> open_store(path, fresh=True).close()
    >>> path.with_name("s.duckdb.previous").read_text()
    "an analyst's old store"
    """
    path = Path(path) if path else DEFAULT_STORE
    if fresh and path.exists():
        for suffix in ("", ".wal", ".bak"):
            old = path.with_name(path.name + suffix)
            if old.exists():
                old.replace(path.with_name(path.name + suffix + ".previous"))
    path.parent.mkdir(parents=True, exist_ok=True)
    return Store.open(path, **options)


def _as_list(value: Any) -> list[str]:
    if value is None or isinstance(value, (str, float)):
        return []
    return [str(x) for x in value]


def _content_hash(report: Any) -> str:
    """What tagging depends on: the title and body as stored."""
    text = f"{report.title if isinstance(report.title, str) else ''}\0{report.body}"
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _now() -> pd.Timestamp:
    return pd.Timestamp(datetime.now(UTC).replace(tzinfo=None))


def _author() -> str:
    return os.environ.get("WORKBENCH_AUTHOR") or os.environ.get("USER") or "analyst"


def _write_atomic(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)
