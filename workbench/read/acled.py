"""ACLED's own data read back, so an analyst can put ACLED's coding beside the workbench's.

:func:`read_acled` loads an ACLED export (a CSV from the export tool, or the API's JSON)
into the workbench's ``events`` columns (one row per ACLED event, which is one
incident), so every event chart draws it as it draws the workbench's events. Both column
sets ACLED has published load: the current 31 columns (``event_id_cnty`` ... ``tags``,
``timestamp``) and the classic one (with ``data_id``, ``event_id_no_cnty``, ``iso3``;
without ``disorder_type``, ``civilian_targeting`` and ``tags``). Inter codes may be
numbers or ACLED's words ("State forces"); columns the events table has no place for
(``latitude``, ``admin1``, ``source``, ``tags``, ...) are kept after its own, by their
ACLED names.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd

from workbench import schema
from workbench.errors import ReportError

#: ACLED's words for its inter codes (codebook), as the API writes them, folded.
INTER_WORDS = {
    "state forces": 1,
    "rebel group": 2,
    "rebel groups": 2,
    "political militia": 3,
    "political militias": 3,
    "identity militia": 4,
    "identity militias": 4,
    "rioters": 5,
    "protesters": 6,
    "civilians": 7,
    "external/other forces": 8,
    "external forces": 8,
    "other forces": 8,
    "": 0,
}
#: ACLED columns that become events columns under another name.
RENAMED = {"event_id_cnty": "event_id", "notes": "sentence", "event_date": "date"}
#: ACLED columns that hold numbers (the others stay text as written).
NUMBERS = ["year", "time_precision", "geo_precision", "latitude", "longitude", "iso"]
NUMBERS += ["timestamp", "data_id", "event_id_no_cnty"]
#: Columns every ACLED export has, in either column set.
REQUIRED = ("event_date", "event_type", "sub_event_type", "actor1", "country")


def read_acled(path: str | Path) -> pd.DataFrame:
    """Return the events of an ACLED export at ``path`` (``.csv``, ``.json``), in the
    ``events`` columns with ACLED's other columns after them.

    Raises :class:`~workbench.errors.ReportError` naming the file for a file that is not
    an ACLED export.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "acled.csv"
    >>> _ = path.write_text("data_id,event_id_cnty,event_date,year,event_type,sub_event_type,"
    ...     "actor1,inter1,actor2,inter2,interaction,country,iso3,location,latitude,"
    ...     "longitude,fatalities\\n1,SYR1,23 March 2019,2019,Battles,"
    ...     "Non-state actor overtakes territory,SDF,2,,0,20,Syria,SYR,Baghuz,34.4,40.9,0\\n")
    >>> ev = read_acled(path)
    >>> ev.event_id[0], str(ev.date[0].date()), ev.action[0], int(ev.inter1[0]), ev.iso3[0]
    ('SYR1', '2019-03-23', 'territory_taken', 2, 'SYR')
    """
    path = Path(path)
    raw = _load(path)
    missing = [c for c in REQUIRED if c not in raw.columns]
    if missing:
        raise ReportError(path, f"not an ACLED export: no {', '.join(missing)} column")
    raw = raw.rename(columns=str.lower)
    for col in raw.columns.intersection(NUMBERS):
        raw[col] = pd.to_numeric(raw[col], errors="coerce")
    out = raw.rename(columns=RENAMED)
    out["date"] = _dates(out["date"])
    for slot in ("1", "2"):
        out[f"inter{slot}"] = _inter(raw.get(f"inter{slot}"), len(raw))
        out[f"acled_actor{slot}"] = raw.get(f"actor{slot}")
    out["interaction"] = _interaction(raw.get("interaction"), out.inter1, out.inter2)
    kinds = _sub_event_kinds()
    sub = raw.sub_event_type.astype(str)
    out["action"] = sub.map(kinds.action).fillna("other")
    if "disorder_type" not in raw.columns:  # the classic column set: from the codebook
        out["disorder_type"] = sub.map(kinds.disorder_type)
    target = raw.get("civilian_targeting", pd.Series([""] * len(raw)))
    out["civilian_targeting"] = target.fillna("").astype(str).str.strip().ne("")
    out["fatalities"] = pd.to_numeric(raw.get("fatalities"), errors="coerce").astype("Int64")
    out["actor"], out["target"] = raw.get("actor1"), raw.get("actor2")
    out["confidence"] = 1.0
    events = schema.conform(out, "events")
    extra = [c for c in out.columns if c not in events.columns]
    return pd.concat([events, out[extra].reset_index(drop=True)], axis=1)


def _load(path: Path) -> pd.DataFrame:
    try:
        if path.suffix.lower() == ".json":
            data = json.loads(path.read_text(encoding="utf-8"))
            records = data.get("data", data) if isinstance(data, dict) else data
            if not isinstance(records, list):
                raise ReportError(path, "an ACLED JSON file holds a list of events under 'data'")
            return pd.DataFrame.from_records(records)
        return pd.read_csv(path, dtype=str, keep_default_na=False)
    except (OSError, UnicodeDecodeError, json.JSONDecodeError, pd.errors.ParserError) as exc:
        raise ReportError(path, f"cannot read an ACLED export ({type(exc).__name__})") from None


def _dates(values: pd.Series) -> pd.Series:
    """ACLED's dates: YYYY-MM-DD (current) or "23 March 2019" (classic)."""
    text = values.astype(str).str.strip()
    iso = pd.to_datetime(text, format="%Y-%m-%d", errors="coerce")
    spelled = pd.to_datetime(text, format="%d %B %Y", errors="coerce")
    return iso.fillna(spelled)


def _inter(values: pd.Series | None, n: int) -> pd.Series:
    """Inter codes as numbers, from numbers or ACLED's words; 0 and blank are no actor."""
    if values is None:
        return pd.Series([pd.NA] * n, dtype="Int64")
    text = values.fillna("").astype(str).str.strip()
    numbers = pd.to_numeric(text, errors="coerce")
    words = text.str.casefold().map(INTER_WORDS)
    codes = numbers.fillna(words).astype("Int64")
    return codes.mask(codes == 0)


def _interaction(values: pd.Series | None, inter1: pd.Series, inter2: pd.Series) -> pd.Series:
    """ACLED's interaction number as given, else recoded from the inter codes (lower first,
    ``x0`` for one actor alone) when the export writes it as words."""
    given = pd.to_numeric(values, errors="coerce") if values is not None else None
    low = pd.concat([inter1, inter2.fillna(inter1)], axis=1).min(axis=1)
    high = pd.concat([inter1, inter2], axis=1).max(axis=1)
    coded = (low * 10 + high.where(inter2.notna(), 0)).astype("Int64")
    return coded if given is None else given.astype("Int64").fillna(coded)


def _sub_event_kinds() -> pd.DataFrame:
    from workbench.lexicon.events import load_sub_event_types

    return load_sub_event_types().set_index("sub_event_type")


def acled_label(label: object) -> str:
    """An ACLED actor label without its period ("Military Forces of Iraq (2014-)" ->
    "military forces of iraq"), folded: what the workbench's label and ACLED's share.

    Examples
    --------
    >>> acled_label("Military Forces of Iraq (2014-)"), acled_label(None)
    ('military forces of iraq', '')
    """
    if not isinstance(label, str):
        return ""
    return re.sub(r"\s*\((\d{4})-(\d{4})?\)\s*$", "", label).strip().casefold()
