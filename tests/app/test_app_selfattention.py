"""The self-attention page under Streamlit's AppTest."""

import numpy as np
import pytest
from apptest_helpers import assert_clean, charts, plotly_array, run_page, shown
from streamlit.testing.v1 import AppTest

from attention_viz.families.selfattention.tokens import shuffle_order

PAGE = "attention_viz/families/selfattention/page.py"
pytestmark = pytest.mark.usefixtures("one_torch_thread")


def page(**query) -> AppTest:
    return run_page(PAGE, **query)


def panels(at: AppTest, title: str) -> list[np.ndarray]:
    """The heatmaps (z) of every chart whose first subplot title starts with `title`."""
    found = []
    for c in charts(at):
        notes = [a.get("text", "") for a in c["layout"].get("annotations", [])]
        if notes and notes[0].startswith(title):
            found.append([plotly_array(t["z"]).astype(float) for t in c["data"]])
    return found


def scores(at: AppTest) -> np.ndarray:
    return panels(at, "scores")[0][0]


def output(at: AppTest) -> np.ndarray:
    (chart,) = panels(at, "A V") or panels(at, "Concat")
    return chart[2]


def test_default_page_draws_every_step():
    at = page()
    assert_clean(at)
    assert not at.warning
    # saturation curve, input, Q K V, scores, output
    assert len(at.get("plotly_chart")) == 5
    ((x, p, xp),) = panels(at, "X")
    np.testing.assert_allclose(xp, x + p)
    weights = panels(at, "scores")[0][3]
    np.testing.assert_allclose(weights.sum(1), 1.0, atol=1e-9)
    assert (weights[1:].argmax(1) == np.arange(5)).all()  # the "previous token" preset
    assert any(r"\sqrt{4}" in m.value for m in at.latex)


def test_number_of_heads_changes_the_number_of_per_head_charts():
    one, two = page(), page(heads="2")
    assert_clean(two)
    assert len(panels(one, "scores")) == 1 and len(panels(two, "scores")) == 2
    assert len(panels(two, "head 1")) == 1  # the heads side by side
    assert len(two.get("plotly_chart")) == len(one.get("plotly_chart")) + 3
    at = page()
    at.slider(key="heads").set_value(4).run()
    assert_clean(at)
    assert len(panels(at, "scores")) == 4
    # d_head = 1 cannot hold the two position dims: said, and the identity is used instead
    assert "needs d_head ≥ 2" in shown(at.warning[0].value)
    assert at.query_params["heads"] == "4"


def test_an_edited_w_q_in_the_url_changes_the_scores():
    default = page(preset0="identity")
    w_q = "2,0,0,0;0,1,0,0;0,0,1,0;0,0,0,-1"
    edited = page(preset0="identity", wq0=w_q)
    assert_clean(edited)
    assert not edited.warning
    assert not np.allclose(scores(edited), scores(default))
    ((_, _, xp),) = panels(default, "X")
    q = xp @ np.array([[2, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, -1]])
    np.testing.assert_allclose(scores(edited), q @ xp.T, atol=0.006)  # shown to 2 decimals
    assert edited.query_params["wq0"] == w_q  # kept in the URL


def test_the_data_editor_starts_from_the_preset_and_a_new_preset_clears_the_edit():
    at = page(preset0="identity", wq0="2,0,0,0;0,1,0,0;0,0,1,0;0,0,0,-1")
    at.selectbox(key="preset0").set_value("same").run()
    assert_clean(at)
    assert "wq0" not in at.query_params


def test_shuffle_permutes_the_output_rows_without_positions():
    plain = page(positions="0")
    shuffled = page(positions="0", shuffle="1")
    assert_clean(shuffled)
    order = shuffle_order(6, 0)
    np.testing.assert_allclose(output(shuffled), output(plain)[order], atol=1e-12)
    assert any(r"= 0.000" in m.value for m in shuffled.latex)  # the gap, filled in
    with_positions = page(shuffle="1")
    assert not np.allclose(output(with_positions), output(page())[order], atol=1e-3)


def test_causal_toggle_zeroes_the_future():
    at = page()
    at.toggle(key="causal").set_value(True).run()
    assert_clean(at)
    weights = panels(at, "scores")[0][3]
    assert (weights[np.triu_indices(6, 1)] == 0).all()
    assert at.query_params["causal"] == "1"


BAD_URL = {
    "d_model": "5",
    "heads": "9",
    "wq0": "1,2;3",
    "wk0": "<b>x</b>",
    "preset1": "x",
    "scale": "maybe",
    "row": "-1",
}


def test_bad_url_values_give_warnings_not_an_exception():
    at = page(**BAD_URL)
    assert_clean(at)
    said = [shown(w.value) for w in at.warning]
    assert len(said) == len(BAD_URL)
    for key, value in BAD_URL.items():
        assert any(f"URL parameter {key}={value!r}" in w for w in said), key
    assert len(at.get("plotly_chart")) == 5  # the page still works, on the defaults


def test_hostile_token_text_is_shown_literally():
    at = page(text="<b>x</b> **y** 猫")
    assert_clean(at)
    caption = " ".join(shown(c.value) for c in at.caption)
    assert "<b>x</b>" in caption and "**y**" in caption and "猫" in caption
    ticks = charts(at)[1]["layout"]["yaxis"]["ticktext"]
    assert ticks == ["0 &lt;b&gt;x&lt;/b&gt;", "1 **y**", "2 猫"]


@pytest.mark.parametrize(
    ("text", "message"),
    [("", "at least one word"), ("a b c d e f g", "at most 6 tokens"), ("x" * 30, "24 characters")],
)
def test_bad_input_gets_a_clear_message(text, message):
    at = page(text=text)
    assert not at.exception
    assert message in shown(at.error[0].value)
    assert not at.get("plotly_chart")


def test_heads_that_do_not_divide_d_model_are_refused_with_the_choices():
    at = page(heads="3")
    assert not at.exception
    assert "cannot be split into 3 equal heads" in shown(at.error[0].value)
    at = page(heads="3", d_model="12", preset0="identity")
    assert_clean(at)
    assert len(panels(at, "scores")) == 3
