"""The self-attention page in headless Chromium: a toggle redraws the heatmaps."""

import pytest
from conftest import exceptions_on, wait_for_app

pytestmark = pytest.mark.browser

# plotly.js keeps z base64-encoded in gd.data; gd._fullData holds the decoded rows.
HEATMAPS_HASH = """() => {
  const z = [...document.querySelectorAll('.js-plotly-plot')]
    .flatMap(p => (p._fullData || []).filter(t => t.type === 'heatmap'))
    .map(t => Array.from(t.z, row => Array.from(row).map(v => v === null ? 'x' : v.toFixed(4))));
  return z.length ? JSON.stringify(z) : null;
}"""


def test_causal_toggle_changes_the_heatmaps(page, app_url):
    page.goto(f"{app_url}/selfattention")
    wait_for_app(page)
    page.wait_for_function(f"() => ({HEATMAPS_HASH})() !== null", timeout=60_000)
    assert exceptions_on(page) == []
    before = page.evaluate(HEATMAPS_HASH)
    page.locator('[data-testid="stCheckbox"]', has_text="Causal mask").click()
    page.wait_for_function(
        f"(before) => {{ const h = ({HEATMAPS_HASH})(); return h !== null && h !== before; }}",
        arg=before,
        timeout=60_000,
    )
    page.wait_for_url("**causal=1", timeout=30_000)
    wait_for_app(page)
    assert exceptions_on(page) == []
