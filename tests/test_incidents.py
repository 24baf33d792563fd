"""Incidents: the events of several reports that describe one happening are one incident.

First the pipeline itself on ``tests/fixtures/incidents`` (three reports of one attack
in Mosul, a fourth of another attack nearby), then the matching rules on hand-built
events, then the analyst's corrections through a store (fake tagger and resolver, no
model), then the charts and the evidence pane counting incidents.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from tests.test_store import FakeTagger
from workbench import schema
from workbench.corpus import Store
from workbench.errors import CorrectionError
from workbench.resolve import incidents
from workbench.resolve.incidents import build_incidents, incident_rows

FIXTURES = Path(__file__).parent / "fixtures" / "incidents"


@pytest.fixture(scope="module")
def fixture_tables(nlp):
    from workbench.corpus import extract
    from workbench.read.reports import read_reports

    reports, _ = read_reports(FIXTURES)
    return extract(reports, nlp=nlp)


def test_three_reports_of_one_attack_are_one_incident_and_a_fourth_nearby_stays_apart(
    fixture_tables,
):
    t = fixture_tables
    path_of = dict(
        zip(t["reports"].report_id, t["reports"].path.map(lambda p: Path(p).name), strict=True)
    )
    inc = t["incidents"]
    assert len(inc) == 2
    mosul = inc[inc.n_reports == 3].iloc[0]
    assert sorted(path_of[r][:2] for r in mosul.report_ids) == ["01", "02", "03"]
    assert (mosul.location, mosul.actor1, mosul.country) == ("Mosul", "Islamic State", "Iraq")
    assert mosul.date == pd.Timestamp("2024-03-10") and mosul.time_precision == 1
    # four, seven and five soldiers: the lowest is the headline, the range is kept
    assert (mosul.fatalities, mosul.fatalities_min, mosul.fatalities_max) == (4, 4, 7)
    assert mosul.incident_id == min(mosul.event_ids) and mosul.basis == "place"
    sinjar = inc[inc.n_reports == 1].iloc[0]
    assert sinjar.location == "Sinjar" and path_of[sinjar.report_ids[0]].startswith("04")
    assert sinjar.fatalities == 2
    every = sorted(e for ids in inc.event_ids for e in ids)
    assert every == sorted(t["events"].event_id)  # each event in exactly one incident


# -- the rules, on hand-built events ---------------------------------------------------

PLACES = schema.conform(
    [
        {"place_id": "mosul", "name": "Mosul", "feature": "city", "latitude": 36.34,
         "longitude": 43.13, "admin1_code": "IQ.15", "geo_precision": 1},
        {"place_id": "mosul-university", "name": "Mosul University", "feature": "facility",
         "latitude": 36.38, "longitude": 43.14, "parent_place_id": "mosul", "geo_precision": 1},
        {"place_id": "bartella", "name": "Bartella", "feature": "city", "latitude": 36.35,
         "longitude": 43.38, "admin1_code": "IQ.15", "geo_precision": 1},
        {"place_id": "sinjar", "name": "Sinjar", "feature": "city", "latitude": 36.32,
         "longitude": 41.87, "admin1_code": "IQ.15", "geo_precision": 1},
        {"place_id": "nineveh", "name": "Nineveh", "feature": "admin1", "latitude": 36.2,
         "longitude": 42.5, "admin1_code": "IQ.15", "geo_precision": 3},
        {"place_id": "country:IQ", "name": "Iraq", "feature": "country", "latitude": 33.0,
         "longitude": 44.0, "geo_precision": 3},
    ],
    "places",
)  # fmt: skip


def event(event_id, report_id, *, place="mosul", date="2024-03-10", actor="is", **kw):
    """One event row: Islamic State in a battle in Mosul on 10 March, unless told."""
    precision = PLACES.set_index("place_id").geo_precision.get(place, 3)
    row = {"event_id": event_id, "report_id": report_id, "actor1_id": actor, "actor1": actor,
           "event_type": "Battles", "sub_event_type": "Armed clash", "action": "armed_clash",
           "country": "Iraq", "place_id": place, "date": date, "time_precision": 1,
           "geo_precision": precision, "confidence": 1.0, "sentence": f"{event_id} happened."}  # fmt: skip
    return {**row, **kw}


def groups(rows) -> list[list[str]]:
    inc = build_incidents(schema.conform(rows, "events"), places=PLACES)
    return sorted(sorted(ids) for ids in inc.event_ids)


def test_compatible_actors_join_and_different_ones_stay_apart():
    assert groups([event("a", "r1"), event("b", "r2", actor="unidentified-armed-group")]) == [
        ["a", "b"]
    ]
    assert groups([event("a", "r1"), event("b", "r2", actor="shabaab")]) == [["a"], ["b"]]
    # a battle either way round: "IS attacked the army" is "the army clashed with IS"
    swapped = event("b", "r2", actor="army", actor2_id="is")
    assert groups([event("a", "r1", actor2_id="army"), swapped]) == [["a", "b"]]
    strike = event("b", "r2", actor="army", actor2_id="is", event_type="Explosions/Remote violence")
    assert groups([event("a", "r1", actor2_id="army"), strike]) == [["a"], ["b"]]


def test_places_match_within_a_few_km_or_the_same_admin_area_at_the_coarser_precision():
    assert groups([event("a", "r1"), event("b", "r2", place="mosul-university")]) == [["a", "b"]]
    assert groups([event("a", "r1"), event("b", "r2", place="bartella")]) == [["a"], ["b"]]
    assert groups([event("a", "r1"), event("b", "r2", place="sinjar")]) == [["a"], ["b"]]
    # "in Nineveh province" (region precision) is compatible with a town inside it
    assert groups([event("a", "r1"), event("b", "r2", place="nineveh")]) == [["a", "b"]]


def test_dates_match_within_two_days_or_wider_at_week_and_month_precision():
    assert groups([event("a", "r1"), event("b", "r2", date="2024-03-12")]) == [["a", "b"]]
    assert groups([event("a", "r1"), event("b", "r2", date="2024-03-14")]) == [["a"], ["b"]]
    week = event("b", "r2", date="2024-03-15", time_precision=2)
    assert groups([event("a", "r1"), week]) == [["a", "b"]]
    month = event("b", "r2", date="2024-03-15", time_precision=3)
    assert groups([event("a", "r1", date="2024-03-28"), month]) == [["a", "b"]]
    assert groups([event("a", "r1", date="2024-04-08"), month]) == [["a"], ["b"]]


def test_an_event_with_no_place_joins_the_one_placed_incident_of_its_country_at_lower_confidence():
    rows = [event("a", "r1"), event("b", "r2"), event("c", "r3", place=None)]
    inc = build_incidents(schema.conform(rows, "events"), places=PLACES)
    assert inc.event_ids.tolist() == [["a", "b", "c"]]
    assert inc.basis.iloc[0] == "country" and inc.confidence.iloc[0] < 1.0
    only_country = event("c", "r3", place="country:IQ")
    assert groups([event("a", "r1"), only_country]) == [["a", "c"]]
    # two placed incidents fit equally well: which one it was is not known, so it stays alone
    two = [event("a", "r1"), event("b", "r2", place="sinjar"), event("c", "r3", place=None)]
    assert groups(two) == [["a"], ["b"], ["c"]]
    # and it never joins another country's incident
    assert groups([event("a", "r1"), event("c", "r3", place=None, country="Syria")]) == [
        ["a"],
        ["c"],
    ]


def test_a_member_dated_only_by_its_report_lowers_the_confidence():
    reports = schema.conform(
        [{"report_id": "r1", "published": "2024-03-10"}, {"report_id": "r2",
          "published": "2024-03-11"}], "reports")  # fmt: skip
    own = schema.conform([event("a", "r1"), event("b", "r2", date="2024-03-11")], "events")
    fallback = own.assign(time_precision=[1, 2])  # b carries r2's own date, week precision
    sure = build_incidents(own, places=PLACES, reports=reports).confidence.iloc[0]
    unsure = build_incidents(fallback, places=PLACES, reports=reports).confidence.iloc[0]
    assert unsure < sure == 1.0


def test_the_id_is_the_smallest_event_id_and_stays_when_a_report_joins():
    rows = [event("e2", "r1"), event("e5", "r2")]
    before = build_incidents(schema.conform(rows, "events"), places=PLACES)
    after = build_incidents(schema.conform([*rows, event("e9", "r3")], "events"), places=PLACES)
    assert before.incident_id.tolist() == after.incident_id.tolist() == ["e2"]
    assert after.n_reports.tolist() == [3]


def test_matching_compares_neighbours_in_time_not_all_pairs():
    rng = np.random.default_rng(1)
    n = 3000
    days = pd.Timestamp("2020-01-01") + pd.to_timedelta(rng.integers(0, 3 * 365, n), unit="D")
    rows = schema.conform(
        [event(f"e{i:05d}", f"r{i}", date=d, place="mosul", actor=f"a{i % 40}",
               country=("Iraq", "Syria", "Mali")[i % 3]) for i, d in enumerate(days)],
        "events",
    )  # fmt: skip
    feats = incidents._features(rows, PLACES, None)
    i, j = incidents._candidates(feats)
    assert len(i) < 10 * n  # all pairs would be n * (n - 1) / 2 = 4.5 million
    assert (feats.block.to_numpy()[i] == feats.block.to_numpy()[j]).all()
    assert (np.abs(feats.day.to_numpy()[i] - feats.day.to_numpy()[j]) <= 2).all()
    # and it finds every pair a brute force finds (one block, one week)
    few = rows[(rows.country == "Iraq")].head(300)
    f = incidents._features(few.reset_index(drop=True), PLACES, None)
    i, j = incidents._candidates(f)
    day = f.day.to_numpy()
    brute = {
        (a, b) for a in range(len(f)) for b in range(a + 1, len(f)) if abs(day[a] - day[b]) <= 2
    }
    assert set(zip(i.tolist(), j.tolist(), strict=True)) == brute


def test_incident_rows_collapse_events_to_one_row_per_incident():
    rows = schema.conform([event("a", "r1"), event("b", "r2"), event("c", "r3", place="sinjar")],
                          "events")  # fmt: skip
    inc = build_incidents(rows, places=PLACES)
    collapsed = incident_rows(rows, inc)
    assert sorted(collapsed.event_id) == ["a|b", "c"]
    assert list(collapsed.columns) == list(schema.COLUMNS["events"])
    # only the events present count: a filter that keeps one report keeps its own id
    assert incident_rows(rows[rows.report_id == "r2"], inc).event_id.tolist() == ["b"]


# -- analyst corrections, through a store ----------------------------------------------

_EVENT = re.compile(r"(?P<actor>[A-Z]\w+) attacked (?P<place>[A-Z]\w+) on (?P<date>[\d-]+)")
_COORDS = {"Mosul": (36.34, 43.13), "Sinjar": (36.32, 41.87)}


def incident_resolver(reports, mentions, *, events_raw=None):
    """Events read off each report's "X attacked PLACE on DATE" (ids: a hash of the
    report and the place), places with coordinates: what matching needs, no model."""
    rows = []
    for rid, body in zip(reports.report_id, reports.body, strict=True):
        for m in _EVENT.finditer(body):
            eid = hashlib.sha1(f"{rid}{m['place']}".encode()).hexdigest()[:12]
            rows.append(event(eid, rid, place=m["place"].lower(), date=m["date"],
                              actor=m["actor"].lower(), sentence=m.group(), location=m["place"]))  # fmt: skip
    places = [{"place_id": p.lower(), "name": p, "feature": "city", "latitude": lat,
               "longitude": lon, "geo_precision": 1} for p, (lat, lon) in _COORDS.items()]  # fmt: skip
    return {
        "mentions": mentions,
        "places": schema.conform(places, "places"),
        "events": schema.conform(rows, "events"),
    }


def write_reports(folder: Path, texts: dict[str, str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in texts.items():
        (folder / f"{name}.txt").write_text(f"{name}\n\n{text}\n", encoding="utf-8")
    return folder


def open_store(path):
    return Store.open(path, tagger=FakeTagger(), resolver=incident_resolver)


def members(store) -> list[set[str]]:
    """Each incident as the set of its reports' file names (a, b, c, ...)."""
    t = store.tables()
    name = dict(
        zip(t["reports"].report_id, t["reports"].path.map(lambda p: Path(p).stem), strict=True)
    )
    return sorted(({name[r] for r in ids} for ids in t["incidents"].report_ids), key=sorted)


def event_of(store, report_name: str) -> str:
    t = store.tables()
    rid = t["reports"].report_id[t["reports"].path.str.endswith(f"{report_name}.txt")].iloc[0]
    return t["events"].event_id[t["events"].report_id == rid].iloc[0]


def test_merge_split_and_apart_survive_a_rerun_and_a_new_report_joining(tmp_path):
    corpus = write_reports(
        tmp_path / "corpus",
        {"a": "Daesh attacked Mosul on 2024-03-10.", "b": "Daesh attacked Mosul on 2024-03-10.",
         "c": "Daesh attacked Mosul on 2024-03-11.", "s": "Daesh attacked Sinjar on 2024-03-10."},
    )  # fmt: skip
    with open_store(tmp_path / "s.duckdb") as store:
        store.ingest(corpus, progress=False)
        assert members(store) == [{"a", "b", "c"}, {"s"}]
        split = store.correct("split_incident", event_ids=[event_of(store, "c")])
        store.correct("merge_incidents", event_ids=[event_of(store, "c"), event_of(store, "s")])
        assert members(store) == [{"a", "b"}, {"c", "s"}]
        ledger = store.corrections()
        assert ledger.status.tolist() == ["applied", "applied"]
    write_reports(corpus, {"d": "Daesh attacked Mosul on 2024-03-11."})  # a new report
    with open_store(tmp_path / "s.duckdb") as store:  # re-opened: replayed from the ledger
        assert members(store) == [{"a", "b"}, {"c", "s"}]
        store.ingest(corpus, progress=False)
        assert members(store) == [{"a", "b", "d"}, {"c", "s"}]
        store.correct("separate_incidents", event_ids=[event_of(store, "a"), event_of(store, "d")])
        assert members(store) == [{"a", "b"}, {"c", "s"}, {"d"}]  # a and b matched first
        store.undo(split)
        together = members(store)
        assert {"c", "s"} < next(g for g in together if "c" in g)  # the merge still holds
        assert not any({"a", "d"} <= g for g in together)  # and "not the same" too
    with open_store(tmp_path / "s.duckdb") as store:
        assert members(store) == together


def test_incident_corrections_are_checked(tmp_path):
    corpus = write_reports(tmp_path / "corpus", {"a": "Daesh attacked Mosul on 2024-03-10."})
    with open_store(tmp_path / "s.duckdb") as store:
        store.ingest(corpus, progress=False)
        with pytest.raises(CorrectionError, match="no event nope"):
            store.correct("merge_incidents", event_ids=[event_of(store, "a"), "nope"])
        with pytest.raises(CorrectionError, match="at least two events"):
            store.correct("merge_incidents", event_ids=[event_of(store, "a")])
        with pytest.raises(CorrectionError, match="list of event ids"):
            store.correct("separate_incidents", event_ids=[1, 2])
        assert store.corrections().empty


# -- charts and evidence count incidents -----------------------------------------------


def test_event_charts_count_incidents_by_default_and_events_on_request(fixture_tables):
    from workbench.views import event_charts

    t = fixture_tables
    by_incident = event_charts.events_over_time(t)
    by_event = event_charts.events_over_time(t, unit="event")
    assert sum(sum(bar.y) for bar in by_incident.data) == len(t["incidents"]) == 2
    assert sum(sum(bar.y) for bar in by_event.data) == len(t["events"])
    assert "incidents" in by_incident.layout.title.subtitle.text
    # a mark stands for every event of its incident, whichever report it came from
    ids = {i for bar in by_incident.data for _, joined in bar.customdata for i in joined.split("|")}
    assert ids == set(t["events"].event_id)
    with pytest.raises(ValueError, match="unit"):
        event_charts.inter_matrix(t, unit="report")


def test_the_evidence_of_an_incident_lists_every_report_and_sentence(fixture_tables):
    from workbench.views.evidence import evidence
    from workbench.views.panels import evidence_html

    t = fixture_tables
    mosul = t["incidents"][t["incidents"].n_reports == 3].iloc[0]
    found = evidence(t, events=mosul.event_ids)
    assert found.report_id.nunique() == 3
    assert (found.attrs["n_incidents"], found.attrs["n_reports"]) == (1, 3)
    assert "1 incident, 3 reports" in evidence_html(found, heading="Mosul")


def test_the_explorer_switches_between_incidents_and_events(fixture_tables):
    from workbench.views.panels import Explorer

    t = fixture_tables
    panel = Explorer(t)
    panel.chart_picker.value = "Events over time"
    assert panel.unit_picker.value == "incident"
    assert sum(sum(bar.y) for bar in panel.figure.data) == len(t["incidents"])
    panel.unit_picker.value = "event"
    assert sum(sum(bar.y) for bar in panel.figure.data) == len(t["events"])
