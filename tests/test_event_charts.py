"""The event charts draw the right numbers, arrows and click targets from hand-built events."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest

from workbench import schema
from workbench.views import charts, event_charts
from workbench.views.charts import evidence_query
from workbench.views.style import ACTION_COLORS, EVENT_TYPE_COLORS, RELATION_STYLES

ALL_EVENT_CHARTS = [
    event_charts.hostile_network,
    event_charts.inter_matrix,
    event_charts.events_over_time,
    event_charts.fatalities_by_actor,
    event_charts.events_map,
]
AIR, SHELL, CLASH = "Air/drone strike", "Shelling/artillery/missile attack", "Armed clash"
REMOTE = "Explosions/Remote violence"
# id, actor1, actor2, action, sub-event type, event type, place, date, fatalities, inter1, inter2
EVENTS = [
    ("e1", "saa", "is", "airstrike", AIR, REMOTE, "raqqa", "2024-02-10", 3, 1, 2),
    ("e2", "saa", "is", "airstrike", AIR, REMOTE, "raqqa", "2024-02-11", None, 1, 2),
    ("e3", "saa", "is", "shelling_or_artillery", SHELL, REMOTE, "raqqa", "2024-02-10", 2, 1, 2),
    ("e4", "is", "sdf", "armed_clash", CLASH, "Battles", "dashisha", "2024-01-03", None, 2, 2),
    ("e5", "sdf", "is", "armed_clash", CLASH, "Battles", "dashisha", "2024-01-03", 0, 2, 2),
    ("e6", "pmf", "is", "armed_clash", CLASH, "Battles", "deir", "2024-03-12", 5, 3, 2),
    ("e7", "sdf", None, "territory_taken", "Non-state actor overtakes territory", "Battles",
     "dashisha", None, None, 2, None),
    ("e8", "protesters", None, "protest", "Peaceful protest", "Protests", "hasakah", None, None,
     6, None),
    ("e9", "is", None, "attack_on_civilians", "Attack", "Violence against civilians", None,
     "2024-03-15", None, 2, None),
    ("e10", "civilians", "civilians", "armed_clash", CLASH, "Battles", None, "2024-03-15", None,
     7, 7),
    ("e11", "us", "is", "airstrike", AIR, REMOTE, "deir", "2024-03-12", None, 8, 2),
]  # fmt: skip


@pytest.fixture
def tables(tiny_tables) -> dict:
    """The tiny corpus with :data:`EVENTS` as its events table."""
    names = dict(tiny_tables["actors"][["actor_id", "canonical"]].values)
    fields = ("event_id", "actor1_id", "actor2_id", "action", "sub_event_type", "event_type",
              "place_id", "date", "fatalities", "inter1", "inter2")  # fmt: skip
    rows = [dict(zip(fields, e, strict=True)) for e in EVENTS]
    for row in rows:
        row.update(report_id="r2", actor1=names[row["actor1_id"]], sentence=f"{row['event_id']}.")
        row["actor2"] = names.get(row["actor2_id"])
    return dict(tiny_tables, events=schema.conform(rows, "events"))


def _marks(fig: go.Figure) -> list:
    """Every ``customdata`` item of ``fig`` that stands for events, flattened."""
    items = []
    for trace in fig.data:
        if trace.customdata is None or not len(trace.customdata):
            continue
        data = np.asarray(trace.customdata, dtype=object)
        items += [list(c) for c in data.reshape(-1, data.shape[-1]) if c[0] == "events"]
    return items


def _ids(fig: go.Figure) -> set[str]:
    """The union of the event ids that ``fig``'s marks carry, through ``evidence_query``."""
    return {e for item in _marks(fig) for e in evidence_query(item)["events"]}


def _edges(fig: go.Figure) -> dict[str, dict[str, str]]:
    """action label -> {event ids: hover} of the network's edge markers."""
    return {
        t.name: dict(zip((c[1] for c in t.customdata), t.hovertext, strict=True))
        for t in fig.data
        if t.mode == "markers" and t.name in {a.replace("_", " ") for a in schema.ACTIONS}
    }


def test_hostile_network_has_one_edge_per_pair_and_action_with_counts(tables):
    fig = event_charts.hostile_network(tables)
    edges = _edges(fig)
    assert set(edges) == {"airstrike", "shelling or artillery", "armed clash"}
    assert set(edges["airstrike"]) == {"e1|e2", "e11"}
    assert edges["airstrike"]["e1|e2"].startswith(
        "<b>Syrian Arab Army</b> → <b>Islamic State</b>: 2 airstrikes"
    )
    assert "1 shelling or artillery event" in edges["shelling or artillery"]["e3"]
    assert set(edges["armed clash"]) == {"e4", "e5", "e6"}  # IS→SDF and SDF→IS apart
    assert (
        "<b>Islamic State</b> → <b>Syrian Democratic Forces</b>: 1 armed clash"
        in (edges["armed clash"]["e4"])
    )
    colours = {t.name: t.marker.color for t in fig.data if t.name in edges}
    assert colours["airstrike"] == ACTION_COLORS["airstrike"]


def test_hostile_network_arrows_run_from_actor1_to_actor2(tables):
    fig = event_charts.hostile_network(tables)
    nodes = {
        h.split("</b>")[0].removeprefix("<b>"): np.array([x, y])
        for t in fig.data
        if t.mode == "markers+text"
        for h, x, y in zip(t.hovertext, t.x, t.y, strict=True)
    }
    saa, is_ = nodes["Syrian Arab Army"], nodes["Islamic State"]
    red = [a for a in fig.layout.annotations if a.arrowcolor == ACTION_COLORS["airstrike"]]
    assert len(red) == 2  # SAA→IS and US→IS
    start = min(red, key=lambda a: np.hypot(a.ax - saa[0], a.ay - saa[1]))
    tail, tip = np.array([start.ax, start.ay]), np.array([start.x, start.y])
    assert np.hypot(*(tail - saa)) < np.hypot(*(tail - is_))
    assert np.hypot(*(tip - is_)) < np.hypot(*(tip - saa))
    clash = [a for a in fig.layout.annotations if a.arrowcolor == ACTION_COLORS["armed_clash"]]
    assert len(clash) == 3
    middles = {  # SAA→IS twice (airstrike, shelling): side by side, not on one another
        t.name: np.array([t.x[i], t.y[i]])
        for t in fig.data
        if t.mode == "markers"
        for i, c in enumerate(t.customdata)
        if c[1] in ("e1|e2", "e3")
    }
    apart = np.hypot(*(middles["airstrike"] - middles["shelling or artillery"]))
    assert 0 < apart < 0.2 * np.hypot(*(saa - is_))


def test_hostile_network_draws_backing_dashed_in_its_own_trace(tables):
    fig = event_charts.hostile_network(tables)
    backs = [t for t in fig.data if t.name == "backs"]
    lines = [t for t in backs if t.mode == "lines"]
    assert lines and {t.line.dash for t in lines} == {"dash"}
    assert {t.line.color for t in lines} == {RELATION_STYLES["support"]["color"]}
    assert RELATION_STYLES["support"]["color"] not in ACTION_COLORS.values()
    marker = next(t for t in backs if t.mode == "markers")
    assert [list(c) for c in marker.customdata] == [["pair", "us", "sdf", "support"]]
    # Iran backs the PMF in the corpus, but Iran acts in no event: not drawn
    nodes = {h.split("</b>")[0] for t in fig.data if t.mode == "markers+text" for h in t.hovertext}
    assert "<b>Iran" not in nodes and "<b>United States" in nodes
    green = [
        a for a in fig.layout.annotations if a.arrowcolor == RELATION_STYLES["support"]["color"]
    ]
    assert len(green) == 1


def test_hostile_network_nodes_and_marks_carry_the_events_drawn(tables):
    fig = event_charts.hostile_network(tables)
    two = {e[0] for e in EVENTS if e[2] and e[1] != e[2]}
    edge_ids = {e for ids in _edges(fig).values() for k in ids for e in k.split("|")}
    assert edge_ids == two == _ids(fig)
    saa = next(
        c
        for t in fig.data
        if t.mode == "markers+text"
        for c, h in zip(t.customdata, t.hovertext, strict=True)
        if h.startswith("<b>Syrian Arab Army")
    )
    assert evidence_query(list(saa)) == {"events": ["e1", "e2", "e3"]}
    assert "1 events with the same actor on both sides not drawn" in fig.layout.title.subtitle.text
    assert fig.layout.legend2.title.text == "actor type"


def test_hostile_network_leaves_out_agreements(tables):
    ev = tables["events"].copy()
    ev.loc[ev.event_id == "e6", "action"] = "agreement_or_ceasefire"
    fig = event_charts.hostile_network(dict(tables, events=ev))
    assert "e6" not in _ids(fig)
    assert "1 agreements not drawn" in fig.layout.title.subtitle.text


def test_inter_matrix_counts_inter1_by_inter2_with_a_none_column(tables):
    heat = event_charts.inter_matrix(tables).data[0]
    ev = tables["events"]
    codes = sorted(set(ev.inter1.dropna()) | set(ev.inter2.dropna()))
    names = event_charts._inter_names()
    assert list(heat.y) == [f"{c} {names[c]}" for c in codes]
    assert list(heat.x) == [*heat.y, "(none)"]
    assert heat.y[0] == "1 State forces" and "8 External/Other forces" in heat.y
    expected = ev.groupby([ev.inter1, ev.inter2.fillna(0)]).size()
    z = heat.z.tolist()
    for i, r in enumerate(codes):
        for j, c in enumerate([*codes, 0]):
            assert z[i][j] == expected.get((r, c), 0), (r, c)
    assert z[codes.index(2)][-1] == 2  # e7 and e9: a rebel group alone
    sole = heat.hovertext[codes.index(2)][-1]
    assert "no second actor" in sole and "sole interaction 20" in sole
    cell = heat.customdata[codes.index(1)][codes.index(2)]
    assert evidence_query(list(cell)) == {"events": ["e1", "e2", "e3"]}
    assert evidence_query(list(heat.customdata[0][0])) == {"events": []}


def test_events_over_time_stacks_dated_events_and_counts_the_undated(tables):
    fig = event_charts.events_over_time(tables, freq="D")
    bars = {t.name: (list(t.y), t) for t in fig.data}
    dated = tables["events"][tables["events"].date.notna()]
    assert sum(sum(y) for y, _ in bars.values()) == len(dated) == 9
    assert sum(bars[AIR][0]) == 3 and sum(bars[CLASH][0]) == 4
    assert bars[CLASH][1].marker.color == EVENT_TYPE_COLORS["Battles"]
    assert bars[AIR][1].marker.color == EVENT_TYPE_COLORS[REMOTE]
    assert bars[SHELL][1].marker.color != bars[AIR][1].marker.color  # a tint of the family
    assert fig.layout.barmode == "stack"
    assert "2 events without a date not shown" in fig.layout.title.subtitle.text
    assert _ids(fig) == set(dated.event_id)
    feb10 = [c for c, x in zip(bars[AIR][1].customdata, bars[AIR][1].x, strict=True)
             if pd.Timestamp(x).strftime("%m-%d") == "02-10"]  # fmt: skip
    assert [list(c) for c in feb10] == [["events", "e1"]]


def test_events_over_time_picks_weeks_for_the_span(tables):
    fig = event_charts.events_over_time(tables)
    assert "per week" in fig.layout.title.subtitle.text
    clash = next(t for t in fig.data if t.name == CLASH)
    assert list(clash.y) == [2, 2]  # e4+e5 in the week of 1 Jan, e6+e10 in that of 11 Mar


def test_fatalities_by_actor_sums_known_deaths_and_never_counts_unknown_as_zero(tables):
    fig = event_charts.fatalities_by_actor(tables)
    bars = {y: (x, c) for t in fig.data for x, y, c in zip(t.x, t.y, t.customdata, strict=True)}
    assert bars["Syrian Arab Army"][0] == 5  # e1 3 + e3 2; e2 unknown
    assert bars["Popular Mobilization Forces"][0] == 5
    assert bars["Syrian Democratic Forces"][0] == 0  # e5: a reported 0 is a 0
    assert "Islamic State" not in bars  # e4, e9: unknown, not zero
    assert evidence_query(list(bars["Syrian Arab Army"][1])) == {"events": ["e1", "e3"]}
    saa = next(h for t in fig.data for h in t.hovertext if "Syrian Arab Army" in h)
    assert "1 more events: deaths unknown, not counted" in saa
    assert "unknown, not zero" in fig.layout.title.subtitle.text
    assert "Reported fatalities" in fig.layout.title.text
    assert list(fig.layout.yaxis.categoryarray)[-1] == "Popular Mobilization Forces"


def test_events_map_has_a_marker_per_placed_place_and_counts_the_unplaced(tables):
    fig = event_charts.events_map(tables)
    basemap = [t for t in fig.data if t.meta == "basemap"]
    assert len(basemap) == 2 and all(t.customdata is None for t in basemap)
    points = {
        h.split("</b>")[0].removeprefix("<b>"): (s, evidence_query(list(c))["events"], t.name)
        for t in fig.data
        if t.meta != "basemap"
        for h, s, c in zip(t.hovertext, t.marker.size, t.customdata, strict=True)
    }
    assert set(points) == {"Raqqa", "Dashisha", "Deir ez-Zor", "Al-Hasakah"}
    assert points["Raqqa"][1] == ["e1", "e2", "e3"]
    assert points["Raqqa"][0] > points["Deir ez-Zor"][0] > points["Al-Hasakah"][0]
    assert points["Dashisha"][2] == "Battles" and points["Raqqa"][2] == REMOTE
    raqqa = next(h for t in fig.data if t.meta != "basemap" for h in t.hovertext if "Raqqa" in h)
    assert f"3 events: 2 {AIR}, 1 {SHELL}" in raqqa
    assert "2 events without map coordinates not shown" in fig.layout.title.subtitle.text
    assert fig.layout.geo.showland is False  # offline: nothing for plotly to fetch


@pytest.mark.parametrize("chart", ALL_EVENT_CHARTS, ids=lambda f: f.__name__)
def test_every_event_mark_lists_events_that_exist(tables, chart):
    fig = chart(tables)
    marks = [t for t in fig.data if t.meta != "basemap" and getattr(t, "mode", None) != "lines"]
    assert marks and all(t.customdata is not None for t in marks)
    ids = _ids(fig)
    assert ids and ids <= set(tables["events"].event_id)


@pytest.mark.parametrize("chart", ALL_EVENT_CHARTS, ids=lambda f: f.__name__)
@pytest.mark.parametrize("events", ["empty", "missing"])
def test_event_charts_explain_an_empty_events_table(tiny_tables, chart, events):
    tables = dict(tiny_tables)
    if events == "missing":
        del tables["events"]
    fig = chart(tables)
    assert not fig.data and fig.layout.title.text
    assert fig.layout.annotations[0].text.startswith("No ")


def test_hostile_network_explains_events_without_two_actors(tables):
    one = tables["events"][tables["events"].actor2_id.isna()]
    fig = event_charts.hostile_network(dict(tables, events=one))
    assert fig.layout.annotations[0].text == "No events with two actors"


def test_evidence_query_splits_event_ids():
    assert evidence_query(["events", "a|b"]) == {"events": ["a", "b"]}
    assert charts.CLICK_KINDS["events"] == ("events",)


def test_co_mention_charts_say_co_mentions(tiny_tables):
    network = charts.dyad_network(tiny_tables)
    assert "co-mentions" in network.layout.title.text
    assert "says nothing of who fights whom" in network.layout.title.subtitle.text
    matrix = charts.interaction_matrix(tiny_tables)
    assert "co-mentions" in matrix.layout.title.text
    assert "co-mentions" in matrix.data[0].hovertemplate
    support = charts.interaction_matrix(tiny_tables, relation="support")
    assert "co-mention" not in support.layout.title.text


def test_events_map_says_how_precisely_each_place_is_known(tables):
    # events placed only at a province are rings, with the precision in words; a town's
    # own events are filled dots
    events = tables["events"].copy()
    events["geo_precision"] = [3 if p == "raqqa" else 1 for p in events.place_id]
    fig = event_charts.events_map(dict(tables, events=events))
    marks = {
        h.split("</b>")[0].removeprefix("<b>"): (symbol, h)
        for t in fig.data
        if t.meta != "basemap"
        for h, symbol in zip(t.hovertext, t.marker.symbol, strict=True)
    }
    assert marks["Raqqa"][0] == "circle-open"
    assert "placed only at the province, the country or a region" in marks["Raqqa"][1]
    assert marks["Dashisha"][0] == "circle"
    assert "placed at the town itself" in marks["Dashisha"][1]
    assert "rings: placed only near a town or at a province" in fig.layout.title.subtitle.text
    for t in fig.data:  # a legend draws a trace's first marker: a ring only if all are rings
        if t.meta != "basemap" and "circle" in t.marker.symbol:
            assert t.marker.symbol[0] == "circle"
