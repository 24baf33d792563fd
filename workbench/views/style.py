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
from collections.abc import Sequence
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
    "contrast_ratio",
    "empty_figure",
    "escape",
    "fit_labels",
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
    "wrap",
]

#: One colour per event action (actions are stacked in ``charts.involvement_bar``); like
#: every mark colour here, at least 3:1 contrast (WCAG) against white.
ACTION_COLORS: dict[str, str] = {
    "battle": "#b2182b",
    "armed_clash": "#d6604d",
    "territory_taken": "#8c510a",
    "airstrike": "#542788",
    "shelling_or_artillery": "#8073ac",
    "remote_explosive_or_ied": "#b35806",
    "suicide_bomb": "#c26a00",
    "attack_on_civilians": "#c2407f",
    "abduction": "#4d9221",
    "arrest": "#5a8f29",
    "protest": "#2166ac",
    "riot": "#4393c3",
    "agreement_or_ceasefire": "#1b7837",
    "other": "#737373",
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
    "co_mention": {"color": "#888888", "dash": "solid", "arrow": False, "label": "named together"},
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


def contrast_ratio(color: str, background: str = "#ffffff") -> float:
    """WCAG 2 contrast ratio of two ``"#rrggbb"`` colours (1 to 21; marks and large text
    need at least 3).

    Examples
    --------
    >>> round(contrast_ratio("#000000"), 1), round(contrast_ratio("#ffffff"), 1)
    (21.0, 1.0)
    """

    def luminance(c: str) -> float:
        rgb = np.array([int(c[i : i + 2], 16) for i in (1, 3, 5)], dtype=float) / 255
        lin = np.where(rgb <= 0.03928, rgb / 12.92, ((rgb + 0.055) / 1.055) ** 2.4)
        return float(lin @ [0.2126, 0.7152, 0.0722])

    hi, lo = sorted((luminance(color), luminance(background)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def fit_labels(
    xs: Sequence[float],
    ys: Sequence[float],
    texts: Sequence[str],
    *,
    x_range: tuple[float, float],
    y_range: tuple[float, float],
    width_px: float,
    height_px: float,
    limit: int,
    lift: Sequence[float] | float = 6.0,
    keep_aspect: bool = False,
) -> list[int]:
    """Positions of the texts to draw on a plot (in the order given: most important
    first), at most ``limit``: each text, centred above its point (``lift`` px above it,
    as plotly's "top center"), is kept only if its box overlaps none kept before it. The
    plot is taken to be ``width_px`` by ``height_px`` over ``x_range`` and ``y_range``
    (``keep_aspect``: one scale for both, as on a map), so a plot drawn bigger only spreads
    the kept labels further apart. The others stay on hover.

    Examples
    --------
    >>> fit_labels([0, 0.01, 1], [0, 0, 1], ["Raqqa", "Tabqa", "Mosul"], x_range=(0, 1),
    ...            y_range=(0, 1), width_px=400, height_px=300, limit=3)
    [0, 2]
    """
    sx = width_px / max(x_range[1] - x_range[0], 1e-9)
    sy = height_px / max(y_range[1] - y_range[0], 1e-9)
    if keep_aspect:
        sx = sy = min(sx, sy)
    lifts = np.broadcast_to(np.asarray(lift, dtype=float), (len(texts),))
    boxes: list[tuple[float, float, float, float]] = []
    kept: list[int] = []
    for i, (x, y, text) in enumerate(zip(xs, ys, texts, strict=True)):
        if len(kept) >= limit:
            break
        if not text:
            continue
        px, py = (x - x_range[0]) * sx, (y_range[1] - y) * sy
        half = 3.6 * len(text) + 4  # about 7 px a character at 12 px, and some room
        box = (px - half, py - lifts[i] - 18, px + half, py - lifts[i] + 2)
        if any(box[0] < b[2] and b[0] < box[2] and box[1] < b[3] and b[1] < box[3] for b in boxes):
            continue
        boxes.append(box)
        kept.append(i)
    return kept


def tint(color: str, amount: float, *, min_contrast: float = 3.0) -> str:
    """``color`` (``"#rrggbb"``) mixed with white: ``amount`` 0 keeps it, 1 gives white;
    but never so pale that it has less than ``min_contrast`` against white (WCAG), so a
    tinted mark stays visible (0 lets it fade to white).

    Examples
    --------
    >>> tint("#000000", 0.5), tint("#b2182b", 0), tint("#000000", 1, min_contrast=0)
    ('#808080', '#b2182b', '#ffffff')
    >>> contrast_ratio(tint("#542788", 0.9)) >= 3
    True
    """
    rgb = np.array([int(color[i : i + 2], 16) for i in (1, 3, 5)], dtype=float)

    def mix(a: float) -> str:
        mixed = np.rint(rgb + (255 - rgb) * a).astype(int)
        return "#" + "".join(f"{c:02x}" for c in mixed)

    if contrast_ratio(mix(amount)) >= min_contrast or contrast_ratio(color) < min_contrast:
        return mix(amount)
    lo, hi = 0.0, amount  # the palest mix that keeps the contrast
    for _ in range(20):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if contrast_ratio(mix(mid)) >= min_contrast else (lo, mid)
    return mix(lo)


def bar_height(n: int) -> int:
    """Figure height for ``n`` horizontal bars (or heatmap rows)."""
    return int(min(140 + 30 * max(n, 3), 1200))


def type_color(actor_type: str | None) -> str:
    """The colour of ``actor_type`` ("other"'s for a type without one).

    Examples
    --------
    >>> type_color("rebel_group") == ACTOR_TYPE_COLORS["rebel_group"], type_color(None)
    (True, '#737373')
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
    return escape(f"{day} · {shorten(report.title or report.Index, 30)}")


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


def wrap(text: Any, width: int = 60) -> list[str]:
    """``text`` in lines of at most ``width`` characters, broken at spaces, nothing cut
    ([] for None/NaN): a long title on hover or in a table cell, whole.

    Examples
    --------
    >>> wrap("Iraqi special forces take Mosul University as east bank push nears Tigris", 40)
    ['Iraqi special forces take Mosul', 'University as east bank push nears', 'Tigris']
    """
    text = "" if text is None or (isinstance(text, float) and np.isnan(text)) else str(text)
    return textwrap.wrap(" ".join(text.split()), width, break_long_words=False)


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
