"""The command line: read and extract end to end, as an analyst runs them."""

from __future__ import annotations

import json

from workbench.cli import main

from .conftest import SEED


def test_read_prints_reports_and_names_bad_files(tmp_path, capsys):
    (tmp_path / "good.txt").write_text("Headline\n\nTroops advanced on the town.")
    (tmp_path / "bad.txt").write_bytes(b"\x00\x01\x02")
    assert main(["read", str(tmp_path), "--format", "jsonl"]) == 0
    out, err = capsys.readouterr()
    rows = [json.loads(line) for line in out.splitlines()]
    assert [r["title"] for r in rows] == ["Headline"]
    assert f"skipped {tmp_path / 'bad.txt'}: binary file, not text" in err
    assert "1 reports read, 1 problems" in err


def test_extract_writes_scorer_records(tmp_path, capsys):
    out = tmp_path / "pred.jsonl"
    assert main(["extract", str(SEED), "--format", "jsonl", "--out", str(out)]) == 0
    (record,) = [json.loads(line) for line in out.read_text().splitlines()]
    assert record["file"] == SEED.name
    names = {a["canonical"] for a in record["actors"]}
    assert {"Syrian Democratic Forces", "Islamic State"} <= names
    assert "Kurdistan 24" not in names and "Nadia Riva" not in names


def test_missing_model_is_one_clear_line(capsys):
    assert main(["extract", str(SEED), "--model", "no_such_model_xx"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err[-1].startswith("workbench: spaCy model 'no_such_model_xx' is not installed")
