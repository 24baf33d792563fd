"""Panel wiring without a browser: controls redraw the FigureWidgets in place, clicks fill the
evidence pane (escaped)."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from workbench.views import panels


def _click(widget: go.FigureWidget, trace_index: int, point_index) -> None:
    """Send the message the browser sends when a point is clicked."""
    widget._js2py_pointsCallback = {
        "event_type": "plotly_click",
        "points": {"trace_indexes": [trace_index], "point_indexes": [point_index],
                   "xs": [None], "ys": [None]},
        "device_state": None,
        "selector": None,
    }  # fmt: skip


def _bar_labels(panel) -> set[str]:
    return {y for t in panel.figure.data for y in t.y}


def test_selecting_actors_redraws_the_same_figure_widgets(tiny_tables):
    panel = panels.explorer(tiny_tables)
    widget = panel.figure
    assert "Islamic State" in _bar_labels(panel)
    panel.actor_select.value = ("saa", "pmf")
    assert panel.figure is widget
    assert _bar_labels(panel) == {"Syrian Arab Army", "Popular Mobilization Forces"}
    assert "2 reports" in panel.status.value
    panel.chart_picker.value = "Actor × report"
    assert panel.figure is widget and widget.data[0].type == "heatmap"
    assert widget.data[0].z.shape == (2, 2)
    panel.chart_picker.value = "Where"
    assert widget.layout.geo.showland is False and widget.layout.barmode is None
    panel.chart_picker.value = "Who"
    assert widget.layout.geo.showland is None  # the map's layout does not linger


def test_type_toggles_dates_outlets_and_reset(tiny_tables):
    panel = panels.explorer(tiny_tables)
    panel.type_buttons["rebel_group"].value = False
    assert (
        panel.filter_args()["actor_types"]
        and "rebel_group" not in panel.filter_args()["actor_types"]
    )
    assert not {"Islamic State", "Syrian Democratic Forces"} & _bar_labels(panel)
    panel.date_slider.index = (1, 2)
    lo, hi = panel.filter_args()["date_range"]
    assert lo == pd.Timestamp("2024-02-10") and hi == pd.Timestamp("2024-03-15")
    assert set(panel.filtered["reports"].report_id) == {"r2", "r3"}
    panel.outlet_select.value = ("AFP",)
    assert set(panel.filtered["reports"].report_id) == {"r3"}
    panel.reset()
    assert all(v is None for v in panel.filter_args().values())
    assert len(panel.filtered["reports"]) == 4


def test_search_narrows_the_options_but_keeps_the_selection(tiny_tables):
    panel = panels.explorer(tiny_tables)
    panel.actor_select.value = ("saa",)
    panel.search.value = "islamic"
    assert {v for _, v in panel.actor_select.options} == {"saa", "is"}
    assert panel.actor_select.value == ("saa",)
    assert _bar_labels(panel) == {"Syrian Arab Army"}


def test_clicking_a_bar_shows_its_sentences_escaped(tiny_tables):
    panel = panels.explorer(tiny_tables)
    widget = panel.figure
    t = next(i for i, tr in enumerate(widget.data) if "Syrian Arab Army" in tr.y)
    _click(widget, t, list(widget.data[t].y).index("Syrian Arab Army"))
    pane = panel.evidence_pane.value
    assert "Syrian Arab Army" in pane and "2 sentences" in pane
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in pane and "<script>" not in pane
    assert "Shelling &lt;b&gt;near&lt;/b&gt; Raqqa" in pane  # the report, named and escaped
    assert "<mark" in pane


def test_clicking_a_heatmap_cell_a_node_an_edge_and_a_place(tiny_tables):
    panel = panels.explorer(tiny_tables)
    panel.chart_picker.value = "Actor × report"
    _click(panel.figure, 0, [0, 0])  # Islamic State in r1
    assert "Islamic State in “SDF takes Dashisha”" in panel.evidence_pane.value
    panel.chart_picker.value = "Named together"
    net = panel.figure
    backs = next(i for i, t in enumerate(net.data) if t.name == "backs" and t.mode == "markers")
    _click(net, backs, 0)
    assert " backs " in panel.evidence_pane.value and "1 sentence" in panel.evidence_pane.value
    panel.chart_picker.value = "Where"
    where = panel.figure
    point = next(i for i, t in enumerate(where.data) if t.meta != "basemap")
    _click(where, point, 0)
    assert "in Al-Hasakah" in panel.evidence_pane.value


def test_clicks_use_the_current_filters(tiny_tables):
    panel = panels.explorer(tiny_tables)
    panel.outlet_select.value = ("Kurdistan 24",)
    found = panel.show_evidence(["actor", "is"])
    assert set(found.report_id) == {"r1"}


def test_update_figure_adds_removes_and_clears_stale_properties():
    widget = go.FigureWidget(
        go.Figure([go.Bar(x=[1], y=["a"], text=["old"]), go.Bar(x=[2], y=["b"])])
    )
    panels.update_figure(widget, go.Figure(go.Bar(x=[3], y=["c"]), layout={"title": "new"}))
    assert len(widget.data) == 1 and widget.data[0].x == (3,) and widget.data[0].text is None
    assert widget.layout.title.text == "new"
    panels.update_figure(widget, go.Figure([go.Scatter(x=[1]), go.Bar(x=[1])]))
    assert [t.type for t in widget.data] == ["scatter", "bar"]


def test_evidence_html_names_each_report_once(tiny_tables):
    from workbench.views.evidence import evidence

    out = panels.evidence_html(evidence(tiny_tables, actor="is"), heading="IS")
    assert out.count("SDF takes Dashisha") == 1 and "4 sentences" in out
    assert "No sentence" in panels.evidence_html(evidence(tiny_tables, actor="nobody"))


def test_explorer_filters_events_by_type_sub_type_and_fatalities(tiny_tables):
    from tests.test_filters import tiny_events

    tables = {**tiny_tables, "events": tiny_events(tiny_tables)}
    panel = panels.explorer(tables)
    assert set(panel.event_type_buttons) == set(tables["events"].event_type)
    assert panel.fatalities_picker.value is None and "3 events" in panel.status.value
    panel.event_type_buttons["Battles"].value = False
    assert sorted(panel.filtered["events"].event_id) == ["ev-r1", "ev-r2"]
    assert panel.filter_args()["event_types"] == sorted(
        set(tables["events"].event_type) - {"Battles"}
    )
    panel.sub_event_select.value = ("Shelling/artillery/missile attack",)
    assert panel.filtered["events"].event_id.tolist() == ["ev-r2"]
    assert "1 event" in panel.status.value
    panel.reset()
    panel.fatalities_picker.value = 1
    assert panel.filtered["events"].event_id.tolist() == ["ev-r2"]
    panel.reset()
    assert len(panel.filtered["events"]) == 3 and panel.fatalities_picker.value is None


def test_status_counts_the_mentions_of_the_chosen_actors(tiny_tables):
    """One actor chosen: the status counts its mentions, not every place and date in its
    reports."""
    panel = panels.explorer(tiny_tables)
    panel.actor_select.value = ("saa",)
    m = tiny_tables["mentions"]
    n = int((m.entity_id == "saa").sum())
    assert "1 actor ·" in panel.status.value and f"· {n} actor mentions" in panel.status.value
    assert len(panel.filtered["mentions"]) > n  # the total the status line used to show


def test_actor_list_follows_the_type_filter(tiny_tables):
    panel = panels.explorer(tiny_tables)
    listed = {v for _, v in panel.actor_select.options}
    assert {"saa", "sdf"} <= listed
    panel.type_buttons["state_force"].value = False
    listed = {v for _, v in panel.actor_select.options}
    assert "saa" not in listed and "sdf" in listed
    panel.search.value = "syria"  # search and type filter together
    assert {v for _, v in panel.actor_select.options} == {"sdf"}


def test_toggles_show_on_and_off_unmistakably(tiny_tables):
    button = panels.explorer(tiny_tables).type_buttons["rebel_group"]
    assert button.icon == "check" and button.style.text_decoration == "none"
    button.value = False
    assert button.icon == "" and button.style.text_decoration == "line-through"
    assert "hidden" in button.tooltip


def test_date_slider_shows_its_dates(tiny_tables):
    panel = panels.explorer(tiny_tables)
    assert "05 Jan 2024 → 15 Mar 2024" in panel.date_label.value
    panel.date_slider.index = (1, 2)
    assert "10 Feb 2024 → 15 Mar 2024" in panel.date_label.value
