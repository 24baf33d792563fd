"""Filters over the corpus tables, consistent across tables, fast on a large corpus.

Everything here is plain data in, plain data out: the explorer panel
(``workbench.views.panels``) only wires widgets to :func:`filter_tables` and
:func:`workbench.views.evidence.evidence`.

Speed
-----
Filtering must redraw a 1M-mention corpus in well under 100 ms, and comparing
strings row by row cannot. So the string columns a filter touches are turned into
integer codes once per table (:func:`factorize`, memoised per DataFrame object) and
every filter is a lookup table indexed by those codes. Frames returned by
:func:`filter_tables` inherit their parent's codes, so charts drawn from them never
hash a string column again. Tables are treated as immutable: pandas' copy-on-write
means a frame derived from them never changes them; a frame edited in place must
not be filtered again (copy it first).
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Collection, Hashable, Iterable, Mapping
from typing import Any

import numpy as np
import pandas as pd

from workbench import schema

Tables = Mapping[str, pd.DataFrame]
_MEMO: dict[int, tuple[weakref.ref, int, dict[Hashable, Any]]] = {}


def factorize(frame: pd.DataFrame, column: str) -> tuple[np.ndarray, np.ndarray]:
    """Return integer codes for ``frame[column]`` (-1 where missing) and its unique values.

    Memoised per DataFrame object, so asking again is free; frames returned by
    :func:`filter_tables` come with their codes already known.

    Examples
    --------
    >>> codes, uniques = factorize(pd.DataFrame({"a": ["x", "y", "x", None]}), "a")
    >>> codes.tolist(), uniques.tolist()
    ([0, 1, 0, -1], ['x', 'y'])
    """
    return _memo(frame, column, lambda: _factorize(frame[column]))


def filter_tables(
    tables: Tables,
    *,
    actors: Collection[str] | None = None,
    actor_types: Collection[str] | None = None,
    actions: Collection[str] | None = None,
    date_range: tuple[Any, Any] | None = None,
    places: Collection[str] | None = None,
    outlets: Collection[str] | None = None,
    reports: Collection[str] | None = None,
    event_types: Collection[str] | None = None,
    sub_event_types: Collection[str] | None = None,
    min_fatalities: int | None = None,
) -> dict[str, pd.DataFrame]:
    """Return the tables cut down to what the filters keep, consistently across tables.

    ``None`` means "do not filter on this". Filters combine with AND.

    * ``reports``, ``outlets`` (``source_outlet``), ``date_range`` (inclusive
      ``(start, end)`` on ``published``; either end may be ``None``) keep reports, and
      everything in them.
    * ``actors`` (actor ids) and ``actor_types`` keep the matching actor and supporter
      mentions, the reports that name at least one of them (with their places, dates and
      persons), relations touching them, and events whose actor or target is one of them.
    * ``places`` (place ids) keeps those place mentions and the reports that name them.
    * ``actions`` keeps events with those actions and relations whose ``relation`` is
      one of those actions (``co_mention`` and ``support`` edges are not actions and stay).
    * ``event_types``, ``sub_event_types`` (ACLED's wording) and ``min_fatalities`` (at
      least that many reported deaths; an event whose toll is unknown is not kept, since
      unknown is not zero) keep events only: they describe what happened, so the reports,
      mentions and co-mention charts stay as they are.

    ``actors`` and ``places`` are cut to the ids still mentioned; their ``n_mentions`` and
    ``n_reports`` keep their corpus-wide values. Other tables pass through unchanged.

    Examples
    --------
    >>> reports = schema.conform([{"report_id": "r1", "source_outlet": "AFP"},
    ...                           {"report_id": "r2", "source_outlet": "BBC"}], "reports")
    >>> mentions = schema.conform([
    ...     {"report_id": "r1", "kind": "actor", "entity_id": "sdf"},
    ...     {"report_id": "r2", "kind": "actor", "entity_id": "isis"},
    ...     {"report_id": "r2", "kind": "place", "entity_id": "raqqa"}], "mentions")
    >>> out = filter_tables({"reports": reports, "mentions": mentions}, actors=["isis"])
    >>> out["reports"].report_id.tolist(), out["mentions"].entity_id.tolist()
    (['r2'], ['isis', 'raqqa'])
    """
    event_filters = {
        "event_types": event_types,
        "sub_event_types": sub_event_types,
        "min_fatalities": min_fatalities,
    }
    if all(v is None for v in (actors, actor_types, actions, date_range, places, outlets, reports)):
        out = dict(tables)
        if "events" in out and any(v is not None for v in event_filters.values()):
            none = {"allowed_actors": None, "actions": None, "place_ids": None, "date_range": None}
            out["events"] = _filter_events(out["events"], **none, **event_filters)
        return out
    rep = tables["reports"]
    keep_report = np.ones(len(rep), dtype=bool)
    if reports is not None:
        keep_report &= is_in(rep, "report_id", reports)
    if outlets is not None:
        keep_report &= is_in(rep, "source_outlet", outlets)
    if date_range is not None:
        keep_report &= in_range(rep["published"], date_range)

    m = tables.get("mentions", schema.empty("mentions"))
    m_report = report_positions(m, rep)  # position of each mention's report in `rep`, or -1
    is_actor = is_in(m, "kind", schema.ACTOR_KINDS)
    row_ok = np.ones(len(m), dtype=bool)
    allowed_actors: set[str] | None = None
    if actors is not None or actor_types is not None:
        allowed_actors = _allowed_actors(tables.get("actors"), actors, actor_types)
        hit = is_actor & is_in(m, "entity_id", allowed_actors)
        keep_report &= _reports_with(hit, m_report, len(rep))
        row_ok &= ~is_actor | hit
    if places is not None:
        is_place = is_in(m, "kind", ("place",))
        hit = is_place & is_in(m, "entity_id", places)
        keep_report &= _reports_with(hit, m_report, len(rep))
        row_ok &= ~is_place | hit

    out = dict(tables)
    out["reports"] = _take(rep, keep_report)
    remap = np.append(np.cumsum(keep_report) - 1, -1)  # old report position -> new (or -1)
    out["mentions"] = _take(m, row_ok & at_codes(keep_report, m_report))
    for name in ("mentions", "dates", "relations", "events"):
        if name not in tables:
            continue
        frame = tables[name]
        pos = report_positions(frame, rep)
        if name != "mentions":
            out[name] = _take(frame, at_codes(keep_report, pos))
            keep = at_codes(keep_report, pos)
        else:
            keep = row_ok & at_codes(keep_report, pos)
        new_pos = np.where(keep, remap[pos], -1)[keep]
        _memo(out[name], _positions_key(out["reports"]), lambda p=new_pos: p)
    if "relations" in out:
        out["relations"] = _filter_relations(out["relations"], allowed_actors, actions)
    if "events" in out:
        out["events"] = _filter_events(
            out["events"],
            allowed_actors=allowed_actors,
            actions=actions,
            place_ids=places,
            date_range=date_range,
            **event_filters,
        )
    kept = out["mentions"]
    if "actors" in tables:
        seen = _uniques_where(kept, "entity_id", is_in(kept, "kind", schema.ACTOR_KINDS))
        out["actors"] = _take(tables["actors"], is_in(tables["actors"], "actor_id", seen))
    if "places" in tables:
        seen = _uniques_where(kept, "entity_id", is_in(kept, "kind", ("place",)))
        out["places"] = _take(tables["places"], is_in(tables["places"], "place_id", seen))
    return out


def selection_counts(tables: Tables) -> list[tuple[int, str]]:
    """What a selection holds, as ``(count, noun)`` pairs for a status line: reports,
    actors, the mentions of those actors (not every place, date and person in their
    reports: an actor named 10 times has 10 mentions) and, if there is an events table,
    events.

    Examples
    --------
    >>> m = schema.conform([{"kind": "actor", "entity_id": "sdf", "report_id": "r"},
    ...                     {"kind": "place", "entity_id": "raqqa", "report_id": "r"}], "mentions")
    >>> selection_counts({"reports": schema.conform([{"report_id": "r"}], "reports"),
    ...                   "mentions": m, "actors": schema.conform([{"actor_id": "sdf"}], "actors")})
    [(1, 'report'), (1, 'actor'), (1, 'actor mention')]
    """
    m = tables["mentions"]
    actors = tables.get("actors", schema.empty("actors"))
    of_kept = is_in(m, "kind", schema.ACTOR_KINDS) & is_in(m, "entity_id", set(actors.actor_id))
    counts = [(len(tables["reports"]), "report"), (len(actors), "actor")]
    counts.append((int(of_kept.sum()), "actor mention"))
    if "events" in tables:
        counts.append((len(tables["events"]), "event"))
    return counts


def search_actors(
    actors: pd.DataFrame, text: str = "", *, actor_types: Collection[str] | None = None
) -> pd.DataFrame:
    """Return the actors whose canonical name, id or an alias contains ``text`` (any case)
    and, if ``actor_types`` is given, whose type is one of them (so that an actor list
    follows the type filter), most mentioned first.

    Examples
    --------
    >>> actors = schema.conform([
    ...     {"actor_id": "sdf", "canonical": "Syrian Democratic Forces", "aliases": ["SDF"],
    ...      "n_mentions": 5},
    ...     {"actor_id": "is", "canonical": "Islamic State", "aliases": ["ISIS"], "n_mentions": 9}],
    ...     "actors")
    >>> search_actors(actors, "sdf").canonical.tolist(), search_actors(actors).actor_id.tolist()
    (['Syrian Democratic Forces'], ['is', 'sdf'])
    """
    if actor_types is not None:
        actors = actors[actors.actor_type.isin(list(actor_types))]
    needle = text.strip().casefold()
    if needle:
        haystack = (
            actors.canonical.fillna("")
            + "\n"
            + actors.actor_id.fillna("")
            + "\n"
            + actors.aliases.map(lambda a: "\n".join(a) if isinstance(a, list) else "")
        )
        actors = actors[haystack.str.casefold().str.contains(needle, regex=False)]
    return actors.sort_values(["n_mentions", "canonical"], ascending=[False, True], kind="stable")


def date_options(tables: Tables, *, max_options: int = 200) -> list[pd.Timestamp]:
    """Return the sorted distinct ``published`` days (at most ``max_options``, evenly
    thinned but always keeping the first and last), for a date-range slider.

    Examples
    --------
    >>> reports = schema.conform([{"published": "2024-03-02"}, {"published": "2024-01-05"},
    ...                           {"published": None}], "reports")
    >>> [d.strftime("%Y-%m-%d") for d in date_options({"reports": reports})]
    ['2024-01-05', '2024-03-02']
    """
    days = pd.DatetimeIndex(tables["reports"]["published"].dropna()).normalize().unique()
    days = days.sort_values()
    if len(days) > max_options:
        pick = np.unique(np.linspace(0, len(days) - 1, max_options).round().astype(int))
        days = days[pick]
    return list(days)


def mention_sentences(tables: Tables, rows: Iterable[int]) -> list[str]:
    """Return the sentence around each mention at positions ``rows`` of ``tables["mentions"]``
    (``reports.body[sent_start:sent_end]``, or the title for headline mentions,
    ``sentence_id == -1``; "" where the report is missing).

    Examples
    --------
    >>> reports = pd.DataFrame({"report_id": ["r"], "body": ["One. Two here."]})
    >>> mentions = pd.DataFrame({"report_id": ["r"], "sent_start": [5], "sent_end": [14]})
    >>> mention_sentences({"reports": reports, "mentions": mentions}, [0])
    ['Two here.']
    """
    rows = np.asarray(list(rows), dtype=np.int64)
    m, rep = tables["mentions"], tables["reports"]
    where = report_positions(m, rep)[rows]
    bodies = rep["body"].to_numpy(dtype=object)
    titles = rep["title"].to_numpy(dtype=object) if "title" in rep else bodies
    s0 = m["sent_start"].to_numpy(dtype="float64")[rows]
    s1 = m["sent_end"].to_numpy(dtype="float64")[rows]
    in_title = (
        m["sentence_id"].to_numpy(dtype="float64")[rows] == -1
        if "sentence_id" in m
        else np.zeros(len(rows), dtype=bool)
    )
    out = []
    for w, a, b, t in zip(where, s0, s1, in_title, strict=True):
        text = (titles if t else bodies)[w] if w >= 0 else ""
        text = text if isinstance(text, str) else ""
        out.append(text[int(a) : int(b)] if not (np.isnan(a) or np.isnan(b)) else "")
    return out


# -- lookups over codes ------------------------------------------------------------------


def _memo(frame: pd.DataFrame | np.ndarray, key: Hashable, compute: Callable[[], Any]) -> Any:
    """``compute()``, remembered for this object (a DataFrame or an array) while it lives."""
    ident = id(frame)
    entry = _MEMO.get(ident)
    if entry is None or entry[0]() is not frame or entry[1] != len(frame):
        entry = (weakref.ref(frame, lambda _, i=ident: _MEMO.pop(i, None)), len(frame), {})
        _MEMO[ident] = entry
    cache = entry[2]
    if key not in cache:
        cache[key] = compute()
    return cache[key]


def _factorize(values: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    return np.asarray(codes, dtype=np.int64), np.asarray(uniques, dtype=object)


def is_in(frame: pd.DataFrame, column: str, values: Iterable[Any]) -> np.ndarray:
    """Boolean mask: ``frame[column]`` is one of ``values`` (a table lookup on the codes)."""
    codes, uniques = factorize(frame, column)
    wanted = values if isinstance(values, (set, frozenset)) else set(values)
    if len(wanted) < len(uniques) // 8:  # few values: find their codes, not every unique's
        index = _memo(uniques, "index", lambda: pd.Index(uniques))
        where = index.get_indexer(list(wanted)) if len(uniques) else np.zeros(0, int)
        lut = np.zeros(len(uniques), dtype=bool)
        lut[where[where >= 0]] = True
    else:
        lut = np.fromiter((u in wanted for u in uniques), dtype=bool, count=len(uniques))
    return at_codes(lut, codes)


def at_codes(lut: np.ndarray, codes: np.ndarray) -> np.ndarray:
    """``lut[codes]`` with ``False`` where the code is -1 (missing)."""
    return np.append(lut, False)[codes] if len(codes) else np.zeros(0, dtype=bool)


def sentence_keys(mentions: pd.DataFrame) -> np.ndarray:
    """Return one integer per mention naming its sentence (equal keys = same sentence of the
    same report; -1 where ``sentence_id`` is missing). Memoised like :func:`factorize`.

    Examples
    --------
    >>> m = pd.DataFrame({"report_id": ["a", "a", "b"], "sentence_id": [0, 0, 0]})
    >>> k = sentence_keys(m)
    >>> bool(k[0] == k[1] != k[2])
    True
    """

    def compute() -> np.ndarray:
        codes, _ = factorize(mentions, "report_id")
        sid = mentions["sentence_id"].to_numpy(dtype="float64", na_value=np.nan)
        stride = int(np.nanmax(sid)) + 1 if len(sid) and not np.isnan(sid).all() else 1
        keys = codes * stride + np.nan_to_num(sid, nan=0).astype(np.int64)
        return np.where(np.isnan(sid) | (codes < 0), -1, keys)

    return _memo(mentions, "sentence_key", compute)


def actor_pair_codes(relations: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Return ``(codes, uniques)``: an ``n x 2`` array coding each relation's source and
    target actor in one shared code space (-1 where missing). Memoised like :func:`factorize`.

    Examples
    --------
    >>> codes, uniques = actor_pair_codes(
    ...     pd.DataFrame({"source_actor": ["a", "b"], "target_actor": ["b", "c"]}))
    >>> codes.tolist(), uniques.tolist()
    ([[0, 1], [1, 2]], ['a', 'b', 'c'])
    """

    def compute() -> tuple[np.ndarray, np.ndarray]:
        ends = [relations[c].to_numpy(dtype=object) for c in ("source_actor", "target_actor")]
        both = np.concatenate(ends)
        codes, uniques = _factorize(pd.Series(both, dtype=object))
        return codes.reshape(2, -1).T.copy(), uniques

    return _memo(relations, "source_actor|target_actor", compute)


def report_positions(table: pd.DataFrame, reports: pd.DataFrame) -> np.ndarray:
    """Return the row position in ``reports`` of each row's ``report_id`` (-1 if absent).

    Memoised like :func:`factorize`, so charts can look up report columns per mention
    with plain array indexing.

    Examples
    --------
    >>> reports = pd.DataFrame({"report_id": ["a", "b"]})
    >>> report_positions(pd.DataFrame({"report_id": ["b", "b", "z"]}), reports).tolist()
    [1, 1, -1]
    """

    def compute() -> np.ndarray:
        codes, uniques = factorize(table, "report_id")
        pos = pd.Index(reports["report_id"]).get_indexer(uniques)
        return np.append(pos, -1)[codes]

    return _memo(table, _positions_key(reports), compute)


def _positions_key(reports: pd.DataFrame) -> tuple:
    return ("report_positions", id(reports), len(reports))


def _reports_with(hit: np.ndarray, m_report: np.ndarray, n_reports: int) -> np.ndarray:
    rows = m_report[hit]
    return np.bincount(rows[rows >= 0], minlength=n_reports) > 0


def in_range(dates: pd.Series, date_range: tuple[Any, Any]) -> np.ndarray:
    start, end = date_range
    values = dates.to_numpy(dtype="datetime64[us]")
    ok = ~np.isnat(values)
    if start is not None:
        ok &= values >= np.datetime64(pd.Timestamp(start).to_datetime64(), "us")
    if end is not None:
        end = pd.Timestamp(end)
        if end == end.normalize():  # a day: include all of it
            end = end + pd.Timedelta(days=1) - pd.Timedelta(microseconds=1)
        ok &= values <= np.datetime64(end.to_datetime64(), "us")
    return ok


def _take(frame: pd.DataFrame, mask: np.ndarray) -> pd.DataFrame:
    """``frame[mask]`` with a fresh index. Row-aligned memo entries (a column's codes, or
    any array named by a string key) carry over, so nothing is recomputed downstream."""
    if mask.all():
        out = frame.copy(deep=False)
    else:
        out = frame[mask].reset_index(drop=True)
    entry = _MEMO.get(id(frame))
    if entry is not None and entry[0]() is frame:
        for key, value in list(entry[2].items()):
            if not isinstance(key, str):
                continue
            if isinstance(value, tuple) and len(value[0]) == len(mask):
                _memo(out, key, lambda v=value: (v[0][mask], *v[1:]))
            elif isinstance(value, np.ndarray) and len(value) == len(mask):
                _memo(out, key, lambda v=value: v[mask])
    return out


def _uniques_where(frame: pd.DataFrame, column: str, mask: np.ndarray) -> np.ndarray:
    codes, uniques = factorize(frame, column)
    present = np.bincount(codes[mask & (codes >= 0)], minlength=len(uniques)) > 0
    return uniques[present]


def _allowed_actors(
    actors: pd.DataFrame | None, ids: Collection[str] | None, types: Collection[str] | None
) -> set[str]:
    if types is None:
        return set(ids or ())
    if actors is None:
        raise KeyError("filter_tables: actor_types needs the 'actors' table")
    typed = set(actors.actor_id[actors.actor_type.isin(list(types))])
    return typed if ids is None else typed & set(ids)


def _filter_relations(
    relations: pd.DataFrame, allowed: set[str] | None, actions: Collection[str] | None
) -> pd.DataFrame:
    keep = np.ones(len(relations), dtype=bool)
    if allowed is not None:
        keep &= is_in(relations, "source_actor", allowed) | is_in(
            relations, "target_actor", allowed
        )
    if actions is not None:
        is_action = is_in(relations, "relation", schema.ACTIONS)
        keep &= ~is_action | is_in(relations, "relation", actions)
    return _take(relations, keep)


def _filter_events(
    events: pd.DataFrame,
    *,
    allowed_actors: set[str] | None,
    actions: Collection[str] | None,
    place_ids: Collection[str] | None,
    date_range: tuple[Any, Any] | None,
    event_types: Collection[str] | None = None,
    sub_event_types: Collection[str] | None = None,
    min_fatalities: int | None = None,
) -> pd.DataFrame:
    """Events whose actor1 or actor2 is allowed, by action, place id, event date, ACLED
    type and sub-type, and reported fatalities."""
    keep = np.ones(len(events), dtype=bool)
    if allowed_actors is not None:
        keep &= is_in(events, "actor1_id", allowed_actors) | is_in(
            events, "actor2_id", allowed_actors
        )
    if actions is not None:
        keep &= is_in(events, "action", actions)
    if place_ids is not None:
        keep &= is_in(events, "place_id", place_ids)
    if date_range is not None:
        keep &= events.date.isna().to_numpy() | in_range(events.date, date_range)
    if event_types is not None:
        keep &= is_in(events, "event_type", event_types)
    if sub_event_types is not None:
        keep &= is_in(events, "sub_event_type", sub_event_types)
    if min_fatalities is not None:
        deaths = pd.to_numeric(events.fatalities, errors="coerce").to_numpy(dtype=float)
        keep &= np.nan_to_num(deaths, nan=-1.0) >= min_fatalities
    return _take(events, keep)
