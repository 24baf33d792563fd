"""The map of events (:func:`events_map`): one marker per place, area by events, colour by
event type, a ring where no event is placed closer than near the town.

Offline, on :mod:`~workbench.views.maps`' basemap; every marker carries its event ids
(``customdata`` ``["events", "id1|id2"]``), as every event chart's marks do.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from workbench import schema
from workbench.views import maps
from workbench.views.style import EVENT_TYPE_COLORS, empty_figure, escape, new_figure, shorten
from workbench.views.units import Tables, click, event_rows, titled

__all__ = ["events_map"]


def events_map(tables: Tables, *, labels: int = 8, unit: str = "incident") -> go.Figure:
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
    ev = event_rows(tables, unit)
    places = tables.get("places", schema.empty("places"))
    located = places[places.resolved & places.latitude.notna() & places.longitude.notna()]
    located = located.drop_duplicates("place_id")[
        ["place_id", "name", "country", "feature", "latitude", "longitude", "direction"]
    ]
    ev = ev if "geo_precision" in ev else ev.assign(geo_precision=pd.NA)
    placed = ev[["event_id", "place_id", "event_type", "sub_event_type", "geo_precision"]].merge(
        located, on="place_id"
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
        geo=("geo_precision", "min"),
        **{
            c: (c, "first")
            for c in ("name", "country", "feature", "latitude", "longitude", "direction")
        },
    )
    per = per.sort_values(["n", "name"], ascending=[False, True], kind="stable").reset_index()
    fig = new_figure(*maps.basemap_traces(), *_place_traces(per, labels=labels))
    fig.update_geos(maps.geo_view(per))
    note = f"{len(placed)} events at {len(per)} places"
    if not per.geo.map(maps.symbol).eq("circle").all():
        note += "; rings: placed only near a town or at a province"
    note += f"; {unplaced} events without map coordinates not shown" if unplaced else ""
    titled(fig, title, note, ev)
    fig.update_layout(
        height=560,
        margin={"l": 10, "r": 10, "t": 80, "b": 10},
        legend_title_text="event type (most events)",
    )
    return fig


def _place_traces(per: pd.DataFrame, *, labels: int) -> list[go.Scattergeo]:
    """One trace of place markers per main event type, area by events; of the ``labels``
    first places (the busiest), those whose names do not overlap are named."""
    scale = min(8.0, 40 / np.sqrt(max(per.n.max(), 1)))  # a lone event stays a small dot
    short = per.assign(label=per.name.map(lambda n: shorten(n, 20)), n_mentions=per.n)
    named = maps.label_places(short, labels=labels)  # only names that do not overlap
    return [
        go.Scattergeo(
            lon=group.longitude,
            lat=group.latitude,
            mode="markers+text",
            text=[
                escape(shorten(name, 20)) if i in named else "" for i, name in group.name.items()
            ],
            textposition="top center",
            name=escape(event_type),
            marker={
                "size": 8 + scale * np.sqrt(group.n),
                "opacity": 0.85,
                "color": EVENT_TYPE_COLORS.get(event_type, "#7f7f7f"),
                # a ring where no event is placed closer than near the town or the province
                "symbol": [maps.symbol(g) for g in group.geo],
                "line": {"color": "white", "width": [maps.line_width(g) for g in group.geo]},
            },
            customdata=[click(i) for i in group.ids],
            hovertext=[
                f"<b>{escape(r.name)}</b>, {escape(r.country or '')} · {escape(r.feature or '')}"
                f"<br>{r.n} events: {escape(r.subs)}<br>{maps.precision_note(r.geo, r.direction)}"
                for r in group.itertuples()
            ],
            hoverinfo="text",
        )
        for event_type, group in maps.exact_first(per, "geo").groupby("main", sort=False)
    ]
