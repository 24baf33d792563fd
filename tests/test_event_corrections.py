"""Event corrections by ``event_id``: edit any field, reject, add; older entries still replay.

Pure replays over ``tiny_tables`` with hand-made events, then the same kinds through a
store (fake tagger, no model), where they persist, replay on reopen and undo.
"""

from __future__ import annotations

import pandas as pd
import pytest

from tests.test_filters import tiny_events
from tests.test_store import FakeTagger, fake_resolver, write_corpus
from workbench.corpus import Store
from workbench.errors import CorrectionError
from workbench.resolve.corrections import check, replay_tables


def entry(kind, uuid="u1", /, **payload):
    return {"uuid": uuid, "kind": kind, "payload": check(kind, payload)}


def run(tables, *entries):
    return replay_tables(tables, list(entries))


@pytest.fixture
def tables(tiny_tables):
    """tiny_tables with tiny_events, plus a second event of the same actor and action
    in r3's sentence (a second clash, 2 dead), so the old key would name both."""
    events = tiny_events(tiny_tables)
    twin = events[events.event_id == "ev-r3"].assign(event_id="ev-r3b", fatalities=2)
    return {**tiny_tables, "events": pd.concat([events, twin], ignore_index=True)}


def by_id(replay):
    return replay.tables["events"].set_index("event_id")


def test_two_events_in_one_sentence_are_edited_and_rejected_apart(tables):
    replay = run(tables, entry("edit_event", event_id="ev-r3b", changes={"fatalities": 5}))
    events = by_id(replay)
    assert events.fatalities["ev-r3b"] == 5 and pd.isna(events.fatalities["ev-r3"])
    assert replay.statuses == {"u1": ("applied", "")} and replay.touched == {"r3"}
    replay = run(tables, entry("reject_event", event_id="ev-r3"))
    assert sorted(replay.tables["events"].event_id) == ["ev-r1", "ev-r2", "ev-r3b"]


def test_an_old_entry_named_by_sentence_actor_and_action_still_replays(tables):
    old = entry("edit_event", "old", report_id="r3", sentence_id=0, actor="pmf",
                action="armed_clash", changes={"location": "Raqqa", "target": "sdf"})  # fmt: skip
    assert old["payload"]["changes"] == {"place": "Raqqa", "actor2": "sdf"}  # today's names
    old["payload"]["changes"] = {"location": "Raqqa", "target": "sdf"}  # as it was written
    events = by_id(run(tables, old))
    assert events.loc[["ev-r3", "ev-r3b"], "location"].tolist() == ["Raqqa", "Raqqa"]
    assert events.loc[["ev-r3", "ev-r3b"], "actor2_id"].tolist() == ["sdf", "sdf"]


def test_editing_actors_recodes_inter_codes_and_the_acled_label(tables):
    replay = run(tables, entry("edit_event", event_id="ev-r2",
                               changes={"actor1": "Islamic State", "actor2": "civilians",
                                        "sub_event_type": "Attack"}))  # fmt: skip
    e = by_id(replay).loc["ev-r2"]
    assert (e.actor1, e.actor1_id, e.actor) == ("Islamic State", "is", "Islamic State")
    assert (e.actor2, e.actor2_id, e.target, e.inter2) == ("Civilians", "civilians", "Civilians", 7)
    assert e.acled_actor2 == "Civilians"  # ACLED's "Civilians (Syria)" once a country is known
    assert (e.event_type, e.action) == ("Violence against civilians", "attack_on_civilians")
    assert e.interaction == e.inter1 * 10 + 7 and bool(e.civilian_targeting)
    assert e.confidence == 1.0  # an analyst's word


def test_every_other_field_can_be_edited(tables):
    changes = {"sub_event_type": "Government regains territory", "place": "Raqqa",
               "date": "12 March 2019", "time_precision": 2, "fatalities": 0, "claimed": True}  # fmt: skip
    e = by_id(run(tables, entry("edit_event", event_id="ev-r1", changes=changes))).loc["ev-r1"]
    assert (e.sub_event_type, e.event_type, e.action) == (
        "Government regains territory", "Battles", "territory_taken"
    )  # fmt: skip
    assert (e.location, e.place_id, e.country, e.geo_precision) == ("Raqqa", "raqqa", "Syria", 1)
    assert (str(e.date.date()), e.time_precision, e.fatalities) == ("2019-03-12", 2, 0)
    assert bool(e.claimed)
    e = by_id(run(tables, entry("edit_event", event_id="ev-r1",
                                changes={"action": "airstrike", "actor2": None}))).loc["ev-r1"]  # fmt: skip
    assert (e.sub_event_type, e.action) == ("Air/drone strike", "airstrike")
    assert pd.isna(e.actor2_id) and pd.isna(e.inter2) and e.interaction == e.inter1 * 10


def test_add_event_builds_a_coded_row_with_a_stable_id(tables):
    fields = dict(report_id="r2", sentence_id=0, actor1="Syrian Arab Army", actor2="sdf",
                  sub_event_type="Armed clash", fatalities=4, sent_start=0, sent_end=10,
                  sentence="A sentence")  # fmt: skip
    first, again = entry("add_event", **fields), entry("add_event", "u2", **fields)
    assert first["payload"]["event_id"] == again["payload"]["event_id"]
    assert first["payload"]["event_id"].startswith("user:")
    replay = run(tables, first, again)
    added = by_id(replay).loc[first["payload"]["event_id"]]
    assert (added.actor1_id, added.actor2_id, added.event_type) == ("saa", "sdf", "Battles")
    assert (added.fatalities, added.sentence, added.confidence) == (4, "A sentence", 1.0)
    assert (added.inter1, added.inter2, added.interaction) == (1, 2, 12)
    assert replay.statuses["u2"] == (
        "stale",
        f"event {first['payload']['event_id']} is already there",
    )
    gone = run({**tables, "mentions": tables["mentions"][tables["mentions"].report_id != "r2"]},
               first)  # fmt: skip
    assert gone.statuses["u1"][0] == "stale"  # its report was removed


def test_merging_or_retyping_an_actor_reaches_its_events(tables):
    replay = run(tables, entry("merge_actors", actors=["pmf", "saa"], into="saa"))
    events = by_id(replay)
    assert events.loc[["ev-r3", "ev-r3b"], "actor1_id"].tolist() == ["saa", "saa"]
    assert set(events.actor1) >= {"Syrian Arab Army"}
    replay = run(tables, entry("set_actor_type", actor="sdf", actor_type="state_force"))
    assert by_id(replay).inter1["ev-r1"] == 1  # state forces are inter 1


@pytest.mark.parametrize(
    ("kind", "fields", "error"),
    [
        ("edit_event", {"changes": {"fatalities": 1}}, "name the event by event_id"),
        ("edit_event", {"event_id": "e", "changes": {"fatalities": -1}}, "cannot be negative"),
        ("edit_event", {"event_id": "e", "changes": {"time_precision": 4}}, "1 \\(day\\)"),
        ("edit_event", {"event_id": "e", "changes": {"sub_event_type": "Raid"}}, "'Raid' is not"),
        ("edit_event", {"event_id": "e", "changes": {"claimed": "yes"}}, "true or false"),
        ("edit_event", {"event_id": "e", "changes": {"trigger": "x"}}, "cannot change trigger"),
        ("reject_event", {}, "name the event by event_id"),
        ("add_event", {"report_id": "r", "sentence_id": 0, "actor1": "A"}, "give an action"),
    ],
)
def test_malformed_event_corrections_get_one_line_errors(kind, fields, error):
    with pytest.raises(CorrectionError, match=error):
        check(kind, fields)


# -- through a store -------------------------------------------------------------------


@pytest.fixture
def store(tmp_path):
    with Store.open(tmp_path / "s.duckdb", tagger=FakeTagger(), resolver=fake_resolver) as s:
        s.ingest(write_corpus(tmp_path / "corpus", 2), progress=False)
        yield s


def test_event_corrections_persist_replay_and_undo_in_a_store(store, tmp_path):
    events = store.table("events")
    first = events.iloc[0]
    edit = store.correct("edit_event", event_id=first.event_id, changes={"fatalities": 7})
    rid, sid = first.report_id, int(first.sentence_id)
    added = store.correct("add_event", report_id=rid, sentence_id=sid, actor1="Gamma Unit",
                          action="protest")  # fmt: skip
    new = store.table("events").set_index("event_id")
    assert new.fatalities[first.event_id] == 7
    user = [e for e in new.index if e.startswith("user:")]
    assert len(user) == 1
    row = new.loc[user[0]]
    body = store.table("reports").set_index("report_id").body[rid]
    assert row.sentence == body[row.sent_start : row.sent_end] and "Alpha Front" in row.sentence
    assert (row.sub_event_type, row.actor1) == ("Peaceful protest", "Gamma Unit")
    with pytest.raises(CorrectionError, match="no event nope"):
        store.correct("reject_event", event_id="nope")
    with pytest.raises(CorrectionError, match="no tagged body sentence 9"):
        store.correct("add_event", report_id=rid, sentence_id=9, actor1="X", action="riot")
    store.close()
    with Store.open(store.path, tagger=FakeTagger(), resolver=fake_resolver) as again:
        events = again.table("events").set_index("event_id")
        assert events.fatalities[first.event_id] == 7 and user[0] in events.index
        again.undo(added)
        again.undo(edit)
        events = again.table("events").set_index("event_id")
        assert user[0] not in events.index and pd.isna(events.fatalities[first.event_id])
        ledger = again.corrections()
        assert ledger.status.tolist()[:2] == ["undone", "undone"]


def test_event_corrections_travel_in_a_ledger_file_and_foreign_ids_are_named(store, tmp_path):
    first = store.table("events").iloc[0]
    store.correct("edit_event", event_id=first.event_id, changes={"claimed": True})
    store.correct("add_event", report_id=first.report_id, sentence_id=int(first.sentence_id),
                  actor1="Gamma Unit", action="protest")  # fmt: skip
    added = store.table("events").event_id.str.startswith("user:")
    store.correct("edit_event", event_id=store.table("events").event_id[added].iloc[0],
                  changes={"fatalities": 1})  # fmt: skip
    ledger = tmp_path / "ledger.jsonl"
    store.export_corrections(ledger)
    corpus = tmp_path / "corpus"
    with Store.open(tmp_path / "t.duckdb", tagger=FakeTagger(), resolver=fake_resolver) as other:
        other.ingest(corpus, progress=False)
        assert other.import_corrections(ledger)["added"] == 3  # the added event's edit too
        events = other.table("events").set_index("event_id")
        assert bool(events.claimed[first.event_id]) and (events.fatalities == 1).sum() == 1
    foreign = tmp_path / "foreign.jsonl"
    foreign.write_text(ledger.read_text().replace(first.event_id, "elsewhere-1"))
    with Store.open(tmp_path / "u.duckdb", tagger=FakeTagger(), resolver=fake_resolver) as other:
        other.ingest(corpus, progress=False)
        with pytest.raises(CorrectionError, match=r"1 events \(elsewhere-1\)"):
            other.import_corrections(foreign)
