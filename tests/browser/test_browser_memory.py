"""The memory (NTM) page in headless Chromium: heads over time on a typed sequence."""

from __future__ import annotations

import pytest
from conftest import exceptions_on, wait_for_app

pytestmark = pytest.mark.browser

HEATMAP_SHAPE = """(title) => {
  const plot = [...document.querySelectorAll('.js-plotly-plot')]
    .find(p => p.layout && p.layout.title && (p.layout.title.text || '').includes(title));
  if (!plot) return null;
  const z = plot._fullData.find(t => t.type === 'heatmap').z;
  return [z.length, z[0].length];
}"""
OUTPUT = """() => {
  const c = [...document.querySelectorAll('[data-testid="stCode"]')];
  return c.length ? c[0].innerText.trim() : null;
}"""


def test_memory_page_shows_the_heads_on_a_typed_sequence(page, app_url):
    page.goto(app_url + "/memory")
    wait_for_app(page)
    page.wait_for_function(f"() => ({HEATMAP_SHAPE})('read weights') !== null", timeout=90_000)
    assert page.evaluate(f"({HEATMAP_SHAPE})('write weights')") == [17, 32]  # length 8
    assert exceptions_on(page) == []

    page.get_by_text("type or click").click()
    wait_for_app(page)
    box = page.get_by_role("textbox", name="Rows of 8 bits")
    box.fill("11110000 00111100 10101010 00000001")
    box.press("Control+Enter")
    page.wait_for_function(f"() => ({HEATMAP_SHAPE})('read weights')?.[0] === 9", timeout=60_000)
    wait_for_app(page)
    assert page.evaluate(OUTPUT) == "11110000 00111100 10101010 00000001"
    assert "input_mode=typed" in page.url and "bits=" in page.url
    assert exceptions_on(page) == []

    # a sequence longer than the page allows is refused with the limit named
    box.fill(" ".join(["01010101"] * 31))
    box.press("Control+Enter")
    page.wait_for_selector("text=at most 30 rows", timeout=60_000)
    assert exceptions_on(page) == []


def test_memory_page_sandbox_sliders_rerun_and_reach_the_url(page, app_url):
    page.goto(app_url + "/memory?gamma=4")
    wait_for_app(page)
    page.wait_for_selector("text=Addressing, stage by stage")
    slider = page.locator('[data-testid="stSlider"]', has_text="Gate g").get_by_role("slider")
    slider.focus()
    page.keyboard.press("ArrowLeft")
    page.wait_for_function("() => location.search.includes('gate=0.95')", timeout=30_000)
    wait_for_app(page)
    assert "gamma=4" in page.url
    assert exceptions_on(page) == []


def test_clicking_the_bit_grid_flips_a_bit(page, app_url):
    page.goto(app_url + "/memory?input_mode=typed&bits=00000000,11111111")
    wait_for_app(page)
    page.wait_for_function(f"() => ({HEATMAP_SHAPE})('read weights') !== null", timeout=90_000)
    grid = page.locator('[data-testid="stDataFrame"]')
    grid.scroll_into_view_if_needed()
    box = grid.bounding_box()
    # the grid draws on a canvas: click the first bit of row 1 (row marker 33 px, header 35 px)
    page.mouse.click(box["x"] + 33 + 20, box["y"] + 35 + 17)
    page.wait_for_function("() => location.search.includes('bits=10000000')", timeout=30_000)
    wait_for_app(page)
    page.wait_for_function(f"() => ({OUTPUT})() === '10000000 11111111'", timeout=30_000)
    assert exceptions_on(page) == []
