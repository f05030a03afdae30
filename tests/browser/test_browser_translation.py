"""The translation page in headless Chromium: type, translate, step, and bad input."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from conftest import exceptions_on, wait_for_app

pytestmark = pytest.mark.browser

HEATMAP_ROWS = """() => {
  const plot = [...document.querySelectorAll('.js-plotly-plot')]
    .find(p => p._fullData && p._fullData.some(t => t.type === 'heatmap'));
  if (!plot) return null;
  return Array.from(plot.layout.yaxis.ticktext || []).join(' ');
}"""


def heatmap_rows(page) -> str | None:
    return page.evaluate(HEATMAP_ROWS)


def open_page(page, app_url, query: str = "") -> None:
    page.goto(f"{app_url}/translation{query}")
    wait_for_app(page)
    page.wait_for_function(f"() => ({HEATMAP_ROWS})() !== null", timeout=60_000)


def test_type_a_sentence_and_translate(page, app_url):
    open_page(page, app_url)
    assert heatmap_rows(page) == "le chat noir ne mange pas les pommes"
    box = page.get_by_label("English sentence")
    box.fill("I like the old tree")
    page.get_by_role("button", name="Translate").click()
    page.wait_for_function(
        f'() => ({HEATMAP_ROWS})() === "j\' aime le vieil arbre"', timeout=30_000
    )
    wait_for_app(page)
    assert "sentence=I+like+the+old+tree" in page.url or "sentence=I%20like" in page.url
    assert exceptions_on(page) == []


def test_step_slider_moves_and_follows_the_url(page, app_url):
    open_page(page, app_url)
    slider = page.locator('[data-testid="stSlider"]', has_text="Decoding step").get_by_role(
        "slider"
    )
    slider.focus()
    page.keyboard.press("ArrowRight")
    page.wait_for_function("() => window.location.search.includes('step=2')", timeout=30_000)
    wait_for_app(page)
    assert "step 2 writes" in page.inner_text('[data-testid="stMain"]').replace("\n", " ")
    assert exceptions_on(page) == []


def test_unknown_and_hostile_words_are_listed_as_text(page, app_url):
    hostile = "the blak cat sleeps <img src=x id=pwned>"
    page.goto(f"{app_url}/translation?sentence={quote(hostile)}")
    wait_for_app(page)
    page.wait_for_selector('[data-testid="stAlertContentError"]')
    text = " ".join(page.locator('[data-testid="stAlertContentError"]').all_inner_texts())
    assert "blak" in text and "black" in text and "pwned" in text
    assert page.locator("#pwned").count() == 0
    assert exceptions_on(page) == []
