"""Every chart reads well in a real browser, at 1,300 and 900 px wide.

Each chart of the explorer is drawn from the seeds into a standalone HTML page (plotly.js
from the installed plotly package, loaded from ``file://``) and opened in headless
Chromium. The tests read the drawn SVG: text labels on the plot (node and place names)
must not overlap, tick labels must lie inside the figure (not clipped), and every mark's
colour must have at least 3:1 contrast against the background (WCAG). Screenshots land in
``build/screenshots/chart-<name>-<width>.png``.
"""

from __future__ import annotations

import plotly.io as pio
import pytest

from workbench.views.style import contrast_ratio

from .test_browser_lab import CHROMIUM, CHROMIUM_ARGS, SCREENSHOTS, _seed_tables

WIDTHS = (1300, 900)
#: Marks need this contrast against the paper (WCAG 2.1, non-text contrast).
MIN_CONTRAST = 3.0

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="no Chromium: run `make browser`")

#: In the page: every text of the plot's own labels, tick labels, and mark fills.
_READ_SVG = """() => {
  const box = e => { const r = e.getBoundingClientRect();
    return {x0: r.left, y0: r.top, x1: r.right, y1: r.bottom, text: e.textContent}; };
  const svg = document.querySelector('.main-svg').getBoundingClientRect();
  const shown = e => e.textContent.trim() && getComputedStyle(e).opacity !== '0';
  const labels = [...new Set(document.querySelectorAll('.textpoint text, .geo text'))]
    .filter(shown).map(box);
  const ticks = [...document.querySelectorAll('.xtick text, .ytick text')].filter(shown).map(box);
  const fills = [...document.querySelectorAll('path.point, .point path')]
    .map(e => getComputedStyle(e).fill)
    .filter(f => f && f.startsWith('rgb'));
  return {svg: {x0: svg.left, y0: svg.top, x1: svg.right, y1: svg.bottom}, labels, ticks,
          fills};
}"""


@pytest.fixture(scope="module")
def drawn(tmp_path_factory):
    """``{(chart, width): what the page drew}``, every chart at every width, with a
    screenshot of each."""
    sync_api = pytest.importorskip("playwright.sync_api")
    from workbench.views.panels import EXPLORER_CHARTS

    tables = _seed_tables()
    folder = tmp_path_factory.mktemp("charts")
    pages = {}
    for chart in EXPLORER_CHARTS.values():
        name = chart.__name__
        path = folder / f"{name}.html"
        pio.write_html(chart(tables), path, include_plotlyjs="directory", full_html=True)
        pages[name] = path
    out = {}
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            for width in WIDTHS:
                page = browser.new_page(viewport={"width": width, "height": 900})
                for name, path in pages.items():
                    page.goto(path.as_uri())
                    page.wait_for_selector(".main-svg")
                    page.wait_for_timeout(300)
                    page.screenshot(path=SCREENSHOTS / f"chart-{name}-{width}.png", full_page=True)
                    out[name, width] = page.evaluate(_READ_SVG)
                page.close()
        finally:
            browser.close()
    return out


def _overlaps(a: dict, b: dict, slack: float = 1.0) -> bool:
    return not (
        a["x1"] <= b["x0"] + slack
        or b["x1"] <= a["x0"] + slack
        or a["y1"] <= b["y0"] + slack
        or b["y1"] <= a["y0"] + slack
    )


def test_every_chart_is_drawn_at_both_widths(drawn):
    names = {name for name, _ in drawn}
    assert {"dyad_network", "place_map", "actor_report_heatmap"} <= names
    assert all((name, w) in drawn for name in names for w in WIDTHS)
    assert all((SCREENSHOTS / f"chart-{n}-{w}.png").stat().st_size > 5000 for n, w in drawn)


def test_plot_labels_never_overlap(drawn):
    for (name, width), page in drawn.items():
        labels = page["labels"]
        clashes = [
            (a["text"], b["text"])
            for i, a in enumerate(labels)
            for b in labels[i + 1 :]
            if _overlaps(a, b)
        ]
        assert not clashes, (name, width, clashes[:5])


def test_network_and_map_name_their_biggest_marks(drawn):
    for width in WIDTHS:
        assert len(drawn["dyad_network", width]["labels"]) >= 6
        assert len(drawn["place_map", width]["labels"]) >= 5


def test_tick_labels_are_not_clipped(drawn):
    for (name, width), page in drawn.items():
        svg = page["svg"]
        for tick in page["ticks"]:
            inside = (
                tick["x0"] >= svg["x0"] - 1
                and tick["x1"] <= svg["x1"] + 1
                and tick["y0"] >= svg["y0"] - 1
                and tick["y1"] <= svg["y1"] + 1
            )
            assert inside, (name, width, tick["text"])


def test_tick_labels_do_not_overlap_each_other(drawn):
    for (name, width), page in drawn.items():
        ticks = page["ticks"]
        clashes = [
            (a["text"], b["text"])
            for i, a in enumerate(ticks)
            for b in ticks[i + 1 :]
            if _overlaps(a, b, slack=2.0)
        ]
        assert not clashes, (name, width, clashes[:5])


def test_marks_have_enough_contrast_with_the_background(drawn):
    for (name, width), page in drawn.items():
        for fill in set(page["fills"]):
            rgb = [
                int(float(v)) for v in fill[fill.index("(") + 1 : fill.index(")")].split(",")[:3]
            ]
            color = "#" + "".join(f"{c:02x}" for c in rgb)
            assert contrast_ratio(color, "#ffffff") >= MIN_CONTRAST, (name, width, color)


def test_actor_type_palette_meets_the_contrast_ratio():
    from workbench.views.maps import LAND_COLOR, OCEAN_COLOR
    from workbench.views.style import ACTOR_TYPE_COLORS

    for actor_type, color in ACTOR_TYPE_COLORS.items():
        for background in ("#ffffff", LAND_COLOR, OCEAN_COLOR):
            ratio = contrast_ratio(color, background)
            assert ratio >= MIN_CONTRAST, (actor_type, color, background, round(ratio, 2))
