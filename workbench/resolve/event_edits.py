"""Event corrections: edit, reject and add events, and keep events in step with actors.

An event is named by its ``event_id`` (stable across re-runs: a hash of its report,
sentence, trigger and argument offsets; ``user:…`` for one an analyst added). Entries
written before events had ids name one by ``(report_id, sentence_id, actor, action)``
and still replay. Every edit recodes what ACLED derives from the edited fields (inter
codes, interaction, event and disorder type, civilian targeting), so a corrected event
reads as if the coder had written it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from workbench import schema
from workbench.lexicon.events import load_sub_event_types
from workbench.resolve import events as coding
from workbench.resolve.edits import Replay, Stale, as_mask, find, ref_of
from workbench.text import fold

#: Fields an event correction may set, and the older names entries may use for them.
EVENT_FIELDS = (
    "actor1",
    "actor2",
    "action",
    "sub_event_type",
    "place",
    "date",
    "time_precision",
    "fatalities",
    "claimed",
)
OLD_NAMES = {"actor": "actor1", "target": "actor2", "location": "place"}


def _event_rows(replay: Replay, p: dict) -> pd.Series:
    """The rows an entry names: by ``event_id``, else by the legacy key."""
    e = replay.tables["events"]
    if p.get("event_id"):
        mask = as_mask(e.event_id == p["event_id"])
        what = f"event {p['event_id']}"
    else:
        mask = (
            as_mask(e.report_id == p["report_id"])
            & as_mask(e.sentence_id == int(p["sentence_id"]))
            & as_mask(e.actor == p["actor"])
            & as_mask(e.action == p["action"])
        )
        what = f"event {p['actor']} {p['action']} in {p['report_id']}:{p['sentence_id']}"
    if not mask.any():
        raise Stale(f"no {what}")
    replay.touched.update(e.report_id[mask].astype(str))
    return mask


def _edit_event(replay: Replay, p: dict) -> None:
    mask = _event_rows(replay, p)
    _pin(replay, p["changes"])
    changes = {OLD_NAMES.get(k, k): v for k, v in p["changes"].items()}
    events = replay.tables["events"]
    rows = events.to_dict("records")
    for i in [i for i, hit in enumerate(mask.to_numpy()) if hit]:
        rows[i] = _changed(replay, rows[i], changes)
    replay.tables["events"] = schema.conform(rows, "events")


def _reject_event(replay: Replay, p: dict) -> None:
    mask = _event_rows(replay, p)
    replay.tables["events"] = replay.tables["events"][~mask].reset_index(drop=True)


def _add_event(replay: Replay, p: dict) -> None:
    events, mentions = replay.tables["events"], replay.tables["mentions"]
    if (events.event_id == p["event_id"]).any():
        raise Stale(f"event {p['event_id']} is already there")
    if not (mentions.report_id == p["report_id"]).any():
        raise Stale(f"report {p['report_id']} is no longer in the store")
    same = mentions[
        as_mask(mentions.report_id == p["report_id"])
        & as_mask(mentions.sentence_id == int(p["sentence_id"]))
    ]
    row: dict[str, Any] = {c: None for c in schema.COLUMNS["events"]}
    row.update(
        event_id=p["event_id"],
        report_id=p["report_id"],
        sentence_id=int(p["sentence_id"]),
        sent_start=p.get("sent_start"),
        sent_end=p.get("sent_end"),
        sentence=p.get("sentence"),
        trigger=p.get("trigger"),
        country=_report_country(replay, p["report_id"]),
        claimed=False,
        confidence=1.0,
    )
    if row["sent_start"] is None and len(same):
        row.update(sent_start=same.sent_start.iloc[0], sent_end=same.sent_end.iloc[0])
    _pin(replay, p)
    fields = {k: p[k] for k in EVENT_FIELDS if k in p}
    if "sub_event_type" not in fields:
        fields["sub_event_type"] = _sub_event_for(fields["action"], None)
    if "date" in fields and "time_precision" not in fields:
        fields["time_precision"] = 1
    row = _changed(replay, row, fields)
    replay.tables["events"] = pd.concat([events, schema.conform([row], "events")]).reset_index(
        drop=True
    )
    replay.touched.add(str(p["report_id"]))


def _pin(replay: Replay, fields: dict) -> None:
    """Name the actors and place an entry sets by ``{id, name}`` (what the ledger keeps),
    so the entry still lands after the actor is renamed."""
    for key, table in (("actor1", "actors"), ("actor2", "actors"), ("place", "places")):
        ref = fields.get(key)
        row = find(replay, table, ref) if ref not in (None, "") else None
        if row is not None:
            fields[key] = ref_of(replay, table, row)


def _changed(replay: Replay, row: dict, changes: Mapping[str, Any]) -> dict:
    """``row`` with ``changes`` made and everything derived from them recoded."""
    row = dict(row)
    country = _text(row.get("country"))
    for slot in (1, 2):
        ref = changes.get(f"actor{slot}", "unchanged")
        if ref == "unchanged" and isinstance(row.get(f"actor{slot}_id"), str):
            if not pd.isna(row.get(f"inter{slot}")):
                continue
            ref = {"id": row[f"actor{slot}_id"], "name": row.get(f"actor{slot}")}
        if ref != "unchanged":
            row.update(coding.actor_columns(_actor(replay, ref), slot, country))
    if changes.get("sub_event_type"):
        action = changes.get("action")
        row.update(coding.sub_event_columns(changes["sub_event_type"]))
        if action:
            row["action"] = action
    elif changes.get("action"):
        sub = _sub_event_for(changes["action"], _text(row.get("sub_event_type")))
        row.update(coding.sub_event_columns(sub))
        row["action"] = changes["action"]
    if "place" in changes:
        row.update(_place(replay, changes["place"], country))
    if "date" in changes:
        date = changes["date"]
        row["date"] = pd.Timestamp(date) if date else None
        if date and "time_precision" not in changes:
            row["time_precision"] = 1
    for name in ("time_precision", "fatalities", "claimed"):
        if name in changes:
            row[name] = changes[name]
    row.update(coding.interaction_columns(row))
    row["confidence"] = 1.0  # an analyst's word
    return row


def _actor(replay: Replay, ref: Any) -> dict | None:
    """An event actor from a name or id: the corpus's actors, then the gazetteer's
    classes ("civilians"), else a user-named actor (id ``user:<folded name>``)."""
    if ref is None or ref == "":
        return None
    row = find(replay, "actors", ref)
    if row is not None:
        a = replay.tables["actors"].loc[row]
        return {"entity_id": a.actor_id, "canonical": a.canonical, "actor_type": a.actor_type}
    name = ref.get("name") if isinstance(ref, Mapping) else str(ref)
    known = coding.event_actor(str(name))
    if known is not None:
        return known
    return {
        "entity_id": "user:" + fold(name).replace(" ", "-"),
        "canonical": name,
        "actor_type": None,
    }


def _place(replay: Replay, ref: Any, country: str | None) -> dict:
    if ref is None or ref == "":
        return {"location": None, "place_id": None, "geo_precision": 3 if country else None}
    row = find(replay, "places", ref)
    if row is None:  # a place the corpus does not hold: named, not located
        name = ref.get("name") if isinstance(ref, Mapping) else str(ref)
        return {"location": name, "place_id": None, "geo_precision": None}
    place = replay.tables["places"].loc[row]
    return {
        "location": place["name"],
        "place_id": place.place_id,
        "country": _text(place.get("country")) or country,
        "geo_precision": place.get("geo_precision"),
    }


def _sub_event_for(action: str, current: str | None) -> str:
    """The sub-event type for a new action: the current one if it is of that family,
    else the codebook's first of the family (an analyst who needs another names it)."""
    kinds = load_sub_event_types()
    family = kinds.sub_event_type[kinds.action == action].tolist()
    if current in family or (not family and current):
        return current
    return _GENERIC.get(action) or (family[0] if family else "Other")


#: The codebook's general sub-event type of each action family with several.
_GENERIC = {
    "battle": "Armed clash",
    "territory_taken": "Non-state actor overtakes territory",
    "attack_on_civilians": "Attack",
    "protest": "Peaceful protest",
    "riot": "Violent demonstration",
    "other": "Other",
}


def _report_country(replay: Replay, report_id: str) -> str | None:
    """The country most events of a report are in: an added event's default."""
    events = replay.tables["events"]
    countries = events.country[as_mask(events.report_id == report_id)].dropna()
    return countries.mode().iloc[0] if len(countries) else None


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


APPLY = {"edit_event": _edit_event, "reject_event": _reject_event, "add_event": _add_event}
