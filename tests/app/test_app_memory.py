"""The memory (NTM) page under Streamlit's AppTest: sandbox, trained model, bad input, URL."""

from __future__ import annotations

import numpy as np
from apptest_helpers import assert_clean, charts, plotly_array, run_page, shown
from streamlit.testing.v1 import AppTest

from attention_viz.families.memory.sandbox import (
    one_hot,
    run_stages,
    sandbox_key,
    sandbox_memory,
    shift_distribution,
)

PAGE = "attention_viz/families/memory/page.py"


def bars(at: AppTest) -> dict[str, np.ndarray]:
    """The sandbox's stage bars by stage name (the first chart with a 'previous' bar)."""
    for chart in charts(at):
        found = {t["name"]: plotly_array(t["y"]) for t in chart["data"] if t["type"] == "bar"}
        if "previous" in found:
            return found
    raise AssertionError("no stage bars on the page")


def heatmap_named(at: AppTest, title_start: str) -> np.ndarray:
    for chart in charts(at):
        title = (chart["layout"].get("title") or {}).get("text") or ""
        if title.startswith(title_start):
            return plotly_array(next(t for t in chart["data"] if t["type"] == "heatmap")["z"])
    raise AssertionError(f"no chart titled {title_start!r}")


def test_sandbox_draws_every_stage_from_the_url_values():
    at = run_page(PAGE, slots="8", key_slot="5", beta="10", gate="0.5", shift="-1", gamma="3")
    assert_clean(at)
    memory = sandbox_memory(8, 6, 0)
    expected = run_stages(
        memory,
        one_hot(8, 0),
        sandbox_key(memory, 5, 0.3, 0),
        10.0,
        0.5,
        shift_distribution(-1.0),
        3.0,
    )
    shown = bars(at)
    for name in ("previous", "content", "gated", "shifted", "sharpened"):
        assert np.allclose(shown[name], expected[name], atol=1e-6), name
        assert abs(float(shown[name].sum()) - 1) < 1e-6
    latex = " ".join(e.value for e in at.latex)
    assert r"\beta = 10.0" in latex and r"\gamma = 3.0" in latex


def test_trained_model_copies_and_shows_the_heads_over_time():
    at = run_page(PAGE, seq_len="6", seq_seed="4")
    assert_clean(at)
    write = heatmap_named(at, "write weights")
    read = heatmap_named(at, "read weights")
    assert write.shape == read.shape == (13, 32)  # 2 * 6 + 1 steps x 32 slots
    assert np.allclose(write.sum(1), 1, atol=1e-4) and np.allclose(read.sum(1), 1, atol=1e-4)
    assert at.metric[0].value == "0 of 48"
    at.slider(key="mem_step").set_value(7).run()
    assert_clean(at)
    assert at.query_params["mem_step"] == ["7"] or at.query_params["mem_step"] == "7"


def test_typed_bits_and_bad_input():
    at = run_page(PAGE, input_mode="typed", bits="11110000,00001111,10101010")
    assert_clean(at)
    assert at.metric[0].value == "0 of 24"
    assert at.code[0].value == "11110000 00001111 10101010"
    at.text_area(key="bits").set_value("1111000 00001111").run()
    assert any("exactly 8" in e.value for e in at.error)
    at.text_area(key="bits").set_value(" ".join(["01010101"] * 31)).run()
    assert any("at most 30 rows" in e.value for e in at.error)
    assert not at.exception


def test_bad_url_value_falls_back_with_a_warning():
    at = run_page(PAGE, beta="lots", seq_len="99")
    assert not at.exception and not at.error
    warnings = shown(" ".join(w.value for w in at.warning))
    assert "beta" in warnings and "seq_len" in warnings
    assert at.slider(key="beta").value == 5.0 and at.slider(key="seq_len").value == 8
