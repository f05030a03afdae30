"""Memory (NTM): the addressing sandbox, then the trained copy-task NTM at work.

The sandbox is a fragment (its sliders rerun only it); the trained model's sections are in
page_trained.py.
"""

from __future__ import annotations

import numpy as np
import streamlit as st

from attention_viz.analysis.tables import matrix_csv
from attention_viz.families.memory import page_trained, plots
from attention_viz.families.memory.sandbox import (
    one_hot,
    run_stages,
    sandbox_key,
    sandbox_memory,
    shift_distribution,
)
from attention_viz.ui import stage, url_state
from attention_viz.ui.widgets import presenting, show_figure, show_warnings

MEMORY_WIDTH = 6  # M of the sandbox memory
SANDBOX_PARAMS = [
    url_state.integer("slots", 8, 16, 10),
    url_state.integer("mem_seed", 0, 9999, 0),
    url_state.integer("key_slot", 0, 15, 3),
    url_state.number("key_noise", 0.0, 2.0, 0.3),
    url_state.number("beta", 0.0, 50.0, 5.0),
    url_state.number("gate", 0.0, 1.0, 1.0),
    url_state.integer("prev_slot", 0, 15, 0),
    url_state.number("shift", -1.0, 1.0, 0.5),
    url_state.number("gamma", 1.0, 20.0, 2.0),
]
STAGE_TITLES = {
    "previous": "w_{t−1}: the previous weighting",
    "content": "1. content w^c = softmax(β·cos(k, M_i))",
    "gated": "2. interpolation w^g = g·w^c + (1−g)·w_{t−1}",
    "shifted": "3. shift w̃ = w^g ⊛ s",
    "sharpened": "4. sharpening w = w̃^γ / Σ w̃^γ",
}


SANDBOX_TITLE = "1. Addressing, stage by stage"


def main() -> None:
    stage.heading(
        "Memory: a Neural Turing Machine",
        "Attention beyond seq2seq: a network with an external memory of N slots that it reads "
        "and writes through attention weights over the slots (Graves et al. 2014). A head "
        "finds its slots by **content** (compare a key with every slot), then by **location** "
        "(keep the last focus, shift it, sharpen it).",
    )
    warnings = url_state.restore(SANDBOX_PARAMS + page_trained.PARAMS)
    show_warnings(warnings)
    if not presenting():  # presenting: over the stages' chart, beside the controls
        st.header(SANDBOX_TITLE)
    sandbox()
    st.header("2. A trained NTM copying a sequence")
    page_trained.trained_section()


@st.fragment
def sandbox() -> None:
    s = st.session_state
    # Presenting: the controls three to a row in the left half, the stages in the right one.
    beside = stage.columns((1, 1))
    if beside:
        with beside[0]:
            slots = [col for _ in range(3) for col in st.columns(3)]
        c, c2 = slots[:4], slots[4:]
    else:
        c = st.columns(4)
    c[0].slider("Memory slots N", 8, 16, key="slots")
    c[1].number_input("Memory seed", 0, 9999, step=1, key="mem_seed")
    s.key_slot = min(s.key_slot, s.slots - 1)
    s.prev_slot = min(s.prev_slot, s.slots - 1)
    c[2].slider("Key resembles slot", 0, s.slots - 1, key="key_slot")
    c[3].slider("Key noise σ", 0.0, 2.0, step=0.05, key="key_noise")
    c = c2 if beside else st.columns(5)
    c[0].slider(
        "Key strength β",
        0.0,
        50.0,
        step=0.5,
        key="beta",
        help="0: every slot alike; large: only the best match",
    )
    c[1].slider(
        "Gate g",
        0.0,
        1.0,
        step=0.05,
        key="gate",
        help="1: use the content weighting; 0: keep the previous weighting",
    )
    c[2].slider("Previous focus (slot)", 0, s.slots - 1, key="prev_slot")
    c[3].slider(
        "Shift (−1 back … +1 forward)",
        -1.0,
        1.0,
        step=0.05,
        key="shift",
        help="the fraction of the weight moved one slot back (−) or forward (+)",
    )
    c[4].slider("Sharpening γ", 1.0, 20.0, step=0.5, key="gamma")
    url_state.sync(SANDBOX_PARAMS)

    memory = sandbox_memory(s.slots, MEMORY_WIDTH, s.mem_seed)
    key = sandbox_key(memory, s.key_slot, s.key_noise, s.mem_seed)
    shift = shift_distribution(s.shift)
    stages = run_stages(memory, one_hot(s.slots, s.prev_slot), key, s.beta, s.gate, shift, s.gamma)
    weights = {k: v for k, v in stages.items() if k != "similarity"}

    left, right = (beside[0], beside[1]) if beside else st.columns([2, 3])
    with left:
        st.subheader("Memory and key")
        show_figure(
            plots.memory_heatmap(memory, {"w": stages["sharpened"]}),
            "sb_memory",
            "ntm_sandbox_memory",
            height=360,
        )
        st.caption("Key k = " + "  ".join(f"{v:+.2f}" for v in key))
    with right:
        if beside:
            st.header(SANDBOX_TITLE)
        else:
            st.subheader("Each stage's weighting over the slots")
        show_figure(
            plots.stage_bars(weights, STAGE_TITLES), "sb_stages", "ntm_sandbox_stages", height=620
        )
        table = np.stack([stages["similarity"], *weights.values()])
        st.download_button(
            "CSV of every stage",
            matrix_csv(
                ["stage", *(f"slot {i}" for i in range(s.slots))],
                table,
                ["cosine similarity", *weights],
            ),
            file_name="ntm_addressing_stages.csv",
            mime="text/csv",
            on_click="ignore",
        )
    _formulas(stages, shift)


def _formulas(stages: dict[str, np.ndarray], shift: np.ndarray) -> None:
    """Each stage's formula, then the same with the current values filled in."""
    s = st.session_state
    best = int(stages["similarity"].argmax())
    i = int(stages["sharpened"].argmax())
    cos = stages["similarity"]
    c = st.columns(1 if presenting() else 2)
    with c[0]:
        st.latex(
            r"\begin{aligned} w^c_i &= "
            r"\frac{e^{\beta\,\cos(k, M_i)}}{\sum_j e^{\beta\,\cos(k, M_j)}}"
            r"\\ \beta = %.1f,\ \cos(k, M_{%d}) = %.3f &\Rightarrow w^c_{%d} = %.3f \end{aligned}"
            % (s.beta, best, cos[best], best, stages["content"][best])
        )
        st.latex(
            r"\begin{aligned} w^g &= g\,w^c + (1-g)\,w_{t-1} \\ "
            r"&= %.2f\,w^c + %.2f\,w_{t-1},\quad w^g_{%d} = %.3f \end{aligned}"
            % (s.gate, 1 - s.gate, s.prev_slot, stages["gated"][s.prev_slot])
        )
    with c[-1]:
        st.latex(
            r"\begin{aligned} \tilde w_i &= \textstyle\sum_j w^g_j\, s_{(i-j) \bmod N} \\ "
            r"s_{-1}, s_0, s_{+1} &= %.2f,\ %.2f,\ %.2f \end{aligned}" % tuple(shift)
        )
        st.latex(
            r"\begin{aligned} w_i &= \frac{\tilde w_i^{\gamma}}{\sum_j \tilde w_j^{\gamma}} \\ "
            r"\gamma = %.1f &\Rightarrow \max_i w_i = w_{%d} = %.3f \end{aligned}"
            % (s.gamma, i, stages["sharpened"][i])
        )
    total = {k: float(v.sum()) for k, v in stages.items() if k != "similarity"}
    st.caption("Each weighting sums to 1: " + ", ".join(f"{k} {v:.4f}" for k, v in total.items()))


main()
