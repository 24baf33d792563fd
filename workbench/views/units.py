"""What an event chart counts: events (one per report that tells one) or incidents (one
per happening, however many reports tell it), and how its marks say which events they
stand for. Shared by :mod:`~workbench.views.event_charts` and
:mod:`~workbench.views.event_map`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

import pandas as pd
import plotly.graph_objects as go

from workbench import schema
from workbench.resolve.incidents import incident_rows
from workbench.views.style import escape, style_figure

Tables = Mapping[str, pd.DataFrame]

#: What the charts count (``unit``): incidents, one per happening however many reports
#: tell it (the default, where the tables have ``incidents``), or events, one per report.
UNITS = ("incident", "event")


def event_rows(tables: Tables, unit: str = "event") -> pd.DataFrame:
    """The events table (an empty one when the tables have none); for ``unit``
    "incident", with an ``incidents`` table, one row per incident instead
    (:func:`~workbench.resolve.incidents.incident_rows`: its event ids joined by "|")."""
    if unit not in UNITS:
        raise ValueError(f"unit {unit!r} is not one of {', '.join(UNITS)}")
    events = tables.get("events")
    events = schema.empty("events") if events is None else events
    incidents = tables.get("incidents")
    if unit == "incident" and incidents is not None and len(incidents) and len(events):
        rows = incident_rows(events, incidents)
        rows.attrs["unit"] = "incident"
        return rows
    return events


def click(ids: str) -> list[str]:
    """The ``customdata`` of a mark standing for the events ``ids`` (joined by "|")."""
    return ["events", ids]


def titled(fig: go.Figure, title: str, subtitle: str, counted: pd.DataFrame | None = None) -> None:
    """House look, a title and, under it, what the chart counts and leaves out (in
    incidents when ``counted`` is one row per incident)."""
    if counted is not None and counted.attrs.get("unit") == "incident":
        subtitle = re.sub(r"\bevents\b", "incidents", subtitle)
    style_figure(fig, title=title)
    fig.update_layout(title_subtitle_text=escape(subtitle), margin_t=80)
