"""The scorer's record format: one JSON object per report, as ``score_extraction.py`` reads."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pandas as pd


def scorer_records(tables: dict[str, pd.DataFrame]) -> list[dict[str, Any]]:
    """One record per report in the format ``score_extraction.py`` reads (the
    ``workbench extract --format jsonl`` output)."""
    reports, mentions = tables["reports"], tables["mentions"]
    places = tables["places"].set_index("place_id")
    out = []
    for report in reports.itertuples():
        m = mentions[mentions.report_id == report.report_id]
        actors = []
        for _, group in m[m.kind == "actor"].groupby("entity_id", sort=False):
            actors.append(
                {
                    "canonical": group.canonical.iloc[0],
                    "type": Counter(group.actor_type.dropna()).most_common(1)[0][0]
                    if group.actor_type.notna().any()
                    else "other",
                    "mentions": list(dict.fromkeys(group.text)),
                }
            )
        locations = []
        for pid, group in m[m.kind == "place"].groupby("entity_id", sort=False):
            country = places.country.get(pid) if pid in places.index else None
            locations.append(
                {
                    "name": group.canonical.iloc[0],
                    "country": country if isinstance(country, str) else None,
                    "mentions": list(dict.fromkeys(group.text)),
                }
            )
        published = report.published
        out.append(
            {
                "file": str(report.path).split("/")[-1],
                "actors": actors,
                "locations": locations,
                "events": [],
                "published": None if pd.isna(published) else published.strftime("%Y-%m-%d"),
                "dateline_place": report.dateline_place
                if isinstance(report.dateline_place, str)
                else None,
                "source_outlet": report.source_outlet
                if isinstance(report.source_outlet, str)
                else None,
            }
        )
    return out
