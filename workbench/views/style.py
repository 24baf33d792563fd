"""The house look of every chart, and the text helpers that put report text on it.

Colours say what a mark is: an actor in its type's colour (:data:`ACTOR_TYPE_COLORS`,
shared with the highlighted report view), an event in its action's
(:data:`ACTION_COLORS`), an edge in its relation's (:data:`RELATION_STYLES`). Text from
reports (names, sentences) is untrusted: it goes through :func:`escape` before plotly,
which renders a subset of HTML, sees it.

Examples
--------
Every event action has a colour:

>>> from workbench import schema
>>> set(ACTION_COLORS) == set(schema.ACTIONS)
True
"""

from __future__ import annotations

import html
import textwrap
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from workbench.schema import ACTOR_TYPE_COLORS

__all__ = [
    "ACTION_COLORS",
    "ACTOR_TYPE_COLORS",
    "EVENT_TYPE_COLORS",
    "FONT",
    "GRID_COLOR",
    "RELATION_STYLES",
    "bar_height",
    "color_label",
    "empty_figure",
    "escape",
    "hover_text",
    "new_figure",
    "number_repeats",
    "report_label",
    "given",
    "shorten",
    "style_figure",
    "tint",
    "type_color",
    "type_label",
]

#: One colour per event action (actions are stacked in ``charts.involvement_bar``).
ACTION_COLORS: dict[str, str] = {
    "battle": "#b2182b",
    "armed_clash": "#d6604d",
    "territory_taken": "#f4a582",
    "airstrike": "#542788",
    "shelling_or_artillery": "#8073ac",
    "remote_explosive_or_ied": "#b35806",
    "suicide_bomb": "#e08214",
    "attack_on_civilians": "#de77ae",
    "abduction": "#4d9221",
    "arrest": "#7fbc41",
    "protest": "#2166ac",
    "riot": "#4393c3",
    "agreement_or_ceasefire": "#1b7837",
    "other": "#999999",
}
#: One colour per ACLED event type (``events.event_type``), near its main action's colour;
#: a chart that splits an event type by sub-event type draws the sub-types in :func:`tint`\s.
EVENT_TYPE_COLORS: dict[str, str] = {
    "Battles": "#b2182b",
    "Explosions/Remote violence": "#542788",
    "Violence against civilians": "#c51b7d",
    "Protests": "#2166ac",
    "Riots": "#4393c3",
    "Strategic developments": "#35978f",
}
#: How each ``relations.relation`` is drawn in ``charts.dyad_network``. Any other value is
#: an event action (a hostile edge) and is drawn with ``RELATION_STYLES["hostile"]``.
RELATION_STYLES: dict[str, dict[str, Any]] = {
    "co_mention": {"color": "#9a9a9a", "dash": "solid", "arrow": False, "label": "named together"},
    "support": {"color": "#2ca02c", "dash": "dash", "arrow": True, "label": "backs"},
    "hostile": {"color": "#d62728", "dash": "solid", "arrow": True, "label": "acts against"},
}
#: Font of every chart.
FONT = {"family": "Inter, Segoe UI, Helvetica, Arial, sans-serif", "size": 13}
#: Grid lines, axis lines and zero lines.
GRID_COLOR = "#e5e5e5"


def new_figure(*traces: Any) -> go.Figure:
    """Return a figure holding ``traces``, ready for :func:`style_figure`."""
    # A layout given up front skips plotly's slow per-figure template set-up.
    return go.Figure(list(traces), layout={"paper_bgcolor": "white"})


def style_figure(fig: go.Figure, *, title: str, legend_title: str | None = None) -> None:
    """Give ``fig`` the house look (plotly_white's, without its slow per-figure template
    copy) and a title."""
    fig.update_layout(
        font=FONT,
        title={"text": title, "x": 0.01, "font_size": 17},
        paper_bgcolor="white",
        plot_bgcolor="white",
        margin={"l": 10, "r": 10, "t": 60, "b": 40},
        hoverlabel={"align": "left"},
        legend={"title_text": legend_title or ""},
    )
    fig.update_xaxes(gridcolor=GRID_COLOR, linecolor=GRID_COLOR, zerolinecolor=GRID_COLOR)
    fig.update_yaxes(gridcolor=GRID_COLOR, linecolor=GRID_COLOR, zerolinecolor=GRID_COLOR)


def empty_figure(*, title: str, message: str) -> go.Figure:
    """A chart with nothing to draw: its title, and ``message`` (say what is missing) in
    the middle, so that a panel shows why it is blank instead of an empty grid.

    Examples
    --------
    >>> empty_figure(title="Who", message="No events").layout.annotations[0].text
    'No events'
    """
    fig = new_figure()
    style_figure(fig, title=title)
    fig.add_annotation(
        text=message, xref="paper", yref="paper", x=0.5, y=0.5, showarrow=False, font_size=15
    )
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return fig


def tint(color: str, amount: float) -> str:
    """``color`` (``"#rrggbb"``) mixed with white: ``amount`` 0 keeps it, 1 gives white.

    Examples
    --------
    >>> tint("#000000", 0.5), tint("#b2182b", 0)
    ('#808080', '#b2182b')
    """
    rgb = np.array([int(color[i : i + 2], 16) for i in (1, 3, 5)], dtype=float)
    mixed = np.rint(rgb + (255 - rgb) * amount).astype(int)
    return "#" + "".join(f"{c:02x}" for c in mixed)


def bar_height(n: int) -> int:
    """Figure height for ``n`` horizontal bars (or heatmap rows)."""
    return int(min(140 + 30 * max(n, 3), 1200))


def type_color(actor_type: str | None) -> str:
    """The colour of ``actor_type`` ("other"'s for a type without one).

    Examples
    --------
    >>> type_color("rebel_group") == ACTOR_TYPE_COLORS["rebel_group"], type_color(None)
    (True, '#7f7f7f')
    """
    return ACTOR_TYPE_COLORS.get(actor_type or "other", ACTOR_TYPE_COLORS["other"])


def type_label(actor_type: str | None) -> str:
    """An actor type as a legend shows it.

    Examples
    --------
    >>> type_label("rebel_group"), type_label(None)
    ('rebel group', 'other')
    """
    return str(actor_type or "other").replace("_", " ")


def color_label(label: str, actor_type: str | None) -> str:
    """``label`` (already escaped) in the colour of ``actor_type``, for axis ticks."""
    return f'<span style="color:{type_color(actor_type)}">{label}</span>'


def report_label(report: Any) -> str:
    """A report (a row of ``reports`` indexed by ``report_id``) as an axis label: its day
    and the start of its title, escaped."""
    day = report.published.strftime("%d %b %Y") if not pd.isna(report.published) else "undated"
    return escape(f"{day} · {shorten(report.title or report.Index, 24)}")


def number_repeats(labels: list[str]) -> list[str]:
    """Plotly merges equal category labels: number the repeats.

    Examples
    --------
    >>> number_repeats(["x", "y", "x"])
    ['x', 'y', 'x (2)']
    """
    seen: dict[str, int] = {}
    out = []
    for label in labels:
        seen[label] = seen.get(label, 0) + 1
        out.append(label if seen[label] == 1 else f"{label} ({seen[label]})")
    return out


def hover_text(head: str, counts: str, example: str | None) -> str:
    """Hover text: a head line and a counts line (both already escaped), then an example
    sentence from a report, escaped, shortened and wrapped, in italics."""
    lines = [head, counts]
    if isinstance(example, str) and example.strip():
        wrapped = textwrap.wrap(shorten(" ".join(example.split()), 220), 70)
        lines.append("<i>" + "<br>".join(escape(w) for w in wrapped) + "</i>")
    return "<br>".join(lines)


def shorten(text: Any, n: int) -> str:
    """``text`` cut to at most ``n`` characters, ending in "…" if cut ("" for None/NaN).

    Examples
    --------
    >>> shorten("Syrian Democratic Forces", 8), shorten(None, 8)
    ('Syrian…', '')
    """
    text = "" if text is None or (isinstance(text, float) and np.isnan(text)) else str(text)
    return text if len(text) <= n else text[: n - 1].rstrip() + "…"


def escape(text: Any) -> str:
    """Report text made safe for plotly's HTML labels ("" for None).

    Examples
    --------
    >>> escape("<script>")
    '&lt;script&gt;'
    """
    return html.escape("" if text is None else str(text), quote=False)


def given(value: object) -> bool:
    """Whether a table cell holds a value (not None, NaN or empty), for optional columns.

    Examples
    --------
    >>> given("SDF"), given(float("nan")), given(pd.NA), given(""), given(["a"])
    (True, False, False, False, True)
    """
    if value is None or (isinstance(value, str) and value == ""):
        return False
    missing = pd.isna(value)
    return not bool(missing) if np.ndim(missing) == 0 else True  # a list is a value
