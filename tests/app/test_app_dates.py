"""The date page under Streamlit's AppTest: input, heatmap, sections, URL state, bad input."""

from __future__ import annotations

import json

import numpy as np
import pytest
from apptest_helpers import assert_clean, charts, plotly_array, run_page
from streamlit.testing.v1 import AppTest

from attention_viz.families.dates import vocab

PAGE = "attention_viz/families/dates/page.py"  # as app.py names it


def dates_page(**query) -> AppTest:
    return run_page(PAGE, **query)


def heatmaps(at: AppTest) -> list[np.ndarray]:
    return [
        plotly_array(t["z"]) for spec in charts(at) for t in spec["data"] if t["type"] == "heatmap"
    ]


def test_default_page_converts_and_draws_everything():
    at = dates_page()
    assert_clean(at)
    assert at.metric[0].value == "1984-09-25"
    assert any("real date" in s.value for s in at.success)
    maps = heatmaps(at)
    assert len(maps) >= 3  # main, teacher forced, epoch scrubber (+ side by side)
    main = maps[0]
    assert main.shape == (10, len(vocab.check_input("Tuesday, September 25, 1984")))
    np.testing.assert_allclose(main.sum(1), 1.0, atol=1e-3)
    assert any(
        r"\exp e_{t,j}" in latex.value and "%d" % main.shape[1] in latex.value for latex in at.latex
    )
    headers = [h.value for h in at.subheader]
    for title in ("Step through", "Teacher forcing", "emerged", "Compare", "Batch"):
        assert any(title in h for h in headers), headers


def test_example_button_fills_input_and_expected():
    at = dates_page()
    at.button(key="example_2").click().run()  # US numeric
    assert_clean(at)
    assert "/" in at.text_input(key="text").value or "-" in at.text_input(key="text").value
    assert vocab.is_real_date(at.text_input(key="expected").value)
    at.button(key="random").click().run()
    assert_clean(at)


def test_typed_date_updates_the_url_and_a_url_restores_it():
    at = dates_page()
    at.text_input(key="text").input("25 sept 1984").run()
    assert at.metric[0].value == "1984-09-25"
    # Bound by Streamlit: the browser writes ?text=... (test_browser_dates checks the URL).
    assert at.text_input(key="text").proto.query_param_key == "text"
    at = dates_page(text="2/10/93", model="date-additive", step="4")
    assert_clean(at)
    assert at.metric[0].value == "1993-02-10"
    assert at.slider(key="step").value == 4
    assert at.selectbox(key="model").value == "date-additive"


def test_bad_url_values_fall_back_with_a_warning():
    at = dates_page(model="gpt-5", step="99")
    assert not at.exception
    warnings = " ".join(w.value for w in at.warning)
    assert "model" in warnings and "step" in warnings
    assert at.selectbox(key="model").value == "date-attention"


@pytest.mark.parametrize(
    ("text", "message"),
    [("", "empty input"), ("1" * 41, "at most 40 characters")],
)
def test_empty_and_too_long_input_get_a_message(text, message):
    at = dates_page()
    at.text_input(key="text").input(text).run()
    assert not at.exception
    assert any(message in e.value for e in at.error)


def test_markup_and_emoji_are_shown_as_text_and_flagged():
    at = dates_page()
    at.text_input(key="text").input("<b>May 3</b> 1999 🎉").run()
    assert not at.exception
    warning = " ".join(w.value for w in at.warning)
    assert "unknown" in warning
    for spec in charts(at):
        text = json.dumps(spec)
        assert "<b>" not in text  # tick labels are HTML-escaped


def test_models_without_attention_say_so():
    at = dates_page(model="date-baseline")
    assert_clean(at)
    assert any("no attention" in i.value for i in at.info)


def test_step_slider_and_epoch_scrubber():
    at = dates_page()
    at.slider(key="step").set_value(9).run()
    assert_clean(at)
    assert at.metric[-1].value.startswith("1984-09-2") or "1984-09-2" in " ".join(
        m.value for m in at.metric
    )
    at.slider(key="epoch").set_value(1).run()
    assert_clean(at)
    assert at.query_params.get("step") in (["9"], "9")


def test_teacher_forcing_shows_both_decodings():
    at = dates_page(text="May 3, 1999")
    assert_clean(at)
    code = " ".join(c.value for c in at.code)
    assert "teacher forcing 1999-05-03" in code and "free running" in code


def test_batch_conversion_table_and_limits():
    at = dates_page()
    at.text_area(key="batch").input("May 3, 1999\n\n2/10/93\n" + "x" * 50).run()
    assert_clean(at)
    table = at.dataframe[-1].value
    assert list(table["output"])[:2] == ["1999-05-03", "1993-02-10"]
    assert "at most 40" in list(table["note"])[2]
    assert bool(table["valid_date"].iloc[0]) is True


def test_transformer_dates_side_by_side_with_date_attention():
    """Another family's date converter sits beside the date models (issue: transformer)."""
    at = dates_page(compare="transformer-dates", text="25 sept 1984")
    assert_clean(at)
    assert at.selectbox(key="compare").value == "transformer-dates"
    assert any("transformer-dates" in m.value and "1984-09-25" in m.value for m in at.markdown)
    side = heatmaps(at)[-2:]  # date-attention's, then the transformer's
    for weights in side:
        assert weights.shape == (10, len("25 sept 1984"))
        np.testing.assert_allclose(weights.sum(1), 1.0, atol=1e-3)
    assert not np.allclose(side[0], side[1]), "two different models, two different maps"
