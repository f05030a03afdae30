"""Every page on a phone (390×844) and, in presentation mode, on a projector (1280×720).

Pages come from the families list, so a new family's page is covered without a new test.
"Main chart" is a page's first plotly chart. On the phone: no exception, the main chart is
visible, and nothing sticks out past the right edge: the document is not wider than the
screen and no visible element's box ends past it, unless it sits in a box that scrolls
sideways on purpose (a wide heatmap, a table, a long formula).
On the projector, "fits" means: with the page scrolled so that the control nearest above the
main chart is at the top of the screen, the whole chart is on screen too, so a lecturer can
drag that control and watch the chart without scrolling; and presentation mode is on (large
title, sidebar folded away).
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

WIDGETS = ", ".join(
    f'[data-testid="stMain"] [data-testid="{w}"]'
    for w in (
        "stSlider", "stSelectbox", "stTextInput", "stTextArea", "stNumberInput", "stRadio",
        "stCheckbox", "stMultiSelect", "stButtonGroup", "stButton",
    )
)  # fmt: skip

# Scroll the control nearest above the main chart to the top; report both boxes after.
CONTROL_AND_CHART = """([chartSel, widgetSel]) => {
  const chart = document.querySelector(chartSel);
  const before = [...document.querySelectorAll(widgetSel)].filter(
    w => w.compareDocumentPosition(chart) & Node.DOCUMENT_POSITION_FOLLOWING);
  const control = before[before.length - 1];
  if (!control) return null;
  control.scrollIntoView({block: 'start'});
  const box = e => { const r = e.getBoundingClientRect();
    return {top: r.top, bottom: r.bottom, left: r.left, right: r.right}; };
  return {control: box(control), chart: box(chart), label: control.innerText.split('\\n')[0]};
}"""


TITLE_PX = """() => parseFloat(getComputedStyle(
  document.querySelector('[data-testid="stMain"] h1')).fontSize)"""


def open_page(page, url: str, has_chart: bool) -> None:
    page.goto(url)
    wait_for_app(page)
    if has_chart:
        page.wait_for_selector(f"{CHART} .js-plotly-plot", timeout=60_000)
        wait_for_app(page)  # fragments drawing their own charts
    page.wait_for_timeout(500)  # let plotly finish laying out


@pytest.mark.parametrize("key", PAGES, ids=[k or "home" for k in PAGES])
def test_page_on_a_phone_and_a_projector(page, app_url, key):
    has_chart = key != ""
    # Phone: 390×844 (CSS px), the page as a student holds it.
    page.set_viewport_size(PHONE)
    open_page(page, f"{app_url}/{key}", has_chart)
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

    # Projector: 1280×720 in presentation mode.
    page.set_viewport_size(PROJECTOR)
    open_page(page, f"{app_url}/{key}?present=true", has_chart)
    assert exceptions_on(page) == []
    title_px = page.evaluate(TITLE_PX)
    assert title_px >= 40, "presentation mode's large title"
    sidebar = page.locator('[data-testid="stSidebar"]').bounding_box()
    assert sidebar is None or sidebar["x"] + sidebar["width"] <= 0, "sidebar folded away"
    assert page.evaluate(ELLIPSIZED) == [], "text cut off with an ellipsis"
    if has_chart:
        boxes = page.evaluate(CONTROL_AND_CHART, [CHART, WIDGETS])
        assert boxes is not None, "no control above the main chart"
        control, chart = boxes["control"], boxes["chart"]
        assert control["top"] >= -1 and chart["bottom"] <= PROJECTOR["height"] + 1, boxes
        assert chart["right"] <= PROJECTOR["width"], boxes
