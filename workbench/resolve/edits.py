"""Table-level corrections: how each kind edits the resolved tables during a replay.

``workbench.resolve.corrections`` decides which ledger entries are in force and replays
them; each function here applies one kind to a :class:`Replay`, or raises
:class:`Stale` when its target is no longer in the tables (the entry is kept).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from workbench import schema
from workbench.resolve import events as coding
from workbench.text import fold


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


def as_mask(mask: pd.Series) -> pd.Series:
    """A plain boolean mask (comparisons with missing values give ``<NA>``)."""
    return mask.fillna(False).astype(bool)


class Stale(Exception):
    """The correction's target is not in the tables."""


def find(replay: Replay, table: str, ref: Any) -> int | None:
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
    row = find(replay, table, payload[key])
    if row is None:
        raise Stale(f"no {table[:-1]} {_label(payload[key])}")
    payload[key] = ref_of(replay, table, row)
    return row


def ref_of(replay: Replay, table: str, row: int) -> dict[str, str]:
    """How a payload names actor or place ``row``: ``{id, name}``."""
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


def follow_actors(replay: Replay, moves: Mapping[str, str], where: pd.Series | None = None) -> None:
    """Point events at actors' new ids, names and codes: ``moves`` maps an actor id to
    the id it now has (itself, after a rename or a new type); ``where`` limits the rows.
    Only the events of those actors are rebuilt: a replay runs this for every correction."""
    events = replay.tables["events"]
    if events.empty or not moves:
        return
    ids = list(moves)
    hit = as_mask(events.actor1_id.isin(ids)) | as_mask(events.actor2_id.isin(ids))
    if where is not None:
        hit &= where.to_numpy(dtype=bool)
    if not hit.any():
        return
    actors = replay.tables["actors"].drop_duplicates("actor_id").set_index("actor_id")
    rows = events[hit].to_dict("records")
    for row in rows:
        for slot in (1, 2):
            old = row.get(f"actor{slot}_id")
            new = moves.get(old) if isinstance(old, str) else None
            if new is None or new not in actors.index:
                continue
            info = actors.loc[new]
            actor = {"entity_id": new, "canonical": info.canonical, "actor_type": info.actor_type}
            country = row.get("country") if isinstance(row.get("country"), str) else None
            row.update(coding.actor_columns(actor, slot, country))
            row.update(coding.interaction_columns(row))
    changed = schema.conform(rows, "events").set_index(events.index[hit])
    out = events.copy(deep=False)
    for col in changed.columns:
        column = out[col].to_numpy(dtype=object, copy=True)
        column[hit.to_numpy()] = changed[col].to_numpy(dtype=object)
        out[col] = column
    replay.tables["events"] = schema.conform(out, "events")


def _set_actor(replay: Replay, mask: pd.Series, row: int) -> None:
    """Point the mentions in ``mask`` at actor ``row``, and follow with relations/events
    in sentences where their old actor is no longer named."""
    actor = replay.tables["actors"].loc[row]
    mentions = replay.tables["mentions"]
    moved = mentions.loc[mask, ["report_id", "sentence_id", "entity_id", "canonical"]]
    kind = mentions.kind.where(mentions.kind.isin(schema.ACTOR_KINDS), "actor")
    _set(
        replay,
        "mentions",
        mask,
        entity_id=actor.actor_id,
        canonical=actor.canonical,
        actor_type=actor.actor_type,
        kind=kind[mask],
    )
    mentions, relations = replay.tables["mentions"], replay.tables["relations"]
    for (rid, sid, old_id, _name), _ in moved.groupby(list(moved.columns), dropna=True):
        same = as_mask(mentions.report_id == rid) & as_mask(mentions.sentence_id == sid)
        if (same & _actor_mask(replay, old_id)).any():
            continue  # still named in that sentence: its edges may be its own
        in_rel = as_mask(relations.report_id == rid) & as_mask(relations.sentence_id == sid)
        for col in ("source_actor", "target_actor"):
            _set(replay, "relations", in_rel & (relations[col] == old_id), **{col: actor.actor_id})
        events = replay.tables["events"]
        in_ev = as_mask(events.report_id == rid) & as_mask(events.sentence_id == sid)
        follow_actors(replay, {old_id: actor.actor_id}, where=in_ev)
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
        "actor_id": actor_id,
        "canonical": canonical,
        "aliases": [],
        "n_mentions": 0,
        "n_reports": 0,
        "is_new": True,
        "source": "user",
        "actor_type": actor_type or (like["actor_type"] if like is not None else "other"),
        "country": like["country"] if like is not None else None,
    }
    new = schema.conform([row], "actors")
    if len(actors):  # keep the row labels other steps hold
        new.index = [actors.index.max() + 1]
        new = pd.concat([actors, new])
    replay.tables["actors"] = new
    return new.index[-1]


def _mention(replay: Replay, p: dict) -> pd.Series:
    m = replay.tables["mentions"]
    mask = (
        as_mask(m.report_id == p["report_id"])
        & as_mask(m.start == int(p["start"]))
        & as_mask(m.end == int(p["end"]))
        & as_mask(m.text == p["text"])
    )
    if not mask.any():
        raise Stale(f"no mention {p['text']!r} at {p['report_id']}:{p['start']}-{p['end']}")
    return mask


def _set_canonical(replay: Replay, p: dict) -> None:
    mask = _mention(replay, p)
    old = set(replay.tables["mentions"].entity_id[mask].dropna())
    row = find(replay, "actors", p["actor"])
    if row is None:
        name = p["actor"]["name"] if isinstance(p["actor"], Mapping) else str(p["actor"])
        row = _new_actor(replay, name, like=None, actor_type=p.get("actor_type"))
    p["actor"] = ref_of(replay, "actors", row)
    _set_actor(replay, mask, row)
    _recount(replay, old | {p["actor"]["id"]})


def _merge_actors(replay: Replay, p: dict) -> str:
    into = p.get("into", p["actors"][0])
    target = find(replay, "actors", into)
    if target is None:
        raise Stale(f"no actor {_label(into)}")
    p["into"] = ref_of(replay, "actors", target)
    found, missing = [], []
    for i, name in enumerate(p["actors"]):
        row = find(replay, "actors", name)
        if row is None:
            missing.append(_label(name))
            continue
        p["actors"][i] = ref_of(replay, "actors", row)
        if row != target and row not in found:
            found.append(row)
    if not found:
        raise Stale(f"nothing to merge into {_label(p['into'])}: {', '.join(missing)} gone")
    actors = replay.tables["actors"]
    keep_id = actors.at[target, "actor_id"]
    for row in found:
        old_id = actors.at[row, "actor_id"]
        _set_actor(replay, _actor_mask(replay, old_id), target)
        for col in ("source_actor", "target_actor"):
            relations = replay.tables["relations"]
            _set(replay, "relations", relations[col] == old_id, **{col: keep_id})
        _clean_relations(replay)
        follow_actors(replay, {old_id: keep_id})
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
        raise Stale(f"{_label(p['actor'])} has no mention written {', '.join(p['aliases'])}")
    canonical = p.get("canonical") or p["aliases"][0]
    new_row = _new_actor(replay, canonical, like=actors.loc[row], actor_type=p.get("actor_type"))
    _set_actor(replay, mask, new_row)
    _recount(replay, [old_id, replay.tables["actors"].at[new_row, "actor_id"]])


def _rename_actor(replay: Replay, p: dict) -> None:
    row = _need(replay, "actors", p, "actor")
    _set(replay, "actors", row, canonical=p["canonical"])
    mask = _actor_mask(replay, replay.tables["actors"].at[row, "actor_id"])
    _set(replay, "mentions", mask, canonical=p["canonical"])
    actor_id = replay.tables["actors"].at[row, "actor_id"]
    follow_actors(replay, {actor_id: actor_id})
    _touch(replay, mask)


def _set_actor_type(replay: Replay, p: dict) -> None:
    row = _need(replay, "actors", p, "actor")
    _set(replay, "actors", row, actor_type=p["actor_type"])
    mask = _actor_mask(replay, replay.tables["actors"].at[row, "actor_id"])
    _set(replay, "mentions", mask, actor_type=p["actor_type"])
    actor_id = replay.tables["actors"].at[row, "actor_id"]
    follow_actors(replay, {actor_id: actor_id})  # its inter code follows its type
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
    _set(
        replay,
        "places",
        row,
        latitude=p["latitude"],
        longitude=p["longitude"],
        resolved=True,
        **extra,
    )
    m = replay.tables["mentions"]
    mask = as_mask(m.kind == "place") & as_mask(m.entity_id == place_id)
    if p.get("name"):
        _set(replay, "mentions", mask, canonical=p["name"])
        events = replay.tables["events"]
        here = as_mask(events.place_id == place_id) | as_mask(events.location == old)
        _set(replay, "events", here, location=p["name"])
    _touch(replay, mask)


APPLY = {
    "set_canonical": _set_canonical,
    "merge_actors": _merge_actors,
    "split_actor": _split_actor,
    "rename_actor": _rename_actor,
    "set_actor_type": _set_actor_type,
    "confirm_actor": _confirm_actor,
    "set_place_coords": _set_place_coords,
}
