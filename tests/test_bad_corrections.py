"""Bad corrections get one line naming the field or the file, and change nothing."""

from __future__ import annotations

import json

import pytest

from tests.test_store import FakeTagger, fake_resolver, write_corpus
from workbench.cli import main
from workbench.corpus import Store
from workbench.errors import CorrectionError, StoreError
from workbench.resolve.corrections import check


@pytest.fixture
def store(tmp_path):
    with Store.open(tmp_path / "s.duckdb", tagger=FakeTagger(), resolver=fake_resolver) as s:
        s.ingest(write_corpus(tmp_path / "corpus", 2), progress=False)
        yield s


@pytest.mark.parametrize(
    ("kind", "fields", "says"),
    [
        ("rename_actor", {"actor": "a:beta group", "canonical": 5}, "canonical must be a non-blank"),
        ("rename_actor", {"actor": "a:beta group", "canonical": "   "}, "canonical must be a non-blank"),
        ("set_place_coords", {"place": "p:raqqa", "latitude": 1000, "longitude": 39}, "latitude must be between -90 and 90"),
        ("set_place_coords", {"place": "p:raqqa", "latitude": "nan", "longitude": 39}, "latitude must be between"),
        ("set_place_coords", {"place": "p:raqqa", "latitude": 35, "longitude": True}, "longitude must be a number"),
        ("edit_event", {"report_id": "r", "sentence_id": 0, "actor": "a", "action": "airstrike", "changes": ["x"]}, "changes must be a mapping"),
    ],
)  # fmt: skip
def test_bad_values_are_refused_with_one_line(store, kind, fields, says):
    with pytest.raises(CorrectionError, match=says) as err:
        store.correct(kind, **fields)
    assert "\n" not in str(err.value) and str(err.value).startswith(kind)
    assert store.corrections().empty


def test_names_are_stripped_and_mention_text_is_kept_as_is():
    assert check("rename_actor", {"actor": "sdf", "canonical": " SDF "})["canonical"] == "SDF"
    fields = {"report_id": "r", "start": 0, "end": 4, "text": " SDF"}
    assert check("reject_mention", fields)["text"] == " SDF"


def test_undo_of_something_that_is_not_an_entry_id(store):
    with pytest.raises(CorrectionError, match=r"undo: an entry id is a whole number, not 'abc'"):
        store.undo("abc")


def test_cli_json_must_be_an_object(store, capsys):
    path = str(store.path)
    store.close()
    assert main(["correct", "add", "rename_actor", "--json", "[]", "--store", path]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [
        "workbench: --json: give the fields as one JSON object, "
        'e.g. \'{"actor": "sdf", "canonical": "SDF"}\''
    ]


@pytest.mark.parametrize(
    ("content", "says"),
    [
        (b"\xff\xfe{not utf-8", r"bad.jsonl: not UTF-8 text \(byte 0\)"),
        (b"[1, 2]\n", r"bad.jsonl:1: not a correction entry \(one JSON object per line"),
        (b'{"uuid": "x", "kind": "confirm_actor", "payload": []}\n', r"bad.jsonl:1: not a correction"),
        (json.dumps({"uuid": "00000000-0000-4000-8000-000000000009", "time": "yesterday-ish",
                     "kind": "confirm_actor", "payload": {"actor": "a:beta group"}}).encode(),
         r"bad.jsonl:1: not a correction entry"),
    ],
)  # fmt: skip
def test_bad_ledger_files_import_nothing(store, tmp_path, content, says):
    bad = tmp_path / "bad.jsonl"
    bad.write_bytes(content)
    with pytest.raises(CorrectionError, match=says) as err:
        store.import_corrections(bad)
    assert "\n" not in str(err.value)
    assert store.corrections().empty


def test_an_imported_time_without_fractions_keeps_the_ledger_readable(store, tmp_path):
    good = tmp_path / "good.jsonl"
    entry = {"uuid": "00000000-0000-4000-8000-00000000000a", "time": "2026-12-01T10:00:00",
             "kind": "confirm_actor", "payload": {"actor": "a:beta group"}}  # fmt: skip
    good.write_text(json.dumps(entry) + "\n")
    store.correct("confirm_actor", actor="a:alpha front")  # a time with microseconds
    assert store.import_corrections(good)["added"] == 1
    assert store.corrections().time.notna().all()


def test_an_in_memory_store_is_refused():
    with pytest.raises(StoreError, match="a store must be a file"):
        Store.open(":memory:")


def _foreign_ledger(path) -> None:
    """A ledger from another corpus: its report and actors are not in ``store``."""
    entries = [
        {"uuid": "00000000-0000-4000-8000-0000000000b1", "kind": "merge_actors",
         "payload": {"actors": ["a:alpha front", "x:somebody else"], "into": "a:alpha front"}},
        {"uuid": "00000000-0000-4000-8000-0000000000b2", "kind": "reject_mention",
         "payload": {"report_id": "elsewhere-7", "start": 0, "end": 4, "text": "Gulu"}},
        {"uuid": "00000000-0000-4000-8000-0000000000b3", "kind": "confirm_actor",
         "payload": {"actor": "a:beta group"}},
    ]  # fmt: skip
    path.write_text("".join(json.dumps(e) + "\n" for e in entries))


def test_a_ledger_from_another_corpus_lists_what_is_missing_and_imports_nothing(store, tmp_path):
    foreign = tmp_path / "foreign.jsonl"
    _foreign_ledger(foreign)
    before = store.table("actors")
    with pytest.raises(CorrectionError) as err:
        store.import_corrections(foreign)
    message = str(err.value)
    assert "\n" not in message and message.startswith(str(foreign))
    assert "1 reports (elsewhere-7)" in message and "1 actors (x:somebody else)" in message
    assert "--force" in message and "a:beta group" not in message
    assert store.corrections().empty
    assert store.table("actors").equals(before)


def test_force_imports_a_foreign_ledger_and_counts_what_it_names_that_is_missing(store, tmp_path):
    foreign = tmp_path / "foreign.jsonl"
    _foreign_ledger(foreign)
    counts = store.import_corrections(foreign, force=True)
    assert counts == {"read": 3, "added": 3, "present": 0, "unknown": 2}
    status = store.corrections().set_index("kind").status
    assert status["confirm_actor"] == "applied" and status["reject_mention"] == "stale"


def test_cli_import_refuses_a_foreign_ledger_without_force(store, tmp_path, capsys, monkeypatch):
    monkeypatch.setattr("workbench.resolve.tables.resolve", fake_resolver)  # the fake tags
    foreign = tmp_path / "foreign.jsonl"
    _foreign_ledger(foreign)
    path = str(store.path)
    store.close()
    assert main(["correct", "import", str(foreign), "--store", path]) != 0
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "elsewhere-7" in err
    assert main(["correct", "import", str(foreign), "--store", path, "--force"]) == 0
    assert "3 corrections added (2 name what this corpus lacks)" in capsys.readouterr().out
