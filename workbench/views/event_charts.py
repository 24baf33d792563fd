"""Event charts: who acts against whom, how hard, where and when, from the ``events`` table.

The charts of :mod:`workbench.views.charts` count co-mentions (actors named in one
sentence), which say nothing of who fights whom. These count coded events (an actor, an
action, perhaps a second actor, a place and a date), so an ally can be told from an
enemy: hostile actions are arrows in their action's colour, backing is a dashed green
arrow of its own.

Conventions, as in :mod:`~workbench.views.charts` (tables first, options keyword-only, a
``go.Figure`` returned and never shown; report text escaped), plus:

* Every mark that stands for events carries ``customdata`` ``["events", "id1|id2|..."]``
  (the event ids joined by ``"|"``); ``charts.evidence_query`` turns it into
  ``{"events": [ids]}``. Network nodes are events too (the actor's events drawn).
* Nothing is invented: events without a date, a place or a fatality count are left out
  of the chart that needs them, and the subtitle says how many.
* A chart with nothing to draw returns a figure that says why (:func:`style.empty_figure`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import cache

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from workbench import schema
from workbench.lexicon.events import load_event_inter, load_sub_event_types
from workbench.views import maps, network, timeline
from workbench.views.counts import actor_info, relation_edges
from workbench.views.style import (
    ACTION_COLORS,
    EVENT_TYPE_COLORS,
    RELATION_STYLES,
    bar_height,
    empty_figure,
    escape,
    hover_text,
    new_figure,
    shorten,
    style_figure,
    tint,
    type_color,
    type_label,
)

__all__ = [
    "events_map",
    "events_over_time",
    "fatalities_by_actor",
    "hostile_network",
    "inter_matrix",
]

Tables = Mapping[str, pd.DataFrame]

#: Actions between two actors that are not one acting against the other: left out of
#: :func:`hostile_network` (and counted in its subtitle).
NOT_HOSTILE = ("agreement_or_ceasefire",)
#: Actions whose label is a countable noun ("3 airstrikes"); others count "events".
_NOUN_ACTIONS = {
    "battle",
    "armed_clash",
    "airstrike",
    "suicide_bomb",
    "attack_on_civilians",
    "abduction",
    "arrest",
    "protest",
    "riot",
}


def hostile_network(
    tables: Tables, *, top: int = 25, labels: int = 12, max_edges: int = 80, seed: int = 7
) -> go.Figure:
    """Directed network of who acted against whom: an arrow from actor 1 to actor 2 per
    action, coloured by the action, as wide as its number of events.

    Only events naming both actors count (not an actor against itself, and not
    :data:`NOT_HOSTILE` actions). Support from the ``relations`` table ("US-backed SDF")
    between the actors shown is drawn as dashed green arrows in a legend entry of their
    own ("backs"), so backing never looks like an attack. Nodes are sized by events and
    coloured by actor type; ``top`` keeps the actors in most events, ``max_edges`` the
    heaviest edges and ``labels`` names the busiest nodes. Parallel edges (two actions,
    or both directions) run side by side. The layout is a seeded spring layout.

    Examples
    --------
    >>> ev = schema.conform([{"event_id": e, "actor1_id": "saa", "actor1": "SAA",
    ...     "actor2_id": "is", "actor2": "IS", "action": "airstrike"} for e in "ab"], "events")
    >>> fig = hostile_network({"events": ev})
    >>> edge = next(t for t in fig.data if t.name == "airstrike" and t.mode == "markers")
    >>> list(edge.customdata[0]), edge.hovertext[0].split("<br>")[0]
    (['events', 'a|b'], '<b>SAA</b> → <b>IS</b>: 2 airstrikes')
    """
    title = "Who acts against whom: events with two named actors"
    ev = _events(tables)
    two = ev[ev.actor1_id.notna() & ev.actor2_id.notna()]
    calm = two.action.isin(NOT_HOSTILE)
    selfish = two.actor1_id == two.actor2_id
    hostile = two[~calm & ~selfish]
    if hostile.empty:
        return empty_figure(title=title, message="No events with two actors")
    edges = (
        hostile.groupby(["actor1_id", "actor2_id", "action"], sort=True)
        .agg(weight=("event_id", "size"), ids=("event_id", "|".join), example=("sentence", "first"))
        .reset_index()
        .rename(columns={"actor1_id": "source", "actor2_id": "target"})
    )
    edges, kept = network.strongest(edges, top=top, max_edges=max_edges)
    edges = edges.reset_index(drop=True)
    support = relation_edges(tables, relations=["support"]) if "relations" in tables else None
    if support is not None:
        inside = support.source.isin(kept) & support.target.isin(kept)
        support = support[inside & (support.source != support.target)]
    pulls = pd.concat([edges, support], ignore_index=True) if support is not None else edges
    pos = network.spring_positions(kept, pulls, seed=seed)
    actors = _actors(tables, hostile, kept)
    fig = new_figure(*_action_traces(edges, pos, actors.label, fig_arrows := []))
    if support is not None and len(support):
        lines, arrows = network.edge_traces(support, pos, actors.label)
        fig.add_traces(lines)
        fig_arrows += arrows
    shown = hostile[hostile.actor1_id.isin(kept) & hostile.actor2_id.isin(kept)]
    drawn = shown.merge(edges[["source", "target", "action"]], how="inner",
                        left_on=["actor1_id", "actor2_id", "action"],
                        right_on=["source", "target", "action"])  # fmt: skip
    mine = pd.concat([drawn[["actor1_id", "event_id"]].set_axis(["actor", "event_id"], axis=1),
                      drawn[["actor2_id", "event_id"]].set_axis(["actor", "event_id"], axis=1)])  # fmt: skip
    node_ids = mine.groupby("actor").event_id.agg("|".join)
    nodes = actors.loc[[a for a in kept if a in node_ids.index]]
    nodes = nodes.assign(n_events=mine.groupby("actor").size().reindex(nodes.index))
    for trace in network.node_traces(nodes, pos, labels=labels, count="n_events", unit="events"):
        trace.customdata = [
            _click(node_ids[a]) for _, a in trace.customdata
        ]  # events, not mentions
        trace.legend = "legend2"
        fig.add_trace(trace)
    notes = [f"{len(drawn)} events · {len(edges)} arrows (width: events)"]
    notes += (
        [f"{len(support)} backing links, dashed"] if support is not None and len(support) else []
    )
    notes += [f"{n} {w} not drawn" for n, w in [
        (int(selfish.sum()), "events with the same actor on both sides"),
        (int((calm & ~selfish).sum()), "agreements"),
        (len(hostile) - len(drawn), "events beyond the top actors and edges"),
    ] if n]  # fmt: skip
    _titled(fig, title, "; ".join(notes))
    fig.update_layout(
        annotations=fig_arrows,
        height=640,
        legend={"title_text": "action", "y": 1, "yanchor": "top"},
        legend2={"title_text": "actor type", "y": 0, "yanchor": "bottom"},
    )
    xs = [p[0] for p in pos.values()]
    pad = 0.15 * (max(xs) - min(xs)) + 0.05  # room for the outermost labels
    fig.update_xaxes(visible=False, range=[min(xs) - pad, max(xs) + pad])
    fig.update_yaxes(visible=False)
    return fig


def inter_matrix(tables: Tables) -> go.Figure:
    """ACLED's interaction matrix: events by the inter code of actor 1 (rows, who acts)
    and of actor 2 (columns); events with no second actor (ACLED's "sole" interaction,
    e.g. 20 for a rebel group alone) fill the "(none)" column.

    Codes are labelled with ACLED's names ("1 State forces", "2 Rebel groups", ...);
    only codes that occur are shown.

    Examples
    --------
    >>> ev = schema.conform([{"event_id": "a", "inter1": 1, "inter2": 2},
    ...                      {"event_id": "b", "inter1": 1}], "events")
    >>> heat = inter_matrix({"events": ev}).data[0]
    >>> list(heat.y), list(heat.x), heat.z.tolist()
    (['1 State forces', '2 Rebel groups'], ['1 State forces', '2 Rebel groups', '(none)'], [[0, 1, 1], [0, 0, 0]])
    """
    title = "Who acts on whom, by ACLED actor type (inter codes)"
    ev = _events(tables)
    coded = ev[ev.inter1.notna()]
    if coded.empty:
        return empty_figure(title=title, message="No events with an ACLED inter code")
    coded = coded.assign(inter1=coded.inter1.astype(int), inter2=coded.inter2.fillna(0).astype(int))
    codes = sorted(set(coded.inter1) | set(coded.inter2) - {0})
    cols = [*codes, 0]
    cells = coded.groupby(["inter1", "inter2"]).event_id.agg(list)
    names = _inter_names()
    label = {c: f"{c} {names.get(c, 'inter')}" for c in codes} | {0: "(none)"}
    z = np.array([[len(cells.get((r, c), [])) for c in cols] for r in codes])

    def hover(r: int, c: int, n: int) -> str:
        if c == 0:
            return (f"<b>{label[r]}</b> with no second actor<br>ACLED's sole interaction "
                    f"{r}0: {n} events")  # fmt: skip
        pair = "".join(map(str, sorted((r, c))))
        return f"<b>{label[r]}</b> → <b>{label[c]}</b><br>interaction {pair}: {n} events"

    fig = new_figure(
        go.Heatmap(
            z=z,
            x=[label[c] for c in cols],
            y=[label[r] for r in codes],
            colorscale="Reds",
            xgap=2,
            ygap=2,
            text=[[str(n) if n else "" for n in row] for row in z],
            texttemplate="%{text}",
            hovertext=[
                [hover(r, c, int(n)) for c, n in zip(cols, row, strict=True)]
                for r, row in zip(codes, z, strict=True)
            ],  # fmt: skip
            hovertemplate="%{hovertext}<extra></extra>",
            customdata=[[_click("|".join(cells.get((r, c), []))) for c in cols] for r in codes],
            colorbar={"title": {"text": "events"}},
        )
    )
    notes = [f"{len(coded)} events; rows: actor 1 (acting), columns: actor 2"]
    notes += [f"{len(ev) - len(coded)} events without an inter code not shown"] * (
        len(ev) > len(coded)
    )
    _titled(fig, title, "; ".join(notes))
    fig.update_layout(height=max(380, 60 * len(codes) + 200))
    fig.update_yaxes(autorange="reversed", automargin=True, title_text="actor 1")
    fig.update_xaxes(tickangle=-30, automargin=True, title_text="actor 2", side="top")
    return fig


def events_over_time(tables: Tables, *, freq: str | None = None) -> go.Figure:
    """Stacked bars of events per day, week or month by ACLED sub-event type, in tints of
    their event type's colour (:data:`~workbench.views.style.EVENT_TYPE_COLORS`).

    ``freq`` is ``"D"``, ``"W"`` or ``"MS"``; by default the span of the dates picks it
    (:func:`workbench.views.timeline.pick_freq`). Events without a date are not placed
    anywhere: the subtitle says how many were left out.

    Examples
    --------
    >>> ev = schema.conform([{"event_id": "a", "date": "2024-01-02", "sub_event_type":
    ...     "Armed clash", "event_type": "Battles"}, {"event_id": "b"}], "events")
    >>> fig = events_over_time({"events": ev})
    >>> fig.data[0].name, list(fig.data[0].y), fig.layout.title.subtitle.text
    ('Armed clash', [1], '1 events per day; 1 events without a date not shown')
    """
    title = "When: events over time, by sub-event type"
    ev = _events(tables)
    dated = ev[ev.date.notna()]
    undated = len(ev) - len(dated)
    if dated.empty:
        missing = f" ({undated} events without a date)" if undated else ""
        return empty_figure(title=title, message=f"No dated events{missing}")
    freq = freq or timeline.pick_freq(dated.date)
    unit = {"D": "day", "W": "week", "MS": "month"}[freq]
    start = _period_start(dated.date, freq)
    dated = dated.assign(
        start=start,
        sub_event_type=dated.sub_event_type.fillna("(no sub-event type)"),
        period=start.dt.strftime("%b %Y" if freq == "MS" else "%d %b %Y"),
    )
    colors = _sub_event_colors(dated)
    width = {"D": 1, "W": 7, "MS": 30}[freq] * 0.8 * 86_400_000  # ms, as date axes count
    fig = new_figure()
    for sub, color in colors.items():
        group = dated[dated.sub_event_type == sub].groupby("start")
        bars = group.agg(n=("event_id", "size"), ids=("event_id", "|".join),
                         period=("period", "first"))  # fmt: skip
        week = "week of " if freq == "W" else ""
        fig.add_bar(
            x=bars.index + (pd.Timedelta(0) if freq == "D" else pd.Timedelta(days=width / 1.6e8)),
            y=bars.n.tolist(),
            width=width,
            name=escape(sub),
            marker_color=color,
            customdata=[_click(i) for i in bars.ids],
            hovertext=[
                f"{week}{p}<br>{n} {escape(sub)}" for p, n in zip(bars.period, bars.n, strict=True)
            ],  # fmt: skip
            hoverinfo="text",
        )
    note = f"{len(dated)} events per {unit}"
    _titled(fig, title, note + (f"; {undated} events without a date not shown" if undated else ""))
    fig.update_layout(barmode="stack", height=460, legend_title_text="sub-event type (ACLED)")
    fig.update_yaxes(title_text="events")
    return fig


def fatalities_by_actor(tables: Tables, *, top: int = 20) -> go.Figure:
    """Horizontal bars: the fatalities reports give for each acting actor's events (actor 1),
    summed over the events with a number; most on top, coloured by actor type.

    An event whose report gives no number is *unknown*, not zero: it is not in the sum,
    and the hover counts such events per actor. A reported 0 is a 0. Several reports (or
    sentences) of one incident each give an event, so deaths may be counted twice.

    Examples
    --------
    >>> ev = schema.conform([{"event_id": "a", "actor1_id": "rsf", "actor1": "RSF",
    ...     "fatalities": 100}, {"event_id": "b", "actor1_id": "rsf", "actor1": "RSF"}],
    ...     "events")
    >>> bar = fatalities_by_actor({"events": ev}).data[0]
    >>> list(bar.x), list(bar.y), list(bar.customdata[0])
    ([100], ['RSF'], ['events', 'a'])
    """
    title = "Reported fatalities in the coded events, by acting actor"
    ev = _events(tables)
    acting = ev[ev.actor1_id.notna()]
    known = acting[acting.fatalities.notna()]
    if known.empty:
        return empty_figure(title=title, message="No events with a reported number of deaths")
    per = known.groupby("actor1_id").agg(
        fatalities=("fatalities", "sum"), n_known=("event_id", "size"), ids=("event_id", "|".join)
    )
    per["n_unknown"] = acting[acting.fatalities.isna()].groupby("actor1_id").size()
    per["n_unknown"] = per.n_unknown.fillna(0).astype(int)
    per = per.sort_values("fatalities", ascending=False, kind="stable")[:top]
    info = _actors(tables, acting, per.index)
    per = per.join(info[["label", "actor_type"]])
    fig = new_figure()
    for actor_type, group in per.groupby("actor_type", sort=False):
        fig.add_bar(
            x=group.fatalities.astype(int).tolist(),
            y=group.label.tolist(),
            orientation="h",
            name=type_label(actor_type),
            marker_color=type_color(actor_type),
            customdata=[_click(i) for i in group.ids],
            hovertext=[
                f"<b>{r.label}</b><br>{r.fatalities} reported deaths in {r.n_known} events"
                + (
                    f"<br>{r.n_unknown} more events: deaths unknown, not counted"
                    if r.n_unknown
                    else ""
                )  # fmt: skip
                for r in group.itertuples()
            ],
            hoverinfo="text",
        )
    unknown = len(acting) - len(known)
    silent = acting.actor1_id[~acting.actor1_id.isin(known.actor1_id)].nunique()
    notes = [f"sum over {len(known)} events with a number"]
    notes += [f"{unknown} events with none are unknown, not zero: left out"] * bool(unknown)
    notes += [f"{silent} actors with no number at all not shown"] * bool(silent)
    _titled(fig, title, "; ".join(notes))
    order = per.label.tolist()[::-1]
    fig.update_layout(barmode="stack", height=bar_height(len(order)) + 30,
                      legend_title_text="actor type")  # fmt: skip
    fig.update_yaxes(categoryorder="array", categoryarray=order, automargin=True)
    fig.update_xaxes(title_text="reported deaths")
    return fig


def events_map(tables: Tables, *, labels: int = 10) -> go.Figure:
    """Map of events at their place's coordinates: one marker per place, its area by
    events, its colour the event type most of them have; the hover counts each sub-event
    type. The ``labels`` busiest places are named. Events whose place has no coordinates
    are counted in the subtitle. Works offline (:mod:`~workbench.views.maps`' basemap).

    Examples
    --------
    >>> ev = schema.conform([{"event_id": "a", "place_id": "p", "event_type": "Battles",
    ...     "sub_event_type": "Armed clash"}, {"event_id": "b"}], "events")
    >>> pl = schema.conform([{"place_id": "p", "name": "Raqqa", "latitude": 35.9,
    ...                       "longitude": 39.0, "resolved": True}], "places")
    >>> fig = events_map({"events": ev, "places": pl})
    >>> list(fig.data[-1].customdata[0]), fig.layout.title.subtitle.text
    (['events', 'a'], '1 events at 1 places; 1 events without map coordinates not shown')
    """
    title = "Where: events on the map, by event type"
    ev = _events(tables)
    places = tables.get("places", schema.empty("places"))
    located = places[places.resolved & places.latitude.notna() & places.longitude.notna()]
    located = located.drop_duplicates("place_id")[
        ["place_id", "name", "country", "feature", "latitude", "longitude"]
    ]
    placed = ev[["event_id", "place_id", "event_type", "sub_event_type"]].merge(
        located, on="place_id", how="inner"
    )
    unplaced = len(ev) - len(placed)
    if placed.empty:
        missing = f" ({unplaced} events without one)" if unplaced else ""
        return empty_figure(title=title, message=f"No events with a place on the map{missing}")
    placed = placed.fillna({"event_type": "(no event type)", "sub_event_type": "(none)"})
    per = placed.groupby("place_id", sort=False).agg(
        n=("event_id", "size"),
        ids=("event_id", "|".join),
        main=("event_type", lambda s: s.value_counts().index[0]),
        subs=(
            "sub_event_type",
            lambda s: ", ".join(f"{n} {t}" for t, n in s.value_counts().items()),
        ),
        **{c: (c, "first") for c in ("name", "country", "feature", "latitude", "longitude")},
    )
    per = per.sort_values(["n", "name"], ascending=[False, True], kind="stable").reset_index()
    scale = 40 / np.sqrt(max(per.n.max(), 1))
    traces = [
        go.Scattergeo(
            lon=group.longitude,
            lat=group.latitude,
            mode="markers+text",
            text=[escape(shorten(r.name, 20)) if i < labels else "" for i, r in group.iterrows()],
            textposition="top center",
            name=escape(event_type),
            marker={
                "size": 8 + scale * np.sqrt(group.n),
                "opacity": 0.85,
                "color": EVENT_TYPE_COLORS.get(event_type, "#7f7f7f"),
                "line": {"color": "white", "width": 1},
            },
            customdata=[_click(i) for i in group.ids],
            hovertext=[
                f"<b>{escape(r.name)}</b>, {escape(r.country or '')} · {escape(r.feature or '')}"
                f"<br>{r.n} events: {escape(r.subs)}"
                for r in group.itertuples()
            ],
            hoverinfo="text",
        )
        for event_type, group in per.groupby("main", sort=False)
    ]
    fig = new_figure(*maps.basemap_traces(), *traces)
    fig.update_geos(maps.geo_view(per))
    note = f"{len(placed)} events at {len(per)} places"
    note += f"; {unplaced} events without map coordinates not shown" if unplaced else ""
    _titled(fig, title, note)
    fig.update_layout(height=560, margin={"l": 10, "r": 10, "t": 80, "b": 10},
                      legend_title_text="event type (most events)")  # fmt: skip
    return fig


def _events(tables: Tables) -> pd.DataFrame:
    """The events table, or an empty one when the tables have none."""
    events = tables.get("events")
    return schema.empty("events") if events is None else events


def _click(ids: str) -> list[str]:
    """The ``customdata`` of a mark standing for the events ``ids`` (joined by "|")."""
    return ["events", ids]


def _titled(fig: go.Figure, title: str, subtitle: str) -> None:
    """House look, a title and, under it, what the chart counts and leaves out."""
    style_figure(fig, title=title)
    fig.update_layout(title_subtitle_text=escape(subtitle), margin_t=80)


def _actors(tables: Tables, events: pd.DataFrame, ids) -> pd.DataFrame:
    """:func:`counts.actor_info` for ``ids``, named as the events name them where the
    ``actors`` table lacks an actor; labels short enough for a node or a bar."""
    info = actor_info(tables, ids)
    names = pd.concat([
        events[["actor1_id", "actor1"]].set_axis(["id", "name"], axis=1),
        events[["actor2_id", "actor2"]].set_axis(["id", "name"], axis=1),
    ]).dropna().drop_duplicates("id").set_index("id").name  # fmt: skip
    unknown = info.canonical == info.actor_id
    info.loc[unknown, "canonical"] = info.actor_id[unknown].map(names).fillna(info.canonical)
    info["label"] = info.canonical.map(lambda c: escape(shorten(c, 28)))
    return info


def _action_traces(edges: pd.DataFrame, pos: dict, names: pd.Series, arrows: list) -> list:
    """Per action: line traces (one per width step) and a legend-carrying marker trace at
    each edge's middle; the arrow of each edge is appended to ``arrows``."""
    xs = [p[0] for p in pos.values()]
    ys = [p[1] for p in pos.values()]
    gap = 0.025 * max(max(xs) - min(xs), max(ys) - min(ys), 1e-9)
    ends = network.parallel_ends(edges, pos, gap=gap)
    widths = network.width_bucket(edges.weight)
    traces = []
    for action in [
        a for a in (*schema.ACTIONS, *sorted(set(edges.action))) if a in set(edges.action)
    ]:
        if any(getattr(t, "legendgroup", None) == action for t in traces):
            continue
        rows = np.flatnonzero((edges.action == action).to_numpy())
        color, name = ACTION_COLORS.get(action, ACTION_COLORS["other"]), action.replace("_", " ")
        for width in sorted(set(widths[rows])):
            part = [i for i in rows if widths[i] == width]
            x = [v for i in part for v in (ends[i][0][0], ends[i][1][0], None)]
            y = [v for i in part for v in (ends[i][0][1], ends[i][1][1], None)]
            traces.append(go.Scatter(x=x, y=y, mode="lines", name=name, legendgroup=action,
                                     showlegend=False, hoverinfo="skip",
                                     line={"color": color, "width": width}))  # fmt: skip
            arrows += [{**network.arrow(ends[i][0], ends[i][1], color), "arrowwidth": width}
                       for i in part]  # fmt: skip
        group = edges.iloc[rows]
        traces.append(
            go.Scatter(
                x=[(ends[i][0][0] + ends[i][1][0]) / 2 for i in rows],
                y=[(ends[i][0][1] + ends[i][1][1]) / 2 for i in rows],
                mode="markers",
                name=name,
                legendgroup=action,
                marker={
                    "symbol": "circle",
                    "size": 9,
                    "color": color,
                    "line": {"color": "white", "width": 1},
                },  # fmt: skip
                customdata=[_click(i) for i in group.ids],
                hovertext=[
                    hover_text(
                        f"<b>{names[e.source]}</b> → <b>{names[e.target]}</b>: "
                        f"{_count_of(e.weight, action)}",
                        "actor 1 → actor 2 of the coded events",
                        e.example,
                    )
                    for e in group.itertuples()
                ],
                hoverinfo="text",
            )
        )
    return traces


def _count_of(n: int, action: str) -> str:
    """``n`` events of ``action`` in words: "3 airstrikes", "1 armed clash", "2 attacks on
    civilians", "2 territory taken events"."""
    label = action.replace("_", " ")
    if action not in _NOUN_ACTIONS:
        return f"{n} {label} event{'s' * (n != 1)}"
    head, on, rest = label.partition(" on ")
    head += ("es" if head.endswith(("sh", "s")) else "s") * (n != 1)
    return f"{n} {head}{on}{rest}"


def _period_start(dates: pd.Series, freq: str) -> pd.Series:
    """The first day of each date's day, week (Monday) or month."""
    days = dates.dt.normalize()
    if freq == "W":
        return days - pd.to_timedelta(days.dt.dayofweek, unit="D")
    if freq == "MS":
        return days.dt.to_period("M").dt.start_time.astype(days.dtype)
    return days


def _sub_event_colors(events: pd.DataFrame) -> dict[str, str]:
    """A colour per sub-event type present, in ACLED's order: tints of its event type's
    colour, from full to pale, so the types of one family read as one."""
    acled = load_sub_event_types()
    family = dict(zip(acled.sub_event_type, acled.event_type, strict=True))
    family |= dict(zip(events.sub_event_type, events.event_type.fillna(""), strict=True))
    rank = {s: i for i, s in enumerate(acled.sub_event_type)}
    present = sorted(set(events.sub_event_type), key=lambda s: (rank.get(s, len(rank)), s))
    colors = {}
    for event_type in dict.fromkeys(family.get(s) for s in present):
        subs = [s for s in present if family.get(s) == event_type]
        base = EVENT_TYPE_COLORS.get(event_type, "#7f7f7f")
        for i, sub in enumerate(subs):
            colors[sub] = tint(base, 0.6 * i / max(len(subs) - 1, 1))
    return {s: colors[s] for s in present}


@cache
def _inter_names() -> dict[int, str]:
    """ACLED's name of each inter code ("State forces" for 1), as ``event_inter.csv``'s
    source line quotes the codebook; the ``acled_label`` of its class rows fills gaps."""
    from workbench.lexicon.acled import INTER_FILE

    source = next((line for line in INTER_FILE.read_text(encoding="utf-8").splitlines()
                   if line.startswith("# Source:")), "")  # fmt: skip
    names = {int(n): t.strip() for n, t in re.findall(r"\b(\d) ([A-Z][\w /]+?)(?=[,)])", source)}
    classes = load_event_inter()
    for row in classes[classes.acled_label != ""].itertuples():
        names.setdefault(int(row.inter), row.acled_label.split(" (")[0])
    return names


_ = RELATION_STYLES  # backing is drawn by network.edge_traces in RELATION_STYLES["support"]
