"""The transformer page in headless Chromium: type, see the grid, switch a head off."""

from __future__ import annotations

import pytest
from conftest import exceptions_on, wait_for_app

pytestmark = pytest.mark.browser

HEATMAPS = """() => [...document.querySelectorAll('.js-plotly-plot')]
  .filter(p => p._fullData && p._fullData.some(t => t.type === 'heatmap')).length"""


def test_transformer_page_reverses_typed_input_and_ablates_a_head(page, app_url):
    page.goto(app_url + "/transformer")
    wait_for_app(page)
    page.wait_for_function(f"() => ({HEATMAPS})() >= 2", timeout=90_000)
    assert exceptions_on(page) == []

    box = page.get_by_role("textbox", name="Input")
    box.fill("abc123")
    box.press("Enter")
    page.wait_for_function("() => location.search.includes('text=abc123')", timeout=60_000)
    wait_for_app(page)
    page.wait_for_function(
        "() => [...document.querySelectorAll('code')].some(c => c.innerText.trim() === '321cba')",
        timeout=60_000,
    )

    page.locator('[data-testid="stMultiSelect"]').click()
    page.keyboard.type("cross:1.1")
    page.keyboard.press("Enter")
    page.keyboard.press("Escape")  # close the dropdown
    page.wait_for_function("() => location.search.includes('ablate=')", timeout=60_000)
    wait_for_app(page)
    page.get_by_text("Output without them").wait_for(timeout=60_000)
    assert exceptions_on(page) == []

    box.fill("abc!")
    box.press("Enter")
    page.get_by_text("outside the alphabet").wait_for(timeout=60_000)
    assert exceptions_on(page) == []
