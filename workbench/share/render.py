"""Notebooks as single HTML files that work offline, and as live Voilà apps.

An analyst shares a notebook as one ``.html`` file that opens from a laptop, a USB stick or
a mail attachment with no network: every script the page needs travels inside it.

* plotly.js: the kernel runs with ``PLOTLY_RENDERER=plotly_mimetype+notebook``, so each
  figure has an HTML output; plotly.js itself (from the installed plotly package) goes
  once into the page head, replacing the copy plotly puts in the first figure's cell. The
  MathJax ``<script src>`` plotly adds to each figure is dropped (no LaTeX in figures).
* Widgets: nbclient stores the widget state in the notebook; nbconvert writes it into the
  page as ``application/vnd.jupyter.widget-state+json``; the widget HTML manager
  (``@jupyter-widgets/html-manager``'s ``embed-amd.js``, with its icon fonts as ``data:``
  URIs) and require.js are inlined instead of loaded from a CDN. ``make vendor`` fetches
  both from the npm registry into ``build/vendor/``; anywidget's bundle comes from its
  Python package.
* Kernel-only panels: the kernel runs with ``$WORKBENCH_STATIC_PAGE=1``, so the Explorer
  draws static plotly figures (``workbench.views.static``) instead of widgets; any other
  widget that needs a kernel (:data:`KERNEL_ONLY_WIDGETS`, e.g. the tagging panel) is
  replaced by a short note saying where it works. Widget state nothing on the page shows
  is dropped, and a page left without widgets carries no widget manager at all.
* Paths: the project folder is cut from every output, so a page names ``seeds/...`` and
  never the folders of the machine it was rendered on.
* Anything else that still points at ``http(s)://`` makes rendering fail with the URL, so
  a page never silently depends on the network.

Examples
--------
>>> voila_command("notebooks/03-actor-involvement.ipynb", port=8866, template="workbench")[-3:]
['--no-browser', '--template=workbench', '--KernelManager.transport=ipc']
"""

from __future__ import annotations

import base64
import html
import json
import os
import re
import sys
from collections.abc import Iterable, Mapping
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from nbformat import NotebookNode

from workbench.config import BUILD_DIR, PROJECT_DIR, STATIC_PAGE_ENV
from workbench.errors import WorkbenchError
from workbench.share.notebooks import (
    NOTEBOOKS_DIR,
    execute_notebook,
    find_notebooks,
    parameter_names,
    read_notebook,
)

#: Where ``render`` writes pages by default.
HTML_DIR = BUILD_DIR / "html"
#: Where ``make vendor`` unpacks the npm packages inlined into every page.
VENDOR_DIR = BUILD_DIR / "vendor"
#: The vendored files, relative to :data:`VENDOR_DIR` (see the Makefile's ``vendor``).
VENDOR_FILES = {
    "requirejs": "requirejs/require.js",
    "html_manager": "html-manager/dist/embed-amd.js",
}
#: Plotly renderers while rendering: JSON for Jupyter plus HTML carrying plotly.js.
RENDER_PLOTLY_RENDERER = "plotly_mimetype+notebook"
#: The notebook ``workbench serve`` opens by default: the interactive explorer.
DEFAULT_SERVE_NOTEBOOK = NOTEBOOKS_DIR / "03-actor-involvement.ipynb"
DEFAULT_PORT = 8866
#: Voilà templates shipped in the package (:data:`VOILA_TEMPLATE`: lab's, nothing from a
#: CDN, a loading message), found through ``$JUPYTER_PATH``.
VOILA_TEMPLATES_ROOT = Path(__file__).parent / "jupyter"
VOILA_TEMPLATE = "workbench"
#: Seconds ``serve`` gives Voilà to shut its kernels down before it stops them itself.
SERVE_STOP_TIMEOUT = 10.0
#: Widget modules the inlined HTML manager already contains.
BUILTIN_WIDGET_MODULES = {
    "@jupyter-widgets/base",
    "@jupyter-widgets/controls",
    "@jupyter-widgets/output",
}
#: Third-party widget modules with an AMD bundle shipped in their Python package.
LOCAL_WIDGET_MODULES = {"anywidget": ("anywidget", "nbextension/index.js")}

WIDGET_STATE_MIMETYPE = "application/vnd.jupyter.widget-state+json"
WIDGET_VIEW_MIMETYPE = "application/vnd.jupyter.widget-view+json"
#: Widgets whose every control calls back into Python, by the CSS class on their root:
#: a page shows this note in their place (``{notebook}`` is the notebook's file name).
KERNEL_ONLY_WIDGETS = {
    "wb-tagging": "The tagging panel corrects tags through a live kernel, so it is not on "
    "this page: open <code>notebooks/{notebook}</code> in JupyterLab (<code>make lab</code>) "
    "or run <code>workbench serve notebooks/{notebook}</code>. The corrections already "
    "made are in the tables on this page.",
    "wb-explorer": "The Explorer's filters need a live kernel: open "
    "<code>notebooks/{notebook}</code> in JupyterLab (<code>make lab</code>) or run "
    "<code>workbench serve notebooks/{notebook}</code>.",
}
#: Environment of a kernel rendering a page: kernel-only panels draw themselves statically.
RENDER_KERNEL_ENV = {STATIC_PAGE_ENV: "1"}
_TEMPLATE_NAME = "workbench-offline.html.j2"
#: nbconvert's lab template with every CDN ``<script src>`` replaced by inline code.
_TEMPLATE = """{%- extends 'index.html.j2' -%}
{%- block html_head_js_requirejs -%}
{%- if resources.workbench.credits %}
<!-- {{ resources.workbench.credits }} -->
{%- endif %}
{%- if resources.workbench.plotlyjs %}
<script>window.PlotlyConfig = {MathJaxConfig: 'local'};</script>
<script>{{ resources.workbench.plotlyjs }}</script>
{%- endif %}
{%- if "widgets" in nb.metadata %}
<script>{{ resources.workbench.requirejs }}</script>
{%- endif %}
{%- endblock html_head_js_requirejs -%}
{% block jupyter_widgets %}
{%- if "widgets" in nb.metadata -%}
<script>{{ resources.workbench.html_manager }}</script>
{% for module in resources.workbench.widget_modules -%}
<script>{{ module }}</script>
{% endfor -%}
{%- endif -%}
{% endblock jupyter_widgets %}
{% block extra_css %}
<style type="text/css">
/* Widgets sit outside the text cells' font rules; give them the notebook's UI font. */
.jupyter-widgets { font-family: var(--jp-ui-font-family); }
</style>
{% endblock extra_css %}
{%- block html_head_js_mathjax -%}{%- endblock html_head_js_mathjax -%}
{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}
"""
_REMOTE_SCRIPT = re.compile(
    r"""<script\b[^>]*\bsrc\s*=\s*["']?((?:https?:)?//[^"'\s>]+)["']?[^>]*>\s*</script>""",
    re.IGNORECASE,
)
#: Every plotly figure's HTML has one div of this class; plotly's init output has none.
_PLOTLY_FIGURE = "plotly-graph-div"
_PLOTLY_INIT = "window.PlotlyConfig"
_DROPPABLE_SCRIPTS = re.compile(r"mathjax", re.IGNORECASE)
_REMOTE_URL = re.compile(r"^\s*(?:https?:)?//", re.IGNORECASE)
_ASSET_REF = re.compile(r"""\b\w\.p\+"([0-9a-f]{20}\.(woff2|woff|ttf|eot|svg))\"""")
_MODEL_REF = re.compile(r'IPY_MODEL_([0-9a-f]{32})|"model_id":\s*"([0-9a-f]{32})"')


def render_notebook(
    path: str | Path,
    *,
    out_dir: str | Path = HTML_DIR,
    parameters: Mapping[str, Any] | None = None,
    timeout: int = 600,
) -> Path:
    """Execute a notebook and write it as one self-contained HTML page; return the page's path.

    ``parameters`` override the notebook's ``parameters`` cell, as with papermill. The page
    is ``out_dir/<notebook name>.html``.

    Show plotly figures at top level or as ``go.FigureWidget``, not inside an ipywidgets
    ``Output``: under nbclient such a cell waits out the whole ``timeout`` before going on
    (the page is still right, only slow; Jupyter Lab and Voilà are not affected).

    Example (executes the notebook, so not a doctest; ``make render`` runs it)::

        render_notebook("notebooks/01-reading-reports.ipynb")
        # -> PosixPath('.../build/html/01-reading-reports.html')
    """
    path = Path(path)
    vendor = load_vendor()  # fail before spending a kernel run on a missing `make vendor`
    nb = execute_notebook(
        path,
        parameters=parameters,
        timeout=timeout,
        plotly_renderer=RENDER_PLOTLY_RENDERER,
        env=RENDER_KERNEL_ENV,
    )
    page = notebook_html(nb, name=path.stem, vendor=vendor)
    out = Path(out_dir) / f"{path.stem}.html"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(page, encoding="utf-8")
    return out


def render_notebooks(
    paths: Iterable[str | Path] | None = None,
    *,
    out_dir: str | Path = HTML_DIR,
    parameters: Mapping[str, Any] | None = None,
) -> list[Path]:
    """Render each notebook (default: every ``notebooks/NN-*.ipynb``); return the pages.

    Each notebook gets those ``parameters`` that its ``parameters`` cell sets, so one
    ``{"store_path": ...}`` reaches every notebook that reads the store and leaves the
    others (e.g. 01, which reads files only) as they are.
    """
    paths = find_notebooks() if paths is None else [Path(p) for p in paths]
    if not paths:
        raise WorkbenchError(f"{NOTEBOOKS_DIR}: no NN-*.ipynb notebooks to render")
    pages = []
    for path in paths:
        names = set(parameter_names(read_notebook(path))) if parameters else set()
        given = {k: v for k, v in (parameters or {}).items() if k in names}
        pages.append(render_notebook(path, out_dir=out_dir, parameters=given or None))
    return pages


def notebook_html(
    nb: NotebookNode, *, name: str = "notebook", vendor: Mapping[str, str] | None = None
) -> str:
    """Export an executed notebook to HTML with every script inlined.

    Raises ``WorkbenchError`` if an output loads a script, stylesheet or image from the
    network that cannot be inlined.
    """
    from jinja2 import DictLoader
    from nbconvert import HTMLExporter

    vendor = dict(vendor or load_vendor())
    _widget_module_bundles(nb, name=name)  # any widget module with no offline bundle fails
    nb = _without_kernel_only_widgets(nb, name=name)
    nb = _relative_paths(nb)
    nb, has_plotly = _localize_outputs(nb, name=name)
    vendor["plotlyjs"] = _plotlyjs() if has_plotly else ""
    inlined = [vendor["credits"]] if "widgets" in nb.metadata else []
    inlined += ["plotly.js (MIT)"] if has_plotly else []
    vendor["credits"] = "Inlined for offline reading: " + ", ".join(inlined) if inlined else ""
    vendor["widget_modules"] = _widget_module_bundles(nb, name=name)
    exporter = HTMLExporter(
        extra_loaders=[DictLoader({_TEMPLATE_NAME: _TEMPLATE})],
        template_file=_TEMPLATE_NAME,
        embed_images=True,
    )
    title = nb.metadata.get("title") or _title(nb) or name
    page, _ = exporter.from_notebook_node(
        nb, resources={"metadata": {"name": title}, "workbench": vendor}
    )
    remote = remote_sources(page)
    if remote:
        raise WorkbenchError(f"{name}: the page would load {remote[0]} from the network")
    return page


def remote_sources(page: str) -> list[str]:
    """Return the ``http(s)://`` URLs that elements of an HTML page would load.

    Only real elements count (``script``/``img``/``iframe``... ``src``, ``link href``), not
    strings inside scripts or JSON; plain ``<a href>`` links are fine.

    Examples
    --------
    >>> remote_sources('<script src="https://cdn.example/x.js"></script><a href="https://a">')
    ['https://cdn.example/x.js']
    """
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(page, features="html.parser")
    urls = []
    for tag in soup.find_all(["script", "img", "iframe", "link", "source", "video", "audio"]):
        url = tag.get("href" if tag.name == "link" else "src")
        if url and _REMOTE_URL.match(url):
            urls.append(url)
    return urls


@lru_cache(maxsize=4)
def load_vendor(vendor_dir: Path = VENDOR_DIR) -> dict[str, str]:
    """Return the inlined scripts (``requirejs``, ``html_manager``) and a ``credits`` line.

    The HTML manager's icon fonts are swapped for ``data:`` URIs (woff2, which every
    current browser reads; the older formats become empty) so the page fetches nothing.
    """
    missing = [f for f in VENDOR_FILES.values() if not (vendor_dir / f).is_file()]
    if missing:
        raise WorkbenchError(
            f"{vendor_dir / missing[0]}: missing; run `make vendor` "
            "(fetches the widget HTML manager and require.js from the npm registry)"
        )
    manager_dir = vendor_dir / Path(VENDOR_FILES["html_manager"]).parent
    manager = (vendor_dir / VENDOR_FILES["html_manager"]).read_text(encoding="utf-8")
    fonts = {
        name: "data:font/woff2;base64,"
        + base64.b64encode((manager_dir / name).read_bytes()).decode()
        for name, ext in set(_ASSET_REF.findall(manager))
        if ext == "woff2"
    }

    def asset(match: re.Match) -> str:
        return f'__workbenchFonts["{match[1]}"]' if match[2] == "woff2" else '"data:,"'

    manager = "var __workbenchFonts = " + json.dumps(fonts) + ";\n" + _ASSET_REF.sub(asset, manager)
    credits = ", ".join(
        f"{_package_json(vendor_dir / f)} ({_package_json(vendor_dir / f, 'license')})"
        for f in VENDOR_FILES.values()
    )
    return {
        "requirejs": _script_safe((vendor_dir / VENDOR_FILES["requirejs"]).read_text("utf-8")),
        "html_manager": _script_safe(manager),
        "credits": credits,
    }


def voila_command(
    path: str | Path = DEFAULT_SERVE_NOTEBOOK,
    *,
    port: int = DEFAULT_PORT,
    template: str | None = None,
) -> list[str]:
    """Return the command that serves a notebook as a Voilà app on this machine only.

    Voilà runs the notebook in a live kernel, so widgets call back into Python, and hides
    code cells (its ``strip_sources`` default, made explicit here). ``template`` names a
    Voilà template (default: Voilà's own); :data:`VOILA_TEMPLATE` needs
    :func:`voila_environment` to be found (:func:`serve` passes both).
    """
    chosen = [f"--template={template}"] if template else []
    return [
        sys.executable,
        "-m",
        "voila",
        str(path),
        "--strip_sources=True",
        f"--port={port}",
        "--Voila.ip=127.0.0.1",
        "--no-browser",
        *chosen,
        # IPC sockets beside the connection files, in a private folder: TCP would make
        # every kernel warn that its traffic is unencrypted.
        "--KernelManager.transport=ipc",
    ]


def voila_environment(base: Mapping[str, str] | None = None) -> dict[str, str]:
    """The environment Voilà runs in: plotly figures with HTML, and the package's templates
    on ``$JUPYTER_PATH`` (so ``--template=workbench`` is found)."""
    env = dict(os.environ if base is None else base)
    paths = [
        str(VOILA_TEMPLATES_ROOT),
        *filter(None, env.get("JUPYTER_PATH", "").split(os.pathsep)),
    ]
    env["JUPYTER_PATH"] = os.pathsep.join(paths)
    env["PLOTLY_RENDERER"] = RENDER_PLOTLY_RENDERER
    return env


def serve(
    path: str | Path = DEFAULT_SERVE_NOTEBOOK,
    *,
    port: int = DEFAULT_PORT,
    stop_timeout: float = SERVE_STOP_TIMEOUT,
) -> int:
    """Serve a notebook with Voilà until SIGINT or SIGTERM; return Voilà's exit status.

    On either signal, Voilà is asked to stop (it shuts its kernels down); whatever it
    started that is still running ``stop_timeout`` seconds later is killed, so nothing
    outlives the command (kernels run in sessions of their own, out of reach of a
    terminal's Ctrl-C).
    """
    import signal
    import subprocess

    import psutil

    stop = []
    # A session of its own: a terminal's Ctrl-C reaches this process only (Voilà would ask
    # "Shutdown this Voila server?"), which then stops Voilà and what it started.
    proc = subprocess.Popen(
        voila_command(path, port=port, template=VOILA_TEMPLATE),
        env=voila_environment(),
        start_new_session=True,
    )
    server = psutil.Process(proc.pid)

    def on_signal(signum: int, frame: Any) -> None:
        stop.append(signum)

    previous = {s: signal.signal(s, on_signal) for s in (signal.SIGINT, signal.SIGTERM)}
    started: dict[int, psutil.Process] = {}
    try:
        while proc.poll() is None and not stop:
            started.update(_children(server))
            try:
                proc.wait(timeout=0.5)
            except subprocess.TimeoutExpired:
                pass
    finally:
        started.update(_children(server))
        _stop(proc, list(started.values()), timeout=stop_timeout)
        for signum, handler in previous.items():
            signal.signal(signum, handler)
    return 0 if stop else (proc.returncode or 0)


def _children(process: Any) -> dict[int, Any]:
    """Every process ``process`` started, and theirs, by pid (none once it has exited)."""
    import psutil

    try:
        return {p.pid: p for p in process.children(recursive=True)}
    except psutil.Error:
        return {}


def _stop(proc: Any, started: list[Any], *, timeout: float) -> None:
    """SIGTERM Voilà and wait for it; then kill anything it started that is still alive."""
    import subprocess

    import psutil

    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    _, alive = psutil.wait_procs(started, timeout=timeout / 2)
    for process in alive:
        try:
            process.kill()
        except psutil.Error:
            pass
    psutil.wait_procs(alive, timeout=timeout / 2)


def _without_kernel_only_widgets(nb: NotebookNode, *, name: str) -> NotebookNode:
    """Replace each view of a :data:`KERNEL_ONLY_WIDGETS` widget by its note, and keep only
    the widget state that the views left on the page draw (none left: no widget state)."""
    import nbformat

    nb = nbformat.from_dict(nb)
    widgets = nb.metadata.get("widgets", {}).get(WIDGET_STATE_MIMETYPE, {})
    state = widgets.get("state", {})
    roots: set[str] = set()
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            view = output.get("data", {}).get(WIDGET_VIEW_MIMETYPE)
            if not view:
                continue
            classes = state.get(view.get("model_id"), {}).get("state", {}).get("_dom_classes", [])
            note = next((KERNEL_ONLY_WIDGETS[c] for c in classes if c in KERNEL_ONLY_WIDGETS), None)
            if note is None:
                roots.add(view.get("model_id"))
                continue
            note = note.format(notebook=html.escape(f"{name}.ipynb"))
            output["data"] = {
                "text/html": f'<p class="wb-kernel-note"><i>{note}</i></p>',
                "text/plain": re.sub(r"<[^>]+>", "", note),
            }
    kept = _reachable(state, roots)
    if kept:
        widgets["state"] = {k: v for k, v in state.items() if k in kept}
    else:
        nb.metadata.pop("widgets", None)
    return nb


def _reachable(state: Mapping[str, Any], roots: set[str]) -> set[str]:
    """The widget models ``roots`` draw: themselves and every model their state names."""
    seen, todo = set(), [r for r in roots if r in state]
    while todo:
        model = todo.pop()
        if model in seen:
            continue
        seen.add(model)
        for match in _MODEL_REF.finditer(json.dumps(state[model])):
            ref = match[1] or match[2]
            if ref in state and ref not in seen:
                todo.append(ref)
    return seen


def _relative_paths(nb: NotebookNode, *, root: Path = PROJECT_DIR) -> NotebookNode:
    """Cut the project folder out of every output (``/home/x/clone/seeds/a.txt`` becomes
    ``seeds/a.txt``), so a page never shows the folders of the machine that rendered it."""
    import nbformat

    prefix = str(root.resolve()) + os.sep
    text = json.dumps(nb)
    if prefix not in text:
        return nb
    escaped = json.dumps(prefix)[1:-1]  # as it appears inside a JSON string
    return nbformat.from_dict(json.loads(text.replace(escaped, "")))


def _localize_outputs(nb: NotebookNode, *, name: str) -> tuple[NotebookNode, bool]:
    """Prepare HTML outputs (Output widgets' too) for a page with plotly.js in its head.

    Drops plotly's per-notebook init output (its copy of plotly.js runs only where it sits,
    so a figure above it, or inside a widget, would find no ``Plotly``), drops MathJax
    ``<script src>``, refuses any other remote script. Returns the notebook and whether it
    shows plotly figures.
    """
    import nbformat

    nb = nbformat.from_dict(nb)
    has_plotly = False
    for i, cell in enumerate(nb.cells, start=1):
        if "outputs" in cell:
            cell.outputs = [_localize_output(o, where=f"{name}: cell {i}") for o in cell.outputs]
            cell.outputs = [o for o in cell.outputs if o is not None]
            has_plotly |= any(_PLOTLY_FIGURE in _html(o) for o in cell.outputs)
    state = nb.metadata.get("widgets", {}).get(WIDGET_STATE_MIMETYPE, {}).get("state", {})
    for model in state.values():
        outputs = model.get("state", {}).get("outputs")
        if outputs:
            outputs = [_localize_output(o, where=f"{name}: an Output widget") for o in outputs]
            model["state"]["outputs"] = [o for o in outputs if o is not None]
            has_plotly |= any(_PLOTLY_FIGURE in _html(o) for o in model["state"]["outputs"])
    return nb, has_plotly


def _localize_output(output: dict, *, where: str) -> dict | None:
    text = _html(output)
    if not text:
        return output
    if _PLOTLY_INIT in text and _PLOTLY_FIGURE not in text:
        return None

    def replace(match: re.Match) -> str:
        if _DROPPABLE_SCRIPTS.search(match[1]):
            return ""
        raise WorkbenchError(
            f"{where}: output loads {match[1]} from the network; display it with "
            f"PLOTLY_RENDERER={RENDER_PLOTLY_RENDERER} or inline the script"
        )

    output["data"]["text/html"] = _REMOTE_SCRIPT.sub(replace, text)
    return output


def _html(output: dict) -> str:
    text = output.get("data", {}).get("text/html", "")
    return "".join(text) if isinstance(text, list) else text


@lru_cache(maxsize=1)
def _plotlyjs() -> str:
    from plotly.offline import get_plotlyjs

    return _script_safe(get_plotlyjs())


def _widget_module_bundles(nb: NotebookNode, *, name: str) -> list[str]:
    """Inline AMD bundles for the third-party widget modules the notebook's widgets use."""
    state = nb.metadata.get("widgets", {}).get(WIDGET_STATE_MIMETYPE, {}).get("state", {})
    modules = {
        model.get(key)
        for model in state.values()
        for key in ("model_module", "view_module")
        if model.get(key)
    }
    bundles = []
    for module in sorted(modules - BUILTIN_WIDGET_MODULES):
        if module not in LOCAL_WIDGET_MODULES:
            raise WorkbenchError(
                f"{name}: widget module {module!r} has no offline bundle; add it to "
                "workbench.share.render.LOCAL_WIDGET_MODULES or use ipywidgets/anywidget"
            )
        package, file = LOCAL_WIDGET_MODULES[module]
        source = (resources.files(package) / file).read_text(encoding="utf-8")
        # The bundle defines an anonymous AMD module; name it so require.js can find it inline.
        source = re.sub(r"\bdefine\(\[", f"define({json.dumps(module)}, [", source, count=1)
        bundles.append(_script_safe(source))
    return bundles


def _title(nb: NotebookNode) -> str | None:
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                if line.startswith("# "):
                    return line[2:].strip()
    return None


def _package_json(path: Path, field: str | None = None) -> str:
    """``name@version`` (or one field) of the npm package holding ``path``."""
    for folder in path.parents:
        manifest = folder / "package.json"
        if manifest.is_file():
            meta = json.loads(manifest.read_text(encoding="utf-8"))
            return str(meta.get(field, "?")) if field else f"{meta['name']}@{meta['version']}"
    return "?"


def _script_safe(source: str) -> str:
    """Make JavaScript safe to place between ``<script>`` tags (``</script`` would end it)."""
    return re.sub(r"</(script)", r"<\\/\1", source, flags=re.IGNORECASE)
