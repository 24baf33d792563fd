"""The notebooks' panels work in a real JupyterLab, driven by headless Chromium.

The tests start their own JupyterLab (loopback, a token, news and update checks off, a
temporary root holding copies of notebooks 02, 03 and 04, a store of their own). In 03 they
run every cell, change the explorer's actor selection and check that the chart redraws,
then click a bar and check that the evidence pane shows the sentence behind it. In 02 they
merge two actors in the tagging panel (through its confirmation), undo it, and relabel a
mention, checking the panel and the store's ledger. In 04 they run every cell and check the
event charts, the boxed triggers and the correction's effect. Screenshots land in
``build/screenshots/lab-*.png``.
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
TAGGING_NOTEBOOK = PROJECT_DIR / "notebooks" / "02-tagging-entities.ipynb"
EVENTS_NOTEBOOK = PROJECT_DIR / "notebooks" / "04-events.ipynb"
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
def lab_store(tmp_path_factory) -> Path:
    """The store the lab's kernels use (``$WORKBENCH_STORE``), shared by both notebooks."""
    return tmp_path_factory.mktemp("lab-store") / "lab.duckdb"


@pytest.fixture(scope="module")
def lab(tmp_path_factory, lab_store):
    """A running JupyterLab serving a temp folder with copies of the notebooks: its URL."""
    root = tmp_path_factory.mktemp("lab-root")
    settings = tmp_path_factory.mktemp("lab-settings")
    for notebook in (NOTEBOOK, TAGGING_NOTEBOOK, EVENTS_NOTEBOOK):
        shutil.copy(notebook, root / notebook.name)
    (settings / "overrides.json").write_text(json.dumps(OVERRIDES), encoding="utf-8")
    port = _free_port()
    log = (tmp_path_factory.mktemp("lab-log") / "lab.log").open("w")
    env = {**os.environ, "JUPYTER_CONFIG_DIR": str(settings / "config"),
           "JUPYTER_RUNTIME_DIR": str(settings / "runtime"), "WORKBENCH_STORE": str(lab_store)}  # fmt: skip
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


def _run_all(lab: str, page, notebook: Path) -> None:
    """Open ``notebook`` in the lab and start Run > Run All Cells."""
    page.goto(f"{lab}/lab/tree/{notebook.name}?reset&token={TOKEN}")
    page.get_by_text("Python 3 (ipykernel) | Idle").wait_for(timeout=120_000)
    page.locator(".jp-Notebook .jp-Cell").first.click()  # focus the notebook
    page.get_by_role("menuitem", name="Run", exact=True).click()
    page.locator("li[data-command='runmenu:run-all']").click()
    page.locator(".jp-InputPrompt", has_text="[1]:").wait_for(timeout=60_000)


def _drive(lab: str, page) -> None:
    _run_all(lab, page, NOTEBOOK)
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
    tables = _seed_tables()  # the model loads once, here
    actor_id = dict(zip(tables["actors"].canonical, tables["actors"].actor_id, strict=True))[name]
    expected_labels = _filtered_labels(tables, actor_id)
    deadline = time.monotonic() + 30  # a redraw arrives as several messages: wait for the last
    labels = _ticks(bars)
    while {t for t in labels if t} != expected_labels and time.monotonic() < deadline:
        time.sleep(0.25)
        labels = _ticks(bars)
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

    # An event chart: a click on a bar lists its events' sentences, the trigger marked.
    explorer.get_by_role("button", name="Show everything").click()
    explorer.get_by_role("button", name="Events over time", exact=True).click()
    page.wait_for_function(
        "el => (el.data || []).some(t => (t.customdata || []).some(c => c[0] === 'events'))",
        arg=bars.element_handle(),
        timeout=30_000,
    )
    bar = bars.locator(".bars path").first
    ids = bars.evaluate("el => el.data[0].customdata[0]")[1].split("|")
    bar.scroll_into_view_if_needed()
    box = bar.bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    pane.locator("mark.wb-trigger").first.wait_for(timeout=30_000)
    ev = tables["events"].set_index("event_id").loc[ids]
    text = pane.inner_text().replace("\xa0", " ")
    assert f"{len(ids)} event" in text
    for trigger in ev.trigger.head(5):
        assert trigger in text, (trigger, text)
    marked = pane.locator("mark.wb-trigger").evaluate_all(
        "ms => ms.map(m => m.firstChild.textContent)"
    )
    assert set(marked) <= set(ev.trigger) and marked, marked
    _shot(page, "event-evidence", explorer)
    assert page.outside_requests == []


def _options(select) -> list[str]:
    return [
        t.replace("\xa0", " ")
        for t in select.locator("option").evaluate_all("os => os.map(o => o.textContent)")
    ]


def _ledger(store_path: Path) -> list[tuple[str, bool]]:
    """``(kind, undone)`` of each entry in the lab's store, read as another process would."""
    from workbench.corpus import Store

    with Store.open(store_path, read_only=True) as store:
        ledger = store.corrections(status=False)
    undone = set(ledger.payload[ledger.kind == "undo"].map(lambda p: p["entry"]))
    return [(k, u in undone) for k, u in zip(ledger.kind, ledger.uuid, strict=True)]


def test_tagging_panel_merges_undoes_and_relabels_in_lab(lab, lab_store, page):
    try:
        _drive_tagging(lab, lab_store, page)
    except Exception:
        _shot(page, "tagging-failure")
        raise


def _drive_tagging(lab: str, store_path: Path, page) -> None:
    _run_all(lab, page, TAGGING_NOTEBOOK)
    panel = page.locator(".wb-tagging")
    panel.wait_for(timeout=180_000)
    page.locator(".jp-Notebook-ExecutionIndicator[data-status='idle']").wait_for(timeout=180_000)
    panel.scroll_into_view_if_needed()
    _shot(page, "tagging")
    body = panel.locator(".wb-body-mentions select")
    message = panel.locator(".wb-tagging-message")
    before = len(_ledger(store_path))

    # Merge: nothing preset, a question naming both actors, then the merge.
    sdf = next(o for o in _options(body) if o.startswith("SDF → Syrian Democratic Forces"))
    body.select_option(label=sdf)
    page.wait_for_function(
        "el => el.textContent.includes('resolved to Syrian Democratic Forces')",
        arg=panel.locator(".wb-mention-details").element_handle(),
        timeout=30_000,
    )
    merge = panel.locator(".wb-merge-value select")
    assert merge.evaluate("el => el.selectedIndex") == -1  # no preset target
    target = next(o for o in _options(merge) if o.startswith("Islamic State ("))
    merge.select_option(label=target)
    panel.get_by_role("button", name="Merge into").click()
    confirm = panel.locator(".wb-confirm")
    confirm.wait_for(state="visible", timeout=30_000)
    question = confirm.inner_text().replace("\xa0", " ")
    assert "Syrian Democratic Forces" in question and "Islamic State" in question, question
    _shot(page, "tagging-merge-question", panel)
    assert len(_ledger(store_path)) == before  # asking writes nothing
    confirm.get_by_role("button", name="Yes, merge").click()
    page.wait_for_function(
        "el => el.textContent.includes('merge_actors')",
        arg=message.element_handle(),
        timeout=60_000,
    )
    assert any(o.startswith("SDF → Islamic State") for o in _options(body)), _options(body)
    assert merge.evaluate("el => el.selectedIndex") == -1  # reset: a second click cannot merge
    assert _ledger(store_path)[-1] == ("merge_actors", False)
    _shot(page, "tagging-merged", panel)

    # Undo from the panel: the merge is undone in the store and on screen.
    panel.get_by_role("button", name="Undo last").click()
    page.wait_for_function(
        "el => el.textContent.includes('Undid')", arg=message.element_handle(), timeout=60_000
    )
    assert any(o.startswith("SDF → Syrian Democratic Forces") for o in _options(body))
    assert _ledger(store_path)[-2:] == [("merge_actors", True), ("undo", False)]

    # Relabel one place mention as a person.
    place = next(o for o in _options(body) if " · place  [" in o)
    body.select_option(label=place)
    panel.locator(".wb-relabel-value select").select_option(label="person")
    panel.get_by_role("button", name="Relabel").click()
    page.wait_for_function(
        "el => el.textContent.includes('relabel')", arg=message.element_handle(), timeout=60_000
    )
    span = place.rsplit("  ", 1)[1]
    relabelled = [o for o in _options(body) if o.endswith(span)]
    assert relabelled and " · person" in relabelled[0], relabelled
    assert _ledger(store_path)[-1] == ("relabel", False)
    _shot(page, "tagging-relabelled", panel)
    panel.get_by_role("button", name="Undo last").click()  # leave the store as it was
    page.wait_for_function(
        "el => el.textContent.includes('Undid')", arg=message.element_handle(), timeout=60_000
    )
    assert page.outside_requests == []


def test_events_notebook_draws_its_charts_and_corrects_an_event_in_lab(lab, page):
    try:
        _run_all(lab, page, EVENTS_NOTEBOOK)
        page.locator(".jp-Notebook-ExecutionIndicator[data-status='idle']").wait_for(
            timeout=180_000
        )
        cells = page.locator(".jp-Notebook .jp-CodeCell")
        n_code = cells.count()
        page.wait_for_function(  # every code cell has run: no "[ ]:" or "[*]:" prompt left
            "n => [...document.querySelectorAll('.jp-CodeCell .jp-InputPrompt')]"
            ".filter(p => /\\[\\d+\\]/.test(p.textContent)).length === n",
            arg=n_code,
            timeout=180_000,
        )
        notebook = page.locator(".jp-Notebook")
        assert notebook.locator(".jp-OutputArea-output[data-mime-type*='error']").count() == 0
        plots = notebook.locator(".js-plotly-plot")
        plots.nth(5).wait_for(timeout=60_000)
        titles = plots.locator(".gtitle").evaluate_all("els => els.map(e => e.textContent)")
        assert sum(t.startswith("Who acts against whom") for t in titles) == 2, titles
        assert any(t.startswith("When: events over time") for t in titles), titles
        triggers = notebook.locator("mark.wb-trigger")
        assert triggers.count() == 6  # 9 events on 6 trigger words ("struck" codes two)
        assert "struckTRIGGER" in triggers.evaluate_all("els => els.map(e => e.textContent)")
        text = notebook.inner_text()
        counts = re.search(r"events against Islamic State: (\d+) before, (\d+) after", text)
        assert counts and int(counts[2]) == int(counts[1]) + 1, text[-400:]  # the edit adds one
        plots.nth(0).scroll_into_view_if_needed()
        _shot(page, "events-network", plots.nth(0))
    except Exception:
        _shot(page, "events-failure")
        raise
