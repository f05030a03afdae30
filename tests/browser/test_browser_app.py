"""The app in headless Chromium: what a user sees and does."""

import time
from urllib.parse import quote

import pytest
from conftest import exceptions_on, wait_for_app

pytestmark = pytest.mark.browser

# plotly.js keeps z base64-encoded in gd.data; gd._fullData holds the decoded rows.
HEATMAP_HASH = """() => {
  const plot = [...document.querySelectorAll('.js-plotly-plot')]
    .find(p => p._fullData && p._fullData.some(t => t.type === 'heatmap'));
  if (!plot) return null;
  const z = plot._fullData.find(t => t.type === 'heatmap').z;
  return JSON.stringify(Array.from(z, row => Array.from(row).map(v => v.toFixed(6))));
}"""


def heatmap_hash(page):
    return page.evaluate(HEATMAP_HASH)


def test_kernel_page_heatmap_follows_the_keyboard(page, app_url):
    started = time.perf_counter()
    page.goto(app_url)
    wait_for_app(page)
    page.get_by_role("link", name="Kernel regression").first.click()
    page.wait_for_function(f"() => ({HEATMAP_HASH})() !== null", timeout=60_000)
    wait_for_app(page)
    print(f"home -> kernel heatmap visible in {time.perf_counter() - started:.2f} s")
    assert exceptions_on(page) == []
    slider = page.locator('[data-testid="stSlider"]', has_text="Bandwidth").get_by_role("slider")
    # Each key press: the heatmap must change and the URL follow (0.5 -> 0.6 -> 0.8).
    for expected in ("0.6", "0.8"):
        before = heatmap_hash(page)
        slider.press("ArrowRight")  # focuses the slider first, as a Tab would
        page.wait_for_function(
            f"(before) => {{ const h = ({HEATMAP_HASH})(); return h !== null && h !== before; }}",
            arg=before,
            timeout=30_000,
        )
        page.wait_for_url(f"**bandwidth={expected}", timeout=30_000)
        assert slider.get_attribute("aria-valuetext") == expected
    wait_for_app(page)
    assert exceptions_on(page) == []


def test_every_page_opens_without_an_exception(page, app_url):
    page.goto(app_url)
    wait_for_app(page)
    page.wait_for_selector('[data-testid="stSidebarNav"] a')
    links = page.locator('[data-testid="stSidebarNav"] a')
    hrefs = [links.nth(i).get_attribute("href") for i in range(links.count())]
    assert len(hrefs) >= 2
    for href in hrefs:
        page.goto(href if href.startswith("http") else app_url + "/" + href.lstrip("/"))
        wait_for_app(page)
        page.wait_for_timeout(500)  # let a fragment or chart finish drawing
        assert exceptions_on(page) == [], href


def test_bad_and_hostile_url_values_show_a_warning_as_text(page, app_url):
    hostile = "<img src=x id=pwned>**bold**"
    page.goto(f"{app_url}/kernel_regression?bandwidth=abc&kernel={quote(hostile)}")
    wait_for_app(page)
    page.wait_for_selector(".js-plotly-plot")
    warnings = page.locator('[data-testid="stAlertContentWarning"]')
    text = " ".join(warnings.all_inner_texts())
    assert "bandwidth='abc'" in text
    assert "<img src=x id=pwned>**bold**" in text  # shown literally
    assert page.locator("#pwned").count() == 0
    assert exceptions_on(page) == []


HEATMAP_SHAPE = """() => {
  const plot = [...document.querySelectorAll('.js-plotly-plot')]
    .find(p => p._fullData && p._fullData.some(t => t.type === 'heatmap'));
  const z = plot._fullData.find(t => t.type === 'heatmap').z;
  return [z.length, z[0].length];
}"""


def test_bookmark_restores_the_page(page, app_url):
    page.goto(f"{app_url}/kernel_regression?kernel=laplace&bandwidth=0.3&n_train=200&n_query=50")
    wait_for_app(page)
    page.wait_for_selector(".js-plotly-plot")
    assert page.evaluate(HEATMAP_SHAPE) == [50, 200]  # 50 queries x 200 keys
    assert page.get_by_role("combobox", name="Kernel").input_value() == "laplace"
    bandwidth = page.get_by_role("slider", name="Bandwidth h (log scale)")
    assert bandwidth.get_attribute("aria-valuetext") == "0.3"
    assert page.locator('[data-testid="stAlertContentWarning"]').count() == 0


def test_bound_widgets_keep_the_url_and_presentation_mode_follows_across_pages(page, app_url):
    page.goto(f"{app_url}/kernel_regression?noise=abc&present=true")
    wait_for_app(page)
    page.wait_for_selector(".js-plotly-plot")
    text = " ".join(page.locator('[data-testid="stAlertContentWarning"]').all_inner_texts())
    assert "noise='abc'" in text  # Streamlit drops it silently; url_state says so
    page.wait_for_function("() => !location.search.includes('noise')", timeout=30_000)
    # A bound slider inside the model fragment writes the URL (2.5 -> 2.55).
    page.get_by_role("slider", name="Chosen query x").press("ArrowRight")
    page.wait_for_url("**query=2.55**", timeout=30_000)
    assert "present=true" in page.url
    # The sidebar's toggle lives in app.py: its value and URL parameter follow to other pages.
    page.locator('[data-testid="stExpandSidebarButton"]').click()  # presenting folds it away
    page.locator('[data-testid="stSidebarNav"] a', has_text="Translation").click()
    page.wait_for_url("**/translation**", timeout=30_000)
    wait_for_app(page)
    page.wait_for_function("() => location.search.includes('present=true')", timeout=30_000)
    assert "query=" not in page.url  # the kernel page's parameters stay with it
    assert page.get_by_role("switch", name="Presentation mode").is_checked()
    assert exceptions_on(page) == []
