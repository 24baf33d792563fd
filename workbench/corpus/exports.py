"""Exports an analyst can load elsewhere: ACLED's spreadsheet, and every table as files.

Analysts move data on: into ACLED-shaped spreadsheets, R or pandas scripts, QGIS,
DuckDB, a colleague's notebook. :func:`acled_table` writes the incidents (one row per
incident, not per report) in ACLED's 31 columns and order, coded as ACLED codes them;
:func:`write_tables` writes every table as CSV, Parquet or JSON lines. Both read the
corrected tables (``Store.tables()``), so every correction reaches them.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd

from workbench import config, schema
from workbench.corpus.outputs import write_atomic
from workbench.errors import WorkbenchError

#: ACLED's export columns, in ACLED's order (the current, 31-column set).
ACLED_COLUMNS = (
    "event_id_cnty",
    "event_date",
    "year",
    "time_precision",
    "disorder_type",
    "event_type",
    "sub_event_type",
    "actor1",
    "assoc_actor_1",
    "inter1",
    "actor2",
    "assoc_actor_2",
    "inter2",
    "interaction",
    "civilian_targeting",
    "iso",
    "region",
    "country",
    "admin1",
    "admin2",
    "admin3",
    "location",
    "latitude",
    "longitude",
    "geo_precision",
    "source",
    "source_scale",
    "notes",
    "fatalities",
    "tags",
    "timestamp",
)
#: Integer columns of :data:`ACLED_COLUMNS` (ACLED writes them as plain numbers).
ACLED_INTEGERS = (
    "year",
    "time_precision",
    "inter1",
    "inter2",
    "interaction",
    "iso",
    "geo_precision",
    "fatalities",
    "timestamp",
)
#: ``tags`` of an incident whose reports give no death toll (written 0, as ACLED does).
NO_FATALITIES = "fatalities not reported"
#: ACLED's region and numeric ISO code per country (a data file with its source).
REGIONS_FILE = config.DATA_DIR / "acled_regions.csv"
#: Table formats :func:`write_tables` writes.
FORMATS = ("csv", "parquet", "jsonl")


def export(
    tables: Mapping[str, pd.DataFrame],
    out: str | Path | None = None,
    *,
    acled: str | Path | None = None,
    format: str = "csv",
) -> list[Path]:
    """Write every table to folder ``out`` in ``format`` and/or the ACLED sheet to
    ``acled``; return the files written. What ``Store.export`` and ``workbench export`` do."""
    if out is None and acled is None:
        raise WorkbenchError("export: give a folder (out) for the tables, an ACLED file, or both")
    written = write_tables(tables, out, format=format) if out is not None else []
    if acled is not None:
        path = Path(acled)
        write_atomic(path, acled_table(tables).to_csv(index=False))
        written.append(path)
    return written


def acled_table(tables: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    """The incidents as ACLED codes events: :data:`ACLED_COLUMNS`, one row per incident.

    ``event_date`` is YYYY-MM-DD; ``inter1``/``inter2``/``interaction`` are ACLED's
    numbers (``inter2`` 0 with no second actor); ``iso`` is the numeric ISO code and
    ``region`` ACLED's (``data/acled_regions.csv``); ``source`` the outlets of the
    incident's reports (a report's file name where its outlet is unknown); ``notes``
    the incident's best sentence; an unknown death toll is 0 with :data:`NO_FATALITIES`
    in ``tags`` (and reports that disagree are tagged with their range). The id
    (``event_id_cnty``, the country's ISO alpha-3 and a number) is a hash of the
    incident's id, so it is the same on every run; ``timestamp`` is the newest report's
    publication (Unix seconds), so the file is too.

    Examples
    --------
    >>> inc = schema.conform([{"incident_id": "e1", "report_ids": ["r1"], "country": "Syria",
    ...     "date": "2019-03-23", "time_precision": 1, "actor1": "SDF", "inter1": 2,
    ...     "interaction": 20, "event_type": "Battles", "sentence": "SDF took Baghuz."}],
    ...     "incidents")
    >>> rep = schema.conform([{"report_id": "r1", "path": "seeds/a.txt"}], "reports")
    >>> row = acled_table({"incidents": inc, "reports": rep}).iloc[0]
    >>> row.event_date, int(row.iso), row.region, row.source, int(row.fatalities), row.tags
    ('2019-03-23', 760, 'Middle East', 'a.txt', 0, 'fatalities not reported')
    """
    inc = tables.get("incidents", schema.empty("incidents"))
    if inc.empty:
        return pd.DataFrame({c: pd.Series(dtype=_acled_dtype(c)) for c in ACLED_COLUMNS})
    inc = inc.reset_index(drop=True)
    places = tables.get("places", schema.empty("places")).drop_duplicates("place_id")
    place = places.set_index("place_id").reindex(inc.place_id).reset_index(drop=True)
    code = inc.country.map(lambda c: _iso2(c) if isinstance(c, str) else None).fillna("")
    region = _regions().reindex(code.to_numpy()).reset_index(drop=True)
    country_point = places.set_index("place_id").reindex("country:" + code)
    country_point = country_point.reset_index(drop=True)
    date = pd.to_datetime(inc.date, errors="coerce")
    fatal = inc.fatalities.astype("Int64")
    out = pd.DataFrame(
        {
            "event_id_cnty": [
                _acled_id(i, c) for i, c in zip(inc.incident_id, region.iso3, strict=True)
            ],
            "event_date": date.dt.strftime("%Y-%m-%d").fillna(""),
            "year": date.dt.year.astype("Int64"),
            "time_precision": inc.time_precision,
            "disorder_type": inc.disorder_type,
            "event_type": inc.event_type,
            "sub_event_type": inc.sub_event_type,
            "actor1": inc.acled_actor1.fillna(inc.actor1),
            "assoc_actor_1": inc.assoc_actor_1,
            "inter1": inc.inter1.fillna(0),
            "actor2": inc.acled_actor2.fillna(inc.actor2),
            "assoc_actor_2": inc.assoc_actor_2,
            "inter2": inc.inter2.fillna(0),
            "interaction": inc.interaction.fillna(0),
            "civilian_targeting": np.where(inc.civilian_targeting, "Civilian targeting", ""),
            "iso": region.iso_numeric.astype("Int64"),
            "region": region.region,
            "country": region.country.fillna(inc.country),
            "admin1": _admin1(place),
            "admin2": "",
            "admin3": "",
            "location": inc.location.fillna(inc.country),
            "latitude": place.latitude.fillna(country_point.latitude),
            "longitude": place.longitude.fillna(country_point.longitude),
            "geo_precision": inc.geo_precision.mask(place.latitude.isna(), 3),
            "source": _sources(inc, tables.get("reports", schema.empty("reports"))),
            "source_scale": "",
            "notes": inc.sentence.fillna("").map(lambda s: re.sub(r"\s+", " ", s).strip()),
            "fatalities": fatal.fillna(0),
            "tags": _tags(inc, date),
            "timestamp": _timestamps(inc, tables.get("reports", schema.empty("reports")), date),
        }
    )
    out = out.sort_values(["event_date", "event_id_cnty"], kind="stable", ignore_index=True)
    return out.astype({c: _acled_dtype(c) for c in ACLED_COLUMNS})


def write_tables(
    tables: Mapping[str, pd.DataFrame], folder: str | Path, *, format: str = "csv"
) -> list[Path]:
    """Write each table to ``folder/<name>.<format>``; return the paths.

    CSV joins a list cell with ``"|"`` (as the data files do) and writes a mapping as
    JSON; Parquet keeps lists as lists; JSON lines write one record per row, dates ISO.

    Examples
    --------
    >>> import tempfile
    >>> t = {"actors": schema.conform([{"actor_id": "sdf", "aliases": ["SDF", "QSD"]}],
    ...                               "actors")}
    >>> path = write_tables(t, tempfile.mkdtemp())[0]
    >>> pd.read_csv(path).aliases.tolist()
    ['SDF|QSD']
    """
    if format not in FORMATS:
        raise WorkbenchError(f"export: format {format!r} is not one of {', '.join(FORMATS)}")
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, table in tables.items():
        path = folder / f"{name}.{format}"
        if format == "parquet":
            table.to_parquet(path, index=False)
        elif format == "jsonl":
            text = (
                table.to_json(orient="records", lines=True, date_format="iso") if len(table) else ""
            )
            write_atomic(path, text)
        else:
            write_atomic(path, _flat(table).to_csv(index=False))
        written.append(path)
    return written


def _flat(table: pd.DataFrame) -> pd.DataFrame:
    """List cells joined by ``"|"``, mappings as JSON: what a CSV cell can hold."""
    out = table.copy(deep=False)
    for col in out.columns:
        if out[col].dtype == object:
            sample = out[col].dropna()
            if len(sample) and isinstance(sample.iloc[0], (list, tuple, dict)):
                out[col] = out[col].map(_cell)
    return out


def _cell(value):
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, default=str)
    if isinstance(value, (list, tuple)):
        if any(isinstance(v, dict) for v in value):
            return json.dumps(list(value), ensure_ascii=False, default=str)
        return "|".join(map(str, value))
    return value


def _acled_dtype(column: str) -> str:
    if column in ACLED_INTEGERS:
        return "Int64"
    return "float64" if column in ("latitude", "longitude") else "str"


@cache
def _regions() -> pd.DataFrame:
    """``data/acled_regions.csv`` by ISO alpha-2 code."""
    table = pd.read_csv(REGIONS_FILE, comment="#", dtype=str, keep_default_na=False)
    table["iso_numeric"] = table.iso_numeric.astype(int)
    return table.set_index("country_code")


def _iso2(country: str) -> str | None:
    from workbench.lexicon.places import iso_code

    return iso_code(country)


def _acled_id(incident_id: str, iso3) -> str:
    """ACLED-shaped id: the country's alpha-3 and a number from the incident id's hash."""
    digest = hashlib.sha1(str(incident_id).encode()).hexdigest()
    prefix = iso3 if isinstance(iso3, str) and iso3 else "XXX"
    return f"{prefix}{int(digest[:12], 16) % 10**9:09d}"


def _admin1(place: pd.DataFrame) -> pd.Series:
    """The place's first-level division; a division's own name when it is one."""
    own = place.name.where(place.feature == "admin1")
    return place.admin1.fillna(own).fillna("")


def _sources(inc: pd.DataFrame, reports: pd.DataFrame) -> list[str]:
    outlet = {
        r.report_id: r.source_outlet
        if isinstance(r.source_outlet, str) and r.source_outlet
        else Path(str(r.path).split("#")[0]).name
        for r in reports.itertuples()
    }
    return ["; ".join(sorted({outlet.get(r, r) for r in ids})) for ids in inc.report_ids]


def _tags(inc: pd.DataFrame, dates: pd.Series) -> list[str]:
    """ACLED's free-text tags ("; "-separated): what the row's numbers do not say."""
    tags = []
    for low, high, n, date in zip(
        inc.fatalities_min, inc.fatalities_max, inc.report_ids.map(len), dates, strict=True
    ):
        parts = [NO_FATALITIES] if pd.isna(low) else []
        if not pd.isna(low) and low != high:
            parts.append(f"reports give {low}-{high} fatalities: the lowest is coded")
        if pd.isna(date):
            parts.append("date not reported")
        if n > 1:
            parts.append(f"{n} reports")
        tags.append("; ".join(parts))
    return tags


def _timestamps(inc: pd.DataFrame, reports: pd.DataFrame, dates: pd.Series) -> pd.Series:
    """The newest publication among each incident's reports (else its date), Unix seconds."""
    published = pd.to_datetime(reports.set_index("report_id").published, errors="coerce")
    newest = inc.report_ids.map(lambda ids: published.reindex(ids).max())
    when = pd.to_datetime(newest, errors="coerce").fillna(dates)
    seconds = (when - pd.Timestamp("1970-01-01")) // pd.Timedelta(seconds=1)
    return seconds.astype("Int64")
