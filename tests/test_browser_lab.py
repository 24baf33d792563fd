"""The actor-involvement notebook works in a real JupyterLab, driven by headless Chromium.

The test starts its own JupyterLab (loopback, a token, news and update checks off, a
temporary root holding a copy of ``notebooks/03-actor-involvement.ipynb``), runs every
cell, changes the explorer's actor selection and checks that the chart redraws, then
clicks a bar and checks that the evidence pane shows the sentence behind it. Screenshots
land in ``build/screenshots/lab-*.png``.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from workbench.config import BUILD_DIR, PROJECT_DIR

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
NOTEBOOK = PROJECT_DIR / "notebooks" / "03-actor-involvement.ipynb"
SCREENSHOTS = BUILD_DIR / "screenshots"
TOKEN = "workbench-browser-test"
#: Lab settings: no calling home (news, update checks), and every cell rendered (no windowing),
#: so outputs far down the notebook exist in the page.
OVERRIDES = {
    "@jupyterlab/apputils-extension:notification": {"checkForUpdates": False, "fetchNews": "false"},
    "@jupyterlab/notebook-extension:tracker": {"windowingMode": "none"},
}

#: The notebook's static figures, in order.
STATIC_FIGURES = ("who", "actor-report", "network", "type-matrix", "map", "timeline")

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="no Chromium: run `make browser`")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """A running JupyterLab serving a temp folder with a copy of the notebook: its URL."""
    root = tmp_path_factory.mktemp("lab-root")
    settings = tmp_path_factory.mktemp("lab-settings")
    shutil.copy(NOTEBOOK, root / NOTEBOOK.name)
    (settings / "overrides.json").write_text(json.dumps(OVERRIDES), encoding="utf-8")
    port = _free_port()
    log = (tmp_path_factory.mktemp("lab-log") / "lab.log").open("w")
    env = {**os.environ, "JUPYTER_CONFIG_DIR": str(settings / "config"),
           "JUPYTER_RUNTIME_DIR": str(settings / "runtime")}  # fmt: skip
    env.pop("PLOTLY_RENDERER", None)
    proc = subprocess.Popen(
        [sys.executable, "-m", "jupyterlab", "--no-browser", "--allow-root",
         "--ip=127.0.0.1", f"--port={port}", f"--ServerApp.token={TOKEN}",
         "--ServerApp.open_browser=False", f"--ServerApp.root_dir={root}",
         f"--LabApp.app_settings_dir={settings}",
         f"--LabApp.user_settings_dir={settings / 'user'}",
         f"--LabApp.workspaces_dir={settings / 'workspaces'}",
         "--LabApp.check_for_updates_class="
         "jupyterlab.handlers.announcements.NeverCheckForUpdate"],
        cwd=root, env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                urllib.request.urlopen(f"{base}/api/status?token={TOKEN}", timeout=2)
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"JupyterLab did not start; see {log.name}") from None
                time.sleep(0.5)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


@pytest.fixture(scope="module")
def page(lab):
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1500, "height": 1000})
        outside: list[str] = []

        def only_local(route):
            url = route.request.url
            if url.startswith(lab) or url.startswith(("data:", "blob:")):
                return route.continue_()
            outside.append(url)
            return route.abort()

        page.route("**/*", only_local)
        page.outside_requests = outside
        try:
            yield page
        finally:
            browser.close()


def _shot(page, name: str, locator=None) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"lab-{name}.png"
    (locator or page).screenshot(path=path)
    return path


def _ticks(plot) -> list[str]:
    return plot.locator(".ytick text").evaluate_all("els => els.map(e => e.textContent)")


def _seed_tables():
    from workbench.config import SEEDS_DIR
    from workbench.corpus import extract
    from workbench.read.reports import read_reports

    return extract(read_reports(SEEDS_DIR)[0])


def _filtered_labels(tables, actor_id: str) -> set[str]:
    """The bar labels the explorer's first chart should show with one actor selected."""
    from workbench.views.charts import involvement_bar
    from workbench.views.filters import filter_tables

    fig = involvement_bar(filter_tables(tables, actors=[actor_id]))
    return {y for trace in fig.data for y in trace.y}


def _expected_evidence(tables, actor_id: str, customdata: list) -> list[str]:
    """Plain stretches (no entity in them) of the sentences the pane should show."""
    from workbench.views.charts import evidence_query
    from workbench.views.evidence import evidence
    from workbench.views.filters import filter_tables

    shown = filter_tables(tables, actors=[actor_id])
    found = evidence(shown, **evidence_query(customdata), limit=20)
    stretches = []
    for sentence, marks in zip(found.sentence, found.mentions, strict=True):
        cuts = sorted({0, len(sentence), *(m["start"] for m in marks), *(m["end"] for m in marks)})
        pieces = [sentence[a:b].strip() for a, b in zip(cuts, cuts[1:], strict=False)]
        stretches.append(max(pieces, key=len))
    return stretches


def test_notebook_runs_filters_and_shows_evidence_in_lab(lab, page):
    try:
        _drive(lab, page)
    except Exception:
        _shot(page, "failure")  # what the browser showed when it went wrong
        raise


def _drive(lab: str, page) -> None:
    page.goto(f"{lab}/lab/tree/{NOTEBOOK.name}?reset&token={TOKEN}")
    page.get_by_text("Python 3 (ipykernel) | Idle").wait_for(timeout=120_000)
    page.locator(".jp-Notebook .jp-Cell").first.click()  # focus the notebook
    page.get_by_role("menuitem", name="Run", exact=True).click()
    page.locator("li[data-command='runmenu:run-all']").click()
    page.locator(".jp-InputPrompt", has_text="[1]:").wait_for(timeout=60_000)
    explorer = page.locator(".wb-explorer")
    explorer.wait_for(timeout=180_000)
    page.locator(".jp-Notebook-ExecutionIndicator[data-status='idle']").wait_for(timeout=180_000)
    bars = explorer.locator(".js-plotly-plot").first
    bars.locator(".bars path").first.wait_for(timeout=60_000)
    figures = page.locator(".jp-RenderedPlotly")  # static figures (the explorer's are widgets)
    assert figures.count() == len(STATIC_FIGURES) + 1  # and the state forces after the explorer
    for i, name in enumerate(STATIC_FIGURES):
        figures.nth(i).scroll_into_view_if_needed()
        figures.nth(i).locator(".main-svg").first.wait_for(timeout=30_000)
        _shot(page, f"figure-{name}", figures.nth(i))
    explorer.scroll_into_view_if_needed()
    _shot(page, "explorer")
    before = bars.locator(".bars path").count()
    labels_before = _ticks(bars)

    select = explorer.locator(".wb-actor-select select")
    options = select.locator("option").evaluate_all("os => os.map(o => o.textContent)")
    name = re.sub(r"\s\(\d+\)$", "", options[1].replace("\xa0", " "))  # "Civilians (20)"
    select.select_option(index=1)
    page.wait_for_function(
        "([el, n]) => el.querySelectorAll('.bars path').length !== n",
        arg=[bars.element_handle(), before],
        timeout=30_000,
    )
    labels = _ticks(bars)
    tables = _seed_tables()  # the model loads once, here
    actor_id = dict(zip(tables["actors"].canonical, tables["actors"].actor_id, strict=True))[name]
    expected_labels = _filtered_labels(tables, actor_id)
    assert labels != labels_before and {t for t in labels if t} == expected_labels, labels
    _shot(page, "explorer-filtered")

    bar = bars.locator(".bars path").first
    customdata = bars.evaluate("el => el.data[0].customdata[0]")  # the first bar drawn
    bar.scroll_into_view_if_needed()
    box = bar.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    pane = explorer.locator(".wb-evidence-pane")
    pane.locator("blockquote").first.wait_for(timeout=30_000)
    text = pane.inner_text()
    expected = _expected_evidence(tables, actor_id, customdata)
    assert expected and all(stretch in text for stretch in expected[:5]), (expected, text)
    assert pane.locator("mark").count() >= 1
    pane.scroll_into_view_if_needed()
    _shot(page, "evidence")
    _shot(page, "evidence-pane", pane)
    assert page.outside_requests == []
