"""filter_tables keeps tables consistent under each filter and their combinations;
evidence finds the sentences behind a mark."""

from __future__ import annotations

import pandas as pd
import pytest

from workbench import schema
from workbench.views.evidence import evidence
from workbench.views.filters import (
    date_options,
    factorize,
    filter_tables,
    search_actors,
)


def _ids(df: pd.DataFrame, col: str) -> list:
    return sorted(set(df[col]))


def _assert_consistent(out: dict) -> None:
    reports = set(out["reports"].report_id)
    for name in ("mentions", "dates", "relations", "events"):
        assert set(out[name].report_id) <= reports, name
    actor_rows = out["mentions"][out["mentions"].kind.isin(["actor", "supporter"])]
    assert set(out["actors"].actor_id) == set(actor_rows.entity_id)
    place_rows = out["mentions"][out["mentions"].kind == "place"]
    assert set(out["places"].place_id) == set(place_rows.entity_id)
    for name, frame in out.items():
        assert list(frame.columns) == list(schema.COLUMNS[name]), name
        assert frame.index.equals(pd.RangeIndex(len(frame))), name


def test_no_filter_returns_every_table_unchanged(tiny_tables):
    out = filter_tables(tiny_tables)
    assert out.keys() == tiny_tables.keys()
    for name in tiny_tables:
        pd.testing.assert_frame_equal(out[name], tiny_tables[name])


def test_actor_filter_keeps_its_mentions_reports_and_relations(tiny_tables):
    out = filter_tables(tiny_tables, actors=["saa"])
    assert _ids(out["reports"], "report_id") == ["r2"]
    actor_rows = out["mentions"][out["mentions"].kind == "actor"]
    assert actor_rows.entity_id.tolist() == ["saa", "saa"]
    assert _ids(out["mentions"][out["mentions"].kind == "place"], "entity_id") == ["raqqa"]
    rel = out["relations"]
    assert ((rel.source_actor == "saa") | (rel.target_actor == "saa")).all() and len(rel) == 2
    assert out["actors"].actor_id.tolist() == ["saa"]
    _assert_consistent(out)


def test_actor_type_filter_keeps_actors_of_those_types(tiny_tables):
    out = filter_tables(tiny_tables, actor_types=["state_force"])
    assert _ids(out["actors"], "actor_id") == ["iran", "saa"]
    assert _ids(out["reports"], "report_id") == ["r2", "r3"]
    _assert_consistent(out)


def test_actors_and_types_combine_as_and(tiny_tables):
    out = filter_tables(tiny_tables, actors=["sdf", "saa"], actor_types=["state_force"])
    assert _ids(out["actors"], "actor_id") == ["saa"]
    _assert_consistent(out)


def test_date_range_is_inclusive_by_day_and_drops_undated_reports(tiny_tables):
    out = filter_tables(tiny_tables, date_range=("2024-01-05", "2024-02-10"))
    assert _ids(out["reports"], "report_id") == ["r1", "r2"]
    assert _ids(out["dates"], "report_id") == ["r1"]
    open_ended = filter_tables(tiny_tables, date_range=(pd.Timestamp("2024-02-01"), None))
    assert _ids(open_ended["reports"], "report_id") == ["r2", "r3"]
    _assert_consistent(out)


def test_outlet_report_and_place_filters(tiny_tables):
    by_outlet = filter_tables(tiny_tables, outlets=["Reuters"])
    assert _ids(by_outlet["reports"], "report_id") == ["r2", "r4"]
    by_report = filter_tables(tiny_tables, reports=["r3"])
    assert _ids(by_report["mentions"], "report_id") == ["r3"]
    by_place = filter_tables(tiny_tables, places=["hasakah"])
    assert _ids(by_place["reports"], "report_id") == ["r1", "r3", "r4"]
    assert _ids(by_place["places"], "place_id") == ["hasakah"]
    for out in (by_outlet, by_report, by_place):
        _assert_consistent(out)


def test_combined_filters_intersect(tiny_tables):
    out = filter_tables(
        tiny_tables, actors=["sdf"], outlets=["Reuters", "AFP"], date_range=(None, "2024-02-28")
    )
    assert _ids(out["reports"], "report_id") == ["r2"]
    assert out["mentions"][out["mentions"].kind == "actor"].entity_id.tolist() == ["sdf"]
    _assert_consistent(out)


def test_filter_that_matches_nothing_returns_empty_tables(tiny_tables):
    out = filter_tables(tiny_tables, actors=["nobody"])
    assert all(len(out[name]) == 0 for name in ("reports", "mentions", "actors", "relations"))
    _assert_consistent(out)


def test_actions_filter_events_and_hostile_relations(tiny_tables):
    tables = dict(tiny_tables)
    tables["events"] = schema.conform(
        [
            {"report_id": "r2", "sentence_id": 0, "actor": "Syrian Arab Army",
             "actor1_id": "saa", "action": "shelling_or_artillery", "target": "Islamic State",
             "actor2_id": "is", "location": "Raqqa", "place_id": "raqqa"},
            {"report_id": "r1", "sentence_id": 0, "actor": "Syrian Democratic Forces",
             "actor1_id": "sdf", "action": "territory_taken", "location": "Dashisha",
             "place_id": "dashisha"},
        ],
        "events",
    )  # fmt: skip
    extra = {"report_id": "r2", "sentence_id": 0, "source_actor": "saa", "target_actor": "is",
             "relation": "shelling_or_artillery", "sentence": "x"}  # fmt: skip
    tables["relations"] = schema.conform([*tables["relations"].to_dict("records"), extra],
                                         "relations")  # fmt: skip
    out = filter_tables(tables, actions=["territory_taken"])
    assert out["events"].action.tolist() == ["territory_taken"]
    assert "shelling_or_artillery" not in set(out["relations"].relation)
    assert {"co_mention", "support"} <= set(out["relations"].relation)
    by_actor = filter_tables(tables, actors=["saa"])
    assert by_actor["events"].actor.tolist() == ["Syrian Arab Army"]
    as_target = filter_tables(tables, actors=["is"])  # the target's events too
    assert as_target["events"].actor.tolist() == ["Syrian Arab Army"]
    by_place = filter_tables(tables, places=["dashisha"])
    assert by_place["events"].location.tolist() == ["Dashisha"]


def test_results_are_copies_and_carry_codes(tiny_tables):
    out = filter_tables(tiny_tables, actors=["sdf", "is"])
    out["mentions"].loc[0, "text"] = "changed"
    assert "changed" not in set(tiny_tables["mentions"].text)
    fresh = filter_tables(tiny_tables, actors=["sdf", "is"])["mentions"]
    codes, uniques = factorize(fresh, "entity_id")
    assert [uniques[c] for c in codes] == fresh.entity_id.tolist()


def test_evidence_for_an_actor_has_its_sentences_newest_first(tiny_tables):
    ev = evidence(tiny_tables, actor="sdf")
    assert list(ev.columns) == list(schema.COLUMNS["evidence"])
    assert ev.report_id.tolist() == ["r3", "r2", "r1"]
    assert ev.sentence.iloc[1] == (
        "The SDF said the army and IS hit <script>alert(1)</script> posts near Raqqa."
    )
    marks = ev.mentions.iloc[1]
    assert [(m["text"], ev.sentence.iloc[1][m["start"] : m["end"]]) for m in marks][:2] == [
        ("SDF", "SDF"),
        ("the army", "the army"),
    ]


@pytest.mark.parametrize("actor", ["sdf", "nobody"])
def test_evidence_columns_follow_the_schema(tiny_tables, actor):
    ev = evidence(tiny_tables, actor=actor)
    expected = {c: str(pd.Series([], dtype=t).dtype) for c, t in schema.COLUMNS["evidence"].items()}
    assert {c: str(t) for c, t in ev.dtypes.items()} == expected
    assert list(ev.columns) == list(expected)
    for marks in ev.mentions:
        assert all(set(m) == set(schema.EVIDENCE_MENTION_FIELDS) for m in marks)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"place": "hasakah"}, [("r3", 1), ("r1", 1), ("r4", 0)]),  # undated last
        ({"actor": "is", "report": "r1"}, [("r1", 0), ("r1", 1)]),
        ({"pair": ("is", "sdf")}, [("r2", 1), ("r1", 0)]),
        ({"pair": ("sdf", "us"), "relation": "support"}, [("r1", 0)]),
        ({"pair": ("sdf", "us"), "relation": "co_mention"}, []),
        ({"type_pair": ("political_militia", "rebel_group")}, [("r3", 0), ("r3", 1)]),
        ({"actor": "is", "date_range": ("2024-02-01", "2024-02-29")}, [("r2", 1)]),
        ({"report": "r4"}, [("r4", 0)]),
    ],
)
def test_evidence_for_each_kind_of_mark(tiny_tables, query, expected):
    ev = evidence(tiny_tables, **query)
    assert list(zip(ev.report_id, ev.sentence_id, strict=True)) == expected


def test_evidence_limit_counts_every_match(tiny_tables):
    ev = evidence(tiny_tables, actor="is", limit=2)
    assert len(ev) == 2 and ev.attrs["n_sentences"] == 4


def test_search_actors_matches_names_ids_and_aliases(tiny_tables):
    actors = tiny_tables["actors"].copy()
    actors.at[0, "aliases"] = ["Quwat Suriya al-Dimuqratiya"]
    assert search_actors(actors, "QUWAT").actor_id.tolist() == ["sdf"]
    assert search_actors(actors, "saa").actor_id.tolist() == ["saa"]
    assert search_actors(actors, "").actor_id.iloc[0] == "is"  # most mentioned first


def test_date_options_are_sorted_distinct_days(tiny_tables):
    days = date_options(tiny_tables)
    assert [d.strftime("%Y-%m-%d") for d in days] == ["2024-01-05", "2024-02-10", "2024-03-15"]
    assert len(date_options(tiny_tables, max_options=2)) == 2


def test_event_evidence_keeps_the_sentence_after_the_actor_is_filtered_out():
    # Filtered to the target (IS), the events chart still shows the SDF's bar: a click
    # on it must list the SDF's event sentence although no SDF mention is kept.
    body = "SDF fighters seized Raqqa from IS. Gunmen attacked a market."
    reports = schema.conform([{"report_id": "r1", "title": "", "body": body}], "reports")
    mention = {"report_id": "r1", "sentence_id": 0, "sent_start": 0, "sent_end": 34}
    mentions = schema.conform(
        [
            {**mention, "start": 0, "end": 3, "text": "SDF", "kind": "actor", "entity_id": "sdf"},
            {**mention, "start": 31, "end": 33, "text": "IS", "kind": "actor", "entity_id": "is"},
        ],
        "mentions",
    )
    event = {"report_id": "r1", "sentence_id": 0, "sent_start": 0, "sent_end": 34}
    events = schema.conform(
        [
            {**event, "actor1_id": "sdf", "actor": "SDF", "actor2_id": "is", "action": "territory_taken"},
            {"report_id": "r1", "sentence_id": 1, "sent_start": 35, "sent_end": 60,
             "actor1_id": "unidentified-armed-group", "actor": "Unidentified armed group",
             "action": "attack_on_civilians"},
        ],
        "events",
    )  # fmt: skip
    tables = {"reports": reports, "mentions": mentions, "events": events}
    shown = filter_tables(tables, actors=["is"])
    assert set(shown["mentions"].entity_id) == {"is"}
    found = evidence(shown, actor="sdf", action="territory_taken")
    assert found.sentence.tolist() == ["SDF fighters seized Raqqa from IS."]
    assert [m["text"] for m in found.mentions[0]] == ["IS"]
    assert evidence(shown, actor="sdf", action="shelling_or_artillery").empty
    # no mention at all in the sentence: the event's own offsets give it
    found = evidence(tables, action="attack_on_civilians")
    assert found.sentence.tolist() == ["Gunmen attacked a market."]


def tiny_events(tables: dict) -> pd.DataFrame:
    """Three events over ``tiny_tables``, each at its trigger word: a capture (no toll
    given), shelling with 3 dead, an armed clash with an unknown toll."""
    reports = tables["reports"].set_index("report_id")
    rows = []
    specs = [
        ("r1", "captured", "sdf", "is", "territory_taken", "Strategic developments",
         "Non-state actor overtakes territory", 0),
        ("r2", "shelled", "saa", None, "shelling_or_artillery", "Explosions/Remote violence",
         "Shelling/artillery/missile attack", 3),
        ("r3", "clashed", "pmf", "is", "armed_clash", "Battles", "Armed clash", None),
    ]  # fmt: skip
    for rid, trigger, a1, a2, action, kind, sub, deaths in specs:
        body = reports.body[rid]
        start = body.index(trigger)
        s0 = body.rfind(".", 0, start) + 1
        s0 += len(body[s0:]) - len(body[s0:].lstrip())
        rows.append({
            "event_id": f"ev-{rid}", "report_id": rid, "sentence_id": 0,
            "sent_start": s0, "sent_end": body.index(".", start) + 1,
            "trigger_start": start, "trigger_end": start + len(trigger), "trigger": trigger,
            "actor": a1, "actor1_id": a1, "actor1": a1, "actor2_id": a2, "action": action,
            "event_type": kind, "sub_event_type": sub, "fatalities": deaths,
        })  # fmt: skip
    return schema.conform(rows, "events")


def test_event_type_sub_type_and_fatalities_filters_keep_events_only(tiny_tables):
    tables = {**tiny_tables, "events": tiny_events(tiny_tables)}
    out = filter_tables(tables, event_types=["Battles", "Explosions/Remote violence"])
    assert sorted(out["events"].event_id) == ["ev-r2", "ev-r3"]
    assert len(out["reports"]) == len(tables["reports"])  # what happened, not who is named
    assert len(out["mentions"]) == len(tables["mentions"])
    out = filter_tables(tables, sub_event_types=["Armed clash"])
    assert out["events"].event_id.tolist() == ["ev-r3"]
    out = filter_tables(tables, min_fatalities=1)
    assert out["events"].event_id.tolist() == ["ev-r2"]  # unknown (r3) is not counted as any
    out = filter_tables(tables, min_fatalities=0, actors=["is"])
    assert out["events"].event_id.tolist() == ["ev-r1"]  # with an actor filter too


def test_evidence_for_events_marks_each_trigger(tiny_tables):
    tables = {**tiny_tables, "events": tiny_events(tiny_tables)}
    found = evidence(tables, events=["ev-r1", "ev-r2"])
    assert sorted(found.report_id) == ["r1", "r2"]
    for row in found.itertuples():
        triggers = [m for m in row.mentions if m["kind"] == "trigger"]
        assert len(triggers) == 1
        t = triggers[0]
        assert row.sentence[t["start"] : t["end"]] == t["text"] in {"captured", "shelled"}
        assert any(m["kind"] == "actor" for m in row.mentions)  # the sentence's tags stay
    assert evidence(tables, events=["nope"]).empty
