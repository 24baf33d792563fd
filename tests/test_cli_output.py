"""What the command line prints: quiet kernels, one progress bar a step, friendly empty
results, and tables as wide as the terminal with names in full where they fit."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from workbench.cli import _table_text, main
from workbench.config import SEEDS_DIR
from workbench.corpus import Store

from .conftest import SEED

RENDER_FIXTURE = SEED.parent.parent / "tests" / "fixtures" / "render" / "00-render-fixture.ipynb"
LONG_NAME = "Islamic State Central Africa Province (Mozambique branch, Cabo Delgado)"


def _bar_lines(err: str, desc: str) -> list[str]:
    """The lines a terminal log shows for bar ``desc`` (tqdm redraws with carriage returns)."""
    return [part for part in re.split(r"[\r\n]", err) if part.startswith(f"{desc}:")]


def test_render_prints_no_kernel_warnings(tmp_path):
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "workbench.cli",
            "render",
            str(RENDER_FIXTURE),
            "--out",
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr
    assert "WARNING" not in run.stderr and "without encryption" not in run.stderr, run.stderr
    (line,) = run.stdout.splitlines()
    assert line.endswith("MB, works offline)") and "00-render-fixture.html" in line


def test_tagging_bar_draws_its_last_line_once(tmp_path, nlp, capsys):
    with Store.open(tmp_path / "s.duckdb") as store:
        store.ingest([SEED, SEEDS_DIR / "101_sdf_baghuz_final_push.txt"], nlp=nlp, progress=True)
    lines = _bar_lines(capsys.readouterr().err, "tagging")
    assert [line for line in lines if "100%" in line] == [lines[-1]], lines
    assert all("2/2" in line or "0/2" in line for line in lines), "the total is known at once"


def test_tagging_without_a_store_draws_its_last_line_once(nlp, capsys):
    from workbench.corpus import extract
    from workbench.read.reports import read_reports

    reports, _ = read_reports([SEED])
    extract(reports, nlp=nlp, progress=True)
    lines = _bar_lines(capsys.readouterr().err, "tagging")
    assert sum("100%" in line for line in lines) == 1, lines


def test_correct_list_on_an_empty_ledger_says_so(tmp_path, capsys):
    path = tmp_path / "empty.duckdb"
    Store.open(path).close()
    assert main(["correct", "list", "--store", str(path)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("no corrections yet") and "Empty DataFrame" not in out


@pytest.fixture
def ledger_store(tmp_path, nlp):
    path = tmp_path / "ledger.duckdb"
    with Store.open(path) as store:
        store.ingest([SEED], nlp=nlp, progress=False)
        store.correct("rename_actor", actor="sdf", canonical=LONG_NAME, reason="a long name")
    return path


@pytest.mark.parametrize("width", [80, 120])
def test_correct_list_fits_the_terminal(ledger_store, monkeypatch, capsys, width):
    monkeypatch.setenv("COLUMNS", str(width))
    assert main(["correct", "list", "--store", str(ledger_store)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["id", "time", "author", "kind", "status", "payload", "detail"]
    assert max(map(len, lines)) <= width
    assert "rename_actor" in lines[1] and "…" in lines[1], "the payload is cut, the kind is not"


def test_correct_list_shows_everything_on_a_wide_terminal(ledger_store, monkeypatch, capsys):
    monkeypatch.setenv("COLUMNS", "400")
    assert main(["correct", "list", "--store", str(ledger_store)]) == 0
    out = capsys.readouterr().out
    assert LONG_NAME in out and "…" not in out


def test_read_table_gives_full_file_names_where_they_fit(monkeypatch, capsys):
    monkeypatch.setenv("COLUMNS", "250")
    assert main(["read", str(SEEDS_DIR)]) == 0
    out = capsys.readouterr().out
    assert str(SEEDS_DIR / "101_sdf_baghuz_final_push.txt") in out
    assert "2019-03-23" in out and "00:00:00" not in out, "dates without a midnight time"
    monkeypatch.setenv("COLUMNS", "90")
    assert main(["read", str(SEEDS_DIR)]) == 0
    assert max(map(len, capsys.readouterr().out.splitlines())) <= 90


def test_names_are_cut_last():
    import pandas as pd

    table = pd.DataFrame(
        {"canonical": [LONG_NAME], "aliases": ["ISCAP, IS-CAP, Ansar al-Sunna, al-Shabaab (Moz)"]}
    )
    text = _table_text(table, empty="none", width=len(LONG_NAME) + 2 + 16)
    assert LONG_NAME in text and "…" in text.splitlines()[1]


def test_empty_tables_say_what_is_missing(tmp_path, capsys):
    assert main(["read", str(tmp_path)]) == 0
    assert capsys.readouterr().out.strip() == "no reports read"
