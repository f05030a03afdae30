"""The date page in headless Chromium: type a date, see it converted, step through it."""

from __future__ import annotations

import time

import pytest
from conftest import exceptions_on, wait_for_app

pytestmark = pytest.mark.browser

OUTPUT = """() => {
  const m = [...document.querySelectorAll('[data-testid="stMetric"]')]
    .find(e => e.innerText.startsWith('Output\\n'));
  return m ? m.innerText.split('\\n').pop() : null;
}"""
HEATMAP_ROWS = """() => {
  const plot = [...document.querySelectorAll('.js-plotly-plot')]
    .find(p => p._fullData && p._fullData.some(t => t.type === 'heatmap'));
  if (!plot) return null;
  const z = plot._fullData.find(t => t.type === 'heatmap').z;
  return [z.length, z[0].length];
}"""


def test_date_page_converts_typed_input_and_steps(page, app_url):
    started = time.perf_counter()
    page.goto(app_url + "/dates")
    wait_for_app(page)
    page.wait_for_function(f"() => ({HEATMAP_ROWS})() !== null", timeout=90_000)
    print(f"date page with heatmap in {time.perf_counter() - started:.2f} s")
    assert exceptions_on(page) == []
    assert page.evaluate(OUTPUT) == "1984-09-25"

    box = page.get_by_role("textbox", name="A date, in any format")
    box.fill("25 sept 1984")
    box.press("Enter")
    page.wait_for_function(f"() => ({HEATMAP_ROWS})()?.[1] === 12", timeout=60_000)
    wait_for_app(page)
    assert page.evaluate(OUTPUT) == "1984-09-25"
    assert "text=25+sept+1984" in page.url or "text=25%20sept%201984" in page.url

    slider = page.locator('[data-testid="stSlider"]', has_text="Step t").get_by_role("slider")
    slider.focus()
    page.keyboard.press("ArrowRight")
    page.wait_for_function("() => location.search.includes('step=2')", timeout=30_000)
    wait_for_app(page)
    assert exceptions_on(page) == []


def test_date_page_refuses_bad_input_without_a_traceback(page, app_url):
    page.goto(app_url + "/dates?text=" + "9" * 45)
    wait_for_app(page)
    page.wait_for_selector("text=at most 40 characters", timeout=60_000)
    assert exceptions_on(page) == []
    box = page.get_by_role("textbox", name="A date, in any format")
    box.fill("<script>alert(1)</script>")
    box.press("Enter")
    page.wait_for_selector("text=outside the model's vocabulary", timeout=60_000)
    wait_for_app(page)
    assert exceptions_on(page) == []
