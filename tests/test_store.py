"""The corpus store: incremental ingest, corrections that survive, locking and recovery.

A fake tagger (capitalised phrases) and a fake resolver stand in for the pipeline, so no
spaCy model loads; the subprocess tests import them from this module.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from workbench import schema
from workbench.corpus import Store
from workbench.errors import CorrectionError, StoreError
from workbench.lexicon.gazetteer import GAZETTEER_COLUMNS
from workbench.nlp import pipeline, version
from workbench.store import database
from workbench.text import fold

PROJECT = Path(__file__).resolve().parents[1]
PLACES = {"Hajin", "Raqqa", "Mosul", "Dashisha"}
_NAME = re.compile(r"[A-Z][a-z]+(?: [A-Z][a-z]+)*")


class FakeTagger:
    """Capitalised phrases are mentions (places if in PLACES); counts the reports it tags."""

    def __init__(self, *, delay: float = 0.0, announce: bool = False, skip: set[str] = ()):
        self.reports, self.calls = 0, 0
        self.delay, self.announce, self.skip = delay, announce, set(skip)

    def __call__(self, reports, *, nlp=None, progress=False):
        self.calls += 1
        if self.announce:
            print(f"call {self.calls}", flush=True)
        time.sleep(self.delay * len(reports))
        self.reports += len(reports)
        rows = []
        for rid, body in zip(reports.report_id, reports.body, strict=True):
            sentences = [m.span() for m in re.finditer(r"[^.\n]+\.?", body)]
            for m in _NAME.finditer(body):
                if m.group() in self.skip:
                    continue
                sid = next(i for i, (a, b) in enumerate(sentences) if a <= m.start() < b)
                kind = "place" if m.group() in PLACES else "actor"
                rows.append({
                    "report_id": rid, "sentence_id": sid, "sent_start": sentences[sid][0],
                    "sent_end": sentences[sid][1], "start": m.start(), "end": m.end(),
                    "text": m.group(), "kind": kind, "label": kind.upper(), "source": "fake",
                })  # fmt: skip
        mentions = schema.conform(rows, "mentions")
        return {"mentions": mentions, "events_raw": fake_events(mentions)}


def fake_events(mentions):
    """A raw event per sentence naming two actors: the first acts on the second."""
    rows = []
    actors = mentions[mentions.kind == "actor"]
    for (rid, sid), g in actors.groupby(["report_id", "sentence_id"]):
        if len(g) > 1:
            a, b = g.iloc[0], g.iloc[1]
            rows.append({
                "event_id": f"{rid}:{sid}", "report_id": rid, "sentence_id": sid,
                "sent_start": a.sent_start, "sent_end": a.sent_end, "action": "armed_clash",
                "actor_start": a.start, "actor_end": a.end, "actor_text": a.text,
                "target_start": b.start, "target_end": b.end, "target_text": b.text,
            })  # fmt: skip
    return schema.conform(rows, "events_raw")


def fake_resolver(reports, mentions, *, events_raw=None):
    """Actors and places keyed by their folded text; events from the raw events, their
    actor and target the (corrected) mentions at the raw event's offsets."""
    m = mentions.copy()
    for kinds, prefix in ((["actor", "supporter"], "a:"), (["place"], "p:")):
        rows = m.kind.isin(kinds)
        m.loc[rows, "entity_id"] = [prefix + fold(t) for t in m.text[rows]]
        m.loc[rows, "canonical"] = m.text[rows]
    is_actor, is_place = m.kind.isin(["actor", "supporter"]), m.kind == "place"
    m.loc[is_actor, "actor_type"] = "other"

    def summary(group):
        return {"aliases": sorted(set(group.text)), "n_mentions": len(group),
                "n_reports": group.report_id.nunique()}  # fmt: skip

    actors = [{"actor_id": e, "canonical": g.text.iloc[0], "actor_type": "other",
               "is_new": True, "source": "text", **summary(g)}
              for e, g in m[is_actor].groupby("entity_id")]  # fmt: skip
    places = [{"place_id": e, "name": g.text.iloc[0], **summary(g)}
              for e, g in m[is_place].groupby("entity_id")]  # fmt: skip
    relations, events = [], []
    for (rid, sid), g in m[is_actor].groupby(["report_id", "sentence_id"]):
        ids = list(dict.fromkeys(g.entity_id))
        base = {"report_id": rid, "sentence_id": sid}
        relations += [{**base, "source_actor": a, "target_actor": b, "relation": "co_mention"}
                      for a, b in zip(ids, ids[1:], strict=False)]  # fmt: skip
    at = {(r.report_id, r.start, r.end): r for r in m[is_actor].itertuples()}
    for e in [] if events_raw is None else events_raw.itertuples():
        actor = at.get((e.report_id, e.actor_start, e.actor_end))
        target = at.get((e.report_id, e.target_start, e.target_end))
        if actor is not None:  # a rejected actor mention takes its event with it
            events.append({
                "event_id": e.event_id, "report_id": e.report_id, "sentence_id": e.sentence_id,
                "actor": actor.canonical, "actor1_id": actor.entity_id, "action": e.action,
                "target": None if target is None else target.canonical,
                "actor2_id": None if target is None else target.entity_id,
            })  # fmt: skip
    return {
        "mentions": m,
        "actors": schema.conform(actors, "actors"),
        "places": schema.conform(places, "places"),
        "relations": schema.conform(relations, "relations"),
        "events": schema.conform(events, "events"),
    }


def write_corpus(folder: Path, n: int) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        (folder / f"r{i:03d}.txt").write_text(
            f"Report {i}\n\nAlpha Front attacked Beta Group near Hajin on day {i}. "
            f"Gamma Unit watched from Raqqa.\n",
            encoding="utf-8",
        )
    return folder


@pytest.fixture
def corpus(tmp_path):
    return write_corpus(tmp_path / "corpus", 6)


@pytest.fixture
def tagger():
    return FakeTagger()


@pytest.fixture
def path(tmp_path):
    return tmp_path / "store.duckdb"


@pytest.fixture
def store(path, tagger):
    with Store.open(path, tagger=tagger, resolver=fake_resolver) as s:
        yield s


@pytest.fixture
def filled(store, corpus):
    store.ingest(corpus, progress=False)
    return store


def mention(store, text, n=0):
    m = store.table("mentions")
    row = m[m.text == text].iloc[n]
    return {"report_id": row.report_id, "start": int(row.start), "end": int(row.end)}


def run(script: str, *args: str, **kwargs) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(PROJECT)}
    command = [sys.executable, "-c", script, *map(str, args)]
    pipes = {"stdout": subprocess.PIPE, "stderr": subprocess.PIPE, "text": True}
    return subprocess.Popen(command, cwd=PROJECT, env=env, **pipes, **kwargs)


def wait_for(proc: subprocess.Popen, pattern: str, *, count: int = 1, timeout: float = 60) -> list:
    """Read ``proc``'s stdout until ``count`` lines match ``pattern``; return those lines."""
    seen, deadline = [], time.monotonic() + timeout
    while len(seen) < count:
        line = proc.stdout.readline()
        if not line:
            pytest.fail(f"subprocess ended early: {proc.stderr.read()[-2000:]}")
        if re.match(pattern, line):
            seen.append(line.strip())
        assert time.monotonic() < deadline, "subprocess too slow"
    return seen


# -- incremental ingest ----------------------------------------------------------------


def test_unchanged_rerun_does_no_nlp_work(path, corpus, tagger, monkeypatch):
    with Store.open(path, tagger=tagger, resolver=fake_resolver) as store:
        first = store.ingest(corpus, progress=False)
    assert first == {"read": 6, "new": 6, "changed": 0, "unchanged": 0, "tagged": 6,
                     "skipped": 0, "problems": 0}  # fmt: skip

    def boom(*args, **kwargs):
        raise AssertionError("the pipeline must not load when nothing changed")

    monkeypatch.setattr(pipeline, "load_pipeline", boom)
    monkeypatch.setattr("workbench.nlp.tagging.tag_reports", boom)
    with Store.open(path) as store:  # the real tagger: it would fail if called
        again = store.ingest(corpus, progress=False)
    assert again["tagged"] == 0 and again["unchanged"] == again["skipped"] == 6
    assert tagger.reports == 6


def test_changed_report_is_the_only_one_retagged(filled, corpus, tagger):
    before = filled.table("reports").set_index("path").report_id
    (corpus / "r002.txt").write_text("Report 2\n\nDelta Force entered Mosul.\n", encoding="utf-8")
    counts = filled.ingest(corpus, progress=False)
    assert (counts["changed"], counts["tagged"], counts["unchanged"]) == (1, 1, 5)
    assert tagger.reports == 7
    after = filled.table("reports").set_index("path").report_id
    changed = str(corpus / "r002.txt")
    assert len(after) == 6 and after[changed] != before[changed]
    assert "Delta Force" in set(filled.table("actors").canonical)


def test_reports_dataframe_input_and_problems_are_stored(store, corpus):
    (corpus / "empty.txt").write_text("", encoding="utf-8")
    counts = store.ingest(corpus, progress=False)
    assert counts["problems"] == 1
    assert store.table("problems").path.tolist() == [str(corpus / "empty.txt")]
    reports = store.table("reports")
    assert store.ingest(reports, progress=False)["skipped"] == 6


def test_tables_follow_the_schema(filled):
    tables = filled.tables()
    assert list(tables) == ["reports", "problems", *database.RESOLVED, "incidents"]
    for name, table in tables.items():
        assert table.dtypes.astype(str).to_dict() == schema.empty(name).dtypes.astype(str).to_dict()
    assert len(tables["actors"]) == 3 and len(tables["places"]) == 2


def test_pipeline_version_bump_retags_everything_and_corrections_survive(
    filled, tagger, monkeypatch
):
    rename = filled.correct("rename_actor", actor="Alpha Front", canonical="Alpha Brigade")
    filled.correct("reject_mention", **mention(filled, "Hajin"))
    monkeypatch.setattr(version, "PIPELINE_VERSION", "test-bump")
    counts = filled.ingest(filled.table("reports"), progress=False)
    assert counts["tagged"] == 6 and tagger.reports == 12
    tables = filled.tables()
    assert "Alpha Brigade" in set(tables["actors"].canonical)
    assert tables["places"].set_index("name").n_mentions["Hajin"] == 5
    ledger = filled.corrections()
    assert ledger.status.tolist() == ["applied", "applied"] and ledger.id.iloc[0] == rename


def test_correction_whose_target_is_gone_is_kept_as_stale(path, corpus, monkeypatch):
    with Store.open(path, tagger=FakeTagger(), resolver=fake_resolver) as store:
        store.ingest(corpus, progress=False)
        store.correct("relabel", **mention(store, "Gamma Unit"), label="UNIT")
        store.correct("confirm_actor", actor="a:gamma unit")
    monkeypatch.setattr(version, "PIPELINE_VERSION", "no-gamma")
    with Store.open(path, tagger=FakeTagger(skip={"Gamma Unit"}), resolver=fake_resolver) as store:
        store.ingest(corpus, progress=False)
        ledger = store.corrections()
    assert ledger.status.tolist() == ["stale", "stale"]
    assert "Gamma Unit" in ledger.detail.iloc[0]


# -- corrections ----------------------------------------------------------------------


def test_merge_then_undo_restores_previous_actors(filled):
    before = filled.table("actors")
    entry = filled.correct("merge_actors", actors=["Alpha Front", "Beta Group"], reason="same")
    merged = filled.table("actors").set_index("actor_id")
    assert len(merged) == 2 and merged.n_mentions["a:alpha front"] == 12
    assert set(merged.aliases["a:alpha front"]) == {"Alpha Front", "Beta Group"}
    assert filled.table("relations").empty  # Alpha/Beta co-mentions became self-loops
    filled.undo(entry)
    pd.testing.assert_frame_equal(filled.table("actors"), before)
    assert filled.corrections().set_index("id").status[entry] == "undone"
    with pytest.raises(CorrectionError, match="already undone"):
        filled.undo(entry)


def test_corrections_survive_reopen(path, corpus, tagger):
    with Store.open(path, tagger=tagger, resolver=fake_resolver) as store:
        store.ingest(corpus, progress=False)
        store.correct("set_actor_type", actor="Beta Group", actor_type="rebel_group", author="ana")
        report = store.table("reports").iloc[0]
        start = report.body.index("attacked")
        where = {"report_id": report.report_id, "start": start, "end": start + 8}
        store.correct("add_mention", **where, kind="actor", label="ACTOR")
        expected = store.tables()
    with Store.open(path, resolver=fake_resolver) as store:
        ledger = store.corrections()
        assert ledger.author.tolist()[0] == "ana" and ledger.kind.tolist()[1] == "add_mention"
        for name, table in store.tables().items():
            pd.testing.assert_frame_equal(table, expected[name])


def test_correct_checks_text_offsets_and_targets(filled):
    where = mention(filled, "Alpha Front")
    with pytest.raises(CorrectionError, match="not 'Alpha'"):
        filled.correct("add_mention", **where, text="Alpha", kind="actor", label="ACTOR")
    with pytest.raises(CorrectionError, match="outside report"):
        filled.correct("reject_mention", report_id=where["report_id"], start=5, end=10_000)
    with pytest.raises(CorrectionError, match="no actor 'Nobody'"):
        filled.correct("rename_actor", actor="Nobody", canonical="Somebody")
    with pytest.raises(CorrectionError, match="unknown correction kind"):
        filled.correct("delete_everything")
    with pytest.raises(CorrectionError, match="actor_type 'rebels'"):
        filled.correct("set_actor_type", actor="Beta Group", actor_type="rebels")
    assert filled.corrections().empty


def test_batch_keeps_all_or_nothing(filled):
    with pytest.raises(CorrectionError):
        with filled.batch():
            filled.correct("rename_actor", actor="Beta Group", canonical="Beta Brigade")
            filled.correct("rename_actor", actor="Nobody", canonical="x")
    assert filled.corrections().empty
    assert "Beta Brigade" not in set(filled.table("actors").canonical)
    with filled.batch():
        filled.correct("rename_actor", actor="Beta Group", canonical="Beta Brigade")
        filled.correct("confirm_actor", actor="Beta Brigade")
    assert len(filled.corrections()) == 2 and filled.backup_path.is_file()


def test_export_import_round_trip_is_idempotent(filled, corpus, tmp_path):
    filled.correct("merge_actors", actors=["Alpha Front", "Beta Group"], canonical="Alpha-Beta")
    second = filled.correct("reject_mention", **mention(filled, "Raqqa"))
    filled.undo(second)
    exported = tmp_path / "corrections.jsonl"
    assert filled.export_corrections(exported) == 3
    assert {json.loads(line)["kind"] for line in exported.read_text().splitlines()} == {
        "merge_actors", "reject_mention", "undo"
    }  # fmt: skip
    with Store.open(
        tmp_path / "other.duckdb", tagger=FakeTagger(), resolver=fake_resolver
    ) as other:
        other.ingest(corpus, progress=False)
        counts = other.import_corrections(exported)
        assert counts == {"read": 3, "added": 3, "present": 0, "unknown": 0}
        counts = other.import_corrections(exported)
        assert counts == {"read": 3, "added": 0, "present": 3, "unknown": 0}
        assert other.corrections().uuid.tolist() == filled.corrections().uuid.tolist()
        pd.testing.assert_frame_equal(other.table("actors"), filled.table("actors"))
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"kind": "rename_actor"}\n')
    with pytest.raises(CorrectionError, match="bad.jsonl:1"):
        filled.import_corrections(bad)


def test_gold_export_has_the_scorer_format(filled, tmp_path):
    filled.correct("rename_actor", actor="Beta Group", canonical="Beta Brigade")
    filled.correct("reject_mention", **mention(filled, "Raqqa", 2))
    out = tmp_path / "gold.jsonl"
    assert filled.export_gold(out) == 6  # the rename touches every report
    records = [json.loads(line) for line in out.read_text().splitlines()]
    assert {"file", "actors", "locations", "events"} <= set(records[0])
    actor = records[0]["actors"][0]
    assert set(actor) >= {"canonical", "type", "mentions"} and isinstance(actor["mentions"], list)
    assert set(records[0]["locations"][0]) >= {"name", "country", "mentions"}
    assert set(records[0]["events"][0]) >= {"actor", "action", "target", "location", "sentence"}
    assert "Beta Brigade" in {a["canonical"] for a in records[0]["actors"]}
    assert records[0]["file"].endswith(".txt")


def test_score_against_corrections(filled):
    filled.correct("reject_mention", **mention(filled, "Raqqa", 0))
    scores = filled.score_against_corrections().set_index("table")
    assert scores.loc["actors", "f1"] == 1.0
    assert (scores.loc["places", "fp"], scores.loc["places", "fn"]) == (1, 0)


def test_confirmed_actors_go_to_the_user_gazetteer(filled, tmp_path):
    gazetteer = tmp_path / "actors.csv"
    filled.correct("split_actor", actor="Alpha Front", aliases=["Alpha Front"], canonical="AF")
    filled.correct("confirm_actor", actor="AF")
    rows = filled.write_gazetteer(gazetteer)
    assert rows.actor_id.tolist() == ["user-af"]
    filled.write_gazetteer(gazetteer)  # again: replaced, not duplicated
    table = pd.read_csv(gazetteer, dtype=str, keep_default_na=False)
    assert list(table.columns) == GAZETTEER_COLUMNS
    assert table.to_dict("records")[0]["aliases"] == "Alpha Front" and len(table) == 1


# -- durability -------------------------------------------------------------------------


def test_read_only_store_refuses_writes(filled, path):
    filled.close()
    with Store.open(path, read_only=True, resolver=fake_resolver) as ro:
        assert len(ro.table("actors")) == 3
        with pytest.raises(StoreError, match="read-only"):
            ro.correct("confirm_actor", actor="Beta Group")


def test_sigkill_mid_ingest_keeps_finished_batches(path, tmp_path):
    corpus = write_corpus(tmp_path / "big", 40)
    script = (
        "import sys; from workbench.corpus import store\n"
        "from tests.test_store import FakeTagger, fake_resolver\n"
        "store.INGEST_BATCH = 4\n"
        "with store.Store.open(sys.argv[1], tagger=FakeTagger(delay=0.02, announce=True),"
        " resolver=fake_resolver) as s:\n"
        "    s.ingest(sys.argv[2], progress=False)\n"
    )
    proc = run(script, path, corpus)
    wait_for(proc, r"call \d+", count=4)  # call 4 starts after batch 3 committed
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    tagger = FakeTagger()
    with Store.open(path, tagger=tagger, resolver=fake_resolver) as store:
        done = len(store.table("reports"))
        assert done >= 12
        counts = store.ingest(corpus, progress=False)
        assert tagger.reports == counts["tagged"] == 40 - done
        assert len(store.table("reports")) == 40


def test_sigkill_mid_correction_keeps_every_committed_entry(filled, path):
    filled.close()
    script = (
        "import sys; from workbench.corpus import Store\n"
        "from tests.test_store import fake_resolver\n"
        "with Store.open(sys.argv[1], resolver=fake_resolver) as s:\n"
        "    m = s.table('mentions').iloc[0]\n"
        "    where = dict(report_id=m.report_id, start=int(m.start), end=int(m.end))\n"
        "    for i in range(100000):\n"
        "        if i % 2:\n"
        "            n = s.correct('rename_actor', actor='a:alpha front', canonical=f'A{i}')\n"
        "        else:\n"
        "            n = s.correct('relabel', **where, label=f'L{i}')\n"
        "        print('committed', n, flush=True)\n"
    )
    proc = run(script, path)
    lines = wait_for(proc, "committed", count=30)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    with Store.open(path, resolver=fake_resolver) as store:
        ledger = store.corrections()
        assert {int(line.split()[1]) for line in lines} <= set(ledger.id)
        assert (ledger.status == "applied").all()
        last_rename = ledger[ledger.kind == "rename_actor"].payload.iloc[-1]["canonical"]
        assert last_rename in set(store.table("actors").canonical)


def test_corrupt_file_names_the_backup(filled, path):
    filled.correct("confirm_actor", actor="Beta Group")
    filled.close()
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 3])
    with pytest.raises(StoreError) as err:
        Store.open(path, resolver=fake_resolver).table("actors")
    message = str(err.value)
    assert message.startswith(str(path)) and ".bak" in message and "\n" not in message
    path.write_bytes(filled.backup_path.read_bytes())  # what the message says to do
    with Store.open(path, resolver=fake_resolver) as store:
        assert store.corrections().kind.tolist() == ["confirm_actor"]


def test_garbage_file_without_backup(tmp_path):
    path = tmp_path / "junk.duckdb"
    path.write_text("not a database")
    with pytest.raises(StoreError, match=r"junk.duckdb: not a readable .* no backup"):
        Store.open(path)


def test_migrations_run_forward_after_a_backup(filled, path, monkeypatch):
    filled.close()

    def notes(con):
        con.execute("CREATE TABLE notes (note VARCHAR)")

    now = len(database.MIGRATIONS)
    monkeypatch.setattr(database, "MIGRATIONS", [*database.MIGRATIONS, notes])
    with Store.open(path, resolver=fake_resolver) as store:
        assert len(store.table("reports")) == 6
        store._db.sql("INSERT INTO notes VALUES ('kept')")
    assert _version(path) == str(now + 1)
    assert _version(str(path) + ".bak") == str(now)  # taken before upgrading


def _version(path) -> str:
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()[0]


def test_a_version_1_store_gains_cached_events_and_keeps_its_corrections(path, corpus, monkeypatch):
    with Store.open(path, tagger=FakeTagger(), resolver=fake_resolver) as store:
        store.ingest(corpus, progress=False)
        store.correct("rename_actor", actor="Alpha Front", canonical="Alpha Brigade")
    with duckdb.connect(str(path)) as con:  # what version 1 wrote: no events_raw, no lexicons
        con.execute("DROP TABLE events_raw")
        con.execute("DROP TABLE lexicons")
        con.execute("ALTER TABLE tagged DROP COLUMN lexicon")
        con.execute("UPDATE meta SET value = '1' WHERE key = 'schema_version'")
        con.execute("UPDATE tagged SET pipeline_version = '1'")
    tagger = FakeTagger()
    with Store.open(path, tagger=tagger, resolver=fake_resolver) as store:
        assert _version(store.backup_path) == "1"  # the state before the upgrade
        assert store.ingest(corpus, progress=False)["tagged"] == 6  # pipeline 1 had no events
        events = store.table("events")
        assert len(events) == 6 and set(events.actor) == {"Alpha Brigade"}
        assert store.corrections().status.tolist() == ["applied"]
    assert _version(path) == str(len(database.MIGRATIONS))


def test_raw_events_are_cached_and_follow_mention_corrections(path, corpus):
    tagger = FakeTagger()
    with Store.open(path, tagger=tagger, resolver=fake_resolver) as store:
        store.ingest(corpus, progress=False)
        first = store.table("events")
        assert len(first) == 6 and set(first.target) == {"Beta Group"}
    with Store.open(path, tagger=tagger, resolver=fake_resolver) as store:
        assert store.ingest(corpus, progress=False)["tagged"] == 0 and tagger.reports == 6
        pd.testing.assert_frame_equal(store.table("events"), first)
        where = mention(store, "Alpha Front", 0)
        store.correct("reject_mention", **where)
        events = store.table("events")  # the event's actor mention is gone, and so is it
        assert len(events) == 5 and where["report_id"] not in set(events.report_id)


def test_failed_migration_leaves_the_file_unchanged(filled, path, monkeypatch):
    filled.close()

    def broken(con):
        con.execute("CREATE TABLE half_done (x INT)")
        raise RuntimeError("disk on fire")

    now = len(database.MIGRATIONS)
    monkeypatch.setattr(database, "MIGRATIONS", [*database.MIGRATIONS, broken])
    with pytest.raises(StoreError, match=f"version {now} to {now + 1} failed .*disk on fire"):
        Store.open(path)
    monkeypatch.undo()
    with Store.open(path, resolver=fake_resolver) as store:
        assert len(store.table("reports")) == 6
        assert store._db.query("SELECT * FROM duckdb_tables() WHERE table_name = 'half_done'").empty


def test_empty_v0_file_is_upgraded_and_newer_versions_refused(tmp_path):
    path = tmp_path / "v0.duckdb"
    duckdb.connect(str(path)).close()  # a valid DuckDB file with no tables: version 0
    Store.open(path).close()
    assert _version(path) == str(len(database.MIGRATIONS))
    with duckdb.connect(str(path)) as con:
        con.execute("UPDATE meta SET value = '99' WHERE key = 'schema_version'")
    with pytest.raises(StoreError, match="version 99 is newer"):
        Store.open(path)


def test_store_follows_columns_the_schema_gains(filled, path, monkeypatch):
    filled.close()
    actors = {**schema.COLUMNS["actors"], "note": schema.TEXT}
    monkeypatch.setattr(schema, "COLUMNS", {**schema.COLUMNS, "actors": actors})
    with Store.open(path, resolver=fake_resolver) as store:
        assert store.table("actors").columns[-1] == "note"
        store.correct("rename_actor", actor="Beta Group", canonical="Beta Brigade")
        assert "Beta Brigade" in set(store.table("actors").canonical)
    with duckdb.connect(str(path), read_only=True) as con:
        assert "note" in {r[0] for r in con.execute("DESCRIBE actors").fetchall()}


def test_cli_ingest_and_correct(corpus, path, tmp_path, monkeypatch, capsys):
    from workbench import cli

    tagger = FakeTagger()
    monkeypatch.setattr("workbench.nlp.tagging.tag", tagger)
    monkeypatch.setattr("workbench.resolve.tables.resolve", fake_resolver)
    monkeypatch.setattr(pipeline, "load_pipeline", lambda model=None: None)
    store = ["--store", str(path)]
    assert cli.main(["ingest", str(corpus), *store]) == 0
    assert cli.main(["ingest", str(corpus), *store]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("6 read, 6 new") and "0 tagged, 6 skipped" in out[1]
    assert tagger.reports == 6
    fields = json.dumps({"actor": "Beta Group", "canonical": "Beta Brigade"})
    assert cli.main(["correct", "add", "rename_actor", "--json", fields, *store]) == 0
    assert cli.main(["correct", "add", "rename_actor", "--json", '{"actor": "Nobody",'
                     ' "canonical": "x"}', *store]) == 2  # fmt: skip
    assert "no actor 'Nobody'" in capsys.readouterr().err
    assert cli.main(["correct", "undo", "1", "--reason", "oops", *store]) == 0
    exported = tmp_path / "c.jsonl"
    assert cli.main(["correct", "export", str(exported), *store]) == 0
    assert cli.main(["correct", "import", str(exported), *store]) == 0
    assert cli.main(["correct", "list", *store]) == 0
    out = capsys.readouterr().out
    assert "#2 undoes #1" in out and "0 corrections added, 2 already present" in out
    assert re.search(r"1 .* rename_actor\s+undone", out) and "undone by #2" in out


def test_headline_mentions_are_named_by_title_offsets(filled):
    report = filled.table("reports").iloc[0]  # title "Report 0"; the tagger reads the body
    where = {"report_id": report.report_id, "start": 0, "end": 6, "text": "Report"}
    filled.correct("add_mention", **where, kind="actor", label="ACTOR")
    added = filled.table("mentions").query("text == 'Report'")
    assert added.sentence_id.tolist() == [-1] and added.sent_end.tolist() == [len(report.title)]
    filled.correct("reject_mention", **where)
    assert "Report" not in set(filled.table("mentions").text)
    assert set(filled.corrections().status) == {"applied"}
