"""Starting, restarting and rebuilding a store, without ever losing the analyst's work.

Moving a store's files is the only dangerous thing a store does, so it happens here, and
only under the exclusive lock (``workbench.store.lock``): refused with one line while the
store is open anywhere, and never deleting or overwriting a file.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from workbench import config
from workbench.corpus.store import Store
from workbench.store import lock


def open_store(path: str | Path | None = None, *, fresh: bool = False, **options: Any) -> Store:
    """Open the store at ``path`` (default :func:`workbench.config.store_path`); with
    ``fresh=True`` start an empty one.

    A fresh start never deletes or overwrites anything: the file and its ``.wal``,
    ``.bak`` and journal move aside under one timestamp (``<name>.previous-<time>`` and
    ``<name>.previous-<time>.wal`` ..., so each copy opens as a store of its own), and
    it is refused with one line while the store is open anywhere (another kernel, a
    command, or an unclosed ``Store`` in this process).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "s.duckdb"
    >>> _ = path.write_text("an analyst's old store")
    >>> open_store(path, fresh=True).close()
    >>> [p.read_text() for p in path.parent.glob("s.duckdb.previous-*")]
    ["an analyst's old store"]
    """
    path = config.store_path(path)
    if fresh:
        _move_aside(path, "previous")
    return Store.open(path, **options)


def rebuild_store(
    path: str | Path | None,
    sources: Any,
    *,
    model: str | None = None,
    progress: bool = True,
    **options: Any,
) -> dict[str, int]:
    """Rebuild a store whose file or WAL is damaged: from the reports and the journal.

    The damaged files move aside (``<name>.damaged-<time>``, nothing is deleted), a new
    store takes every entry of the journal, and ``sources`` are ingested again. Refused
    while the store is open anywhere. Returns the ingest counts and ``corrections``;
    ``options`` go to :class:`~workbench.corpus.store.Store`.
    """
    path = config.store_path(path)
    _move_aside(path, "damaged", journal=False)
    with Store.open(path, **options) as store:
        counts = store.ingest(sources, model=model, progress=progress)
        counts["corrections"] = len(store.corrections(status=False))
        store.tables(model=model)  # resolve and materialise now, not on the first read
    return counts


def _move_aside(path: Path, why: str, *, journal: bool = True) -> None:
    """Move the store's files to ``<name>.<why>-<time>[.wal|.bak|.journal.jsonl]``, never
    over an earlier copy; refused if the store is open."""
    held = lock.exclusive(path)
    try:
        stamp = datetime.now().strftime("%Y%m%dT%H%M%S")
        suffixes = ["", ".wal", ".bak"] + ([".journal.jsonl"] if journal else [])
        n, copy = 1, f"{path.name}.{why}-{stamp}"
        while any(path.with_name(copy + s).exists() for s in suffixes):
            n, copy = n + 1, f"{path.name}.{why}-{stamp}-{n + 1}"
        for suffix in suffixes:
            old = path.with_name(path.name + suffix)
            if old.exists():
                old.replace(path.with_name(copy + suffix))
    finally:
        held.close()
