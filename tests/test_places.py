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
    assert country_context(["Damascus"]) == []  # a capital may be its government
    assert country_context(["Damascus", "Hajin"]) == ["SY"]
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


# -- geoparser ranking, names, the new columns -----------------------------------------


def test_abbreviations_match_only_as_written():
    assert geocode("Ill.")["name"] == "Illinois"  # not Yale, Michigan, which GeoNames spells "Ill"
    assert geocode("Fla.")["place_id"] == geocode("Florida")["place_id"]
    assert geocode("D.C.")["country_code"] == "US"
    assert geocode("UK")["place_id"] == "country:GB"
    assert geocode("IL") is None and geocode("Ill.", countries=["US"])["feature"] == "admin1"
    assert gazetteer.abbreviation("ill.") is None  # case as written


def test_a_state_is_not_a_village_named_after_it():
    assert geocode("Illinois")["feature"] == "admin1"  # not Riverside, "Illinois" in GeoNames
    assert geocode("Florida")["feature"] == "admin1"  # not Florida, a village in New York
    assert geocode("Raqqa")["feature"] == "city"  # the seat of its governorate
    assert geocode("Arbil", countries=["SY"])["feature"] == "city"  # Erbil, a city of a million


def test_within_picks_the_namesake_inside_the_container():
    illinois, missouri = geocode("Illinois"), geocode("Missouri")
    assert geocode("Springfield", within=illinois)["admin1"] == "Illinois"
    assert geocode("Springfield", within=missouri)["admin1"] == "Missouri"
    assert geocode("Tripoli", within=geocode("Lebanon"))["country_code"] == "LB"
    assert geocode("Springfield, Illinois")["admin1_code"] == "US.IL"  # in one mention too


def test_containment_in_resolve_places_uses_the_text_between():
    body = "Clashes in Springfield, Illinois.\n\nSpringfield voted."
    reports = schema.conform([{"report_id": "r", "body": body}], "reports")
    rows = [(11, 22, "Springfield", 0), (24, 32, "Illinois", 0), (35, 46, "Springfield", 1)]
    m = schema.conform(
        [
            {"report_id": "r", "start": s, "end": e, "text": t, "kind": "place", "sentence_id": i}
            for s, e, t, i in rows
        ],
        "mentions",
    )
    m, table = resolve_places(m, reports)
    assert [body[s:e] for s, e in zip(m.start, m.end, strict=True)] == list(m.text)
    admin1 = dict(zip(table.place_id, table.admin1, strict=True))
    assert admin1[m.entity_id[0]] == "Illinois"  # "Springfield, Illinois"
    assert m.entity_id[2] == m.entity_id[0]  # then the same Springfield, one sense per report
    assert geocode("Springfield", countries=["US"])["admin1"] != "Illinois"  # alone: the biggest


def test_whole_names_before_their_direction():
    assert geocode("North Kivu province")["name"] == "North Kivu"  # not "northern Kyiv"
    assert geocode("South Sudan")["feature"] == "country"
    assert geocode("West Bank")["country_code"] == "PS"
    assert geocode("North Darfur")["country_code"] == "SD"


def test_a_direction_on_a_province_or_town_keeps_the_place():
    province, town = geocode("southern Helmand province"), geocode("eastern Mosul")
    assert (province["name"], province["direction"], province["feature"]) == (
        "Helmand",
        "south",
        "admin1",
    )
    assert town["place_id"] == geocode("Mosul")["place_id"] and town["geo_precision"] == 2
    assert geocode("eastern Syria")["place_id"] == "country:SY:east"  # a country's part: a region
    assert (
        places.mention_precision("Mosul") == 1 and places.mention_precision("Mosul district") == 2
    )


def test_admin_suffixes_reach_provinces_of_every_country():
    for name, code in [
        ("Kherson Oblast", "UA"),
        ("Upper Nile State", "SS"),
        ("Khyber Pakhtunkhwa province", "PK"),
        ("Helmand province", "AF"),
    ]:
        place = geocode(name)
        assert (place["feature"], place["country_code"]) == ("admin1", code), name
        assert place["admin1_code"].startswith(code + ".")
    assert geocode("Kherson")["feature"] == "city"  # the bare name is the city


def test_generated_provinces_are_not_bare_common_words():
    assert geocode("Lakes") is None or geocode("Lakes")["feature"] != "admin1"
    assert not is_place("Central") and not is_place("Northern")


def test_countries_and_seas_have_their_own_points():
    syria = geocode("Syria")
    assert (syria["latitude"], syria["longitude"]) == (35.0, 38.0)
    us = geocode("United States")
    assert 35 < us["latitude"] < 42 and -100 < us["longitude"] < -94  # not the mean of its towns
    for sea in ("Atlantic", "Mediterranean", "Gulf of Oman", "Black Sea"):
        place = geocode(sea)
        assert place["feature"] == "region" and place["country_code"] is None, sea
    assert geocode("Atlantic")["longitude"] < -20  # the ocean, not Atlantic, Iowa


def test_admin1_and_iso_columns():
    hit = geocode("Hit", countries=["IQ"])
    assert (hit["admin1"], hit["admin1_code"], hit["iso_numeric"]) == ("Al Anbar", "IQ.01", 368)
    assert geocode("Iraq")["admin1"] is None and geocode("Iraq")["iso_numeric"] == 368
    assert gazetteer.admin1_place("NG", "24").name == "Katsina State"  # regions.csv's row
    assert gazetteer.admin1_place("UA", "08").country_code == "UA"


def test_places_table_carries_the_new_columns():
    reports = schema.conform([{"report_id": "r", "body": "x" * 80}], "reports")
    rows = [(0, 13, "eastern Mosul"), (20, 25, "Mosul"), (30, 53, "southern Diyala province")]
    m = schema.conform(
        [
            {"report_id": "r", "start": s, "end": e, "text": t, "kind": "place", "sentence_id": 0}
            for s, e, t in rows
        ],
        "mentions",
    )
    _, table = resolve_places(m, reports)
    by_name = table.set_index("name")
    assert by_name.loc["Mosul", "geo_precision"] == 1  # the finest of its mentions
    assert pd.isna(by_name.loc["Mosul", "direction"])  # its mentions disagree
    assert (by_name.loc["Diyala", "direction"], by_name.loc["Diyala", "admin1_code"]) == (
        "south",
        "IQ.10",
    )
    assert {"direction", "admin1", "admin1_code", "iso_numeric", "parent_place_id"} <= set(table)


def test_a_facility_sits_at_its_town():
    body = "Gunmen stormed the Sahafi Hotel in Mogadishu."
    reports = schema.conform([{"report_id": "r", "body": body}], "reports")
    rows = [(19, 31, "Sahafi Hotel"), (35, 44, "Mogadishu")]
    m = schema.conform(
        [
            {"report_id": "r", "start": s, "end": e, "text": t, "kind": "place", "sentence_id": 0}
            for s, e, t in rows
        ],
        "mentions",
    )
    m, table = resolve_places(m, reports)
    hotel = table.set_index("name").loc["Sahafi Hotel"]
    town = geocode("Mogadishu")
    assert hotel.feature == "facility" and hotel.parent_place_id == town["place_id"]
    assert (hotel.latitude, hotel.country_code, hotel.geo_precision) == (town["latitude"], "SO", 1)


def test_minor_countries_are_no_context():
    names = ["Mali", "Mopti", "central Mali", "Washington"]
    assert country_context(names) == ["ML"]  # a town named once does not vote the US in
    assert country_context([], extra=["SO"]) == ["SO"]  # actors' countries when no place votes
    assert country_context(["Syria"], extra=["IR"]) == ["SY"]
