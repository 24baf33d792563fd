"""A shared page explores without a kernel, is small, and names no folder of this machine.

Every ``notebooks/NN-*.ipynb`` is rendered once per session (minutes on a busy machine)
into a temporary folder; the browser tests open each page from ``file://`` with every
other request aborted. Screenshots land in ``build/screenshots/shared-<name>.png``.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import nbformat
import plotly.graph_objects as go
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from tests.test_browser_lab import CHROMIUM, CHROMIUM_ARGS
from workbench import schema
from workbench.config import BUILD_DIR, PROJECT_DIR, STATIC_PAGE_ENV
from workbench.share.notebooks import find_notebooks
from workbench.share.render import (
    KERNEL_ONLY_WIDGETS,
    WIDGET_STATE_MIMETYPE,
    WIDGET_VIEW_MIMETYPE,
    notebook_html,
    render_notebooks,
)
from workbench.views import panels, static

SCREENSHOTS = BUILD_DIR / "screenshots"
MAX_PAGE_BYTES = 7_000_000
NOTEBOOKS = find_notebooks()
EXPLORER_PAGE = "03-actor-involvement"


# -- the rendered pages (once per session) ------------------------------------------------


@pytest.fixture(scope="session")
def pages(tmp_path_factory) -> dict[str, Path]:
    """Every notebook rendered once: page name -> path."""
    out = tmp_path_factory.mktemp("shared-pages")
    return {p.stem: p for p in render_notebooks(out_dir=out)}


@pytest.fixture(scope="session")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api")
    assert CHROMIUM.exists(), "no Chromium: run `make browser`"
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def opened(browser, pages):
    """Open a page with the network cut; yields (page, requests blocked, JS errors)."""
    made = []

    def open_page(name: str):
        page = browser.new_page(viewport={"width": 1300, "height": 900})
        blocked, errors = [], []

        def route(r):
            if r.request.url.startswith("file:"):
                return r.continue_()
            blocked.append(r.request.url)
            return r.abort()

        page.route("**/*", route)
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(pages[name].as_uri())
        page.wait_for_function(
            "() => [...document.querySelectorAll('.js-plotly-plot')]"
            ".every(p => p.querySelector('svg.main-svg'))",
            timeout=30_000,
        )
        made.append(page)
        return page, blocked, errors

    yield open_page
    for page in made:
        page.close()


def _plots_state(page) -> list[dict]:
    """Per figure: its title and, per trace, its name and visibility, as the browser holds them."""
    return page.evaluate(
        """() => [...document.querySelectorAll('.js-plotly-plot')].map(gd => ({
            title: gd.layout.title && (gd.layout.title.text || gd.layout.title),
            traces: gd.data.map(t => [t.name || '', String(t.visible === undefined ? true : t.visible)]),
            legend: gd.querySelectorAll('.legend .traces').length,
            menu: gd.querySelectorAll('.updatemenu-header').length}))"""
    )


def _legend_toggle_changes_the_chart(page, index: int) -> None:
    plot = page.locator(".js-plotly-plot").nth(index)
    plot.scroll_into_view_if_needed()
    before = _plots_state(page)[index]["traces"]
    plot.locator(".legend .traces .legendtoggle").first.click()
    _settle(page, lambda: _plots_state(page)[index]["traces"] != before)
    after = _plots_state(page)[index]["traces"]
    assert after != before, "a legend click hides the entry's traces"
    assert any(v == "legendonly" for _, v in after)


def _settle(page, done, *, timeout: float = 5.0) -> None:
    """Wait until ``done()`` (plotly acts on a click after its double-click delay)."""
    for _ in range(int(timeout / 0.1)):
        if done():
            return
        page.wait_for_timeout(100)


def _explorer_index(page) -> int:
    """The index, among the page's figures, of the static Explorer's first figure."""
    return page.evaluate(
        "() => [...document.querySelectorAll('.js-plotly-plot')]"
        ".indexOf(document.querySelector('.wb-explorer-static .js-plotly-plot'))"
    )


# -- pages: size, paths, controls ---------------------------------------------------------


@pytest.mark.parametrize("name", [p.stem for p in NOTEBOOKS])
def test_page_is_small_with_one_plotly_and_no_dead_widget_state(pages, name):
    html = pages[name].read_text(encoding="utf-8")
    size = pages[name].stat().st_size
    assert size < MAX_PAGE_BYTES, f"{name}: {size / 1e6:.1f} MB"
    assert html.count("* plotly.js v") <= 1, "plotly.js goes into the page once"
    assert WIDGET_STATE_MIMETYPE not in html, "no widget is left, so no widget state"
    assert "@jupyter-widgets/html-manager" not in html and "woff2" not in html, "no unused fonts"


@pytest.mark.parametrize("name", [p.stem for p in NOTEBOOKS])
def test_page_names_no_folder_of_this_machine(pages, name):
    html = pages[name].read_text(encoding="utf-8")
    for folder in {str(PROJECT_DIR), str(Path.home()), os.environ["WORKBENCH_STORE"]}:
        assert folder not in html, f"{name} shows {folder}"


def test_report_pages_name_report_files_relatively(pages):
    reading = pages["01-reading-reports"].read_text(encoding="utf-8")
    assert "seeds/SOURCES.md" in reading, "the problems table names the file from the project"
    tagging = pages["02-tagging-entities"].read_text(encoding="utf-8")
    assert "<b>path</b>: 000_d02af4319f79bde9.txt" in tagging, "the report view: its file name"


@pytest.mark.parametrize("name", [p.stem for p in NOTEBOOKS])
def test_page_draws_offline_with_no_dead_controls(opened, name):
    page, blocked, errors = opened(name)
    assert blocked == [] and errors == []
    controls = page.evaluate(  # plotly's own modebar buttons work in the page
        "() => document.querySelectorAll("
        "'input, select, textarea, button:not(.modebar-btn), .jupyter-widgets').length"
    )
    assert controls == 0, "a control with no kernel behind it does nothing"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"shared-{name}.png"), full_page=True)


def test_kernel_only_panels_say_where_they_work(pages):
    tagging = pages["02-tagging-entities"].read_text(encoding="utf-8")
    assert "The tagging panel corrects tags through a live kernel" in tagging
    assert "workbench serve notebooks/02-tagging-entities.ipynb" in tagging
    explorer = pages[EXPLORER_PAGE].read_text(encoding="utf-8")
    assert "Filters and the sentences behind a click need a live kernel" in explorer
    assert "Click a bar, cell, node" not in explorer, "no prompt for clicks that do nothing"


# -- the Explorer, explored in the browser ------------------------------------------------


def test_explorer_dropdown_switches_chart_and_legend_toggles(opened):
    page, _, _ = opened(EXPLORER_PAGE)
    first = _explorer_index(page)
    assert first >= 0, "the Explorer is on the page as figures"
    plots = _plots_state(page)
    charts = plots[first]
    assert charts["menu"] == 1 and charts["legend"] > 0
    # The dropdown: pick "Named together" (the co-mention network, nodes by actor type).
    plot = page.locator(".js-plotly-plot").nth(first)
    plot.locator(".updatemenu-header").click()
    plot.locator(".updatemenu-dropdown-button", has_text="Named together").click()
    _settle(page, lambda: _plots_state(page)[first]["title"] != charts["title"])
    switched = _plots_state(page)[first]
    assert switched["title"] != charts["title"] and switched["title"].startswith("With whom")
    shown = {n for n, v in switched["traces"] if v == "true"}
    assert "rebel group" in shown, "the network's nodes, by actor type"
    # The legend: hide the first entry; its traces become legend-only.
    _legend_toggle_changes_the_chart(page, first)
    # The maps figure switches between places and events.
    maps = page.locator(".js-plotly-plot").nth(first + 1)
    maps.locator(".updatemenu-header").click()
    maps.locator(".updatemenu-dropdown-button", has_text="Events map").click()
    _settle(page, lambda: _plots_state(page)[first + 1]["title"].startswith("Where: events"))
    assert _plots_state(page)[first + 1]["title"].startswith("Where: events")
    page.screenshot(path=str(SCREENSHOTS / "shared-explorer-switched.png"), full_page=False)


def test_explorer_hover_shows_an_example_sentence(opened):
    page, _, _ = opened(EXPLORER_PAGE)
    plot = page.locator(".wb-explorer-static .js-plotly-plot").first
    plot.scroll_into_view_if_needed()
    bar = plot.locator(".point path").first
    box = bar.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    hover = plot.locator(".hoverlayer .hovertext")
    _settle(page, lambda: hover.count() > 0)
    lines = [t.text_content() for t in hover.first.locator("tspan.line").all()]
    assert len(lines) >= 3 and "events" in lines[1], f"name, counts, then the sentence: {lines}"


@pytest.mark.parametrize("name", ["04-events"])
def test_event_charts_toggle_from_their_legend(opened, name):
    page, _, _ = opened(name)
    with_legend = [i for i, p in enumerate(_plots_state(page)) if p["legend"]]
    assert with_legend
    _legend_toggle_changes_the_chart(page, with_legend[0])


# -- the parts, without a browser ---------------------------------------------------------


def _tiny_tables() -> dict:
    body = "SDF fighters clashed with IS near Raqqa."
    reports = schema.conform([{"report_id": "r", "title": "T", "body": body}], "reports")
    rows = [(0, "SDF", "sdf"), (29, "IS", "is")]
    mentions = schema.conform(
        [
            {"report_id": "r", "sentence_id": 0, "sent_start": 0, "sent_end": len(body),
             "start": s, "end": s + len(t), "text": t, "kind": "actor", "entity_id": e,
             "canonical": t, "actor_type": "rebel_group"}
            for s, t, e in rows
        ],
        "mentions",
    )  # fmt: skip
    actors = schema.conform(
        [{"actor_id": e, "canonical": t, "n_mentions": 1, "actor_type": "rebel_group"}
         for _, t, e in rows],
        "actors",
    )  # fmt: skip
    empty = {n: schema.empty(n) for n in ("places", "relations", "dates", "events")}
    return {"reports": reports, "mentions": mentions, "actors": actors, **empty}


def test_explorer_draws_static_figures_when_no_kernel(monkeypatch):
    monkeypatch.setenv(STATIC_PAGE_ENV, "1")
    shown = panels.explorer(_tiny_tables())
    assert isinstance(shown, static.StaticExplorer)
    bundle = shown._repr_mimebundle_()
    assert WIDGET_VIEW_MIMETYPE not in bundle and "plotly-graph-div" in bundle["text/html"]
    assert "plotly.js v" not in bundle["text/html"], "plotly.js comes with the page, once"
    monkeypatch.setenv(STATIC_PAGE_ENV, "")
    assert isinstance(panels.explorer(_tiny_tables()), panels.Explorer)


def test_hover_gets_the_sentence_behind_the_mark():
    tables = _tiny_tables()
    fig = go.Figure(go.Bar(x=[1], y=["SDF"], customdata=[["actor", "sdf"]], hovertext=["SDF"]))
    static.with_examples(fig, tables)
    assert fig.data[0].hovertext[0] == "SDF<br><i>SDF fighters clashed with IS near Raqqa.</i>"


def test_hover_example_is_escaped():
    tables = _tiny_tables()
    tables["reports"] = tables["reports"].assign(body="SDF <b>x</b> clashed with IS near Raqqa.")
    fig = go.Figure(go.Bar(x=[1], y=["SDF"], customdata=[["actor", "sdf"]], hovertext=["SDF"]))
    assert "&lt;b&gt;" in static.with_examples(fig, tables).data[0].hovertext[0]


def test_a_heatmap_template_gets_its_examples_too():
    tables = _tiny_tables()
    heat = go.Heatmap(
        z=[[1, 0]],
        customdata=[[["actor", "sdf"], ["actor", "nobody"]]],
        hovertemplate="%{z}<extra></extra>",
    )
    fig = static.with_examples(go.Figure(heat), tables)
    assert fig.data[0].hovertemplate == "%{z}%{hovertext}<extra></extra>"
    assert "clashed" in fig.data[0].hovertext[0][0] and fig.data[0].hovertext[0][1] == ""


def test_switching_resets_what_the_other_chart_set():
    a = go.Figure(go.Bar(y=[1]), layout={"title": {"text": "A"}, "xaxis": {"title": {"text": "n"}}})
    b = go.Figure(go.Scatter(y=[2]), layout={"title": {"text": "B"}})
    fig = static.switchable({"a": a, "b": b})
    to_b = fig.layout.updatemenus[0].buttons[1].args
    assert to_b[0]["visible"] == [False, True]
    assert to_b[1]["xaxis"] is None and to_b[1]["title"] == {"text": "B"}


def test_maps_share_one_basemap():
    base = go.Scattergeo(lon=[0, 1], lat=[0, 1], meta="basemap")
    a = go.Figure([base, go.Scattergeo(lon=[1], lat=[1], name="places")])
    b = go.Figure([base, go.Scattergeo(lon=[2], lat=[2], name="events")])
    fig = static.switchable({"places": a, "events": b})
    assert [t.meta for t in fig.data].count("basemap") == 1
    assert fig.layout.updatemenus[0].buttons[1].args[0]["visible"] == [True, False, True]


def _panel_notebook(dom_class: str):
    state = {
        "a" * 32: {"model_name": "VBoxModel", "model_module": "@jupyter-widgets/controls",
                   "state": {"_dom_classes": [dom_class], "children": ["IPY_MODEL_" + "b" * 32]}},
        "b" * 32: {"model_name": "ButtonModel", "model_module": "@jupyter-widgets/controls",
                   "state": {"description": "Merge"}},
        "c" * 32: {"model_name": "LayoutModel", "model_module": "@jupyter-widgets/base",
                   "state": {}},
    }  # fmt: skip
    view = {WIDGET_VIEW_MIMETYPE: {"model_id": "a" * 32, "version_major": 2}}
    output = new_output("display_data", data={**view, "text/plain": "TaggingPanel(...)"})
    nb = new_notebook(cells=[new_markdown_cell("# T"), new_code_cell("panel", outputs=[output])])
    nb.metadata.widgets = {WIDGET_STATE_MIMETYPE: {"state": state, "version_major": 2}}
    return nb


def test_a_kernel_only_panel_becomes_a_note_and_its_state_goes():
    page = notebook_html(_panel_notebook("wb-tagging"), name="02-tagging-entities")
    assert "The tagging panel corrects tags through a live kernel" in page
    assert WIDGET_STATE_MIMETYPE not in page and "Merge" not in page
    assert "@jupyter-widgets/html-manager" not in page and "require.js" not in page


def test_a_client_side_widget_keeps_only_the_state_it_draws():
    page = notebook_html(_panel_notebook("some-panel"), name="x")
    state = re.search(
        r'<script type="application/vnd.jupyter.widget-state\+json">(.*?)</script>', page, re.S
    )
    models = json.loads(state[1])["state"]
    assert set(models) == {"a" * 32, "b" * 32}, "the unused layout model is dropped"
    assert set(KERNEL_ONLY_WIDGETS) >= {"wb-tagging", "wb-explorer"}


def test_outputs_lose_the_project_folder():
    shown = f"<td>{PROJECT_DIR}/seeds/SOURCES.md</td>"
    output = new_output("execute_result", data={"text/html": shown, "text/plain": shown})
    nb = new_notebook(cells=[new_markdown_cell("# T"), new_code_cell("p", outputs=[output])])
    nb.cells[1].outputs[0].execution_count = 1
    page = notebook_html(nbformat.from_dict(nb), name="x")
    assert "<td>seeds/SOURCES.md</td>" in page and str(PROJECT_DIR) not in page
