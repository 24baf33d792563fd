"""End to end over the shipped seeds: the tables, their schemas, and what the seed must yield."""

from __future__ import annotations

import pandas as pd

from workbench import schema
from workbench.resolve.scorer import scorer_records
from workbench.resolve.tables import TABLES
from workbench.text import fold


def _dtypes(table: pd.DataFrame) -> dict[str, str]:
    return dict(table.dtypes.astype(str))


def test_every_table_has_its_schema(seed_tables):
    assert set(seed_tables) == {*TABLES, "problems"}  # extract lists reports it could not tag
    for name in seed_tables:
        expected = {c: str(pd.Series([], dtype=t).dtype) for c, t in schema.COLUMNS[name].items()}
        assert _dtypes(seed_tables[name]) == expected, name


def test_offsets_slice_the_body_or_headline_exactly(seed_tables):
    reports = seed_tables["reports"].set_index("report_id")
    m = seed_tables["mentions"]
    assert len(m) > 100
    assert (m.sentence_id == -1).any() and (m.sentence_id >= 0).any()
    for row in m.itertuples():
        field = "title" if row.sentence_id == -1 else "body"
        assert reports.at[row.report_id, field][row.start : row.end] == row.text
        assert row.sent_start <= row.start < row.end <= row.sent_end


def _seed(seed_tables):
    reports = seed_tables["reports"]
    rid = reports.report_id[reports.path.str.endswith("000_d02af4319f79bde9.txt")].iloc[0]
    return seed_tables["mentions"][lambda m: m.report_id == rid]


def test_seed_actors_and_their_aliases(seed_tables):
    m = _seed(seed_tables)
    actors = m[m.kind == "actor"].groupby("canonical").text.agg(lambda t: {fold(x) for x in t})
    forms = {fold(c): v for c, v in actors.items()}

    def forms_of(name):
        return next(v for c, v in forms.items() if fold(name) in v or c == fold(name))

    assert {"sdf", "syrian democratic forces"} <= forms_of("SDF")
    assert {"is", "islamic state"} <= forms_of("Islamic State")
    assert {"cjtf oir", "combined joint task force operation inherent resolve"} <= forms_of(
        "CJTF-OIR"
    )
    assert {"pmf", "hashd al shaabi"} <= forms_of("PMF")
    assert "iraqi forces" in forms_of("Iraqi forces")
    assert "french artillery" in forms_of("French artillery")
    assert not {"kurdistan 24", "nadia riva", "dushka"} & set().union(*forms.values())
    types = m[m.text == "Iraqi forces"].actor_type
    assert set(types) == {"coalition_or_foreign_force"}  # Iraqi forces acting in Syria


def test_seed_places_are_in_syria(seed_tables):
    m = _seed(seed_tables)
    places = seed_tables["places"].set_index("place_id")
    p = m[m.kind == "place"]
    got = {fold(t): places.country.get(e) for t, e in zip(p.text, p.entity_id, strict=True)}
    for name in ("dashisha", "hajeen", "hasakah", "deir al zor"):
        assert name in got, name
    for name in ("hajeen", "hasakah", "deir al zor"):
        assert got[name] == "Syria", name


def test_scorer_records_have_the_documented_shape(seed_tables):
    records = scorer_records(seed_tables)
    assert len(records) == len(seed_tables["reports"])
    rec = next(r for r in records if r["file"] == "000_d02af4319f79bde9.txt")
    assert set(rec) >= {"file", "actors", "locations", "events"}
    assert all(set(a) == {"canonical", "type", "mentions"} for a in rec["actors"])
    assert all(a["type"] in schema.ACTOR_TYPES for a in rec["actors"])
    assert all(set(loc) == {"name", "country", "mentions"} for loc in rec["locations"])
    assert rec["dateline_place"] == "HASAKAH" and rec["source_outlet"] == "Kurdistan 24"
