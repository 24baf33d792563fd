"""One store behind everything: a correction made anywhere shows in every table, export and
notebook that reads the store, and the notebooks are safe to re-run against it.

The seeds are tagged into a store once per module; the notebooks run in real kernels
(nbclient), the correction in a real second process (the CLI).
"""

from __future__ import annotations

import json
import subprocess
import sys

import nbformat
import pandas as pd
import pytest
from nbclient import NotebookClient

from workbench.cli import main
from workbench.config import SEEDS_DIR, STORE_ENV
from workbench.corpus import Store
from workbench.resolve.tables import TABLES
from workbench.share.notebooks import KERNEL_NAME, NOTEBOOKS_DIR

NB02 = NOTEBOOKS_DIR / "02-tagging-entities.ipynb"
NB03 = NOTEBOOKS_DIR / "03-actor-involvement.ipynb"
#: Notebook 02's demo merge: ISCAP folded into Ansar al-Sunna.
MERGED_AWAY, MERGED_INTO = "iscap", "ansar-al-sunna-mozambique"
RENAMED = "Syrian Democratic Forces (renamed elsewhere)"


@pytest.fixture(scope="module")
def seeded_store(tmp_path_factory, nlp):
    """A store with every seed tagged, no corrections."""
    path = tmp_path_factory.mktemp("flow") / "store.duckdb"
    with Store.open(path) as store:
        store.ingest(SEEDS_DIR, nlp=nlp, progress=False)
    return path


def _correct_in_another_process(path, kind: str, fields: dict) -> None:
    command = [sys.executable, "-m", "workbench.cli", "correct", "add", kind]
    command += ["--json", json.dumps(fields), "--store", str(path)]
    done = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert f"{kind} recorded" in done.stdout


def _run(nb):
    """A client for ``nb`` whose kernel starts in ``notebooks/``, as in Jupyter Lab."""
    return NotebookClient(
        nb,
        kernel_name=KERNEL_NAME,
        timeout=600,
        resources={"metadata": {"path": str(NOTEBOOKS_DIR)}},
    )


def test_a_correction_from_another_process_shows_in_tables_extract_and_csv(
    seeded_store, tmp_path, capsys
):
    with Store.open(seeded_store) as store:  # open before: the next read must see it
        assert RENAMED not in set(store.tables()["actors"].canonical)
        _correct_in_another_process(
            seeded_store, "rename_actor", {"actor": "sdf", "canonical": RENAMED}
        )
        held = store.tables()["actors"].set_index("actor_id").canonical
    with Store.open(seeded_store) as store:
        tables = store.tables()
    reopened = tables["actors"].set_index("actor_id").canonical
    assert held["sdf"] == reopened["sdf"] == RENAMED

    folder = tmp_path / "tables"
    argv = ["extract", str(SEEDS_DIR), "--store", str(seeded_store), "--format", "jsonl"]
    assert main([*argv, "--tables-dir", str(folder)]) == 0
    out, err = capsys.readouterr()
    records = [json.loads(line) for line in out.splitlines()]
    assert [r["file"] for r in records] == [p.rsplit("/", 1)[-1] for p in tables["reports"].path]
    names = {a["canonical"] for r in records for a in r["actors"]}
    assert RENAMED in names and "Syrian Democratic Forces" not in names
    csv = pd.read_csv(folder / "actors.csv").set_index("actor_id")
    assert csv.loc["sdf", "canonical"] == RENAMED
    assert f"{len(records)} reports" in err and "corrected" in err
    one = sorted(SEEDS_DIR.glob("*.txt"))[0]  # a store with more reports: only those asked for
    assert main(["extract", str(one), "--store", str(seeded_store), "--format", "jsonl"]) == 0
    assert [json.loads(line)["file"] for line in capsys.readouterr().out.splitlines()] == [one.name]


def test_extract_writes_parquet_tables_and_names_a_bad_tables_dir(seeded_store, tmp_path, capsys):
    folder = tmp_path / "tables"
    argv = ["extract", str(SEEDS_DIR), "--store", str(seeded_store), "--format", "csv"]
    assert main([*argv, "--tables-dir", str(folder), "--tables-format", "parquet"]) == 0
    actors = pd.read_parquet(folder / "actors.parquet")
    assert {p.name for p in folder.iterdir()} == {f"{n}.parquet" for n in (*TABLES, "problems")}
    assert "Syrian Democratic Forces" in set(actors.aliases.explode())
    capsys.readouterr()
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    assert main([*argv, "--tables-dir", str(blocker)]) == 2
    assert capsys.readouterr().err.strip().splitlines()[-1].startswith(f"workbench: {blocker}: ")


def test_notebook_02_correction_shows_in_notebook_03(tmp_path, monkeypatch):
    monkeypatch.setenv(STORE_ENV, str(tmp_path / "shared.duckdb"))  # the kernels inherit it
    nb02 = nbformat.read(NB02, as_version=4)
    _run(nb02).execute()
    nb03 = nbformat.read(NB03, as_version=4)
    probe = (
        "ids = set(tables['actors'].actor_id)\n"
        f"print({MERGED_AWAY!r} in ids, {MERGED_INTO!r} in ids)"
    )
    nb03.cells.append(nbformat.v4.new_code_cell(probe))
    _run(nb03).execute()
    (output,) = nb03.cells[-1].outputs
    assert output.text.split() == ["False", "True"]  # merged away, survivor kept


def test_notebook_02_runs_twice_in_one_kernel_without_doubling_corrections(tmp_path, monkeypatch):
    path = tmp_path / "again.duckdb"
    monkeypatch.setenv(STORE_ENV, str(path))
    nb = nbformat.read(NB02, as_version=4)
    client = _run(nb)
    with client.setup_kernel():
        for _ in range(2):
            for i, cell in enumerate(nb.cells):
                client.execute_cell(cell, i)  # raises CellExecutionError on any error
    with Store.open(path, read_only=True) as store:
        ledger = store.corrections()
    entries = [
        (k, json.dumps(p, sort_keys=True)) for k, p in zip(ledger.kind, ledger.payload, strict=True)
    ]
    assert sorted(k for k, _ in entries) == ["confirm_actor", "merge_actors"]
    assert len(set(entries)) == len(entries)
    assert set(ledger.status) == {"applied"}


def test_rendering_a_store_adds_no_reports_and_no_demo_corrections(nlp, tmp_path):
    # `workbench render --store S` gives 02 these parameters: an analyst's store is shown,
    # never changed (no seed reports ingested, no walkthrough merge recorded).
    from workbench.share.notebooks import inject_parameters

    path = tmp_path / "analyst.duckdb"
    with Store.open(path) as store:
        store.ingest(SEEDS_DIR / "000_d02af4319f79bde9.txt", nlp=nlp, progress=False)
        store.correct("confirm_actor", actor="sdf", reason="the analyst's own")
        before = (len(store.table("reports")), store.corrections().uuid.tolist())
    parameters = {"store_path": str(path), "add_reports": None, "demo_corrections": False}
    nb = inject_parameters(nbformat.read(NB02, as_version=4), parameters)
    _run(nb).execute()
    with Store.open(path, read_only=True) as store:
        assert (len(store.table("reports")), store.corrections().uuid.tolist()) == before
