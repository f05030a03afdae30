"""The transformer page under Streamlit's AppTest."""

from __future__ import annotations

import numpy as np
import pytest
from apptest_helpers import assert_clean, charts, plotly_array, run_page, shown

PAGE = "attention_viz/families/transformer/page.py"


def _page(**query):
    return run_page(PAGE, **query)


def _heatmaps(at) -> list[np.ndarray]:
    return [plotly_array(t["z"]) for c in charts(at) for t in c["data"] if t["type"] == "heatmap"]


def test_reverse_page_shows_output_grid_and_step_through():
    at = _page(text="abc123")
    assert_clean(at)
    assert "321cba" in [c.value for c in at.code]
    # the grid (layers x heads small maps), the enlarged head, the step rows
    cross = _heatmaps(at)
    assert len(cross) >= 4 + 1 + 1
    assert at.slider(key="step").max == 6
    at.slider(key="step").set_value(3).run()
    assert_clean(at)
    assert at.query_params["step"] in ("3", ["3"])


def test_ablating_the_induction_head_changes_the_output():
    at = _page(model="transformer-induction", text="qwertyuiqwertyui", map="decoder-self")
    assert_clean(at)
    before = [m.value for m in at.metric]
    assert before[0] == "100%"
    at.multiselect(key="ablate").set_value(["decoder-self:2.3"]).run()
    assert_clean(at)
    codes = [c.value for c in at.code]
    assert codes[-1] != codes[-2]  # output without the head differs from the full model's
    metric = [m for m in at.metric if m.label == "Second half predicted"][-1]
    assert metric.value != "100%"
    assert at.query_params["ablate"] in ("decoder-self:2.3", ["decoder-self:2.3"])


def test_rollout_adds_a_chart_on_self_attention():
    at = _page(model="transformer-induction", text="abcdeabcde", map="decoder-self")
    n = len(charts(at))
    at.toggle(key="rollout").set_value(True).run()
    assert_clean(at)
    assert len(charts(at)) == n + 1
    assert any(
        "Rollout" in (c["layout"].get("title", {}) or {}).get("text", "") for c in charts(at)
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("   ", "empty input"),
        ("a" * 30, "at most 24"),
        ("ABC<b>", "outside the alphabet"),
    ],
)
def test_bad_input_gets_a_clear_message(text, message):
    at = _page(text=text)
    assert not at.exception
    assert any(message in shown(e.value) for e in at.error), [e.value for e in at.error]


def test_bad_url_values_fall_back_with_a_warning():
    at = _page(model="no-such-model", layer="99", ablate="cross:9.9", text="abc")
    assert not at.exception
    warnings = " ".join(shown(w.value) for w in at.warning)
    assert "model" in warnings and "layer" in warnings
    assert at.selectbox(key="model").value == "transformer-reverse"
    assert at.selectbox(key="layer").value == 1


def test_head_csv_and_summary_are_offered():
    at = _page(text="hello")
    assert at.get("download_button")
    table = at.dataframe[0].value
    assert list(table["layer"]) == [1] * 4 and table["entropy (bits)"].between(0, 3).all()
