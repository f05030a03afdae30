"""The "Attention over images" page in headless Chromium: panels, step slider, uploads."""

from __future__ import annotations

import io

import pytest
from conftest import exceptions_on, wait_for_app
from PIL import Image

from attention_viz.families.captioning import scenes

pytestmark = pytest.mark.browser

PANEL_TITLES = """() => {
  const plot = [...document.querySelectorAll('.js-plotly-plot')]
    .find(p => p._fullData && p._fullData.filter(t => t.type === 'image').length > 1);
  if (!plot) return null;
  return (plot.layout.annotations || []).map(a => a.text).join('|');
}"""


def open_page(page, app_url, query: str = "") -> None:
    page.goto(f"{app_url}/captioning{query}")
    wait_for_app(page)
    page.wait_for_function(f"() => ({PANEL_TITLES})() !== null", timeout=60_000)


def main_text(page) -> str:
    return page.inner_text('[data-testid="stMain"]').replace("\n", " ")


def test_random_scene_shows_one_panel_per_word_and_steps(page, app_url):
    open_page(page, app_url, "?seed=3")
    titles = page.evaluate(PANEL_TITLES).split("|")
    assert titles[0] == "input" and len(titles) >= 5
    words = [t.split(". ", 1)[1] for t in titles[1:]]
    assert " ".join(words) in main_text(page)
    slider = page.locator('[data-testid="stSlider"]', has_text="Word t").get_by_role("slider")
    slider.focus()
    page.keyboard.press("ArrowRight")
    page.wait_for_function("() => window.location.search.includes('step=2')", timeout=30_000)
    wait_for_app(page)
    assert f"word 2 is {words[1]}" in main_text(page)
    assert exceptions_on(page) == []


def _upload(page, app_url, name: str, data: bytes, mime: str) -> None:
    page.goto(f"{app_url}/captioning?source=upload")
    wait_for_app(page)
    page.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(
        {"name": name, "mimeType": mime, "buffer": data}
    )


def test_upload_of_a_png_is_captioned_with_a_note(page, app_url):
    buffer = io.BytesIO()
    image, _ = scenes.render(scenes.random_scene(3))
    Image.fromarray(image).resize((128, 128)).save(buffer, "PNG")
    _upload(page, app_url, "scene.png", buffer.getvalue(), "image/png")
    page.wait_for_function(f"() => ({PANEL_TITLES})() !== null", timeout=60_000)
    wait_for_app(page)
    text = main_text(page)
    assert "not one of the generated scenes" in text and "resized from 128×128" in text
    assert exceptions_on(page) == []


def test_upload_of_a_non_image_file_gets_a_message(page, app_url):
    _upload(page, app_url, "notes.png", b"these are my notes, not a picture", "image/png")
    page.wait_for_selector('[data-testid="stAlertContentError"]', timeout=60_000)
    error = page.inner_text('[data-testid="stAlertContentError"]')
    assert "not a PNG or JPEG image" in error
    assert exceptions_on(page) == []
