"""The lecture path in headless Chromium: start, Next / Previous, the clicker keys, presenting."""

import re

import pytest
from conftest import exceptions_on, wait_for_app
from playwright.sync_api import expect

from attention_viz.families.translation.corpus import EXAMPLES
from attention_viz.lecture import DEFAULT

pytestmark = pytest.mark.browser
N = len(DEFAULT.stops)
WAIT = 120_000  # ms for a page to rerun and show the stop (generous: CI boxes are shared)


def settle(page, url_pattern: str) -> None:
    """Wait until the URL matches and the page has finished running."""
    page.wait_for_url(re.compile(url_pattern), timeout=WAIT)
    wait_for_app(page, timeout_ms=WAIT)
    assert exceptions_on(page) == []


def clicker(page, key: str) -> None:
    """Press a presenter's clicker key once the bar's buttons are drawn, outside any field."""
    expect(page.get_by_role("button", name="Previous")).to_be_visible(timeout=WAIT)
    wait_for_app(page, timeout_ms=WAIT)
    page.evaluate("() => document.activeElement && document.activeElement.blur()")
    page.keyboard.press(key)


def in_bar(page, text: str) -> None:
    expect(page.locator(".st-key-lecture_bar")).to_contain_text(text, timeout=WAIT)


def test_start_then_next_and_previous_restore_each_stops_view(page, app_url):
    page.goto(f"{app_url}/lecture")
    wait_for_app(page)
    page.get_by_role("button", name="Start the lecture").click()
    settle(page, r"/\?path=default&stop=1$")
    in_bar(page, f"Stop 1/{N} · What attention is")
    assert page.locator("h1").first.inner_text() == "Attention Lab"

    page.get_by_role("button", name="Next").click()
    settle(page, r"/kernel_regression\?pooling=average&path=default&stop=2$")
    in_bar(page, f"Stop 2/{N} · Average pooling")
    expect(page.get_by_role("radio", name="Average pooling")).to_be_checked(timeout=WAIT)

    page.get_by_role("button", name="Next").click()  # same page, another view
    settle(page, r"/kernel_regression\?bandwidth=0\.05&path=default&stop=3$")
    expect(page.get_by_role("radio", name="Kernel (fixed width)")).to_be_checked(timeout=WAIT)
    bandwidth = page.get_by_role("slider", name="Bandwidth h (log scale)")
    expect(bandwidth).to_have_attribute("aria-valuetext", "0.05", timeout=WAIT)

    page.get_by_role("button", name="Previous").click()
    settle(page, r"/kernel_regression\?pooling=average&path=default&stop=2$")
    expect(page.get_by_role("radio", name="Average pooling")).to_be_checked(timeout=WAIT)
    page.get_by_role("button", name="Notes").click()  # a popover over the page
    expect(page.get_by_text("Ask the room: How could the weights depend")).to_be_visible()


def test_clicker_keys_move_along_the_path_but_not_while_typing(page, app_url):
    page.goto(f"{app_url}/kernel_regression?bandwidth=2&path=default&stop=4")
    wait_for_app(page)
    clicker(page, "PageDown")
    settle(page, r"/dates\?model=date-baseline&path=default&stop=5$")
    model = page.get_by_role("combobox", name="Model").first
    assert model.input_value().startswith("date-baseline")
    page.get_by_role("textbox", name="A date, in any format").click()
    page.keyboard.press("PageDown")  # typing in a field: the key stays the field's
    page.wait_for_timeout(2_000)
    assert page.url.endswith("stop=5")
    clicker(page, "PageUp")
    settle(page, r"/kernel_regression\?bandwidth=2&path=default&stop=4$")
    in_bar(page, f"Stop 4/{N}")


def test_presentation_mode_stays_on_and_bound_widgets_follow_the_stop(page, app_url):
    sentence = DEFAULT.stops[6].params["sentence"].replace(" ", r"\+")
    page.goto(f"{app_url}/translation?present=true&path=default&stop=7")  # not its view
    wait_for_app(page)
    page.get_by_role("button", name="Back to this stop").click()
    settle(page, rf"/translation\?present=true&sentence={sentence}&path=default&stop=7$")
    compare = page.get_by_role("switch", name="Compare two models")
    expect(compare).not_to_be_checked(timeout=WAIT)
    clicker(page, "PageDown")  # stop 8: compare=true, a widget bound to the URL
    settle(
        page,
        r"/translation\?present=true&compare=true&model_b=translation-dot&path=default&stop=8$",
    )
    expect(compare).to_be_checked(timeout=WAIT)
    english = page.get_by_role("textbox", name="English sentence")
    expect(english).to_have_value(EXAMPLES["negation"], timeout=WAIT)  # the page's default
    expect(page.get_by_role("switch", name="Presentation mode")).to_be_checked(timeout=WAIT)
    page.get_by_role("button", name="Previous").click()
    settle(page, rf"/translation\?present=true&sentence={sentence}&path=default&stop=7$")
    expect(compare).not_to_be_checked(timeout=WAIT)
    assert (
        page.get_by_role("textbox", name="English sentence").input_value()
        == (DEFAULT.stops[6].params["sentence"])
    )
    page.get_by_role("button", name="Leave the path").click()
    page.wait_for_function("() => !location.search.includes('path=')", timeout=30_000)
    expect(page.locator(".st-key-lecture_bar")).to_have_count(0, timeout=WAIT)
    assert exceptions_on(page) == []
