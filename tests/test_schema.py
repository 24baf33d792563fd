"""Every table in ``schema.COLUMNS`` comes out of its builder with exactly those columns
and dtypes: analysts write code against them."""

from __future__ import annotations

import pandas as pd
import pytest

from workbench import schema
from workbench.config import DATA_DIR, SEEDS_DIR


def assert_schema(df: pd.DataFrame, table: str) -> None:
    expected = schema.COLUMNS[table]
    assert list(df.columns) == list(expected), table
    for column, dtype in expected.items():
        if dtype == schema.TEXT:  # pandas 3 strings: the str dtype, whatever its storage
            assert pd.api.types.is_string_dtype(df[column]), (table, column, df[column].dtype)
        else:
            assert str(df[column].dtype) == str(pd.Series([], dtype=dtype).dtype), (table, column)


def test_every_table_is_tested():
    tested = {n[len("test_") : -len("_table")] for n in globals() if n.endswith("_table")}
    assert set(schema.COLUMNS) <= tested | set(RESOLVED)


def test_reports_table():
    from workbench.read.reports import read_reports

    reports, _ = read_reports(SEEDS_DIR)
    assert len(reports) and assert_schema(reports, "reports") is None


def test_problems_table(tmp_path):
    from workbench.read.reports import read_reports

    (tmp_path / "empty.txt").write_text("")
    _, problems = read_reports(tmp_path)
    assert len(problems) == 1
    assert_schema(problems, "problems")


#: The tables ``resolve`` builds, checked on the seeds (each must have rows there).
RESOLVED = ("mentions", "actors", "places", "dates", "relations", "events")


@pytest.mark.parametrize("table", RESOLVED)
def test_resolved_table(seed_tables, table):
    assert len(seed_tables[table]), table
    assert_schema(seed_tables[table], table)


def test_events_raw_table(nlp):
    from workbench.nlp.tagging import tag
    from workbench.read.reports import read_reports

    reports, _ = read_reports(SEEDS_DIR / "000_d02af4319f79bde9.txt")
    raw = tag(reports, nlp=nlp)["events_raw"]
    assert len(raw)
    assert_schema(raw, "events_raw")


def test_evidence_table(seed_tables):
    from workbench.views.evidence import evidence

    found = evidence(seed_tables, actor=seed_tables["actors"].actor_id.iloc[0])
    assert len(found)
    assert_schema(found, "evidence")


def test_ledger_table(tmp_path):
    from workbench.corpus import Store

    reports = schema.conform(
        [{"report_id": "r1", "path": "a.txt", "body": "Alpha Front attacked."}], "reports"
    )

    def tagger(reports, *, nlp=None, progress=False):
        row = {"report_id": "r1", "start": 0, "end": 11, "text": "Alpha Front", "kind": "actor"}
        return {"mentions": schema.conform([row], "mentions")}

    def resolver(reports, mentions, *, events_raw=None):
        actors = schema.conform([{"actor_id": "a", "canonical": "Alpha Front"}], "actors")
        return {
            "mentions": mentions.assign(entity_id="a", canonical="Alpha Front"),
            "actors": actors,
        }

    with Store.open(tmp_path / "s.duckdb", tagger=tagger, resolver=resolver) as store:
        store.ingest(reports, progress=False)
        store.correct("rename_actor", actor="a", canonical="Alpha")
        ledger = store.corrections()
    assert len(ledger) == 1
    assert_schema(ledger, "ledger")


def _csv(name: str) -> pd.DataFrame:
    return pd.read_csv(DATA_DIR / name, dtype=str, keep_default_na=False, comment=None)


def test_gazetteer_table():
    assert list(_csv("actors.csv").columns) == list(schema.COLUMNS["gazetteer"])


def test_demonyms_table():
    assert list(_csv("demonyms.csv").columns) == list(schema.COLUMNS["demonyms"])


def test_regions_table():
    assert list(_csv("regions.csv").columns) == list(schema.COLUMNS["regions"])


def test_uncoded_events_table():
    from workbench.resolve.events import uncoded_events

    raw = schema.conform([{"event_id": "e1", "report_id": "r", "sentence_id": 0,
                           "sent_start": 0, "sent_end": 24, "trigger": "attack",
                           "negated": True}], "events_raw")  # fmt: skip
    reports = schema.conform([{"report_id": "r", "body": "IS did not attack Hajin."}], "reports")
    out = uncoded_events(raw, schema.empty("events"), reports)
    assert len(out) == 1 and assert_schema(out, "uncoded_events") is None
    assert out.sentence.iloc[0] == "IS did not attack Hajin."


def test_incidents_table(seed_tables):
    incidents = seed_tables["incidents"]
    assert len(incidents) and assert_schema(incidents, "incidents") is None


def test_acled_comparison_table(seed_tables):
    from workbench.resolve.comparison import compare_codings

    events = seed_tables["events"].assign(latitude=None, longitude=None)
    out = compare_codings(seed_tables["incidents"], events, places=seed_tables["places"])
    assert len(out) and assert_schema(out, "acled_comparison") is None
