"""Memory page, part 2: the trained ntm-copy model on a sequence the user types or draws.

Input (random or typed, with a clickable bit grid) reruns this section; the step slider lives
in a fragment and reruns only the memory view.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from attention_viz.analysis.tables import matrix_csv
from attention_viz.families.memory import plots
from attention_viz.families.memory.data import format_bits, parse_bits, random_bits
from attention_viz.families.memory.predict import Trace, to_prediction
from attention_viz.ui import url_state
from attention_viz.ui.widgets import (
    md_escape,
    model_or_message,
    presenting,
    show_failure,
    show_figure,
)

MODEL = "ntm-copy"
WIDTH = 8  # bits per row of the shipped model
MAX_ROWS = 30  # longest sequence the page runs (the memory has 32 slots)
DEFAULT_BITS = "01100110 10110001 00011110 11110000 01010101 00110011"
PARAMS = [
    url_state.choice("input_mode", ["random", "typed"], "random"),
    url_state.integer("seq_len", 1, MAX_ROWS, 8),
    url_state.integer("seq_seed", 0, 99_999, 1),
    url_state.text("bits", DEFAULT_BITS, 2000),
    url_state.integer("mem_step", 1, 2 * MAX_ROWS + 1, 1),
]


@st.cache_data(max_entries=64, show_spinner=False)
def _trace(bits_text: str) -> Trace:
    model = model_or_message(MODEL)
    return model.trace(bits_text)


def trained_section() -> None:
    s = st.session_state
    model = model_or_message(MODEL)
    if model is None:
        return
    trained = model.config.max_length
    c = st.columns([1, 1, 1, 3])
    c[0].radio(
        "Input",
        ["random", "typed"],
        key="input_mode",
        horizontal=True,
        format_func={"random": "random bits", "typed": "type or click"}.get,
    )
    if s.input_mode == "random":
        c[1].slider(
            "Length (rows)",
            1,
            MAX_ROWS,
            key="seq_len",
            help=f"trained on 1–{trained}; longer ones show how far it generalises",
        )
        c[2].number_input("Seed", 0, 99_999, step=1, key="seq_seed")
        bits_text = format_bits(random_bits(s.seq_len, WIDTH, s.seq_seed))
    else:
        bits_text = _typed_input()
    url_state.sync(PARAMS)
    try:
        bits = parse_bits(bits_text, WIDTH, MAX_ROWS)
    except ValueError as e:
        st.error(f"{md_escape(str(e))}. Rows of exactly {WIDTH} bits, 1 to {MAX_ROWS} rows.")
        return
    try:
        t = _trace(format_bits(bits))
    except Exception as e:  # the error boundary: this session sees a message, others go on
        show_failure(f"running {MODEL} on these bits", e)
        return
    p = to_prediction(t, trained)
    for w in p.warnings:
        st.warning(md_escape(w), icon="⚠️")

    left, right = st.columns([3, 2])
    with left:
        st.subheader("Output beside the target")
        show_figure(
            plots.bits_grid(t.bits, t.output, t.probabilities),
            "bits_chart",
            "ntm_copy_bits",
            height=120 + 18 * t.length,
        )
    with right:
        m = st.columns(2)
        m[0].metric("Wrong bits", f"{p.checks['bit_errors']} of {p.checks['bits']}")
        m[1].metric("Exact copy", "yes" if p.checks["correct"] else "no")
        st.markdown("**Output rows**")
        st.code(p.text, language=None, wrap_lines=True)
        st.caption(
            f"A length-{t.length} episode has {len(t.steps)} steps: {t.length} input rows, "
            f"the delimiter, then {t.length} output steps where the input is all zeros."
        )
    _heads_over_time(t)
    _memory_view(t)


def _typed_input() -> str:
    """The text area (in the URL) and a clickable grid that edits the same bits."""
    s = st.session_state
    left, right = st.columns(2)
    left.text_area(
        f"Rows of {WIDTH} bits (spaces, commas or new lines between rows)", key="bits", height=120
    )
    try:
        bits = parse_bits(s.bits, WIDTH, MAX_ROWS)
    except ValueError:
        return s.bits  # the caller shows the error
    frame = pd.DataFrame(bits.astype(bool), columns=[f"b{i}" for i in range(WIDTH)])
    frame.index = pd.RangeIndex(1, len(frame) + 1, name="row")
    version = s.setdefault("grid_version", 0)
    with right:
        st.data_editor(
            frame,
            key=f"grid_{version}",
            num_rows="dynamic",
            on_change=_grid_changed,
            args=(frame,),
            column_config={c: st.column_config.CheckboxColumn(width=44) for c in frame.columns},
            height=min(35 * (len(bits) + 2) + 3, 320),
        )
        st.caption("Click a cell to flip a bit; add or delete rows at the grid's edge.")
    return s.bits


def _grid_changed(frame: pd.DataFrame) -> None:
    """Apply the grid's edits to the bits text (and start a fresh grid from it)."""
    s = st.session_state
    key = f"grid_{s.grid_version}"
    edits = s.get(key, {})
    rows = frame.reset_index(drop=True)  # the editor reports rows by position
    for i, change in edits.get("edited_rows", {}).items():
        for col, value in change.items():
            rows.loc[int(i), col] = bool(value)
    rows = rows.drop(index=[int(i) for i in edits.get("deleted_rows", [])], errors="ignore")
    added = [
        {c: bool(r.get(c) or False) for c in frame.columns} for r in edits.get("added_rows", [])
    ]
    if added:
        rows = pd.concat([rows, pd.DataFrame(added)], ignore_index=True)
    rows = rows.fillna(False).astype(bool)
    if len(rows):
        s.bits = format_bits(rows.to_numpy().astype(np.uint8))
    s.grid_version += 1


def _heads_over_time(t: Trace) -> None:
    st.subheader("Where the heads look, step by step")
    cols = st.columns(1 if presenting() else 2)
    for i, (name, head) in enumerate((("write", t.write), ("read", t.read))):
        with cols[i % len(cols)]:
            title = f"{name} weights w_t (step × slot)"
            show_figure(
                plots.weights_over_time(head.weights, t.steps, title),
                f"heat_{name}",
                f"ntm_{name}_weights",
                height=200 + 14 * len(t.steps),
            )
            st.download_button(
                f"CSV of the {name} weights",
                matrix_csv(
                    ["step", *(f"slot {j}" for j in range(head.weights.shape[1]))],
                    head.weights,
                    t.steps,
                ),
                file_name=f"ntm_{name}_weights.csv",
                mime="text/csv",
                on_click="ignore",
                key=f"csv_{name}",
            )
    st.latex(
        r"r_t = \sum_i w^r_t(i)\, M_{t-1}(i) \qquad "
        r"M_t(i) = M_{t-1}(i)\,[\mathbf{1} - w^w_t(i)\, e_t] + w^w_t(i)\, a_t"
    )
    left, right = st.columns([3, 2])
    with left:
        heads = {
            name: {"gate": h.gate, "shift": h.expected_shift, "gamma": h.gamma, "beta": h.beta}
            for name, h in (("write", t.write), ("read", t.read))
        }
        show_figure(
            plots.head_parameters_figure(heads, t.steps), "params", "ntm_head_params", height=560
        )
    with right:
        n = t.length
        st.markdown("**Content, then location**")
        st.caption(
            "A gate g near 1 means the head found its slot by content (comparing its key with "
            "the slots); near 0 it kept its last focus and moved it by the shift s. γ sharpens "
            "the result."
        )
        st.caption(_read_story(t))
        for name, h in (("write", t.write), ("read", t.read)):
            st.latex(
                r"\begin{aligned} &\text{%s head, mean over the steps} \\ "
                r"&\bar g_{\text{in}} = %.2f,\ \bar g_{\text{out}} = %.2f,\ "
                r"\bar\gamma = %.1f \\ "
                r"&\overline{\textstyle\sum_o o\,s(o)}_{\text{in}} = %+.2f,\ "
                r"\overline{\textstyle\sum_o o\,s(o)}_{\text{out}} = %+.2f \end{aligned}"
                % (
                    name,
                    h.gate[:n].mean(),
                    h.gate[n + 1 :].mean(),
                    h.gamma.mean(),
                    h.expected_shift[:n].mean(),
                    h.expected_shift[n + 1 :].mean(),
                )
            )


def _read_story(t: Trace) -> str:
    """What the read head did at the first output step and after it, in numbers."""
    n, r = t.length, t.read
    first = n + 1  # index of "out 1"
    story = (
        f"This sequence: at out 1 the read head has g = {r.gate[first]:.2f}, "
        f"β = {r.beta[first]:.1f} and lands on slot {int(r.weights[first].argmax())}"
    )
    if n > 1:
        rest = slice(first + 1, None)
        forward = r.shift[rest, -1].mean()
        story += (
            f"; on out 2–out {n} its mean g is {r.gate[rest].mean():.2f} and its mean s₊₁ is "
            f"{forward:.2f}: "
            + (
                "it moves on by location, one slot per step"
                if forward > 0.8
                else "it does not simply step forward here"
            )
        )
    return story + "."


@st.fragment
def _memory_view(t: Trace) -> None:
    s = st.session_state
    st.subheader("Memory after each step")
    steps = len(t.steps)
    s.mem_step = min(s.mem_step, steps)
    st.slider("Step", 1, steps, key="mem_step", format="%d")
    url_state.sync(PARAMS)
    i = s.mem_step - 1
    left, right = st.columns([3, 2])
    with left:
        title = f"memory after step {t.steps[i]}, beside the heads' weights at that step"
        heads = {"write": t.write.weights[i], "read": t.read.weights[i]}
        show_figure(
            plots.memory_heatmap(t.memory[i], heads, title), "memory", "ntm_memory", height=560
        )
    with right:
        stages = {
            "content": t.read.content[i],
            "gated": t.read.gated[i],
            "shifted": t.read.shifted[i],
            "sharpened": t.read.weights[i],
        }
        show_figure(
            plots.stage_bars(stages, {k: f"read head: {k}" for k in stages}),
            "read_stages",
            "ntm_read_stages",
            height=480,
        )
        h = t.read
        st.latex(
            r"\begin{aligned} &\text{read head at %s} \\ &g = %.2f,\ \gamma = %.1f,\ "
            r"\beta = %.1f \\ &s_{-1}, s_0, s_{+1} = %.2f,\ %.2f,\ %.2f \end{aligned}"
            % (t.steps[i], h.gate[i], h.gamma[i], h.beta[i], *h.shift[i])
        )
