"""The orchestrator: reports -> tags -> corpus tables, cached and corrected in one store.

``Store`` is *the store object* that notebooks, panels and the CLI use: ``ingest`` reads
reports, tags only the ones not tagged before with the same pipeline version and model
(so re-running over an unchanged folder does no NLP work and never loads the model), and
caches the mentions in the store's file; ``tables`` rebuilds the corpus tables from the
cached mentions, replaying the corrections ledger (``workbench.resolve.corrections``)
before and after resolution, so corrections survive re-runs and pipeline upgrades.

It drives the stages; the file itself is ``workbench.store.database.Database``, which
knows nothing of reading, tagging or resolving.
"""

from __future__ import annotations

import re
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pandas as pd

from workbench import config, schema
from workbench.corpus import ledger as ledger_file
from workbench.corpus import outputs
from workbench.errors import CorrectionError, StoreError
from workbench.lexicon import gazetteer
from workbench.resolve import corrections
from workbench.resolve.scorer import score_records
from workbench.store.database import RESOLVED, Database

#: Reports tagged per transaction: a killed ingest keeps all finished batches.
INGEST_BATCH = 64
#: Seconds between backup refreshes while single corrections are being written.
BACKUP_INTERVAL = 60.0


class Store:
    """One corpus store: cached tagging, the corrections ledger, corrected tables.

    Open with ``Store.open(path)`` (default ``build/workbench.duckdb``), preferably as a
    context manager. ``tagger`` and ``resolver`` replace :func:`workbench.nlp.tagging.tag`
    (``{"mentions": ..., "events_raw": ...}`` per batch of reports) and
    :func:`workbench.resolve.tables.resolve` (tests use cheap fakes). Not thread-safe.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from workbench import schema
    >>> def tagger(reports, *, nlp=None, progress=False):
    ...     return {"mentions": schema.conform([{"report_id": r, "start": 0, "end": 3,
    ...         "text": "SDF", "kind": "actor"} for r in reports.report_id], "mentions")}
    >>> def resolver(reports, mentions, *, events_raw=None):
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
        self._db = Database(path, read_only=read_only)
        self._tagger, self._resolver = tagger, resolver
        self._model = config.model_name(None)
        self._base: tuple | None = None  # (key, (tables, statuses, touched)) after resolve
        self._final: tuple | None = None  # (key, Replay) after every correction
        self._auto: tuple | None = None  # (key, tables) with no corrections at all
        self._dirty = False  # the final tables differ from the materialised ones
        self._read: dict[str, tuple] = {}  # reports, problems by raw generation
        #: Process id -> reports it tagged in the last :meth:`ingest` (one per worker).
        self.tagged_by: dict[int, int] = {}

    @classmethod
    def open(cls, path: str | Path | None = None, **options: Any) -> Store:
        """Open (or create) the store at ``path``: the same as ``Store(path, **options)``."""
        return cls(path, **options)

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        state = "closed" if self._db.closed else "read-only" if self.read_only else "open"
        return f"<Store {self.path} ({state})>"

    @property
    def path(self) -> Path:
        return self._db.path

    @property
    def read_only(self) -> bool:
        return self._db.read_only

    @property
    def backup_path(self) -> Path:
        """The automatic backup copy: ``<store>.bak``."""
        return self._db.backup_path

    def close(self) -> None:
        """Write pending materialised tables and the backup, then release the file."""
        db = self._db
        if db.closed:
            return
        try:
            if not db.read_only and db.depth == 0:
                if self._dirty and self._final is not None:
                    self._materialise(*self._final)
                if db.unbacked:
                    db.backup()
        finally:
            db.close()

    # -- ingest ----------------------------------------------------------------------

    def ingest(
        self,
        paths_or_reports: str | Path | Iterable[str | Path] | pd.DataFrame,
        *,
        nlp: Any = None,
        model: str | None = None,
        workers: int = 1,
        dask: bool = False,
        scheduler: str | None = None,
        on_cluster: Callable[[str | None], None] | None = None,
        progress: bool = True,
    ) -> dict[str, int]:
        """Read reports and tag the ones not tagged yet with this pipeline version and model.

        Files are read, tagged and written a batch at a time (:data:`INGEST_BATCH`
        reports, or fewer as long), each batch committed before the next is read, so
        memory stays bounded and an interrupted ingest resumes where it stopped
        (:mod:`workbench.corpus.ingest`). The pipeline loads only if something needs
        tagging. A report whose tagging fails is a problem row naming its file.

        Parameters
        ----------
        paths_or_reports
            Files or folders (read with :func:`workbench.read.reports.read_batches`), or a
            reports table.
        nlp
            A loaded pipeline to reuse; default: ``load_pipeline(model)`` when needed.
        model
            The spaCy model, part of the cache key (default ``config.model_name()``).
        workers
            Tagging processes, each loading the model once (:mod:`workbench.corpus.workers`);
            the result is the same as with one.
        dask, scheduler, on_cluster
            Tag on a local Dask cluster of ``workers`` processes, or on the cluster at
            ``scheduler`` (:mod:`workbench.corpus.cluster`); ``on_cluster`` is called
            with its dashboard link (or None) once it is up.
        progress
            Show a tagging progress bar (only when there is tagging to do).

        Returns
        -------
        dict
            ``read``; ``new`` (unknown text at an unknown path), ``changed`` (new text
            at a known path), ``unchanged`` (text already stored); ``tagged`` and
            ``skipped`` (mentions taken from the cache); ``problems`` (unreadable files,
            reports that failed tagging). :attr:`tagged_by` says which process tagged
            how many.
        """
        from workbench.corpus.ingest import ingest
        from workbench.nlp.version import PIPELINE_VERSION

        db = self._writable()
        counts, self.tagged_by = ingest(
            db,
            paths_or_reports,
            tagger=self._tagger,
            nlp=nlp,
            model=config.model_name(model),
            version=str(PIPELINE_VERSION),
            workers=workers,
            dask=dask,
            scheduler=scheduler,
            on_cluster=on_cluster,
            batch=INGEST_BATCH,
            progress=progress,
        )
        return counts

    # -- tables ----------------------------------------------------------------------

    def tables(self, *, model: str | None = None) -> dict[str, pd.DataFrame]:
        """Every corpus table, corrected: ``reports``, ``problems``, what ``resolve``
        builds (``mentions``, ``actors``, ``places``, ``dates``, ``relations``, ``events``)
        and the ``incidents`` of the corrected events, with the incident corrections.

        Mentions come from the cache for ``model`` (else the model last used for each
        report); mention corrections are replayed before resolution and the others after.
        Cheap when nothing changed: the result is kept in memory and in the store.
        """
        replay = self._state(model)
        out = {name: self.table(name) for name in ("reports", "problems")}
        out.update({name: replay.tables[name].reset_index(drop=True) for name in RESOLVED})
        out["incidents"] = corrections.incidents(replay, self._db.ledger, out["reports"])
        return out

    def table(self, name: str, *, model: str | None = None) -> pd.DataFrame:
        """One table of :meth:`tables`; ``reports`` and ``problems`` need no resolution,
        ``events_raw`` (every event the parse found, before resolution) none either."""
        if name == "events_raw":
            return self._db.raw_events(self._model if model is None else model)
        if name == "incidents":
            return self.tables(model=model)["incidents"]
        if name in ("reports", "problems"):  # kept in memory until an ingest changes them
            generation = self._db.generation_key()[0]
            if self._read.get(name, (None,))[0] != generation:
                self._read[name] = (generation, self._db.read_table(name))
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
            A key of :data:`workbench.resolve.corrections.KINDS`, e.g. ``"merge_actors"``.
        author, reason
            Kept in the ledger (author defaults to ``$WORKBENCH_AUTHOR`` or ``$USER``).
        **fields
            The correction's fields. Mentions are named by ``report_id``, ``start`` and
            ``end`` (``text`` comes from the report body, and is checked if given);
            actors and places by id or canonical name.

        Recording again the last correction in force of its kind (same fields) writes
        nothing and returns that entry's id, so re-running a notebook never doubles one.

        Raises
        ------
        CorrectionError
            The correction is malformed, or its target is not in the current tables.
        """
        db = self._writable()
        if kind == "undo":
            raise CorrectionError("undo: use store.undo(entry_id) (or `workbench correct undo ID`)")
        if (
            kind in corrections.KINDS
            and "report_id" in fields
            and ("start" in fields or kind == "add_event")
        ):
            fields = self._filled(kind, fields)
        payload = corrections.check(kind, fields)  # raises for an unknown kind too
        active, _ = corrections.active_entries(db.ledger())
        last = next((e for e in reversed(active) if e["kind"] == kind), None)
        if last is not None and corrections.same_payload(payload, last["payload"]):
            return int(last["id"])  # a re-run notebook, a double click: already there
        entry, trial = {"uuid": str(uuid.uuid4()), "kind": kind, "payload": payload}, None
        if corrections.KINDS[kind].stage == "tables":
            trial = self._state(None).copy()
            status, detail = corrections.apply(trial, entry)
            if status == "stale":
                raise CorrectionError(f"{kind}: {detail}")
        elif kind != "add_mention":
            self._check_mention(kind, entry["payload"])
        built_on = self._final[0] if trial is not None and self._final else None
        entry_id = db.append(entry, author=author, reason=reason)
        key = self._key(self._model)
        if (
            built_on is not None and key[0] == built_on[0] and key[1] == entry_id == built_on[1] + 1
        ):  # nobody wrote in between: the trial is the new state (else the next read replays)
            self._final, self._dirty = (key, trial), True
        if time.monotonic() - db.last_backup > BACKUP_INTERVAL:
            db.backup()
        return entry_id

    def undo(self, entry_id: int, *, author: str | None = None, reason: str = "") -> int:
        """Undo correction ``entry_id`` by appending an ``undo`` entry; return its id.

        Undoing an ``undo`` re-applies what it undid.
        """
        db = self._writable()
        if isinstance(entry_id, bool) or not str(entry_id).strip().isdigit():
            raise CorrectionError(f"undo: an entry id is a whole number, not {entry_id!r}")
        target = db.entry_uuid(int(entry_id))
        if target is None:
            raise CorrectionError(f"no correction #{entry_id}; see store.corrections()")
        _, statuses = corrections.active_entries(db.ledger())
        if statuses.get(target, ("",))[0] == "undone":
            raise CorrectionError(f"correction #{entry_id} is already undone")
        entry = {"uuid": str(uuid.uuid4()), "kind": "undo", "payload": {"entry": target}}
        return db.append(entry, author=author, reason=reason)

    @contextmanager
    def batch(self) -> Iterator[Store]:
        """Group corrections into one transaction: all are kept, or none (on an error)."""
        db = self._writable()
        try:
            with db.transaction():
                yield self
        except BaseException:
            self._final = self._base = None
            raise
        db.backup()

    def corrections(self, *, status: bool = True) -> pd.DataFrame:
        """The ledger, oldest first (columns ``schema.COLUMNS["ledger"]``).

        ``status`` replays the ledger to say which entries are ``applied``, ``stale``
        (target no longer found; kept, never dropped) or ``undone``.
        """
        ledger = self._db.ledger()
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
        out = pd.DataFrame(rows, columns=list(schema.COLUMNS["ledger"]))
        out["time"] = pd.to_datetime(out.time, format="ISO8601")
        dtypes = {k: v for k, v in schema.COLUMNS["ledger"].items() if k != "payload"}
        return out.astype(dtypes)

    def export_corrections(self, path: str | Path) -> int:
        """Write the ledger to ``path`` as JSON lines; return the number of entries."""
        ledger = self._db.ledger()
        outputs.write_atomic(Path(path), ledger_file.export_lines(ledger))
        return len(ledger)

    def import_corrections(self, path: str | Path, *, force: bool = False) -> dict[str, int]:
        """Append the entries of a JSON-lines export that this ledger lacks (by uuid).

        Importing the same file twice adds nothing. All lines are checked first; one
        bad line imports nothing. So does a file naming reports, actors or places this
        corpus lacks (another corpus's ledger), unless ``force``. Returns counts
        ``read``, ``added``, ``present`` and ``unknown`` (entries naming a missing target).
        """
        db = self._writable()
        entries = ledger_file.read_entries(path)
        present = {e["uuid"] for e in db.ledger()}
        new = list({e["uuid"]: e for e in entries if e["uuid"] not in present}.values())
        unknown = ledger_file.unknown(new, self._known()) if new else {}
        if unknown and not force:
            raise CorrectionError(ledger_file.describe_unknown(path, unknown))
        missing = {i for ids in unknown.values() for i in ids}
        n_unknown = sum(
            bool(missing & {i for ids in ledger_file.references([e]).values() for i in ids})
            for e in new
        )
        with self.batch():
            for e in new:
                when = pd.Timestamp(e["time"]) if e.get("time") else None
                db.append(e, author=e.get("author"), reason=e.get("reason") or "", when=when)
        return {
            "read": len(entries),
            "added": len(new),
            "present": len(entries) - len(new),
            "unknown": n_unknown,
        }

    # -- outputs built on the corrections --------------------------------------------

    def write_gazetteer(self, path: str | Path | None = None) -> pd.DataFrame:
        """Add confirmed actors (and their aliases) to the user gazetteer; return the rows.

        ``path`` defaults to :func:`workbench.config.user_gazetteer`; see
        :func:`workbench.corpus.outputs.write_gazetteer`.
        """
        replay = self._state(None)
        return outputs.write_gazetteer(replay.tables["actors"], replay.confirmed, path)

    def export_gold(self, path: str | Path, *, all_reports: bool = False) -> int:
        """Write corrected reports as gold JSON lines for ``score_extraction.py``.

        Only reports some correction touched, unless ``all_reports``. Returns the
        number of reports written.
        """
        replay = self._state(None)
        records = self._records(replay.tables, None if all_reports else replay.touched)
        return outputs.write_jsonl(path, records)

    def export(self, out=None, *, acled=None, format: str = "csv") -> list[Path]:
        """Write every corrected table to folder ``out`` (csv, parquet or jsonl) and/or the
        incidents in ACLED's columns to ``acled``: :func:`workbench.corpus.exports.export`."""
        from workbench.corpus.exports import export

        return export(self.tables(), out, acled=acled, format=format)

    def score_against_corrections(self, *, all_reports: bool = False) -> pd.DataFrame:
        """Precision/recall/F1 of the automatic actors and places against the corrected
        ones, over the reports corrections touched (or all). One row per table."""
        replay = self._state(None)
        ids = None if all_reports else replay.touched
        gold = self._records(replay.tables, ids)
        return score_records(gold, self._records(self._automatic(), ids))

    # -- internals: building the tables ---------------------------------------------

    def _state(self, model: str | None) -> corrections.Replay:
        self._model = config.model_name(model) if model else self._model
        key = self._key(self._model)
        if self._final is not None and self._final[0] == key:
            return self._final[1]
        saved = self._db.load_tables(key)
        fresh = saved is None
        if fresh:
            replay = self._replay(key)
        else:
            tables, statuses, extra = saved
            replay = corrections.Replay(
                tables,
                statuses,
                set(extra.get("confirmed", [])),
                dict(extra.get("redirects", {})),
                set(extra.get("touched", [])),
            )
        self._final, self._dirty = (key, replay), fresh
        if fresh and not self.read_only and self._db.depth == 0:
            self._materialise(key, replay)
        return replay

    def _replay(self, key: tuple) -> corrections.Replay:
        active, statuses = corrections.active_entries(self._db.ledger())
        early = [e for e in active if corrections.KINDS[e["kind"]].stage == "mentions"]
        base_key = (key[0], key[2], tuple(e["uuid"] for e in early))
        if self._base is None or self._base[0] != base_key:
            reports = self.table("reports")
            mentions, early_statuses, touched = corrections.replay_mentions(
                self._db.raw_mentions(key[2]), reports, early
            )
            resolved = self._resolve(reports, mentions, self._db.raw_events(key[2]))
            self._base = (base_key, (resolved, early_statuses, touched))
        resolved, early_statuses, touched = self._base[1]
        replay = corrections.replay_tables(resolved, active)
        replay.statuses.update({**statuses, **early_statuses})
        replay.touched |= touched
        return replay

    def _resolve(
        self, reports: pd.DataFrame, mentions: pd.DataFrame, events_raw: pd.DataFrame
    ) -> dict[str, pd.DataFrame]:
        resolver = self._resolver
        if resolver is None:
            from workbench.resolve.tables import resolve as resolver
        out = resolver(reports, mentions, events_raw=events_raw)
        return {name: schema.conform(out.get(name, []), name) for name in RESOLVED}

    def _known(self) -> dict[str, pd.DataFrame]:
        """Reports, and actors, places and events with or without corrections: what entries name."""
        auto, final = self._automatic(), self.tables()
        return {
            "reports": final["reports"],
            **{t: pd.concat([auto[t], final[t]]) for t in ("actors", "places", "events")},
        }

    def _automatic(self) -> dict[str, pd.DataFrame]:
        """The tables with no corrections at all (what the pipeline alone says)."""
        key = self._key(self._model)
        if self._auto is None or self._auto[0] != (key[0], key[2]):
            self._auto = (
                (key[0], key[2]),
                self._resolve(
                    self.table("reports"),
                    self._db.raw_mentions(key[2]),
                    self._db.raw_events(key[2]),
                ),
            )
        return self._auto[1]

    def _records(self, tables: dict[str, pd.DataFrame], ids: set[str] | None) -> list[dict]:
        from workbench.resolve.scorer import scorer_records

        reports = self.table("reports")
        if ids is not None:
            reports = reports[reports.report_id.isin(ids)].reset_index(drop=True)
        return scorer_records({**tables, "reports": reports})

    def _key(self, model: str) -> tuple:
        """What the corrected tables depend on: cached tags, the ledger, the model, and
        the gazetteers (resolution reads them too)."""
        generation, last = self._db.generation_key()
        return (f"{generation}:{gazetteer.fingerprint()}", last, model)

    def _materialise(self, key: tuple, replay: corrections.Replay) -> None:
        extra = {
            "confirmed": sorted(replay.confirmed),
            "redirects": replay.redirects,
            "touched": sorted(replay.touched),
        }
        self._db.save_tables(key, replay.tables, replay.statuses, extra)
        self._dirty = False

    # -- internals: checking corrections ---------------------------------------------

    def _filled(self, kind: str, fields: dict) -> dict:
        """A mention's text (offsets checked), or an added event's sentence, from the report."""
        rid = str(fields["report_id"])
        found = self._db.report_text(rid)
        if found is None:
            raise CorrectionError(f"{kind}: no report {rid!r} in {self.path}")
        if kind != "add_event":
            return corrections.with_text(kind, {**fields, "report_id": rid}, *found)
        published = self.table("reports").set_index("report_id").published.get(rid)
        mentions = self._state(None).tables["mentions"]
        return corrections.with_sentence(fields, mentions, found[1], published)

    def _check_mention(self, kind: str, p: dict) -> None:
        key = [p[k] for k in corrections.MENTION_KEY]
        added = [
            [e["payload"][k] for k in corrections.MENTION_KEY]
            for e in self._db.ledger()
            if e["kind"] == "add_mention"
        ]
        if not self._db.has_raw_mention(*key) and key not in added:
            raise CorrectionError(
                f"{kind}: no mention {p['text']!r} at {p['report_id']}:"
                f"{p['start']}-{p['end']}; use add_mention"
            )

    def _writable(self) -> Database:
        self._db.writable()
        return self._db
