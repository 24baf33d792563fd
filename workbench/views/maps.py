"""The map of ``charts.place_map``: an offline basemap, place markers, the view.

The basemap is drawn from a shipped TopoJSON file (:data:`WORLD_TOPOJSON`), never
fetched, so maps work offline and in the shared HTML. Its traces carry
``meta="basemap"`` and no ``customdata``, so they are not clickable and a redraw in place
can skip them. Place markers are clickable: ``customdata`` ``["place", place_id]``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from functools import lru_cache

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from workbench.config import DATA_DIR
from workbench.views.style import escape, fit_labels, hover_text, type_color, type_label

__all__ = [
    "BORDER_COLOR",
    "GEO_PRECISION",
    "LAND_COLOR",
    "OCEAN_COLOR",
    "WORLD_TOPOJSON",
    "basemap_traces",
    "exact_first",
    "geo_view",
    "label_places",
    "line_width",
    "place_traces",
    "precision_note",
    "symbol",
]

#: The basemap drawn (see ``workbench/data/vendor/world_110m.LICENSE.txt``).
WORLD_TOPOJSON = DATA_DIR / "vendor" / "world_110m.json"
#: Sea (the map's background), land, and country borders and coasts.
OCEAN_COLOR, LAND_COLOR, BORDER_COLOR = "#e8eef4", "#f4f1ea", "#b9b2a4"


def basemap_traces() -> list[go.Scattergeo]:
    """Land (filled) and country borders and coasts (lines), to draw under the markers."""
    land, borders = _basemap()
    return [
        go.Scattergeo(
            lon=land[0],
            lat=land[1],
            mode="lines",
            fill="toself",
            fillcolor=LAND_COLOR,
            line={"width": 0},
            hoverinfo="skip",
            showlegend=False,
            meta="basemap",
        ),
        go.Scattergeo(
            lon=borders[0],
            lat=borders[1],
            mode="lines",
            hoverinfo="skip",
            line={"width": 0.7, "color": BORDER_COLOR},
            showlegend=False,
            meta="basemap",
        ),
    ]


#: ACLED's geo-precision in words, for the maps' hover.
GEO_PRECISION = {
    1: "placed at the town itself",
    2: "placed near the town, or in part of it",
    3: "placed only at the province, the country or a region",
}


def precision_note(precision: object, direction: object = None) -> str:
    """What a marker's point means: "placed near the town, or in part of it (west)".

    Examples
    --------
    >>> precision_note(3), precision_note(2, "west")
    ('placed only at the province, the country or a region', 'placed near the town, or in part of it (west)')
    """
    note = "precision not known" if pd.isna(precision) else GEO_PRECISION[int(precision)]
    return note + (f" ({escape(str(direction))})" if isinstance(direction, str) else "")


def symbol(precision: object) -> str:
    """A filled dot for a town itself (or no precision known), a ring for anything
    coarser, so an approximate point does not read as a town."""
    return "circle" if pd.isna(precision) or int(precision) <= 1 else "circle-open"


def exact_first(places: pd.DataFrame, column: str = "geo_precision") -> pd.DataFrame:
    """``places`` with the ones known as towns first, so a legend (which draws a trace's
    first marker) shows a dot, and a ring only where every place of the trace is rough."""
    order = places[column].map(symbol).ne("circle")
    return places.iloc[np.argsort(order.to_numpy(), kind="stable")]


def line_width(precision: object) -> int:
    """The outline: thin on a dot, thick enough to read as a ring."""
    return 1 if symbol(precision) == "circle" else 3


def place_traces(
    places: pd.DataFrame, *, labels: int, origins: pd.DataFrame | None = None
) -> list[go.Scattergeo]:
    """One trace of markers per main actor type: area by mentions; of the ``labels`` first
    places (most mentioned, as ``counts.place_counts`` orders them) those whose names fit
    without overlapping a bigger one's are named on the map (:func:`label_places`; one
    text trace on top, ``meta="labels"``), the rest on hover. ``origins`` (datelines, statement places) become one grey trace apart,
    hidden until picked in the legend: they are where reports come from, not where
    things happen."""
    scale = 26 / np.sqrt(max(places.n_mentions.max(), 1)) if len(places) else 1
    named = label_places(places, labels=labels)
    traces = [
        go.Scattergeo(
            lon=group.longitude,
            lat=group.latitude,
            mode="markers",
            name=type_label(actor_type),
            marker={
                "size": 8 + scale * np.sqrt(group.n_mentions),
                "opacity": 0.85,
                "color": type_color(actor_type),
                "symbol": [symbol(g) for g in group.geo_precision],
                "line": {"color": "white", "width": [line_width(g) for g in group.geo_precision]},
            },
            customdata=[["place", p] for p in group.place_id],
            hovertext=[
                hover_text(
                    f"<b>{r.label}</b>, {escape(r.country or '')}",
                    f"{r.n_mentions} mentions in {r.n_reports} reports · {_basis(r)}"
                    f"<br>{precision_note(r.geo_precision, r.direction)}",
                    r.example,
                )
                for r in group.itertuples()
            ],
            hoverinfo="text",
        )
        for actor_type, group in exact_first(places).groupby("actor_type", sort=False)
    ]
    shown = places.loc[sorted(named)] if named else places.iloc[:0]
    traces.append(
        go.Scattergeo(  # the names last, so that no marker covers them
            lon=shown.longitude,
            lat=shown.latitude,
            mode="text",
            text=shown.label.tolist(),
            textposition="top center",
            textfont={"size": 12, "color": "#222", "shadow": "auto"},
            hoverinfo="skip",
            showlegend=False,
            customdata=[["place", p] for p in shown.place_id],  # a name clicks as its place
            meta="labels",
        )
    )
    if origins is not None and len(origins):
        traces.append(
            go.Scattergeo(
                lon=origins.longitude,
                lat=origins.latitude,
                mode="markers",
                name="where reports come from (datelines, statements)",
                visible="legendonly",
                marker={"size": 7, "symbol": "square-open", "color": "#555"},
                customdata=[["place", p] for p in origins.place_id],
                hovertext=[
                    hover_text(
                        f"<b>{r.label}</b>, {escape(r.country or '')}",
                        f"where {r.n_reports} report(s) were filed or statements made",
                        r.example,
                    )
                    for r in origins.itertuples()
                ],
                hoverinfo="text",
            )
        )
    return traces


def label_places(
    places: pd.DataFrame, *, labels: int, width_px: float = 520, height_px: float = 420
) -> set[int]:
    """Index labels of the first ``labels`` places whose names, drawn above their markers
    on a map framed by :func:`geo_view` of at least ``width_px`` by ``height_px``, overlap
    no name kept before them (most mentioned first, :func:`~workbench.views.style.fit_labels`).

    Examples
    --------
    >>> p = pd.DataFrame({"longitude": [40.0, 40.01, 45.0], "latitude": [36.0, 36.0, 33.0],
    ...                   "label": ["Raqqa", "Tabqa", "Baghdad"], "n_mentions": [3, 2, 1]})
    >>> sorted(label_places(p, labels=3))
    [0, 2]
    """
    if not len(places):
        return set()
    lon_range, lat_range = _frame(places)
    scale = 26 / np.sqrt(max(places.n_mentions.max(), 1))
    kept = fit_labels(
        places.longitude.tolist(),
        places.latitude.tolist(),
        [str(t) for t in places.label],
        x_range=lon_range,
        y_range=lat_range,
        width_px=width_px,
        height_px=height_px,
        limit=labels,
        lift=((8 + scale * np.sqrt(places.n_mentions)) / 2).tolist(),
        keep_aspect=True,
    )
    return {places.index[i] for i in kept}


def _basis(place) -> str:
    """What a place's colour stands for, in words."""
    kind = type_label(place.actor_type)
    if place.basis == "events":
        return f"events here mostly by {kind} actors"
    if place.basis == "named with":
        return f"named mostly with {kind} actors"
    return "no actor named with it"


def _frame(places: pd.DataFrame) -> tuple[tuple[float, float], tuple[float, float]]:
    """Longitude and latitude ranges framing ``places`` with some room around them."""
    lon, lat = places.longitude, places.latitude
    pad = max(2.0, 0.15 * max(lon.max() - lon.min(), lat.max() - lat.min()))
    return (
        (max(lon.min() - pad, -180), min(lon.max() + pad, 180)),
        (max(lat.min() - pad, -85), min(lat.max() + pad, 85)),
    )


def geo_view(places: pd.DataFrame) -> dict:
    """``update_geos`` settings: plotly's own (online) layers off, framed on ``places``
    (a frame with ``longitude`` and ``latitude``) with some room around them."""
    layers = ("coastlines", "land", "ocean", "lakes", "rivers", "countries", "subunits")
    view = {f"show{layer}": False for layer in layers}
    view |= {
        "projection_type": "natural earth",
        "bgcolor": OCEAN_COLOR,
        "showframe": True,
        "framecolor": BORDER_COLOR,
    }
    if len(places):
        lon_range, lat_range = _frame(places)
        view |= {"lonaxis_range": list(lon_range), "lataxis_range": list(lat_range)}
    return view


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
