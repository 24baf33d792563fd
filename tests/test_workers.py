"""Tagging in worker processes (``--workers``) and ingest in bounded batches."""

from __future__ import annotations

import os

import pandas as pd
import pytest

from tests.test_store import FakeTagger, fake_resolver, write_corpus
from workbench import schema
from workbench.config import SEEDS_DIR
from workbench.corpus import Store, extract
from workbench.corpus import store as store_module
from workbench.corpus.workers import TASK_CHARS, tasks
from workbench.errors import WorkbenchError
from workbench.read import reports as reading
from workbench.read.reports import read_reports
from workbench.store.database import RESOLVED


def failing_tagger(reports, *, nlp=None, progress=False):
    """The fake tagger, except that a report saying "BOOM" raises (a module-level
    function, so that worker processes can be sent it)."""
    if reports.body.str.contains("BOOM").any():
        raise ValueError("the parser choked")
    return FakeTagger()(reports)


def dying_tagger(reports, *, nlp=None, progress=False):
    """Kills its worker process on a report saying "DIE" (out of memory, a segfault)."""
    if reports.body.str.contains("DIE").any():
        os._exit(1)
    return FakeTagger()(reports)


def test_two_workers_tag_like_one_and_both_tag(tmp_path, nlp):
    with Store.open(tmp_path / "one.duckdb") as one:
        one.ingest(SEEDS_DIR, nlp=nlp, progress=False)
        expected = one.tables()
        raw = one.table("events_raw"), one._db.raw_mentions(one._model)
    with Store.open(tmp_path / "two.duckdb") as two:
        counts = two.ingest(SEEDS_DIR, workers=2, progress=False)
        got = two.tables()
        raw_two = two.table("events_raw"), two._db.raw_mentions(two._model)
        pids = two.tagged_by
    assert counts["tagged"] == len(expected["reports"]) > 2
    assert len(pids) == 2 and os.getpid() not in pids  # two worker processes
    assert all(n > 0 for n in pids.values()) and sum(pids.values()) == counts["tagged"]
    drop = ["tagged_at"]
    for a, b in zip(raw, raw_two, strict=True):
        pd.testing.assert_frame_equal(a.drop(columns=drop, errors="ignore"),
                                      b.drop(columns=drop, errors="ignore"))  # fmt: skip
    for name in ("reports", "problems", *RESOLVED):
        pd.testing.assert_frame_equal(expected[name], got[name], obj=name)


def test_extract_with_workers_matches_one_process(nlp, seed_tables):
    reports, _ = read_reports(SEEDS_DIR)
    got = extract(reports, workers=2)
    for name in ("mentions", "actors", "places", "events"):
        pd.testing.assert_frame_equal(seed_tables[name], got[name], obj=name)
    assert got["problems"].empty


@pytest.mark.parametrize("workers", [1, 2])
def test_a_report_that_fails_tagging_is_a_problem_row_and_the_rest_goes_on(tmp_path, workers):
    corpus = write_corpus(tmp_path / "c", 6)
    bad = corpus / "r003.txt"
    bad.write_text("Report 3\n\nBOOM went Alpha Front near Hajin.\n", encoding="utf-8")
    with Store.open(tmp_path / "s.duckdb", tagger=failing_tagger, resolver=fake_resolver) as s:
        counts = s.ingest(corpus, workers=workers, progress=False)
        problems = s.table("problems")
        stored = set(s.table("reports").path)
    assert counts["tagged"] == 5 and counts["problems"] == 1
    assert problems.path.tolist() == [str(bad)]
    assert problems.reason[0].startswith("tagging failed: ValueError: the parser choked")
    assert str(bad) not in stored and len(stored) == 5  # tried again on the next run


def test_a_worker_that_dies_stops_with_one_line_and_keeps_finished_batches(tmp_path, monkeypatch):
    corpus = write_corpus(tmp_path / "c", 12)
    (corpus / "r011.txt").write_text("Report 11\n\nDIE Alpha Front.\n", encoding="utf-8")
    monkeypatch.setattr(store_module, "INGEST_BATCH", 4)
    with Store.open(tmp_path / "s.duckdb", tagger=dying_tagger, resolver=fake_resolver) as s:
        with pytest.raises(WorkbenchError, match="a tagging worker died.*run again to resume"):
            s.ingest(corpus, workers=2, progress=False)
        assert len(s.table("reports")) >= 4  # at least the first batch is kept


def test_ingest_reads_a_batch_at_a_time(tmp_path, monkeypatch):
    corpus = write_corpus(tmp_path / "c", 20)
    read, seen_by_tagger = [], []
    real = reading._read_file

    def counting(path, **kw):
        read.append(path)
        return real(path, **kw)

    class Watching(FakeTagger):
        def __call__(self, reports, **kw):
            seen_by_tagger.append((len(reports), len(read)))
            return super().__call__(reports, **kw)

    monkeypatch.setattr(reading, "_read_file", counting)
    monkeypatch.setattr(store_module, "INGEST_BATCH", 5)
    with Store.open(tmp_path / "s.duckdb", tagger=Watching(), resolver=fake_resolver) as s:
        assert s.ingest(corpus, progress=False)["tagged"] == 20
    # four batches of five; the first is tagged when only five files have been read
    assert seen_by_tagger == [(5, 5), (5, 10), (5, 15), (5, 20)]


def test_tasks_are_bounded_by_characters_and_reach_every_worker():
    rows = [{"report_id": f"r{i}", "body": "word " * 2_000} for i in range(10)]
    rows.insert(3, {"report_id": "long", "body": "x" * (TASK_CHARS + 1)})
    reports = schema.conform(rows, "reports")
    parts = tasks(reports, workers=2)
    assert [len(p) for p in parts] == [3, 1, 6, 1]  # the long one alone; at most ceil(11/2)
    assert pd.concat(parts).report_id.tolist() == reports.report_id.tolist()
    assert all(p.body.str.len().sum() <= TASK_CHARS or len(p) == 1 for p in parts)
    assert len(tasks(reports.iloc[:2], workers=2)) == 2
