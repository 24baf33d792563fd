"""Who has a store open: a ``flock`` on ``<store>.lock`` beside it.

DuckDB's own lock lasts one operation (connections are short, so several kernels can
share a store); this one lasts as long as a store is open anywhere. Every open store
holds it shared; a fresh start or a rebuild, which move the file, need it exclusive and
are refused with one line while anyone else has the store open.
"""

from __future__ import annotations

import fcntl
from pathlib import Path
from typing import Any

from workbench.errors import StoreError


def hold(path: Path, *, exclusive: bool) -> Any:
    """A ``flock`` on ``<store>.lock``: shared by every open store, exclusive for a fresh
    start or a rebuild (which must not move a file that someone has open)."""
    lock = path.with_name(path.name + ".lock")
    try:
        fh = open(lock, "a+")  # noqa: SIM115 (held for the store's lifetime)
    except OSError:
        return _NoLock()  # a read-only folder: readers cannot be fresh-started anyway
    try:
        fcntl.flock(fh, (fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH) | fcntl.LOCK_NB)
    except BlockingIOError:
        fh.close()
        what = "open elsewhere (another kernel or command)" if exclusive else "being replaced"
        raise StoreError(f"{path}: the store is {what}; close it there first") from None
    return fh


def exclusive(path: Path) -> Any:
    """Hold ``path`` exclusively (close the returned handle to release it); refused with
    one line while any process has the store open."""
    return hold(path, exclusive=True)


class _NoLock:
    def close(self) -> None:
        pass
