"""Incidents: the events, of one report or several, that describe one happening.

The same attack reported by a wire, two local outlets and a ministry is four events;
counted four times it quadruples its actor's involvement and its deaths (GDELT's
well-known failure). ACLED's coders merge by hand: "same day and place, same actors,
same type of activity". This module does it by rule, and the analyst corrects the rule
with ledger entries keyed by event ids (``merge_incidents``, ``split_incident``,
``separate_incidents``: see :data:`KINDS`), replayed on every build.

Two events are one incident when

* their actors are compatible: the same actor 1, or one of them unknown, and likewise
  actor 2 (for battles either way round: "A clashed with B" is "B attacked A");
* their action family (ACLED's event type) is the same;
* their places are within :data:`NEAR_KM` of each other at the coarser of the two geo
  precisions (a town, or "near" one), or in the same first-level admin area when the
  coarser is a region, or are the same place (a facility counts as its town);
* their dates are within :data:`DAY_WINDOW` days at the coarser time precision (two days,
  a week, the same month). An event with no date of its own already carries its report's date
  at week precision (``resolve.events``); one with no date at all (an undated report)
  matches only the events of its own report.

An event with no place (or only its country) shares no place to compare: it joins the
one incident of its country, type, dates and a shared named actor that is placed, or
failing that an unplaced one of the same day, at a lower confidence; where two placed incidents
fit it equally it stays alone. Matching never compares all pairs: events are sorted by
country, event type and date, and each is compared only with those within its own
date window (a sweep), so the work grows with the events times their neighbours in one
country, type and window, not with the square of the events.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np
import pandas as pd

from workbench import schema

#: Kinds of incident correction (payload ``event_ids``, a list of event ids):
#: the incidents holding these events are one; these events are an incident of their
#: own (no automatic match joins them to any other event); no two of these events are
#: ever in one incident ("not the same incident").
KINDS = ("merge_incidents", "split_incident", "separate_incidents")
#: Kilometres within which two places are one, by the coarser geo precision (1 town, 2 near).
NEAR_KM = {1: 10.0, 2: 25.0}
#: Days within which two dates are one, by the coarser time precision: 1 day (two days
#: either side), 2 week, 3 month (a month's date is its middle: the other is in that month).
DAY_WINDOW = {1: 2, 2: 7, 3: 16}
#: Confidence factors: a match on the admin area only, on the country only (no place),
#: and a member dated only by its report.
ADMIN_FACTOR, COUNTRY_FACTOR, REPORT_DATE_FACTOR = 0.85, 0.6, 0.8

_LEVELS = ("place", "admin area", "country")  # strongest first, as schema.INCIDENT_BASES
_UNKNOWN = {"", schema.UNIDENTIFIED_ID}


def build_incidents(
    events: pd.DataFrame,
    *,
    places: pd.DataFrame | None = None,
    reports: pd.DataFrame | None = None,
    entries: Iterable[Mapping[str, Any]] = (),
) -> pd.DataFrame:
    """Return the ``incidents`` table (``schema.COLUMNS["incidents"]``) of ``events``.

    ``places`` gives coordinates and admin areas (without it only the same place
    matches); ``reports`` their publication dates (an event dated by its report counts
    as having no date of its own, so its incident's confidence is lower); ``entries``
    are the incident corrections in force, oldest first (ledger entries, or their
    payloads, of a kind in :data:`KINDS`).

    Examples
    --------
    >>> ev = schema.conform([
    ...     {"event_id": "b", "report_id": "r2", "actor1_id": "is", "actor1": "IS",
    ...      "event_type": "Battles", "country": "Iraq", "place_id": "mosul",
    ...      "date": "2024-01-02", "time_precision": 1, "geo_precision": 1, "fatalities": 9},
    ...     {"event_id": "a", "report_id": "r1", "actor1_id": "is", "actor1": "IS",
    ...      "event_type": "Battles", "country": "Iraq", "place_id": "mosul",
    ...      "date": "2024-01-01", "time_precision": 1, "geo_precision": 1, "fatalities": 5}],
    ...     "events")
    >>> inc = build_incidents(ev)
    >>> inc.incident_id.tolist(), inc.n_reports.tolist(), inc.fatalities_max.tolist()
    (['a'], [2], [9])
    >>> int(inc.fatalities.iloc[0]), inc.basis.tolist()
    (5, ['place'])
    """
    if events is None or events.empty:
        return schema.empty("incidents")
    events = events.reset_index(drop=True)
    feats = _features(events, places, reports)
    labels, levels, analyst = _cluster(feats, _constraints(events, entries))
    return _summarise(events, feats, labels, levels, analyst)


def incident_rows(events: pd.DataFrame, incidents: pd.DataFrame) -> pd.DataFrame:
    """``events`` collapsed to one row per incident, in the events table's columns: the
    incident's headline fields, and as ``event_id`` the ids of its events in ``events``
    joined by ``"|"`` (what a chart mark carries), so an event chart counts incidents.

    Events of no incident in ``incidents`` stay rows of their own.

    Examples
    --------
    >>> ev = schema.conform([{"event_id": e, "report_id": r, "action": "airstrike"}
    ...                      for e, r in (("a", "r1"), ("b", "r2"))], "events")
    >>> inc = schema.conform([{"incident_id": "a", "event_ids": ["a", "b"],
    ...                        "lead_event_id": "a", "action": "airstrike"}], "incidents")
    >>> incident_rows(ev, inc).event_id.tolist()
    ['a|b']
    """
    if events.empty or incidents.empty:
        return events
    keys = events.event_id.map(event_incidents(incidents)).fillna(events.event_id)
    ids = events.groupby(keys, sort=False).event_id.agg("|".join)
    head = incidents.set_index("incident_id")
    head = head[head.index.isin(ids.index)]
    lead = events.drop_duplicates("event_id").set_index("event_id").reindex(head.lead_event_id)
    shared = [c for c in schema.COLUMNS["events"] if c in head.columns and c != "event_id"]
    rows = lead.reset_index(drop=True).assign(**{c: head[c].to_numpy() for c in shared})
    rows["event_id"] = ids.reindex(head.index).to_numpy()
    rows["report_id"] = head.report_ids.map(lambda r: r[0] if r else None).to_numpy()
    alone = events[~keys.isin(head.index)]
    return schema.conform(pd.concat([rows, alone], ignore_index=True), "events")


def event_incidents(incidents: pd.DataFrame) -> dict[str, str]:
    """``event_id -> incident_id`` for every event of ``incidents``."""
    return {
        e: i for i, ids in zip(incidents.incident_id, incidents.event_ids, strict=True) for e in ids
    }


def check_entry(events: pd.DataFrame, payload: Mapping[str, Any], kind: str) -> str:
    """Why an incident correction cannot apply to ``events`` (``""`` if it can): the
    events it names must be there, at least two of them except for a split."""
    named = list(dict.fromkeys(payload.get("event_ids") or []))
    present = set(events.event_id[events.event_id.isin(named)])
    missing = [e for e in named if e not in present]
    if len(present) < (1 if kind == "split_incident" else 2):
        return f"no event {', '.join(missing)}" if missing else "name at least two events"
    return ""


# -- matching ------------------------------------------------------------------------


def _features(
    events: pd.DataFrame, places: pd.DataFrame | None, reports: pd.DataFrame | None
) -> pd.DataFrame:
    """What matching compares, one row per event (same positions as ``events``)."""
    place_cols = ["place_id", "feature", "latitude", "longitude", "admin1_code", "parent_place_id"]
    pl = places if places is not None and len(places) else schema.empty("places")
    pl = pl[place_cols].dropna(subset=["place_id"]).drop_duplicates("place_id")
    info = events[["place_id"]].merge(pl, on="place_id", how="left")
    published: dict = {}
    if reports is not None and len(reports):
        published = dict(zip(reports.report_id, reports.published, strict=True))
    date = pd.to_datetime(events.date, errors="coerce")
    report_day = pd.to_datetime(events.report_id.map(published), errors="coerce")
    report_day = report_day.astype("datetime64[us]").dt.normalize()
    tp = events.time_precision.fillna(2).clip(1, 3).astype(int)
    own_date = date.notna() & ~((tp == 2) & (date.dt.normalize() == report_day))
    date = date.fillna(report_day)
    day = (date - pd.Timestamp("1970-01-01")).dt.days
    has_place = events.place_id.notna() & (info.feature.fillna("") != "country").to_numpy()
    key = info.parent_place_id.fillna(info.place_id).fillna("").to_numpy(dtype=object)
    return pd.DataFrame(
        {
            # an event with no date at all matches only the events of its own report
            "block": (
                events.country.fillna("")
                + "\0"
                + _family(events)
                + np.where(date.isna(), "\0" + events.report_id.fillna(""), "")
            ).to_numpy(),
            "day": day.fillna(0).astype("int64").to_numpy(),
            "dated": events.country.notna().to_numpy(),
            "tp": tp.to_numpy(),
            "own_date": own_date.to_numpy(),
            "a1": events.actor1_id.fillna("").to_numpy(dtype=object),
            "a2": events.actor2_id.fillna("").to_numpy(dtype=object),
            "battle": (events.event_type.fillna("") == "Battles").to_numpy(),
            "placed": has_place.to_numpy(),
            "place": key,
            "lat": np.radians(info.latitude.to_numpy(dtype=float)),
            "lon": np.radians(info.longitude.to_numpy(dtype=float)),
            "admin1": info.admin1_code.fillna("").to_numpy(dtype=object),
            "gp": events.geo_precision.fillna(2).clip(1, 3).astype(int).to_numpy(),
        }
    )


def _family(events: pd.DataFrame) -> pd.Series:
    """ACLED's event type, else the action: what "the same type of activity" means."""
    return events.event_type.fillna(events.action).fillna("")


def _candidates(f: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Pairs of event positions in one block whose dates fall in the wider one's window:
    a sweep over the events sorted by block and date, never all pairs."""
    usable = np.flatnonzero(f.dated.to_numpy())
    codes = pd.factorize(f.block.to_numpy()[usable])[0]
    order = usable[np.lexsort((f.day.to_numpy()[usable], codes))]
    block = pd.factorize(f.block.to_numpy()[order])[0]
    day, reach = f.day.to_numpy()[order], _window(f.tp.to_numpy()[order])
    n, found = len(order), []
    for step in (1, -1):  # forward by each event's own window; back for the wider ones
        active = np.arange(n) if step == 1 else np.flatnonzero(reach > DAY_WINDOW[1])
        gap = 1
        while active.size:
            other = active + step * gap
            inside = (other >= 0) & (other < n)
            active, other = active[inside], other[inside]
            near = (block[other] == block[active]) & (
                np.abs(day[other] - day[active]) <= reach[active]
            )
            active, other = active[near], other[near]
            found.append((np.minimum(active, other), np.maximum(active, other)))
            gap += 1
    if not found:
        return np.array([], dtype=int), np.array([], dtype=int)
    lo, hi = (np.concatenate(parts) for parts in zip(*found, strict=True))
    pairs = np.unique(lo.astype(np.int64) * n + hi)
    a, b = order[pairs // n], order[pairs % n]
    return np.minimum(a, b), np.maximum(a, b)


def _window(tp: np.ndarray) -> np.ndarray:
    return np.select([tp <= 1, tp == 2], [DAY_WINDOW[1], DAY_WINDOW[2]], DAY_WINDOW[3])


def _edges(f: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Candidate pairs that match: ``(i, j, level, gap)``, level an index of ``_LEVELS``
    (2 when either event has no place: a weak edge)."""
    i, j = _candidates(f)
    col = {c: f[c].to_numpy() for c in f.columns}
    gap = np.abs(col["day"][i] - col["day"][j])
    in_time = gap <= _window(np.maximum(col["tp"][i], col["tp"][j]))
    a1i, a1j, a2i, a2j = col["a1"][i], col["a1"][j], col["a2"][i], col["a2"][j]
    known = {
        k: ~np.isin(v, list(_UNKNOWN))
        for k, v in (("a1i", a1i), ("a1j", a1j), ("a2i", a2i), ("a2j", a2j))
    }

    def fits(x, kx, y, ky):
        return (x == y) | ~kx | ~ky

    straight = fits(a1i, known["a1i"], a1j, known["a1j"]) & fits(
        a2i, known["a2i"], a2j, known["a2j"]
    )
    mirror = ((a1i == a2j) & known["a1i"]) | ((a2i == a1j) & known["a2i"])
    swapped = (
        fits(a1i, known["a1i"], a2j, known["a2j"])
        & fits(a2i, known["a2i"], a1j, known["a1j"])
        & mirror  # the same two sides seen from either one, not any two lone actors
    )
    actors = straight | (col["battle"][i] & swapped)
    shared_actor = (
        ((a1i == a1j) & known["a1i"]) | ((a2i == a2j) & known["a2i"]) | (col["battle"][i] & mirror)
    )
    both = col["placed"][i] & col["placed"][j]
    precision = np.maximum(col["gp"][i], col["gp"][j])
    km = _km(col["lat"][i], col["lon"][i], col["lat"][j], col["lon"][j])
    limit = np.select([precision <= 1, precision == 2], [NEAR_KM[1], NEAR_KM[2]], -1.0)
    same = (col["place"][i] == col["place"][j]) & (col["place"][i] != "")
    near = same | (np.nan_to_num(km, nan=np.inf) <= limit)
    admin = (precision >= 3) & (col["admin1"][i] == col["admin1"][j]) & (col["admin1"][i] != "")
    strong = in_time & actors & both & (near | admin)
    weak = in_time & actors & ~both & shared_actor
    keep = strong | weak
    level = np.where(~both, 2, np.where(near, 0, 1))[keep]
    return i[keep], j[keep], level, gap[keep]


def _km(lat1, lon1, lat2, lon2) -> np.ndarray:
    """Great-circle distance in kilometres (NaN where a place has no coordinates)."""
    a = (
        np.sin((lat2 - lat1) / 2) ** 2
        + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * 6371.0 * np.arcsin(np.sqrt(np.clip(a, 0, 1)))


class _Groups:
    """Union-find over event positions that refuses to join "not the same" events."""

    def __init__(self, n: int, apart: Iterable[tuple[int, int]]) -> None:
        self.parent = list(range(n))
        self.level = [-1] * n  # the weakest match inside each group (-1: one event)
        self.apart: dict[int, set[int]] = {}
        for a, b in apart:
            self.apart.setdefault(a, set()).add(b)
            self.apart.setdefault(b, set()).add(a)
        self.marked = {p: {p} for p in self.apart}  # root -> its members named in `apart`

    def find(self, x: int) -> int:
        parent = self.parent
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def join(self, a: int, b: int, level: int, *, force: bool = False) -> bool:
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return False
        ma, mb = self.marked.get(ra, set()), self.marked.get(rb, set())
        if not force and ma and mb and any(self.apart[x] & mb for x in ma):
            return False
        self.parent[rb] = ra
        self.level[ra] = max(self.level[ra], self.level[rb], level)
        if mb:
            self.marked[ra] = ma | self.marked.pop(rb)
        return True


def _constraints(events: pd.DataFrame, entries: Iterable[Mapping[str, Any]]) -> dict:
    """The incident corrections as event positions: forced groups, split-off groups,
    pairs kept apart. Events no longer in ``events`` are left out."""
    pos = {e: i for i, e in enumerate(events.event_id)}
    out: dict[str, list] = {k: [] for k in KINDS}
    for entry in entries:
        kind = entry.get("kind")
        payload = entry.get("payload", entry)
        if kind not in KINDS:
            continue
        group = sorted({pos[e] for e in payload.get("event_ids") or [] if e in pos})
        if group:
            out[kind].append(group)
    return out


def _cluster(f: pd.DataFrame, rules: dict) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each event's group label (a root position), each group's weakest level and
    whether an analyst's correction shaped it."""
    n = len(f)
    i, j, level, gap = _edges(f)
    split_of = np.full(n, -1)
    for k, group in enumerate(rules["split_incident"]):
        split_of[group] = k
    cut = (split_of[i] != split_of[j]) & ((split_of[i] >= 0) | (split_of[j] >= 0))
    i, j, level, gap = i[~cut], j[~cut], level[~cut], gap[~cut]
    apart = [(a, b) for g in rules["separate_incidents"] for a in g for b in g if a < b]
    groups = _Groups(n, apart)
    analyst = np.zeros(n, dtype=bool)
    for group in rules["merge_incidents"] + rules["split_incident"]:
        analyst[group] = True
        for other in group[1:]:
            groups.join(group[0], other, -1, force=True)
    strong = level < 2
    si, sj, sl = i[strong], j[strong], level[strong]
    for k in np.lexsort((gap[strong], sl)).tolist():  # best matches first
        groups.join(int(si[k]), int(sj[k]), int(sl[k]))
    _attach_unplaced(groups, f, i[~strong], j[~strong], gap[~strong])
    labels = np.fromiter((groups.find(x) for x in range(n)), dtype=np.int64, count=n)
    levels = np.asarray(groups.level)[labels]
    analyst_group = pd.Series(analyst).groupby(labels).transform("any").to_numpy()
    return labels, levels, analyst_group


def _attach_unplaced(groups: _Groups, f: pd.DataFrame, i, j, gap) -> None:
    """Each event with no place joins the one placed group its weak edges reach (the
    nearest in time), else an unplaced one of the same day (days apart with no place
    between them are two happenings as often as one: a daily strike summary); it stays
    alone when two placed groups fit it equally well."""
    placed = f.placed.to_numpy()
    roots = {x: groups.find(x) for x in set(i.tolist()) | set(j.tolist())}
    has_place = {}
    for x, r in roots.items():
        has_place[r] = has_place.get(r, False) or bool(placed[x])
    offers: dict[int, list[tuple]] = {}
    for a, b, g in zip(i.tolist(), j.tolist(), gap.tolist(), strict=True):
        for weak, other in ((a, b), (b, a)):
            r = roots[other]
            if not placed[weak] and r != roots[weak] and (has_place[r] or g == 0):
                offers.setdefault(weak, []).append((not has_place[r], g, r))
    for weak in sorted(offers):
        ranked = sorted(set(offers[weak]))
        best = ranked[0]
        tied = len(ranked) > 1 and ranked[1][:2] == best[:2] and not best[0]
        if not tied:
            groups.join(best[2], weak, 2)


# -- the incidents table -------------------------------------------------------------


def _summarise(
    events: pd.DataFrame,
    f: pd.DataFrame,
    labels: np.ndarray,
    levels: np.ndarray,
    analyst: np.ndarray,
) -> pd.DataFrame:
    """One row per group: its members and the best-supported of their fields."""
    ev = events.assign(_g=labels, _gp=f.gp, _tp=f.tp, _own=f.own_date)
    by_id = ev[["_g", "event_id"]].sort_values(["_g", "event_id"], kind="stable")
    reports = ev[["_g", "report_id"]].dropna().drop_duplicates()
    reports = reports.sort_values(["_g", "report_id"], kind="stable")
    out = pd.DataFrame({"event_ids": _lists(by_id, "event_id")})
    out["n_events"] = out.event_ids.str.len()
    out["report_ids"] = _lists(reports, "report_id").reindex(out.index)
    out["report_ids"] = out.report_ids.map(lambda r: r if isinstance(r, list) else [])
    out["incident_id"] = out.event_ids.str[0]
    out["n_reports"] = out.report_ids.str.len()
    choice = {
        "actor1_id": _best(ev, "actor1_id", known=True),
        "actor2_id": _best(ev, "actor2_id", known=True),
        "sub_event_type": _best(ev, "sub_event_type"),
        "place_id": _best(ev, "place_id", first=["_gp"]),
        "date": _best(ev, "date", first=["_tp"]),
    }
    lead = _lead(ev, choice)
    unique = ev.drop_duplicates("event_id").set_index("event_id")
    base = unique.loc[lead.reindex(out.index).to_numpy()]
    base.index = out.index
    for col in schema.COLUMNS["incidents"]:
        if col in base.columns and col not in out.columns:
            out[col] = base[col]
    out["lead_event_id"] = lead.reindex(out.index)
    sides = {
        "actor1_id": ["actor1", "acled_actor1", "inter1", "assoc_actor_1"],
        "actor2_id": ["actor2", "acled_actor2", "inter2", "assoc_actor_2"],
        "sub_event_type": ["event_type", "disorder_type", "action"],
        "place_id": ["location", "country", "geo_precision"],
        "date": ["time_precision"],
    }
    for key, dependents in sides.items():
        chosen = choice[key].reindex(out.index)
        has = chosen.notna()
        source = _first_with(ev, key, chosen[has])
        out.loc[has, key] = chosen[has]
        for col in dependents:
            out.loc[has, col] = source[col].to_numpy()
    fatal = _fatalities(ev)
    out = out.join(fatal)
    out["fatalities"] = out.fatalities_min
    out = out.assign(**_codes(out))
    out["basis"], out["confidence"] = _basis(ev, out.index, levels, analyst)
    return schema.conform(out.sort_values("incident_id").reset_index(drop=True), "incidents")


def _lists(rows: pd.DataFrame, col: str) -> pd.Series:
    """``rows[col]`` as one list per ``_g`` (rows sorted by ``_g``), without a Python
    call per group."""
    keys = rows._g.to_numpy()
    groups, starts = np.unique(keys, return_index=True)
    parts = np.split(rows[col].to_numpy(dtype=object), starts[1:])
    return pd.Series([p.tolist() for p in parts], index=pd.Index(groups, name="_g"), dtype=object)


def _best(ev: pd.DataFrame, col: str, *, known: bool = False, first=()) -> pd.Series:
    """Per group, the value of ``col`` the most reports give, then the most events
    (``first`` columns ranked before that, lowest first: the most precise); ties to the
    smallest value."""
    rows = ev[ev[col].notna()]
    if known:
        rows = rows[~rows[col].isin(_UNKNOWN)]
    if rows.empty:
        return pd.Series(dtype=object)
    keys = ["_g", *first, col]
    grouped = rows.groupby(keys, sort=False).report_id
    support = pd.DataFrame({"_n": grouped.nunique(), "_m": grouped.size()}).reset_index()
    if first:  # the most precise level first, then support within it
        top = support.groupby("_g")[list(first)].transform("min")
        support = support[(support[list(first)] == top).all(axis=1)]
    order = ["_g", "_n", "_m", col]  # most reports, then most events, then the smallest
    support = support.sort_values(order, ascending=[True, False, False, True], kind="stable")
    return support.drop_duplicates("_g").set_index("_g")[col]


def _first_with(ev: pd.DataFrame, col: str, chosen: pd.Series) -> pd.DataFrame:
    """For each group in ``chosen``, its first event whose ``col`` is the chosen value."""
    rows = ev[["_g", col]].assign(_pos=np.arange(len(ev)))
    hits = rows.merge(chosen.rename(col).reset_index(), on=["_g", col])
    pos = hits.drop_duplicates("_g").set_index("_g")._pos.reindex(chosen.index)
    return ev.iloc[pos.to_numpy()]


def _lead(ev: pd.DataFrame, choice: Mapping[str, pd.Series]) -> pd.Series:
    """Per group, the event agreeing most with its chosen fields (then with a death
    count, most confident, smallest id): its sentence is the incident's notes."""
    agree = np.zeros(len(ev))
    for col, chosen in choice.items():
        agree += (ev[col].to_numpy() == ev._g.map(chosen).to_numpy()).astype(float)
    score = ev.assign(
        _agree=agree,
        _dead=ev.fatalities.notna().astype(int),
        _conf=ev.confidence.fillna(0),
    ).sort_values(
        ["_g", "_agree", "_dead", "_conf", "event_id"],
        ascending=[True, False, False, False, True],
        kind="stable",
    )
    return score.drop_duplicates("_g").set_index("_g").event_id


def _fatalities(ev: pd.DataFrame) -> pd.DataFrame:
    """Min and max across reports of each report's highest count (unknown stays NA)."""
    known = ev[ev.fatalities.notna()]
    per_report = known.groupby(["_g", "report_id"]).fatalities.max()
    by = per_report.groupby(level="_g")
    return pd.DataFrame({"fatalities_min": by.min(), "fatalities_max": by.max()})


def _codes(out: pd.DataFrame) -> dict[str, list]:
    """ACLED's interaction and civilian targeting, recoded from the chosen fields."""
    from workbench.resolve.events import interaction_columns

    fields = out[["inter1", "inter2", "event_type"]].astype(object)
    rows = fields.where(fields.notna(), None).to_dict("records")
    coded = [interaction_columns(r) for r in rows]
    return {k: [c[k] for c in coded] for k in ("interaction", "civilian_targeting")}


def _basis(ev: pd.DataFrame, index: pd.Index, levels: np.ndarray, analyst: np.ndarray):
    """How each group was matched, and how sure: the members' mean confidence, lower
    for a match on the admin area or the country only, or a member dated by its report."""
    per = (
        pd.DataFrame(
            {
                "_g": ev._g,
                "level": levels,
                "analyst": analyst,
                "own": ev._own,
                "conf": ev.confidence.fillna(1.0),
            }
        )
        .groupby("_g")
        .agg(
            level=("level", "first"),
            analyst=("analyst", "first"),
            own=("own", "all"),
            conf=("conf", "mean"),
            n=("conf", "size"),
        )
    )
    per = per.reindex(index)
    level = per.level.clip(0, 2).to_numpy(dtype=int)
    basis = np.where(per.n == 1, "single", np.array(_LEVELS, dtype=object)[level])
    factor = np.select([per.level == 1, per.level == 2], [ADMIN_FACTOR, COUNTRY_FACTOR], 1.0)
    factor = factor * np.where(per.own | (per.n == 1), 1.0, REPORT_DATE_FACTOR)
    confidence = np.where(per.analyst, 1.0, per.conf * factor)
    basis = np.where(per.analyst & (per.n > 1), "analyst", basis)
    return basis, confidence.round(3)
