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
    assert f"{tmp_path / 'bad.txt'}: binary file, not text" in err
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


def test_render_passes_the_store_only_to_notebooks_that_take_it(tmp_path, monkeypatch, capsys):
    from workbench.share import render
    from workbench.share.notebooks import NOTEBOOKS_DIR

    seen = {}

    def fake_render(path, *, out_dir, parameters=None):
        seen[path.name] = parameters
        page = tmp_path / f"{path.stem}.html"
        page.write_text("<html></html>")
        return page

    monkeypatch.setattr(render, "render_notebook", fake_render)
    monkeypatch.chdir(tmp_path)  # a relative --store is relative to here, not to notebooks/
    nb01, nb03 = (
        NOTEBOOKS_DIR / "01-reading-reports.ipynb",
        NOTEBOOKS_DIR / "03-actor-involvement.ipynb",
    )
    assert main(["render", str(nb01), str(nb03), "--store", "mine.duckdb"]) == 0
    mine = {"store_path": str(tmp_path / "mine.duckdb"), "add_reports": None}
    assert seen == {nb01.name: None, nb03.name: mine}  # 03 sets no demo_corrections
    assert "03-actor-involvement.html" in capsys.readouterr().out


def test_store_rebuild_prints_one_line_of_counts(tmp_path, monkeypatch, capsys):
    import workbench.corpus

    calls = []

    def fake_rebuild(path, sources, *, model=None, progress=True):
        calls.append((path, sources, model))
        return {"reports": 23, "corrections": 2}

    monkeypatch.setattr(workbench.corpus, "rebuild_store", fake_rebuild)
    path = tmp_path / "s.duckdb"
    assert main(["store", "rebuild", str(SEED), "--store", str(path)]) == 0
    assert calls == [(path, [str(SEED)], None)]
    assert capsys.readouterr().out == f"23 reports, 2 corrections  ({path})\n"
