"""The scorer's records (one JSON object per report, as ``score_extraction.py`` reads) and
the one copy of its matching, used to score automatic tables against corrected ones."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pandas as pd

from workbench.resolve.events import scorer_events
from workbench.text import fold


def scorer_records(tables: dict[str, pd.DataFrame]) -> list[dict[str, Any]]:
    """One record per report in the format ``score_extraction.py`` reads (the
    ``workbench extract --format jsonl`` output)."""
    reports, mentions = tables["reports"], tables["mentions"]
    places = tables["places"].set_index("place_id")
    events = tables.get("events")
    out = []
    for report in reports.itertuples():
        m = mentions[mentions.report_id == report.report_id]
        ev = [] if events is None else scorer_events(events[events.report_id == report.report_id])
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
                "events": ev,
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


def score_records(gold: list[dict], predicted: list[dict]) -> pd.DataFrame:
    """Precision, recall and F1 of ``predicted`` against ``gold`` records (scorer format),
    for actors and locations, matched per file as ``score_extraction.py`` does.

    Examples
    --------
    >>> gold = [{"file": "a", "actors": [{"canonical": "SDF", "mentions": ["SDF"]}]}]
    >>> pred = [{"file": "a", "actors": [{"canonical": "sdf", "mentions": []},
    ...                                  {"canonical": "IS", "mentions": []}]}]
    >>> score_records(gold, pred).set_index("table").loc["actors", ["tp", "fp", "fn"]].tolist()
    [1, 1, 0]
    """
    by_file = {p["file"]: p for p in predicted}
    rows = []
    for table, key, name in (("actors", "actors", "canonical"), ("places", "locations", "name")):
        tp = fp = fn = 0
        for g in gold:
            g_items, p_items = g.get(key) or [], by_file.get(g["file"], {}).get(key) or []
            hits = _matches(g_items, p_items, name)
            tp, fp, fn = tp + hits, fp + len(p_items) - hits, fn + len(g_items) - hits
        p = tp / (tp + fp) if tp + fp else 0.0
        r = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * p * r / (p + r) if p + r else 0.0
        rows.append(
            {
                "table": table,
                "reports": len(gold),
                "tp": tp,
                "fp": fp,
                "fn": fn,
                "precision": p,
                "recall": r,
                "f1": f1,
            }
        )
    return pd.DataFrame(rows)


def _norm(text: Any) -> str:
    key = fold(str(text or ""))
    for article in ("the ", "al "):
        if key.startswith(article) and len(key) > len(article) + 2:
            key = key[len(article) :]
    return key


def _matches(gold: list[dict], pred: list[dict], name: str) -> int:
    """Greedy one-to-one matches by shared name or mention keys (as the scorer does)."""

    def keys(item: dict) -> set[str]:
        return {_norm(item.get(name)), *(_norm(m) for m in item.get("mentions") or [])} - {""}

    pairs = []
    for gi, g in enumerate(gold):
        for pi, p in enumerate(pred):
            shared = len(keys(g) & keys(p))
            if shared:
                pairs.append((_norm(g.get(name)) == _norm(p.get(name)), shared, gi, pi))
    used_g, used_p = set(), set()
    for _, _, gi, pi in sorted(pairs, reverse=True):
        if gi not in used_g and pi not in used_p:
            used_g.add(gi)
            used_p.add(pi)
    return len(used_g)
