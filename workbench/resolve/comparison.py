"""ACLED's coding beside the workbench's: the same events matched, and what differs.

An analyst who has ACLED's data for a place and weeks (:func:`workbench.read.acled.
read_acled`) puts it beside the workbench's incidents: :func:`compare_codings` matches
the two by the incident rules (:mod:`workbench.resolve.incidents`: country, event type,
dates, places within a few kilometres or one admin area), actors compared by their
ACLED labels, and lists every match and every row either side has alone.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from workbench import schema
from workbench.resolve.incidents import build_incidents


def compare_codings(
    incidents: pd.DataFrame, acled: pd.DataFrame, *, places: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Match the workbench's ``incidents`` with ACLED's events (:func:`workbench.read.
    acled.read_acled`) by the incident rules, actors compared by ACLED label; return
    ``schema.COLUMNS["acled_comparison"]``: one row per match (``both``) and per row of
    either side alone (``workbench only``, ``ACLED only``), earliest first.

    ``places`` gives the workbench's coordinates and admin areas; ACLED's rows carry
    their own (``latitude``, ``longitude``, ``admin1``).

    Examples
    --------
    >>> ours = schema.conform([{"incident_id": "e1", "country": "Syria", "date": "2019-03-23",
    ...     "time_precision": 1, "event_type": "Battles", "acled_actor1": "SDF",
    ...     "location": "Baghuz", "place_id": "p"}], "incidents")
    >>> pl = schema.conform([{"place_id": "p", "latitude": 34.45, "longitude": 40.93}], "places")
    >>> theirs = pd.DataFrame({"event_id": ["SYR1", "SYR2"], "country": "Syria",
    ...     "date": pd.to_datetime(["2019-03-23", "2019-03-01"]), "time_precision": 1,
    ...     "event_type": "Battles", "acled_actor1": "SDF", "location": ["Baghuz", "Hajin"],
    ...     "latitude": [34.46, 34.7], "longitude": [40.92, 40.8]})
    >>> compare_codings(ours, theirs, places=pl).status.tolist()
    ['ACLED only', 'both']
    """
    from workbench.read.acled import acled_label

    sides = []
    pl = places if places is not None and len(places) else schema.empty("places")
    pl = pl.drop_duplicates("place_id").set_index("place_id")
    where = pl.reindex(incidents.place_id)
    for side, rows, ids, lat, lon, admin in (
        ("w", incidents, incidents.incident_id, where.latitude, where.longitude, where.admin1),
        ("a", acled, acled.event_id, acled.get("latitude"), acled.get("longitude"),
         acled.get("admin1")),
    ):  # fmt: skip
        n = len(rows)
        country = rows.country.map(_country_key)
        sides.append(
            pd.DataFrame(
                {
                    "event_id": (side + ":" + ids.astype(str)).to_numpy(),
                    "report_id": side,
                    "actor1_id": rows.acled_actor1.map(acled_label).to_numpy(),
                    "actor2_id": rows.get("acled_actor2", pd.Series([None] * n))
                    .map(acled_label)
                    .to_numpy(),
                    "event_type": rows.event_type.to_numpy(),
                    "country": country.to_numpy(),
                    "date": pd.to_datetime(rows.date).to_numpy(),
                    "time_precision": rows.time_precision.to_numpy(),
                    "geo_precision": rows.get("geo_precision", pd.Series([1] * n)).to_numpy(),
                    "place_id": [f"{side}:{i}" for i in range(n)],
                    "latitude": _floats(lat, n),
                    "longitude": _floats(lon, n),
                    "admin1_code": [
                        f"{c}:{a}".casefold() if isinstance(a, str) and a else None
                        for c, a in zip(country, _objects(admin, n), strict=True)
                    ],
                }
            )
        )
    both = pd.concat(sides, ignore_index=True)
    where = both.place_id.copy()
    # no point, or a region's with no admin area to compare: matched within the country
    regional = (both.geo_precision.fillna(1) >= 3) & both.admin1_code.isna()
    both["place_id"] = where.where(both.latitude.notna() & ~regional)
    both["geo_precision"] = both.geo_precision.fillna(1)
    both["actor1_id"] = both.actor1_id.replace("", None)
    both["actor2_id"] = both.actor2_id.replace("", None)
    spots = both[["place_id", "latitude", "longitude", "admin1_code"]].dropna(subset="place_id")
    spots = spots.assign(feature="city")
    groups_of = build_incidents(
        schema.conform(both, "events"), places=schema.conform(spots, "places")
    )
    info = {"w": incidents.reset_index(drop=True), "a": acled.reset_index(drop=True)}
    rows = []
    for ids in groups_of.event_ids:
        pick = {s: [int(e.split(":")[1]) for e in where[both.event_id.isin(ids)]
                    if e.startswith(s)] for s in "wa"}  # fmt: skip
        w, a = (info[s].iloc[pick[s]] for s in "wa")
        status = "both" if len(w) and len(a) else "workbench only" if len(w) else "ACLED only"
        rows.append(
            {
                "status": status,
                "incident_ids": list(w.get("incident_id", [])),
                "acled_ids": list(a.event_id.astype(str)) if len(a) else [],
                "country": _first(w if len(w) else a, "country"),
                "event_type": _first(w if len(w) else a, "event_type"),
                "date": (w if len(w) else a).date.min(),
                "acled_date": a.date.min() if len(a) else None,
                "location": _first(w, "location"),
                "acled_location": _first(a, "location"),
                "actor1": _first(w, "acled_actor1"),
                "acled_actor1": _first(a, "acled_actor1"),
                "fatalities": _first(w, "fatalities"),
                "acled_fatalities": a["fatalities"].sum(min_count=1)
                if len(a) and "fatalities" in a
                else None,
            }
        )
    out = schema.conform(rows, "acled_comparison")
    return out.sort_values(["date", "status"], kind="stable", ignore_index=True)


def _first(rows: pd.DataFrame, column: str):
    """The first value of ``column`` in ``rows`` (None for no rows or no such column)."""
    return rows[column].iloc[0] if len(rows) and column in rows else None


def _country_key(country: object) -> str | None:
    """One key per country however it is spelled ("DR Congo", "Democratic Republic of Congo")."""
    from workbench.lexicon.places import iso_code

    if not isinstance(country, str) or not country:
        return None
    return iso_code(country) or country


def _floats(values, n: int) -> np.ndarray:
    if values is None:
        return np.full(n, np.nan)
    return pd.to_numeric(pd.Series(values).reset_index(drop=True), errors="coerce").to_numpy(float)


def _objects(values, n: int) -> list:
    return [None] * n if values is None else list(values)
