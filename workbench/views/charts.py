"""Actor-involvement charts: who is involved, with whom, who backs whom, where and when.

Every chart takes the corpus tables first (``dict[str, DataFrame]``, as
:func:`workbench.extraction.extract` or ``Store.tables()`` return them, filtered or not
by :func:`workbench.filters.filter_tables`), options keyword-only, and returns a
``go.Figure`` without showing it.

Conventions shared by every chart:

* An actor is drawn in the colour of its type (:data:`ACTOR_TYPE_COLORS`), so the same
  actor has the same colour everywhere.
* Every clickable point carries ``customdata`` that starts with a tag saying what it
  stands for (:data:`CLICK_KINDS`); :func:`evidence_query` turns it into the arguments of
  :func:`workbench.filters.evidence`. Basemap traces carry ``meta="basemap"`` and no
  ``customdata``.
* Text from reports (names, sentences) is HTML-escaped before plotly sees it.
"""

from __future__ import annotations

import html
import json
import os
import textwrap
from collections.abc import Iterable, Mapping, Sequence
from functools import lru_cache
from typing import Any

import networkx as nx
import numpy as np
import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio

from workbench import schema
from workbench.config import DATA_DIR
from workbench.schema import ACTOR_TYPE_COLORS
from workbench.views.filters import (
    ACTOR_KINDS,
    actor_pair_codes,
    factorize,
    mention_sentences,
    report_positions,
    sentence_keys,
)

__all__ = [
    "ACTION_COLORS",
    "ACTOR_TYPE_COLORS",
    "CLICK_KINDS",
    "RELATION_STYLES",
    "actor_report_heatmap",
    "actor_timeline",
    "dyad_network",
    "evidence_query",
    "interaction_matrix",
    "involvement_bar",
    "place_map",
    "use_notebook_renderer",
]

Tables = Mapping[str, pd.DataFrame]

#: One colour per event action (actions are stacked in :func:`involvement_bar`).
ACTION_COLORS: dict[str, str] = dict(
    zip(
        schema.ACTIONS,
        ["#b2182b", "#d6604d", "#f4a582", "#542788", "#8073ac", "#b35806", "#e08214",
         "#de77ae", "#4d9221", "#7fbc41", "#2166ac", "#4393c3", "#1b7837", "#999999"],
        strict=True,
    )
)  # fmt: skip
#: How each ``relations.relation`` is drawn in :func:`dyad_network`. Any other value is an
#: event action (a hostile edge) and is drawn with ``RELATION_STYLES["hostile"]``.
RELATION_STYLES: dict[str, dict[str, Any]] = {
    "co_mention": {"color": "#9a9a9a", "dash": "solid", "arrow": False, "label": "named together"},
    "support": {"color": "#2ca02c", "dash": "dash", "arrow": True, "label": "backs"},
    "hostile": {"color": "#d62728", "dash": "solid", "arrow": True, "label": "acts against"},
}
#: What a click on a point stands for: ``customdata[0]`` and the fields after it.
CLICK_KINDS: dict[str, tuple[str, ...]] = {
    "actor": ("actor",),
    "actor_report": ("actor", "report"),
    "actor_period": ("actor", "start", "end"),
    "pair": ("source", "target", "relation"),
    "type_pair": ("source_type", "target_type"),
    "place": ("place",),
}
#: The renderer :func:`use_notebook_renderer` picks unless ``$PLOTLY_RENDERER`` says otherwise.
NOTEBOOK_RENDERER = "plotly_mimetype+notebook"
#: The basemap :func:`place_map` draws (see ``workbench/data/vendor/world_110m.LICENSE.txt``).
WORLD_TOPOJSON = DATA_DIR / "vendor" / "world_110m.json"

_FONT = {"family": "Inter, Segoe UI, Helvetica, Arial, sans-serif", "size": 13}
_OCEAN, _LAND, _BORDER, _GRID = "#e8eef4", "#f4f1ea", "#b9b2a4", "#e5e5e5"


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
    """Return the :func:`workbench.filters.evidence` arguments for a clicked point.

    Examples
    --------
    >>> evidence_query(["actor_report", "sdf", "r1"])
    {'actor': 'sdf', 'report': 'r1'}
    >>> evidence_query(["pair", "sdf", "is", "co_mention"])
    {'pair': ('sdf', 'is'), 'relation': 'co_mention'}
    """
    kind, *values = list(customdata)
    fields = dict(zip(CLICK_KINDS[kind], values, strict=True))
    if kind == "pair":
        return {"pair": (fields["source"], fields["target"]), "relation": fields["relation"]}
    if kind == "type_pair":
        return {"type_pair": (fields["source_type"], fields["target_type"])}
    if kind == "actor_period":
        return {"actor": fields["actor"], "date_range": (fields["start"], fields["end"])}
    return fields


# -- charts -------------------------------------------------------------------------------


def involvement_bar(tables: Tables, *, top: int = 20, by: str = "auto") -> go.Figure:
    """Horizontal bars: mentions per actor coloured by actor type, most involved on top.

    With ``by="action"`` (or ``"auto"`` when the ``events`` table has rows) the bars count
    events per actor instead, stacked by action.

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
    fig = _new_figure()
    order = counts.label.tolist()[::-1]
    for actor_type, group in counts.groupby("actor_type", sort=False):
        fig.add_bar(
            x=group.n_mentions.tolist(), y=group.label.tolist(), orientation="h",
            name=_type_label(actor_type),
            marker_color=ACTOR_TYPE_COLORS.get(actor_type, ACTOR_TYPE_COLORS["other"]),
            customdata=[["actor", a] for a in group.actor_id],
            hovertext=[
                _hover(f"<b>{_esc(r.canonical)}</b> · {_type_label(r.actor_type)}",
                       f"{r.n_mentions} mentions in {r.n_reports} reports", r.example)
                for r in group.itertuples()
            ],
            hoverinfo="text",
        )  # fmt: skip
    _style(fig, title="Who is involved: mentions per actor", legend_title="actor type")
    fig.update_layout(barmode="stack", height=_bar_height(len(order)), showlegend=True,
                      legend_traceorder="normal", bargap=0.25)  # fmt: skip
    fig.update_yaxes(categoryorder="array", categoryarray=order, automargin=True)
    fig.update_xaxes(title_text="mentions")
    return fig


def actor_report_heatmap(tables: Tables, *, top: int = 20, max_reports: int = 30) -> go.Figure:
    """Heatmap of mentions: actors (rows, names coloured by type) by reports (columns).

    Examples
    --------
    >>> from workbench.schema import conform
    >>> t = {"mentions": conform([{"kind": "actor", "entity_id": "sdf", "canonical": "SDF",
    ...      "report_id": "r"}], "mentions"),
    ...      "reports": conform([{"report_id": "r", "title": "T"}], "reports")}
    >>> actor_report_heatmap(t).data[0].z.tolist()
    [[1]]
    """
    counts, grid = _actor_report_grid(tables, top, max_reports=max_reports)
    reports = tables["reports"].set_index("report_id").reindex(grid.columns)
    xlabels = _unique([_report_label(r) for r in reports.itertuples()])
    ylabels = [_colored(r.label, r.actor_type) for r in counts.itertuples()]
    names = dict(zip(counts.actor_id, counts.canonical, strict=True))
    hover = [
        [f"<b>{_esc(names[a])}</b><br>{_esc(_short(reports.title.get(r), 80))}<br>"
         f"{int(grid.at[a, r])} mentions" for r in grid.columns]
        for a in grid.index
    ]  # fmt: skip
    fig = _new_figure(
        go.Heatmap(
            z=grid.to_numpy(), x=xlabels, y=ylabels, text=hover,
            hovertemplate="%{text}<extra></extra>", colorscale="Blues", xgap=1, ygap=1,
            customdata=[[["actor_report", a, r] for r in grid.columns] for a in grid.index],
            colorbar={"title": {"text": "mentions"}},
        )
    )  # fmt: skip
    _style(fig, title="Who appears in which report")
    fig.update_layout(height=_bar_height(len(grid.index)) + 80)
    fig.update_yaxes(autorange="reversed", automargin=True)
    fig.update_xaxes(tickangle=-35, automargin=True)
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
    top_rows = _TopRows(tables, top)
    counts = _counts(tables, top_rows)
    bases = [("report date", _timeline_rows(tables, top_rows, basis="published"), "circle")]
    if mentioned_dates:
        named = _timeline_rows(tables, top_rows, basis="mentioned")
        bases += [("date named in the sentence", named, "diamond-open")] if len(named) else []
    freq = freq or _auto_freq(pd.concat([b[1].date for b in bases if len(b[1])] or [pd.Series()]))
    ids = counts.actor_id.to_numpy(dtype=object)
    info = counts.set_index("actor_id")
    buckets = [_periods(_bucket(frame, freq, ids), freq) for _, frame, _ in bases]
    buckets = [b[b.n > 0] for b in buckets]
    biggest = max([int(b.n.max()) for b in buckets if len(b)] or [1])
    fig = _new_figure()
    for (name, _, symbol), b in zip(bases, buckets, strict=True):
        colors = [ACTOR_TYPE_COLORS.get(info.actor_type[a], ACTOR_TYPE_COLORS["other"])
                  for a in b.actor_id]  # fmt: skip
        fig.add_scatter(
            x=b.date.tolist(), y=[info.label[a] for a in b.actor_id], mode="markers", name=name,
            marker={"symbol": symbol, "color": colors, "opacity": 0.85,
                    "size": (7 + 22 * np.sqrt(b.n / biggest)).tolist(),
                    "line": {"width": 2 if "open" in symbol else 0.5,
                             "color": colors if "open" in symbol else "white"}},
            customdata=[["actor_period", a, d, e]
                        for a, d, e in zip(b.actor_id, b.start, b.end, strict=True)],
            hovertext=[f"<b>{info.label[a]}</b><br>{p}: {n} mentions ({name})"
                       for a, p, n in zip(b.actor_id, b.period, b.n, strict=True)],
            hoverinfo="text",
        )  # fmt: skip
    _style(fig, title="When: mentions per actor over time", legend_title="dated by")
    fig.update_layout(height=160 + 34 * max(len(counts), 3),
                      legend={"orientation": "h", "y": -0.12, "x": 0})  # fmt: skip
    fig.update_yaxes(categoryorder="array", categoryarray=counts.label.tolist()[::-1],
                     tickvals=counts.label.tolist(), automargin=True,
                     ticktext=[_colored(r.label, r.actor_type) for r in counts.itertuples()])  # fmt: skip
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
    named on the chart (most mentioned first; hover names every node). The layout is
    networkx's ``spring_layout`` with a fixed ``seed``, so it is stable between runs.
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
    actors = _actor_info(tables, pd.unique(edges[["source", "target"]].to_numpy().ravel()))
    weight = (
        edges.groupby("source").weight.sum().add(edges.groupby("target").weight.sum(), fill_value=0)
    )
    keep = set(weight.sort_values(ascending=False, kind="stable").index[:top])
    edges = edges[edges.source.isin(keep) & edges.target.isin(keep)]
    edges = edges.sort_values("weight", ascending=False, kind="stable")[:max_edges].sort_index()
    graph = nx.Graph()
    graph.add_nodes_from(sorted(keep))
    for e in edges.itertuples():
        graph.add_edge(e.source, e.target, weight=float(e.weight))
    spread = 3.0 / np.sqrt(max(len(graph), 1))  # more room than networkx's default 1/sqrt(n)
    pos = (nx.spring_layout(graph, k=spread, iterations=200, seed=seed, weight="weight")
           if len(graph) else {})  # fmt: skip
    fig = _new_figure()
    arrows = []
    for relation, group in edges.groupby("relation", sort=True):
        style = RELATION_STYLES.get(relation, RELATION_STYLES["hostile"])
        name = style["label"] if relation in RELATION_STYLES else relation.replace("_", " ")
        for width, part in group.groupby(_width_bucket(group.weight)):
            xs, ys = _segments(part, pos)
            fig.add_scatter(
                x=xs, y=ys, mode="lines", name=name, legendgroup=relation, showlegend=False,
                line={"color": style["color"], "dash": style["dash"], "width": width},
                hoverinfo="skip", customdata=[["pair", *k] for k in _edge_keys(part) for _ in "abc"],
            )  # fmt: skip
        mid = [((pos[s][0] + pos[t][0]) / 2, (pos[s][1] + pos[t][1]) / 2)
               for s, t in zip(group.source, group.target, strict=True)]  # fmt: skip
        fig.add_scatter(
            x=[p[0] for p in mid], y=[p[1] for p in mid], mode="markers", name=name,
            legendgroup=relation, marker={"symbol": "diamond", "size": 9, "color": style["color"]},
            customdata=[["pair", *k] for k in _edge_keys(group)],
            hovertext=[
                _hover(f"<b>{_esc(actors.label.get(e.source, e.source))}</b> {name} "
                       f"<b>{_esc(actors.label.get(e.target, e.target))}</b>",
                       f"{e.weight} sentences", e.example)
                for e in group.itertuples()
            ],
            hoverinfo="text",
        )  # fmt: skip
        if style["arrow"]:
            arrows += [_arrow(pos[s], pos[t], style["color"])
                       for s, t in zip(group.source, group.target, strict=True)]  # fmt: skip
    nodes = actors.loc[[n for n in graph.nodes if n in actors.index]]
    labelled = set(nodes.n_mentions.sort_values(ascending=False, kind="stable").index[:labels])
    for actor_type, group in nodes.groupby("actor_type", sort=False):
        fig.add_scatter(
            x=[pos[a][0] for a in group.index], y=[pos[a][1] for a in group.index],
            mode="markers+text", name=_type_label(actor_type),
            text=[lab if a in labelled else "" for a, lab in zip(group.index, group.label, strict=True)],
            textposition="top center", textfont={"size": 12},
            marker={"size": 12 + 18 * np.sqrt(group.n_mentions / max(nodes.n_mentions.max(), 1)),
                    "color": ACTOR_TYPE_COLORS.get(actor_type, ACTOR_TYPE_COLORS["other"]),
                    "line": {"color": "white", "width": 1.5}},
            customdata=[["actor", a] for a in group.index],
            hovertext=[f"<b>{lab}</b> · {_type_label(actor_type)}<br>{n} mentions"
                       for lab, n in zip(group.label, group.n_mentions, strict=True)],
            hoverinfo="text",
        )  # fmt: skip
    _style(fig, title="With whom: actors named together, and who backs whom")
    fig.update_layout(annotations=arrows, height=620, legend_title_text="")
    xs = [p[0] for p in pos.values()] or [0.0]
    pad = 0.15 * (max(xs) - min(xs)) + 0.05  # room for the outermost labels
    fig.update_xaxes(visible=False, range=[min(xs) - pad, max(xs) + pad])
    fig.update_yaxes(visible=False)  # no fixed aspect: the graph uses the figure's width
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
    rows = np.flatnonzero(_is(rel, "relation", [relation]) & (codes.min(axis=1) >= 0))
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
    labels = [_colored(_type_label(x), x) for x in types]
    fig = _new_figure(
        go.Heatmap(
            z=z, x=labels, y=labels, colorscale="Oranges", xgap=2, ygap=2,
            text=z, texttemplate="%{text}", hovertemplate="%{y} · %{x}: %{z} sentences<extra></extra>",
            customdata=[[["type_pair", a, b] for b in types] for a in types],
            colorbar={"title": {"text": "sentences"}},
        )
    )  # fmt: skip
    named = RELATION_STYLES.get(relation, {}).get("label", relation.replace("_", " "))
    _style(fig, title=f"Which kinds of actor meet: {named}, by actor type")
    fig.update_layout(height=max(360, 70 * len(types) + 160))
    fig.update_yaxes(autorange="reversed", automargin=True)
    fig.update_xaxes(tickangle=-30, automargin=True)
    return fig


def place_map(tables: Tables, *, top: int | None = 150, labels: int = 12) -> go.Figure:
    """Map of resolved places: marker area by mentions, colour by the actor type named most
    often in the same sentences; the ``labels`` most mentioned places are named on the map.
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
    fig = _new_figure()
    land, borders = _basemap()
    fig.add_scattergeo(
        lon=land[0],
        lat=land[1],
        mode="lines",
        fill="toself",
        fillcolor=_LAND,
        line={"width": 0},
        hoverinfo="skip",
        showlegend=False,
        meta="basemap",
    )
    fig.add_scattergeo(
        lon=borders[0],
        lat=borders[1],
        mode="lines",
        hoverinfo="skip",
        line={"width": 0.7, "color": _BORDER},
        showlegend=False,
        meta="basemap",
    )
    scale = 40 / np.sqrt(max(places.n_mentions.max(), 1)) if len(places) else 1
    for actor_type, group in places.groupby("actor_type", sort=False):
        fig.add_scattergeo(
            lon=group.longitude, lat=group.latitude, mode="markers+text",
            text=[lab if i < labels else "" for i, lab in zip(group.index, group.label, strict=True)],
            textposition="top center", name=_type_label(actor_type),
            marker={"size": 8 + scale * np.sqrt(group.n_mentions), "opacity": 0.85,
                    "color": ACTOR_TYPE_COLORS.get(actor_type, ACTOR_TYPE_COLORS["other"]),
                    "line": {"color": "white", "width": 1}},
            customdata=[["place", p] for p in group.place_id],
            hovertext=[
                _hover(f"<b>{r.label}</b>, {_esc(r.country or '')}",
                       f"{r.n_mentions} mentions in {r.n_reports} reports · mostly "
                       f"{_type_label(r.actor_type)}", r.example)
                for r in group.itertuples()
            ],
            hoverinfo="text",
        )  # fmt: skip
    fig.update_geos(_geo_view(places))
    _style(fig, title="Where: places named, coloured by the actors named with them",
           legend_title="main actor type")  # fmt: skip
    fig.update_layout(height=560, margin={"l": 10, "r": 10, "t": 60, "b": 10})
    return fig


# -- tidy data behind the charts ----------------------------------------------------------


def actor_counts(tables: Tables, *, top: int | None = 20, examples: bool = False) -> pd.DataFrame:
    """Mentions and reports per actor (actor and supporter mentions), most mentioned first.

    Columns: ``actor_id``, ``canonical``, ``label`` (escaped for plotly), ``actor_type``,
    ``n_mentions``, ``n_reports`` and, with ``examples``, ``example`` (one sentence).

    Examples
    --------
    >>> from workbench.schema import conform
    >>> m = conform([{"kind": "actor", "entity_id": e, "report_id": "r"} for e in "aab"],
    ...             "mentions")
    >>> actor_counts({"mentions": m, "reports": conform([], "reports")})[
    ...     ["actor_id", "n_mentions"]].values.tolist()
    [['a', 2], ['b', 1]]
    """
    return _counts(tables, _TopRows(tables, top), examples=examples)


def _counts(tables: Tables, top_rows: _TopRows, *, examples: bool = False) -> pd.DataFrame:
    k, rows, order, n = top_rows.k, top_rows.rows, top_rows.order, top_rows.n
    n_rep = len(tables["reports"]) + 1
    rep = report_positions(tables["mentions"], tables["reports"])[rows] + 1
    seen = np.zeros((len(order), n_rep), dtype=bool)
    seen[k, rep] = True
    out = _actor_info(tables, top_rows.uniques[order], top_rows)
    out = out.assign(n_mentions=n[order], n_reports=seen[:, 1:].sum(axis=1)).reset_index(drop=True)
    if examples:
        last = np.full(len(order), -1)
        last[k] = rows
        out["example"] = mention_sentences(tables, last)
    return out


class _TopRows:
    """The mentions of the ``top`` most mentioned actors: row positions, each row's rank
    ``k`` among them, their entity codes (``order``) and every actor's count ``n``."""

    def __init__(self, tables: Tables, top: int | None) -> None:
        m = tables["mentions"]
        self.codes, self.uniques = factorize(m, "entity_id")
        is_actor = _is(m, "kind", ACTOR_KINDS) & (self.codes >= 0)
        self.n = np.bincount(self.codes[is_actor], minlength=len(self.uniques))
        order = np.argsort(-self.n, kind="stable")
        self.order = order[self.n[order] > 0][:top]
        rank = np.full(len(self.uniques) + 1, -1)
        rank[self.order] = np.arange(len(self.order))
        self.rows = np.flatnonzero(is_actor & (rank[self.codes] >= 0))
        self.k = rank[self.codes[self.rows]]
        self.mentions = m


def place_counts(tables: Tables, *, top: int | None = None) -> pd.DataFrame:
    """Resolved places with their mentions, reports, main co-mentioned actor type and an
    example sentence, most mentioned first."""
    m, places = tables["mentions"], tables["places"]
    codes, uniques = factorize(m, "entity_id")
    is_place = _is(m, "kind", ("place",)) & (codes >= 0)
    rows = np.flatnonzero(is_place)
    n = np.bincount(codes[rows], minlength=len(uniques))
    located = places[places.resolved & places.latitude.notna() & places.longitude.notna()]
    located = located.drop(columns=["n_mentions", "n_reports"])
    where = pd.Index(uniques).get_indexer(located.place_id)
    located = located.assign(code=where, n_mentions=np.append(n, 0)[where])
    located = located[located.n_mentions > 0].sort_values(
        ["n_mentions", "name"], ascending=[False, True], kind="stable"
    )[:top]
    rank = np.full(len(uniques) + 1, -1)
    rank[located.code.to_numpy()] = np.arange(len(located))
    rows = rows[rank[codes[rows]] >= 0]
    k = rank[codes[rows]]
    rep = report_positions(m, tables["reports"])[rows] + 1
    seen = np.zeros((len(located), len(tables["reports"]) + 1), dtype=bool)
    seen[k, rep] = True
    last = np.full(len(located), -1)
    last[k] = rows
    main = _main_actor_types(tables, rows, k, len(located))
    out = located.assign(
        n_reports=seen[:, 1:].sum(axis=1),
        actor_type=main, label=located.name.map(_esc),
        example=mention_sentences(tables, last),
    )  # fmt: skip
    return out.drop(columns="code").reset_index(drop=True)


def relation_edges(
    tables: Tables,
    *,
    relations: Iterable[str] | None = None,
    min_weight: int = 1,
    top: int | None = None,
) -> pd.DataFrame:
    """One row per edge between the ``top`` best-connected actors: ``source``, ``target``,
    ``relation``, ``weight`` (sentences) and an ``example`` sentence. ``co_mention`` pairs
    are unordered (the smaller id first)."""
    rel = tables["relations"]
    codes, actors = actor_pair_codes(rel)
    rel_codes, rel_names = factorize(rel, "relation")
    keep = np.ones(len(rel), dtype=bool)
    if relations is not None:
        keep &= np.append(np.isin(rel_names, list(relations)), False)[rel_codes]
    rows = np.flatnonzero(keep)
    src, dst = codes[rows, 0], codes[rows, 1]
    if top is not None and len(rows):
        degree = np.bincount(src, minlength=len(actors)) + np.bincount(dst, minlength=len(actors))
        best = np.zeros(len(actors), dtype=bool)
        best[np.argsort(-degree, kind="stable")[:top]] = True
        inside = best[src] & best[dst]
        rows, src, dst = rows[inside], src[inside], dst[inside]
    undirected = rel_names[rel_codes[rows]] == "co_mention" if len(rows) else np.zeros(0, bool)
    flip = undirected & (actors[src] > actors[dst])
    src, dst = np.where(flip, dst, src), np.where(flip, src, dst)
    n = len(actors) + 1
    key = (rel_codes[rows] * n + src) * n + dst
    uniq, first, weight = np.unique(key, return_index=True, return_counts=True)
    out = pd.DataFrame({
        "relation": rel_names[uniq // (n * n)] if len(uniq) else [],
        "source": actors[(uniq // n) % n] if len(uniq) else [],
        "target": actors[uniq % n] if len(uniq) else [],
        "weight": weight,
        "example": rel.sentence.to_numpy(dtype=object)[rows[first]] if len(uniq) else [],
    })  # fmt: skip
    out = out[out.weight >= min_weight]
    return out.sort_values(["relation", "source", "target"], kind="stable").reset_index(drop=True)


# -- helpers --------------------------------------------------------------------------------


def _events_bar(tables: Tables, *, top: int) -> go.Figure:
    events = tables["events"]
    actors = tables.get("actors", schema.empty("actors"))
    ids = dict(zip(actors.canonical, actors.actor_id, strict=True))
    counts = events.groupby(["actor", "action"]).size().rename("n").reset_index()
    totals = counts.groupby("actor").n.sum().sort_values(ascending=False, kind="stable")[:top]
    counts = counts[counts.actor.isin(totals.index)]
    order = [_esc(a) for a in totals.index[::-1]]
    fig = _new_figure()
    for action in [a for a in schema.ACTIONS if a in set(counts.action)]:
        group = counts[counts.action == action]
        fig.add_bar(
            x=group.n, y=group.actor.map(_esc), orientation="h", name=action.replace("_", " "),
            marker_color=ACTION_COLORS[action],
            customdata=[["actor", ids.get(a, a)] for a in group.actor],
            hovertext=[f"<b>{_esc(a)}</b><br>{action.replace('_', ' ')}: {n} events"
                       for a, n in zip(group.actor, group.n, strict=True)],
            hoverinfo="text",
        )  # fmt: skip
    _style(fig, title="Who did what: events per actor", legend_title="action")
    fig.update_layout(barmode="stack", height=_bar_height(len(order)))
    fig.update_yaxes(categoryorder="array", categoryarray=order, automargin=True)
    fig.update_xaxes(title_text="events")
    return fig


def _is(frame: pd.DataFrame, column: str, values: Iterable[str]) -> np.ndarray:
    codes, uniques = factorize(frame, column)
    lut = np.append(np.isin(uniques, list(values)), False)
    return lut[codes]


def _actor_info(
    tables: Tables, ids: Iterable[str], top_rows: _TopRows | None = None
) -> pd.DataFrame:
    """canonical, label, actor_type and n_mentions per actor id (index), from ``actors``,
    falling back to the mentions for actors the table lacks."""
    ids = list(ids)
    actors = tables.get("actors", schema.empty("actors")).drop_duplicates("actor_id")
    info = actors.set_index("actor_id").reindex(ids)[["canonical", "actor_type", "n_mentions"]]
    missing = info.canonical.isna().to_numpy()
    if missing.any() and top_rows is not None:
        last = np.full(len(top_rows.order), -1)
        last[top_rows.k] = top_rows.rows
        fallback = top_rows.mentions.iloc[last[missing]]
        info.loc[missing, "canonical"] = fallback.canonical.to_numpy()
        info.loc[missing, "actor_type"] = fallback.actor_type.to_numpy()
    info["canonical"] = info.canonical.fillna(pd.Series(ids, index=ids))
    info["actor_type"] = info.actor_type.where(info.actor_type.isin(ACTOR_TYPE_COLORS), "other")
    info["n_mentions"] = info.n_mentions.fillna(0).astype("int64")
    info["label"] = info.canonical.map(lambda c: _esc(_short(c, 40)))
    return info.rename_axis("actor_id").reset_index().set_index("actor_id", drop=False)


def _actor_report_grid(
    tables: Tables, top: int | None, *, max_reports: int
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(actor counts, actors x reports mention counts) for the top actors and the reports
    that name them most, in published order."""
    top_rows = _TopRows(tables, top)
    counts = _counts(tables, top_rows)
    reports = tables["reports"]
    rep = report_positions(tables["mentions"], reports)[top_rows.rows] + 1
    n_rep = len(reports) + 1
    grid = np.bincount(top_rows.k * n_rep + rep, minlength=len(top_rows.order) * n_rep)
    grid = grid.reshape(len(top_rows.order), n_rep)[:, 1:]
    busiest = np.argsort(-grid.sum(axis=0), kind="stable")[:max_reports]
    busiest = busiest[grid[:, busiest].sum(axis=0) > 0]
    published = reports.published.to_numpy(dtype="datetime64[us]")[busiest]
    order = sorted(
        range(len(busiest)), key=lambda i: (np.isnat(published[i]), published[i], busiest[i])
    )
    cols = busiest[order]
    frame = pd.DataFrame(grid[:, cols], index=counts.actor_id,
                         columns=reports.report_id.to_numpy(dtype=object)[cols])  # fmt: skip
    return counts, frame


def _timeline_rows(tables: Tables, top_rows: _TopRows, *, basis: str) -> pd.DataFrame:
    """rank ``k`` (among the top actors) and day of each of their mentions: its report's
    published day, or each date named in the same sentence."""
    m, rep = tables["mentions"], tables["reports"]
    rows, k = top_rows.rows, top_rows.k
    if basis == "published":
        days = np.append(rep.published.to_numpy(dtype="datetime64[D]"), np.datetime64("NaT"))
        day = days[report_positions(m, rep)[rows]]
        ok = ~np.isnat(day)
        return pd.DataFrame({"k": k[ok], "date": day[ok]})
    date_rows = np.flatnonzero(_is(m, "kind", ("date",)))
    codes, uniques = factorize(m, "entity_id")
    used = np.unique(codes[date_rows])
    used = used[used >= 0]
    parsed = np.full(len(uniques) + 1, np.datetime64("NaT"), dtype="datetime64[D]")
    parsed[used] = pd.to_datetime(pd.Series(uniques[used], dtype=object), errors="coerce",
                                  format="ISO8601").to_numpy(dtype="datetime64[D]")  # fmt: skip
    keys = sentence_keys(m)
    left, right = _same_sentence(keys[rows], keys[date_rows])
    day = parsed[codes[date_rows[right]]]
    ok = ~np.isnat(day)
    return pd.DataFrame({"k": k[left][ok], "date": day[ok]})


def _same_sentence(left: np.ndarray, right: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Every pair ``(i, j)`` with ``left[i] == right[j] >= 0`` (a join on sentence keys)."""
    if len(right) < 2 or bool((right[1:] >= right[:-1]).all()):  # mentions come in text order
        order = np.arange(len(right))
    else:
        order = np.argsort(right, kind="stable")
    ordered = right[order]
    lo = np.searchsorted(ordered, left, "left")
    hi = np.searchsorted(ordered, left, "right")
    count = np.where(left >= 0, hi - lo, 0)
    i = np.repeat(np.arange(len(left)), count)
    offset = np.arange(count.sum()) - np.repeat(np.cumsum(count) - count, count)
    return i, order[np.repeat(lo, count) + offset]


def _main_actor_types(tables: Tables, rows: np.ndarray, k: np.ndarray, n: int) -> list[str]:
    """For each of ``n`` places (rank ``k`` of place mention ``rows``): the actor type most
    often named in the same sentences, "other" if none."""
    m = tables["mentions"]
    keys = sentence_keys(m)
    actor_rows = np.flatnonzero(_is(m, "kind", ACTOR_KINDS))
    type_codes, types = factorize(m, "actor_type")
    actor_rows = actor_rows[type_codes[actor_rows] >= 0]
    left, right = _same_sentence(keys[rows], keys[actor_rows])
    t = type_codes[actor_rows[right]]
    counts = np.bincount(k[left] * (len(types) + 1) + t, minlength=n * (len(types) + 1))
    counts = counts.reshape(n, len(types) + 1)[:, : len(types)]
    best = counts.argmax(axis=1) if len(types) else np.zeros(n, dtype=int)
    has = counts.max(axis=1) > 0 if len(types) else np.zeros(n, dtype=bool)
    return [str(types[b]) if h else "other" for b, h in zip(best, has, strict=True)]


def _bucket(frame: pd.DataFrame, freq: str, ids: np.ndarray) -> pd.DataFrame:
    """Mentions per (actor, period): columns actor_id, date (period start), n."""
    if frame.empty:
        return pd.DataFrame({"actor_id": pd.Series([], dtype=object),
                             "date": pd.Series([], dtype="datetime64[us]"), "n": 0})  # fmt: skip
    days = frame.date.to_numpy(dtype="datetime64[D]")
    if freq == "W":
        days = days - ((days.astype("int64") + 3) % 7).astype("timedelta64[D]")
    elif freq == "MS":
        days = days.astype("datetime64[M]").astype("datetime64[D]")
    step = {"W": "W-MON"}.get(freq, freq)
    starts = pd.date_range(days.min(), days.max(), freq=step).to_numpy(dtype="datetime64[D]")
    b = np.searchsorted(starts, days)
    counts = np.bincount(frame.k.to_numpy() * len(starts) + b, minlength=len(ids) * len(starts))
    counts = counts.reshape(len(ids), len(starts))
    active = np.flatnonzero(counts.sum(axis=1))
    return pd.DataFrame({  # every period of every actor that has any, zeros included
        "actor_id": np.repeat(ids[active], len(starts)),
        "date": np.tile(starts, len(active)).astype("datetime64[us]"),
        "n": counts[active].ravel(),
    })  # fmt: skip


def _auto_freq(dates: pd.Series) -> str:
    dates = pd.to_datetime(dates).dropna()
    span = (dates.max() - dates.min()).days if len(dates) else 0
    return "D" if span <= 62 else "W" if span <= 730 else "MS"


def _periods(frame: pd.DataFrame, freq: str) -> pd.DataFrame:
    """Add ``start``, ``end`` (ISO days) and a readable ``period`` for each bucket start."""
    day = frame.date
    if freq == "D":
        end, period = day, day.dt.strftime("%d %b %Y")
    elif freq == "W":
        end, period = day + pd.Timedelta(days=6), "week of " + day.dt.strftime("%d %b %Y")
    else:
        end, period = day + pd.offsets.MonthEnd(0), day.dt.strftime("%b %Y")
    return frame.assign(start=day.dt.strftime("%Y-%m-%d"), end=end.dt.strftime("%Y-%m-%d"),
                        period=period)  # fmt: skip


def _width_bucket(weights: pd.Series) -> pd.Series:
    """Line width for each weight, in 3 steps (one trace per step)."""
    top = max(int(weights.max()), 1)
    return 1.5 + 2.0 * np.floor(3 * weights / top - 1e-9).clip(0, 2)


def _edge_keys(edges: pd.DataFrame) -> list[tuple[str, str, str]]:
    return list(zip(edges.source, edges.target, edges.relation, strict=True))


def _segments(edges: pd.DataFrame, pos: dict) -> tuple[list, list]:
    xs: list = []
    ys: list = []
    for s, t in zip(edges.source, edges.target, strict=True):
        xs += [pos[s][0], pos[t][0], None]
        ys += [pos[s][1], pos[t][1], None]
    return xs, ys


def _arrow(start: Sequence[float], end: Sequence[float], color: str) -> dict:
    """An arrow from ``start`` to 85% of the way to ``end`` (so the head clears the node)."""
    tip = (start[0] + 0.85 * (end[0] - start[0]), start[1] + 0.85 * (end[1] - start[1]))
    return {"x": tip[0], "y": tip[1], "ax": start[0], "ay": start[1], "xref": "x", "yref": "y",
            "axref": "x", "ayref": "y", "showarrow": True, "arrowhead": 3, "arrowsize": 1.3,
            "arrowwidth": 1.6, "arrowcolor": color, "opacity": 0.8, "text": ""}  # fmt: skip


@lru_cache(maxsize=1)
def _basemap() -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    """(land polygons, country borders and coasts) as lon/lat arrays with NaN gaps."""
    topo = json.loads(WORLD_TOPOJSON.read_text(encoding="utf-8"))
    (sx, sy), (tx, ty) = topo["transform"]["scale"], topo["transform"]["translate"]
    arcs = []
    for arc in topo["arcs"]:
        q = np.cumsum(np.asarray(arc, dtype=np.float64), axis=0)
        arcs.append(np.column_stack([q[:, 0] * sx + tx, q[:, 1] * sy + ty]))

    def ring(indices: list[int]) -> np.ndarray:
        parts = [arcs[i] if i >= 0 else arcs[~i][::-1] for i in indices]
        return np.concatenate([p if k == 0 else p[1:] for k, p in enumerate(parts)])

    def lines(rings: Iterable[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
        gap = np.array([[np.nan, np.nan]])
        both = np.concatenate([part for r in rings for part in (r, gap)]).astype(np.float32)
        return both[:, 0], both[:, 1]  # float32: half the bytes in every saved figure

    land = []
    for geom in topo["objects"]["land"]["geometries"]:
        polys = geom["arcs"] if geom["type"] == "MultiPolygon" else [geom["arcs"]]
        land += [ring(p[0]) for p in polys if p]
    used = set()
    for geom in topo["objects"]["countries"]["geometries"]:
        polys = geom["arcs"] if geom["type"] == "MultiPolygon" else [geom["arcs"]]
        used |= {i if i >= 0 else ~i for p in polys for r in p for i in r}
    return lines(land), lines(arcs[i] for i in sorted(used))


def _geo_view(places: pd.DataFrame) -> dict:
    hidden = {f"show{layer}": False for layer in
              ("coastlines", "land", "ocean", "lakes", "rivers", "countries", "subunits")}  # fmt: skip
    view = {**hidden, "projection_type": "natural earth", "bgcolor": _OCEAN, "showframe": True,
            "framecolor": _BORDER}  # fmt: skip
    if len(places):
        lon, lat = places.longitude, places.latitude
        pad = max(3.0, 0.3 * max(lon.max() - lon.min(), lat.max() - lat.min()))
        view |= {"lonaxis_range": [max(lon.min() - pad, -180), min(lon.max() + pad, 180)],
                 "lataxis_range": [max(lat.min() - pad, -85), min(lat.max() + pad, 85)]}  # fmt: skip
    return view


def _new_figure(*traces: Any) -> go.Figure:
    # A layout given up front skips plotly's slow per-figure template set-up.
    return go.Figure(list(traces), layout={"paper_bgcolor": "white"})


def _style(fig: go.Figure, *, title: str, legend_title: str | None = None) -> None:
    """The house look (plotly_white's, without its slow per-figure template copy)."""
    fig.update_layout(
        font=_FONT, title={"text": title, "x": 0.01, "font_size": 17}, paper_bgcolor="white",
        plot_bgcolor="white", margin={"l": 10, "r": 10, "t": 60, "b": 40},
        hoverlabel={"align": "left"}, legend={"title_text": legend_title or ""},
    )  # fmt: skip
    fig.update_xaxes(gridcolor=_GRID, linecolor=_GRID, zerolinecolor=_GRID)
    fig.update_yaxes(gridcolor=_GRID, linecolor=_GRID, zerolinecolor=_GRID)


def _bar_height(n: int) -> int:
    return int(min(140 + 30 * max(n, 3), 1200))


def _type_label(actor_type: str | None) -> str:
    return str(actor_type or "other").replace("_", " ")


def _colored(label: str, actor_type: str | None) -> str:
    color = ACTOR_TYPE_COLORS.get(actor_type or "other", ACTOR_TYPE_COLORS["other"])
    return f'<span style="color:{color}">{label}</span>'


def _report_label(report: Any) -> str:
    day = report.published.strftime("%d %b %Y") if not pd.isna(report.published) else "undated"
    return _esc(f"{day} · {_short(report.title or report.Index, 24)}")


def _unique(labels: list[str]) -> list[str]:
    """Plotly merges equal category labels: number repeats ("x", "x (2)")."""
    seen: dict[str, int] = {}
    out = []
    for label in labels:
        seen[label] = seen.get(label, 0) + 1
        out.append(label if seen[label] == 1 else f"{label} ({seen[label]})")
    return out


def _hover(head: str, counts: str, example: str | None) -> str:
    lines = [head, counts]
    if isinstance(example, str) and example.strip():
        wrapped = textwrap.wrap(_short(" ".join(example.split()), 220), 70)
        lines.append("<i>" + "<br>".join(_esc(w) for w in wrapped) + "</i>")
    return "<br>".join(lines)


def _short(text: Any, n: int) -> str:
    text = "" if text is None or (isinstance(text, float) and np.isnan(text)) else str(text)
    return text if len(text) <= n else text[: n - 1].rstrip() + "…"


def _esc(text: Any) -> str:
    return html.escape("" if text is None else str(text), quote=False)
