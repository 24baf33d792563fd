"""The numbered notebooks as files: run them, keep them clean, and check they tell a story.

Three jobs, each usable on its own:

* :func:`execute_notebook` runs a notebook top to bottom in a fresh ``python3`` kernel (the
  interpreter running this code), optionally with new values for its ``parameters`` cell,
  and keeps the widget state so a static page can still show the widgets.
* :func:`strip_volatile` / :func:`clean_notebook` drop what changes on every run (timings,
  kernel and widget ids, progress bars) so committed notebooks only change when their
  content does.
* :func:`check_notebook_style` lists the ways a notebook breaks the house rules in
  ``STYLE.md`` (title first, one import cell, a parameters cell, short code cells, no
  ``def``/``class``, Markdown between code cells, an ``NN-kebab-title.ipynb`` name).
"""

from __future__ import annotations

import ast
import os
import re
import tempfile
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import nbformat
from nbformat import NotebookNode

from workbench.config import PROJECT_DIR
from workbench.errors import WorkbenchError

#: Where the numbered notebooks live.
NOTEBOOKS_DIR = PROJECT_DIR / "notebooks"
#: ``NN-kebab-title.ipynb``: two digits, then lower-case words joined by hyphens.
NOTEBOOK_NAME = re.compile(r"^\d{2}-[a-z0-9]+(?:-[a-z0-9]+)*\.ipynb$")
#: The glob :func:`find_notebooks` uses (the numbered notebooks only, not scratch files).
NOTEBOOK_GLOB = "[0-9][0-9]-*.ipynb"
#: A code cell longer than this belongs in the package.
MAX_CODE_LINES = 12
#: More code cells than this in a row need Markdown between them to explain what they do.
MAX_CONSECUTIVE_CODE_CELLS = 2
#: The tag of the cell whose values :func:`inject_parameters` overrides (papermill's name).
PARAMETERS_TAG = "parameters"
#: The tag of the cell :func:`inject_parameters` adds after it (papermill's name).
INJECTED_TAG = "injected-parameters"
#: The kernel every notebook runs in (resolved to the interpreter running this code).
KERNEL_NAME = "python3"
#: Plotly renderer for notebooks kept in git: figure JSON only, which JupyterLab draws.
STORED_PLOTLY_RENDERER = "plotly_mimetype"

#: Notebook-level metadata worth keeping; everything else (widgets, papermill, ...) goes.
KEPT_NOTEBOOK_METADATA = ("kernelspec", "language_info", "title", "authors")
#: Cell-level metadata worth keeping; ``execution`` timings, ``papermill`` etc. go.
KEPT_CELL_METADATA = ("tags", "jupyter", "slideshow", "editable", "deletable", "collapsed")
#: Widget views refer to model ids that change on every run; the text repr stays.
WIDGET_VIEW_MIMETYPE = "application/vnd.jupyter.widget-view+json"

_DEF_OR_CLASS = re.compile(r"^\s*(?:async\s+def|def|class)\s+\w+", re.MULTILINE)
_IMPORT = re.compile(r"^\s*(?:import\s+\w|from\s+[\w.]+\s+import\s)", re.MULTILINE)


def find_notebooks(folder: str | Path = NOTEBOOKS_DIR) -> list[Path]:
    """Return the numbered notebooks (``NN-*.ipynb``) in ``folder``, in order.

    Examples
    --------
    >>> all(p.name[:2].isdigit() for p in find_notebooks())
    True
    """
    return sorted(Path(folder).glob(NOTEBOOK_GLOB))


def read_notebook(path: str | Path) -> NotebookNode:
    """Read a notebook file, naming the file if it is not a valid notebook."""
    path = Path(path)
    try:
        return nbformat.read(path, as_version=4)
    except FileNotFoundError:
        raise WorkbenchError(f"{path}: no such notebook") from None
    except Exception as exc:  # nbformat raises several unrelated types for bad JSON
        raise WorkbenchError(f"{path}: not a readable notebook ({exc})") from exc


def inject_parameters(nb: NotebookNode, parameters: Mapping[str, Any]) -> NotebookNode:
    """Return a copy of ``nb`` with a cell setting ``parameters`` after its ``parameters`` cell.

    This is what papermill does: the original defaults stay visible, and the injected cell
    (tagged ``injected-parameters``) overrides them. Values are written with ``repr``, so
    use plain Python values (str, int, float, bool, None, lists and dicts of those).

    Examples
    --------
    >>> nb = nbformat.v4.new_notebook(cells=[
    ...     nbformat.v4.new_code_cell("corpus = 'seeds'", metadata={"tags": ["parameters"]})])
    >>> inject_parameters(nb, {"corpus": "other"}).cells[1].source
    "# Parameters\\ncorpus = 'other'"
    """
    nb = nbformat.from_dict(nb)
    nb.cells = [c for c in nb.cells if INJECTED_TAG not in c.metadata.get("tags", [])]
    lines = ["# Parameters"] + [f"{name} = {value!r}" for name, value in parameters.items()]
    cell = nbformat.v4.new_code_cell("\n".join(lines), metadata={"tags": [INJECTED_TAG]})
    at = _parameters_cell_index(nb)
    if at is None:
        raise WorkbenchError(
            f"no cell tagged '{PARAMETERS_TAG}' to inject parameters after; "
            "tag the inputs cell in Jupyter Lab's property inspector"
        )
    nb.cells.insert(at + 1, cell)
    return nb


def parameter_names(nb: NotebookNode) -> list[str]:
    """The names the notebook's ``parameters`` cell assigns, in order (``[]`` without one).

    Examples
    --------
    >>> nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(
    ...     "corpus = 'seeds'\\nstore_path = None  # the store",
    ...     metadata={"tags": ["parameters"]})])
    >>> parameter_names(nb)
    ['corpus', 'store_path']
    """
    at = _parameters_cell_index(nb)
    if at is None:
        return []
    try:
        tree = ast.parse(nb.cells[at].source)
    except SyntaxError:  # e.g. a %magic line: nothing to say for sure
        return []
    names = []
    for node in tree.body:
        targets = node.targets if isinstance(node, ast.Assign) else []
        if isinstance(node, ast.AnnAssign):
            targets = [node.target]
        names += [t.id for t in targets if isinstance(t, ast.Name)]
    return list(dict.fromkeys(names))


def execute_notebook(
    path: str | Path,
    *,
    parameters: Mapping[str, Any] | None = None,
    timeout: int = 600,
    plotly_renderer: str = STORED_PLOTLY_RENDERER,
    env: Mapping[str, str] | None = None,
) -> NotebookNode:
    """Run a notebook in a fresh kernel and return it with outputs and widget state.

    The kernel starts in the notebook's folder, as in Jupyter Lab. ``plotly_renderer``
    becomes ``$PLOTLY_RENDERER`` in the kernel: the default keeps stored notebooks small;
    :func:`workbench.share.render.render_notebook` asks for ``plotly_mimetype+notebook`` so that
    plotly.js travels inside the outputs; ``env`` adds variables to the kernel's
    environment. The kernel talks to us over IPC sockets in a private temporary folder
    (not TCP: nothing to encrypt, no warning about it). A failing cell raises
    ``WorkbenchError`` naming the notebook, the cell and the exception.
    """
    from nbclient import NotebookClient

    path = Path(path)
    nb = read_notebook(path)
    if parameters:
        try:
            nb = inject_parameters(nb, parameters)
        except WorkbenchError as exc:
            raise WorkbenchError(f"{path}: {exc}") from None
    with tempfile.TemporaryDirectory(prefix="workbench-kernel-") as sockets:
        client = NotebookClient(
            nb,
            kernel_name=KERNEL_NAME,
            timeout=timeout,
            store_widget_state=True,
            resources={"metadata": {"path": str(path.parent.resolve())}},
            config=ipc_kernel_config(sockets),
        )
        environment = {**os.environ, **(env or {}), "PLOTLY_RENDERER": plotly_renderer}
        _run(client, path, env=environment, timeout=timeout)
    return nb


def ipc_kernel_config(folder: str | Path) -> Any:
    """Kernel-manager settings for a kernel that listens on IPC sockets in ``folder``.

    TCP on localhost is what Jupyter uses by default, and ipykernel warns on every start
    that it is unencrypted; IPC sockets are files only this user can open. Given as
    configuration (not a manager object) so nbclient still owns, and shuts down, the kernel.
    """
    from traitlets.config import Config

    folder = Path(folder)
    return Config(
        {
            "KernelManager": {
                "transport": "ipc",
                "connection_file": str(folder / "kernel.json"),
                "ip": str(folder / "kernel"),
            }
        }
    )


def _run(client: Any, path: Path, *, env: Mapping[str, str], timeout: int) -> None:
    from nbclient.exceptions import CellExecutionError, CellTimeoutError

    nb = client.nb
    try:
        client.execute(env=env)
    except CellExecutionError as exc:
        cell = _first_error_cell(nb)
        raise WorkbenchError(
            f"{path}: cell {cell} raised {exc.ename}: {exc.evalue}; "
            "run the notebook in Jupyter Lab to see the traceback"
        ) from exc
    except CellTimeoutError as exc:
        raise WorkbenchError(
            f"{path}: a cell ran longer than {timeout}s; pass a larger timeout"
        ) from exc


def strip_volatile(nb: NotebookNode) -> NotebookNode:
    """Return a copy of ``nb`` without what changes on every run.

    Drops execution timings, kernel/papermill/widget metadata, the Python patch version,
    stderr streams (progress bars, warnings) and widget-view outputs (their model ids are
    random; the text repr stays). Execution counts are renumbered 1, 2, ... in cell order
    so a re-run with the same results gives the same file. Outputs are otherwise kept.

    Examples
    --------
    >>> timing = {"execution": {"shell.execute_reply": "2026-11-28T12:31:27Z"}}
    >>> cell = nbformat.v4.new_code_cell("1 + 1", execution_count=7,
    ...                                  metadata={**timing, "tags": ["x"]})
    >>> clean = strip_volatile(nbformat.v4.new_notebook(cells=[cell]))
    >>> clean.cells[0].execution_count, dict(clean.cells[0].metadata)
    (1, {'tags': ['x']})
    """
    nb = nbformat.from_dict(nb)
    nb.metadata = nbformat.from_dict(
        {k: v for k, v in nb.metadata.items() if k in KEPT_NOTEBOOK_METADATA}
    )
    nb.metadata.get("language_info", {}).pop("version", None)
    count = 0
    for cell in nb.cells:
        cell.metadata = nbformat.from_dict(
            {k: v for k, v in cell.metadata.items() if k in KEPT_CELL_METADATA}
        )
        if cell.cell_type != "code":
            continue
        outputs = (_stable_output(o) for o in cell.outputs if not _is_volatile(o))
        cell.outputs = [o for o in outputs if o.get("data", True)]
        if cell.execution_count is not None:
            count += 1
            cell.execution_count = count
        for output in cell.outputs:
            if output.output_type == "execute_result":
                output.execution_count = cell.execution_count
    return nb


def clean_notebook(path: str | Path) -> Path:
    """Rewrite a notebook file in place with :func:`strip_volatile` applied; return its path."""
    path = Path(path)
    nbformat.write(strip_volatile(read_notebook(path)), path)
    return path


def refresh_notebook(path: str | Path, *, timeout: int = 600) -> Path:
    """Execute a notebook and save it, cleaned, in place (what ``make notebooks`` does)."""
    path = Path(path)
    nb = execute_notebook(path, timeout=timeout)
    nbformat.write(strip_volatile(nb), path)
    return path


def check_notebook_style(path: str | Path) -> list[str]:
    """Return one line per way the notebook at ``path`` breaks the house rules (none: ``[]``).

    The rules (``STYLE.md`` section 8): named ``NN-kebab-title.ipynb``; the first cell is
    Markdown with a ``# Title``; at most one cell of imports; a cell tagged ``parameters``;
    code cells of at most :data:`MAX_CODE_LINES` lines; no ``def``/``class`` (helpers belong
    in the package, where they can be tested); no ``# NBVAL_...`` comments in the
    analyst's code (nbval's cell tags say the same); at most
    :data:`MAX_CONSECUTIVE_CODE_CELLS` code cells in a row without Markdown between them.
    Cells are numbered from 1.
    """
    path = Path(path)
    nb = read_notebook(path)
    name = path.name
    problems = []
    if not NOTEBOOK_NAME.match(name):
        problems.append(f"{name}: name is not NN-kebab-title.ipynb (e.g. 04-event-timeline)")
    cells = [c for c in nb.cells if INJECTED_TAG not in c.metadata.get("tags", [])]
    if not cells or cells[0].cell_type != "markdown" or not _has_title(cells[0].source):
        problems.append(f"{name}: cell 1 is not a Markdown title ('# Title')")
    numbered = list(enumerate(cells, start=1))
    code = [(i, c) for i, c in numbered if c.cell_type == "code" and c.source.strip()]
    import_cells = [i for i, c in code if _IMPORT.search(c.source)]
    if len(import_cells) > 1:
        cells_list = ", ".join(map(str, import_cells))
        problems.append(f"{name}: imports in cells {cells_list}; keep them in one cell")
    if not any(PARAMETERS_TAG in c.metadata.get("tags", []) for _, c in code):
        problems.append(f"{name}: no code cell tagged '{PARAMETERS_TAG}' (the inputs cell)")
    for i, cell in code:
        n_lines = len(cell.source.strip().splitlines())
        if n_lines > MAX_CODE_LINES:
            problems.append(
                f"{name}: cell {i} has {n_lines} lines (at most {MAX_CODE_LINES}); "
                "move the logic into the workbench package"
            )
        if _DEF_OR_CLASS.search(cell.source):
            problems.append(
                f"{name}: cell {i} defines a function or class; put it in the workbench package"
            )
        if "# NBVAL_" in cell.source:
            problems.append(
                f"{name}: cell {i} has an NBVAL comment; tag the cell instead "
                "('nbval-check-output' or 'nbval-ignore-output' in its metadata tags)"
            )
    for first, last in _code_runs(numbered):
        problems.append(
            f"{name}: cells {first}-{last} are {last - first + 1} code cells in a row "
            f"(at most {MAX_CONSECUTIVE_CODE_CELLS}); add Markdown saying what they do"
        )
    return problems


def _has_title(source: str) -> bool:
    first = source.lstrip().splitlines()[0] if source.strip() else ""
    return first.startswith("# ")


def _code_runs(numbered: Iterable[tuple[int, NotebookNode]]) -> list[tuple[int, int]]:
    """The (first, last) cell numbers of runs of too many code cells; empty cells are skipped."""
    runs, run = [], []
    for i, cell in numbered:
        if cell.cell_type == "code":
            if cell.source.strip():
                run.append(i)
            continue
        runs.append(run)
        run = []
    runs.append(run)
    return [(r[0], r[-1]) for r in runs if len(r) > MAX_CONSECUTIVE_CODE_CELLS]


def _parameters_cell_index(nb: NotebookNode) -> int | None:
    for i, cell in enumerate(nb.cells):
        if PARAMETERS_TAG in cell.metadata.get("tags", []):
            return i
    return None


def _first_error_cell(nb: NotebookNode) -> str:
    """The failing cell as the analyst counts it: from 1, not counting an injected cell."""
    number = 0
    for cell in nb.cells:
        injected = INJECTED_TAG in cell.metadata.get("tags", [])
        number += not injected
        if any(o.get("output_type") == "error" for o in cell.get("outputs", [])):
            return "(injected parameters)" if injected else str(number)
    return "?"


def _is_volatile(output: NotebookNode) -> bool:
    return output.output_type == "stream" and output.get("name") == "stderr"


def _stable_output(output: NotebookNode) -> NotebookNode:
    data = output.get("data")
    if data and WIDGET_VIEW_MIMETYPE in data:
        del data[WIDGET_VIEW_MIMETYPE]
    return output
