"""The actor network: which edges to draw, where the nodes sit, and their traces.

``charts.dyad_network`` puts these together. Positions come from networkx's
``spring_layout`` with a fixed seed, so the same tables give the same picture. Edges are
drawn in the style of their relation (:data:`~workbench.views.style.RELATION_STYLES`),
each with a marker at its middle to hover and click (``customdata`` ``["pair", source,
target, relation]``); nodes in the colour of their actor type (``["actor", id]``).
"""

from __future__ import annotations

import html
from collections import Counter
from collections.abc import Iterable, Sequence

import networkx as nx
import numpy as np
import pandas as pd
import plotly.graph_objects as go

from workbench.views.style import (
    RELATION_STYLES,
    escape,
    fit_labels,
    hover_text,
    shorten,
    type_color,
    type_label,
)

__all__ = [
    "arrow",
    "axis_ranges",
    "component_positions",
    "degrees",
    "edge_keys",
    "edge_traces",
    "midpoints",
    "node_traces",
    "parallel_ends",
    "segments",
    "spring_positions",
    "strongest",
]

Position = tuple[float, float]


def strongest(edges: pd.DataFrame, *, top: int, max_edges: int) -> tuple[pd.DataFrame, list[str]]:
    """Keep the ``top`` actors with the heaviest edges, and the ``max_edges`` heaviest edges
    among them (in their original order); return ``(edges, actor ids sorted)``.

    Examples
    --------
    >>> e = pd.DataFrame({"source": ["a", "a", "b"], "target": ["b", "c", "c"],
    ...                   "relation": "co_mention", "weight": [5, 1, 2]})
    >>> kept, nodes = strongest(e, top=2, max_edges=10)
    >>> kept.weight.tolist(), nodes
    ([5], ['a', 'b'])
    """
    weight = (
        edges.groupby("source").weight.sum().add(edges.groupby("target").weight.sum(), fill_value=0)
    )
    keep = set(weight.sort_values(ascending=False, kind="stable").index[:top])
    edges = edges[edges.source.isin(keep) & edges.target.isin(keep)]
    edges = edges.sort_values("weight", ascending=False, kind="stable")[:max_edges].sort_index()
    return edges, sorted(keep)


def spring_positions(
    nodes: Iterable[str], edges: pd.DataFrame, *, seed: int
) -> dict[str, np.ndarray]:
    """x, y of each node, pulled together by edge weight (networkx's spring layout)."""
    graph = nx.Graph()
    graph.add_nodes_from(nodes)
    for e in edges.itertuples():
        graph.add_edge(e.source, e.target, weight=float(e.weight))
    if not len(graph):
        return {}
    spread = 3.0 / np.sqrt(len(graph))  # more room than networkx's default 1/sqrt(n)
    return nx.spring_layout(graph, k=spread, iterations=200, seed=seed, weight="weight")


def component_positions(
    nodes: Iterable[str], edges: pd.DataFrame, *, seed: int, row_width: float = 4.0
) -> dict[str, np.ndarray]:
    """:func:`spring_positions` of each connected part on its own, the parts side by side
    in rows (biggest first), each as wide as the square root of its size. A spring layout
    of a graph in several parts flings the parts apart and squashes each into a line; a
    network of events falls into parts (one per war, often).

    Examples
    --------
    >>> e = pd.DataFrame({"source": ["a", "c"], "target": ["b", "d"], "weight": [1, 1]})
    >>> pos = component_positions("abcd", e, seed=1)
    >>> bool(abs(pos["a"] - pos["b"]).max() < abs(pos["a"] - pos["c"]).max())
    True
    """
    graph = nx.Graph()
    graph.add_nodes_from(nodes)
    graph.add_edges_from(zip(edges.source, edges.target, strict=True))
    parts = sorted(nx.connected_components(graph), key=lambda c: (-len(c), min(c)))
    pos: dict[str, np.ndarray] = {}
    x = y = row_height = 0.0
    for part in parts:
        size = float(np.sqrt(len(part)))
        if x > 0 and x + size > row_width:
            x, y, row_height = 0.0, y - row_height - 0.4, 0.0
        inner = edges[edges.source.isin(part) & edges.target.isin(part)]
        local = spring_positions(sorted(part), inner, seed=seed)
        xy = np.array([local[n] for n in sorted(part)], dtype=float).reshape(-1, 2)
        xy -= xy.min(axis=0)
        xy *= size / max(float(xy.max()), 1e-9) if len(part) > 1 else 0
        for n, p in zip(sorted(part), xy, strict=True):
            pos[n] = p + np.array([x, y - size])
        x, row_height = x + size + 0.4, max(row_height, size)
    return pos


def edge_traces(
    edges: pd.DataFrame, pos: dict, labels: pd.Series
) -> tuple[list[go.Scatter], list[dict]]:
    """Traces drawing ``edges`` (lines in 3 widths and a middle marker per relation) and
    the arrow annotations of directed relations. ``labels`` names actors for hover."""
    traces, arrows = [], []
    for relation, group in edges.groupby("relation", sort=True):
        style = RELATION_STYLES.get(relation, RELATION_STYLES["hostile"])
        name = style["label"] if relation in RELATION_STYLES else relation.replace("_", " ")
        for width, part in group.groupby(width_bucket(group.weight)):
            xs, ys = segments(part, pos)
            traces.append(
                go.Scatter(
                    x=xs,
                    y=ys,
                    mode="lines",
                    name=name,
                    legendgroup=relation,
                    showlegend=False,
                    line={"color": style["color"], "dash": style["dash"], "width": width},
                    hoverinfo="skip",
                    customdata=[["pair", *k] for k in edge_keys(part) for _ in "abc"],
                )
            )
        mid = midpoints(group, pos)
        traces.append(
            go.Scatter(
                x=[p[0] for p in mid],
                y=[p[1] for p in mid],
                mode="markers",
                name=name,
                legendgroup=relation,
                marker={"symbol": "diamond", "size": 9, "color": style["color"]},
                customdata=[["pair", *k] for k in edge_keys(group)],
                hovertext=[
                    hover_text(
                        f"<b>{escape(labels.get(e.source, e.source))}</b> {name} "
                        f"<b>{escape(labels.get(e.target, e.target))}</b>",
                        f"{e.weight} sentences",
                        e.example,
                    )
                    for e in group.itertuples()
                ],
                hoverinfo="text",
            )
        )
        if style["arrow"]:
            ends = zip(group.source, group.target, strict=True)
            arrows += [arrow(pos[s], pos[t], style["color"]) for s, t in ends]
    return traces, arrows


def node_traces(
    nodes: pd.DataFrame,
    pos: dict,
    *,
    labels: int,
    count: str = "n_mentions",
    unit: str = "mentions",
    degree: pd.Series | None = None,
) -> list[go.Scatter]:
    """One trace of markers per actor type, sized by mentions. Up to ``labels`` nodes are
    named on the chart, the most connected first (``degree``: edges per node; else the
    biggest), each only where its name overlaps no name kept before it
    (:func:`~workbench.views.style.fit_labels`, for a plot as narrow as 520 px); every
    node is named on hover. ``nodes`` is indexed by actor id, with ``label``,
    ``actor_type`` and ``n_mentions`` columns. A network of something else than mentions
    sizes by its own ``count`` column and names its ``unit`` in the hover."""
    sizes = nodes[count]
    biggest = max(sizes.max(), 1) if len(sizes) else 1
    radius = (12 + 18 * np.sqrt(sizes / biggest)) / 2
    rank = degree.reindex(nodes.index).fillna(0) if degree is not None else sizes
    order = sorted(nodes.index, key=lambda a: (-rank[a], -sizes[a], str(a)))
    x_range, y_range = axis_ranges(pos)
    names = nodes.canonical if "canonical" in nodes else nodes.label.map(html.unescape)
    short = {a: shorten(names[a], 26) for a in order}  # escaped when drawn; whole on hover
    kept = fit_labels(
        [pos[a][0] for a in order],
        [pos[a][1] for a in order],
        [short[a] for a in order],
        x_range=x_range,
        y_range=y_range,
        width_px=520,
        height_px=420,
        limit=labels,
        lift=[radius[a] for a in order],
    )
    labelled = {order[i] for i in kept}
    return [
        go.Scatter(
            x=[pos[a][0] for a in group.index],
            y=[pos[a][1] for a in group.index],
            mode="markers+text",
            name=type_label(actor_type),
            text=[escape(short[a]) if a in labelled else "" for a in group.index],
            textposition="top center",
            textfont={"size": 12, "color": "#222"},
            marker={
                "size": 12 + 18 * np.sqrt(group[count] / biggest),
                "color": type_color(actor_type),
                "line": {"color": "white", "width": 1.5},
            },
            customdata=[["actor", a] for a in group.index],
            hovertext=[
                f"<b>{lab}</b> · {type_label(actor_type)}<br>{n} {unit}"
                for lab, n in zip(group.label, group[count], strict=True)
            ],
            hoverinfo="text",
        )
        for actor_type, group in nodes.groupby("actor_type", sort=False)
    ]


def axis_ranges(pos: dict) -> tuple[tuple[float, float], tuple[float, float]]:
    """x and y ranges showing every node of ``pos`` with room for the outermost labels.

    Examples
    --------
    >>> axis_ranges({"a": (0.0, 0.0), "b": (1.0, 2.0)})
    ((-0.2, 1.2), (-0.3, 2.4))
    """
    xs = [float(p[0]) for p in pos.values()] or [0.0]
    ys = [float(p[1]) for p in pos.values()] or [0.0]
    padx = 0.15 * (max(xs) - min(xs)) + 0.05
    pady = 0.1 * (max(ys) - min(ys)) + 0.1
    return (
        (round(min(xs) - padx, 6), round(max(xs) + padx, 6)),
        (round(min(ys) - pady, 6), round(max(ys) + pady + 0.1, 6)),
    )


def degrees(edges: pd.DataFrame) -> pd.Series:
    """How many edges each actor has (either end): who is most connected."""
    return pd.concat([edges.source, edges.target]).value_counts()


def width_bucket(weights: pd.Series) -> pd.Series:
    """Line width for each weight, in 3 steps (one trace per step)."""
    top = max(int(weights.max()), 1)
    return 1.5 + 2.0 * np.floor(3 * weights / top - 1e-9).clip(0, 2)


def edge_keys(edges: pd.DataFrame) -> list[tuple[str, str, str]]:
    """``(source, target, relation)`` of each edge: the fields of a ``pair`` click."""
    return list(zip(edges.source, edges.target, edges.relation, strict=True))


def segments(edges: pd.DataFrame, pos: dict) -> tuple[list, list]:
    """x and y lists drawing every edge as one line segment, ``None`` between segments."""
    xs: list = []
    ys: list = []
    for s, t in zip(edges.source, edges.target, strict=True):
        xs += [pos[s][0], pos[t][0], None]
        ys += [pos[s][1], pos[t][1], None]
    return xs, ys


def parallel_ends(edges: pd.DataFrame, pos: dict, *, gap: float) -> list[tuple[Position, Position]]:
    """Start and end of each edge, shifted sideways so that edges between the same two
    nodes (in either direction) run side by side, ``gap`` apart, instead of on top of
    each other; a lone edge stays on the line between its nodes.

    Examples
    --------
    >>> e = pd.DataFrame({"source": ["a", "b"], "target": ["b", "a"]})
    >>> pos = {"a": np.array([0.0, 0.0]), "b": np.array([1.0, 0.0])}
    >>> [tuple(round(float(v), 2) for v in s) for s, _ in parallel_ends(e, pos, gap=0.2)]
    [(0.0, -0.1), (1.0, 0.1)]
    """
    pairs = [tuple(sorted(st)) for st in zip(edges.source, edges.target, strict=True)]
    total, seen = Counter(pairs), Counter()
    ends = []
    for s, t, (a, b) in zip(edges.source, edges.target, pairs, strict=True):
        d = np.asarray(pos[b], dtype=float) - np.asarray(pos[a], dtype=float)
        normal = np.array([-d[1], d[0]]) / (float(np.hypot(*d)) or 1.0)
        shift = (seen[a, b] - (total[a, b] - 1) / 2) * gap * normal
        seen[a, b] += 1
        ends.append((tuple(pos[s] + shift), tuple(pos[t] + shift)))
    return ends


def midpoints(edges: pd.DataFrame, pos: dict) -> list[Position]:
    """The middle of each edge, where its hover-and-click marker sits."""
    return [
        ((pos[s][0] + pos[t][0]) / 2, (pos[s][1] + pos[t][1]) / 2)
        for s, t in zip(edges.source, edges.target, strict=True)
    ]


def arrow(start: Sequence[float], end: Sequence[float], color: str) -> dict:
    """An arrow annotation from ``start`` to 85% of the way to ``end`` (so the head clears
    the node)."""
    tip = (start[0] + 0.85 * (end[0] - start[0]), start[1] + 0.85 * (end[1] - start[1]))
    return {
        "x": tip[0],
        "y": tip[1],
        "ax": start[0],
        "ay": start[1],
        "xref": "x",
        "yref": "y",
        "axref": "x",
        "ayref": "y",
        "showarrow": True,
        "arrowhead": 3,
        "arrowsize": 1.3,
        "arrowwidth": 1.6,
        "arrowcolor": color,
        "opacity": 0.8,
        "text": "",
    }
