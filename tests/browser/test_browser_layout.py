"""Every page on a phone (390×844) and, in presentation mode, on a projector (1280×720).

Pages come from the families list, so a new family's page is covered without a new test
(it must add its main chart and controls to MAIN, below). On the phone: no exception, the
page's first chart is visible, and nothing sticks out past the right edge: the document is
not wider than the screen and no visible element's box ends past it, unless it sits in a box
that scrolls sideways on purpose (a wide heatmap, a table, a long formula).
On the projector, with presentation mode on (large title, sidebar folded away): the page as
it loads, not scrolled, shows the whole of its main chart and of every control that changes
it, so a lecturer can drag the control and watch the chart without scrolling; also with the
lecture path bar above the page (the default path's longest stop title, and the "Back to this
stop's view" button of a page that is not the stop's).
"""

from __future__ import annotations

import pytest
from conftest import exceptions_on, wait_for_app

from attention_viz.families import families

pytestmark = pytest.mark.browser

PAGES = ["", *(f.key for f in families() if f.page is not None)]  # "" is Home
PHONE = {"width": 390, "height": 844}
PROJECTOR = {"width": 1280, "height": 720}
CHART = '[data-testid="stMain"] [data-testid="stPlotlyChart"]'

# Elements past the right edge that are not cut off: inside a box that scrolls sideways and
# itself fits, visually hidden (1-px accessibility text: KaTeX's MathML, slider inputs), or
# drawn inside a chart's own SVG (clipped by plotly).
OVERFLOWING = """() => {
  const W = window.innerWidth;
  const main = document.querySelector('[data-testid="stMain"]');
  const bad = [];
  for (const el of main.querySelectorAll('*')) {
    const r = el.getBoundingClientRect();
    if (!r.width || !r.height || r.right <= W + 1) continue;
    let p = el.parentElement, excused = false;
    while (p && p !== main && !excused) {
      const pr = p.getBoundingClientRect();
      const o = getComputedStyle(p).overflowX;
      excused = pr.width <= 1 || pr.height <= 1 || p.tagName.toLowerCase() === 'svg'
        || ((o === 'auto' || o === 'scroll') && pr.right <= W + 1);
      p = p.parentElement;
    }
    if (!excused) {
      const owner = el.closest('[data-testid]');
      const id = owner ? owner.getAttribute('data-testid') : '?';
      bad.push(`${el.tagName.toLowerCase()} in ${id} ends at x=${Math.round(r.right)}`);
    }
  }
  return {page: document.documentElement.scrollWidth, bad: bad.slice(0, 5)};
}"""

# Text Streamlit shortens with an ellipsis ("Confidence (wea…") is cut off too.
ELLIPSIZED = """() => [...document.querySelectorAll('[data-testid="stMain"] *')]
  .filter(el => getComputedStyle(el).textOverflow === 'ellipsis'
    && el.getBoundingClientRect().width > 0 && el.scrollWidth > el.clientWidth + 1)
  .map(el => el.innerText.slice(0, 40))"""

MEMORY_AND_KEY = ["slots", "mem_seed", "key_slot", "key_noise"]  # the NTM sandbox's controls
ADDRESSING = ["beta", "gate", "prev_slot", "shift", "gamma"]
# Each page's main chart (the first one a lecturer talks about) and the controls that change
# it, by their Streamlit keys (each element carries the class st-key-<key>).
MAIN = {
    # the fit, under the pooling, the kernel, its bandwidth and the chosen query
    "kernel_regression": ("fit", ["pooling", "kernel", "bandwidth", "query"]),
    # the attention heatmap, under the date, the model and the gold-span outline
    "dates": ("fig_heatmap", ["text", "model", "gold"]),
    # the heatmap, under the sentence, the model, the decoding, the gold overlay, the feed
    "translation": ("heatmap_a", ["sentence", "model", "decoding", "beam", "gold", "feed"]),
    # head 1's scores and weights, under the tokens, sizes, the four switches, the W preset
    "selfattention": (
        "sa_scores0",
        ["text", "d_model", "heads", "scale", "causal", "positions", "shuffle", "preset0"],
    ),
    # the layer × head grid, under the model, the input, the map and the head picked
    "transformer": ("fig_grid", ["model", "text", "map", "layer", "head"]),
    # one panel per caption word, under the scene's source, seed, shapes, and the overlays
    "captioning": ("panels", ["source", "seed", "shapes", "grid", "gold"]),
    # each addressing stage's weighting, under the memory and key, then the head's controls
    "memory": ("sb_stages", [*MEMORY_AND_KEY, *ADDRESSING]),
}
LONGEST_STOP = "path=default&stop=8"  # "Scoring functions: additive against dot product"

# The page's scroll offsets (the document's and stMain's, which is what scrolls) and the box
# of each element named by its key, or null when there is none.
SCROLL_AND_BOXES = """(keys) => {
  const main = document.querySelector('[data-testid="stMain"]');
  const boxes = {};
  for (const k of keys) {
    const el = main.querySelector(`.st-key-${k}`);
    const r = el && el.getBoundingClientRect();
    boxes[k] = r && {top: r.top, bottom: r.bottom, left: r.left, right: r.right};
  }
  return {scroll: [window.scrollY, main.scrollTop], boxes};
}"""


TITLE_PX = """() => parseFloat(getComputedStyle(
  document.querySelector('[data-testid="stMain"] h1')).fontSize)"""


def open_page(page, url: str, chart: str | None) -> None:
    """Open the page and wait until `chart` (a CSS selector) is drawn and the page is idle."""
    page.goto(url)
    wait_for_app(page)
    if chart:
        page.wait_for_selector(f"{chart} .js-plotly-plot", timeout=60_000)
        wait_for_app(page)  # fragments drawing their own charts
    page.wait_for_timeout(500)  # let plotly finish laying out


def test_every_page_names_its_main_chart():
    assert set(MAIN) == set(PAGES) - {""}


def assert_main_chart_and_controls_on_screen(page, key: str) -> None:
    chart, controls = MAIN[key]
    found = page.evaluate(SCROLL_AND_BOXES, [chart, *controls])
    assert found["scroll"] == [0, 0], "the page as it loads, not scrolled"
    W, H = PROJECTOR["width"], PROJECTOR["height"]
    for name, box in found["boxes"].items():
        assert box is not None, f"{name} is not on the page"
        inside = box["top"] >= -1 and box["left"] >= -1
        inside = inside and box["bottom"] <= H + 1 and box["right"] <= W + 1
        assert inside, f"{name} is not all on the {W}×{H} screen: {box}"


@pytest.mark.parametrize("key", PAGES, ids=[k or "home" for k in PAGES])
def test_page_on_a_phone_and_a_projector(page, app_url, key):
    has_chart = key != ""
    # Phone: 390×844 (CSS px), the page as a student holds it.
    page.set_viewport_size(PHONE)
    open_page(page, f"{app_url}/{key}", CHART if has_chart else None)
    assert exceptions_on(page) == []
    found = page.evaluate(OVERFLOWING)
    assert found["page"] <= PHONE["width"], f"the page is {found['page']} px wide"
    assert found["bad"] == [], "past the right edge"
    assert page.evaluate(ELLIPSIZED) == [], "text cut off with an ellipsis"
    if has_chart:
        chart = page.locator(CHART).first
        chart.scroll_into_view_if_needed()
        assert chart.is_visible()
        box = chart.bounding_box()
        assert box["width"] >= 300 and box["height"] >= 150, box
        assert box["x"] >= 0

    # Projector: 1280×720 in presentation mode, then with the lecture path bar too.
    page.set_viewport_size(PROJECTOR)
    main_chart = f'[data-testid="stMain"] .st-key-{MAIN[key][0]}' if has_chart else None
    for query in ("present=true", f"present=true&{LONGEST_STOP}"):
        open_page(page, f"{app_url}/{key}?{query}", main_chart)
        assert exceptions_on(page) == []
        title_px = page.evaluate(TITLE_PX)
        assert title_px >= 40, "presentation mode's large title"
        sidebar = page.locator('[data-testid="stSidebar"]').bounding_box()
        assert sidebar is None or sidebar["x"] + sidebar["width"] <= 0, "sidebar folded away"
        assert page.evaluate(ELLIPSIZED) == [], "text cut off with an ellipsis"
        if has_chart:
            assert_main_chart_and_controls_on_screen(page, key)
