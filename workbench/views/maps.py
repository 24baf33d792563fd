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
from workbench.views.style import escape, hover_text, type_color, type_label

__all__ = [
    "BORDER_COLOR",
    "LAND_COLOR",
    "OCEAN_COLOR",
    "WORLD_TOPOJSON",
    "basemap_traces",
    "geo_view",
    "place_traces",
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


def place_traces(places: pd.DataFrame, *, labels: int) -> list[go.Scattergeo]:
    """One trace of markers per main actor type: area by mentions, the ``labels`` first
    places (most mentioned, as ``counts.place_counts`` orders them) named on the map."""
    scale = 40 / np.sqrt(max(places.n_mentions.max(), 1)) if len(places) else 1
    return [
        go.Scattergeo(
            lon=group.longitude,
            lat=group.latitude,
            mode="markers+text",
            text=[lab if i < labels else "" for i, lab in group.label.items()],
            textposition="top center",
            name=type_label(actor_type),
            marker={
                "size": 8 + scale * np.sqrt(group.n_mentions),
                "opacity": 0.85,
                "color": type_color(actor_type),
                "line": {"color": "white", "width": 1},
            },
            customdata=[["place", p] for p in group.place_id],
            hovertext=[
                hover_text(
                    f"<b>{r.label}</b>, {escape(r.country or '')}",
                    f"{r.n_mentions} mentions in {r.n_reports} reports · mostly "
                    f"{type_label(r.actor_type)}",
                    r.example,
                )
                for r in group.itertuples()
            ],
            hoverinfo="text",
        )
        for actor_type, group in places.groupby("actor_type", sort=False)
    ]


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
        lon, lat = places.longitude, places.latitude
        pad = max(3.0, 0.3 * max(lon.max() - lon.min(), lat.max() - lat.min()))
        view |= {
            "lonaxis_range": [max(lon.min() - pad, -180), min(lon.max() + pad, 180)],
            "lataxis_range": [max(lat.min() - pad, -85), min(lat.max() + pad, 85)],
        }
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
