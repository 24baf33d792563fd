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
from workbench.store.diagnosis import cannot_write, is_permission_error


def hold(path: Path, *, exclusive: bool, write: bool = True) -> Any:
    """A ``flock`` on ``<store>.lock``: shared by every open store, exclusive for a fresh
    start or a rebuild (which must not move a file that someone has open).

    A reader (``write=False``) in a folder it may not write goes without the lock: it
    cannot be fresh-started from there anyway. A writer there is refused with one line
    (:func:`~workbench.store.diagnosis.cannot_write`), before it has changed anything.
    """
    lock = path.with_name(path.name + ".lock")
    try:
        fh = open(lock, "a+")  # noqa: SIM115 (held for the store's lifetime)
    except OSError as exc:
        if write and is_permission_error(exc):
            raise cannot_write(path, exc, file=lock) from None
        return _NoLock()  # a reader in a read-only folder; no folder yet: nothing to guard
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
