"""Actor-to-actor evidence from sentences: who is named with whom, and who backs whom.

Every edge keeps its sentence, so a chart mark can always show its evidence. Hostile
edges from event extraction join this table with ``relation`` set to the action.
"""

from __future__ import annotations

import re
from itertools import combinations

import pandas as pd

from workbench import schema

#: What may stand between a supporter and the actor it backs: the rest of "US-backed"
#: when the supporter span is "US", then at most three modifiers of the actor's name,
#: each capitalised ("Iraqi") or a compound ("Kurdish-led"). A lower-case word ends the
#: phrase: in "US-backed forces take control of strategic IS stronghold" the forces are
#: backed, not IS.
BACKED_GAP = re.compile(r"^(?:-?[a-z]+)?(?:[\s,]+(?:[A-Z][\w'’.]*|[\w'’]+-[a-z]+)){0,3}[\s,]*$")


def build_relations(mentions: pd.DataFrame, reports: pd.DataFrame) -> pd.DataFrame:
    """Return the ``relations`` table: ``co_mention`` for each pair of distinct actors in a
    sentence and ``support`` from a supporter ("Iranian-backed") to the actor its phrase
    names (:data:`BACKED_GAP`; none when the phrase names a generic such as "forces").

    Each row's ``sentence`` is the text its offsets point into, as the evidence pane
    shows it: the title for headline mentions (``sentence_id == -1``), else the body.

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
    titles = dict(zip(reports.report_id, reports.get("title", reports.body), strict=True))
    actors = mentions[mentions.kind.isin(["actor", "supporter"]) & mentions.entity_id.notna()]
    actors = actors.sort_values("start")
    sentences: dict[tuple, list[tuple]] = {}  # (report, sentence) -> its actor mentions
    columns = ("report_id", "sentence_id", "sent_start", "sent_end", "kind", "entity_id")
    columns += ("start", "end")
    for report_id, sid, *rest in zip(*(actors[c].tolist() for c in columns), strict=True):
        if not (pd.isna(report_id) or pd.isna(sid)):  # as groupby drops them
            sentences.setdefault((report_id, sid), []).append(rest)
    rows = []
    for (report_id, sid), group in sentences.items():  # one pass, not a frame per sentence
        sent_start, sent_end = group[0][0], group[0][1]
        text = (titles if sid == -1 else bodies).get(report_id)
        text = text if isinstance(text, str) else ""
        sentence = text[int(sent_start) : int(sent_end)]
        base = {"report_id": report_id, "sentence_id": sid, "sentence": sentence}
        kinds, ids = [g[2] for g in group], [g[3] for g in group]
        named = list(dict.fromkeys(i for k, i in zip(kinds, ids, strict=True) if k == "actor"))
        for a, b in combinations(named, 2):
            rows.append({**base, "source_actor": a, "target_actor": b, "relation": "co_mention"})
        for i, kind in enumerate(kinds):
            if kind != "supporter":
                continue
            after = next((j for j in range(i + 1, len(ids)) if kinds[j] == "actor"), None)
            if after is None or not backs(text, int(group[i][5]), int(group[after][4])):
                continue
            target = ids[after]
            if target != ids[i]:
                rows.append(
                    {**base, "source_actor": ids[i], "target_actor": target, "relation": "support"}
                )
    return schema.conform(rows, "relations")


def backs(text: str, supporter_end: int, actor_start: int) -> bool:
    """Whether the text between a supporter and the next actor keeps them in one phrase
    ("US-backed, Kurdish-led SDF"), so that the supporter backs that actor.

    Examples
    --------
    >>> title = "US-backed forces take control of strategic IS stronghold"
    >>> backs(title, 2, title.index("IS ")), backs("US-backed, Kurdish-led SDF", 2, 23)
    (False, True)
    """
    return bool(BACKED_GAP.match(text[supporter_end:actor_start]))
