"""The date page's warnings and its "Train from scratch" section under Streamlit's AppTest."""

from __future__ import annotations

import time

from apptest_helpers import charts, plotly_array, run_page, shown
from streamlit.testing.v1 import AppTest

PAGE = "attention_viz/families/dates/page.py"


def progress_text(at: AppTest) -> str:
    return " ".join(p.proto.text for p in at.get("progress"))


def run_until(at: AppTest, words: tuple[str, ...], timeout: float = 300) -> str:
    """Rerun the page (as the polling fragment would) until the progress text has a word."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        at.run()
        text = progress_text(at)
        if any(w in text for w in words):
            return text
        time.sleep(0.3)
    raise AssertionError(f"no {words} in {progress_text(at)!r}")


def live_curve(at: AppTest) -> dict:
    return next(c for c in charts(at) if "validation exact match" in str(c["data"]))


def test_text_that_is_no_date_gets_a_low_confidence_warning():
    at = run_page(PAGE, text="christmas day 2024")
    assert not at.exception
    assert any("low confidence" in shown(w.value) for w in at.warning)
    at.text_input(key="text").input("Tuesday, September 25, 1984").run()
    assert not any("low confidence" in shown(w.value) for w in at.warning)


def test_a_year_outside_the_trained_range_is_named():
    at = run_page(PAGE, text="July 4, 1776")
    assert not at.exception
    assert any("1776" in shown(w.value) and "1900–2099" in shown(w.value) for w in at.warning)


def test_a_short_live_run_updates_the_curve_and_the_page_uses_its_model():
    at = run_page(PAGE, steps="20")
    at.button(key="live_start").click().run()
    assert not at.exception
    run_until(at, ("used its step budget", "reached the target"))
    at.run()  # the rerun after the model is adopted
    curve = live_curve(at)
    val = plotly_array(curve["data"][1]["y"])
    assert len(val) == 5  # the untrained model, then every 5 of the 20 steps
    watched = [c for c in charts(at) if "after step 20" in str(c["layout"].get("title"))]
    weights = plotly_array(watched[0]["data"][0]["z"])
    assert weights.shape == (10, len("Tuesday, September 25, 1984"))
    assert any("you trained here" in shown(i.value) for i in at.info)
    assert not at.exception
    at.button(key="live_forget").click().run()
    assert not any("you trained here" in shown(i.value) for i in at.info)
    assert at.metric[0].value == "1984-09-25"  # the shipped model again


def test_a_run_can_be_stopped_and_a_second_session_is_refused_meanwhile():
    first = run_page(PAGE, steps="2000")
    first.button(key="live_start").click().run()
    try:
        second = run_page(PAGE)
        assert any("running in another session" in shown(w.value) for w in second.warning)
        second.button(key="live_start").click().run()
        assert any("another session" in shown(e.value) for e in second.error)
        assert not second.exception
    finally:
        first.button(key="live_stop").click().run()
    text = run_until(first, ("stopped",))
    assert "of 2000" in text
    assert not first.exception
