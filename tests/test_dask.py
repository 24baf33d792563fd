"""``ingest --dask``: the same tagging as Dask tasks on a local cluster of processes."""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd

from tests.test_store import FakeTagger, fake_resolver, write_corpus
from workbench.config import SEEDS_DIR
from workbench.corpus import Store
from workbench.store.database import RESOLVED

#: Set by the test: a file whose absence makes :func:`flaky_tagger` kill its worker once.
MARK = "H18_DIE_ONCE"


def flaky_tagger(reports, *, nlp=None, progress=False):
    """The fake tagger, except that a report saying "BOOM" raises, and one saying "DIE"
    kills its worker process the first time it is seen (out of memory, a segfault)."""
    if reports.body.str.contains("BOOM").any():
        raise ValueError("the parser choked")
    mark = Path(os.environ[MARK])
    if reports.body.str.contains("DIE").any() and not mark.exists():
        mark.touch()
        os._exit(1)
    return FakeTagger()(reports)


def test_dask_on_two_workers_tags_like_one_process(tmp_path, nlp):
    with Store.open(tmp_path / "one.duckdb") as one:
        one.ingest(SEEDS_DIR, nlp=nlp, progress=False)
        expected, raw = one.tables(), one._db.raw_mentions(one._model)
        events = one.table("events_raw")
    links = []
    with Store.open(tmp_path / "dask.duckdb") as two:
        counts = two.ingest(SEEDS_DIR, dask=True, workers=2, on_cluster=links.append,
                            progress=False)  # fmt: skip
        first = dict(two.tagged_by)
        got, raw_two, events_two = (
            two.tables(),
            two._db.raw_mentions(two._model),
            two.table("events_raw"),
        )
        again = two.ingest(SEEDS_DIR, dask=True, workers=2, progress=False)
        pids = two.tagged_by
    assert counts["tagged"] == len(expected["reports"]) and again["tagged"] == 0
    assert len(first) == 2 and all(n > 0 for n in first.values())  # both workers tagged
    assert len(links) == 1 and links[0].startswith("http")  # bokeh is installed: a dashboard
    pd.testing.assert_frame_equal(raw, raw_two)
    pd.testing.assert_frame_equal(events, events_two)
    for name in ("reports", "problems", *RESOLVED):
        pd.testing.assert_frame_equal(expected[name], got[name], obj=name)
    assert not pids  # the unchanged re-run sent nothing to a cluster
    assert not (tmp_path / "dask.duckdb.parts").exists()  # the Parquet parts were loaded, removed


def test_dask_a_dead_worker_loses_no_report_and_a_failing_one_is_a_problem(tmp_path, monkeypatch):
    corpus = write_corpus(tmp_path / "c", 12)
    (corpus / "r004.txt").write_text("Report 4\n\nBOOM went Alpha Front.\n", encoding="utf-8")
    (corpus / "r009.txt").write_text("Report 9\n\nDIE said Beta Group.\n", encoding="utf-8")
    monkeypatch.setenv(MARK, str(tmp_path / "died"))
    with Store.open(tmp_path / "s.duckdb", tagger=flaky_tagger, resolver=fake_resolver) as s:
        counts = s.ingest(corpus, dask=True, workers=2, progress=False)
        problems, stored = s.table("problems"), set(s.table("reports").path)
        pids = s.tagged_by
    assert (tmp_path / "died").exists()  # a worker did die, and its partition ran again
    assert counts["tagged"] == 11 and str(corpus / "r009.txt") in stored
    assert problems.path.tolist() == [str(corpus / "r004.txt")]
    assert problems.reason[0].startswith("tagging failed: ValueError")
    assert sum(pids.values()) == 12 and os.getpid() not in pids  # tagged on the cluster


def test_scheduler_address_sends_the_tagging_to_that_cluster(tmp_path):
    from distributed import Client, LocalCluster

    corpus = write_corpus(tmp_path / "c", 8)
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True) as cluster:
        with Client(cluster) as client:
            with Store.open(
                tmp_path / "s.duckdb", tagger=FakeTagger(), resolver=fake_resolver
            ) as s:
                counts = s.ingest(corpus, scheduler=cluster.scheduler_address, progress=False)
                pids = s.tagged_by
            ran = client.run(os.getpid)  # worker address -> its process id
    assert counts["tagged"] == 8
    assert set(pids) == set(ran.values()) and all(n > 0 for n in pids.values())
