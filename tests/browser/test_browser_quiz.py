"""The quiz in headless Chromium: open the date page in quiz mode, click a token, see the reveal."""

from __future__ import annotations

import pytest
from conftest import exceptions_on, wait_for_app

pytestmark = pytest.mark.browser

REVEALED = """() => {
  const alerts = [...document.querySelectorAll('[data-testid="stAlert"]')].map(a => a.innerText);
  const plots = document.querySelectorAll('.js-plotly-plot').length;
  return alerts.some(t => t.startsWith('Right') || t.startsWith('Not this time')) && plots >= 2;
}"""


def test_date_quiz_click_a_token_and_the_attention_is_revealed(page, app_url):
    page.goto(app_url + "/dates?quiz=true&quiz_seed=2&quiz_n=3")
    wait_for_app(page)
    page.wait_for_selector("text=Which input character does it attend to most?", timeout=60_000)
    assert page.locator(".js-plotly-plot").count() == 0  # the heatmap is hidden
    tokens = page.locator('[data-testid="stButtonGroup"] button')
    tokens.first.wait_for(timeout=60_000)  # the pills come after the question in the stream
    assert tokens.count() >= 4
    tokens.nth(1).click()
    page.wait_for_function(REVEALED, timeout=60_000)
    wait_for_app(page)
    assert page.get_by_role("button", name="Next question").is_visible()
    assert "quiz_seed=2" in page.url and "quiz_n=3" in page.url
    assert exceptions_on(page) == []
