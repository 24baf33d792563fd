"""The evidence behind a chart mark: the sentences that support it, with their mentions.

A click on any chart turns into :func:`evidence`'s arguments
(``workbench.views.charts.evidence_query``); the rows it returns are what the evidence
pane highlights, so every mark can be checked against the report it came from.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

import numpy as np
import pandas as pd

from workbench import schema
from workbench.resolve.incidents import event_incidents as incident_of
from workbench.views.filters import Tables, at_codes, in_range, is_in, report_positions

__all__ = ["evidence"]


def evidence(
    tables: Tables,
    *,
    actor: str | None = None,
    place: str | None = None,
    report: str | None = None,
    pair: tuple[str, str] | None = None,
    relation: str | None = None,
    type_pair: tuple[str, str] | None = None,
    date_range: tuple[Any, Any] | None = None,
    action: str | None = None,
    events: Collection[str] | None = None,
    limit: int | None = 20,
) -> pd.DataFrame:
    """Return the sentences that support a chart mark, newest report first.

    Each argument narrows the sentences (AND): ``actor`` (actor id) and ``place``
    (place id) keep sentences that mention them; ``report`` one report; ``pair``
    (two actor ids, either order) sentences where the ``relations`` table links them,
    optionally only by ``relation``; ``type_pair`` (two actor types) sentences linking
    actors of those types; ``date_range`` reports published in that range; ``action``
    the sentences of events with that action (by ``actor``, if given: the sentence is
    the event's even where the actor is no longer mentioned after a filter); ``events``
    (event ids, what an event chart's marks carry) the sentences of those events, each
    with its trigger marked (kind ``trigger``, the ACLED sub-event type as its tip). The columns
    are ``schema.COLUMNS["evidence"]``; each row's ``mentions`` holds one dict per mention
    (``schema.EVIDENCE_MENTION_FIELDS``, offsets into ``sentence``), ready for
    :func:`workbench.views.highlight.highlight_html`. ``attrs["n_sentences"]`` counts all
    matches before ``limit``; for ``events``, ``attrs["n_reports"]`` counts their reports
    and ``attrs["n_incidents"]`` (with an ``incidents`` table) the incidents they belong
    to: an incident's evidence is every report and sentence behind it.

    Examples
    --------
    >>> body = "SDF took Raqqa. IS fled."
    >>> reports = schema.conform([{"report_id": "r1", "title": "Raqqa", "body": body}],
    ...                          "reports")
    >>> mentions = schema.conform([
    ...     {"report_id": "r1", "sentence_id": 0, "sent_start": 0, "sent_end": 15,
    ...      "start": 0, "end": 3, "text": "SDF", "kind": "actor", "entity_id": "sdf"},
    ...     {"report_id": "r1", "sentence_id": 0, "sent_start": 0, "sent_end": 15,
    ...      "start": 9, "end": 14, "text": "Raqqa", "kind": "place", "entity_id": "raqqa"},
    ...     {"report_id": "r1", "sentence_id": 1, "sent_start": 16, "sent_end": 24,
    ...      "start": 16, "end": 18, "text": "IS", "kind": "actor", "entity_id": "is"}],
    ...     "mentions")
    >>> ev = evidence({"reports": reports, "mentions": mentions}, place="raqqa")
    >>> ev.sentence.tolist(), [(d["text"], d["start"]) for d in ev.mentions[0]]
    (['SDF took Raqqa.'], [('SDF', 0), ('Raqqa', 9)])
    """
    rep, m = tables["reports"], tables.get("mentions", schema.empty("mentions"))
    m_report = report_positions(m, rep)
    row = np.ones(len(m), dtype=bool)
    keys: set[tuple[str, int]] | None = None
    spans: dict[tuple[str, int], tuple[int, int]] = {}
    triggers: dict[tuple[str, int], list[dict]] = {}
    if events is not None:
        spans, triggers = _sentences_of_events(tables, events)
        keys = set(spans)
    elif action is not None:
        spans = _event_sentences(tables, actor=actor, action=action)
        keys = set(spans)
    elif actor is not None:
        row &= is_in(m, "kind", schema.ACTOR_KINDS) & is_in(m, "entity_id", [actor])
    if place is not None:
        keys = _sentence_keys(m, is_in(m, "kind", ("place",)) & is_in(m, "entity_id", [place]))
    rep_ok = np.ones(len(rep), dtype=bool)
    if report is not None:
        rep_ok &= is_in(rep, "report_id", [report])
    if date_range is not None:
        rep_ok &= in_range(rep["published"], date_range)
    row &= at_codes(rep_ok, m_report)
    if pair is not None or type_pair is not None:
        linked = _linked_sentences(tables, pair=pair, relation=relation, type_pair=type_pair)
        keys = linked if keys is None else keys & linked
    if all(v is None for v in (actor, place, pair, type_pair, action, events)):
        row &= is_in(m, "kind", schema.ACTOR_KINDS)  # a whole report: the sentences naming actors
    found = _sentence_keys(m, row)
    if action is not None or events is not None:  # event sentences need not name a kept actor
        kept = set(rep.report_id[rep_ok])
        found = {k for k in keys if k[0] in kept}
    elif keys is not None:
        found &= keys
    out = _evidence_rows(rep, m, found, limit=limit, spans=spans, extra=triggers)
    if events is not None:
        out.attrs.update(_incident_counts(tables, events))
    return out


def _incident_counts(tables: Tables, event_ids: Collection[str]) -> dict[str, int]:
    """How many incidents and reports ``event_ids`` stand for ("1 incident, 4 reports"):
    ``n_incidents`` only where the tables have an ``incidents`` table."""
    ev = tables.get("events", schema.empty("events"))
    hit = ev[is_in(ev, "event_id", event_ids)]
    counts = {"n_reports": int(hit.report_id.nunique())}
    incidents = tables.get("incidents")
    if incidents is not None and len(incidents) and len(hit):
        owner = incident_of(incidents)
        counts["n_incidents"] = len({owner.get(e, e) for e in hit.event_id})
    return counts


def _sentence_keys(m: pd.DataFrame, mask: np.ndarray) -> set[tuple[str, int]]:
    sub = m[mask]
    return set(zip(sub.report_id, sub.sentence_id.astype("int64"), strict=True))


def _linked_sentences(
    tables: Tables,
    *,
    pair: tuple[str, str] | None,
    relation: str | None,
    type_pair: tuple[str, str] | None,
) -> set[tuple[str, int]]:
    rel = tables.get("relations", schema.empty("relations"))
    keep = np.ones(len(rel), dtype=bool)
    if relation is not None:
        keep &= is_in(rel, "relation", [relation])
    if pair is not None:
        a, b = pair
        src, dst = rel.source_actor.to_numpy(), rel.target_actor.to_numpy()
        keep &= ((src == a) & (dst == b)) | ((src == b) & (dst == a))
    if type_pair is not None:
        actors = tables["actors"]
        type_of = dict(zip(actors.actor_id, actors.actor_type, strict=True))
        s = rel.source_actor.map(type_of).to_numpy(dtype=object)
        t = rel.target_actor.map(type_of).to_numpy(dtype=object)
        a, b = type_pair
        keep &= ((s == a) & (t == b)) | ((s == b) & (t == a))
    sub = rel[keep]
    return set(zip(sub.report_id, sub.sentence_id.astype("int64"), strict=True))


def _event_sentences(
    tables: Tables, *, actor: str | None, action: str
) -> dict[tuple[str, int], tuple[int, int]]:
    """``(report_id, sentence_id) -> (sent_start, sent_end)`` of the events with ``action``
    (by ``actor`` as actor1, if given)."""
    ev = tables.get("events", schema.empty("events"))
    hit = is_in(ev, "action", [action])
    if actor is not None:
        hit &= is_in(ev, "actor1_id", [actor])
    sub = ev[hit]
    return {
        (rid, int(sid)): (int(a), int(b))
        for rid, sid, a, b in zip(
            sub.report_id, sub.sentence_id, sub.sent_start, sub.sent_end, strict=True
        )
    }


def _sentences_of_events(
    tables: Tables, event_ids: Collection[str]
) -> tuple[dict[tuple[str, int], tuple[int, int]], dict[tuple[str, int], list[dict]]]:
    """The sentence spans of ``event_ids``, and their triggers as marks (body offsets)."""
    ev = tables.get("events", schema.empty("events"))
    sub = ev[is_in(ev, "event_id", event_ids)]
    spans: dict[tuple[str, int], tuple[int, int]] = {}
    marks: dict[tuple[str, int], list[dict]] = {}
    for e in sub.itertuples():
        key = (e.report_id, int(e.sentence_id))
        spans[key] = (int(e.sent_start), int(e.sent_end))
        if pd.notna(e.trigger_start) and pd.notna(e.trigger_end):
            tip = " · ".join(str(v) for v in (e.sub_event_type, e.actor1) if isinstance(v, str))
            mark = {"start": int(e.trigger_start), "end": int(e.trigger_end), "kind": "trigger"}
            info = {
                "text": e.trigger,
                "entity_id": e.event_id,
                "canonical": tip,
                "actor_type": None,
            }
            marks.setdefault(key, []).append({**mark, **info})
    return spans, marks


def _evidence_rows(
    reports: pd.DataFrame,
    m: pd.DataFrame,
    keys: set[tuple[str, int]],
    *,
    limit: int | None,
    spans: dict[tuple[str, int], tuple[int, int]] | None = None,
    extra: dict[tuple[str, int], list[dict]] | None = None,
) -> pd.DataFrame:
    named = reports[reports.report_id.isin({k[0] for k in keys})]
    info = {r.report_id: r for r in named.itertuples(index=False)}
    order = sorted(
        (k for k in keys if k[0] in info),
        key=lambda k: (-_stamp(info[k[0]].published), k[0], k[1]),
    )
    n_sentences = len(order)
    order = order[:limit] if limit is not None else order
    wanted = set(order)
    sub = m[is_in(m, "report_id", {rid for rid, _ in order})]
    in_order = (k in wanted for k in zip(sub.report_id, sub.sentence_id, strict=True))
    sub = sub[np.fromiter(in_order, dtype=bool, count=len(sub))]
    groups = dict(list(sub.sort_values("start").groupby(["report_id", "sentence_id"])))
    rows = []
    for rid, sid in order:
        group, r = groups.get((rid, sid)), info[rid]
        if group is not None:
            s0, s1 = int(group.sent_start.iloc[0]), int(group.sent_end.iloc[0])
        elif spans and (rid, sid) in spans:  # an event's sentence with no mention kept
            s0, s1 = spans[(rid, sid)]
        else:
            continue
        marks = [
            {
                **{f: getattr(g, f) for f in schema.EVIDENCE_MENTION_FIELDS},
                "start": int(g.start) - s0,
                "end": int(g.end) - s0,
            }
            for g in ([] if group is None else group.itertuples())
        ]
        for mark in (extra or {}).get((rid, sid), []):  # triggers: drop any overlapping mention
            lo, hi = mark["start"] - s0, mark["end"] - s0
            marks = [x for x in marks if x["end"] <= lo or x["start"] >= hi]
            marks.append({**mark, "start": lo, "end": hi})
        marks.sort(key=lambda x: x["start"])
        rows.append(
            {
                "report_id": rid,
                "title": r.title,
                "source_outlet": r.source_outlet,
                "published": r.published,
                "sentence_id": sid,
                "sentence": _field_text(r, sid)[s0:s1],
                "mentions": marks,
            }
        )
    out = schema.conform(rows, "evidence")
    out.attrs["n_sentences"] = n_sentences
    return out


def _field_text(report, sentence_id: int) -> str:
    """The text a mention's offsets refer to: the title for headline mentions (-1)."""
    text = report.title if sentence_id == -1 else report.body
    return text if isinstance(text, str) else ""


def _stamp(value: Any) -> float:
    return pd.Timestamp(value).timestamp() if value is not None and not pd.isna(value) else 0.0
