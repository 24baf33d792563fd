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
    ``workbench extract --format jsonl`` output).

    The tables are read once, column by column, and each report's actors, places and
    events picked from what was gathered: selecting each report's rows from the whole
    mentions table made a corpus cost the square of its size.

    Examples
    --------
    >>> import pandas as pd
    >>> reports = pd.DataFrame({"report_id": ["r1"], "path": ["in/a.txt"],
    ...     "published": [pd.Timestamp("2024-01-05")], "dateline_place": [None],
    ...     "source_outlet": ["Wire Desk"]})
    >>> mentions = pd.DataFrame({"report_id": ["r1", "r1", "r1"],
    ...     "kind": ["actor", "actor", "place"], "entity_id": ["sdf", "sdf", "p1"],
    ...     "canonical": ["SDF", "SDF", "Raqqa"], "actor_type": ["rebel_group", None, None],
    ...     "text": ["SDF", "Syrian Democratic Forces", "Raqqa"]})
    >>> places = pd.DataFrame({"place_id": ["p1"], "country": ["Syria"]})
    >>> record = scorer_records({"reports": reports, "mentions": mentions, "places": places})[0]
    >>> record["file"], record["actors"][0]["mentions"], record["locations"][0]["country"]
    ('a.txt', ['SDF', 'Syrian Democratic Forces'], 'Syria')
    """
    reports, mentions = tables["reports"], tables["mentions"]
    country_of = _countries(tables["places"])
    entities = _entities_by_report(mentions)
    events = tables.get("events")
    events_of: dict[Any, list[dict]] = {}
    if events is not None:
        for report_id, event in zip(events.report_id, scorer_events(events), strict=True):
            events_of.setdefault(report_id, []).append(event)
    out = []
    for report in reports.itertuples():
        found = entities.get(report.report_id, {})
        actors = []
        for group in found.get("actor", {}).values():
            types = Counter(t for t in group["types"] if not pd.isna(t))
            actors.append(
                {
                    "canonical": group["canonical"],
                    "type": types.most_common(1)[0][0] if types else "other",
                    "mentions": list(dict.fromkeys(group["texts"])),
                }
            )
        locations = []
        for place_id, group in found.get("place", {}).items():
            locations.append(
                {
                    "name": group["canonical"],
                    "country": country_of.get(place_id),
                    "mentions": list(dict.fromkeys(group["texts"])),
                }
            )
        published = report.published
        out.append(
            {
                "file": str(report.path).split("/")[-1],
                "actors": actors,
                "locations": locations,
                "events": [] if events is None else events_of.get(report.report_id, []),
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


def _entities_by_report(mentions: pd.DataFrame) -> dict[Any, dict[str, dict[Any, dict]]]:
    """``report_id -> kind -> entity_id -> {canonical, types, texts}`` for the actor and
    place mentions, in one pass; entities and their texts in the order they occur (as a
    ``groupby(sort=False)`` gives them; mentions with no ``entity_id`` are left out)."""
    out: dict[Any, dict[str, dict[Any, dict]]] = {}
    columns = (mentions[c].tolist() for c in ("report_id", "kind", "entity_id", "canonical"))
    rows = zip(*columns, mentions.actor_type.tolist(), mentions.text.tolist(), strict=True)
    for report_id, kind, entity_id, canonical, actor_type, text in rows:
        if kind not in ("actor", "place") or pd.isna(entity_id):
            continue
        by_kind = out.setdefault(report_id, {}).setdefault(kind, {})
        group = by_kind.get(entity_id)
        if group is None:
            group = by_kind[entity_id] = {"canonical": canonical, "types": [], "texts": []}
        group["types"].append(actor_type)
        group["texts"].append(text)
    return out


def _countries(places: pd.DataFrame) -> dict[Any, str]:
    """``place_id -> country`` for the places with one row and a country name."""
    ids = places.place_id.tolist()
    seen = Counter(ids)
    return {
        pid: country
        for pid, country in zip(ids, places.country.tolist(), strict=True)
        if isinstance(country, str) and seen[pid] == 1
    }


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
