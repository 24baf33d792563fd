"""Tagging on a Dask cluster: ``workbench ingest PATH --dask`` (or ``--scheduler ADDRESS``).

:class:`ClusterTagging` has the interface of :class:`workbench.corpus.workers.Tagging`, so
:func:`workbench.corpus.ingest.ingest` keeps every rule of a local run: reports are read
in batches, only the ones whose tagging is not cached (content hash, pipeline version,
model, gazetteers) go to the cluster, in partitions bounded by characters
(:func:`~workbench.corpus.workers.tasks`), and each batch is written to the store when
its partitions are back. A task tags one partition on a worker, which loads the model
once (on its first task) and keeps it; it writes the partition's mentions and raw events
as Parquet files under ``parts`` (one file per table and partition), and the store loads
them, then removes them. A worker that dies loses nothing: the scheduler runs its
partitions again elsewhere. A report whose tagging raises is a problem row, as locally.

On a cluster of other machines, ``parts`` must be a folder that the workers and this
process all see (a shared file system).
"""

from __future__ import annotations

import logging
import os
import shutil
import threading
import uuid
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

import pandas as pd

from workbench import schema
from workbench.corpus import workers
from workbench.corpus.workers import Tagged
from workbench.errors import WorkbenchError

#: Times a partition is tried again after its task raised (a worker's death is retried
#: by the scheduler itself, up to ``distributed.scheduler.allowed-failures``).
RETRIES = 2

_LOCK = threading.Lock()  # one partition at a time per worker process: spaCy is not thread-safe
_SETUP: dict[str, Any] = {}


class ClusterTagging:
    """Tag batches of reports as Dask tasks; :meth:`map` yields results in order.

    Parameters
    ----------
    tagger, model, lexicon
        As for :class:`~workbench.corpus.workers.Tagging`.
    workers
        Worker processes of the local cluster (``scheduler`` unset).
    scheduler
        Address of a running scheduler (``tcp://host:8786``) to use instead.
    parts
        Folder for the partitions' Parquet files (made, then removed).
    on_start
        Called with the dashboard link (or None) once the cluster is up.
    """

    def __init__(
        self,
        *,
        tagger: Callable[..., dict] | None = None,
        model: str | None = None,
        workers: int = 2,
        scheduler: str | None = None,
        lexicon: str | None = None,
        parts: Path,
        on_start: Callable[[str | None], None] | None = None,
    ) -> None:
        if workers < 1 and not scheduler:
            raise WorkbenchError(f"--workers must be 1 or more, not {workers}")
        self.tagger, self.model, self.workers, self.scheduler = tagger, model, workers, scheduler
        self.lexicon, self.on_start = lexicon, on_start
        self.parts = Path(parts) / uuid.uuid4().hex[:12]
        self.pids: dict[int, int] = {}
        self.addresses: dict[str, int] = {}  # worker address -> reports it tagged
        self._client = self._cluster = None
        self._where: list[str] = []  # worker addresses, partitions dealt round in turn
        self._sent = 0

    @property
    def slots(self) -> int:
        """Partitions worth having at once: one per worker thread (asked only when there
        is something to tag, so a cluster at ``scheduler`` is reached only then)."""
        if self.scheduler and self._client is None:
            self._start()
        return self.workers

    def __enter__(self) -> ClusterTagging:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None
        if self._cluster is not None:
            self._cluster.close()
            self._cluster = None
        shutil.rmtree(self.parts, ignore_errors=True)
        try:
            self.parts.parent.rmdir()  # only if no other run is using it
        except OSError:
            pass

    def map(self, batches: Iterable[tuple[Any, pd.DataFrame]]) -> Iterator[tuple[Any, Tagged]]:
        """``(key, reports)`` in, ``(key, Tagged)`` out, in order, a few partitions in flight."""
        pending: deque = deque()
        try:
            for key, reports in batches:
                pending.append((key, self._submit(reports), len(reports)))
                while len(pending) > 2 * self.slots:
                    yield self._next(pending)
            while pending:
                yield self._next(pending)
        finally:
            for _, future, _ in pending:
                future.cancel()

    def _start(self) -> None:
        from distributed import Client, LocalCluster

        if self.scheduler:
            self._client = Client(self.scheduler)
            self.workers = max(1, sum(
                w.get("nthreads", 1) for w in self._client.scheduler_info()["workers"].values()
            ))  # fmt: skip
        else:
            self._cluster = LocalCluster(
                n_workers=self.workers,
                threads_per_worker=1,
                processes=True,
                dashboard_address=":0" if _has_bokeh() else None,
                silence_logs=logging.ERROR,
            )
            self._client = Client(self._cluster)
        self._where = sorted(self._client.scheduler_info()["workers"])
        self.parts.mkdir(parents=True, exist_ok=True)
        if self.on_start is not None:
            self.on_start(_dashboard(self._client))

    def _submit(self, reports: pd.DataFrame):
        if self._client is None:
            self._start()
        env = {k: v for k, v in os.environ.items() if k.startswith(workers.ENV_PREFIX)}
        setup = (self.tagger, self.model, env, self.lexicon)
        name = f"tag-{uuid.uuid4().hex[:12]}"
        # dealt to the workers in turn (so each starts on one at once), free to move on
        where = [self._where[self._sent % len(self._where)]] if self._where else None
        self._sent += 1
        return self._client.submit(
            tag_partition, reports, setup, str(self.parts / name),
            key=name, pure=False, retries=RETRIES, workers=where, allow_other_workers=True,
        )  # fmt: skip

    def _next(self, pending: deque) -> tuple[Any, Tagged]:
        key, future, n = pending.popleft()
        try:
            done = future.result()
        except WorkbenchError:
            raise
        except Exception as exc:
            lost = n + sum(m for _, _, m in pending)
            raise WorkbenchError(
                f"a Dask task failed ({type(exc).__name__}: {exc}); {lost} reports of this "
                "run were not tagged (the batches finished before are kept: run again to resume)"
            ) from exc
        tagged = Tagged(
            *(
                schema.conform(pd.read_parquet(done[name]), name)
                for name in ("mentions", "events_raw")
            ),
            failed=done["failed"],
            pid=done["pid"],
        )
        for name in ("mentions", "events_raw"):
            Path(done[name]).unlink(missing_ok=True)
        self.pids[tagged.pid] = self.pids.get(tagged.pid, 0) + n
        self.addresses[done["worker"]] = self.addresses.get(done["worker"], 0) + n
        return key, tagged


def tag_partition(reports: pd.DataFrame, setup: tuple, out: str) -> dict[str, Any]:
    """The Dask task: tag one partition on this worker (the model loaded on its first
    task, kept for the next) and write its tables as ``out.<table>.parquet``."""
    with _LOCK:
        if _SETUP.get("setup") != setup:
            workers._WORKER.clear()
            workers.start_worker(*setup)
            _SETUP["setup"] = setup
        tagged = workers.tag_in_worker(reports)
    paths = {name: f"{out}.{name}.parquet" for name in ("mentions", "events_raw")}
    tagged.mentions.to_parquet(paths["mentions"], index=False)
    tagged.events_raw.to_parquet(paths["events_raw"], index=False)
    try:
        from distributed import get_worker

        address = get_worker().address
    except ValueError:  # run outside a worker (a test calling it directly)
        address = ""
    return {**paths, "failed": tagged.failed, "pid": tagged.pid, "worker": address}


def _has_bokeh() -> bool:
    import importlib.util

    return importlib.util.find_spec("bokeh") is not None


def _dashboard(client: Any) -> str | None:
    try:
        return client.dashboard_link or None
    except (AttributeError, KeyError, ValueError):
        return None
