"""Actor-to-actor evidence from sentences: who is named with whom, and who backs whom.

Every edge keeps its sentence, so a chart mark can always show its evidence. Hostile
edges from event extraction join this table with ``relation`` set to the action.
"""

from __future__ import annotations

from itertools import combinations

import pandas as pd

from workbench import schema


def build_relations(mentions: pd.DataFrame, reports: pd.DataFrame) -> pd.DataFrame:
    """Return the ``relations`` table: ``co_mention`` for each pair of distinct actors in a
    sentence and ``support`` from a supporter ("Iranian-backed") to the next actor after it.

    Examples
    --------
    >>> reports = schema.conform([{"report_id": "r", "body": "US-backed SDF fought IS."}],
    ...                          "reports")
    >>> m = schema.conform([
    ...   {"report_id": "r", "sentence_id": 0, "sent_start": 0, "sent_end": 24, "start": 0,
    ...    "end": 2, "kind": "supporter", "entity_id": "us"},
    ...   {"report_id": "r", "sentence_id": 0, "sent_start": 0, "sent_end": 24, "start": 10,
    ...    "end": 13, "kind": "actor", "entity_id": "sdf"},
    ...   {"report_id": "r", "sentence_id": 0, "sent_start": 0, "sent_end": 24, "start": 20,
    ...    "end": 22, "kind": "actor", "entity_id": "is"}], "mentions")
    >>> build_relations(m, reports)[["source_actor", "target_actor", "relation"]].values.tolist()
    [['sdf', 'is', 'co_mention'], ['us', 'sdf', 'support']]
    """
    bodies = dict(zip(reports.report_id, reports.body, strict=True))
    actors = mentions[mentions.kind.isin(["actor", "supporter"]) & mentions.entity_id.notna()]
    rows = []
    for (report_id, sid), group in actors.sort_values("start").groupby(
        ["report_id", "sentence_id"], sort=False
    ):
        first = group.iloc[0]
        sentence = bodies.get(report_id, "")[int(first.sent_start) : int(first.sent_end)]
        base = {"report_id": report_id, "sentence_id": sid, "sentence": sentence}
        named = list(dict.fromkeys(group.entity_id[group.kind == "actor"]))
        for a, b in combinations(named, 2):
            rows.append({**base, "source_actor": a, "target_actor": b, "relation": "co_mention"})
        kinds, ids = group.kind.tolist(), group.entity_id.tolist()
        for i, kind in enumerate(kinds):
            if kind != "supporter":
                continue
            target = next((ids[j] for j in range(i + 1, len(ids)) if kinds[j] == "actor"), None)
            if target and target != ids[i]:
                rows.append(
                    {**base, "source_actor": ids[i], "target_actor": target, "relation": "support"}
                )
    return schema.conform(rows, "relations")
