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
  ``{"events": [ids]}``. Network nodes do too: a node stands for the actor's events drawn.
* Nothing is invented: events without a date, a place or a fatality count are left out
  of the chart that needs them, and the subtitle says how many.
* A chart with nothing to draw returns a figure that says why (:func:`style.empty_figure`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from workbench import schema
from workbench.lexicon.acled import INTER_FILE
from workbench.lexicon.events import load_event_inter, load_sub_event_types
from workbench.views import network, timeline
from workbench.views.counts import actor_info, relation_edges
from workbench.views.event_map import events_map
from workbench.views.style import (
    ACTION_COLORS,
    EVENT_TYPE_COLORS,
    bar_height,
    empty_figure,
    escape,
    hover_text,
    new_figure,
    shorten,
    tint,
    type_color,
    type_label,
    wrap,
)
from workbench.views.units import UNITS, Tables, click, event_rows, titled

__all__ = [
    "NOT_HOSTILE",
    "UNITS",
    "events_map",
    "events_over_time",
    "fatalities_by_actor",
    "hostile_network",
    "inter_matrix",
]


#: Actions between two actors that are not one acting against the other: left out of
#: :func:`hostile_network` (and counted in its subtitle).
NOT_HOSTILE = ("agreement_or_ceasefire",)
#: Actions whose label is a countable noun ("3 airstrikes"); the others count "events".
_NOUN_ACTIONS = frozenset(
    ("battle", "armed_clash", "airstrike", "suicide_bomb", "attack_on_civilians")
    + ("abduction", "arrest", "protest", "riot")
)
#: Days in a bar of each period, for the bar widths of :func:`events_over_time`.
_PERIOD_DAYS = {"D": 1, "W": 7, "MS": 30}


def hostile_network(
    tables: Tables,
    *,
    top: int = 25,
    labels: int = 16,
    max_edges: int = 80,
    seed: int = 7,
    unit: str = "incident",
) -> go.Figure:
    """Directed network of who acted against whom: an arrow from actor 1 to actor 2 per
    action, coloured by the action, as wide as its number of events.

    Only events naming both actors count (not an actor against itself, and not
    :data:`NOT_HOSTILE` actions). Support from the ``relations`` table ("US-backed SDF")
    between the actors shown is drawn as dashed green arrows in a legend entry of their
    own ("backs"), so backing never looks like an attack. Nodes are sized by events and
    coloured by actor type; ``top`` keeps the actors in most events, ``max_edges`` the
    heaviest edges and ``labels`` names the busiest nodes. Parallel edges (two actions,
    or both directions) run side by side. Each connected part has its own seeded spring
    layout (:func:`network.component_positions`), so the picture is stable.

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
    ev = event_rows(tables, unit)
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
    support = _support(tables, kept)
    pos = network.component_positions(kept, pd.concat([edges, support]), seed=seed)
    actors = _actors(tables, hostile, kept)
    traces, arrows = _action_traces(edges, pos, actors.label)
    fig = new_figure(*traces)
    if len(support):
        lines, backing = network.edge_traces(support, pos, actors.label)  # dashed, "backs"
        fig.add_traces(lines)
        arrows += backing
    keys = ["actor1_id", "actor2_id", "action"]
    drawn = hostile.merge(edges[["source", "target", "action"]].set_axis(keys, axis=1), on=keys)
    sides = [drawn[[a, "event_id"]].set_axis(["actor", "event_id"], axis=1) for a in keys[:2]]
    per_actor = pd.concat(sides).groupby("actor").event_id
    node_ids = per_actor.agg("|".join)
    nodes = actors.loc[[a for a in kept if a in node_ids.index]]
    nodes = nodes.assign(n_events=per_actor.size().reindex(nodes.index))
    for trace in network.node_traces(nodes, pos, labels=labels, count="n_events", unit="events"):
        trace.customdata = [click(node_ids[a]) for _, a in trace.customdata]  # not ["actor", a]
        trace.legend = "legend2"
        fig.add_trace(trace)
    notes = [f"{len(drawn)} events, {len(edges)} arrows (width: events)"]
    if len(support):
        notes.append(f"dashed green: {len(support)} backing links from sentences")
    left_out = {
        "events with the same actor on both sides": int(selfish.sum()),
        "agreements": int((calm & ~selfish).sum()),
        "events beyond the top actors and edges": len(hostile) - len(drawn),
    }
    notes += [f"{n} {what} not drawn" for what, n in left_out.items() if n]
    titled(fig, title, "; ".join(notes), ev)
    fig.update_layout(
        annotations=arrows,
        height=640,
        legend={"title_text": "action", "y": 1, "yanchor": "top"},
        legend2={"title_text": "actor type", "y": 0, "yanchor": "bottom"},
    )
    xs = [p[0] for p in pos.values()]
    pad = 0.15 * (max(xs) - min(xs)) + 0.05  # room for the outermost labels
    fig.update_xaxes(visible=False, range=[min(xs) - pad, max(xs) + pad])
    fig.update_yaxes(visible=False)
    return fig


def inter_matrix(tables: Tables, *, unit: str = "incident") -> go.Figure:
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
    >>> list(heat.y), list(heat.x)
    (['1 State forces', '2 Rebel groups'], ['1 State forces', '2 Rebel groups', '(none)'])
    >>> heat.z.tolist()
    [[0, 1, 1], [0, 0, 0]]
    """
    title = "Who acts on whom, by ACLED actor type (inter codes)"
    ev = event_rows(tables, unit)
    coded = ev[ev.inter1.notna()]
    if coded.empty:
        return empty_figure(title=title, message="No events with an ACLED inter code")
    coded = coded.assign(inter1=coded.inter1.astype(int), inter2=coded.inter2.fillna(0).astype(int))
    codes = sorted((set(coded.inter1) | set(coded.inter2)) - {0})
    cols = [*codes, 0]
    cells = coded.groupby(["inter1", "inter2"]).event_id.agg(list)
    names = _inter_names()
    label = {c: f"{c} {names.get(c, 'inter')}" for c in codes} | {0: "(none)"}
    z = np.array([[len(cells.get((r, c), [])) for c in cols] for r in codes])

    def hover(r: int, c: int, n: int) -> str:
        if c == 0:
            return f"<b>{label[r]}</b> with no second actor<br>ACLED's sole interaction {r}0: {n} events"
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
            ],
            hovertemplate="%{hovertext}<extra></extra>",
            customdata=[[click("|".join(cells.get((r, c), []))) for c in cols] for r in codes],
            colorbar={"title": {"text": "events"}},
        )
    )
    notes = [f"{len(coded)} events; rows: actor 1 (acting), columns: actor 2"]
    if len(ev) > len(coded):
        notes.append(f"{len(ev) - len(coded)} events without an inter code not shown")
    titled(fig, title, "; ".join(notes), ev)
    fig.update_layout(height=max(380, 60 * len(codes) + 200))
    fig.update_yaxes(autorange="reversed", automargin=True, title_text="actor 1")
    wrapped = ["<br>".join(wrap(label[c], 11)) for c in cols]  # upright names never overlap
    ticks = {"tickvals": [label[c] for c in cols], "ticktext": wrapped}
    fig.update_xaxes(tickangle=0, automargin=True, title_text="actor 2", **ticks)
    return fig


def events_over_time(
    tables: Tables, *, freq: str | None = None, unit: str = "incident"
) -> go.Figure:
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
    ('Armed clash', [1], '1 dated events per day; 1 events without a date not shown')
    """
    title = "When: events over time, by sub-event type"
    ev = event_rows(tables, unit)
    dated = ev[ev.date.notna()]
    undated = len(ev) - len(dated)
    if dated.empty:
        missing = f" ({undated} events without a date)" if undated else ""
        return empty_figure(title=title, message=f"No dated events{missing}")
    freq = freq or timeline.pick_freq(dated.date)
    start = _period_start(dated.date, freq)
    dated = dated.assign(
        start=start,
        sub_event_type=dated.sub_event_type.fillna("(no sub-event type)"),
        period=("week of " if freq == "W" else "")
        + start.dt.strftime("%b %Y" if freq == "MS" else "%d %b %Y"),
    )
    days = _PERIOD_DAYS[freq]
    middle = pd.Timedelta(days=(days - 1) / 2)  # a week's or month's bar spans its period
    fig = new_figure()
    for sub, color in _sub_event_colors(dated).items():
        bars = (
            dated[dated.sub_event_type == sub]
            .groupby("start")
            .agg(n=("event_id", "size"), ids=("event_id", "|".join), period=("period", "first"))
        )
        fig.add_bar(
            x=bars.index + middle,
            y=bars.n.tolist(),
            width=0.8 * days * 86_400_000,  # milliseconds, as date axes count
            name=escape(sub),
            marker_color=color,
            customdata=[click(i) for i in bars.ids],
            hovertext=[
                f"{p}<br>{n} {escape(sub)}" for p, n in zip(bars.period, bars.n, strict=True)
            ],
            hoverinfo="text",
        )
    unit = {"D": "day", "W": "week", "MS": "month"}[freq]
    note = f"{len(dated)} dated events per {unit}"
    titled(
        fig, title, note + (f"; {undated} events without a date not shown" if undated else ""), ev
    )
    fig.update_layout(
        barmode="stack",
        height=460,
        legend_title_text="sub-event type (ACLED)",
        legend_traceorder="normal",
    )
    pad = pd.Timedelta(days=days)
    fig.update_xaxes(range=[dated.start.min() - pad, dated.start.max() + 2 * pad])
    fig.update_yaxes(title_text="events")
    return fig


def fatalities_by_actor(tables: Tables, *, top: int = 20, unit: str = "incident") -> go.Figure:
    """Horizontal bars: the deaths reports give for each acting actor's events (actor 1),
    summed over the events with a number; most on top, coloured by actor type.

    An event whose report gives no number is *unknown*, not zero: it is not in the sum,
    and the hover counts such events per actor. A reported 0 is a 0. Several reports (or
    sentences) of one incident each give an event: counted by ``unit="event"``, deaths
    may be counted twice; by incident (the default) each counts once, its lowest report.

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
    ev = event_rows(tables, unit)
    acting = ev[ev.actor1_id.notna()]
    known = acting[acting.fatalities.notna()]
    if known.empty:
        return empty_figure(title=title, message="No events with a reported number of deaths")
    per = known.groupby("actor1_id").agg(
        fatalities=("fatalities", "sum"), n_known=("event_id", "size"), ids=("event_id", "|".join)
    )
    unknown = acting[acting.fatalities.isna()].groupby("actor1_id").size()
    per["n_unknown"] = unknown.reindex(per.index, fill_value=0).astype(int)
    per = per.sort_values("fatalities", ascending=False, kind="stable")[:top]
    per = per.join(_actors(tables, acting, per.index)[["label", "actor_type"]])
    fig = new_figure()
    for actor_type, group in per.groupby("actor_type", sort=False):
        fig.add_bar(
            x=group.fatalities.astype(int).tolist(),
            y=group.label.tolist(),
            orientation="h",
            name=type_label(actor_type),
            marker_color=type_color(actor_type),
            customdata=[click(i) for i in group.ids],
            hovertext=[
                f"<b>{r.label}</b><br>{r.fatalities} reported deaths in {r.n_known} events"
                + f"<br>{r.n_unknown} more events: deaths unknown, not counted" * bool(r.n_unknown)
                for r in group.itertuples()
            ],
            hoverinfo="text",
        )
    notes = [f"sum over the {len(known)} events whose report gives a number"]
    if len(acting) > len(known):
        notes.append(f"{len(acting) - len(known)} events with none are unknown, not zero: left out")
    titled(fig, title, "; ".join(notes), ev)
    order = per.label.tolist()[::-1]
    fig.update_layout(
        barmode="stack", height=bar_height(len(order)) + 30, legend_title_text="actor type"
    )
    fig.update_yaxes(categoryorder="array", categoryarray=order, automargin=True)
    fig.update_xaxes(title_text="reported deaths")
    return fig


def _actors(tables: Tables, events: pd.DataFrame, ids: Iterable[str]) -> pd.DataFrame:
    """:func:`counts.actor_info` for ``ids``, named as the events name them where the
    ``actors`` table lacks an actor; labels short enough for a node or a bar."""
    info = actor_info(tables, ids)
    sides = [events[[f"{a}_id", a]].set_axis(["id", "name"], axis=1) for a in ("actor1", "actor2")]
    names = pd.concat(sides).dropna().drop_duplicates("id").set_index("id").name
    unknown = info.canonical == info.actor_id
    info.loc[unknown, "canonical"] = info.actor_id[unknown].map(names).fillna(info.canonical)
    info["label"] = info.canonical.map(lambda c: escape(shorten(c, 28)))
    return info


def _support(tables: Tables, kept: list[str]) -> pd.DataFrame:
    """``support`` edges (:func:`counts.relation_edges`) between the actors ``kept``."""
    if "relations" not in tables:
        return pd.DataFrame(columns=["relation", "source", "target", "weight", "example"])
    edges = relation_edges(tables, relations=["support"])
    inside = edges.source.isin(kept) & edges.target.isin(kept) & (edges.source != edges.target)
    return edges[inside].reset_index(drop=True)


def _action_traces(edges: pd.DataFrame, pos: dict, names: pd.Series) -> tuple[list, list]:
    """Traces and arrows of the hostile ``edges``: per action, lines (one trace per width
    step) and a marker at each edge's middle that carries the legend, hover and click."""
    xs, ys = zip(*pos.values(), strict=True)
    gap = 0.025 * max(max(xs) - min(xs), max(ys) - min(ys), 1e-9)
    ends = network.parallel_ends(edges, pos, gap=gap)
    widths = network.width_bucket(edges.weight).to_numpy()
    present = set(edges.action)
    traces, arrows = [], []
    for action in [a for a in schema.ACTIONS if a in present] + sorted(
        present - set(schema.ACTIONS)
    ):
        rows = np.flatnonzero((edges.action == action).to_numpy())
        color, name = ACTION_COLORS.get(action, ACTION_COLORS["other"]), action.replace("_", " ")
        for width in sorted(set(widths[rows])):
            part = rows[widths[rows] == width]
            traces.append(
                go.Scatter(
                    x=[v for i in part for v in (ends[i][0][0], ends[i][1][0], None)],
                    y=[v for i in part for v in (ends[i][0][1], ends[i][1][1], None)],
                    mode="lines",
                    name=name,
                    legendgroup=action,
                    showlegend=False,
                    hoverinfo="skip",
                    line={"color": color, "width": width},
                )
            )
            head = {"arrowwidth": width, "arrowsize": 2.2 / width}  # one head size for all
            arrows += [network.arrow(*ends[i], color) | head for i in part]
        group = edges.iloc[rows]
        traces.append(
            go.Scatter(
                x=[(ends[i][0][0] + ends[i][1][0]) / 2 for i in rows],
                y=[(ends[i][0][1] + ends[i][1][1]) / 2 for i in rows],
                mode="markers",
                name=name,
                legendgroup=action,
                marker={"size": 9, "color": color, "line": {"color": "white", "width": 1}},
                customdata=[click(i) for i in group.ids],
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
    return traces, arrows


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
    """The first day of each date's day, week (Monday, as ``timeline`` counts) or month."""
    days = dates.dt.normalize()
    if freq == "W":
        return days - pd.to_timedelta(days.dt.day_of_week, unit="D")
    if freq == "MS":
        return days.dt.to_period("M").dt.start_time.astype(days.dtype)
    return days


def _sub_event_colors(events: pd.DataFrame) -> dict[str, str]:
    """A colour per sub-event type present, in ACLED's order: tints of its event type's
    colour, from full to pale, so the types of one family read as one."""
    acled = load_sub_event_types()
    family = dict(zip(acled.sub_event_type, acled.event_type, strict=True))
    rank = {s: i for i, s in enumerate(acled.sub_event_type)}
    present = sorted(set(events.sub_event_type), key=lambda s: (rank.get(s, len(rank)), s))
    colors = {}
    for event_type in dict.fromkeys(family.get(s) for s in present):
        subs = [s for s in present if family.get(s) == event_type]
        base = EVENT_TYPE_COLORS.get(event_type, "#7f7f7f")
        colors |= {s: tint(base, 0.6 * i / max(len(subs) - 1, 1)) for i, s in enumerate(subs)}
    return {s: colors[s] for s in present}


@cache
def _inter_names() -> dict[int, str]:
    """ACLED's name of each inter code ("State forces" for 1), as ``event_inter.csv``'s
    source line quotes the codebook; the ``acled_label`` of its class rows fills gaps."""
    lines = INTER_FILE.read_text(encoding="utf-8").splitlines()
    source = next((line for line in lines if line.startswith("# Source:")), "")
    names = {int(n): t.strip() for n, t in re.findall(r"\b(\d) ([A-Z][\w /]+?)(?=[,)])", source)}
    classes = load_event_inter()
    for row in classes[classes.acled_label != ""].itertuples():
        names.setdefault(int(row.inter), row.acled_label.split(" (")[0])
    return names
