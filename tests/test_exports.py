"""Exports an analyst can load elsewhere: ACLED's spreadsheet (read back with pandas,
column by column and on the seeds' rows), every table as CSV, Parquet or JSON lines, the
``workbench export`` command, and ACLED's own files read back in both column sets."""

from __future__ import annotations

import json
import re

import pandas as pd
import pytest

from tests.test_incidents import open_store, write_reports
from workbench import cli, schema
from workbench.corpus.exports import (
    ACLED_COLUMNS,
    ACLED_INTEGERS,
    NO_FATALITIES,
    acled_table,
    export,
    write_tables,
)
from workbench.errors import ReportError, WorkbenchError
from workbench.read.acled import read_acled
from workbench.resolve.comparison import compare_codings


@pytest.fixture(scope="module")
def acled_csv(seed_tables, tmp_path_factory):
    path = tmp_path_factory.mktemp("acled") / "acled.csv"
    export(seed_tables, acled=path)
    return path


def test_the_acled_export_reads_back_column_by_column(seed_tables, acled_csv):
    back = pd.read_csv(acled_csv, keep_default_na=False, dtype=str)
    assert tuple(back.columns) == ACLED_COLUMNS  # names and ACLED's order
    inc = seed_tables["incidents"]
    assert len(back) == len(inc) == back.event_id_cnty.nunique()  # one row per incident
    assert back.event_id_cnty.str.fullmatch(r"[A-Z]{3}\d{9}").all()
    for column in ACLED_INTEGERS:  # whole numbers wherever a value is given
        given = back[column][back[column] != ""]
        assert given.str.fullmatch(r"-?\d+").all(), column
    for column in ("inter1", "inter2", "interaction", "fatalities", "iso"):
        assert (back[column] != "").all(), column
    dated = back.event_date != ""
    assert back.event_date[dated].str.fullmatch(r"\d{4}-\d{2}-\d{2}").all()
    assert (back.year[dated] == back.event_date[dated].str[:4]).all()
    assert back.time_precision.isin(["1", "2", "3"]).all()
    assert back.geo_precision.isin(["1", "2", "3"]).all()
    assert pd.to_numeric(back.latitude[back.latitude != ""]).between(-90, 90).all()
    assert back.civilian_targeting.isin(["", "Civilian targeting"]).all()
    assert ((back.inter2 == "0") == (back.actor2 == "")).all()
    assert (back.region != "").all() and (back.source != "").all() and (back.notes != "").all()
    # unknown deaths are 0, as ACLED writes them, and say so in tags
    unknown = back.tags.str.contains(NO_FATALITIES)
    assert unknown.sum() == inc.fatalities.isna().sum() and (back.fatalities[unknown] == "0").all()
    # pandas' own reading gives numbers where ACLED has numbers
    typed = pd.read_csv(acled_csv)
    assert str(typed.inter1.dtype) == "int64" and str(typed.fatalities.dtype) == "int64"
    assert str(typed.latitude.dtype) == "float64"


def test_the_seed_rows_are_coded_as_acled_codes_them(acled_csv):
    back = pd.read_csv(acled_csv, keep_default_na=False, dtype=str).set_index("location")
    baghuz = back.loc["Baghuz"]
    assert (baghuz.event_date, baghuz.year, baghuz.country) == ("2019-03-23", "2019", "Syria")
    assert (baghuz.iso, baghuz.region, baghuz.source) == ("760", "Middle East", "Wire Desk")
    assert (baghuz.actor1, baghuz.inter1) == ("Syrian Democratic Forces", "2")
    assert baghuz.inter2 == ("0" if baghuz.actor2 == "" else "2")  # no second actor, or IS
    assert baghuz.sub_event_type == "Non-state actor overtakes territory"
    assert (baghuz.event_type, baghuz.disorder_type) == ("Battles", "Political violence")
    assert (baghuz.fatalities, baghuz.tags) == ("0", NO_FATALITIES)
    assert baghuz.event_id_cnty.startswith("SYR") and "Syrian Democratic Forces" in baghuz.notes
    assert abs(float(baghuz.latitude) - 34.45) < 0.2 and baghuz.geo_precision == "1"
    moura = back.loc[["Moura"]].set_index("event_type").loc["Violence against civilians"]
    assert (moura.iso, moura.region, moura.country) == ("466", "Western Africa", "Mali")
    assert int(moura.fatalities) > 0 and NO_FATALITIES not in moura.tags  # a reported count


def test_acled_ids_are_stable_across_runs(seed_tables):
    first, again = acled_table(seed_tables), acled_table(dict(seed_tables))
    pd.testing.assert_frame_equal(first, again)


@pytest.mark.parametrize("fmt", ["csv", "parquet", "jsonl"])
def test_every_table_is_written_in_each_format(seed_tables, tmp_path, fmt):
    written = write_tables(seed_tables, tmp_path, format=fmt)
    assert sorted(p.name for p in written) == sorted(f"{n}.{fmt}" for n in seed_tables)
    path = tmp_path / f"incidents.{fmt}"
    if fmt == "csv":
        back = pd.read_csv(path)
        assert back.event_ids.str.split("|").map(len).sum() == len(seed_tables["events"])
    elif fmt == "parquet":
        back = pd.read_parquet(path)
        assert sum(len(ids) for ids in back.event_ids) == len(seed_tables["events"])
    else:
        back = pd.read_json(path, lines=True)
        assert sum(len(ids) for ids in back.event_ids) == len(seed_tables["events"])
    assert list(back.columns) == list(schema.COLUMNS["incidents"])
    assert len(back) == len(seed_tables["incidents"])


def test_export_needs_somewhere_to_write(seed_tables, tmp_path):
    with pytest.raises(WorkbenchError, match="give a folder"):
        export(seed_tables)
    with pytest.raises(WorkbenchError, match="not one of csv, parquet, jsonl"):
        export(seed_tables, tmp_path, format="xlsx")


def test_the_export_command_writes_the_store_s_incidents(tmp_path, capsys):
    corpus = write_reports(
        tmp_path / "corpus",
        {"a": "Daesh attacked Mosul on 2024-03-10.", "b": "Daesh attacked Mosul on 2024-03-11.",
         "s": "Daesh attacked Sinjar on 2024-03-10."},
    )  # fmt: skip
    path = tmp_path / "s.duckdb"
    with open_store(path) as store:
        store.ingest(corpus, progress=False)
        store.tables()
    out = tmp_path / "tables"
    status = cli.main(["export", "--store", str(path), "--acled", str(tmp_path / "a.csv"),
                       "--out", str(out), "--format", "parquet"])  # fmt: skip
    said = capsys.readouterr().out
    assert status == 0 and "2 incidents (3 events)" in said and "tables written" in said
    sheet = pd.read_csv(tmp_path / "a.csv")
    assert len(sheet) == 2 and sorted(sheet.location) == ["Mosul", "Sinjar"]
    assert (sheet.source.str.endswith(".txt")).all()  # no outlet known: the file name
    assert (out / "incidents.parquet").is_file() and (out / "events.parquet").is_file()
    assert cli.main(["export", "--store", str(path)]) == 2
    assert "give --acled" in capsys.readouterr().err


# -- ACLED's own files read back --------------------------------------------------------

_CLASSIC = """data_id,iso,event_id_cnty,event_id_no_cnty,event_date,year,time_precision,\
event_type,sub_event_type,actor1,assoc_actor_1,inter1,actor2,assoc_actor_2,inter2,\
interaction,region,country,admin1,admin2,admin3,location,latitude,longitude,\
geo_precision,source,source_scale,notes,fatalities,timestamp,iso3
7001,368,IRQ7001,7001,10 March 2024,2024,1,Battles,Armed clash,Islamic State (Iraq),,2,\
Military Forces of Iraq (2022-),,1,12,Middle East,Iraq,Ninewa,Mosul,,Mosul,36.34,43.13,\
1,Shafaq News,National,IS attacked a checkpoint in Mosul.,6,1710288000,IRQ
7002,368,IRQ7002,7002,02 February 2024,2024,1,Protests,Peaceful protest,Protesters (Iraq),,6,\
,,0,60,Middle East,Iraq,Baghdad,,,Baghdad,33.3,44.4,1,Rudaw,National,A protest.,0,1710288000,IRQ
"""


def test_read_acled_loads_the_classic_column_set(tmp_path):
    path = tmp_path / "classic.csv"
    path.write_text(_CLASSIC, encoding="utf-8")
    ev = read_acled(path)
    assert list(ev.columns[: len(schema.COLUMNS["events"])]) == list(schema.COLUMNS["events"])
    first = ev.iloc[0]
    assert (first.event_id, first.date) == ("IRQ7001", pd.Timestamp("2024-03-10"))
    assert (first.action, first.inter1, first.inter2, first.interaction) == (
        "armed_clash",
        2,
        1,
        12,
    )
    assert (
        first.disorder_type == "Political violence"
    )  # the classic set has none: from the codebook
    assert first.fatalities == 6 and first.sentence == "IS attacked a checkpoint in Mosul."
    # columns the events table has no place for are kept, by their ACLED names
    assert first.iso3 == "IRQ" and first.data_id == 7001 and first.latitude == 36.34
    assert ev.civilian_targeting.tolist() == [False, False] and pd.isna(ev.inter2.iloc[1])


def test_read_acled_loads_the_current_set_and_the_api_json(tmp_path, seed_tables, acled_csv):
    ev = read_acled(acled_csv)  # the workbench's own ACLED export, read back
    assert len(ev) == len(seed_tables["incidents"]) and ev.tags.notna().any()
    records = [
        {"event_id_cnty": "SOM1", "event_date": "2018-04-03", "year": "2018",
         "time_precision": "1", "disorder_type": "Political violence",
         "event_type": "Explosions/Remote violence", "sub_event_type": "Air/drone strike",
         "actor1": "Military Forces of the United States (2017-2021)", "inter1": "External/Other forces",
         "actor2": "Al Shabaab", "inter2": "Rebel group",
         "interaction": "External/Other forces-Rebel group", "civilian_targeting": "",
         "country": "Somalia", "location": "Ceel Buur", "latitude": "4.68",
         "longitude": "46.61", "geo_precision": "2", "fatalities": "5", "tags": "",
         "a_new_field": "kept"}
    ]  # fmt: skip
    path = tmp_path / "api.json"
    path.write_text(json.dumps({"status": 200, "data": records}), encoding="utf-8")
    row = read_acled(path).iloc[0]
    assert (row.inter1, row.inter2, row.interaction) == (8, 2, 28)  # words to ACLED's numbers
    assert row.action == "airstrike" and row.a_new_field == "kept"
    bad = tmp_path / "not.csv"
    bad.write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(ReportError, match=re.escape(str(bad)) + ": not an ACLED export"):
        read_acled(bad)


def test_acled_beside_the_workbench_matches_the_same_incidents(seed_tables, acled_csv):
    theirs = read_acled(acled_csv)
    theirs = theirs[theirs.location != "Baghuz"]  # ACLED lacks one, and has one more
    extra = theirs.iloc[[0]].assign(event_id="XXX1", location="Elsewhere", country="Chad",
                                    latitude=12.1, longitude=15.0)  # fmt: skip
    both = compare_codings(
        seed_tables["incidents"], pd.concat([theirs, extra]), places=seed_tables["places"]
    )
    assert list(both.columns) == list(schema.COLUMNS["acled_comparison"])
    status = both.status.value_counts()
    assert status["workbench only"] >= 1 and status["ACLED only"] >= 1
    assert "Baghuz" in set(both.location[both.status == "workbench only"])
    assert "XXX1" in {i for ids in both.acled_ids[both.status == "ACLED only"] for i in ids}
    dated = theirs.date.notna().sum()  # an undated row has no weeks to compare
    assert status["both"] >= dated * 0.9  # the same coding matches itself
