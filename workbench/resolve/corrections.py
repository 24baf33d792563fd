"""Analyst corrections: an append-only ledger of edits, replayed over the automatic tables.

A correction never edits a table in place. It is a ledger entry (kind + payload) that
:func:`replay_mentions` (before resolution) or :func:`apply` (after it) replays every
time the tables are built, so corrections survive re-runs, pipeline upgrades and undo.
Targets are named by what an analyst sees, not by row numbers: a mention by
``(report_id, start, end, text)``, an actor by id *and* canonical name, an event by
``(report_id, sentence_id, actor, action)``. A correction whose target is gone is kept
and reported ``stale``; it is never dropped. The store (``workbench.store.database``) keeps the
ledger; everything here is plain data in, plain data out.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import pandas as pd

from workbench import schema
from workbench.errors import CorrectionError
from workbench.text import fold

#: Fields naming one mention; offsets are into ``reports.body``.
MENTION_KEY = ("report_id", "start", "end", "text")
#: Fields naming one event row.
EVENT_KEY = ("report_id", "sentence_id", "actor", "action")
#: Event fields that ``edit_event`` may change.
EVENT_FIELDS = ("actor", "action", "target", "location", "date")
#: Kinds of mention that name actors.
ACTOR_KINDS = ("actor", "supporter")


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
    "edit_event": Kind("tables", (*EVENT_KEY, "changes")),
    "reject_event": Kind("tables", EVENT_KEY),
    "undo": Kind("ledger", ("entry",)),
}
#: Columns of :meth:`Store.corrections <workbench.store.Store.corrections>` (the ledger view).
LEDGER_COLUMNS: dict[str, str] = {
    "id": schema.INT,  # local entry number, what ``undo`` takes
    "uuid": schema.TEXT,  # global identity; what export/import match on
    "time": schema.DATE,  # UTC
    "author": schema.TEXT,
    "reason": schema.TEXT,
    "kind": schema.TEXT,  # a key of KINDS
    "payload": schema.LIST,  # dict: the fields of the correction
    "undone": schema.BOOL,
    "status": schema.TEXT,  # applied, stale, undone
    "detail": schema.TEXT,  # why stale, or which entry undid it
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
    for name in ("start", "end", "sentence_id", "geo_precision"):
        if name in payload and payload[name] is not None:
            payload[name] = _integer(kind, name, payload[name])
    for name in ("latitude", "longitude"):
        if name in payload:
            payload[name] = _number(kind, name, payload[name])
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
    if kind == "edit_event":
        changes = dict(payload["changes"])
        bad = sorted(set(changes) - set(EVENT_FIELDS))
        if bad:
            raise CorrectionError(f"edit_event: cannot change {', '.join(bad)}")
        _allowed(kind, "action", changes.get("action"), schema.ACTIONS)
        if changes.get("date") is not None:
            date = pd.to_datetime(changes["date"], errors="coerce")
            if pd.isna(date):
                raise CorrectionError(f"edit_event: date {changes['date']!r} is not a date")
            changes["date"] = date.strftime("%Y-%m-%d")
        payload["changes"] = changes
    return payload


@dataclass
class Replay:
    """The corrected tables plus what the replay learned on the way.

    ``statuses`` maps an entry's uuid to ``(status, detail)``; ``redirects`` maps the
    id of a merged-away actor to the actor it joined (so later corrections that name
    it still land); ``touched`` holds the reports a correction changed.
    """

    tables: dict[str, pd.DataFrame]
    statuses: dict[str, tuple[str, str]] = field(default_factory=dict)
    confirmed: set[str] = field(default_factory=set)
    redirects: dict[str, str] = field(default_factory=dict)
    touched: set[str] = field(default_factory=set)

    def copy(self) -> Replay:
        """A copy to try a correction on (tables are copy-on-write)."""
        tables = {k: v.copy(deep=False) for k, v in self.tables.items()}
        return Replay(
            tables,
            dict(self.statuses),
            set(self.confirmed),
            dict(self.redirects),
            set(self.touched),
        )


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
    try:
        detail = _APPLY[kind](replay, payload)
        status = ("applied", detail or "")
    except _Stale as exc:
        status = ("stale", str(exc))
    replay.statuses[entry["uuid"]] = status
    return status


def score(gold: list[dict], predicted: list[dict]) -> pd.DataFrame:
    """Precision, recall and F1 of ``predicted`` against ``gold`` records (scorer format),
    for actors and locations, matched per file as ``score_extraction.py`` does.

    Examples
    --------
    >>> gold = [{"file": "a", "actors": [{"canonical": "SDF", "mentions": ["SDF"]}]}]
    >>> pred = [{"file": "a", "actors": [{"canonical": "sdf", "mentions": []},
    ...                                  {"canonical": "IS", "mentions": []}]}]
    >>> score(gold, pred).set_index("table").loc["actors", ["tp", "fp", "fn"]].tolist()
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
        rows.append({"table": table, "reports": len(gold), "tp": tp, "fp": fp, "fn": fn,
                     "precision": p, "recall": r, "f1": f1})  # fmt: skip
    return pd.DataFrame(rows)


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
        _b(mentions.report_id == p["report_id"])
        & _b(mentions.sent_start <= start)
        & _b(mentions.sent_end >= end)
        & (_b(mentions.sentence_id == -1) == headline)
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
        "report_id": p["report_id"], **sentence, "start": start, "end": end,
        "text": p["text"], "kind": p["kind"], "label": p["label"], "source": "user",
        "confidence": 1.0,
    }  # fmt: skip


# -- table stage ---------------------------------------------------------------------


def _b(mask: pd.Series) -> pd.Series:
    """A plain boolean mask (comparisons with missing values give ``<NA>``)."""
    return mask.fillna(False).astype(bool)


class _Stale(Exception):
    """The correction's target is not in the tables."""


def _find(replay: Replay, table: str, ref: Any) -> int | None:
    """Index of the actor/place row ``ref`` names (id, then name, then unique alias)."""
    df = replay.tables[table]
    id_col, name_col = ("actor_id", "canonical") if table == "actors" else ("place_id", "name")
    if isinstance(ref, Mapping):
        rid, name = ref.get("id"), ref.get("name")
    else:
        rid, name = str(ref), str(ref)
    while table == "actors" and rid in replay.redirects:
        rid = replay.redirects[rid]
    for column, value, folded in ((id_col, rid, False), (name_col, name, True)):
        if value is None:
            continue
        values = df[column].fillna("").map(fold) if folded else df[column]
        hits = df.index[values == (fold(value) if folded else value)]
        if len(hits):
            return hits[0]
    if name is not None and not isinstance(ref, Mapping):
        target = fold(name)
        hits = df.index[df.aliases.map(lambda a: target in {fold(x) for x in a})]
        if len(hits) == 1:
            return hits[0]
    return None


def _need(replay: Replay, table: str, payload: dict, key: str) -> int:
    """Find the row ``payload[key]`` names, rewrite the reference as ``{id, name}``."""
    row = _find(replay, table, payload[key])
    if row is None:
        raise _Stale(f"no {table[:-1]} {_label(payload[key])}")
    payload[key] = _ref(replay, table, row)
    return row


def _ref(replay: Replay, table: str, row: int) -> dict[str, str]:
    df = replay.tables[table]
    if table == "actors":
        return {"id": df.at[row, "actor_id"], "name": df.at[row, "canonical"]}
    return {"id": df.at[row, "place_id"], "name": df.at[row, "name"]}


def _label(ref: Any) -> str:
    if isinstance(ref, Mapping):
        return f"{ref.get('name')!r} ({ref.get('id')})"
    return repr(ref)


def _actor_mask(replay: Replay, actor_id: str) -> pd.Series:
    m = replay.tables["mentions"]
    kind = m.kind.to_numpy(dtype=object)
    mask = (m.entity_id.to_numpy(dtype=object) == actor_id) & (
        (kind == "actor") | (kind == "supporter")
    )
    return pd.Series(mask, index=m.index)  # numpy compares object arrays ~4x faster than str


def _touch(replay: Replay, mask: pd.Series) -> None:
    replay.touched.update(set(replay.tables["mentions"].report_id.to_numpy(dtype=object)[mask]))


def _recount(replay: Replay, actor_ids: Iterable[str]) -> None:
    """Refresh aliases and counts of ``actor_ids`` from their mentions; drop empty ones."""
    actors = replay.tables["actors"].copy(deep=False)
    for actor_id in set(actor_ids):
        rows = actors.index[actors.actor_id == actor_id]
        group = replay.tables["mentions"][_actor_mask(replay, actor_id)]
        if not len(rows):
            continue
        if not len(group):
            actors = actors.drop(index=rows)
            continue
        actors.loc[rows, "n_mentions"] = len(group)
        actors.loc[rows, "n_reports"] = group.report_id.nunique()
        actors.loc[rows, "aliases"] = pd.Series([sorted(set(group.text))] * len(rows), rows)
    replay.tables["actors"] = actors


def _set(replay: Replay, table: str, where: Any, **values: Any) -> None:
    """Set columns on the rows ``where`` (a row label or a mask) of one table."""
    df = replay.tables[table].copy(deep=False)
    for col, value in values.items():
        df.loc[where, col] = value
    replay.tables[table] = df


def _rename_everywhere(replay: Replay, old: str, new: str) -> None:
    """An actor's canonical name changed: events name actors by canonical."""
    for col in ("actor", "target"):
        _set(replay, "events", replay.tables["events"][col] == old, **{col: new})


def _set_actor(replay: Replay, mask: pd.Series, row: int) -> None:
    """Point the mentions in ``mask`` at actor ``row``, and follow with relations/events
    in sentences where their old actor is no longer named."""
    actor = replay.tables["actors"].loc[row]
    mentions = replay.tables["mentions"]
    moved = mentions.loc[mask, ["report_id", "sentence_id", "entity_id", "canonical"]]
    kind = mentions.kind.where(mentions.kind.isin(ACTOR_KINDS), "actor")
    _set(replay, "mentions", mask, entity_id=actor.actor_id, canonical=actor.canonical,
         actor_type=actor.actor_type, kind=kind[mask])  # fmt: skip
    mentions, relations = replay.tables["mentions"], replay.tables["relations"]
    for (rid, sid, old_id, old_name), _ in moved.groupby(list(moved.columns), dropna=True):
        same = _b(mentions.report_id == rid) & _b(mentions.sentence_id == sid)
        if (same & _actor_mask(replay, old_id)).any():
            continue  # still named in that sentence: its edges may be its own
        in_rel = _b(relations.report_id == rid) & _b(relations.sentence_id == sid)
        for col in ("source_actor", "target_actor"):
            _set(replay, "relations", in_rel & (relations[col] == old_id), **{col: actor.actor_id})
        events = replay.tables["events"]
        in_ev = _b(events.report_id == rid) & _b(events.sentence_id == sid)
        for col in ("actor", "target"):
            _set(replay, "events", in_ev & (events[col] == old_name), **{col: actor.canonical})
    _clean_relations(replay)
    _touch(replay, mask)


def _clean_relations(replay: Replay) -> None:
    relations = replay.tables["relations"]
    keep = relations.source_actor != relations.target_actor
    replay.tables["relations"] = relations[keep].drop_duplicates().reset_index(drop=True)


def _new_actor(replay: Replay, canonical: str, *, like: pd.Series | None, actor_type: str | None):
    """Add a user-made actor (id ``user:<folded name>``) unless it exists; return its row."""
    actor_id = "user:" + fold(canonical).replace(" ", "-")
    actors = replay.tables["actors"]
    hits = actors.index[actors.actor_id == actor_id]
    if len(hits):
        return hits[0]
    row = {
        "actor_id": actor_id, "canonical": canonical, "aliases": [], "n_mentions": 0,
        "n_reports": 0, "is_new": True, "source": "user",
        "actor_type": actor_type or (like["actor_type"] if like is not None else "other"),
        "country": like["country"] if like is not None else None,
    }  # fmt: skip
    new = schema.conform([row], "actors")
    if len(actors):  # keep the row labels other steps hold
        new.index = [actors.index.max() + 1]
        new = pd.concat([actors, new])
    replay.tables["actors"] = new
    return new.index[-1]


def _mention(replay: Replay, p: dict) -> pd.Series:
    m = replay.tables["mentions"]
    mask = (
        _b(m.report_id == p["report_id"])
        & _b(m.start == int(p["start"]))
        & _b(m.end == int(p["end"]))
        & _b(m.text == p["text"])
    )
    if not mask.any():
        raise _Stale(f"no mention {p['text']!r} at {p['report_id']}:{p['start']}-{p['end']}")
    return mask


def _set_canonical(replay: Replay, p: dict) -> None:
    mask = _mention(replay, p)
    old = set(replay.tables["mentions"].entity_id[mask].dropna())
    row = _find(replay, "actors", p["actor"])
    if row is None:
        name = p["actor"]["name"] if isinstance(p["actor"], Mapping) else str(p["actor"])
        row = _new_actor(replay, name, like=None, actor_type=p.get("actor_type"))
    p["actor"] = _ref(replay, "actors", row)
    _set_actor(replay, mask, row)
    _recount(replay, old | {p["actor"]["id"]})


def _merge_actors(replay: Replay, p: dict) -> str:
    into = p.get("into", p["actors"][0])
    target = _find(replay, "actors", into)
    if target is None:
        raise _Stale(f"no actor {_label(into)}")
    p["into"] = _ref(replay, "actors", target)
    found, missing = [], []
    for i, name in enumerate(p["actors"]):
        row = _find(replay, "actors", name)
        if row is None:
            missing.append(_label(name))
            continue
        p["actors"][i] = _ref(replay, "actors", row)
        if row != target and row not in found:
            found.append(row)
    if not found:
        raise _Stale(f"nothing to merge into {_label(p['into'])}: {', '.join(missing)} gone")
    actors = replay.tables["actors"]
    keep_id, keep_name = actors.at[target, "actor_id"], actors.at[target, "canonical"]
    for row in found:
        old_id = actors.at[row, "actor_id"]
        _set_actor(replay, _actor_mask(replay, old_id), target)
        for col in ("source_actor", "target_actor"):
            relations = replay.tables["relations"]
            _set(replay, "relations", relations[col] == old_id, **{col: keep_id})
        _clean_relations(replay)
        _rename_everywhere(replay, actors.at[row, "canonical"], keep_name)
        replay.redirects[old_id] = keep_id
    replay.tables["actors"] = actors.drop(index=found)
    _recount(replay, [keep_id])
    if p.get("canonical"):
        _rename_actor(replay, {"actor": p["into"], "canonical": p["canonical"]})
    return f"{', '.join(missing)} no longer found" if missing else ""


def _split_actor(replay: Replay, p: dict) -> None:
    row = _need(replay, "actors", p, "actor")
    actors = replay.tables["actors"]
    old_id, forms = actors.at[row, "actor_id"], {fold(a) for a in p["aliases"]}
    mask = _actor_mask(replay, old_id) & replay.tables["mentions"].text.map(fold).isin(forms)
    if not mask.any():
        raise _Stale(f"{_label(p['actor'])} has no mention written {', '.join(p['aliases'])}")
    canonical = p.get("canonical") or p["aliases"][0]
    new_row = _new_actor(replay, canonical, like=actors.loc[row], actor_type=p.get("actor_type"))
    _set_actor(replay, mask, new_row)
    _recount(replay, [old_id, replay.tables["actors"].at[new_row, "actor_id"]])


def _rename_actor(replay: Replay, p: dict) -> None:
    row = _need(replay, "actors", p, "actor")
    old = replay.tables["actors"].at[row, "canonical"]
    _set(replay, "actors", row, canonical=p["canonical"])
    mask = _actor_mask(replay, replay.tables["actors"].at[row, "actor_id"])
    _set(replay, "mentions", mask, canonical=p["canonical"])
    _rename_everywhere(replay, old, p["canonical"])
    _touch(replay, mask)


def _set_actor_type(replay: Replay, p: dict) -> None:
    row = _need(replay, "actors", p, "actor")
    _set(replay, "actors", row, actor_type=p["actor_type"])
    mask = _actor_mask(replay, replay.tables["actors"].at[row, "actor_id"])
    _set(replay, "mentions", mask, actor_type=p["actor_type"])
    _touch(replay, mask)


def _confirm_actor(replay: Replay, p: dict) -> None:
    row = _need(replay, "actors", p, "actor")
    _set(replay, "actors", row, is_new=False)
    replay.confirmed.add(replay.tables["actors"].at[row, "actor_id"])
    _touch(replay, _actor_mask(replay, replay.tables["actors"].at[row, "actor_id"]))


def _set_place_coords(replay: Replay, p: dict) -> None:
    row = _need(replay, "places", p, "place")
    old, place_id = (
        replay.tables["places"].at[row, "name"],
        replay.tables["places"].at[row, "place_id"],
    )
    extra = {c: p[c] for c in ("geo_precision", "name", "country") if p.get(c) is not None}
    _set(replay, "places", row, latitude=p["latitude"], longitude=p["longitude"], resolved=True,
         **extra)  # fmt: skip
    m = replay.tables["mentions"]
    mask = _b(m.kind == "place") & _b(m.entity_id == place_id)
    if p.get("name"):
        _set(replay, "mentions", mask, canonical=p["name"])
        _set(replay, "events", replay.tables["events"].location == old, location=p["name"])
    _touch(replay, mask)


def _events(replay: Replay, p: dict) -> pd.Series:
    e = replay.tables["events"]
    mask = (
        _b(e.report_id == p["report_id"])
        & _b(e.sentence_id == int(p["sentence_id"]))
        & _b(e.actor == p["actor"])
        & _b(e.action == p["action"])
    )
    if not mask.any():
        raise _Stale(f"no event {p['actor']} {p['action']} in {p['report_id']}:{p['sentence_id']}")
    replay.touched.add(str(p["report_id"]))
    return mask


def _edit_event(replay: Replay, p: dict) -> None:
    changes = dict(p["changes"])
    if changes.get("date"):
        changes["date"] = pd.Timestamp(changes["date"])
    _set(replay, "events", _events(replay, p), **changes)
    replay.tables["events"] = schema.conform(replay.tables["events"], "events")


def _reject_event(replay: Replay, p: dict) -> None:
    mask = _events(replay, p)
    replay.tables["events"] = replay.tables["events"][~mask].reset_index(drop=True)


_APPLY = {
    "set_canonical": _set_canonical,
    "merge_actors": _merge_actors,
    "split_actor": _split_actor,
    "rename_actor": _rename_actor,
    "set_actor_type": _set_actor_type,
    "confirm_actor": _confirm_actor,
    "set_place_coords": _set_place_coords,
    "edit_event": _edit_event,
    "reject_event": _reject_event,
}


# -- payload checks and scoring ------------------------------------------------------


def _integer(kind: str, name: str, value: Any) -> int:
    try:
        if isinstance(value, bool) or float(value) != int(float(value)):
            raise ValueError
        return int(float(value))
    except (TypeError, ValueError):
        raise CorrectionError(f"{kind}: {name} must be a whole number, not {value!r}") from None


def _number(kind: str, name: str, value: Any) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        raise CorrectionError(f"{kind}: {name} must be a number, not {value!r}") from None


def _allowed(kind: str, name: str, value: Any, allowed: tuple[str, ...]) -> None:
    if value is not None and value not in allowed:
        raise CorrectionError(f"{kind}: {name} {value!r} is not one of {', '.join(allowed)}")


def _names(kind: str, name: str, value: Any) -> list:
    items = [value] if isinstance(value, (str, Mapping)) else list(value)
    if not items or any(not isinstance(v, (str, Mapping)) or not v for v in items):
        raise CorrectionError(f"{kind}: {name} must be a list of names or ids")
    return copy.deepcopy(items)


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
