"""Analyst corrections: an append-only ledger of edits, replayed over the automatic tables.

A correction never edits a table in place. It is a ledger entry (kind + payload) that
:func:`replay_mentions` (before resolution) or :func:`apply` (after it) replays every
time the tables are built, so corrections survive re-runs, pipeline upgrades and undo.
Targets are named by what an analyst sees, not by row numbers: a mention by
``(report_id, start, end, text)``, an actor by id *and* canonical name, an event by its
``event_id`` (older entries by ``(report_id, sentence_id, actor, action)``, still replayed). A correction whose target is gone is kept
and reported ``stale``; it is never dropped. The store (``workbench.store.database``) keeps the
ledger; everything here is plain data in, plain data out.
"""

from __future__ import annotations

import copy
import hashlib
import json
import math
import re
from collections.abc import Iterable, Mapping
from typing import Any, NamedTuple

import pandas as pd

from workbench import schema
from workbench.errors import CorrectionError
from workbench.resolve import edits, event_edits, incident_edits
from workbench.resolve.edits import Replay, Stale, as_mask
from workbench.resolve.event_edits import EVENT_FIELDS, OLD_NAMES

#: Fields naming one mention; offsets are into ``reports.body``.
MENTION_KEY = ("report_id", "start", "end", "text")
#: Fields that named one event before events had ids (entries written so still replay).
EVENT_KEY = ("report_id", "sentence_id", "actor", "action")
#: What ``add_event`` takes besides its sentence and actor (the store fills the sentence).
_ADDED = (*EVENT_FIELDS[1:], "trigger", "sent_start", "sent_end", "sentence", "event_id")
APPLY = {**edits.APPLY, **event_edits.APPLY, **incident_edits.APPLY}


class Kind(NamedTuple):
    """How one kind of correction is checked and when it is replayed."""

    stage: str  # "mentions" (before resolve), "tables" (after it) or "ledger" (undo)
    required: tuple[str, ...]
    optional: tuple[str, ...] = ()


#: Every kind of correction, its replay stage and its payload fields.
KINDS: dict[str, Kind] = {
    "reject_mention": Kind("mentions", MENTION_KEY),
    "add_mention": Kind("mentions", (*MENTION_KEY, "kind", "label")),
    "relabel": Kind("mentions", MENTION_KEY, ("kind", "label")),
    "set_canonical": Kind("tables", (*MENTION_KEY, "actor"), ("actor_type",)),
    "merge_actors": Kind("tables", ("actors",), ("into", "canonical")),
    "split_actor": Kind("tables", ("actor", "aliases"), ("canonical", "actor_type")),
    "rename_actor": Kind("tables", ("actor", "canonical")),
    "set_actor_type": Kind("tables", ("actor", "actor_type")),
    "confirm_actor": Kind("tables", ("actor",)),
    "set_place_coords": Kind(
        "tables", ("place", "latitude", "longitude"), ("geo_precision", "name", "country")
    ),
    "edit_event": Kind("tables", ("changes",), ("event_id", *EVENT_KEY)),
    "reject_event": Kind("tables", (), ("event_id", *EVENT_KEY)),
    "add_event": Kind("tables", ("report_id", "sentence_id", "actor1"), _ADDED),
    # incidents, by event ids (``incident_edits``): merge two, split one, not the same
    **{kind: Kind("tables", ("event_ids",)) for kind in incident_edits.incidents.KINDS},
    "undo": Kind("ledger", ("entry",)),
}


def check(kind: str, fields: Mapping[str, Any]) -> dict[str, Any]:
    """Return the payload for a correction of ``kind``, or raise :class:`CorrectionError`.

    Checks the shape only (fields present, types, allowed values); whether the target
    exists is checked when the correction is applied.

    Examples
    --------
    >>> check("set_actor_type", {"actor": "sdf", "actor_type": "rebel_group"})
    {'actor': 'sdf', 'actor_type': 'rebel_group'}
    >>> check("set_actor_type", {"actor": "sdf", "actor_type": "rebels"})
    Traceback (most recent call last):
    ...
    workbench.errors.CorrectionError: set_actor_type: actor_type 'rebels' is not one of ...
    """
    spec = KINDS.get(kind)
    if spec is None:
        raise CorrectionError(f"unknown correction kind {kind!r}; use one of {', '.join(KINDS)}")
    missing = [f for f in spec.required if fields.get(f) in (None, "", [], {})]
    unknown = sorted(set(fields) - set(spec.required) - set(spec.optional))
    if missing or unknown:
        what = f"needs {', '.join(missing)}" if missing else f"does not take {', '.join(unknown)}"
        raise CorrectionError(f"{kind}: {what} (fields: {', '.join(spec.required)})")
    payload = {k: fields[k] for k in (*spec.required, *spec.optional) if k in fields}
    for name in ("start", "end", "sentence_id", "geo_precision", "sent_start", "sent_end"):
        if name in payload and payload[name] is not None:
            payload[name] = _integer(kind, name, payload[name])
    for name, bound in (("latitude", 90), ("longitude", 180)):
        if name in payload:
            payload[name] = _number(kind, name, payload[name], bound)
    for name in _TEXT_FIELDS:
        if name in payload and payload[name] is not None:
            payload[name] = _text(kind, name, payload[name])
    if kind == "edit_event" and not isinstance(payload.get("changes"), Mapping):
        raise CorrectionError("edit_event: changes must be a mapping of field to new value")
    _allowed(kind, "kind", payload.get("kind"), schema.MENTION_KINDS)
    _allowed(kind, "actor_type", payload.get("actor_type"), schema.ACTOR_TYPES)
    _allowed(kind, "action", payload.get("action"), schema.ACTIONS)
    if kind == "relabel" and not (payload.get("kind") or payload.get("label")):
        raise CorrectionError("relabel: give a new kind, a new label, or both")
    if kind == "merge_actors":
        payload["actors"] = _names(kind, "actors", payload["actors"])
        if len(payload["actors"]) + ("into" in payload) < 2:
            raise CorrectionError("merge_actors: name at least two actors")
    if kind == "split_actor":
        payload["aliases"] = _names(kind, "aliases", payload["aliases"])
    if kind in ("edit_event", "reject_event"):
        payload = _event_target(kind, payload)
    if kind == "edit_event":
        changes = {OLD_NAMES.get(k, k): v for k, v in payload["changes"].items()}
        bad = sorted(set(changes) - set(EVENT_FIELDS))
        if bad:
            raise CorrectionError(f"edit_event: cannot change {', '.join(bad)}")
        payload["changes"] = _event_values(kind, changes)
    if kind in incident_edits.incidents.KINDS:
        payload = incident_edits.check_payload(kind, payload)
    if kind == "add_event":
        if not (payload.get("action") or payload.get("sub_event_type")):
            raise CorrectionError("add_event: give an action or a sub_event_type")
        values = _event_values(kind, {k: payload[k] for k in EVENT_FIELDS if k in payload})
        payload.update(values)
        payload.setdefault("event_id", _added_id(payload))
    return payload


def active_entries(ledger: Iterable[Mapping[str, Any]]) -> tuple[list[dict], dict]:
    """Split a ledger (oldest first) into the entries in force and the statuses of the rest.

    An ``undo`` entry that is itself undone restores its target.

    Examples
    --------
    >>> ledger = [{"uuid": "a", "kind": "confirm_actor", "payload": {"actor": "x"}},
    ...           {"uuid": "b", "kind": "undo", "payload": {"entry": "a"}},
    ...           {"uuid": "c", "kind": "undo", "payload": {"entry": "b"}}]
    >>> active, statuses = active_entries(ledger)
    >>> [e["uuid"] for e in active], statuses["b"]
    (['a'], ('undone', 'undone by c'))
    """
    entries = [dict(e) for e in ledger]
    undone_by: dict[str, str] = {}
    for entry in reversed(entries):  # an undo always comes after its target
        if entry["kind"] == "undo" and entry["uuid"] not in undone_by:
            undone_by.setdefault(entry["payload"]["entry"], entry["uuid"])
    statuses: dict[str, tuple[str, str]] = {}
    active = []
    for entry in entries:
        uuid = entry["uuid"]
        if uuid in undone_by:
            statuses[uuid] = ("undone", f"undone by {undone_by[uuid]}")
        elif entry["kind"] == "undo":
            known = any(e["uuid"] == entry["payload"]["entry"] for e in entries)
            statuses[uuid] = ("applied", "") if known else ("stale", "the undone entry is missing")
        else:
            active.append(entry)
    return active, statuses


def with_text(kind: str, fields: Mapping[str, Any], title: str, body: str) -> dict[str, Any]:
    """``fields`` of a mention correction with ``text`` filled from the report, after
    checking the offsets and any text given. A given ``text`` may also be a slice of the
    title: headline mentions are tagged with offsets into the title (``sentence_id`` -1).

    Examples
    --------
    >>> with_text("reject_mention", {"report_id": "r", "start": 4, "end": 7}, "", "The SDF")
    {'report_id': 'r', 'start': 4, 'end': 7, 'text': 'SDF'}
    """
    rid = fields["report_id"]
    start = _integer(kind, "start", fields["start"])
    end = _integer(kind, "end", fields.get("end"))
    given = fields.get("text")
    if given is not None and 0 <= start < end <= len(title) and title[start:end] == given:
        return {**fields, "start": start, "end": end}
    if not 0 <= start < end <= len(body):
        raise CorrectionError(f"{kind}: {start}-{end} is outside report {rid} ({len(body)} chars)")
    if given not in (None, body[start:end]):
        raise CorrectionError(
            f"{kind}: report {rid} has {body[start:end]!r} at {start}-{end}, not {given!r}"
        )
    return {**fields, "start": start, "end": end, "text": body[start:end]}


def with_sentence(
    fields: Mapping[str, Any], mentions: pd.DataFrame, body: str, published: Any = None
) -> dict:
    """``fields`` of an ``add_event`` with its sentence's offsets and text, found from the
    report's tagged mentions (an event needs a sentence the tagger read); with no date
    given, the report's own at week precision, as the coder dates an undated event.

    Examples
    --------
    >>> m = schema.conform([{"report_id": "r", "sentence_id": 0, "sent_start": 0,
    ...                      "sent_end": 15}], "mentions")
    >>> with_sentence({"report_id": "r", "sentence_id": 0}, m, "SDF took Hajin.")["sentence"]
    'SDF took Hajin.'
    """
    rid, sid = str(fields["report_id"]), _integer("add_event", "sentence_id", fields["sentence_id"])
    same = mentions[as_mask(mentions.report_id == rid) & as_mask(mentions.sentence_id == sid)]
    if same.empty or sid < 0:
        raise CorrectionError(f"add_event: report {rid} has no tagged body sentence {sid}")
    start, end = int(same.sent_start.iloc[0]), int(same.sent_end.iloc[0])
    out = {**fields, "report_id": rid, "sentence_id": sid}
    if out.get("date") is None and published is not None and not pd.isna(published):
        out.update(date=pd.Timestamp(published).strftime("%Y-%m-%d"), time_precision=2)
    return {**out, "sent_start": start, "sent_end": end, "sentence": body[start:end]}


def same_payload(new: Any, stored: Any) -> bool:
    """Whether a checked payload asks for what a stored one did. Stored payloads name
    actors and places as ``{"id", "name"}`` (see :func:`apply`); a new one by either.

    Examples
    --------
    >>> same_payload({"actor": "SDF"}, {"actor": {"id": "sdf", "name": "SDF"}})
    True
    >>> same_payload({"actor": "sdf", "canonical": "B"}, {"actor": "sdf", "canonical": "A"})
    False
    """
    if isinstance(stored, dict) and set(stored) == {"id", "name"} and not isinstance(new, dict):
        return new in (stored["id"], stored["name"])
    if isinstance(stored, dict) and isinstance(new, dict):
        return set(new) == set(stored) and all(same_payload(new[k], stored[k]) for k in new)
    if isinstance(stored, list) and isinstance(new, list):
        return len(new) == len(stored) and all(map(same_payload, new, stored))
    return new == stored


def replay_mentions(
    mentions: pd.DataFrame, reports: pd.DataFrame, entries: Iterable[Mapping[str, Any]]
) -> tuple[pd.DataFrame, dict[str, tuple[str, str]], set[str]]:
    """Apply mention-level corrections (reject, add, relabel) to tagged mentions.

    Returns ``(mentions, statuses, touched_report_ids)``; entries of other stages are
    ignored. Added mentions take their sentence from a tagged mention in the same
    sentence, else from the nearest sentence break; a span of the title (not the
    body) is a headline mention, sentence -1, as the tagger writes them.

    Examples
    --------
    >>> reports = schema.conform([{"report_id": "r", "body": "SDF took Hajin."}], "reports")
    >>> m = schema.conform([{"report_id": "r", "start": 0, "end": 3, "text": "SDF",
    ...                      "kind": "actor"}], "mentions")
    >>> add = {"uuid": "u1", "kind": "add_mention", "payload": {"report_id": "r",
    ...        "start": 9, "end": 14, "text": "Hajin", "kind": "place", "label": "GPE"}}
    >>> out, statuses, _ = replay_mentions(m, reports, [add])
    >>> out.text.tolist(), statuses["u1"]
    (['SDF', 'Hajin'], ('applied', ''))
    """
    keys = list(zip(mentions.report_id, mentions.start, mentions.end, mentions.text, strict=True))
    index = {tuple(_key(k)): i for i, k in enumerate(keys)}
    dropped: set[int] = set()
    edits: dict[int, dict[str, Any]] = {}
    added: dict[tuple, dict[str, Any]] = {}
    statuses: dict[str, tuple[str, str]] = {}
    touched: set[str] = set()
    bodies = dict(zip(reports.report_id, reports.body, strict=True))
    titles = dict(zip(reports.report_id, reports.title.fillna(""), strict=True))
    for entry in entries:
        kind, p = entry["kind"], entry["payload"]
        if KINDS[kind].stage != "mentions":
            continue
        key = _key(p[k] for k in MENTION_KEY)
        row = index.get(key)
        live = row is not None and row not in dropped
        status = ("applied", "")
        if kind == "add_mention":
            headline = bodies.get(key[0], "")[key[1] : key[2]] != key[3]
            if headline and titles.get(key[0], "")[key[1] : key[2]] != key[3]:
                status = ("stale", f"report {key[0]} no longer has {key[3]!r} at {key[1]}")
            elif live or row is not None:
                dropped.discard(row)
                edits.setdefault(row, {}).update(_relabelled(p, source="user"))
            else:
                text = titles[key[0]] if headline else bodies[key[0]]
                added[key] = _added_row(p, mentions, text, headline=headline)
        elif not live and key not in added:
            status = ("stale", f"no mention {key[3]!r} at {key[0]}:{key[1]}-{key[2]}")
        elif kind == "reject_mention":
            if live:
                dropped.add(row)
            else:
                added.pop(key)
        elif live:
            edits.setdefault(row, {}).update(_relabelled(p))
        else:
            added[key].update(_relabelled(p))
        statuses[entry["uuid"]] = status
        if status[0] == "applied":
            touched.add(key[0])
    out = mentions.copy(deep=False)
    for col in {c for values in edits.values() for c in values}:
        column = out[col].to_numpy(dtype=object, copy=True)  # one write per column
        for row, values in edits.items():
            column[row] = values.get(col, column[row])
        out[col] = column
    out = out.drop(index=out.index[sorted(dropped)])
    if added:
        out = pd.concat([out, schema.conform(list(added.values()), "mentions")])
    return schema.conform(out, "mentions"), statuses, touched


def replay_tables(tables: Mapping[str, pd.DataFrame], entries: Iterable[Mapping]) -> Replay:
    """Apply the table-level corrections in ``entries`` (oldest first) to resolved tables.

    Examples
    --------
    >>> actors = schema.conform([{"actor_id": "a", "canonical": "Alpha"}], "actors")
    >>> entry = {"uuid": "u", "kind": "rename_actor", "payload": {"actor": "a",
    ...          "canonical": "Alpha Front"}}
    >>> replay_tables({"actors": actors}, [entry]).tables["actors"].canonical.tolist()
    ['Alpha Front']
    """
    replay = Replay({name: schema.conform(tables.get(name, []), name) for name in _TABLES})
    for entry in entries:
        if KINDS[entry["kind"]].stage == "tables":
            apply(replay, entry)
    return replay


def apply(replay: Replay, entry: Mapping[str, Any]) -> tuple[str, str]:
    """Apply one table-level correction to ``replay`` in place; return its status.

    Names of actors and places in the payload are resolved to ``{"id", "name"}``
    references in place, which is what the store writes to its ledger.
    """
    kind, payload = entry["kind"], entry["payload"]
    replay.tables.pop(incident_edits.TABLE, None)  # built again from what this changes
    try:
        detail = APPLY[kind](replay, payload)
        status = ("applied", detail or "")
    except Stale as exc:
        status = ("stale", str(exc))
    replay.statuses[entry["uuid"]] = status
    return status


def incidents(replay: Replay, ledger: Any, reports: pd.DataFrame | None = None) -> pd.DataFrame:
    """The ``incidents`` of a replay's corrected events, with the incident corrections in
    force in ``ledger()`` (a callable, read only when they are built: once per replay)."""
    return incident_edits.built(replay, ledger, lambda e: active_entries(e)[0], reports)


# -- mention stage -------------------------------------------------------------------

_TABLES = ("mentions", "actors", "places", "dates", "relations", "events")
_SENTENCE_BREAK = re.compile(r"(?<=[.!?])\s+|\n+")


def _key(parts: Iterable[Any]) -> tuple[str, int, int, str]:
    rid, start, end, text = parts
    return str(rid), int(start), int(end), str(text)


def _relabelled(p: Mapping[str, Any], *, source: str | None = None) -> dict[str, Any]:
    values: dict[str, Any] = {}
    if p.get("kind"):
        values.update(kind=p["kind"], entity_id=None, canonical=None, actor_type=None)
    if p.get("label"):
        values["label"] = p["label"]
    if source:
        values.update(source=source, confidence=1.0)
    return values


def _added_row(
    p: Mapping[str, Any], mentions: pd.DataFrame, text: str, *, headline: bool
) -> dict[str, Any]:
    """A mention row for ``add_mention``; headline mentions have sentence -1 (as tagged)."""
    start, end = int(p["start"]), int(p["end"])
    same = mentions[
        as_mask(mentions.report_id == p["report_id"])
        & as_mask(mentions.sent_start <= start)
        & as_mask(mentions.sent_end >= end)
        & (as_mask(mentions.sentence_id == -1) == headline)
    ]
    if headline:
        sentence = {"sentence_id": -1, "sent_start": 0, "sent_end": len(text)}
    elif len(same):
        first = same.iloc[0]
        sentence = {k: first[k] for k in ("sentence_id", "sent_start", "sent_end")}
    else:
        breaks = [m.end() for m in _SENTENCE_BREAK.finditer(text)]
        sent_start = max([b for b in breaks if b <= start], default=0)
        sent_end = min([b for b in breaks if b >= end], default=len(text))
        sentence = {"sentence_id": None, "sent_start": sent_start, "sent_end": sent_end}
    return {
        "report_id": p["report_id"],
        **sentence,
        "start": start,
        "end": end,
        "text": p["text"],
        "kind": p["kind"],
        "label": p["label"],
        "source": "user",
        "confidence": 1.0,
    }


# -- payload checks ------------------------------------------------------


def _integer(kind: str, name: str, value: Any) -> int:
    try:
        if isinstance(value, bool) or float(value) != int(float(value)):
            raise ValueError
        return int(float(value))
    except (TypeError, ValueError):
        raise CorrectionError(f"{kind}: {name} must be a whole number, not {value!r}") from None


#: Payload fields that hold a name or a label: a non-blank string, stripped.
_TEXT_FIELDS = ("canonical", "label", "name", "country", "text", "report_id")


def _number(kind: str, name: str, value: Any, bound: float) -> float:
    try:
        if isinstance(value, bool):
            raise ValueError
        number = float(value)
    except (TypeError, ValueError):
        raise CorrectionError(f"{kind}: {name} must be a number, not {value!r}") from None
    if not math.isfinite(number) or abs(number) > bound:
        raise CorrectionError(f"{kind}: {name} must be between -{bound} and {bound}, not {value!r}")
    return number


def _text(kind: str, name: str, value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise CorrectionError(f"{kind}: {name} must be a non-blank string, not {value!r}")
    return value if name == "text" else value.strip()


def _allowed(kind: str, name: str, value: Any, allowed: tuple[str, ...]) -> None:
    if value is not None and value not in allowed:
        raise CorrectionError(f"{kind}: {name} {value!r} is not one of {', '.join(allowed)}")


def _event_target(kind: str, payload: dict) -> dict:
    """An event is named by ``event_id``, or (older entries) by all of ``EVENT_KEY``."""
    if payload.get("event_id"):
        payload["event_id"] = _text(kind, "event_id", payload["event_id"])
        return payload
    missing = [k for k in EVENT_KEY if payload.get(k) in (None, "")]
    if missing:
        raise CorrectionError(f"{kind}: name the event by event_id")
    _allowed(kind, "action", payload["action"], schema.ACTIONS)
    return payload


def _event_values(kind: str, values: dict) -> dict:
    """Checked event field values: known actions and sub-event types, real dates,
    ACLED precisions 1-3, a whole number of deaths (``None`` for unknown)."""
    from workbench.lexicon.events import load_sub_event_types

    out = dict(values)
    _allowed(kind, "action", out.get("action"), schema.ACTIONS)
    subs = tuple(load_sub_event_types().sub_event_type)
    _allowed(kind, "sub_event_type", out.get("sub_event_type"), subs)
    for name in ("actor1", "actor2", "place"):
        value = out.get(name)
        if value is not None and not isinstance(value, Mapping):
            out[name] = _text(kind, name, value)
    if out.get("date") is not None:
        date = pd.to_datetime(out["date"], errors="coerce")
        if pd.isna(date):
            raise CorrectionError(f"{kind}: date {out['date']!r} is not a date")
        out["date"] = date.strftime("%Y-%m-%d")
    if out.get("time_precision") is not None:
        out["time_precision"] = _integer(kind, "time_precision", out["time_precision"])
        if out["time_precision"] not in (1, 2, 3):
            raise CorrectionError(f"{kind}: time_precision is 1 (day), 2 (week) or 3 (month)")
    if out.get("fatalities") is not None:
        out["fatalities"] = _integer(kind, "fatalities", out["fatalities"])
        if out["fatalities"] < 0:
            raise CorrectionError(f"{kind}: fatalities cannot be negative")
    if "claimed" in out and not isinstance(out["claimed"], bool):
        raise CorrectionError(f"{kind}: claimed is true or false, not {out['claimed']!r}")
    return out


def _added_id(payload: Mapping[str, Any]) -> str:
    """A stable id for an added event: the same event added twice is one event."""
    what = {k: v for k, v in payload.items() if k not in ("sentence", "sent_start", "sent_end")}
    digest = hashlib.sha1(json.dumps(what, sort_keys=True, default=str).encode()).hexdigest()
    return "user:" + digest[:12]


def _names(kind: str, name: str, value: Any) -> list:
    items = [value] if isinstance(value, (str, Mapping)) else list(value)
    if not items or any(not isinstance(v, (str, Mapping)) or not v for v in items):
        raise CorrectionError(f"{kind}: {name} must be a list of names or ids")
    return copy.deepcopy(items)
