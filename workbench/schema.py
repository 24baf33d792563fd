"""The columns of every table the workbench returns, defined once.

Analysts write code against these columns, so they are an API: change them here,
in the README's table reference, and in ``tests/test_schema.py`` together.

Every DataFrame the package hands out goes through :func:`conform`, which adds
missing columns, orders them and sets the dtypes below.

Tables
------
reports
    One row per readable report (``workbench.read.reports``).
problems
    One row per file or record that could not be read, with a one-line reason.
mentions
    One row per tagged span (actor, place, date, person, supporter) in a report.
    ``start``/``end`` are character offsets into ``reports.body``, or into
    ``reports.title`` for headline mentions (``sentence_id == -1``):
    ``(title if sentence_id == -1 else body)[start:end] == text`` always holds.
actors
    One row per resolved actor across the corpus.
places
    One row per resolved (or unresolved) place across the corpus.
relations
    Actor-to-actor evidence: ``co_mention`` (named in one sentence) and ``support``
    ("X-backed Y"); hostile edges from event extraction join with their own ``relation``.
events
    Who did what to whom, where, when (filled by event extraction).
"""

from __future__ import annotations

import pandas as pd

TEXT = "str"
INT = "Int64"
FLOAT = "float64"
BOOL = "bool"
DATE = "datetime64[us]"
LIST = "object"

#: Actor types on the scorer's scale (ACLED's "inter" codes in brackets).
ACTOR_TYPES = (
    "state_force",  # 1
    "rebel_group",  # 2
    "political_militia",  # 3
    "identity_militia",  # 4
    "protesters",  # 6
    "civilians",  # 7
    "coalition_or_foreign_force",  # 8
    "government_or_official",
    "international_org",
    "other",
)

#: Kinds of mention.
MENTION_KINDS = ("actor", "place", "date", "person", "supporter")

#: Event actions on the scorer's scale.
ACTIONS = (
    "battle",
    "armed_clash",
    "territory_taken",
    "airstrike",
    "shelling_or_artillery",
    "remote_explosive_or_ied",
    "suicide_bomb",
    "attack_on_civilians",
    "abduction",
    "arrest",
    "protest",
    "riot",
    "agreement_or_ceasefire",
    "other",
)

COLUMNS: dict[str, dict[str, str]] = {
    "reports": {
        "report_id": TEXT,  # stable hash of the normalised text (16 hex chars)
        "path": TEXT,  # file the report came from ("file.jsonl#3" for a record)
        "format": TEXT,  # txt, md, html, json, jsonl, csv
        "title": TEXT,
        "dateline_place": TEXT,  # "HASAKAH" in "HASAKAH (Kurdistan 24) -"
        "source_outlet": TEXT,  # "Kurdistan 24"; from the dateline, front matter or field
        "published": DATE,  # may be NaT
        "byline": TEXT,  # "By NAME" / "Reporting by ..."
        "editor": TEXT,  # "Editing by NAME"
        "url": TEXT,
        "standfirst": TEXT,  # a lede repeated before the dateline, kept out of body
        "dateline_end": INT,  # offset in body where the dateline prefix ends (0 if none)
        "body": TEXT,  # normalised text; all offsets refer to it
        "n_words": INT,
    },
    "problems": {
        "path": TEXT,
        "reason": TEXT,
    },
    "mentions": {
        "report_id": TEXT,
        "sentence_id": INT,  # index of the sentence within the body; -1 for the headline
        "sent_start": INT,  # sentence offsets in body
        "sent_end": INT,
        "start": INT,  # mention offsets in body
        "end": INT,
        "text": TEXT,  # == body[start:end]
        "kind": TEXT,  # one of MENTION_KINDS
        "label": TEXT,  # spaCy / workbench label, e.g. ACTOR, GPE, DATE, PERSON
        "entity_id": TEXT,  # actor_id, place_id or ISO date; for a person, the actor they speak for
        "canonical": TEXT,  # canonical actor / place name, resolved date
        "actor_type": TEXT,  # ACTOR_TYPES, for kind actor/supporter
        "source": TEXT,  # how it was found: gazetteer, alias, demonym, ner, dateline, ...
        "confidence": FLOAT,  # 0..1
    },
    "actors": {
        "actor_id": TEXT,
        "canonical": TEXT,
        "actor_type": TEXT,
        "country": TEXT,  # country the actor belongs to, if any
        "aliases": LIST,  # list[str]: surface forms seen in the corpus
        "n_mentions": INT,
        "n_reports": INT,
        "is_new": BOOL,  # not in any gazetteer: the analyst should confirm it
        "source": TEXT,  # gazetteer, alias, demonym, ner, user
    },
    "places": {
        "place_id": TEXT,
        "name": TEXT,  # resolved name (gazetteer spelling) or the text as written
        "country": TEXT,  # country name
        "country_code": TEXT,  # ISO 3166-1 alpha-2
        "feature": TEXT,  # city, admin1, country, region, unknown
        "latitude": FLOAT,  # NaN when unresolved
        "longitude": FLOAT,
        "geo_precision": INT,  # ACLED: 1 exact town, 2 near/part of region, 3 region/province
        "aliases": LIST,  # list[str]: surface forms seen
        "n_mentions": INT,
        "n_reports": INT,
        "resolved": BOOL,
    },
    "dates": {
        "report_id": TEXT,
        "start": INT,
        "end": INT,
        "text": TEXT,
        "date": DATE,  # NaT when unresolved
        "time_precision": INT,  # ACLED: 1 day, 2 week, 3 month (or coarser)
    },
    "relations": {
        "report_id": TEXT,
        "sentence_id": INT,
        "source_actor": TEXT,  # actor_id
        "target_actor": TEXT,  # actor_id
        "relation": TEXT,  # co_mention, support, or an event action
        "sentence": TEXT,
    },
    "events": {
        "report_id": TEXT,
        "sentence_id": INT,
        "actor": TEXT,  # canonical actor
        "action": TEXT,  # one of ACTIONS
        "target": TEXT,
        "location": TEXT,
        "date": DATE,
        "sentence": TEXT,
    },
}


def empty(table: str) -> pd.DataFrame:
    """Return an empty DataFrame with ``table``'s columns and dtypes.

    Examples
    --------
    >>> list(empty("problems").columns)
    ['path', 'reason']
    """
    return pd.DataFrame({c: pd.Series([], dtype=t) for c, t in COLUMNS[table].items()})


def conform(df: pd.DataFrame | list[dict], table: str) -> pd.DataFrame:
    """Return ``df`` with exactly ``table``'s columns, in order, with their dtypes.

    Missing columns are added empty; extra columns are dropped. Accepts a list of
    row dicts too, which is how most builders assemble their output.

    Examples
    --------
    >>> conform([{"reason": "empty file", "path": "a.txt"}], "problems").iloc[0].to_dict()
    {'path': 'a.txt', 'reason': 'empty file'}
    """
    if not isinstance(df, pd.DataFrame):
        df = pd.DataFrame(list(df))
    if df.empty:
        return empty(table)
    out = {}
    for col, dtype in COLUMNS[table].items():
        if col not in df.columns:
            out[col] = pd.Series([None] * len(df), dtype=dtype, index=df.index)
        elif dtype == LIST:
            out[col] = df[col].map(lambda v: list(v) if isinstance(v, (list, tuple)) else [])
        elif dtype == DATE:
            out[col] = pd.to_datetime(df[col], errors="coerce").astype(DATE)
        elif dtype == BOOL:
            out[col] = df[col].fillna(False).astype(BOOL)
        else:
            out[col] = df[col].astype(dtype)
    return pd.DataFrame(out, index=df.index).reset_index(drop=True)


#: One colour per actor type, shared by every chart and the highlighted report view.
ACTOR_TYPE_COLORS: dict[str, str] = {
    "state_force": "#1f77b4",
    "rebel_group": "#d62728",
    "political_militia": "#ff7f0e",
    "identity_militia": "#8c564b",
    "coalition_or_foreign_force": "#9467bd",
    "government_or_official": "#17becf",
    "civilians": "#2ca02c",
    "protesters": "#bcbd22",
    "international_org": "#e377c2",
    "other": "#7f7f7f",
}
#: Colours of the other mention kinds in the highlighted view.
KIND_COLORS: dict[str, str] = {
    "place": "#c7e9c0",
    "date": "#fdd0a2",
    "person": "#dadaeb",
    "supporter": "#f2f2f2",
}
