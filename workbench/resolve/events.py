"""Resolve raw event rows into the ``events`` table: actor and place ids, ACLED's terms.

The tagger (``workbench.nlp.events``) read each event off one sentence and points at
its actor, target, place and date mentions by offsets. Here, with the corpus resolved,
each of those becomes an id and a name, and the choices that depend on who the actors
are get made, as ACLED's codebook makes them:

- territory taken by state forces at home (inter 1) is "Government regains territory",
  by anyone else "Non-state actor overtakes territory";
- violence against civilians is "Attack" (Violence against civilians); by state forces
  against protesters "Excessive force against protesters"; dispersal or arrests of
  protesters "Protest with intervention", with the protesters as actor 1;
- destruction aimed at property is "Looting/property destruction"; bombing by a
  non-state actor is "Remote explosive/landmine/IED";
- demonstrations have the class actors (Protesters, Rioters) as actor 1, with whoever
  the text names as the associated actor.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache

import pandas as pd

from workbench import schema
from workbench.lexicon.events import load_event_inter, load_sub_event_types
from workbench.lexicon.gazetteer import per_gazetteer
from workbench.resolve.geocoding import mention_precision
from workbench.text import fold

#: Sub-event types that become "Attack" when their target is civilians (others keep their
#: weapon's type, flagged ``civilian_targeting``).
_RETARGETABLE = {"Armed clash", "Attack", "Looting/property destruction"}
#: Event types in which ACLED flags civilian targeting.
_CIVILIAN_TARGETING_TYPES = {"Violence against civilians", "Explosions/Remote violence"}
_NEAR = {"near", "around", "outside", "toward", "towards"}


def resolve_events(
    events_raw: pd.DataFrame,
    *,
    mentions: pd.DataFrame,
    reports: pd.DataFrame,
    places: pd.DataFrame,
    dates: pd.DataFrame,
    countries: dict[str, str] | None = None,
) -> pd.DataFrame:
    """Return the ``events`` table (schema ``COLUMNS["events"]``) for ``events_raw``.

    ``mentions`` must be resolved (``entity_id``, ``canonical``, ``actor_type``);
    ``countries`` maps report ids to the ISO code of the country each is about.
    Negated rows ("failed to", "did not") are left out.
    """
    if events_raw is None or events_raw.empty:
        return schema.empty("events")
    countries = countries or {}
    by_offsets = _mention_index(mentions)
    bodies = dict(zip(reports.report_id, reports.body, strict=True))
    published = dict(zip(reports.report_id, reports.published, strict=True))
    place_info = places.set_index("place_id") if len(places) else None
    date_info = {
        (r.report_id, r.start, r.end): (r.date, r.time_precision) for r in dates.itertuples()
    }
    kinds = load_sub_event_types().set_index("sub_event_type")
    rows = []
    for raw in events_raw[~events_raw.negated.fillna(False).astype(bool)].itertuples():
        rid = raw.report_id
        actor = _actor(raw, "actor", by_offsets)
        if actor is None:
            continue
        target = _actor(raw, "target", by_offsets)
        assoc = _actor(raw, "assoc", by_offsets)
        place = by_offsets.get((rid, raw.place_start, raw.place_end, "place"))
        place_id = place["entity_id"] if place is not None else None
        info = (
            place_info.loc[place_id]
            if place_info is not None and place_id in place_info.index
            else None
        )
        code = _value(info, "country_code") or countries.get(rid)
        country = _value(info, "country") or _country_names().get(code or "")
        actor, target = _in_theatre(actor, code), _in_theatre(target, code)
        sub, action, actor, target, assoc = _choose(raw, actor, target, assoc)
        kind = kinds.loc[sub]
        date, precision = date_info.get((rid, raw.date_start, raw.date_end), (None, None))
        if date is None or pd.isna(date):
            date, precision = published.get(rid), 2
        geo = _value(info, "geo_precision")
        if geo is not None and isinstance(raw.place_text, str):  # "eastern Mosul": 2, not 1
            geo = mention_precision(raw.place_text, feature=_value(info, "feature")) or geo
        if geo is not None and raw.place_prep in _NEAR:
            geo = max(int(geo), 2)
        if geo is None and place is not None:
            geo = 2 if raw.place_prep in _NEAR else 1  # a named place not in the gazetteer
        if geo is None:
            geo = 3 if country else None
        body = bodies.get(rid, "")
        row = {
            "event_id": raw.event_id,
            "report_id": rid,
            "sentence_id": raw.sentence_id,
            "sent_start": raw.sent_start,
            "sent_end": raw.sent_end,
            "trigger_start": raw.trigger_start,
            "trigger_end": raw.trigger_end,
            "trigger": raw.trigger,
            "action": action,
            "location": _value(info, "name") or (place["canonical"] if place is not None else None),
            "date": date,
            "sentence": body[int(raw.sent_start) : int(raw.sent_end)],
            "event_type": kind.event_type,
            "sub_event_type": sub,
            "disorder_type": kind.disorder_type,
            **actor_columns(actor, 1, country),
            **actor_columns(target, 2, country),
            "assoc_actor_1": assoc["canonical"] if assoc is not None else None,
            "assoc_actor_2": None,
            "place_id": place_id,
            "country": country,
            "geo_precision": geo,
            "time_precision": precision,
            "fatalities": raw.fatalities,
            "claimed": bool(raw.claimed),
            "confidence": raw.confidence,
        }
        if target is None:
            row["target"] = raw.target_head  # the scorer's target: the phrase's head
        rows.append({**row, **interaction_columns(row)})
    events = schema.conform(rows, "events")
    # The actor-based choice can make two raw rows one event (an "attack" and a "killing"
    # of the same civilians): one event per actor, sub-event type and place per sentence.
    key = ["report_id", "sentence_id", "actor1_id", "sub_event_type", "place_id"]
    return events[~events[key].astype(str).duplicated()].reset_index(drop=True)


def hostile_relations(events: pd.DataFrame) -> pd.DataFrame:
    """``relations`` rows for events with a named target: actor -> target, ``relation``
    the action (support edges stay with ``build_relations``)."""
    has = events[events.actor2_id.notna() & (events.actor1_id != events.actor2_id)]
    rows = [
        {
            "report_id": e.report_id,
            "sentence_id": e.sentence_id,
            "source_actor": e.actor1_id,
            "target_actor": e.actor2_id,
            "relation": e.action,
            "sentence": e.sentence,
        }
        for e in has.itertuples()
    ]
    return schema.conform(rows, "relations").drop_duplicates(ignore_index=True)


def scorer_events(events: pd.DataFrame) -> list[dict]:
    """One report's events in the scorer's format, plus ACLED's id, types and counts."""
    out = []
    for e in events.itertuples():
        out.append(
            {
                "actor": e.actor,
                "action": e.action,
                "target": e.target if isinstance(e.target, str) else None,
                "location": e.location if isinstance(e.location, str) else None,
                "sentence": e.sentence,
                "event_id": e.event_id,
                "event_type": e.event_type,
                "sub_event_type": e.sub_event_type,
                "fatalities": None if pd.isna(e.fatalities) else int(e.fatalities),
                "date": None if pd.isna(e.date) else e.date.strftime("%Y-%m-%d"),
                "confidence": None if pd.isna(e.confidence) else float(e.confidence),
            }
        )
    return out


# -- choices that depend on the actors ----------------------------------------------------


def event_actor(ref: str) -> dict | None:
    """An actor the events table may name with no mention at hand: a gazetteer actor
    by id or canonical name ("civilians", "Protesters"), as ``{entity_id, canonical,
    actor_type}``; ``None`` when the gazetteer has no such actor.

    Examples
    --------
    >>> event_actor("civilians")["canonical"]
    'Civilians'
    """
    found = _gazetteer().get(ref)
    if found is None:
        folded = fold(ref)
        found = next((r for r in _gazetteer().values() if fold(r["canonical"]) == folded), None)
    return None if found is None else _class(found["actor_id"])


def actor_columns(actor: dict | None, slot: int, country: str | None) -> dict:
    """The events columns that name actor ``slot`` (1 or 2): name, id, ACLED label,
    inter code, and the scorer's ``actor``/``target``; all empty for no actor.

    Examples
    --------
    >>> cols = actor_columns(event_actor("civilians"), 2, "Syria")
    >>> cols["actor2"], cols["acled_actor2"], cols["inter2"], cols["target"]
    ('Civilians', 'Civilians (Syria)', 7, 'Civilians')
    """
    name = None if actor is None else actor["canonical"]
    return {
        f"actor{slot}": name,
        f"actor{slot}_id": None if actor is None else actor["entity_id"],
        f"acled_actor{slot}": None if actor is None else _acled_label(actor, country),
        f"inter{slot}": _inter(actor),
        "actor" if slot == 1 else "target": name,
    }


def interaction_columns(event: Mapping) -> dict:
    """ACLED's interaction code and civilian-targeting flag of one event (its inter
    codes and event type), so a corrected actor or type recodes them as the coder would.

    Examples
    --------
    >>> interaction_columns({"inter1": 3, "inter2": 7, "event_type": "Battles"})
    {'interaction': 37, 'civilian_targeting': False}
    """
    inter1, inter2 = (_known(event.get(k)) for k in ("inter1", "inter2"))
    return {
        "interaction": _interaction(inter1, inter2),
        "civilian_targeting": inter2 == 7 and event.get("event_type") in _CIVILIAN_TARGETING_TYPES,
    }


def sub_event_columns(sub_event_type: str) -> dict:
    """Event type, disorder type and action family of one of ACLED's sub-event types.

    Examples
    --------
    >>> sub_event_columns("Air/drone strike")["event_type"]
    'Explosions/Remote violence'
    """
    kinds = load_sub_event_types().set_index("sub_event_type")
    if sub_event_type not in kinds.index:
        raise KeyError(sub_event_type)
    kind = kinds.loc[sub_event_type]
    return {
        "sub_event_type": sub_event_type,
        "event_type": kind.event_type,
        "disorder_type": kind.disorder_type,
        "action": kind.action,
    }


def _known(value):
    return None if value is None or pd.isna(value) else int(value)


def _choose(raw, actor: dict, target: dict | None, assoc: dict | None):
    """ACLED's sub-event type given who the actors are; may swap actor and target."""
    sub, action = raw.sub_event_type, raw.action
    a1 = _inter(actor)
    target_kind = raw.target_kind if isinstance(raw.target_kind, str) else None
    if target is not None and target["entity_id"] in ("civilians", "protesters"):
        target_kind = target["entity_id"]
    if action == "territory_taken":
        sub = "Government regains territory" if a1 == 1 else "Non-state actor overtakes territory"
    elif action == "arrest" and target_kind == "protesters" or sub == "Protest with intervention":
        sub, action = "Protest with intervention", "protest"
        if actor["entity_id"] not in ("protesters", "rioters"):
            actor, target = _class("protesters"), actor
    elif action in ("protest", "riot"):
        violent = action == "riot"
        if actor["entity_id"] not in ("protesters", "rioters"):
            assoc = assoc or actor
            actor = _class("rioters" if violent else "protesters")
    elif actor["entity_id"] in ("rioters", "protesters") and action != "agreement_or_ceasefire":
        mob = "mob" in str(raw.actor_text).lower() or sub == "Mob violence"
        sub, action = ("Mob violence" if mob else "Violent demonstration"), "riot"
        actor = _class("rioters")
    elif bool(raw.flexible) or sub in _RETARGETABLE:
        if target_kind == "protesters" and a1 in (1, 8):
            sub, action = "Excessive force against protesters", "attack_on_civilians"
        elif (
            target_kind == "civilians"
            and sub in _RETARGETABLE | {"Air/drone strike"}
            and bool(raw.flexible)
        ):
            sub, action = "Attack", "attack_on_civilians"
        elif target_kind == "property" and raw.lemma in (
            "destroy",
            "burn",
            "burn down",
            "torch",
            "set",
        ):
            sub, action = "Looting/property destruction", "other"
        elif sub == "Attack" and target_kind == "armed":
            sub, action = "Armed clash", "armed_clash"
        elif sub == "Looting/property destruction" and target_kind in ("civilians", "armed"):
            sub, action = (
                ("Attack", "attack_on_civilians")
                if target_kind == "civilians"
                else ("Armed clash", "armed_clash")
            )
    if raw.lemma in ("bomb", "bombing") and not raw.instrument and a1 not in (1, 8):
        sub, action = "Remote explosive/landmine/IED", "remote_explosive_or_ied"
    if sub == "Mob violence" and actor["entity_id"] not in ("rioters",):
        assoc = assoc or actor
        actor = _class("rioters")
    return sub, action, actor, target, assoc


def _mention_index(mentions: pd.DataFrame) -> dict[tuple, dict]:
    """``(report_id, start, end, kind-group)`` -> resolved mention fields."""
    out: dict[tuple, dict] = {}
    keep = mentions[mentions.sentence_id >= 0]
    for m in keep.itertuples():
        group = (
            "place"
            if m.kind == "place"
            else "actor"
            if m.kind in ("actor", "supporter")
            else m.kind
        )
        out[(m.report_id, m.start, m.end, group)] = {
            "entity_id": m.entity_id,
            "canonical": m.canonical if isinstance(m.canonical, str) else m.text,
            "actor_type": m.actor_type if isinstance(m.actor_type, str) else None,
        }
    return out


#: Why a raw event is not in the events table, by what can be seen from the two tables.
UNCODED_REASONS = {
    "negated": "negated (“failed to”, “did not”, “denied”)",
    "no_actor": "no actor it could name (none tagged at the verb's subject or agent)",
    "gone": "its actor's mention was rejected, or the event was, in a correction",
}


def uncoded_events(
    events_raw: pd.DataFrame, events: pd.DataFrame, reports: pd.DataFrame
) -> pd.DataFrame:
    """The event triggers the parse found that the ``events`` table does not code, each
    with its sentence and why (:data:`UNCODED_REASONS`), so an analyst can see what the
    coder left out and add an event where it was wrong (columns ``COLUMNS["uncoded_events"]``).

    Examples
    --------
    >>> raw = schema.conform([{"event_id": "e1", "report_id": "r", "sentence_id": 0,
    ...     "sent_start": 0, "sent_end": 22, "trigger": "attack", "negated": True}], "events_raw")
    >>> rep = schema.conform([{"report_id": "r", "body": "IS did not attack Hajin."}], "reports")
    >>> uncoded_events(raw, schema.empty("events"), rep)[["trigger", "reason"]].values.tolist()
    [['attack', 'negated (“failed to”, “did not”, “denied”)']]
    """
    if events_raw is None or events_raw.empty:
        return schema.empty("uncoded_events")
    left = events_raw[~events_raw.event_id.isin(set(events.event_id))]
    bodies = dict(zip(reports.report_id, reports.body, strict=True))
    rows = []
    for raw in left.itertuples():
        if bool(raw.negated) if not pd.isna(raw.negated) else False:
            why = "negated"
        elif pd.isna(raw.actor_start) and not isinstance(raw.actor_entity, str):
            why = "no_actor"
        else:
            why = "gone"
        body = bodies.get(raw.report_id) or ""
        rows.append(
            {
                "event_id": raw.event_id,
                "report_id": raw.report_id,
                "sentence_id": raw.sentence_id,
                "trigger": raw.trigger,
                "actor_text": raw.actor_text,
                "reason": UNCODED_REASONS[why],
                "sentence": body[int(raw.sent_start) : int(raw.sent_end)].strip(),
            }
        )
    return schema.conform(rows, "uncoded_events")


def _actor(raw, prefix: str, by_offsets: dict) -> dict | None:
    start, end = getattr(raw, f"{prefix}_start"), getattr(raw, f"{prefix}_end")
    if not pd.isna(start):
        found = by_offsets.get((raw.report_id, start, end, "actor"))
        if found is not None and isinstance(found["entity_id"], str):
            return found
    entity = getattr(raw, f"{prefix}_entity")
    if isinstance(entity, str) and entity and ":" not in entity:
        return _class(entity)
    return None


def _class(actor_id: str) -> dict:
    """A gazetteer actor with no mention at hand (the implied classes)."""
    row = _gazetteer().get(actor_id)
    if row is None:
        return {"entity_id": actor_id, "canonical": actor_id, "actor_type": None}
    return {"entity_id": actor_id, "canonical": row["canonical"], "actor_type": row["actor_type"]}


def _in_theatre(actor: dict | None, code: str | None) -> dict | None:
    """A state's forces typed by where the event happens, as ACLED types them: at home
    state forces, in another country external forces, whatever the report is mostly
    about (a digest of summaries from several countries)."""
    if actor is None or not code:
        return actor
    if actor.get("actor_type") not in ("state_force", "coalition_or_foreign_force"):
        return actor
    home = _home(actor["entity_id"])
    if not home:
        return actor
    kind = "state_force" if home == code else "coalition_or_foreign_force"
    return actor if kind == actor["actor_type"] else {**actor, "actor_type": kind}


def _home(actor_id: str) -> str | None:
    """The ISO code of a state actor's own country: ``forces:SO``, ``police:KE``, or the
    gazetteer's country for a national actor."""
    prefix, _, rest = actor_id.partition(":")
    if prefix in ("forces", "police", "government") and len(rest) == 2:
        return rest
    row = _gazetteer().get(actor_id)
    if row is None or row.get("scope") == "transnational" or not row.get("country"):
        return None
    from workbench.lexicon.places import iso_code

    return iso_code(str(row["country"]))


def _inter(actor: dict | None) -> int | None:
    if actor is None:
        return None
    classes, types = _inter_tables()
    eid, actor_type = actor["entity_id"], actor["actor_type"]
    if eid in classes:
        return classes[eid][0]
    if actor_type == "coalition_or_foreign_force":
        return types.get(actor_type)
    known = _gazetteer().get(eid)  # its ACLED code, unless an analyst retyped it
    if (
        known is not None
        and known.get("actor_type") in (actor_type, None)
        and str(known.get("acled_inter", "")).isdigit()
    ):
        return int(known["acled_inter"])
    return types.get(actor_type or "other", 8)


def _interaction(inter1: int | None, inter2: int | None) -> int | None:
    """ACLED's interaction code: both inter codes, lower first; one actor alone: x0."""
    if inter1 is None:
        return None
    if inter2 is None:
        return inter1 * 10
    low, high = sorted((inter1, inter2))
    return low * 10 + high


def _acled_label(actor: dict, country: str | None) -> str:
    classes, _ = _inter_tables()
    if actor["entity_id"] in classes and classes[actor["entity_id"]][1]:
        label = classes[actor["entity_id"]][1]
        return label.format(country=country) if country else label.split(" (")[0]
    return actor["canonical"]


def _value(info, column: str):
    if info is None:
        return None
    v = info.get(column)
    return None if v is None or (not isinstance(v, str) and pd.isna(v)) or v == "" else v


@cache
def _inter_tables() -> tuple[dict[str, tuple[int, str]], dict[str, int]]:
    table = load_event_inter()
    classes = {
        r.key: (int(r.inter), r.acled_label)
        for r in table.itertuples()
        if r.applies_to == "actor_id"
    }
    types = {r.key: int(r.inter) for r in table.itertuples() if r.applies_to == "actor_type"}
    return classes, types


@per_gazetteer
def _gazetteer() -> dict[str, dict]:
    from workbench.lexicon.gazetteer import load_gazetteer

    table = load_gazetteer()
    return {r["actor_id"]: r for r in table.to_dict("records")}


@cache
def _country_names() -> dict[str, str]:
    from workbench.lexicon.gazetteer import load_demonyms

    table = load_demonyms()
    return dict(zip(table.country_code, table.country, strict=True))
