"""Rendered pages work from file:// with the network cut, and report text never runs as code.

Each page (the render fixture, then every ``notebooks/NN-*.ipynb``) is rendered once and
opened once in headless Chromium with every non-``file:`` request aborted; the tests then
read what the browser saw. Screenshots land in ``build/screenshots/rendered-<name>.png``.
"""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from tests.test_browser_lab import CHROMIUM, CHROMIUM_ARGS
from workbench.config import BUILD_DIR
from workbench.errors import WorkbenchError
from workbench.share.notebooks import find_notebooks
from workbench.share.render import (
    RENDER_PLOTLY_RENDERER,
    load_vendor,
    notebook_html,
    remote_sources,
    render_notebook,
    voila_command,
)

FIXTURES = Path(__file__).parent / "fixtures"
RENDER_FIXTURE = FIXTURES / "render" / "00-render-fixture.ipynb"
HOSTILE_REPORT = FIXTURES / "hostile" / "hostile_report.txt"
INLINE_HOSTILE = (
    "Shelling near <script>window.__pwned = true; alert(1)</script> Kharkiv, "
    '<img src=x onerror="window.__pwned = true; alert(1)"> officials said.'
)

SCREENSHOTS = BUILD_DIR / "screenshots"
NOTEBOOKS = [RENDER_FIXTURE, *find_notebooks()]
# Raw-text check, independent of the parser remote_sources() uses.
REMOTE_SRC = re.compile(r"<(?:script|link)\b[^>]*\b(?:src|href)\s*=\s*[\"']?\s*https?://", re.I)

needs_browser = pytest.mark.skipif(not CHROMIUM.exists(), reason="no Chromium: run `make browser`")


@dataclass
class Seen:
    """What the browser saw on one page."""

    html: str
    blocked: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    plotly_outputs: int = 0
    plots_drawn: int = 0
    widget_views: int = 0
    widgets_drawn: int = 0
    hover_labels: int = 0
    pwned: bool = False
    text: str = ""


@pytest.fixture(scope="module")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api")
    if not CHROMIUM.exists():
        pytest.skip("no Chromium: run `make browser`")
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def hostile_report(tmp_path_factory) -> Path:
    if HOSTILE_REPORT.exists():
        return HOSTILE_REPORT
    path = tmp_path_factory.mktemp("hostile") / "hostile_report.txt"
    path.write_text(INLINE_HOSTILE, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def opened(browser, hostile_report, tmp_path_factory):
    """Render and open each notebook once per module, whichever test asks first."""
    cache: dict[Path, Seen] = {}
    out_dir = tmp_path_factory.mktemp("html")

    def open_notebook(notebook: Path) -> Seen:
        if notebook not in cache:
            fixture = notebook == RENDER_FIXTURE
            parameters = {"hostile_path": str(hostile_report)} if fixture else None
            page_path = render_notebook(notebook, out_dir=out_dir, parameters=parameters)
            cache[notebook] = _open(browser, page_path, name=notebook.stem)
        return cache[notebook]

    return open_notebook


@pytest.fixture(params=NOTEBOOKS, ids=lambda p: p.stem)
def seen(request, opened) -> Seen:
    return opened(request.param)


def _open(browser, page_path: Path, *, name: str) -> Seen:
    html = page_path.read_text(encoding="utf-8")
    seen = Seen(html=html)
    # Each plotly figure's HTML has one div of this class, also inside Output widget state;
    # a plotly FigureWidget is a widget model with plotly's _js2py_* traits instead.
    seen.plotly_outputs = html.count("plotly-graph-div") + sum(
        "_js2py_relayout" in model.get("state", {}) for model in _widget_state(html).values()
    )
    seen.widget_views = html.count('<script type="application/vnd.jupyter.widget-view+json">')
    page = browser.new_page(viewport={"width": 1100, "height": 900})

    def route(r):
        if r.request.url.startswith("file:"):
            return r.continue_()
        seen.blocked.append(r.request.url)
        return r.abort()

    page.route("**/*", route)
    page.on("dialog", lambda d: (seen.dialogs.append(d.message), d.dismiss()))
    page.on("pageerror", lambda e: seen.errors.append(str(e)))
    page.goto(page_path.as_uri())
    counts = """() => ({
        plots: [...document.querySelectorAll('.js-plotly-plot')]
            .filter(p => p.querySelector('svg.main-svg')).length,
        widgets: [...document.querySelectorAll('.widget-subarea')]
            .filter(w => w.childElementCount > 0).length})"""
    try:
        page.wait_for_function(
            f"() => {{ const c = ({counts})(); "
            f"return c.plots >= {seen.plotly_outputs} && c.widgets >= {seen.widget_views}; }}",
            timeout=20_000,
        )
    except Exception:  # the assertions below report what was missing
        pass
    for point in page.locator(".js-plotly-plot .point path").all()[:3]:
        point.scroll_into_view_if_needed()  # hover labels carry report text too
        box = point.bounding_box()
        if box:  # plotly's drag layer sits on top, so move the mouse rather than hover()
            page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
            page.wait_for_timeout(200)
            seen.hover_labels += page.locator(".js-plotly-plot .hoverlayer .hovertext").count()
    found = page.evaluate(counts)
    seen.plots_drawn, seen.widgets_drawn = found["plots"], found["widgets"]
    seen.pwned = bool(page.evaluate("() => window.__pwned === true"))
    seen.text = page.inner_text("body")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"rendered-{name}.png"), full_page=True)
    page.close()
    return seen


def _widget_state(html: str) -> dict:
    found = re.search(
        r'<script type="application/vnd.jupyter.widget-state\+json">(.*?)</script>', html, re.S
    )
    return json.loads(found[1])["state"] if found else {}


@needs_browser
def test_page_loads_nothing_from_the_network(seen):
    assert remote_sources(seen.html) == []
    assert not REMOTE_SRC.search(seen.html)
    assert seen.blocked == [], "the page tried to fetch from outside the file"


@needs_browser
def test_every_plotly_chart_draws(seen):
    assert seen.plots_drawn == seen.plotly_outputs


@needs_browser
def test_widgets_render_from_embedded_state(seen):
    assert seen.widgets_drawn == seen.widget_views
    assert seen.errors == [], "the page raised JavaScript errors"


@needs_browser
def test_hostile_report_text_never_runs(seen):
    assert seen.dialogs == []
    assert not seen.pwned


@needs_browser
def test_fixture_page_shows_chart_widgets_and_hostile_text_as_text(opened):
    seen = opened(RENDER_FIXTURE)
    assert "require.js" in seen.html and "@jupyter-widgets/html-manager" in seen.html
    assert seen.plotly_outputs == 1 and seen.plots_drawn == 1
    assert seen.widget_views == 2 and seen.widgets_drawn == 2  # slider panel, text panel
    assert "<script>" in seen.text, "hostile markup is shown as text, not dropped"
    assert "2 incidents selected" in seen.text, "the Output widget shows its captured output"
    assert seen.hover_labels >= 1, "hovering a bar shows its (hostile) hover text"


def test_remote_sources_finds_elements_not_strings():
    page = (
        '<script src="https://cdn.example/a.js"></script><link href="//cdn.example/b.css">'
        '<img src="http://x/c.png"><a href="https://fine.example">link</a>'
        "<script>var s = '<script src=\"https://in-a-string\">';</script>"
    )
    assert remote_sources(page) == [
        "https://cdn.example/a.js",
        "//cdn.example/b.css",
        "http://x/c.png",
    ]


def _nb_with_html(html: str):
    output = new_output("display_data", data={"text/html": html, "text/plain": "fig"})
    cells = [new_markdown_cell("# T"), new_code_cell("fig", outputs=[output])]
    return new_notebook(cells=cells)


def test_plotly_mathjax_script_is_dropped():
    mathjax = "https://cdnjs.cloudflare.com/ajax/libs/mathjax/2.7.5/MathJax.js?config=TeX"
    page = notebook_html(_nb_with_html(f'<script src="{mathjax}"></script><div>chart</div>'))
    assert "mathjax/2.7.5" not in page and "<div>chart</div>" in page


def test_other_remote_scripts_fail_rendering_with_the_url():
    nb = _nb_with_html('<script src="https://cdn.plot.ly/plotly-3.0.0.min.js"></script>')
    with pytest.raises(WorkbenchError, match=r"cell 2: .*cdn\.plot\.ly"):
        notebook_html(nb, name="x")


def test_missing_vendor_files_say_run_make_vendor(tmp_path):
    with pytest.raises(WorkbenchError, match="run `make vendor`"):
        load_vendor(tmp_path)


def test_vendored_fonts_are_inlined():
    manager = load_vendor()["html_manager"]
    assert "data:font/woff2;base64," in manager
    assert not re.search(r'\w\.p\+"[0-9a-f]{20}\.', manager), "a font would load from disk"


def test_voila_command_hides_code_and_stays_on_this_machine():
    command = voila_command("notebooks/03-actor-involvement.ipynb", port=9999)
    assert "--strip_sources=True" in command
    assert "--Voila.ip=127.0.0.1" in command and "--port=9999" in command


def test_voila_serves_outputs_without_code(tmp_path):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "PLOTLY_RENDERER": RENDER_PLOTLY_RENDERER}
    log = (tmp_path / "voila.log").open("w")
    proc = subprocess.Popen(
        voila_command(RENDER_FIXTURE, port=port), env=env, stdout=log, stderr=subprocess.STDOUT
    )
    try:
        body = _get_when_up(f"http://127.0.0.1:{port}/", timeout=60)
    finally:
        proc.terminate()
        proc.wait(timeout=20)
        log.close()
    assert "Render fixture" in body
    assert "hostile_path = None" not in body, "code cells are hidden"
    assert "&lt;script&gt;window.__pwned" in body, "printed report text is escaped"


_NO_PROXY = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def _get_when_up(url: str, *, timeout: float) -> str:
    deadline = time.monotonic() + timeout
    while True:
        try:
            with _NO_PROXY.open(url, timeout=30) as response:
                return response.read().decode("utf-8")
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.5)


ANYWIDGET_SOURCE = '''import anywidget, traitlets
class Counter(anywidget.AnyWidget):
    _esm = """export default { render({ model, el }) {
        el.innerHTML = `<button class="aw-counter">count ${model.get('value')}</button>`; } };"""
    value = traitlets.Int(5).tag(sync=True)
Counter()'''


@needs_browser
def test_anywidget_renders_offline(browser, tmp_path):
    cells = [new_markdown_cell("# 99 · anywidget"), new_code_cell(ANYWIDGET_SOURCE)]
    notebook = tmp_path / "99-anywidget.ipynb"
    nbformat.write(new_notebook(cells=cells), notebook)
    seen = _open(browser, render_notebook(notebook, out_dir=tmp_path), name="anywidget")
    assert seen.blocked == [] and seen.errors == []
    assert "count 5" in seen.text


def test_widgets_without_an_offline_bundle_fail_rendering():
    state = {"m1": {"model_module": "jupyter-leaflet", "model_name": "MapModel", "state": {}}}
    nb = _nb_with_html("<div>map</div>")
    nb.metadata.widgets = {"application/vnd.jupyter.widget-state+json": {"state": state}}
    with pytest.raises(WorkbenchError, match="'jupyter-leaflet' has no offline bundle"):
        notebook_html(nb, name="x")


@needs_browser
def test_plotly_js_is_in_the_head_whatever_the_cell_order(browser, tmp_path):
    # plotly puts its library in the first figure's cell; here it comes after a figure (as when
    # the first figure was shown inside a widget): the page must still draw the figure.
    figure = (
        '<div id="fig-1" class="plotly-graph-div" style="height:300px"></div>'
        '<script>Plotly.newPlot("fig-1", [{"y": [1, 3, 2]}], {})</script>'
    )
    init = "<script>window.PlotlyConfig = {};</script><script>/* plotly.js copy */</script>"
    nb = _nb_with_html(figure)
    nb.cells.append(
        new_code_cell("fig", outputs=[new_output("display_data", data={"text/html": init})])
    )
    page = notebook_html(nb, name="order")
    assert "plotly.js copy" not in page
    assert page.index("plotly.js v") < page.index("<body")
    page_path = tmp_path / "order.html"
    page_path.write_text(page, encoding="utf-8")
    seen = _open(browser, page_path, name="plotly-order")
    assert seen.errors == [] and seen.plots_drawn == 1
