"""One store, many processes: kernels and commands that read and write at once, the
journal that outlives the database file, and starting afresh without losing anything.

Two-process tests use real subprocesses (``tests.test_store.run``); the fake tagger and
resolver keep them free of the spaCy model.
"""

from __future__ import annotations

import json
import time

import pandas as pd
import pytest

from tests.test_store import FakeTagger, fake_resolver, mention, run, wait_for, write_corpus
from workbench.corpus import Store, open_store, rebuild_store
from workbench.errors import StoreError
from workbench.store.journal import Journal

OPEN = (
    "import sys, time; from workbench.corpus import Store\n"
    "from tests.test_store import fake_resolver\n"
    "s = Store.open(sys.argv[1], resolver=fake_resolver)\n"
)


@pytest.fixture
def path(tmp_path):
    return tmp_path / "store.duckdb"


@pytest.fixture
def corpus(tmp_path):
    return write_corpus(tmp_path / "corpus", 6)


@pytest.fixture
def filled(path, corpus):
    """A store with the corpus ingested, closed again (other processes open it)."""
    with Store.open(path, tagger=FakeTagger(), resolver=fake_resolver) as store:
        store.ingest(corpus, progress=False)
    return path


def journal(path) -> list[dict]:
    return Journal(path).read()


def test_two_processes_write_at_once_and_every_correction_lands_once(filled):
    other = run(
        OPEN + "print('ready', flush=True)\n"
        "for i in range(15):\n"
        "    print('committed', s.correct('rename_actor', actor='a:gamma unit',"
        " canonical=f'G{i}'), flush=True)\n",
        filled,
    )
    with Store.open(filled, resolver=fake_resolver) as store:  # open while the other is
        wait_for(other, "ready")
        mine = [
            store.correct("rename_actor", actor="a:beta group", canonical=f"B{i}")
            for i in range(15)
        ]
        theirs = [int(line.split()[1]) for line in wait_for(other, "committed", count=15)]
        other.wait()
        ledger = store.corrections()
        actors = set(store.table("actors").canonical)  # a read sees the other's writes too
    assert len(ledger) == 30 and ledger.uuid.is_unique and ledger.id.is_unique
    assert set(mine) | set(theirs) == set(ledger.id)
    assert {"B14", "G14"} <= actors
    assert [e["uuid"] for e in journal(filled)] == ledger.uuid.tolist()


def test_a_long_write_elsewhere_makes_a_correction_wait_not_fail(filled):
    holder = run(
        OPEN + "with s.batch():\n"
        "    s.correct('confirm_actor', actor='a:gamma unit')\n"
        "    print('holding', flush=True); time.sleep(2)\n",
        filled,
    )
    wait_for(holder, "holding")
    started = time.monotonic()
    with Store.open(filled, resolver=fake_resolver) as store:
        store.correct("rename_actor", actor="a:beta group", canonical="Beta Brigade")
        waited = time.monotonic() - started
        kinds = store.corrections().kind.tolist()
    holder.wait()
    assert waited > 1.0 and holder.returncode == 0
    assert kinds == ["confirm_actor", "rename_actor"]


def test_a_writer_that_cannot_get_the_lock_gives_up_naming_the_holder(filled, monkeypatch):
    holder = run(
        OPEN + "with s.batch():\n"
        "    s.correct('confirm_actor', actor='a:gamma unit')\n"
        "    print('holding', flush=True); time.sleep(8)\n",
        filled,
    )
    try:
        wait_for(holder, "holding")
        monkeypatch.setenv("WORKBENCH_LOCK_TIMEOUT", "1")
        started = time.monotonic()
        with pytest.raises(StoreError) as err:
            Store.open(filled, resolver=fake_resolver)
        message = str(err.value)
        assert time.monotonic() - started < 5
        assert message.startswith(f"{filled}: busy: PID {holder.pid}") and "\n" not in message
    finally:
        holder.kill()
        holder.wait()
    with Store.open(filled, resolver=fake_resolver) as store:  # the killed batch left nothing
        assert store.corrections().empty


def test_journal_first_then_database_and_each_entry_taken_once(filled):
    with Store.open(filled, resolver=fake_resolver) as store:
        store.correct("confirm_actor", actor="a:gamma unit")
    lost = {  # what a kill between the journal's fsync and the commit leaves behind
        "uuid": "00000000-0000-4000-8000-000000000001",
        "time": "2026-12-01T10:00:00",
        "author": "ana",
        "reason": "journaled, never committed",
        "kind": "rename_actor",
        "payload": {"actor": "a:beta group", "canonical": "Beta Brigade"},
    }
    with open(filled.with_name(filled.name + ".journal.jsonl"), "a") as fh:
        fh.write(json.dumps(lost) + "\n" + '{"uuid": "torn')  # and a half-written line
    for _ in range(2):
        with Store.open(filled, resolver=fake_resolver) as store:
            ledger = store.corrections()
            assert ledger.kind.tolist() == ["confirm_actor", "rename_actor"]
            assert ledger.author.tolist()[1] == "ana"
            assert "Beta Brigade" in set(store.table("actors").canonical)
    assert [e["uuid"] for e in journal(filled)][:2] == ledger.uuid.tolist()


def test_a_store_from_before_the_journal_gains_one(filled):
    with Store.open(filled, resolver=fake_resolver) as store:
        store.correct("confirm_actor", actor="a:gamma unit")
        uuids = store.corrections().uuid.tolist()
    filled.with_name(filled.name + ".journal.jsonl").unlink()
    Store.open(filled, resolver=fake_resolver).close()
    assert [e["uuid"] for e in journal(filled)] == uuids


def test_rebuild_from_a_damaged_file_and_wal_brings_every_correction_back(filled, corpus):
    with Store.open(filled, resolver=fake_resolver) as store:
        store.correct("rename_actor", actor="a:alpha front", canonical="Alpha Brigade")
        undone = store.correct("confirm_actor", actor="a:gamma unit")
        store.undo(undone)
        store.correct("reject_mention", **mention(store, "Raqqa", 1))
        before = store.corrections()
        tables = store.tables()
    data = filled.read_bytes()
    filled.write_bytes(data[: len(data) // 2])  # the file, cut in half
    filled.with_name(filled.name + ".wal").write_bytes(b"\x00garbage" * 512)  # a torn WAL
    with pytest.raises(StoreError, match="store rebuild"):
        Store.open(filled, resolver=fake_resolver)
    counts = rebuild_store(
        filled, corpus, progress=False, tagger=FakeTagger(), resolver=fake_resolver
    )
    assert counts["corrections"] == 4 and counts["tagged"] == 6
    damaged = {p.name for p in filled.parent.glob("store.duckdb.damaged-*")}
    assert {n.split(".", 3)[-1] for n in damaged} >= {"wal", "bak"}  # kept, not deleted
    assert len(damaged) == 3 and all(n.startswith(min(damaged)) for n in damaged)
    with Store.open(filled, resolver=fake_resolver) as store:
        after = store.corrections()
        cols = ["uuid", "kind", "author", "reason", "status"]
        pd.testing.assert_frame_equal(after[cols], before[cols])
        for name in ("actors", "places", "mentions"):
            pd.testing.assert_frame_equal(store.table(name), tables[name])


def test_a_fresh_start_is_refused_while_the_store_is_open_anywhere(filled):
    holder = run(OPEN + "print('ready', flush=True); time.sleep(60)\n", filled)
    try:
        wait_for(holder, "ready")
        with pytest.raises(StoreError, match="open elsewhere") as err:
            open_store(filled, fresh=True)
        assert "\n" not in str(err.value)
    finally:
        holder.kill()
        holder.wait()
    with Store.open(filled, resolver=fake_resolver) as mine:  # this process counts too
        with pytest.raises(StoreError, match="open elsewhere"):
            open_store(filled, fresh=True)
        assert len(mine.table("reports")) == 6  # and nothing moved under it


def test_fresh_starts_keep_every_previous_store(filled):
    with Store.open(filled, resolver=fake_resolver) as store:
        store.correct("confirm_actor", actor="a:gamma unit")
    wal = filled.with_name(filled.name + ".wal")
    for _ in range(2):
        wal.write_bytes(b"")  # a WAL moves with its file: "<copy>.wal" opens with "<copy>"
        with open_store(filled, fresh=True, resolver=fake_resolver) as store:
            assert store.table("reports").empty and store.corrections().empty
    extra = (".wal", ".bak", ".jsonl", ".lock")
    copies = sorted(
        p for p in filled.parent.glob("store.duckdb.previous-*") if not p.name.endswith(extra)
    )
    assert len(copies) == 2  # never overwritten
    assert all(c.with_name(c.name + ".wal").exists() for c in copies)
    journals = sorted(filled.parent.glob("store.duckdb.previous-*.journal.jsonl"))
    assert len(journals) == 1  # the second store had no corrections, so no journal
    with Store.open(copies[0], resolver=fake_resolver) as old:
        assert old.corrections().kind.tolist() == ["confirm_actor"]


def test_the_same_correction_twice_is_recorded_once(filled):
    with Store.open(filled, resolver=fake_resolver) as store:
        merge = {"actors": ["Alpha Front", "Beta Group"], "into": "Alpha Front"}
        first = store.correct("merge_actors", **merge)
        assert store.correct("merge_actors", **merge) == first  # a re-run notebook
        rename = {"actor": "a:gamma unit"}
        store.correct("rename_actor", **rename, canonical="G1")
        store.correct("rename_actor", **rename, canonical="G2")
        store.correct("rename_actor", **rename, canonical="G1")  # back again: recorded
        ledger = store.corrections()
        assert ledger.kind.tolist() == ["merge_actors"] + ["rename_actor"] * 3
        assert "G1" in set(store.table("actors").canonical)
