"""A store that cannot be written: one line naming the file, the cause and what to do.

Tests run as root, whom ``chmod`` does not stop, so the denials are made by hand: DuckDB's
own ``IOException``, Python's ``PermissionError`` and ``EROFS``, and ``os.access``.
"""

from __future__ import annotations

import errno
import os
import uuid
from pathlib import Path

import duckdb
import pytest

from workbench.cli import main
from workbench.corpus import Store
from workbench.errors import StoreError
from workbench.store import database, lock
from workbench.store.database import Database
from workbench.store.diagnosis import is_permission_error

from .conftest import SEED

DENIED = PermissionError(errno.EACCES, "Permission denied")


@pytest.fixture
def path(tmp_path):
    """An existing store (with its ``.bak``, so a wrong diagnosis would say "restore")."""
    path = tmp_path / "store.duckdb"
    Database(path).close()
    assert path.with_name("store.duckdb.bak").is_file()
    return path


def deny_duckdb_writes(monkeypatch, message: str) -> None:
    """DuckDB refuses to open the file for writing (as it does a read-only file)."""
    connect = duckdb.connect

    def fake(target, read_only=False, **kwargs):
        if not read_only:
            raise duckdb.IOException(f'IO Error: Cannot open file "{target}": {message}')
        return connect(target, read_only=read_only, **kwargs)

    monkeypatch.setattr(database.duckdb, "connect", fake)


def deny_access(monkeypatch, denied: Path) -> None:
    """``os.access`` says ``denied`` cannot be written, as it would for a non-root user."""
    access = os.access

    def fake(target, mode, *args, **kwargs):
        if Path(target) == denied and mode & os.W_OK:
            return False
        return access(target, mode, *args, **kwargs)

    monkeypatch.setattr(os, "access", fake)


def assert_one_line_for(message: str, path: Path) -> None:
    assert message.startswith(f"{path}: cannot "), message
    assert "\n" not in message
    assert "restore" not in message and "rebuild" not in message, message


def test_read_only_store_file_says_open_it_read_only_not_restore(path, monkeypatch):
    deny_duckdb_writes(monkeypatch, "Permission denied")
    with pytest.raises(StoreError) as err:
        Database(path)
    message = str(err.value)
    assert_one_line_for(message, path)
    assert message.startswith(f"{path}: cannot write the store (permission denied")
    assert "Store.open(path, read_only=True)" in message and "fix the permissions" in message
    with Store.open(path, read_only=True) as store:  # what the message says still works
        assert store.read_only and store.corrections().empty


def test_read_only_file_system_is_named(path, monkeypatch):
    deny_duckdb_writes(monkeypatch, "Read-only file system")
    with pytest.raises(StoreError) as err:
        Database(path)
    assert_one_line_for(str(err.value), path)
    assert "(read-only file system)" in str(err.value)
    assert "copy it to a folder you can write" in str(err.value)


@pytest.mark.parametrize(
    ("denied", "cause"),
    [("file", "permission denied on the file"), ("folder", "permission denied on its folder")],
)
def test_denied_file_or_folder_is_named_before_anything_is_written(
    path, monkeypatch, denied, cause
):
    deny_access(monkeypatch, path if denied == "file" else path.parent)
    before = sorted(p.name for p in path.parent.iterdir())
    with pytest.raises(StoreError) as err:
        Database(path)
    assert_one_line_for(str(err.value), path)
    assert f"cannot write the store ({cause})" in str(err.value)
    assert sorted(p.name for p in path.parent.iterdir()) == before


def test_new_store_in_a_folder_that_cannot_be_made(tmp_path, monkeypatch):
    path = tmp_path / "locked" / "new.duckdb"

    def mkdir(self, *args, **kwargs):
        raise PermissionError(errno.EACCES, "Permission denied", str(self))

    monkeypatch.setattr(Path, "mkdir", mkdir)
    with pytest.raises(StoreError) as err:
        Database(path)
    assert_one_line_for(str(err.value), path)
    assert str(err.value).startswith(f"{path}: cannot create the store (permission denied")
    assert "choose a folder you can write" in str(err.value)


def test_new_store_that_duckdb_cannot_create(tmp_path, monkeypatch):
    path = tmp_path / "new.duckdb"
    deny_duckdb_writes(monkeypatch, "Permission denied")
    with pytest.raises(StoreError) as err:
        Database(path)
    assert_one_line_for(str(err.value), path)
    assert "cannot create the store (permission denied" in str(err.value)


def test_cli_gives_one_line_not_a_traceback(tmp_path, monkeypatch, capsys):
    path = tmp_path / "new.duckdb"
    deny_duckdb_writes(monkeypatch, "Permission denied")
    assert main(["ingest", str(SEED), "--store", str(path)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err[-1].startswith(f"workbench: {path}: cannot create the store (permission denied")
    assert not any("Traceback" in line for line in err)


def test_lock_file_that_cannot_be_created(path, monkeypatch):
    def fake_open(file, *args, **kwargs):
        raise PermissionError(errno.EACCES, "Permission denied", str(file))

    monkeypatch.setattr(lock, "open", fake_open, raising=False)
    with pytest.raises(StoreError) as err:
        Database(path)
    assert_one_line_for(str(err.value), path)
    assert "store.duckdb.lock" in str(err.value)
    Database(path, read_only=True).close()  # a reader goes without the lock, as before


def test_journal_that_cannot_be_written_keeps_nothing_half_done(path, monkeypatch):
    db = Database(path)
    real_open = os.open

    def fake_open(file, *args, **kwargs):
        if str(file).endswith(".journal.jsonl"):
            raise DENIED
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr(os, "open", fake_open)
    entry = {"uuid": str(uuid.uuid4()), "kind": "confirm_actor", "payload": {"actor": "a"}}
    with pytest.raises(StoreError) as err:
        db.append(entry, author="analyst", reason="check")
    assert_one_line_for(str(err.value), path)
    assert "store.duckdb.journal.jsonl" in str(err.value)
    assert db.ledger() == []  # the entry is not in the database without its journal line
    db.close()


def test_backup_that_cannot_be_written(path, monkeypatch):
    def copyfile(src, dst, *args, **kwargs):
        raise PermissionError(errno.EACCES, "Permission denied", str(dst))

    monkeypatch.setattr(database.shutil, "copyfile", copyfile)
    db = Database(path)
    with pytest.raises(StoreError) as err:
        db.backup()
    assert_one_line_for(str(err.value), path)
    db.close()


@pytest.mark.parametrize(
    ("exc", "expected"),
    [
        (PermissionError(errno.EACCES, "Permission denied"), True),
        (OSError(errno.EROFS, "Read-only file system"), True),
        (duckdb.IOException('IO Error: Cannot open file "s": Permission denied'), True),
        (duckdb.IOException('IO Error: Cannot open file "s": Read-only file system'), True),
        (FileNotFoundError(errno.ENOENT, "No such file or directory"), False),
        (duckdb.IOException("The file is not a valid DuckDB database file!"), False),
        (duckdb.IOException('Could not set lock on file "s": Conflicting lock'), False),
    ],
)
def test_permission_errors_are_told_from_damage_and_locks(exc, expected):
    assert is_permission_error(exc) is expected


def test_damaged_store_still_says_rebuild_or_restore(path):
    path.write_bytes(path.read_bytes()[:4096])
    with pytest.raises(StoreError, match=r"not a readable workbench store .* restore the backup"):
        Database(path)
