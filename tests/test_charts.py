"""Each chart draws the right numbers, colours and click targets from the tiny corpus."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio
import pytest

from workbench import schema
from workbench.views import charts
from workbench.views.charts import ACTOR_TYPE_COLORS, evidence_query
from workbench.views.evidence import evidence
from workbench.views.filters import filter_tables

ALL_CHARTS = [
    charts.involvement_bar,
    charts.actor_report_heatmap,
    charts.actor_timeline,
    charts.dyad_network,
    charts.interaction_matrix,
    charts.place_map,
]


def _bars(fig: go.Figure) -> dict[str, tuple[int, str]]:
    """canonical-ish label -> (count, colour) across the bar traces."""
    return {y: (x, t.marker.color) for t in fig.data for x, y in zip(t.x, t.y, strict=True)}


def test_involvement_bar_counts_mentions_and_colours_by_type(tiny_tables):
    fig = charts.involvement_bar(tiny_tables)
    bars = _bars(fig)
    assert bars["Islamic State"] == (4, ACTOR_TYPE_COLORS["rebel_group"])
    assert bars["Syrian Arab Army"] == (2, ACTOR_TYPE_COLORS["state_force"])
    assert bars["United States"] == (1, ACTOR_TYPE_COLORS["coalition_or_foreign_force"])
    order = list(fig.layout.yaxis.categoryarray)
    assert order[-1] == "Islamic State" and order[-2] == "Syrian Democratic Forces"
    assert fig.layout.barmode == "stack" and fig.layout.xaxis.title.text == "mentions"
    assert {t.name for t in fig.data} >= {"rebel group", "state force"}


def test_involvement_bar_hover_has_counts_and_an_escaped_example(tiny_tables):
    fig = charts.involvement_bar(tiny_tables, top=3)
    assert len(_bars(fig)) == 3
    saa = next(t for t in fig.data if "Syrian Arab Army" in t.y)
    text = saa.hovertext[list(saa.y).index("Syrian Arab Army")]
    assert "2 mentions in 1 reports" in text
    if "script" in text:
        assert "<script>" not in text and "&lt;script&gt;" in text
    assert list(saa.customdata[0]) == ["actor", "saa"]


def test_involvement_bar_stacks_events_by_action(tiny_tables):
    tables = dict(tiny_tables)
    tables["events"] = schema.conform(
        [{"report_id": "r2", "actor": "Syrian Arab Army", "actor1_id": "saa", "action": a}
         for a in ("shelling_or_artillery", "shelling_or_artillery", "airstrike")],
        "events",
    )  # fmt: skip
    fig = charts.involvement_bar(tables)
    by_action = {t.name: (list(t.x), t.marker.color) for t in fig.data}
    assert by_action == {
        "airstrike": ([1], charts.ACTION_COLORS["airstrike"]),
        "shelling or artillery": ([2], charts.ACTION_COLORS["shelling_or_artillery"]),
    }
    assert list(fig.data[0].customdata[0]) == ["actor_action", "saa", "airstrike"]
    assert charts.involvement_bar(tables, by="type").data[0].name == "rebel group"


def test_heatmap_counts_actor_mentions_per_report(tiny_tables):
    fig = charts.actor_report_heatmap(tiny_tables)
    heat = fig.data[0]
    rows = [y.split(">")[1].split("<")[0] for y in heat.y]
    assert rows[:2] == ["Islamic State", "Syrian Democratic Forces"]
    assert heat.z[0].tolist() == [2, 1, 1, 0]  # IS in r1..r4 (columns by date, undated last)
    assert f"color:{ACTOR_TYPE_COLORS['state_force']}" in heat.y[2]
    assert heat.x[1].startswith("10 Feb 2024 · Shelling &lt;b&gt;near&lt;/b&gt;")
    assert list(heat.customdata[0][1]) == ["actor_report", "is", "r2"]
    assert fig.layout.yaxis.autorange == "reversed"


def _lanes(trace) -> dict[str, dict[str, int]]:
    """lane (actor) -> {day: mentions} from a timeline trace's hover text."""
    out: dict[str, dict[str, int]] = {}
    for lane, x, text in zip(trace.y, trace.x, trace.hovertext, strict=True):
        out.setdefault(lane, {})[x.strftime("%m-%d")] = int(text.split(": ")[1].split()[0])
    return out


def test_timeline_counts_by_published_and_by_named_dates(tiny_tables):
    fig = charts.actor_timeline(tiny_tables, freq="D")
    published, named = fig.data
    assert published.name == "report date" and named.name == "date named in the sentence"
    assert _lanes(published)["Islamic State"] == {"01-05": 2, "02-10": 1, "03-15": 1}
    assert _lanes(named)["Islamic State"] == {"01-03": 1, "03-12": 1}
    assert set(_lanes(named)) == {"Syrian Democratic Forces", "Islamic State", "United States",
                                  "Popular Mobilization Forces", "Iran"}  # fmt: skip
    saa = list(published.y).index("Syrian Arab Army")
    assert published.marker.color[saa] == ACTOR_TYPE_COLORS["state_force"]
    assert list(published.customdata[saa]) == ["actor_period", "saa", "2024-02-10", "2024-02-10"]
    lanes = list(fig.layout.yaxis.categoryarray)
    assert lanes[-1] == "Islamic State"  # most mentioned on top
    is_big = published.marker.size[list(published.x).index(pd.Timestamp("2024-01-05"))]
    assert is_big == max(published.marker.size)


def test_timeline_buckets_by_month_and_drops_named_dates_when_there_are_none(tiny_tables):
    tables = dict(tiny_tables, mentions=tiny_tables["mentions"].query("kind != 'date'"))
    fig = charts.actor_timeline(tables, freq="MS")
    assert len(fig.data) == 1
    sdf = _lanes(fig.data[0])["Syrian Democratic Forces"]
    assert sdf == {"01-01": 1, "02-01": 1, "03-01": 1}
    row = [list(c) for c in fig.data[0].customdata if c[1] == "sdf"][1]
    assert row[2:] == ["2024-02-01", "2024-02-29"]


def test_network_edges_weights_styles_and_stable_layout(tiny_tables):
    fig = charts.dyad_network(tiny_tables)
    mids = {t.name: t for t in fig.data if t.mode == "markers" and t.marker.symbol == "diamond"}
    co = mids["named together"]
    pairs = {tuple(c[1:]): h for c, h in zip(co.customdata, co.hovertext, strict=True)}
    assert "2 sentences" in pairs[("is", "sdf", "co_mention")]
    support = mids["backs"]
    assert {tuple(c[1:3]) for c in support.customdata} == {("us", "sdf"), ("iran", "pmf")}
    lines = [t for t in fig.data if t.mode == "lines"]
    assert {t.line.dash for t in lines if t.name == "backs"} == {"dash"}
    assert {t.line.dash for t in lines if t.name == "named together"} == {"solid"}
    widths = {t.line.width for t in lines if t.name == "named together"}
    assert len(widths) == 2  # weight 2 drawn thicker than weight 1
    assert len(fig.layout.annotations) == 2  # one arrow per support edge
    nodes = [t for t in fig.data if t.mode == "markers+text"]
    positions = {
        a[1]: (x, y) for t in nodes for a, x, y in zip(t.customdata, t.x, t.y, strict=True)
    }
    again = charts.dyad_network(tiny_tables)
    assert positions == {
        a[1]: (x, y)
        for t in again.data
        if t.mode == "markers+text"
        for a, x, y in zip(t.customdata, t.x, t.y, strict=True)
    }
    rebel = next(t for t in nodes if t.name == "rebel group")
    assert rebel.marker.color == ACTOR_TYPE_COLORS["rebel_group"]


def test_network_draws_hostile_event_edges_by_their_relation_value(tiny_tables):
    tables = dict(tiny_tables)
    hostile = {"report_id": "r2", "sentence_id": 0, "source_actor": "saa", "target_actor": "is",
               "relation": "shelling_or_artillery", "sentence": "SAA shelled IS."}  # fmt: skip
    tables["relations"] = schema.conform(
        [*tiny_tables["relations"].to_dict("records"), hostile], "relations"
    )
    fig = charts.dyad_network(tables)
    lines = [t for t in fig.data if t.name == "shelling or artillery" and t.mode == "lines"]
    assert lines and lines[0].line.color == charts.RELATION_STYLES["hostile"]["color"]
    assert len(fig.layout.annotations) == 3
    only = charts.dyad_network(tables, relations=["support"])
    assert {t.name for t in only.data if t.mode == "lines"} == {"backs"}


def test_interaction_matrix_is_symmetric_and_counts_sentences(tiny_tables):
    fig = charts.interaction_matrix(tiny_tables)
    heat = fig.data[0]
    types = [y.split(">")[1].split("<")[0] for y in heat.y]
    assert types == ["state force", "rebel group", "political militia"]
    z = heat.z.tolist()
    assert z == [list(col) for col in zip(*z, strict=True)]
    assert z[1][1] == 2  # SDF-IS twice
    assert z[0][1] == 2  # SAA with SDF and with IS in one sentence
    assert list(heat.customdata[0][1]) == ["type_pair", "state_force", "rebel_group"]
    support = charts.interaction_matrix(tiny_tables, relation="support").data[0]
    assert support.z.sum() == 2


def test_place_map_is_offline_sized_and_coloured(tiny_tables):
    fig = charts.place_map(tiny_tables)
    basemap = [t for t in fig.data if t.meta == "basemap"]
    assert len(basemap) == 2 and all(t.customdata is None for t in basemap)
    assert len(basemap[1].lon) > 1000  # the shipped world borders
    geo = fig.layout.geo
    for layer in ("coastlines", "land", "ocean", "lakes", "rivers", "countries", "subunits"):
        assert getattr(geo, f"show{layer}") is False, layer  # nothing for plotly to fetch
    assert geo.lonaxis.range[0] < 39.01 < 40.91 < geo.lonaxis.range[1]
    points = {c[1]: (s, t.marker.color) for t in fig.data if t.meta not in ("basemap", "labels")
              for c, s in zip(t.customdata, t.marker.size, strict=True)}  # fmt: skip
    assert set(points) == {"dashisha", "hasakah", "raqqa", "deir"}
    assert points["hasakah"][0] > points["deir"][0]  # 3 mentions vs 1
    assert points["raqqa"][1] == ACTOR_TYPE_COLORS["rebel_group"]  # SDF, IS outnumber SAA


def test_same_actor_same_colour_across_charts(tiny_tables):
    colour = ACTOR_TYPE_COLORS["state_force"]
    bar = charts.involvement_bar(tiny_tables)
    assert _bars(bar)["Syrian Arab Army"][1] == colour
    net = charts.dyad_network(tiny_tables)
    node = next(t for t in net.data if t.mode == "markers+text" and ["actor", "saa"] in
                [list(c) for c in t.customdata])  # fmt: skip
    assert node.marker.color == colour
    lanes = charts.actor_timeline(tiny_tables).data[0]
    assert lanes.marker.color[list(lanes.y).index("Syrian Arab Army")] == colour


@pytest.mark.parametrize("chart", ALL_CHARTS, ids=lambda f: f.__name__)
def test_every_mark_has_a_click_target_that_finds_evidence(tiny_tables, chart):
    fig = chart(tiny_tables)
    assert isinstance(fig, go.Figure) and fig.layout.title.text
    marks = [t for t in fig.data if t.meta != "basemap"]
    assert marks and all(t.customdata is not None for t in marks)
    if marks[0].type == "heatmap":  # the busiest cell
        z = marks[0].z
        i, j = divmod(int(z.argmax()), z.shape[1])
        item = marks[0].customdata[i][j]
    else:
        item = marks[0].customdata[0]
    assert len(evidence(tiny_tables, **evidence_query(list(item)))) >= 1


@pytest.mark.parametrize("chart", ALL_CHARTS, ids=lambda f: f.__name__)
def test_charts_draw_an_empty_selection(tiny_tables, chart):
    empty = filter_tables(tiny_tables, actors=["nobody"])
    assert isinstance(chart(empty), go.Figure)


def test_evidence_query_for_every_click_kind():
    assert evidence_query(["actor", "sdf"]) == {"actor": "sdf"}
    assert evidence_query(["place", "raqqa"]) == {"place": "raqqa"}
    assert evidence_query(["type_pair", "a", "b"]) == {"type_pair": ("a", "b")}
    assert evidence_query(["actor_period", "sdf", "2024-01-01", "2024-01-31"]) == {
        "actor": "sdf",
        "date_range": ("2024-01-01", "2024-01-31"),
    }


def test_use_notebook_renderer_respects_the_runner(monkeypatch):
    before = pio.renderers.default
    try:
        monkeypatch.delenv("PLOTLY_RENDERER", raising=False)
        assert charts.use_notebook_renderer() == "plotly_mimetype+notebook"
        monkeypatch.setenv("PLOTLY_RENDERER", "plotly_mimetype")
        assert charts.use_notebook_renderer() == "plotly_mimetype"
        assert pio.renderers.default == "plotly_mimetype"
    finally:
        pio.renderers.default = before


def _with_dateline_and_statement(tables: dict) -> dict:
    """tiny_tables with a Washington-datelined report whose first sentence names IS, and
    a "told reporters in Hasakah" sentence: neither place is where something happened."""
    body = ("WASHINGTON - IS fighters attacked Raqqa. A spokesman told reporters in Hasakah "
            "that SDF units were ready.")  # fmt: skip
    first = body.index(".") + 1
    second = (first + 1, len(body))
    spans = [("WASHINGTON", "place", "washington", "dateline", (0, first)),
             ("IS", "actor", "is", "gazetteer", (0, first)),
             ("Raqqa", "place", "raqqa", "ner", (0, first)),
             ("Hasakah", "place", "hasakah", "ner", second),
             ("SDF", "actor", "sdf", "gazetteer", second)]  # fmt: skip
    rows = [{"report_id": "r5", "sentence_id": int(s == second), "sent_start": s[0],
             "sent_end": s[1], "start": body.index(t), "end": body.index(t) + len(t),
             "text": t, "kind": k, "entity_id": e, "source": src,
             "actor_type": "rebel_group" if k == "actor" else None}
            for t, k, e, src, s in spans]  # fmt: skip
    report = {"report_id": "r5", "title": "Raid", "body": body, "published": "2024-04-01"}
    place = {"place_id": "washington", "name": "Washington", "country": "United States",
             "latitude": 38.9, "longitude": -77.0, "resolved": True}  # fmt: skip
    return {
        **tables,
        "reports": schema.conform([*tables["reports"].to_dict("records"), report], "reports"),
        "mentions": schema.conform([*tables["mentions"].to_dict("records"), *rows], "mentions"),
        "places": schema.conform([*tables["places"].to_dict("records"), place], "places"),
    }


def test_datelines_and_statement_places_are_not_where_things_happen(tiny_tables):
    tables = _with_dateline_and_statement(tiny_tables)
    scene = charts.place_counts(tables)
    assert "washington" not in set(scene.place_id)  # a dateline: where the report was filed
    hasakah = scene.set_index("place_id").n_mentions["hasakah"]
    assert hasakah == int((tiny_tables["mentions"].entity_id == "hasakah").sum())
    origins = charts.maps.place_traces(scene, labels=5, origins=charts.place_counts(
        tables, origins=True))[-1]  # fmt: skip
    assert [c[1] for c in origins.customdata] == ["washington"]
    assert origins.visible == "legendonly"  # shown apart, on demand


def test_place_colour_is_who_acts_there(tiny_tables):
    """Raqqa: SDF and IS (rebels) are named with it, but the Syrian army shells it."""
    from .test_filters import tiny_events

    tables = {**tiny_tables, "events": tiny_events(tiny_tables)}
    tables["events"] = tables["events"].assign(
        place_id=tables["events"].event_id.map({"ev-r2": "raqqa"})
    )
    raqqa = charts.place_counts(tables).set_index("place_id").loc["raqqa"]
    assert (raqqa.actor_type, raqqa.basis) == ("state_force", "events")
    named = charts.place_counts(tiny_tables).set_index("place_id").loc["raqqa"]
    assert (named.actor_type, named.basis) == ("rebel_group", "named with")


def test_place_map_draws_a_coarse_place_as_a_ring_and_says_why(tiny_tables):
    places = tiny_tables["places"].copy()
    places["geo_precision"] = [3 if p == "hasakah" else 1 for p in places.place_id]
    fig = charts.place_map(dict(tiny_tables, places=places))
    marks = {
        c[1]: (symbol, hover)
        for t in fig.data
        if t.meta not in ("basemap", "labels") and t.visible in (None, True) and t.hovertext
        for c, symbol, hover in zip(t.customdata, t.marker.symbol, t.hovertext, strict=True)
    }
    assert marks["hasakah"][0] == "circle-open"
    assert "only at the province" in marks["hasakah"][1]
    assert all(s == "circle" for p, (s, _) in marks.items() if p != "hasakah")
