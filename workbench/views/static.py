"""The Explorer as static figures, for a shared page that has no kernel.

A page rendered to HTML keeps no Python behind it, so the Explorer's filters and its
click-for-evidence pane would be dead controls there. What still works in a browser is
plotly's own interaction, so the page gets the same charts as the live Explorer
(:data:`workbench.views.panels.EXPLORER_CHARTS`), drawn by the same chart functions and
gathered into two figures: the charts and the maps, each with a dropdown that switches
chart. Legend entries toggle actor types, actions or sub-event types; each mark's hover
carries an example sentence from the reports (the evidence a click shows in a kernel).
What needs a kernel (filters, the evidence pane, corrections) says so in a short note.

DataFrames in, figures out: no ipywidgets here. :func:`static_wanted` says whether the
notebook runs under ``workbench render`` (``$WORKBENCH_STATIC_PAGE``), which is when
:func:`workbench.views.panels.explorer` returns a :class:`StaticExplorer`.

Examples
--------
>>> import plotly.graph_objects as go
>>> fig = switchable({"a": go.Figure(go.Bar(y=[1])), "b": go.Figure(go.Scatter(y=[2]))})
>>> [b["label"] for b in fig.layout.updatemenus[0].buttons], [t.visible for t in fig.data]
(['a', 'b'], [True, False])
"""

from __future__ import annotations

import os
import textwrap
from collections.abc import Callable, Mapping
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from workbench.config import STATIC_PAGE_ENV
from workbench.views.charts import evidence_query
from workbench.views.evidence import evidence
from workbench.views.style import escape, shorten

Tables = Mapping[str, pd.DataFrame]

#: Charts drawn on a world map: they go in the maps figure, the rest in the charts figure.
MAP_TRACE_TYPES = {"scattergeo", "choropleth", "scattermap", "choroplethmap"}
#: At most this many marks of one figure get an example sentence in their hover.
MAX_EXAMPLES = 3000
#: The note above the static Explorer (what works here, and where the rest lives).
KERNEL_NOTE = (
    "<b>Explorer, shared page.</b> Pick a chart from the menu above each figure, click a "
    "legend entry to hide or show it (double-click: only it), hover a mark for an example "
    "sentence. Filters and the sentences behind a click need a live kernel: open the "
    "notebook in JupyterLab (<code>make lab</code>) or run <code>workbench serve</code>."
)
#: Layout keys a dropdown leaves alone: the menus themselves, and one height per figure
#: (the page's box for a figure does not grow with a chart).
_KEPT_LAYOUT = {"updatemenus", "template", "height"}


def static_wanted() -> bool:
    """Whether panels should draw themselves without a kernel (set by ``workbench render``).

    Examples
    --------
    >>> os.environ.pop(STATIC_PAGE_ENV, None) and None; static_wanted()
    False
    """
    return os.environ.get(STATIC_PAGE_ENV, "") not in ("", "0")


def explorer_figures(
    tables: Tables, *, chart_functions: Mapping[str, Callable[..., go.Figure]]
) -> list[go.Figure]:
    """The Explorer's charts as (at most) two figures, charts and maps, each switching
    chart by a dropdown, every mark's hover with an example sentence."""
    drawn = {name: with_examples(chart(tables), tables) for name, chart in chart_functions.items()}
    maps = {n: f for n, f in drawn.items() if {t.type for t in f.data} & MAP_TRACE_TYPES}
    plain = {n: f for n, f in drawn.items() if n not in maps}
    return [switchable(group) for group in (plain, maps) if group]


def switchable(figures: Mapping[str, go.Figure]) -> go.Figure:
    """One figure holding every figure's traces, with a dropdown that shows one at a time.

    Each dropdown entry makes its figure's traces visible (the others hidden) and puts its
    layout in place: keys another figure sets and it does not are reset, so no axis title
    or annotation leaks from one chart into the next. Traces marked ``meta="basemap"``
    are kept once, from the first figure, and stay visible (every map shares them).
    """
    fig = go.Figure()
    spans: dict[str, tuple[int, int]] = {}
    shared: set[int] = set()  # the basemap's traces, drawn under every map
    for name, figure in figures.items():
        start, has_basemap = len(fig.data), bool(shared)
        for trace in figure.data:
            if trace.meta == "basemap":
                if has_basemap:
                    continue  # a later map's copy of it
                shared.add(len(fig.data))
            fig.add_trace(trace)
        spans[name] = (start, len(fig.data))
    initial = [t.visible for t in fig.data]
    layouts = {name: _layout(f) for name, f in figures.items()}
    keys = sorted({k for layout in layouts.values() for k in layout})
    buttons = []
    for name, (start, end) in spans.items():
        visible = [
            (True if initial[i] is None else initial[i])
            if start <= i < end or i in shared
            else False
            for i in range(len(fig.data))
        ]
        layout = {k: layouts[name].get(k) for k in keys}
        buttons.append({"label": name, "method": "update", "args": [{"visible": visible}, layout]})
    if not buttons:
        return fig
    first = next(iter(figures.values()))
    fig.update_layout(first.layout)
    fig.update_traces(selector=lambda t: True, visible=False)
    for i, flag in enumerate(buttons[0]["args"][0]["visible"]):
        fig.data[i].visible = flag
    heights = [f.layout.height or 450 for f in figures.values()]
    fig.update_layout(
        height=max(heights),
        updatemenus=[
            {
                "buttons": buttons,
                "direction": "down",
                "active": 0,
                "showactive": True,
                "x": 1,
                "xanchor": "right",
                "y": 1,
                "yanchor": "bottom",
                "pad": {"b": 8},
                "bgcolor": "white",
                "bordercolor": "#bbb",
            }
        ],
    )
    return fig


def with_examples(fig: go.Figure, tables: Tables, *, limit: int = MAX_EXAMPLES) -> go.Figure:
    """Add to each clickable mark's hover an example sentence (escaped) from the reports.

    A mark's ``customdata`` names the evidence behind it
    (:func:`workbench.views.charts.evidence_query`); the first sentence
    :func:`~workbench.views.evidence.evidence` finds for it goes under the hover's lines,
    in italics, unless the hover already has one. Marks past ``limit`` keep their hover.
    """
    cache: dict[str, str] = {}
    budget = [limit]

    def example(customdata: Any) -> str:
        key = repr(customdata)
        if key not in cache:
            cache[key] = ""
            if budget[0] > 0:
                budget[0] -= 1
                cache[key] = _example_sentence(tables, customdata)
        return cache[key]

    for trace in fig.data:
        if trace.customdata is None or len(trace.customdata) == 0:
            continue
        points = _grid(trace.customdata)
        template = trace.hovertemplate or ""
        if "%{text}" in template and trace.text is not None and not isinstance(trace.text, str):
            trace.text = _append(_grid(trace.text), points, example)
        elif trace.hovertext is not None and not isinstance(trace.hovertext, str):
            trace.hovertext = _append(_grid(trace.hovertext), points, example)
        elif template and "<extra>" in template:
            trace.hovertext = _append(_blank(points), points, example)
            trace.hovertemplate = template.replace("<extra>", "%{hovertext}<extra>", 1)
    return fig


class StaticExplorer:
    """What :func:`workbench.views.panels.explorer` shows on a page with no kernel: the
    note and :func:`explorer_figures`, as HTML (plotly.js comes with the page)."""

    def __init__(
        self, tables: Tables, *, chart_functions: Mapping[str, Callable[..., go.Figure]]
    ) -> None:
        self.tables = dict(tables)
        self.figures = explorer_figures(self.tables, chart_functions=chart_functions)

    def to_html(self) -> str:
        """The note and every figure as one HTML fragment (no plotly.js in it)."""
        parts = [f'<div class="wb-explorer-static"><p class="wb-kernel-note">{KERNEL_NOTE}</p>']
        for fig in self.figures:
            parts.append(
                fig.to_html(
                    include_plotlyjs=False,
                    full_html=False,
                    config={"displaylogo": False, "responsive": True},
                )
            )
        parts.append("</div>")
        return "".join(parts)

    def _repr_mimebundle_(self, **kwargs: Any) -> dict[str, str]:
        names = [b.label for f in self.figures for b in f.layout.updatemenus[0].buttons]
        return {
            "text/html": self.to_html(),
            "text/plain": f"Explorer (static: {', '.join(names)})",
        }


# -- helpers ------------------------------------------------------------------------------


def _layout(fig: go.Figure) -> dict[str, Any]:
    return {k: v for k, v in fig.layout.to_plotly_json().items() if k not in _KEPT_LAYOUT}


def _example_sentence(tables: Tables, customdata: Any) -> str:
    try:
        found = evidence(tables, **evidence_query(customdata), limit=1)
    except (KeyError, ValueError, TypeError):  # a mark that names no evidence
        return ""
    if found.empty:
        return ""
    sentence = " ".join(str(found.sentence.iloc[0]).split())
    wrapped = textwrap.wrap(shorten(sentence, 220), 70)
    return "<i>" + "<br>".join(escape(w) for w in wrapped) + "</i>"


def _is_point(value: Any) -> bool:
    """A mark's customdata is a list that starts with its kind (a string)."""
    return isinstance(value, (list, tuple)) and len(value) > 0 and isinstance(value[0], str)


def _grid(values: Any) -> list:
    """``values`` as nested Python lists (1-D for a trace's points, 2-D for a heatmap)."""
    return [list(v) if isinstance(v, (list, tuple)) and not _is_point(v) else v for v in values]


def _blank(points: list) -> list:
    return [[""] * len(row) if not _is_point(row) else "" for row in points]


def _append(texts: list, points: list, example: Callable[[Any], str]) -> list:
    """Each hover text with its point's example sentence under it (2-D or 1-D)."""
    out = []
    for text, point in zip(texts, points, strict=False):
        if isinstance(point, list) and not _is_point(point):
            out.append(_append(list(text), point, example))
            continue
        line = "" if text is None else str(text)
        found = "" if "<i>" in line or not _is_point(point) else example(point)
        out.append(f"{line}<br>{found}" if line and found else line or found)
    return out


__all__ = [
    "KERNEL_NOTE",
    "StaticExplorer",
    "explorer_figures",
    "static_wanted",
    "switchable",
    "with_examples",
]
