"""Offline geocoding: matching keys, context, precision, the places table (no spaCy model)."""

from __future__ import annotations

import math
import time

import pandas as pd
import pytest

from workbench import schema
from workbench.lexicon import places as gazetteer
from workbench.lexicon.places import country_name, is_place, place_key
from workbench.resolve import places
from workbench.resolve.places import country_context, geocode, resolve_places

#: The countries whose first-level regions regions.csv ships.
CONFLICT_COUNTRIES = (
    "SY IQ YE SO SD ML BF NE NG TD CM MZ CD AF PK UA IL PS LB MM ET LY CO PH HT".split()
)


@pytest.mark.parametrize(
    "names",
    [
        ("Hajeen", "Hajīn", "Hajin", "HAJIN"),
        ("Deir al-Zor", "Deir ez-Zor", "Dayr az Zawr", "Deir el-Zour"),
        ("al-Hasakah", "Al Ḩasakah", "Hasakah", "HASAKAH", "Al-Hasakah"),
        ("Sanaa", "Sana'a", "Sana’a", "San‘a"),
        ("Raqqa", "Ar-Raqqah", "Rakka"),
    ],
)
def test_place_key_folds_spellings_of_one_place(names):
    assert len({place_key(n) for n in names}) == 1


def test_place_key_keeps_different_places_apart():
    assert place_key("Mosul") != place_key("Kirkuk")
    assert place_key("Deir ez-Zor") != place_key("Deir Hafer")
    assert place_key("Syria’s") == place_key("Syria")


@pytest.mark.parametrize(
    ("name", "countries", "code", "feature", "precision"),
    [
        ("Hajeen", ["SY"], "SY", "city", 1),
        ("Hajīn", [], "SY", "city", 1),
        ("Deir al-Zor", [], "SY", "city", 1),
        ("Deir ez-Zor", [], "SY", "city", 1),
        ("al-Hasakah", [], "SY", "city", 1),
        ("Al Ḩasakah", [], "SY", "city", 1),
        ("Hasakah", [], "SY", "city", 1),
        ("HASAKAH", [], "SY", "city", 1),
        ("Mosul", [], "IQ", "city", 1),
        ("Kirkuk Province", [], "IQ", "admin1", 3),
        ("Mogadishu", [], "SO", "city", 1),
        ("Baga Sola", [], "TD", "city", 1),
        ("El Fasher", [], "SD", "city", 1),
        ("Sanaa", [], "YE", "city", 1),
        ("Sana'a", [], "YE", "city", 1),
        ("Erbil", [], "IQ", "city", 1),
        ("Arbil", [], "IQ", "city", 1),
        ("Arbil", ["SY"], "IQ", "city", 1),  # not the Damascus suburb of that other spelling
        ("Syria", [], "SY", "country", 3),
        ("Iraq", [], "IQ", "country", 3),
        ("northern Iraq", [], "IQ", "region", 3),
        ("Northern Iraq", [], "IQ", "region", 3),
        ("northeastern Syria", [], "SY", "region", 3),
        ("eastern Syria", [], "SY", "region", 3),
        ("Syria’s al-Hasakah Governorate", [], "SY", "admin1", 3),
        ("Deir al-Zor countryside", ["SY"], "SY", "city", 2),
        ("southern Hasakah countryside", ["SY"], "SY", "city", 2),
        ("southeast Hasakah", ["SY"], "SY", "city", 2),
        ("Cabo Delgado", [], "MZ", "admin1", 3),
        ("Tigray", [], "ET", "admin1", 3),
        ("Borno State", [], "NG", "admin1", 3),
        ("Darfur", [], "SD", "region", 3),
    ],
)
def test_geocode_resolves(name, countries, code, feature, precision):
    place = geocode(name, countries=countries)
    assert place is not None, name
    assert (place["country_code"], place["feature"], place["geo_precision"]) == (
        code,
        feature,
        precision,
    )
    assert not math.isnan(place["latitude"]) and not math.isnan(place["longitude"])
    assert set(place) == set(schema.COLUMNS["places"]) - {
        "aliases",
        "n_mentions",
        "n_reports",
        "resolved",
    }


def test_geocode_returns_the_gazetteer_names():
    assert geocode("Hajeen")["name"] == "Hajin"
    assert geocode("Deir al-Zor")["name"] == "Deir ez-Zor"
    assert geocode("Kirkuk Province")["name"] == "Kirkuk Governorate"
    assert geocode("Kirkuk")["feature"] == "city"  # the city, unless "province" is said
    assert geocode("Hajeen")["place_id"] == geocode("Hajīn")["place_id"]


@pytest.mark.parametrize("name", ["Southwest Asia", "Middle East", "Sahel", "Horn of Africa"])
def test_broad_regions_have_no_country(name):
    place = geocode(name)
    assert place["feature"] == "region" and place["geo_precision"] == 3
    assert place["country_code"] is None and place["country"] is None


def test_palma_follows_the_report_context():
    assert geocode("Palma")["country_code"] == "ES"  # no context: the biggest Palma
    assert geocode("Palma", countries=["MZ"])["country_code"] == "MZ"
    assert geocode("Palma", countries=["Mozambique", "Spain"])["country_code"] == "MZ"
    assert geocode("Palma", countries=["Spain", "Mozambique"])["country_code"] == "ES"


def test_gaza_follows_the_report_context():
    assert geocode("Gaza")["country_code"] == "PS"
    assert geocode("Gaza", countries=["MZ"])["feature"] == "admin1"


def test_a_country_name_beats_a_province_of_the_context():
    assert geocode("Niger", countries=["NG"])["feature"] == "country"
    assert geocode("Niger State", countries=["NG"])["feature"] == "admin1"


def test_directional_region_lies_that_way():
    iraq, north = geocode("Iraq"), geocode("northern Iraq")
    assert north["place_id"] == "country:IQ:north"
    assert north["latitude"] > iraq["latitude"]
    assert geocode("eastern Syria")["longitude"] > geocode("western Syria")["longitude"]
    assert geocode("north-eastern Syria")["place_id"] == geocode("northeast Syria")["place_id"]


def test_unknown_place_is_none_not_a_lookalike():
    assert geocode("Dashisha") is None
    assert geocode("Dashisha", countries=["SY", "IQ"]) is None
    assert geocode("") is None and geocode("  ") is None


def test_fuzzy_match_only_inside_the_context_and_for_long_names():
    assert geocode("Jarabulas", countries=["SY"])["name"] == "Jarabulus"  # one edit
    assert geocode("Jarabulas") is None  # no context, no fuzzy match
    assert geocode("Hajim", countries=["SY"]) is None  # too short to guess
    assert geocode("Xarabulus", countries=["SY"]) is None  # never across first letters


def test_small_towns_abroad_do_not_match_by_accident():
    # "Nadia" is an alternate spelling of an Indian town; no report context, no match.
    assert geocode("Nadia") is None
    # Moura (Mali) is not in the data; Moura (Portugal) is no answer for a Mali report.
    assert geocode("Moura")["country_code"] == "PT"
    assert geocode("Moura", countries=["ML"]) is None
    assert geocode("Kerawa", countries=["NG"]) is None  # not Kiyawa: a consonant differs
    assert geocode("Pau")["country_code"] == "FR"  # not Bozhou, China, of that other spelling
    assert geocode("east bank") is None  # a direction before a common noun


def test_a_capital_beats_a_small_namesake_in_the_context():
    assert geocode("Washington", countries=["GB"])["country_code"] == "US"
    assert geocode("Tripoli", countries=["LB"])["country_code"] == "LB"


@pytest.mark.parametrize("name", ["HASAKAH", "Syria", "Mosul", "Kirkuk", "Middle East", "Tigray"])
def test_is_place_knows_places(name):
    assert is_place(name)


@pytest.mark.parametrize(
    "name",
    ["John", "Nadia", "Riva", "Nadia Riva", "David", "Hassan", "Ahmed", "Omar", "Ali", "Sarah"]
    + ["Dashisha", "Coalition", "Islamic State", "Kurdistan 24", "Monday", ""],
)
def test_is_place_rejects_people_and_words(name):
    assert not is_place(name)
    assert not is_place(name, countries=["SY"])


def test_is_place_trusts_small_towns_in_the_report_countries():
    assert not is_place("Hajin")
    assert is_place("Hajin", countries=["SY"])


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("SY", "Syria"),
        ("SYR", "Syria"),
        ("syria", "Syria"),
        ("US", "United States"),
        ("U.S.", "United States"),
        ("United States of America", "United States"),
        ("DRC", "Democratic Republic of the Congo"),
        ("Congo-Kinshasa", "Democratic Republic of the Congo"),
        ("Burma", "Myanmar"),
        ("Côte d'Ivoire", "Ivory Coast"),
        ("Congo", "Democratic Republic of the Congo"),
        ("Atlantis", None),
        ("in", None),
    ],
)
def test_country_name(text, name):
    assert country_name(text) == name


def test_country_context_orders_by_frequency():
    names = ["HASAKAH", "Iraq", "Syria", "Dashisha", "Deir al-Zor", "Hajeen", "Iraq"]
    assert country_context(names) == ["SY", "IQ"]
    assert country_context(["Damascus"]) == ["SY"]  # a capital implies its country
    assert country_context(["Palma"]) == []  # Spain? Mozambique? no vote
    assert country_context(["northern Iraq", None, ""]) == ["IQ"]


def test_geocode_is_fast():
    geocode("Mosul")  # load once
    names = [
        f"{n}{s}" for n in ("Mosul", "Hajeen", "Palma", "Dashisha", "Kirkuk") for s in "abcdefghij"
    ]
    names += ["Deir al-Zor", "northern Iraq", "Hasakah countryside", "Kirkuk Province"]
    places._geocode.cache_clear()
    start = time.perf_counter()
    for name in names:
        geocode(name, countries=["SY", "IQ"])
    per_call = (time.perf_counter() - start) / len(names)
    assert per_call < 0.002, f"{per_call * 1000:.2f} ms per call"


def test_regions_csv_rows_are_documented():
    table = pd.read_csv(gazetteer.REGIONS_FILE, dtype=str, keep_default_na=False)
    assert list(table.columns) == gazetteer.REGION_COLUMNS
    assert (table.source.str.len() > 0).all()
    assert set(table.feature) <= {"admin1", "region", "city", "country"}
    located = table[table.feature != "country"]
    assert located.lat.astype(float).between(-90, 90).all()
    assert located.lon.astype(float).between(-180, 180).all()
    assert not located.duplicated(["country_code", "feature", "name"]).any()
    admin1 = set(table.country_code[table.feature == "admin1"])
    assert set(CONFLICT_COUNTRIES) <= admin1
    for row in table[table.country_code != ""].itertuples():
        assert country_name(row.country_code) == row.country, row.name


# -- resolve_places ------------------------------------------------------------------


def _reports():
    return schema.conform(
        [
            {"report_id": "syria", "dateline_place": "HASAKAH", "body": "x"},
            {"report_id": "mozambique", "dateline_place": "MAPUTO", "body": "x"},
            {"report_id": "spain", "dateline_place": None, "body": "x"},
        ],
        "reports",
    )


def _mentions():
    rows = [
        ("syria", 0, 8, "Dashisha", "place"),
        ("syria", 20, 26, "Hajeen", "place"),
        ("syria", 30, 41, "Deir al-Zor", "place"),
        ("syria", 50, 61, "Deir ez-Zor", "place"),
        ("syria", 70, 83, "northern Iraq", "place"),
        ("syria", 90, 93, "SDF", "actor"),
        ("syria", 95, 101, "Sunday", "date"),
        ("mozambique", 0, 5, "Palma", "place"),
        ("mozambique", 10, 18, "Dashisha", "place"),
        ("spain", 0, 5, "Palma", "place"),
    ]
    return schema.conform(
        [
            {"report_id": r, "start": s, "end": e, "text": t, "kind": k, "sentence_id": 0}
            | (
                {"entity_id": "sdf", "canonical": "Syrian Democratic Forces"}
                if k == "actor"
                else {}
            )
            for r, s, e, t, k in rows
        ],
        "mentions",
    )


def test_resolve_places_fills_place_rows_only():
    before = _mentions()
    mentions, _ = resolve_places(before, _reports())
    assert mentions[["report_id", "start", "end", "text", "kind"]].equals(
        before[["report_id", "start", "end", "text", "kind"]]
    )
    other = mentions.kind != "place"
    pd.testing.assert_frame_equal(mentions[other], before[other])
    rows = mentions.set_index(["report_id", "text"])
    got, canon = rows.entity_id.to_dict(), rows.canonical.to_dict()
    assert got["syria", "Hajeen"] == geocode("Hajeen")["place_id"]
    assert got["syria", "Deir al-Zor"] == got["syria", "Deir ez-Zor"]
    assert got["syria", "northern Iraq"] == "country:IQ:north"
    assert got["syria", "Dashisha"] == got["mozambique", "Dashisha"] == "unresolved:dashisha"
    assert canon["syria", "Hajeen"] == "Hajin" and canon["syria", "Dashisha"] == "Dashisha"


def test_resolve_places_uses_each_reports_context():
    mentions, places_table = resolve_places(_mentions(), _reports())
    codes = dict(zip(places_table.place_id, places_table.country_code, strict=True))
    palma = mentions[mentions.text == "Palma"].set_index("report_id").entity_id
    assert codes[palma["mozambique"]] == "MZ"  # from the MAPUTO dateline
    assert codes[palma["spain"]] == "ES"


def test_places_table_has_one_row_per_place_and_the_schema():
    _, table = resolve_places(_mentions(), _reports())
    assert {c: str(t) for c, t in table.dtypes.items()} == schema.COLUMNS["places"]
    assert table.place_id.is_unique
    row = table.set_index("place_id").loc["unresolved:dashisha"]
    assert not row.resolved and math.isnan(row.latitude) and row.feature == "unknown"
    assert (row.n_mentions, row.n_reports, row.aliases) == (2, 2, ["Dashisha"])
    deir = table[table.name == "Deir ez-Zor"].iloc[0]
    assert deir.resolved and deir.country == "Syria" and deir.geo_precision == 1
    assert sorted(deir.aliases) == ["Deir al-Zor", "Deir ez-Zor"] and deir.n_mentions == 2


def test_resolve_places_on_no_mentions():
    mentions, table = resolve_places(schema.empty("mentions"), _reports())
    assert mentions.empty and table.empty
    assert list(table.columns) == list(schema.COLUMNS["places"])
