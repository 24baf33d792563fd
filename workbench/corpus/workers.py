"""Tagging in worker processes: the model loaded once per worker, results in order.

:class:`Tagging` runs a tagging function (default :func:`workbench.nlp.tagging.tag`) over
batches of reports, in this process (``workers=1``) or in a pool of ``workers``
processes, each of which loads the pipeline once, when it starts. Tagging depends only
on the report, so the batches' results, put back in the order they were sent, are the
same whichever worker tagged them, and the same as one process's.

A report whose tagging raises is named in the batch's ``failed`` (the caller makes it a
problem row with its file) and the rest of its batch is tagged; a worker that dies
(killed, out of memory) stops the run with a :class:`~workbench.errors.WorkbenchError`
naming what was lost, after the batches finished before it.
"""

from __future__ import annotations

import math
import multiprocessing
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from workbench import schema
from workbench.errors import WorkbenchError

#: Reports per batch sent to a worker, at most (fewer when there are few to tag, so
#: that every worker gets some).
TASK_REPORTS = 32
#: Characters of text per batch sent to a worker, about (a long report goes alone).
TASK_CHARS = 200_000
#: Environment variables a worker takes from the caller (settings read at tagging time).
ENV_PREFIX = "WORKBENCH_"

#: Imported once by the fork server, so that each worker starts with them (spaCy, pandas).
PRELOAD = ["workbench.nlp.pipeline", "workbench.nlp.tagging", "workbench.corpus.workers"]
#: This process's pipeline and tagging function once :func:`start_worker` has run.
_WORKER: dict[str, Any] = {}


@dataclass
class Tagged:
    """What one batch's tagging returned: tables, the reports that failed (``report_id
    -> reason``), and which process tagged it."""

    mentions: pd.DataFrame
    events_raw: pd.DataFrame
    failed: dict[str, str] = field(default_factory=dict)
    pid: int = 0


class Tagging:
    """Tag batches of reports in this process or in ``workers`` processes.

    Use as a context manager; :meth:`map` yields each batch's :class:`Tagged` in the
    order the batches came. The pipeline (or the pool) starts only when the first batch
    does, so a run with nothing to tag loads no model.

    Parameters
    ----------
    tagger
        ``tagger(reports, *, nlp=None, progress=False) -> {"mentions", "events_raw"}``;
        default :func:`workbench.nlp.tagging.tag`. With ``workers > 1`` it must be a
        module-level function (it is sent to the workers).
    nlp
        A loaded pipeline to reuse in this process (``workers=1`` only).
    model
        The model a worker (or this process) loads.
    workers
        Processes; 1 tags here.
    lexicon
        The gazetteers' fingerprint the caller keys the cache with: a worker that sees
        another (a setting changed under it) refuses to tag.
    """

    def __init__(
        self,
        *,
        tagger: Callable[..., dict] | None = None,
        nlp: Any = None,
        model: str | None = None,
        workers: int = 1,
        lexicon: str | None = None,
    ) -> None:
        if workers < 1:
            raise WorkbenchError(f"--workers must be 1 or more, not {workers}")
        self.tagger, self.nlp, self.model, self.workers = tagger, nlp, model, workers
        self.lexicon = lexicon
        self.pids: dict[int, int] = {}  # process id -> reports it tagged
        self._pool: ProcessPoolExecutor | None = None
        self._ready = False  # this process's pipeline is loaded

    @property
    def slots(self) -> int:
        """Batches worth having at once: one per worker."""
        return self.workers

    def __enter__(self) -> Tagging:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    def map(self, batches: Iterable[tuple[Any, pd.DataFrame]]) -> Iterator[tuple[Any, Tagged]]:
        """``(key, reports)`` in, ``(key, Tagged)`` out, in the same order; with workers,
        a few batches are in flight at once (reading the next ones meanwhile)."""
        if self.workers == 1:
            for key, reports in batches:
                yield key, self._count(self._here(reports), len(reports))
            return
        pending: deque[tuple[Any, Future, int]] = deque()
        try:
            for key, reports in batches:
                pending.append((key, self._submit(reports), len(reports)))
                while len(pending) > 2 * self.workers:
                    yield self._next(pending)
            while pending:
                yield self._next(pending)
        finally:
            for _, future, _ in pending:
                future.cancel()

    def _here(self, reports: pd.DataFrame) -> Tagged:
        if self.tagger is None and not self._ready:
            from workbench.nlp.pipeline import load_pipeline, refresh_actors

            # loaded only now that there is work; a kept one matches today's gazetteers
            self.nlp = load_pipeline(self.model) if self.nlp is None else refresh_actors(self.nlp)
            self._ready = True
        return tag_batch(reports, tagger=self.tagger, nlp=self.nlp)

    def _submit(self, reports: pd.DataFrame) -> Future:
        if self._pool is None:
            env = {k: v for k, v in os.environ.items() if k.startswith(ENV_PREFIX)}
            self._pool = ProcessPoolExecutor(
                self.workers,
                mp_context=_context(),
                initializer=start_worker,
                initargs=(self.tagger, self.model, env, self.lexicon),
            )
        return self._pool.submit(tag_in_worker, reports)

    def _next(self, pending: deque) -> tuple[Any, Tagged]:
        key, future, n = pending.popleft()
        try:
            return key, self._count(future.result(), n)
        except BrokenProcessPool as exc:
            lost = n + sum(m for _, _, m in pending)
            raise WorkbenchError(
                f"a tagging worker died ({exc.__cause__ or exc}); {lost} reports of this run "
                "were not tagged (the batches finished before are kept: run again to resume)"
            ) from exc

    def _count(self, tagged: Tagged, n: int) -> Tagged:
        self.pids[tagged.pid] = self.pids.get(tagged.pid, 0) + n
        return tagged


def tasks(reports: pd.DataFrame, *, workers: int = 1) -> list[pd.DataFrame]:
    """``reports`` cut into batches for :meth:`Tagging.map`: at most :data:`TASK_REPORTS`
    reports and about :data:`TASK_CHARS` characters each, and at least ``workers``
    batches when there are that many reports.

    Examples
    --------
    >>> from workbench import schema
    >>> r = schema.conform([{"report_id": f"r{i}", "body": "x" * 10} for i in range(5)],
    ...                    "reports")
    >>> [len(t) for t in tasks(r, workers=2)]
    [3, 2]
    """
    per = min(TASK_REPORTS, max(1, math.ceil(len(reports) / workers)))
    sizes = (reports.body.str.len() + reports.title.fillna("").str.len()).tolist()
    out, start, chars = [], 0, 0
    for i, size in enumerate(sizes):
        if i > start and (i - start >= per or chars + size > TASK_CHARS):
            out.append(reports.iloc[start:i])
            start, chars = i, 0
        chars += size
    if start < len(reports):
        out.append(reports.iloc[start:])
    return out


def tag_batch(reports: pd.DataFrame, *, tagger: Callable[..., dict] | None, nlp: Any) -> Tagged:
    """Tag one batch; if that raises, tag its reports one by one and name the ones that
    fail (so one bad report costs only itself)."""
    if tagger is None:
        from workbench.nlp.tagging import tag as tagger
    reports = reports[list(schema.COLUMNS["reports"])]
    try:
        return _tagged(tagger(reports, nlp=nlp, progress=False))
    except Exception:  # noqa: BLE001 - any failure of one report must not stop the rest
        if len(reports) == 1:
            return _tagged({}, failed={reports.report_id.iloc[0]: _reason()})
    parts, failed = [], {}
    for i in range(len(reports)):
        one = tag_batch(reports.iloc[i : i + 1], tagger=tagger, nlp=nlp)
        parts.append(one)
        failed.update(one.failed)
    return Tagged(
        *(
            schema.conform(pd.concat([getattr(p, name) for p in parts]), name)
            for name in ("mentions", "events_raw")
        ),
        failed=failed,
        pid=os.getpid(),
    )


def _tagged(found: dict, *, failed: dict | None = None) -> Tagged:
    return Tagged(
        schema.conform(found.get("mentions", []), "mentions"),
        schema.conform(found.get("events_raw", []), "events_raw"),
        failed=failed or {},
        pid=os.getpid(),
    )


def _reason() -> str:
    import sys

    return f"tagging failed: {_one_line(sys.exc_info()[1])}"


def _context() -> multiprocessing.context.BaseContext:
    """A fresh process per worker (never a fork of a parent holding DuckDB and threads);
    on Linux a fork server that has imported :data:`PRELOAD` once, so each worker starts
    quickly."""
    if "forkserver" in multiprocessing.get_all_start_methods():
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload(PRELOAD)
        return ctx
    return multiprocessing.get_context("spawn")


def start_worker(
    tagger: Callable[..., dict] | None, model: str | None, env: dict[str, str], lexicon: str | None
) -> None:
    """Runs once in each worker: the caller's settings, then the pipeline. What goes
    wrong is kept and raised by every task, so the caller gets the reason (a pool whose
    initializer raises only says that a process ended)."""
    for key in [k for k in os.environ if k.startswith(ENV_PREFIX)]:
        del os.environ[key]
    os.environ.update(env)
    try:
        if lexicon is not None:
            from workbench.lexicon import gazetteer

            if (seen := gazetteer.fingerprint()) != lexicon:
                raise WorkbenchError(
                    f"a tagging worker reads other data files than this process (lexicon "
                    f"{seen}, not {lexicon}): were workbench/data or the user gazetteer "
                    "changed while it ran? Open the store again"
                )
        nlp = None
        if tagger is None:
            from workbench.nlp.pipeline import load_pipeline

            nlp = load_pipeline(model)
        _WORKER.update(tagger=tagger, nlp=nlp)
    except Exception as exc:  # noqa: BLE001 - reported by each task instead
        _WORKER["error"] = exc


def tag_in_worker(reports: pd.DataFrame) -> Tagged:
    if "error" in _WORKER:
        error = _WORKER["error"]
        if isinstance(error, WorkbenchError):
            raise error
        raise WorkbenchError(f"a tagging worker could not start: {_one_line(error)}")
    return tag_batch(reports, tagger=_WORKER["tagger"], nlp=_WORKER["nlp"])


def _one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split())[:200]
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__
