"""Ingest: reports flow from the files through tagging into the store, batch by batch.

Files are read a few at a time (:func:`workbench.read.reports.read_batches`, bounded by
characters and by reports), each batch's reports are looked up in the tagging cache, the
ones not tagged yet go through :class:`workbench.corpus.workers.Tagging` (here or in
worker processes), and the batch is written in its own transaction before the next is
read. So memory does not grow with the folder, and an interrupted ingest keeps every
finished batch: the next run tags only the rest.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

import pandas as pd

from workbench import schema
from workbench.corpus.workers import Tagging, tasks
from workbench.lexicon import gazetteer
from workbench.store import lexicons
from workbench.store.database import Database

#: Characters of report text read (and written) per batch, about.
BATCH_CHARS = 1_000_000


def ingest(
    db: Database,
    source: str | Path | Iterable[str | Path] | pd.DataFrame,
    *,
    tagger: Callable[..., dict] | None = None,
    nlp: Any = None,
    model: str,
    version: str,
    workers: int = 1,
    dask: bool = False,
    scheduler: str | None = None,
    on_cluster: Callable[[str | None], None] | None = None,
    batch: int = 64,
    progress: bool = True,
) -> tuple[dict[str, int], dict[int, int]]:
    """What :meth:`workbench.corpus.Store.ingest` does, on ``db``: its counts, and how
    many reports each process (by id) tagged. With ``dask`` or a ``scheduler``, the
    tagging runs as Dask tasks (:mod:`workbench.corpus.cluster`), ``workers`` being the
    local cluster's size."""
    from tqdm.auto import tqdm

    cache = _Cache(db, version=version, model=model)
    stored = db.stored_reports()
    ids, paths = set(stored.report_id), set(stored.path)
    counts = dict.fromkeys(("read", "new", "changed", "unchanged", "tagged", "skipped"), 0)
    counts["problems"] = 0
    wrote = False
    bar = tqdm(desc="tagging", unit="report", total=0, disable=True)  # shown once there is work
    if dask or scheduler:
        from workbench.corpus.cluster import ClusterTagging

        tagging: Any = ClusterTagging(
            tagger=tagger,
            model=model,
            workers=workers,
            scheduler=scheduler,
            lexicon=cache.lexicon,
            parts=db.path.with_name(db.path.name + ".parts"),
            on_start=on_cluster,
        )
    else:
        tagging = Tagging(
            tagger=tagger, nlp=nlp, model=model, workers=workers, lexicon=cache.lexicon
        )
    with tagging:

        def todo() -> Iterator[tuple[Any, pd.DataFrame]]:
            """Write what needs no tagging; hand on the rest, a batch of tasks at a time."""
            nonlocal wrote, bar
            for reports, problems in _batches(source, batch=batch):
                reports = reports.assign(
                    content_hash=[_content_hash(r) for r in reports.itertuples()]
                )
                is_cached = cache.valid(reports)
                known = reports.report_id.isin(ids)
                counts["read"] += len(reports)
                counts["new"] += int((~known & ~reports.path.isin(paths)).sum())
                counts["changed"] += int((~known & reports.path.isin(paths)).sum())
                counts["unchanged"] += int(known.sum())
                counts["skipped"] += int(is_cached.sum())
                counts["problems"] += len(problems)
                left = reports[~is_cached]
                if len(left) and progress:
                    if bar.disable:
                        bar = tqdm(desc="tagging", unit="report", total=len(left))
                    else:
                        bar.total += len(left)
                        bar.refresh()
                parts = tasks(left, workers=tagging.slots) if len(left) else []
                if not parts:  # nothing to tag: written now (metadata, problems)
                    wrote = _write(db, reports, problems, is_cached, []) or wrote
                    continue
                batch_state = {"reports": reports, "problems": problems, "cached": is_cached,
                               "left": len(parts), "done": []}  # fmt: skip
                for part in parts:
                    yield batch_state, part

        try:
            for state, tagged in tagging.map(todo()):
                state["done"].append(tagged)
                state["left"] -= 1
                if state["left"] == 0:  # the batch's last task: write it all at once
                    _write(db, state["reports"], state["problems"], state["cached"], state["done"],
                           version=version, model=model, lexicon=cache.lexicon)  # fmt: skip
                    n = int((~state["cached"]).sum())
                    failed = sum(len(t.failed) for t in state["done"])
                    counts["tagged"] += n - failed
                    counts["problems"] += failed
                    if bar.n + n < bar.total:
                        bar.update(n)
                    else:
                        bar.n += n  # done: close() draws the 100 % line, once
                    wrote = True
        finally:
            bar.close()
    if wrote:
        db.prune()
        db.backup()
    return counts, dict(tagging.pids)


def _batches(source: Any, *, batch: int) -> Iterator[tuple[pd.DataFrame, pd.DataFrame]]:
    if isinstance(source, pd.DataFrame):
        reports = schema.conform(source, "reports").drop_duplicates("report_id")
        reports = reports.reset_index(drop=True)
        if reports.empty:
            yield reports, schema.empty("problems")
        for start in range(0, len(reports), batch):
            yield (
                reports.iloc[start : start + batch].reset_index(drop=True),
                schema.empty("problems"),
            )
        return
    from workbench.read.reports import read_batches

    yield from read_batches(
        source, chars=BATCH_CHARS, reports=batch
    )  # no bar: a re-run stays quiet


def _write(
    db: Database,
    reports: pd.DataFrame,
    problems: pd.DataFrame,
    is_cached: pd.Series,
    done: list,
    **key: str,
) -> bool:
    """One batch in one transaction: tagged reports with their tags, the metadata of
    cached ones, and the problems of every path read (tagging failures among them)."""
    failed = {rid: why for t in done for rid, why in t.failed.items()}
    if failed:
        path = dict(zip(reports.report_id, reports.path, strict=True))
        extra = [{"path": path[rid], "reason": why} for rid, why in failed.items()]
        problems = schema.conform([*problems.to_dict("records"), *extra], "problems")
    with db.transaction():
        wrote = db.write_reports(reports[is_cached], only_changed=True)
        if done:
            tagged = reports[~is_cached & ~reports.report_id.isin(failed)]
            hashes = tagged[["report_id", "content_hash"]]
            mentions, events = (
                schema.conform(pd.concat([getattr(t, name) for t in done]), name).merge(
                    hashes, on="report_id"
                )
                for name in ("mentions", "events_raw")
            )
            db.write_tagged(tagged, mentions, events, **key)
        wrote = db.write_problems(reports, problems) or wrote
    return wrote


class _Cache:
    """Which reports' cached tagging is still valid under today's gazetteers: rows of this
    lexicon, and rows of an earlier one whose report names no actor whose entry changed
    since (re-keyed, not re-tagged). Rows of an unknown earlier lexicon are re-tagged."""

    def __init__(self, db: Database, *, version: str, model: str) -> None:
        self.db, self.version, self.model = db, version, model
        self.lexicon, self.base = gazetteer.fingerprint(), gazetteer.base_fingerprint()
        cached = db.cached(version, model)
        current = cached.lexicon == self.lexicon
        self.done = set(zip(cached.report_id[current], cached.content_hash[current], strict=True))
        self.hashes = dict(zip(cached.report_id, cached.content_hash, strict=True))
        old = cached[~current]
        self.old: dict[str, str] = dict(zip(old.report_id, old.lexicon, strict=True))
        self.recorded: dict[str, Any] = {}
        self.terms = gazetteer.actor_terms()
        lexicons.save(db, self.lexicon, self.base, self.terms)

    def valid(self, reports: pd.DataFrame) -> pd.Series:
        """True for each report whose tagging need not run again (re-keying the ones
        carried over from an earlier lexicon)."""
        keep: list[str] = []
        here = reports[reports.report_id.isin(self.old)]
        for previous, rows in here.groupby(here.report_id.map(self.old)):
            if previous not in self.recorded:
                self.recorded[previous] = lexicons.load(self.db, previous)
            recorded = self.recorded[previous]
            if recorded is not None and recorded[0] == self.base:
                text = {r.report_id: f"{r.title or ''}\n{r.body}" for r in rows.itertuples()}
                keep += gazetteer.unaffected(text, recorded[1], self.terms)
        if keep:
            lexicons.rekey(
                self.db, keep, version=self.version, model=self.model, lexicon=self.lexicon
            )
            self.done |= {(rid, self.hashes[rid]) for rid in keep}
        pairs = zip(reports.report_id, reports.content_hash, strict=True)
        return pd.Series([k in self.done for k in pairs], index=reports.index, dtype=bool)


def _content_hash(report: Any) -> str:
    """What tagging depends on: the title and body as stored."""
    text = f"{report.title if isinstance(report.title, str) else ''}\0{report.body}"
    return hashlib.sha256(text.encode()).hexdigest()[:16]
