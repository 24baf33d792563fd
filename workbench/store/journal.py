"""The corrections journal: every ledger entry, in a plain file that outlives the database.

A correction is the analyst's work; the DuckDB file is a cache of it. Each entry is
appended here (one JSON line, the ``workbench correct export`` format), flushed and
fsynced *before* the database commits it, so a damaged database file or WAL, or a kill
between the two writes, loses nothing: the database takes the entries it lacks (by
``uuid``) whenever a store opens, and ``workbench store rebuild`` rebuilds a whole store
from the reports and this file. Several processes append safely: each line is one
``write`` under an exclusive ``flock``.
"""

from __future__ import annotations

import fcntl
import json
import os
from collections.abc import Iterable
from pathlib import Path

from workbench.errors import StoreError
from workbench.store.diagnosis import cannot_write, is_permission_error

#: The fields of a journal line, in order (the ``correct export`` format).
FIELDS = ("uuid", "time", "author", "reason", "kind", "payload")


class Journal:
    """Append-only JSON lines beside the store: ``<store>.journal.jsonl``."""

    def __init__(self, store: Path) -> None:
        self.store = store
        self.path = store.with_name(store.name + ".journal.jsonl")

    def append(self, entries: Iterable[dict]) -> None:
        """Write ``entries`` durably (fsynced) before anything else may rely on them."""
        text = "".join(
            json.dumps({k: e.get(k) for k in FIELDS}, ensure_ascii=False) + "\n" for e in entries
        )
        if not text:
            return
        try:
            fd = os.open(self.path, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o644)
        except OSError as exc:  # nothing is committed: the caller's transaction rolls back
            if is_permission_error(exc):
                raise cannot_write(self.store, exc, file=self.path) from None
            raise StoreError(f"{self.path}: cannot write the journal: {exc.strerror}") from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            size = os.fstat(fd).st_size
            if size and os.pread(fd, 1, size - 1) != b"\n":
                text = "\n" + text  # after a torn line (a killed write): start a new one
            os.write(fd, text.encode("utf-8"))
            os.fsync(fd)
        finally:
            os.close(fd)  # releases the lock

    def read(self) -> list[dict]:
        """Every entry, oldest first. A torn line (a write that a kill interrupted, so
        never committed) is passed over."""
        try:
            lines = self.path.read_text(encoding="utf-8").splitlines()
        except FileNotFoundError:
            return []
        except OSError as exc:
            raise StoreError(f"{self.path}: cannot read the journal: {exc.strerror}") from None
        out = []
        for line in lines:
            try:
                entry = json.loads(line)
            except ValueError:
                continue
            if isinstance(entry, dict) and "uuid" in entry and "kind" in entry:
                out.append(entry)
        return out
