"""The tidy data behind the charts: who is mentioned how often, where, and with whom.

Parse first, render second: these functions turn the corpus tables into small plain
DataFrames, and :mod:`workbench.views.charts` draws them. They count with integer codes
(:func:`workbench.views.filters.factorize`), never string by string, so they stay fast on a
1M-mention corpus. :func:`actor_counts`, :func:`place_counts` and :func:`relation_edges`
are public as ``workbench.charts.<name>``; the rest serve the charts.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd

from workbench import schema
from workbench.schema import ACTOR_TYPE_COLORS
from workbench.views.filters import (
    actor_pair_codes,
    factorize,
    is_in,
    mention_sentences,
    report_positions,
    sentence_keys,
)
from workbench.views.origins import origin_mask
from workbench.views.style import escape, shorten

__all__ = [
    "TopRows",
    "actor_counts",
    "actor_info",
    "actor_report_grid",
    "count_actors",
    "place_counts",
    "relation_edges",
    "same_sentence",
]

Tables = Mapping[str, pd.DataFrame]


def actor_counts(tables: Tables, *, top: int | None = 20, examples: bool = False) -> pd.DataFrame:
    """Mentions and reports per actor (actor and supporter mentions), most mentioned first.

    Columns: ``actor_id``, ``canonical``, ``label`` (escaped for plotly), ``actor_type``,
    ``n_mentions``, ``n_reports`` and, with ``examples``, ``example`` (one sentence).

    Examples
    --------
    >>> from workbench.schema import conform
    >>> m = conform([{"kind": "actor", "entity_id": e, "report_id": "r"} for e in "aab"],
    ...             "mentions")
    >>> actor_counts({"mentions": m, "reports": conform([], "reports")})[
    ...     ["actor_id", "n_mentions"]].values.tolist()
    [['a', 2], ['b', 1]]
    """
    return count_actors(tables, TopRows(tables, top), examples=examples)


def count_actors(tables: Tables, top_rows: TopRows, *, examples: bool = False) -> pd.DataFrame:
    """:func:`actor_counts` for the actors of ``top_rows``."""
    k, rows, order, n = top_rows.k, top_rows.rows, top_rows.order, top_rows.n
    n_rep = len(tables["reports"]) + 1
    rep = report_positions(tables["mentions"], tables["reports"])[rows] + 1
    seen = np.zeros((len(order), n_rep), dtype=bool)
    seen[k, rep] = True
    out = actor_info(tables, top_rows.uniques[order], top_rows)
    out = out.assign(n_mentions=n[order], n_reports=seen[:, 1:].sum(axis=1)).reset_index(drop=True)
    if examples:
        last = np.full(len(order), -1)
        last[k] = rows
        out["example"] = mention_sentences(tables, last)
    return out


class TopRows:
    """The mentions of the ``top`` most mentioned actors: row positions, each row's rank
    ``k`` among them, their entity codes (``order``) and every actor's count ``n``."""

    def __init__(self, tables: Tables, top: int | None) -> None:
        m = tables["mentions"]
        self.codes, self.uniques = factorize(m, "entity_id")
        is_actor = is_in(m, "kind", schema.ACTOR_KINDS) & (self.codes >= 0)
        self.n = np.bincount(self.codes[is_actor], minlength=len(self.uniques))
        order = np.argsort(-self.n, kind="stable")
        self.order = order[self.n[order] > 0][:top]
        rank = np.full(len(self.uniques) + 1, -1)
        rank[self.order] = np.arange(len(self.order))
        self.rows = np.flatnonzero(is_actor & (rank[self.codes] >= 0))
        self.k = rank[self.codes[self.rows]]
        self.mentions = m


def actor_info(tables: Tables, ids: Iterable[str], top_rows: TopRows | None = None) -> pd.DataFrame:
    """canonical, label, actor_type and n_mentions per actor id (index), from ``actors``,
    falling back to the mentions for actors the table lacks."""
    ids = list(ids)
    actors = tables.get("actors", schema.empty("actors")).drop_duplicates("actor_id")
    info = actors.set_index("actor_id").reindex(ids)[["canonical", "actor_type", "n_mentions"]]
    missing = info.canonical.isna().to_numpy()
    if missing.any() and top_rows is not None:
        last = np.full(len(top_rows.order), -1)
        last[top_rows.k] = top_rows.rows
        fallback = top_rows.mentions.iloc[last[missing]]
        info.loc[missing, "canonical"] = fallback.canonical.to_numpy()
        info.loc[missing, "actor_type"] = fallback.actor_type.to_numpy()
    info["canonical"] = info.canonical.fillna(pd.Series(ids, index=ids))
    info["actor_type"] = info.actor_type.where(info.actor_type.isin(ACTOR_TYPE_COLORS), "other")
    info["n_mentions"] = info.n_mentions.fillna(0).astype("int64")
    info["label"] = info.canonical.map(lambda c: escape(shorten(c, 40)))
    return info.rename_axis("actor_id").reset_index().set_index("actor_id", drop=False)


def actor_report_grid(
    tables: Tables, top: int | None, *, max_reports: int
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(actor counts, actors x reports mention counts) for the top actors and the reports
    that name them most, in published order."""
    top_rows = TopRows(tables, top)
    counts = count_actors(tables, top_rows)
    reports = tables["reports"]
    rep = report_positions(tables["mentions"], reports)[top_rows.rows] + 1
    n_rep = len(reports) + 1
    grid = np.bincount(top_rows.k * n_rep + rep, minlength=len(top_rows.order) * n_rep)
    grid = grid.reshape(len(top_rows.order), n_rep)[:, 1:]
    busiest = np.argsort(-grid.sum(axis=0), kind="stable")[:max_reports]
    busiest = busiest[grid[:, busiest].sum(axis=0) > 0]
    published = reports.published.to_numpy(dtype="datetime64[us]")[busiest]
    order = sorted(
        range(len(busiest)), key=lambda i: (np.isnat(published[i]), published[i], busiest[i])
    )
    cols = busiest[order]
    frame = pd.DataFrame(
        grid[:, cols],
        index=counts.actor_id,
        columns=reports.report_id.to_numpy(dtype=object)[cols],
    )
    return counts, frame


def place_counts(tables: Tables, *, top: int | None = None, origins: bool = False) -> pd.DataFrame:
    """Resolved places where the story happens, with their mentions, reports, main actor
    type and an example sentence, most mentioned first.

    Datelines and statement places (:func:`~workbench.views.origins.origin_mask`) do not
    count: they say where a report comes from. With ``origins``, the places that are only
    that, counted by those mentions. A place's ``actor_type`` is the main type of the
    actors of the events located there (``basis`` "events"), else of the actors named in
    the sentences that name the place ("named with"), else "other" ("").

    Columns: those of the ``places`` table, then ``actor_type``, ``basis``, ``label`` (the
    name, escaped for plotly) and ``example``.
    """
    m, places = tables["mentions"], tables["places"]
    codes, uniques = factorize(m, "entity_id")
    is_place = is_in(m, "kind", ("place",)) & (codes >= 0)
    origin = origin_mask(tables)
    if origins:
        scene = np.zeros(len(uniques) + 1, dtype=bool)
        scene[codes[is_place & ~origin]] = True
        is_place &= origin & ~scene[codes]
    else:
        is_place &= ~origin
    rows = np.flatnonzero(is_place)
    n = np.bincount(codes[rows], minlength=len(uniques))
    located = places[places.resolved & places.latitude.notna() & places.longitude.notna()]
    located = located.drop(columns=["n_mentions", "n_reports"])
    where = pd.Index(uniques).get_indexer(located.place_id)
    located = located.assign(code=where, n_mentions=np.append(n, 0)[where])
    located = located[located.n_mentions > 0].sort_values(
        ["n_mentions", "name"], ascending=[False, True], kind="stable"
    )[:top]
    rank = np.full(len(uniques) + 1, -1)
    rank[located.code.to_numpy()] = np.arange(len(located))
    rows = rows[rank[codes[rows]] >= 0]
    k = rank[codes[rows]]
    rep = report_positions(m, tables["reports"])[rows] + 1
    seen = np.zeros((len(located), len(tables["reports"]) + 1), dtype=bool)
    seen[k, rep] = True
    last = np.full(len(located), -1)
    last[k] = rows
    named = _main_actor_types(tables, rows, k, len(located))
    acting = _event_actor_types(tables, located.place_id)
    out = located.assign(
        n_reports=seen[:, 1:].sum(axis=1),
        actor_type=[a or n for a, n in zip(acting, named, strict=True)],
        basis=[
            "events" if a else ("named with" if n != "other" else "")
            for a, n in zip(acting, named, strict=True)
        ],
        label=located.name.map(escape),
        example=mention_sentences(tables, last),
    )
    return out.drop(columns="code").reset_index(drop=True)


def relation_edges(
    tables: Tables,
    *,
    relations: Iterable[str] | None = None,
    min_weight: int = 1,
    top: int | None = None,
) -> pd.DataFrame:
    """One row per edge between the ``top`` best-connected actors: ``source``, ``target``,
    ``relation``, ``weight`` (sentences) and an ``example`` sentence. ``co_mention`` pairs
    are unordered (the smaller id first)."""
    rel = tables["relations"]
    codes, actors = actor_pair_codes(rel)
    rel_codes, rel_names = factorize(rel, "relation")
    keep = np.ones(len(rel), dtype=bool)
    if relations is not None:
        keep &= np.append(np.isin(rel_names, list(relations)), False)[rel_codes]
    rows = np.flatnonzero(keep)
    src, dst = codes[rows, 0], codes[rows, 1]
    if top is not None and len(rows):
        degree = np.bincount(src, minlength=len(actors)) + np.bincount(dst, minlength=len(actors))
        best = np.zeros(len(actors), dtype=bool)
        best[np.argsort(-degree, kind="stable")[:top]] = True
        inside = best[src] & best[dst]
        rows, src, dst = rows[inside], src[inside], dst[inside]
    undirected = rel_names[rel_codes[rows]] == "co_mention" if len(rows) else np.zeros(0, bool)
    flip = undirected & (actors[src] > actors[dst])
    src, dst = np.where(flip, dst, src), np.where(flip, src, dst)
    n = len(actors) + 1
    key = (rel_codes[rows] * n + src) * n + dst
    uniq, first, weight = np.unique(key, return_index=True, return_counts=True)
    found = len(uniq) > 0
    out = pd.DataFrame(
        {
            "relation": rel_names[uniq // (n * n)] if found else [],
            "source": actors[(uniq // n) % n] if found else [],
            "target": actors[uniq % n] if found else [],
            "weight": weight,
            "example": rel.sentence.to_numpy(dtype=object)[rows[first]] if found else [],
        }
    )
    out = out[out.weight >= min_weight]
    return out.sort_values(["relation", "source", "target"], kind="stable").reset_index(drop=True)


def same_sentence(left: np.ndarray, right: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Every pair ``(i, j)`` with ``left[i] == right[j] >= 0`` (a join on sentence keys).

    Examples
    --------
    >>> i, j = same_sentence(np.array([5, -1, 7]), np.array([5, 5, 7]))
    >>> i.tolist(), j.tolist()
    ([0, 0, 2], [0, 1, 2])
    """
    if len(right) < 2 or bool((right[1:] >= right[:-1]).all()):  # mentions come in text order
        order = np.arange(len(right))
    else:
        order = np.argsort(right, kind="stable")
    ordered = right[order]
    lo = np.searchsorted(ordered, left, "left")
    hi = np.searchsorted(ordered, left, "right")
    count = np.where(left >= 0, hi - lo, 0)
    i = np.repeat(np.arange(len(left)), count)
    offset = np.arange(count.sum()) - np.repeat(np.cumsum(count) - count, count)
    return i, order[np.repeat(lo, count) + offset]


def _event_actor_types(tables: Tables, place_ids: pd.Series) -> list[str]:
    """For each place: the actor type of most of the acting actors of the events located
    there ("" if none), leaving out events whose sentence names the place only as where
    something was said."""
    events = tables.get("events")
    if events is None or not len(events) or not len(place_ids):
        return [""] * len(place_ids)
    types = dict(zip(tables["actors"].actor_id, tables["actors"].actor_type, strict=True))
    m = tables["mentions"]
    said = m[origin_mask(tables)]  # "..., officials in Washington said": not where it happened
    said = set(zip(said.report_id, said.sentence_id, said.entity_id, strict=True))
    keys = zip(events.report_id, events.sentence_id, events.place_id, strict=True)
    elsewhere = np.fromiter((k not in said for k in keys), dtype=bool, count=len(events))
    acted = events[events.place_id.isin(set(place_ids)) & events.actor1_id.notna() & elsewhere]
    acted = acted.assign(actor_type=acted.actor1_id.map(types)).dropna(subset=["actor_type"])
    main = (
        acted.groupby(["place_id", "actor_type"]).size().rename("n").reset_index()
        .sort_values(["n", "actor_type"], ascending=[False, True], kind="stable")
        .drop_duplicates("place_id").set_index("place_id").actor_type
    )  # fmt: skip
    return [str(main.get(p, "")) for p in place_ids]


def _main_actor_types(tables: Tables, rows: np.ndarray, k: np.ndarray, n: int) -> list[str]:
    """For each of ``n`` places (rank ``k`` of place mention ``rows``): the actor type most
    often named in the same sentences, "other" if none."""
    m = tables["mentions"]
    keys = sentence_keys(m)
    actor_rows = np.flatnonzero(is_in(m, "kind", schema.ACTOR_KINDS))
    type_codes, types = factorize(m, "actor_type")
    actor_rows = actor_rows[type_codes[actor_rows] >= 0]
    left, right = same_sentence(keys[rows], keys[actor_rows])
    t = type_codes[actor_rows[right]]
    counts = np.bincount(k[left] * (len(types) + 1) + t, minlength=n * (len(types) + 1))
    counts = counts.reshape(n, len(types) + 1)[:, : len(types)]
    best = counts.argmax(axis=1) if len(types) else np.zeros(n, dtype=int)
    has = counts.max(axis=1) > 0 if len(types) else np.zeros(n, dtype=bool)
    return [str(types[b]) if h else "other" for b, h in zip(best, has, strict=True)]
