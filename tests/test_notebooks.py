"""Notebook hygiene: every shipped notebook follows the house rules; the checker catches each."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from workbench.cli import main
from workbench.errors import WorkbenchError
from workbench.share.notebooks import (
    MAX_CODE_LINES,
    check_notebook_style,
    clean_notebook,
    execute_notebook,
    find_notebooks,
    inject_parameters,
    strip_volatile,
)

FIXTURE = Path(__file__).parent / "fixtures" / "render" / "00-render-fixture.ipynb"
TIMINGS = {"execution": {"iopub.status.busy": "2026-11-28T12:31:26.795Z"}}


def _good_cells() -> list:
    """A notebook that follows every rule: title, one import cell, parameters, short cells."""
    return [
        new_markdown_cell("# 04 · Example\n\nWhat this notebook shows."),
        new_code_cell("import workbench as wb"),
        new_markdown_cell("## Inputs"),
        new_code_cell("corpus = wb.SEEDS_DIR", metadata={"tags": ["parameters"]}),
        new_markdown_cell("Read the reports."),
        new_code_cell("reports, problems = wb.read_reports(corpus)"),
        new_code_cell("reports.head()"),
    ]


def _write(tmp_path: Path, cells: list, name: str = "04-example.ipynb") -> Path:
    path = tmp_path / name
    nbformat.write(new_notebook(cells=cells), path)
    return path


# One way to break each rule, and a word the checker's message must contain.
def _bad_name(cells):
    return cells, "4-Example Notebook.ipynb", "NN-kebab-title"


def _no_title(cells):
    return cells[1:], None, "Markdown title"


def _title_not_heading(cells):
    cells[0] = new_markdown_cell("Some words, no heading.")
    return cells, None, "Markdown title"


def _two_import_cells(cells):
    cells[5] = new_code_cell("from pathlib import Path\nreports = None")
    return cells, None, "imports in cells 2, 6"


def _no_parameters_cell(cells):
    cells[3].metadata = {}
    return cells, None, "parameters"


def _long_cell(cells):
    cells[6] = new_code_cell("\n".join(f"x{i} = {i}" for i in range(MAX_CODE_LINES + 1)))
    return cells, None, f"{MAX_CODE_LINES + 1} lines"


def _defines_function(cells):
    cells[6] = new_code_cell("def helper(df):\n    return df.head()")
    return cells, None, "defines a function"


def _defines_class(cells):
    cells[6] = new_code_cell("class Helper:\n    pass")
    return cells, None, "defines a function or class"


def _nbval_comment(cells):
    cells[6] = new_code_cell("reports.head()  # NBVAL_CHECK_OUTPUT")
    return cells, None, "tag the cell instead"


def _three_code_cells_in_a_row(cells):
    cells.append(new_code_cell("problems"))
    return cells, None, "cells 6-8 are 3 code cells in a row"


BREAKERS = [
    _bad_name,
    _no_title,
    _title_not_heading,
    _two_import_cells,
    _no_parameters_cell,
    _long_cell,
    _defines_function,
    _defines_class,
    _nbval_comment,
    _three_code_cells_in_a_row,
]


@pytest.mark.parametrize("path", find_notebooks(), ids=lambda p: p.name)
def test_shipped_notebook_follows_the_house_rules(path):
    assert check_notebook_style(path) == []


def test_render_fixture_follows_the_house_rules():
    assert check_notebook_style(FIXTURE) == []


def test_checker_passes_a_good_notebook(tmp_path):
    assert check_notebook_style(_write(tmp_path, _good_cells())) == []


@pytest.mark.parametrize("breaker", BREAKERS, ids=lambda f: f.__name__.strip("_"))
def test_checker_catches_each_rule(tmp_path, breaker):
    cells, name, expected = breaker(_good_cells())
    problems = check_notebook_style(_write(tmp_path, cells, name or "04-example.ipynb"))
    assert len(problems) == 1, problems
    assert expected in problems[0]


def test_checker_ignores_empty_cells_and_injected_parameters(tmp_path):
    cells = _good_cells()
    cells.insert(4, new_code_cell("corpus = 'x'", metadata={"tags": ["injected-parameters"]}))
    cells.append(new_code_cell(""))
    assert check_notebook_style(_write(tmp_path, cells)) == []


def test_strip_volatile_drops_timings_ids_and_stderr():
    widget_view = {"model_id": "3f2a", "version_major": 2, "version_minor": 0}
    cells = [
        new_markdown_cell("# T", metadata={"tags": ["keep"]}),
        new_code_cell("a", execution_count=7, metadata=TIMINGS),
        new_code_cell("b", execution_count=None),
        new_code_cell(
            "c",
            execution_count=9,
            outputs=[
                new_output("stream", name="stderr", text="100%|####| 3/3 [00:01<00:00]"),
                new_output("stream", name="stdout", text="kept"),
                new_output(
                    "execute_result",
                    execution_count=9,
                    data={
                        "application/vnd.jupyter.widget-view+json": widget_view,
                        "text/plain": "IntSlider(value=2)",
                    },
                ),
                new_output(
                    "display_data",
                    data={"application/vnd.jupyter.widget-view+json": widget_view},
                ),
            ],
        ),
    ]
    nb = new_notebook(
        cells=cells,
        metadata={
            "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
            "language_info": {"name": "python", "version": "3.11.9"},
            "widgets": {"application/vnd.jupyter.widget-state+json": {"state": {}}},
            "papermill": {"duration": 3.2},
        },
    )
    clean = strip_volatile(nb)
    assert set(clean.metadata) == {"kernelspec", "language_info"}
    assert "version" not in clean.metadata.language_info
    assert clean.cells[0].metadata == {"tags": ["keep"]}
    assert clean.cells[1].metadata == {}
    assert [c.get("execution_count") for c in clean.cells] == [None, 1, None, 2]
    outputs = clean.cells[3].outputs
    assert [o.output_type for o in outputs] == ["stream", "execute_result"]
    assert outputs[1].execution_count == 2
    assert set(outputs[1].data) == {"text/plain"}
    assert nb.cells[1].execution_count == 7, "the input notebook is not modified"


def test_clean_notebook_is_idempotent(tmp_path):
    cells = _good_cells()
    cells[1] = new_code_cell("import workbench as wb", execution_count=4, metadata=TIMINGS)
    path = _write(tmp_path, cells)
    first = clean_notebook(path).read_bytes()
    assert b"iopub" not in first
    assert clean_notebook(path).read_bytes() == first


def test_inject_parameters_adds_a_cell_after_the_parameters_cell():
    nb = new_notebook(cells=_good_cells())
    injected = inject_parameters(nb, {"corpus": "other/folder", "limit": 3})
    assert injected.cells[4].metadata.tags == ["injected-parameters"]
    assert injected.cells[4].source == "# Parameters\ncorpus = 'other/folder'\nlimit = 3"
    again = inject_parameters(injected, {"limit": 4})
    assert [c.source for c in again.cells].count("# Parameters\nlimit = 4") == 1
    assert len(again.cells) == len(nb.cells) + 1


def test_inject_parameters_needs_a_parameters_cell():
    with pytest.raises(WorkbenchError, match="no cell tagged 'parameters'"):
        inject_parameters(new_notebook(cells=[new_code_cell("x = 1")]), {"x": 2})


def test_execute_notebook_runs_parameters_and_names_the_failing_cell(tmp_path):
    cells = [
        new_markdown_cell("# 09 · Broken"),
        new_code_cell("x = 1", metadata={"tags": ["parameters"]}),
        new_code_cell("assert x == 1, f'x is {x}'"),
    ]
    path = _write(tmp_path, cells, "09-broken.ipynb")
    with pytest.raises(
        WorkbenchError, match=r"09-broken.ipynb: cell 3 raised AssertionError: x is 2"
    ):
        execute_notebook(path, parameters={"x": 2})


def test_cli_notebooks_check_only_lists_problems(tmp_path, capsys):
    cells, name, _ = _no_title(_good_cells())
    path = _write(tmp_path, cells)
    assert main(["notebooks", "--check-only", str(path)]) == 1
    assert "Markdown title" in capsys.readouterr().out


def test_cli_serve_names_a_missing_notebook(tmp_path, capsys):
    assert main(["serve", str(tmp_path / "nope.ipynb")]) == 2
    assert "nope.ipynb: no such notebook" in capsys.readouterr().err
