"""Actor-involvement charts: who is involved, with whom, who backs whom, where and when.

Every chart takes the corpus tables first (``dict[str, DataFrame]``, as
:func:`workbench.corpus.extract` or ``Store.tables()`` return them, filtered or not
by :func:`workbench.views.filters.filter_tables`), options keyword-only, and returns a
``go.Figure`` without showing it.

Conventions shared by every chart:

* An actor is drawn in the colour of its type (:data:`ACTOR_TYPE_COLORS`), so the same
  actor has the same colour everywhere.
* Every clickable point carries ``customdata`` that starts with a tag saying what it
  stands for (:data:`CLICK_KINDS`); :func:`evidence_query` turns it into the arguments of
  :func:`workbench.views.evidence.evidence`. Basemap traces carry ``meta="basemap"`` and no
  ``customdata``.
* Text from reports (names, sentences) is HTML-escaped before plotly sees it.

This module draws; the data behind each chart comes from its neighbours:
:mod:`~workbench.views.counts` (the tidy tables, also public here),
:mod:`~workbench.views.timeline`, :mod:`~workbench.views.network` and
:mod:`~workbench.views.maps`, with the look from :mod:`~workbench.views.style`.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio

from workbench import schema
from workbench.views import maps, network, timeline
from workbench.views.counts import (
    TopRows,
    actor_counts,
    actor_info,
    actor_report_grid,
    count_actors,
    place_counts,
    relation_edges,
)
from workbench.views.filters import actor_pair_codes, is_in
from workbench.views.maps import WORLD_TOPOJSON
from workbench.views.style import (
    ACTION_COLORS,
    ACTOR_TYPE_COLORS,
    RELATION_STYLES,
    bar_height,
    color_label,
    escape,
    hover_text,
    new_figure,
    number_repeats,
    report_label,
    style_figure,
    type_color,
    type_label,
    wrap,
)

__all__ = [
    "ACTION_COLORS",
    "ACTOR_TYPE_COLORS",
    "CLICK_KINDS",
    "NOTEBOOK_RENDERER",
    "RELATION_STYLES",
    "WORLD_TOPOJSON",
    "actor_counts",
    "actor_report_heatmap",
    "actor_timeline",
    "dyad_network",
    "evidence_query",
    "interaction_matrix",
    "involvement_bar",
    "place_counts",
    "place_map",
    "relation_edges",
    "use_notebook_renderer",
]

Tables = Mapping[str, pd.DataFrame]

#: What a click on a point stands for: ``customdata[0]`` and the fields after it.
CLICK_KINDS: dict[str, tuple[str, ...]] = {
    "actor": ("actor",),
    "actor_action": ("actor", "action"),
    "actor_report": ("actor", "report"),
    "actor_period": ("actor", "start", "end"),
    "pair": ("source", "target", "relation"),
    "type_pair": ("source_type", "target_type"),
    "place": ("place",),
    "events": ("events",),  # event ids joined by "|": the event charts' marks
}
#: The renderer :func:`use_notebook_renderer` picks unless ``$PLOTLY_RENDERER`` says otherwise.
NOTEBOOK_RENDERER = "plotly_mimetype+notebook"


def use_notebook_renderer(renderer: str | None = None) -> str:
    """Make plotly draw figures in notebooks (and in the shared HTML); return the renderer.

    The default is :data:`NOTEBOOK_RENDERER` (figure JSON for Jupyter plus an HTML copy
    carrying plotly.js) unless ``$PLOTLY_RENDERER`` names another, as the notebook
    runner does.

    Examples
    --------
    >>> use_notebook_renderer("plotly_mimetype") == pio.renderers.default
    True
    """
    name = renderer or os.environ.get("PLOTLY_RENDERER") or NOTEBOOK_RENDERER
    pio.renderers.default = name
    return name


def evidence_query(customdata: Sequence[Any]) -> dict[str, Any]:
    """Return the :func:`workbench.views.evidence.evidence` arguments for a clicked point.

    Examples
    --------
    >>> evidence_query(["actor_report", "sdf", "r1"])
    {'actor': 'sdf', 'report': 'r1'}
    >>> evidence_query(["pair", "sdf", "is", "co_mention"])
    {'pair': ('sdf', 'is'), 'relation': 'co_mention'}
    >>> evidence_query(["events", "e1|e2"])
    {'events': ['e1', 'e2']}
    """
    kind, *values = list(customdata)
    fields = dict(zip(CLICK_KINDS[kind], values, strict=True))
    if kind == "pair":
        return {"pair": (fields["source"], fields["target"]), "relation": fields["relation"]}
    if kind == "type_pair":
        return {"type_pair": (fields["source_type"], fields["target_type"])}
    if kind == "events":
        return {"events": [e for e in fields["events"].split("|") if e]}
    if kind == "actor_period":
        return {"actor": fields["actor"], "date_range": (fields["start"], fields["end"])}
    return fields


def involvement_bar(tables: Tables, *, top: int = 20, by: str = "auto") -> go.Figure:
    """Horizontal bars: mentions per actor coloured by actor type, most involved on top.

    With ``by="action"`` (or ``"auto"`` when the ``events`` table has rows) the bars count
    events per acting actor instead, stacked by action; ``by="type"`` always counts mentions.

    Examples
    --------
    >>> from workbench.schema import conform
    >>> fig = involvement_bar({"mentions": conform([{"kind": "actor", "entity_id": "sdf",
    ...     "canonical": "SDF", "actor_type": "rebel_group", "report_id": "r"}], "mentions"),
    ...     "reports": conform([{"report_id": "r", "body": "SDF"}], "reports")})
    >>> fig.data[0].name, list(fig.data[0].x), list(fig.data[0].customdata[0])
    ('rebel group', [1], ['actor', 'sdf'])
    """
    events = tables.get("events")
    if by == "action" or (by == "auto" and events is not None and len(events)):
        return _events_bar(tables, top=top)
    counts = actor_counts(tables, top=top, examples=True)
    fig = new_figure()
    order = counts.label.tolist()[::-1]
    for actor_type, group in counts.groupby("actor_type", sort=False):
        fig.add_bar(
            x=group.n_mentions.tolist(),
            y=group.label.tolist(),
            orientation="h",
            name=type_label(actor_type),
            marker_color=type_color(actor_type),
            customdata=[["actor", a] for a in group.actor_id],
            hovertext=[
                hover_text(
                    f"<b>{escape(r.canonical)}</b> · {type_label(r.actor_type)}",
                    f"{r.n_mentions} mentions in {r.n_reports} reports",
                    r.example,
                )
                for r in group.itertuples()
            ],
            hoverinfo="text",
        )
    style_figure(fig, title="Who is involved: mentions per actor", legend_title="actor type")
    fig.update_layout(
        barmode="stack",
        height=bar_height(len(order)),
        showlegend=True,
        legend_traceorder="normal",
        bargap=0.25,
    )
    fig.update_yaxes(categoryorder="array", categoryarray=order, automargin=True)
    fig.update_xaxes(title_text="mentions")
    return fig


def actor_report_heatmap(tables: Tables, *, top: int = 20, max_reports: int = 30) -> go.Figure:
    """Heatmap of mentions: actors (rows, names coloured by type) by reports (columns,
    each its day and the start of its title; the whole title on hover).

    Examples
    --------
    >>> from workbench.schema import conform
    >>> t = {"mentions": conform([{"kind": "actor", "entity_id": "sdf", "canonical": "SDF",
    ...      "report_id": "r"}], "mentions"),
    ...      "reports": conform([{"report_id": "r", "title": "T"}], "reports")}
    >>> actor_report_heatmap(t).data[0].z.tolist()
    [[1]]
    """
    counts, grid = actor_report_grid(tables, top, max_reports=max_reports)
    reports = tables["reports"].set_index("report_id").reindex(grid.columns)
    names = dict(zip(counts.actor_id, counts.canonical, strict=True))
    titles = {r: "<br>".join(escape(w) for w in wrap(reports.title.get(r))) for r in grid.columns}
    hover = [
        [
            f"<b>{escape(names[a])}</b><br>{titles[r]}<br>{int(grid.at[a, r])} mentions"
            for r in grid.columns
        ]
        for a in grid.index
    ]
    fig = new_figure(
        go.Heatmap(
            z=grid.to_numpy(),
            x=number_repeats([report_label(r) for r in reports.itertuples()]),
            y=[color_label(r.label, r.actor_type) for r in counts.itertuples()],
            text=hover,
            hovertemplate="%{text}<extra></extra>",
            colorscale="Blues",
            xgap=1,
            ygap=1,
            customdata=[[["actor_report", a, r] for r in grid.columns] for a in grid.index],
            colorbar={"title": {"text": "mentions"}},
        )
    )
    style_figure(fig, title="Who appears in which report")
    fig.update_layout(height=bar_height(len(grid.index)) + 80)
    fig.update_yaxes(autorange="reversed", automargin=True)
    fig.update_xaxes(tickangle=-90, automargin=True)  # upright names never overlap
    return fig


def actor_timeline(
    tables: Tables, *, top: int = 12, freq: str | None = None, mentioned_dates: bool = True
) -> go.Figure:
    """Swimlanes of mentions over time: one lane per actor (its name in its type's colour),
    one dot per period sized by the mentions in it.

    Filled circles date each mention by its report's ``published`` day; when reports name
    resolved dates and ``mentioned_dates`` is true, hollow diamonds date each actor by the
    dates named in the same sentence. ``freq`` is ``"D"``, ``"W"`` or ``"MS"``; by default
    the span of the data picks it.

    Examples
    --------
    >>> from workbench.schema import conform
    >>> t = {"mentions": conform([{"kind": "actor", "entity_id": "sdf", "canonical": "SDF",
    ...      "report_id": "r"}], "mentions"),
    ...      "reports": conform([{"report_id": "r", "published": "2024-05-01"}], "reports")}
    >>> fig = actor_timeline(t)
    >>> fig.data[0].name, list(fig.data[0].y), list(fig.data[0].customdata[0])
    ('report date', ['SDF'], ['actor_period', 'sdf', '2024-05-01', '2024-05-01'])
    """
    top_rows = TopRows(tables, top)
    counts = count_actors(tables, top_rows)
    published = timeline.dated_mentions(tables, top_rows, basis="published")
    bases = [("report date", published, "circle")]
    if mentioned_dates:
        named = timeline.dated_mentions(tables, top_rows, basis="mentioned")
        bases += [("date named in the sentence", named, "diamond-open")] if len(named) else []
    dates = [frame.date for _, frame, _ in bases if len(frame)]
    freq = freq or timeline.pick_freq(pd.concat(dates or [pd.Series()]))
    ids = counts.actor_id.to_numpy(dtype=object)
    info = counts.set_index("actor_id")
    buckets = [timeline.count_per_period(frame, freq, ids) for _, frame, _ in bases]
    biggest = max([int(b.n.max()) for b in buckets if len(b)] or [1])
    fig = new_figure()
    for (name, _, symbol), b in zip(bases, buckets, strict=True):
        colors = [type_color(info.actor_type[a]) for a in b.actor_id]
        hollow = "open" in symbol
        fig.add_scatter(
            x=b.date.tolist(),
            y=[info.label[a] for a in b.actor_id],
            mode="markers",
            name=name,
            marker={
                "symbol": symbol,
                "color": colors,
                "opacity": 0.85,
                "size": (7 + 22 * np.sqrt(b.n / biggest)).tolist(),
                "line": {"width": 2 if hollow else 0.5, "color": colors if hollow else "white"},
            },
            customdata=[
                ["actor_period", a, d, e]
                for a, d, e in zip(b.actor_id, b.start, b.end, strict=True)
            ],
            hovertext=[
                f"<b>{info.label[a]}</b><br>{p}: {n} mentions ({name})"
                for a, p, n in zip(b.actor_id, b.period, b.n, strict=True)
            ],
            hoverinfo="text",
        )
    style_figure(fig, title="When: mentions per actor over time", legend_title="dated by")
    fig.update_layout(
        height=160 + 34 * max(len(counts), 3), legend={"orientation": "h", "y": -0.12, "x": 0}
    )
    fig.update_yaxes(
        categoryorder="array",
        categoryarray=counts.label.tolist()[::-1],
        tickvals=counts.label.tolist(),
        automargin=True,
        ticktext=[color_label(r.label, r.actor_type) for r in counts.itertuples()],
    )
    return fig


def dyad_network(
    tables: Tables,
    *,
    top: int = 25,
    max_edges: int = 60,
    labels: int = 12,
    relations: Iterable[str] | None = None,
    min_weight: int = 1,
    seed: int = 7,
) -> go.Figure:
    """Network of actors: who is named with whom (grey, width = sentences), who backs whom
    (green dashed arrows), and, once events exist, who acts against whom (red arrows).

    Edges are grouped by ``relations.relation``; :data:`RELATION_STYLES` says how each is
    drawn. ``relations`` limits which relation values are drawn; ``top`` the actors (best
    connected first), ``max_edges`` the edges (heaviest first) and ``labels`` the nodes
    named on the chart (most connected first, those that fit without overlap; hover names
    every node). The layout is networkx's ``spring_layout`` of each connected part, the
    parts side by side, with a fixed ``seed``, so it is stable between runs.
    Each edge has a small marker at its middle to hover and click.

    Examples
    --------
    >>> from workbench.schema import conform
    >>> rel = conform([{"report_id": "r", "sentence_id": 0, "source_actor": "us",
    ...                 "target_actor": "sdf", "relation": "support"}], "relations")
    >>> fig = dyad_network({"relations": rel, "actors": conform([], "actors")})
    >>> [(t.name, t.mode) for t in fig.data]
    [('backs', 'lines'), ('backs', 'markers'), ('other', 'markers+text')]
    """
    edges = relation_edges(tables, relations=relations, min_weight=min_weight, top=top)
    actors = actor_info(tables, pd.unique(edges[["source", "target"]].to_numpy().ravel()))
    edges, kept = network.strongest(edges, top=top, max_edges=max_edges)
    pos = network.component_positions(kept, edges, seed=seed)
    edge_lines, arrows = network.edge_traces(edges, pos, actors.label)
    nodes = actors.loc[[n for n in kept if n in actors.index]]
    node_lines = network.node_traces(nodes, pos, labels=labels, degree=network.degrees(edges))
    fig = new_figure(*edge_lines, *node_lines)
    hostile = bool(set(edges.relation) - {"co_mention", "support"})
    title = "With whom: actors named in the same sentence (co-mentions), and who backs whom"
    style_figure(fig, title=title + (", and who acts against whom" if hostile else ""))
    fig.update_layout(
        title_subtitle_text="Grey: named in one sentence (a co-mention), which says nothing of "
        "who fights whom; red arrows are coded events",
        margin_t=80,
        annotations=arrows,
        height=660,
        legend={"title_text": "", "orientation": "h", "y": -0.02, "yanchor": "top", "x": 0},
    )
    x_range, y_range = network.axis_ranges(pos)
    fig.update_xaxes(visible=False, range=list(x_range))
    fig.update_yaxes(visible=False, range=list(y_range))  # no fixed aspect: use the width
    return fig


def interaction_matrix(tables: Tables, *, relation: str = "co_mention") -> go.Figure:
    """ACLED-style matrix: actor type by actor type, counting sentences that link them.

    Pairs are unordered for ``co_mention`` (the matrix is symmetric); for a directed
    relation such as ``support`` rows are the source type and columns the target type.

    Examples
    --------
    >>> from workbench.schema import conform
    >>> rel = conform([{"source_actor": "a", "target_actor": "b", "relation": "co_mention"}],
    ...               "relations")
    >>> act = conform([{"actor_id": "a", "actor_type": "state_force"},
    ...                {"actor_id": "b", "actor_type": "rebel_group"}], "actors")
    >>> interaction_matrix({"relations": rel, "actors": act}).data[0].z.tolist()
    [[0, 1], [1, 0]]
    """
    rel = tables["relations"]
    codes, actors = actor_pair_codes(rel)
    rows = np.flatnonzero(is_in(rel, "relation", [relation]) & (codes.min(axis=1) >= 0))
    type_of = dict(zip(tables["actors"].actor_id, tables["actors"].actor_type, strict=True))
    index = {x: i for i, x in enumerate(schema.ACTOR_TYPES)}
    lut = np.array([index.get(type_of.get(a), index["other"]) for a in actors], dtype=np.int64)
    n = len(schema.ACTOR_TYPES)
    pair = lut[codes[rows, 0]] * n + lut[codes[rows, 1]] if len(actors) else np.zeros(0, int)
    z = np.bincount(pair, minlength=n * n).reshape(n, n)
    if relation == "co_mention":
        z = z + z.T - np.diag(np.diag(z))
    present = np.flatnonzero(z.sum(axis=0) + z.sum(axis=1))
    z = z[np.ix_(present, present)]
    types = [schema.ACTOR_TYPES[i] for i in present]
    labels = [color_label(type_label(x), x) for x in types]
    unit = "sentences naming both (co-mentions)" if relation == "co_mention" else "sentences"
    fig = new_figure(
        go.Heatmap(
            z=z,
            x=labels,
            y=labels,
            colorscale="Oranges",
            xgap=2,
            ygap=2,
            text=z,
            texttemplate="%{text}",
            hovertemplate="%{y} · %{x}: %{z} " + unit + "<extra></extra>",
            customdata=[[["type_pair", a, b] for b in types] for a in types],
            colorbar={"title": {"text": "sentences"}},
        )
    )
    named = RELATION_STYLES.get(relation, {}).get("label", relation.replace("_", " "))
    if relation == "co_mention":
        named = "named in the same sentence (co-mentions)"
    style_figure(fig, title=f"Which kinds of actor meet: {named}, by actor type")
    fig.update_layout(height=max(360, 70 * len(types) + 160))
    fig.update_yaxes(autorange="reversed", automargin=True)
    wrapped = [color_label("<br>".join(wrap(type_label(x), 11)), x) for x in types]
    fig.update_xaxes(tickangle=0, automargin=True, tickvals=labels, ticktext=wrapped)  # upright
    return fig


def place_map(tables: Tables, *, top: int | None = 150, labels: int = 12) -> go.Figure:
    """Map of resolved places where the story happens: marker area by mentions, colour by
    the main type of the actors of the events located there, else of the actors named in
    the sentences naming the place. Of the ``labels`` most mentioned places, those whose
    names fit without overlap are named on the map. Datelines and statement places
    ("told reporters in Maputo") are where reports come from: one grey trace apart,
    hidden until picked in the legend.
    Works offline: the basemap is drawn from a shipped file, never fetched.

    Examples
    --------
    >>> from workbench.schema import conform
    >>> t = {"mentions": conform([{"kind": "place", "entity_id": "p", "report_id": "r"}],
    ...      "mentions"), "reports": conform([{"report_id": "r"}], "reports"),
    ...      "places": conform([{"place_id": "p", "name": "Raqqa", "latitude": 35.9,
    ...                          "longitude": 39.0, "resolved": True}], "places")}
    >>> fig = place_map(t)
    >>> [t.meta for t in fig.data][:2], list(fig.data[-1].customdata[0])
    (['basemap', 'basemap'], ['place', 'p'])
    """
    places = place_counts(tables, top=top)
    origins = place_counts(tables, top=top, origins=True)
    traces = maps.place_traces(places, labels=labels, origins=origins)
    fig = new_figure(*maps.basemap_traces(), *traces)
    fig.update_geos(maps.geo_view(places if len(places) else origins))
    style_figure(
        fig,
        title="Where things happen: places by mentions, coloured by who acts there",
        legend_title="colour: who acts there (events, else actors named with the place)",
    )
    fig.update_layout(
        height=640,
        margin={"l": 10, "r": 10, "t": 60, "b": 10},
        legend={"orientation": "h", "y": 0, "yanchor": "top", "x": 0, "title_side": "top"},
    )
    return fig


def _events_bar(tables: Tables, *, top: int) -> go.Figure:
    """:func:`involvement_bar` over events: events per acting actor, stacked by action."""
    events = tables["events"]
    names = dict(zip(events.actor1_id, events.actor, strict=True))
    counts = events.groupby(["actor1_id", "action"]).size().rename("n").reset_index()
    totals = counts.groupby("actor1_id").n.sum().sort_values(ascending=False, kind="stable")[:top]
    counts = counts[counts.actor1_id.isin(totals.index)]
    order = [escape(names[a]) for a in totals.index[::-1]]
    fig = new_figure()
    for action in [a for a in schema.ACTIONS if a in set(counts.action)]:
        group = counts[counts.action == action]
        label = action.replace("_", " ")
        fig.add_bar(
            x=group.n,
            y=[escape(names[a]) for a in group.actor1_id],
            orientation="h",
            name=label,
            marker_color=ACTION_COLORS[action],
            customdata=[["actor_action", a, action] for a in group.actor1_id],
            hovertext=[
                f"<b>{escape(names[a])}</b><br>{label}: {n} events"
                for a, n in zip(group.actor1_id, group.n, strict=True)
            ],
            hoverinfo="text",
        )
    style_figure(fig, title="Who did what: events per actor", legend_title="action")
    fig.update_layout(barmode="stack", height=bar_height(len(order)))
    fig.update_yaxes(categoryorder="array", categoryarray=order, automargin=True)
    fig.update_xaxes(title_text="events")
    return fig
