"""Replaying corrections over hand-built tables (no store, no model)."""

from __future__ import annotations

import pandas as pd
import pytest

from workbench import schema
from workbench.errors import CorrectionError
from workbench.resolve.corrections import (
    Replay,
    active_entries,
    apply,
    check,
    replay_mentions,
    replay_tables,
)
from workbench.resolve.scorer import score_records

BODY = "Alpha Front hit Beta Group in Hajin. The AF left. Beta Group stayed."


def m(start, text, kind="actor", entity=None, sid=0, report="r1"):
    sent = (0, 36) if sid == 0 else (37, 49) if sid == 1 else (50, 68)
    return {"report_id": report, "sentence_id": sid, "sent_start": sent[0], "sent_end": sent[1],
            "start": start, "end": start + len(text), "text": text, "kind": kind,
            "entity_id": entity, "canonical": text}  # fmt: skip


@pytest.fixture
def reports():
    return schema.conform([{"report_id": "r1", "path": "r1.txt", "body": BODY}], "reports")


@pytest.fixture
def tables():
    mentions = [m(0, "Alpha Front", entity="a"), m(16, "Beta Group", entity="b"),
                m(30, "Hajin", kind="place", entity="p"), m(41, "AF", entity="a", sid=1),
                m(50, "Beta Group", entity="b", sid=2)]  # fmt: skip
    assert all(BODY[x["start"] : x["end"]] == x["text"] for x in mentions)
    actors = [
        {"actor_id": "a", "canonical": "Alpha Front", "aliases": ["AF", "Alpha Front"],
         "n_mentions": 2, "n_reports": 1, "actor_type": "rebel_group", "is_new": True},
        {"actor_id": "b", "canonical": "Beta Group", "aliases": ["Beta Group"],
         "n_mentions": 2, "n_reports": 1, "actor_type": "other", "is_new": True},
    ]  # fmt: skip
    return {
        "mentions": schema.conform(mentions, "mentions"),
        "actors": schema.conform(actors, "actors"),
        "places": schema.conform([{"place_id": "p", "name": "Hajin"}], "places"),
        "relations": schema.conform(
            [
                {
                    "report_id": "r1",
                    "sentence_id": 0,
                    "source_actor": "a",
                    "target_actor": "b",
                    "relation": "co_mention",
                }
            ],
            "relations",
        ),  # fmt: skip
        "events": schema.conform(
            [
                {
                    "report_id": "r1",
                    "sentence_id": 0,
                    "event_id": "e1",
                    "actor": "Alpha Front",
                    "actor1": "Alpha Front",
                    "actor1_id": "a",
                    "action": "armed_clash",
                    "sub_event_type": "Armed clash",
                    "event_type": "Battles",
                    "target": "Beta Group",
                    "actor2": "Beta Group",
                    "actor2_id": "b",
                }
            ],
            "events",
        ),  # fmt: skip
    }


def entry(kind, uuid="u1", /, **payload):
    return {"uuid": uuid, "kind": kind, "payload": check(kind, payload)}


def run(tables, *entries):
    return replay_tables(tables, list(entries))


def test_check_rejects_malformed_payloads():
    with pytest.raises(CorrectionError, match="needs canonical"):
        check("rename_actor", {"actor": "a"})
    with pytest.raises(CorrectionError, match="does not take colour"):
        check("confirm_actor", {"actor": "a", "colour": "red"})
    with pytest.raises(CorrectionError, match="whole number"):
        check("reject_mention", {"report_id": "r", "start": "x", "end": 3, "text": "abc"})
    with pytest.raises(CorrectionError, match="at least two"):
        check("merge_actors", {"actors": ["a"]})
    with pytest.raises(CorrectionError, match="cannot change sentence"):
        check("edit_event", {"report_id": "r", "sentence_id": 0, "actor": "A", "action": "riot",
                             "changes": {"sentence": "x"}})  # fmt: skip
    assert check("edit_event", {"report_id": "r", "sentence_id": "0", "actor": "A",
                                "action": "riot", "changes": {"date": "3 May 2019"}})[
        "changes"
    ] == {"date": "2019-05-03"}  # fmt: skip


def test_undo_of_undo_restores_the_target():
    ledger = [{"uuid": "a", "kind": "confirm_actor", "payload": {"actor": "x"}},
              {"uuid": "b", "kind": "undo", "payload": {"entry": "a"}}]  # fmt: skip
    assert active_entries(ledger)[0] == []
    ledger.append({"uuid": "c", "kind": "undo", "payload": {"entry": "b"}})
    active, statuses = active_entries(ledger)
    assert [e["uuid"] for e in active] == ["a"]
    assert statuses == {"b": ("undone", "undone by c"), "c": ("applied", "")}


def test_mention_corrections_reject_relabel_and_add(tables, reports):
    hajin = {"report_id": "r1", "start": 30, "end": 35, "text": "Hajin"}
    af = {"report_id": "r1", "start": 41, "end": 43, "text": "AF"}
    left = {"report_id": "r1", "start": 44, "end": 48, "text": "left"}
    entries = [
        entry("reject_mention", "u1", **hajin),
        entry("relabel", "u2", **af, kind="person", label="PERSON"),
        entry("add_mention", "u3", **left, kind="actor", label="ACTOR"),
        entry(
            "add_mention",
            "u4",
            report_id="r1",
            start=0,
            end=5,
            text="Alpha",
            kind="actor",
            label="ACTOR",
        ),  # fmt: skip
        entry("reject_mention", "u5", report_id="r1", start=0, end=5, text="Alpha"),
        entry("reject_mention", "u6", **hajin),  # already gone
    ]
    out, statuses, touched = replay_mentions(tables["mentions"], reports, entries)
    assert "Hajin" not in set(out.text) and "Alpha" not in set(out.text)
    relabelled = out[out.text == "AF"].iloc[0]
    assert (relabelled.kind, relabelled.label, pd.isna(relabelled.entity_id)) == (
        "person", "PERSON", True
    )  # fmt: skip
    added = out[out.text == "left"].iloc[0]
    assert (added.sentence_id, added.sent_start, added.source) == (1, 37, "user")
    assert [statuses[f"u{i}"][0] for i in range(1, 7)] == ["applied"] * 5 + ["stale"]
    assert touched == {"r1"}


def test_added_mention_in_an_untagged_sentence_gets_sentence_bounds(reports):
    add = entry("add_mention", report_id="r1", start=55, end=60, text="Group", kind="actor",
                label="ACTOR")  # fmt: skip
    out, _, _ = replay_mentions(schema.empty("mentions"), reports, [add])
    row = out.iloc[0]
    assert pd.isna(row.sentence_id) and BODY[row.sent_start : row.sent_end] == "Beta Group stayed."


def test_merge_redirects_later_corrections(tables):
    replay = run(
        tables,
        entry("merge_actors", "u1", actors=["Alpha Front", "b"]),
        entry("rename_actor", "u2", actor="b", canonical="Alpha-Beta"),  # b now lives in a
    )
    actors = replay.tables["actors"]
    assert actors.actor_id.tolist() == ["a"] and actors.canonical.tolist() == ["Alpha-Beta"]
    assert actors.n_mentions.tolist() == [4]
    assert set(replay.tables["mentions"].canonical.dropna()) == {"Alpha-Beta", "Hajin"}
    assert replay.tables["relations"].empty  # a co_mention with itself is no relation
    assert replay.tables["events"].actor.tolist() == ["Alpha-Beta"]
    assert replay.statuses == {"u1": ("applied", ""), "u2": ("applied", "")}
    assert replay.redirects == {"b": "a"}


def test_split_actor_moves_its_mentions_and_sentence_edges(tables):
    replay = run(tables, entry("split_actor", actor="a", aliases=["af"], canonical="Alpha Force"))
    actors = replay.tables["actors"].set_index("actor_id")
    assert actors.loc["user:alpha-force", "canonical"] == "Alpha Force"
    assert actors.loc["user:alpha-force", "actor_type"] == "rebel_group"  # inherited
    assert actors.aliases["a"] == ["Alpha Front"] and actors.n_mentions["a"] == 1
    mentions = replay.tables["mentions"].set_index("text")
    assert mentions.entity_id["AF"] == "user:alpha-force"


def test_set_canonical_to_a_new_actor_drops_an_emptied_one(tables):
    replay = run(tables, entry("set_canonical", report_id="r1", start=0, end=11,
                               text="Alpha Front", actor="Alpha Front Command",
                               actor_type="rebel_group"),
                 entry("set_canonical", "u2", report_id="r1", start=41, end=43, text="AF",
                       actor="Alpha Front Command"))  # fmt: skip
    actors = replay.tables["actors"]
    assert "a" not in set(actors.actor_id)
    new = actors.set_index("actor_id").loc["user:alpha-front-command"]
    assert (new.n_mentions, sorted(new.aliases)) == (2, ["AF", "Alpha Front"])
    relations = replay.tables["relations"]
    assert relations.source_actor.tolist() == ["user:alpha-front-command"]
    assert replay.tables["events"].actor.tolist() == ["Alpha Front Command"]


def test_place_coords_types_and_events(tables):
    replay = run(
        tables,
        entry("set_place_coords", "u1", place="Hajin", latitude=34.69, longitude=40.83,
              geo_precision=1, name="Hajin", country="Syria"),
        entry("set_actor_type", "u2", actor="Beta Group", actor_type="state_force"),
        entry("edit_event", "u3", report_id="r1", sentence_id=0, actor="Alpha Front",
              action="armed_clash", changes={"action": "attack_on_civilians",
                                              "location": "Hajin", "date": "2018-12-14"}),
        entry("reject_event", "u4", report_id="r1", sentence_id=0, actor="Alpha Front",
              action="armed_clash"),  # already edited away: stale
        entry("confirm_actor", "u5", actor="Beta Group"),
    )  # fmt: skip
    place = replay.tables["places"].iloc[0]
    assert (place.latitude, place.resolved, place.country) == (34.69, True, "Syria")
    mentions = replay.tables["mentions"]
    assert set(mentions.actor_type[mentions.entity_id == "b"]) == {"state_force"}
    event = replay.tables["events"].iloc[0]
    assert (event.action, event.location, str(event.date.date())) == (
        "attack_on_civilians", "Hajin", "2018-12-14"
    )  # fmt: skip
    assert replay.statuses["u4"][0] == "stale" and replay.confirmed == {"b"}
    assert not replay.tables["actors"].set_index("actor_id").is_new["b"]


def test_apply_leaves_the_replay_alone_when_stale(tables):
    replay = replay_tables(tables, [])
    trial = replay.copy()
    status = apply(trial, entry("rename_actor", actor="Nobody", canonical="X"))
    assert status == ("stale", "no actor 'Nobody'")
    assert isinstance(trial, Replay) and trial.tables["actors"].equals(replay.tables["actors"])


def test_score_matches_like_the_scorer():
    gold = [{"file": "a", "actors": [{"canonical": "The SDF", "mentions": ["SDF"]},
                                     {"canonical": "IS", "mentions": []}],
             "locations": [{"name": "Hajin", "mentions": ["Hajin"]}]}]  # fmt: skip
    places = [{"name": "hajin", "mentions": []}, {"name": "Raqqa", "mentions": []}]
    pred = [{"file": "a", "actors": [{"canonical": "SDF", "mentions": ["SDF"]}],
             "locations": places}]  # fmt: skip
    scores = score_records(gold, pred).set_index("table")
    assert scores.loc["actors", ["tp", "fp", "fn"]].tolist() == [1, 0, 1]
    assert scores.loc["places", ["tp", "fp", "fn"]].tolist() == [1, 1, 0]
    assert scores.loc["actors", "precision"] == 1.0 and scores.loc["actors", "recall"] == 0.5
