"""Where a report comes from, as against where its story happens.

A dateline ("WASHINGTON, Feb 24 -") says where the report was filed; "told reporters in
Maputo" or "officials in Washington said" where something was said. Neither is where
the events happened, so maps draw these places apart (:func:`origin_mask`), and colour
the places where things happen by the actors of the events there.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

import numpy as np
import pandas as pd

from workbench.lexicon.words import words
from workbench.views.filters import is_in, report_positions

__all__ = ["STATEMENT_CUES", "origin_mask"]

#: The word list (``data/words/<name>.txt``) of surface words that mark a statement place.
STATEMENT_CUES = "statement_place_cues"
_BEFORE = re.compile(r"([a-z’']+)\s+(?:in|from|at)\s+(?:the\s+)?$")
_AFTER = re.compile(r"^\s*([a-z’']+)")


def origin_mask(tables: Mapping[str, pd.DataFrame]) -> np.ndarray:
    """For each mention: whether it is a place the report comes from (its dateline, or a
    place where something was said) rather than one where its story happens.

    Examples
    --------
    >>> from workbench import schema
    >>> body = "Officials in Washington said troops entered Raqqa."
    >>> reports = schema.conform([{"report_id": "r", "body": body}], "reports")
    >>> m = schema.conform([{"report_id": "r", "sentence_id": 0, "kind": "place",
    ...     "start": body.index(p), "end": body.index(p) + len(p), "source": "ner"}
    ...     for p in ("Washington", "Raqqa")], "mentions")
    >>> origin_mask({"reports": reports, "mentions": m}).tolist()
    [True, False]
    """
    m, rep = tables["mentions"], tables["reports"]
    out = is_in(m, "kind", ("place",)) & is_in(m, "source", ("dateline",))
    rows = np.flatnonzero(is_in(m, "kind", ("place",)) & ~out)
    if not len(rows):
        return out
    cues = words(STATEMENT_CUES)  # read once per process
    where = report_positions(m, rep)[rows]
    bodies = rep["body"].to_numpy(dtype=object)
    titles = rep["title"].to_numpy(dtype=object) if "title" in rep else bodies
    sid = m["sentence_id"].to_numpy(dtype="float64", na_value=np.nan)[rows]
    starts = m["start"].to_numpy(dtype="float64", na_value=np.nan)[rows]
    ends = m["end"].to_numpy(dtype="float64", na_value=np.nan)[rows]
    for i, w, s, a, b in zip(rows, where, sid, starts, ends, strict=True):
        text = (titles if s == -1 else bodies)[w] if w >= 0 else None
        if not isinstance(text, str) or np.isnan(a) or np.isnan(b):
            continue
        before = _BEFORE.search(text[max(0, int(a) - 40) : int(a)].lower())
        after = _AFTER.match(text[int(b) : int(b) + 20].lower())
        out[i] = bool((before and before[1] in cues) or (after and after[1] in cues))
    return out
