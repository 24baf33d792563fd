"""Interactive panels for notebooks: the actor explorer (the tagging panel is in
:mod:`workbench.views.tagging`).

Widgets only wire things together. What they do is in pure, separately tested
functions: :func:`~workbench.views.filters.filter_tables` and
:func:`~workbench.views.evidence.evidence` for the explorer, :func:`evidence_html` to show
evidence and :func:`update_figure` to redraw a chart in place.
Report text is untrusted: everything shown from it goes through :func:`html.escape`
(directly or via :func:`workbench.views.highlight.highlight_html`).
"""

from __future__ import annotations

import html
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

import ipywidgets as widgets
import pandas as pd
import plotly.graph_objects as go

from workbench import schema
from workbench.views import charts, event_charts, filters, static
from workbench.views.evidence import evidence
from workbench.views.highlight import highlight_html
from workbench.views.style import given, shorten

#: The explorer's charts, in the order of its chart picker: button label -> chart function.
EXPLORER_CHARTS: dict[str, Callable[..., go.Figure]] = {
    "Who": charts.involvement_bar,
    "Actor × report": charts.actor_report_heatmap,
    "Named together": charts.dyad_network,
    "Type × type": charts.interaction_matrix,
    "Where": charts.place_map,
    "When": charts.actor_timeline,
    "Who did what to whom": event_charts.hostile_network,
    "ACLED interactions": event_charts.inter_matrix,
    "Events over time": event_charts.events_over_time,
    "Deaths": event_charts.fatalities_by_actor,
    "Events map": event_charts.events_map,
}
#: The fatalities filter: label -> at least that many reported deaths (None: any event).
FATALITY_OPTIONS: list[tuple[str, int | None]] = [
    ("any event", None),
    ("at least 1 reported", 1),
    ("at least 10 reported", 10),
    ("at least 100 reported", 100),
]
#: The toggles' look: on reads white and ticked, off grey and struck through (JupyterLab
#: greys a pressed toggle, which reads backwards for a filter that is on).
TOGGLE_CSS = (
    "<style>.wb-toggle{background:#ececec;box-shadow:none}"
    ".wb-toggle.mod-active{background:#fff;box-shadow:none}</style>"
)
#: What the evidence pane says before anything is clicked.
EVIDENCE_PROMPT = (
    "<i>Click a bar, cell, node, edge marker or place to see the sentences behind it.</i>"
)


def explorer(
    tables: Mapping[str, pd.DataFrame], **options: Any
) -> Explorer | static.StaticExplorer:
    """Return the actor explorer for ``tables``: filters on the left, charts that redraw in
    place, and an evidence pane that shows the sentences behind any clicked mark.

    Examples
    --------
    >>> from workbench.schema import conform
    >>> tables = {
    ...     "reports": conform([{"report_id": "r", "title": "T", "body": "SDF met IS."}], "reports"),
    ...     "mentions": conform([{"report_id": "r", "sentence_id": 0, "sent_start": 0,
    ...         "sent_end": 11, "start": s, "end": s + len(t), "text": t, "kind": "actor",
    ...         "entity_id": t.lower()} for s, t in [(0, "SDF"), (8, "IS")]], "mentions"),
    ...     "actors": conform([{"actor_id": a, "canonical": a.upper(), "n_mentions": 1,
    ...         "actor_type": "rebel_group"} for a in ("sdf", "is")], "actors"),
    ...     "places": conform([], "places"), "relations": conform([], "relations")}
    >>> panel = explorer(tables)
    >>> panel.actor_select.value = ("is",)
    >>> panel.figure.data[0].y
    ('IS',)

    Under ``workbench render`` (no kernel behind the page) it returns the same charts as
    static figures instead (:class:`workbench.views.static.StaticExplorer`).
    """
    if static.static_wanted():
        charts_shown = options.get("chart_functions") or EXPLORER_CHARTS
        return static.StaticExplorer(tables, chart_functions=charts_shown)
    return Explorer(tables, **options)


class Explorer(widgets.VBox):
    """The widget :func:`explorer` returns; its parts are attributes so they can be driven
    from code (and tests): ``search``, ``actor_select``, ``type_buttons``,
    ``action_buttons``, ``date_slider``, ``outlet_select``, ``report_select``,
    ``chart_picker`` (which chart to show), ``unit_picker`` (the event charts count
    incidents or events), ``figure`` (the one ``go.FigureWidget``),
    ``evidence_pane`` and ``status``.

    One FigureWidget shows the picked chart and is redrawn in place: a filter change
    redraws only what is on screen (fast on a 1M-mention corpus), and a shared HTML page
    carries plotly's widget code once, not once per chart."""

    def __init__(
        self,
        tables: Mapping[str, pd.DataFrame],
        *,
        chart_functions: Mapping[str, Callable[..., go.Figure]] | None = None,
        evidence_limit: int = 20,
    ) -> None:
        self.tables = dict(tables)
        self.filtered = self.tables
        self.chart_functions = dict(chart_functions or EXPLORER_CHARTS)
        self.evidence_limit = evidence_limit
        self._quiet = False
        actors, reports = self.tables["actors"], self.tables["reports"]
        row = {"width": "100%"}

        self.search = widgets.Text(placeholder="Search actors…", layout=row)
        self.actor_select = widgets.SelectMultiple(
            options=_actor_options(actors), rows=9, layout=row, tooltip="none selected = all"
        )
        types = [t for t in schema.ACTOR_TYPES if t in set(actors.actor_type)]
        self.type_buttons = {
            t: _toggle(t.replace("_", " "), charts.ACTOR_TYPE_COLORS[t]) for t in types
        }
        events = self.tables.get("events", schema.empty("events"))
        actions = [a for a in schema.ACTIONS if a in set(events.action)]
        self.action_buttons = {
            a: _toggle(a.replace("_", " "), charts.ACTION_COLORS[a]) for a in actions
        }
        kinds = [k for k in dict.fromkeys(events.event_type.dropna()) if k]
        self.event_type_buttons = {k: _toggle(k, "#333") for k in sorted(kinds)}
        subs = sorted(k for k in dict.fromkeys(events.sub_event_type.dropna()) if k)
        self.sub_event_select = widgets.SelectMultiple(
            options=subs, rows=min(6, len(subs) or 1), layout=row, tooltip="none selected = all"
        )
        self.fatalities_picker = widgets.Dropdown(
            options=FATALITY_OPTIONS, value=None, description="Deaths", layout=row
        )
        days = filters.date_options(self.tables)
        self.date_slider = widgets.SelectionRangeSlider(
            options=[(d.strftime("%Y-%m-%d"), d) for d in days] or [("no dates", None)],
            index=(0, max(len(days) - 1, 0)),
            disabled=len(days) < 2,
            continuous_update=False,
            readout=False,  # too narrow for two dates: the label below says them
            layout=row,
        )
        self.date_label = widgets.HTML(layout=row)
        self.date_slider.observe(self._show_dates, "value")
        self._show_dates()
        outlets = sorted(reports.source_outlet.dropna().unique())
        self.outlet_select = widgets.SelectMultiple(
            options=outlets, rows=min(4, len(outlets) or 1), layout=row
        )
        self.report_select = widgets.SelectMultiple(
            options=[
                (shorten(r.title or r.report_id, 60), r.report_id) for r in reports.itertuples()
            ],
            rows=5,
            layout=row,
        )
        self.reset_button = widgets.Button(description="Show everything", icon="undo")
        self.status = widgets.HTML()
        names = list(self.chart_functions)
        self.chart_picker = widgets.ToggleButtons(
            options=names, value=names[0], style={"button_width": "auto"}
        )
        self.unit_picker = widgets.ToggleButtons(  # what the event charts count
            options=[("incidents", "incident"), ("events", "event")],
            value="incident",
            tooltips=["one per happening, however many reports tell it", "one per report"],
            style={"button_width": "auto"},
        )
        self.figure = go.FigureWidget(self.chart_functions[names[0]](self.tables))
        self.evidence_pane = widgets.HTML(
            EVIDENCE_PROMPT, layout={"width": "100%", "max_height": "480px", "overflow": "auto"}
        )

        self.search.observe(self._on_search, "value")
        for button in self.type_buttons.values():  # the actor list follows the type filter
            button.observe(self._on_search, "value")
        for control in (
            self.actor_select,
            self.date_slider,
            self.outlet_select,
            self.report_select,
            self.sub_event_select,
            self.fatalities_picker,
            *self.type_buttons.values(),
            *self.action_buttons.values(),
            *self.event_type_buttons.values(),
        ):
            control.observe(self._on_filter, "value")
        self.reset_button.on_click(lambda _: self.reset())
        self._listen()

        self.chart_picker.observe(lambda _: self._redraw(), "value")
        self.unit_picker.observe(lambda _: self._redraw(), "value")
        sections = {  # heading -> its controls; a section without controls is left out
            "Actors": [self.search, self.actor_select],
            "Actor types": [_wrap(self.type_buttons.values())],
            "Actions": [_wrap(self.action_buttons.values())] if self.action_buttons else [],
            "Events (ACLED types)": [
                _wrap(self.event_type_buttons.values()),
                self.sub_event_select,
                self.fatalities_picker,
            ]
            if self.event_type_buttons
            else [],
            "Published": [self.date_slider, self.date_label],
            "Outlets": [self.outlet_select],
            "Reports": [self.report_select],
        }
        shown = [w for head, ws in sections.items() if ws for w in (heading(head), *ws)]
        controls = widgets.VBox(
            [widgets.HTML(TOGGLE_CSS), *shown, self.reset_button, self.status],
            layout={"width": "320px", "min_width": "320px", "padding": "0 12px 0 0"},
        )
        evidence = widgets.VBox(
            [heading("Evidence"), self.evidence_pane],
            layout={"border_top": "1px solid #ddd", "padding": "6px 0"},
        )
        charts_box = widgets.VBox(
            [self.chart_picker, self.unit_picker, self.figure], layout={"width": "100%"}
        )
        super().__init__([widgets.HBox([controls, charts_box]), evidence])
        self.add_class("wb-explorer")
        self.search.add_class("wb-actor-search")
        self.actor_select.add_class("wb-actor-select")
        self.evidence_pane.add_class("wb-evidence-pane")
        self.sub_event_select.add_class("wb-sub-event-select")
        self.fatalities_picker.add_class("wb-fatalities")
        self._show_status()

    def filter_args(self) -> dict[str, Any]:
        """The :func:`~workbench.views.filters.filter_tables` arguments the controls stand
        for (``None`` where a control keeps everything)."""
        types = [t for t, b in self.type_buttons.items() if b.value]
        actions = [a for a, b in self.action_buttons.items() if b.value]
        kinds = [k for k, b in self.event_type_buttons.items() if b.value]
        lo, hi = self.date_slider.index
        all_dates = self.date_slider.disabled or (lo, hi) == (0, len(self.date_slider.options) - 1)
        return {
            "actors": list(self.actor_select.value) or None,
            "actor_types": None if len(types) == len(self.type_buttons) else types,
            "actions": None if len(actions) == len(self.action_buttons) else actions,
            "date_range": None if all_dates else self.date_slider.value,
            "outlets": list(self.outlet_select.value) or None,
            "reports": list(self.report_select.value) or None,
            "event_types": None if len(kinds) == len(self.event_type_buttons) else kinds,
            "sub_event_types": list(self.sub_event_select.value) or None,
            "min_fatalities": self.fatalities_picker.value,
        }

    def refresh(self) -> None:
        """Filter the tables as the controls say and redraw the chart in place."""
        self.filtered = filters.filter_tables(self.tables, **self.filter_args())
        self._redraw()
        self._show_status()

    def _redraw(self) -> None:
        chart, tables = self.chart_functions[self.chart_picker.value], self.filtered
        if self.unit_picker.value == "event":  # without incidents, event charts count events
            tables = {name: t for name, t in tables.items() if name != "incidents"}
        update_figure(self.figure, chart(tables))
        self._listen()

    def reset(self) -> None:
        """Clear every filter."""
        with self._hold():
            self.search.value = ""
            self.actor_select.value = ()
            buttons = (self.type_buttons, self.action_buttons, self.event_type_buttons)
            for button in (b for group in buttons for b in group.values()):
                button.value = True
            self.sub_event_select.value = ()
            self.fatalities_picker.value = None
            self.date_slider.index = (0, len(self.date_slider.options) - 1)
            self.outlet_select.value = ()
            self.report_select.value = ()
        self.refresh()

    def show_evidence(self, customdata: Sequence[Any]) -> pd.DataFrame:
        """Fill the evidence pane for a clicked point's ``customdata``; return the evidence."""
        query = charts.evidence_query(customdata)
        found = evidence(self.filtered, **query, limit=self.evidence_limit)
        self.evidence_pane.value = evidence_html(found, heading=describe_query(query, self.tables))
        return found

    # -- wiring -----------------------------------------------------------------------

    def _show_dates(self, change: dict | None = None) -> None:
        if self.date_slider.disabled:
            self.date_label.value = "<small>no publication dates</small>"
        else:
            first, last = (d.strftime("%d %b %Y") for d in self.date_slider.value)
            self.date_label.value = f"<small>{first} → {last}</small>"

    def _on_filter(self, change: dict) -> None:
        if not self._quiet:
            self.refresh()

    def _on_search(self, change: dict) -> None:
        types = [t for t, b in self.type_buttons.items() if b.value]
        hits = filters.search_actors(self.tables["actors"], self.search.value, actor_types=types)
        chosen = self.actor_select.value
        keep = self.tables["actors"][self.tables["actors"].actor_id.isin(chosen)]
        with self._hold():
            self.actor_select.options = _actor_options(
                pd.concat([keep, hits]).drop_duplicates("actor_id")
            )
            self.actor_select.value = chosen

    def _listen(self) -> None:
        for trace in self.figure.data:
            if trace.customdata is not None:
                trace.on_click(self._on_click)

    def _on_click(self, trace: Any, points: Any, state: Any) -> None:
        if not points.point_inds:
            return
        index = points.point_inds[0]
        data = trace.customdata
        item = data[index[0]][index[1]] if isinstance(index, (list, tuple)) else data[index]
        self.show_evidence(list(item))

    def _show_status(self) -> None:
        counts = filters.selection_counts(self.filtered)
        shown = [f"{n} {word}{'' if n == 1 else 's'}" for n, word in counts]
        if not self.date_slider.disabled:
            shown.insert(0, "{} to {}".format(*self.date_slider.label))
        self.status.value = "<small>{}</small>".format(" · ".join(shown))

    @contextmanager
    def _hold(self) -> Iterator[None]:
        quiet, self._quiet = self._quiet, True
        try:
            yield
        finally:
            self._quiet = quiet


def update_figure(widget: go.FigureWidget, figure: go.Figure) -> None:
    """Redraw ``widget`` as ``figure`` in place: traces of the same type are restyled in one
    batch, extra traces removed, missing ones added, and the layout replaced.

    Examples
    --------
    >>> w = go.FigureWidget(go.Figure(go.Bar(x=[1], y=["a"])))
    >>> update_figure(w, go.Figure([go.Bar(x=[2], y=["b"]), go.Scatter(x=[0], y=[0])]))
    >>> [(t.type, t.x) for t in w.data]
    [('bar', (2,)), ('scatter', (0,))]
    """
    new = list(figure.data)
    same = 0
    while same < min(len(new), len(widget.data)) and widget.data[same].type == new[same].type:
        same += 1
    if same < len(widget.data):
        widget.data = widget.data[:same]
    with widget.batch_update():
        for old, trace in zip(widget.data, new, strict=False):
            if old.meta == "basemap" and trace.meta == "basemap":
                continue  # the shipped basemap never changes: do not send it again
            props = trace.to_plotly_json()
            stale = {
                k: None for k in old.to_plotly_json() if k not in props and k not in ("uid", "type")
            }
            old.update({**stale, **props}, overwrite=True)
        layout = figure.layout.to_plotly_json()
        layout.pop("template", None)  # every chart uses the same one; sending it again is slow
        stale = {
            k: None for k in widget.layout.to_plotly_json() if k not in layout and k != "template"
        }
        widget.layout.update({**stale, **layout}, overwrite=True)
    if len(new) > same:
        widget.add_traces(new[same:])


def evidence_html(evidence: pd.DataFrame, *, heading: str = "") -> str:
    """Render :func:`~workbench.views.evidence.evidence` as HTML: each sentence with its
    entities highlighted, under the report it comes from. All report text is escaped.

    Examples
    --------
    >>> ev = pd.DataFrame({"report_id": ["r1"], "title": ["<b>T</b>"], "source_outlet": ["AFP"],
    ...     "published": [pd.Timestamp("2024-01-05")], "sentence_id": [0],
    ...     "sentence": ["SDF <i>took</i> it."], "mentions": [[{"start": 0, "end": 3,
    ...     "text": "SDF", "kind": "actor", "canonical": "SDF", "actor_type": "rebel_group"}]]})
    >>> out = evidence_html(ev, heading="SDF")
    >>> "&lt;b&gt;T&lt;/b&gt;" in out and "&lt;i&gt;took&lt;/i&gt;" in out and "<mark" in out
    True
    """
    total = evidence.attrs.get("n_sentences", len(evidence))
    shown = f"{len(evidence)} of {total}" if total > len(evidence) else f"{len(evidence)}"
    if "n_incidents" in evidence.attrs:  # an event chart's mark: "1 incident, 4 reports"
        n, r = evidence.attrs["n_incidents"], evidence.attrs["n_reports"]
        shown = f"{n} incident{'s' * (n != 1)}, {r} report{'s' * (r != 1)} · {shown}"
    parts = [
        f'<div class="wb-evidence"><div><b>{html.escape(heading)}</b> · {shown} '
        f"sentence{'s' if total != 1 else ''}</div>"
    ]
    if evidence.empty:
        parts.append("<p><i>No sentence in the current selection.</i></p>")
    for report_id, group in evidence.groupby("report_id", sort=False):
        first = group.iloc[0]
        day = "" if pd.isna(first.published) else first.published.strftime("%d %b %Y")
        meta = " · ".join(html.escape(str(v)) for v in (first.source_outlet, day) if given(v))
        title = html.escape(str(first.title) if given(first.title) else str(report_id))
        parts.append(
            f'<div style="margin:.6em 0 .2em"><b>{title}</b> '
            f'<span style="color:#666;font-size:.85em">{meta}</span></div>'
        )
        for row in group.itertuples():
            marks = pd.DataFrame(list(row.mentions)) if len(row.mentions) else None
            parts.append(
                '<blockquote style="margin:.2em 0 .4em 1em;padding-left:.6em;'
                f'border-left:3px solid #ccc">{highlight_html(row.sentence, marks)}</blockquote>'
            )
    parts.append("</div>")
    return "".join(parts)


def describe_query(query: Mapping[str, Any], tables: Mapping[str, pd.DataFrame]) -> str:
    """A short plain-text name for an evidence query, using canonical actor and place names.

    Examples
    --------
    >>> describe_query({"pair": ("a", "b"), "relation": "support"}, {})
    'a backs b'
    """
    actors = tables.get("actors", schema.empty("actors"))
    places = tables.get("places", schema.empty("places"))
    reports = tables.get("reports", schema.empty("reports"))
    names = dict(zip(actors.actor_id, actors.canonical, strict=True))
    parts = []
    if "pair" in query:
        a, b = (names.get(x, x) for x in query["pair"])
        relation = query.get("relation") or "co_mention"
        style = charts.RELATION_STYLES.get(relation)
        parts.append(f"{a} {style['label'] if style else relation.replace('_', ' ')} {b}")
    if "events" in query:
        n = len(query["events"])
        parts.append(f"{n} event{'' if n == 1 else 's'}")
    if "type_pair" in query:
        parts.append(" · ".join(t.replace("_", " ") for t in query["type_pair"]))
    if "actor" in query:
        parts.append(names.get(query["actor"], query["actor"]))
    if "action" in query:
        parts.append(query["action"].replace("_", " "))
    if "place" in query:
        place_names = dict(zip(places.place_id, places.name, strict=True))
        parts.append(f"in {place_names.get(query['place'], query['place'])}")
    if "report" in query:
        titles = dict(zip(reports.report_id, reports.title, strict=True))
        parts.append(f"in “{titles.get(query['report']) or query['report']}”")
    if "date_range" in query:
        parts.append("{} to {}".format(*query["date_range"]))
    return " ".join(parts)


# -- small helpers ------------------------------------------------------------------------


def _actor_options(actors: pd.DataFrame) -> list[tuple[str, str]]:
    ordered = filters.search_actors(actors)
    return [
        (f"{shorten(a.canonical, 34)} ({a.n_mentions})", a.actor_id) for a in ordered.itertuples()
    ]


def _toggle(label: str, color: str) -> widgets.ToggleButton:
    """A filter toggle whose state reads at a glance: on, a tick, bold text in its colour
    and a coloured frame; off, no tick, grey struck-through text."""
    button = widgets.ToggleButton(value=True, description=label, layout={"width": "auto"})

    def show(change: dict | None = None) -> None:
        on = button.value
        button.icon = "check" if on else ""
        button.tooltip = (
            f"{label}: shown (click to hide)" if on else f"{label}: hidden (click to show)"
        )
        button.style.text_color = color if on else "#888888"
        button.style.font_weight = "bold" if on else "normal"
        button.style.text_decoration = "none" if on else "line-through"
        button.layout.border = f"2px solid {color}" if on else "1px dashed #bbbbbb"

    button.observe(show, "value")
    show()
    button.add_class("wb-toggle")
    return button


def _wrap(children: Any) -> widgets.Box:
    return widgets.Box(list(children), layout={"flex_flow": "row wrap", "width": "100%"})


def heading(text: str) -> widgets.HTML:
    """A small bold caption above a group of controls (escaped)."""
    return widgets.HTML(f"<b style='font-size:.9em;color:#444'>{html.escape(text)}</b>")
