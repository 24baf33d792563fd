"""Why a store cannot be opened or written, in one line that says what to do.

An analyst meets these errors in a notebook cell or a terminal, so each names the file and
gives the one next step that fits the cause. The causes call for different steps and must
not be confused: a *busy* store needs patience, a *damaged* one a rebuild or the backup,
and one that *cannot be written* (a read-only file or folder, a read-only file system)
needs neither, only read-only opening or other permissions; telling that analyst to
restore a backup would have them move a good store aside.

DuckDB reports a denied file as its own ``IOException`` ("Cannot open file ...:
Permission denied"), Python as a ``PermissionError`` or an ``OSError`` with ``EROFS``;
:func:`is_permission_error` knows both, and :func:`cannot_write` asks ``os.access``
which of the file and its folder is the one that cannot be written.
"""

from __future__ import annotations

import errno
import os
import re
from pathlib import Path

import duckdb

from workbench import config
from workbench.errors import StoreError

#: ``errno`` values that mean "you may not write here", whoever you are.
DENIED = (errno.EACCES, errno.EPERM, errno.EROFS)
#: The cause named when the folder's file system is mounted read-only.
READ_ONLY_FS = "read-only file system"
#: How DuckDB (and the C library, through it) words the same causes.
_DENIED_TEXT = re.compile(r"permission denied|read-only file system|operation not permitted", re.I)


def is_permission_error(exc: BaseException) -> bool:
    """True when ``exc`` says the file or its folder may not be written (or read).

    Examples
    --------
    >>> is_permission_error(PermissionError(13, "Permission denied"))
    True
    >>> is_permission_error(duckdb.IOException('Cannot open file "s.duckdb": Read-only file system'))
    True
    >>> is_permission_error(duckdb.IOException("The file is not a valid DuckDB database file!"))
    False
    """
    if isinstance(exc, OSError):
        return exc.errno in DENIED
    return isinstance(exc, duckdb.Error) and bool(_DENIED_TEXT.search(str(exc)))


def is_lock_error(exc: BaseException) -> bool:
    """True when DuckDB refused the file because another process has it open."""
    msg = str(exc)
    return "Could not set lock" in msg or "Conflicting lock" in msg


def cannot_write(
    path: Path, exc: BaseException | None = None, *, file: Path | None = None
) -> StoreError:
    """The one line for a store that cannot be written: which file, why, and what to do.

    ``file`` is the file that failed when it is not the store itself (its lock, journal or
    backup). An existing store can still be opened read-only; a new one needs a folder
    that can be written.

    Examples
    --------
    >>> import tempfile
    >>> path = Path(tempfile.mkdtemp()) / "s.duckdb"
    >>> message = str(cannot_write(path, PermissionError(13, "Permission denied")))
    >>> message.startswith(f"{path}: cannot create the store (permission denied); choose a folder")
    True
    """
    if path.exists() and not os.access(path, os.R_OK):
        return cannot_read(path, exc)  # read-only opening would not help either
    cause = _cause(path, exc, file=file)
    fix = "copy it to a folder you can write" if cause == READ_ONLY_FS else "fix the permissions"
    if path.exists():
        return StoreError(
            f"{path}: cannot write the store ({cause}); open it read-only "
            f"(Store.open(path, read_only=True); `workbench correct list` reads it) or {fix}"
        )
    fix = "" if cause == READ_ONLY_FS else " or fix the permissions"
    return StoreError(
        f"{path}: cannot create the store ({cause}); choose a folder you can write "
        f"(--store PATH or ${config.STORE_ENV}){fix}"
    )


def cannot_read(path: Path, exc: BaseException) -> StoreError:
    """The one line for a store whose file may not be read at all."""
    return StoreError(
        f"{path}: cannot read the store ({_cause(path, exc, write=False)}); "
        "fix the permissions or ask the file's owner for a copy"
    )


def ensure_writable(path: Path) -> None:
    """Make the store's folder, and check that the store can be written there; or raise
    :func:`cannot_write`.

    Asked before a store is opened for writing, because DuckDB keeps a ``.wal`` and the
    workbench a ``.lock``, a ``.bak`` and a journal beside the file: a writable file in
    a read-only folder would otherwise open, and fail at the first write.
    """
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        if is_permission_error(exc):
            raise cannot_write(path, exc) from None
        raise StoreError(f"{path}: cannot make its folder ({exc.strerror or exc})") from None
    if not _writable(path):
        raise cannot_write(path)


def open_error(path: Path, exc: BaseException, *, read_only: bool, journal: Path) -> StoreError:
    """The one line for a store file that DuckDB would not open: busy, denied, or damaged."""
    msg = " ".join(str(exc).split())
    if is_lock_error(exc):
        pid = re.search(r"PID (\d+)", msg)
        who = f"PID {pid[1]}" if pid else "another process"
        return StoreError(
            f"{path}: busy: {who} has held it for over {config.lock_timeout():g} s; "
            f"try again when it is done (or raise ${config.LOCK_TIMEOUT_ENV})"
        )
    if "different configuration" in msg:
        return StoreError(
            f"{path}: already open in this process with another "
            "read_only setting; close that Store first"
        )
    # DuckDB words a denial in its own way; os.access says whether that is what it means.
    if is_permission_error(exc) or (not read_only and _cannot_open(msg) and not _writable(path)):
        if read_only or (path.exists() and not os.access(path, os.R_OK)):
            return cannot_read(path, exc)
        return cannot_write(path, exc)
    bak = path.with_name(path.name + ".bak")
    rebuild = f"`workbench store rebuild REPORTS --store {path}`"
    hint = (
        f"{rebuild} rebuilds it with every correction (from {journal.name}), "
        f"or restore the backup: mv {path} {path}.broken; "
        f"rm -f {path}.wal; cp {bak} {path}"
        if bak.is_file()
        else f"no backup ({bak.name}) exists: {rebuild} rebuilds it"
    )
    return StoreError(f"{path}: not a readable workbench store ({msg[:160]}); {hint}")


def _cause(
    path: Path, exc: BaseException | None, *, file: Path | None = None, write: bool = True
) -> str:
    """Which file or folder is denied, as precisely as ``os.access`` can tell."""
    if write and (_read_only_fs(path.parent) or READ_ONLY_FS in str(exc).lower()):
        return READ_ONLY_FS
    mode = os.W_OK if write else os.R_OK
    if file is not None and file.exists() and not os.access(file, mode):
        return f"permission denied on {file.name}"
    if path.exists() and not os.access(path, mode):
        return "permission denied on the file"
    folder = _existing(path.parent)
    if write and not os.access(folder, os.W_OK | os.X_OK):
        return "permission denied on its folder" + ("" if folder == path.parent else f" {folder}")
    return "permission denied" + (f" on {file.name}" if file is not None else "")


def _cannot_open(msg: str) -> bool:
    return "Cannot open file" in msg or "Could not open file" in msg


def _writable(path: Path) -> bool:
    folder = _existing(path.parent)
    if path.exists() and not os.access(path, os.W_OK):
        return False
    return os.access(folder, os.W_OK | os.X_OK) and not _read_only_fs(folder)


def _existing(folder: Path) -> Path:
    """``folder``, or its nearest ancestor that exists (the one a ``mkdir`` would write)."""
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    return folder


def _read_only_fs(folder: Path) -> bool:
    try:
        return bool(os.statvfs(_existing(folder)).f_flag & os.ST_RDONLY)
    except OSError:
        return False
