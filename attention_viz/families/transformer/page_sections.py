"""The transformer page's sections: output, layer × head grid, ablation, step-through.

Each section after the output is a fragment: its controls rerun only that section.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import streamlit as st

from attention_viz.analysis.tables import matrix_csv
from attention_viz.families.transformer import analysis, plots
from attention_viz.plots.heatmap import attention_heatmap
from attention_viz.prediction import Prediction
from attention_viz.registry import list_models
from attention_viz.ui import url_state
from attention_viz.ui.widgets import boundary, md_escape, presenting, show_figure

MAPS = {
    "cross": "cross-attention (output × input)",
    "encoder-self": "encoder self-attention (input × input)",
    "decoder-self": "decoder self-attention (causal)",
}
MAX_AXIS = 8  # layers or heads a URL may name


def _parse_heads(raw: str) -> list[str]:
    heads = [h for h in raw.split(",") if h]
    for h in heads:
        stack, _, rest = h.rpartition(":")
        if stack not in MAPS or not re.fullmatch(r"\d\.\d", rest):
            raise ValueError("expected stack:layer.head items such as cross:1.2")
    return heads


PARAMS = [
    url_state.choice("model", list_models("transformer"), "transformer-reverse"),
    url_state.text("text", "hello2024", 200),
    url_state.choice("map", list(MAPS), "cross"),
    url_state.integer("layer", 1, MAX_AXIS, 1),
    url_state.integer("head", 1, MAX_AXIS, 1),
    url_state.flag("rollout", False),
    url_state.integer("step", 1, 64, 1),
    url_state.Param("ablate", [], lambda raw: _parse_heads(raw.replace(" ", "")), dump=",".join),
]


def head_id(stack: str, layer: int, head: int) -> str:
    """The URL and widget form of a head: "cross:1.2" is layer 1, head 2 (1-based)."""
    return f"{stack}:{layer + 1}.{head + 1}"


def parse_head(item: str) -> tuple[str, int, int]:
    stack, _, rest = item.rpartition(":")
    layer, _, head = rest.partition(".")
    return stack, int(layer) - 1, int(head) - 1


@st.cache_data(max_entries=256, show_spinner=False)
def _predict(_model, name: str, text: str, ablate: tuple[tuple[str, int, int], ...]) -> Prediction:
    return _model.predict(text, ablate=frozenset(ablate))


def predict(model, name: str, text: str, ablate) -> Prediction:
    """One prediction, cached by plain values (the model is not hashed)."""
    return _predict(model, name, text, tuple(sorted(ablate)))


def output(model, p: Prediction) -> None:
    c = [st.container(), *st.columns(2)] if presenting() else st.columns([3, 2, 2])
    c[0].markdown("**Output**")
    c[0].code(p.text or "(empty)", language=None)
    if "induction" in st.session_state.model:
        c[0].caption(
            "Character t is the model's guess of input character t + 1. The first half is "
            "random, so only the second half can be predicted: by copying."
        )
        acc = p.checks.get("second_half_accuracy")
        c[1].metric("Second half predicted", "—" if acc is None else f"{acc:.0%}")
        if not p.checks.get("repeated"):
            c[2].caption(
                "Repeat a sequence (e.g. abcdefabcdef) to give the induction head "
                "something to copy."
            )
    elif (expected := model.task.target("".join(p.source_tokens))) is not None:
        c[1].metric("Against the right answer", "right" if expected == p.text else "wrong")
        c[2].caption(f"Expected: {md_escape(expected)}")
    if p.confidence is not None:
        c[1].caption(f"Weakest step's probability: {p.confidence:.1%}")
    n, limit = len(p.source_tokens), getattr(model.task, "max_len", None)
    if limit is not None and n > limit:
        st.warning(
            f"This input has {n} characters; the model was trained on 1 to {limit}. Positions "
            "beyond that were never seen in training, so mistakes are expected (see the "
            "report's accuracy on longer inputs).",
            icon="⚠️",
        )


def _check_range(key: str, count: int, what: str) -> None:
    s = st.session_state
    if not 1 <= s[key] <= count:
        st.warning(
            f"This model has {count} {what}s; showing {what} 1 instead of {s[key]}.", icon="⚠️"
        )
        s[key] = 1


@st.fragment
def head_view(model, p: Prediction) -> None:
    s = st.session_state
    compact = presenting()  # beside the page's controls: these ones beside the grid
    if not compact:
        st.subheader("Every layer and head")
    available = [k for k in MAPS if k in p.maps]
    if s.map not in available:
        s.map = available[0]
    m = p.maps[s.map]
    L, H = m.weights.shape[:2]
    _check_range("layer", L, "layer")
    _check_range("head", H, "head")
    if compact:
        left, beside = st.columns([1, 2])
        c = [left] * 4
    else:
        c, beside = st.columns([3, 1, 1, 2]), st.container()
    c[0].radio("Attention", available, key="map", format_func=MAPS.get, horizontal=not compact)
    m = p.maps[s.map]
    c[1].selectbox("Layer", list(range(1, L + 1)), key="layer")
    c[2].selectbox("Head", list(range(1, H + 1)), key="head")
    self_map = s.map != "cross"
    c[3].toggle(
        "Attention rollout", key="rollout", disabled=not self_map, help="Self-attention maps only"
    )
    url_state.sync(PARAMS)
    layer, head = s.layer - 1, s.head - 1
    queries, keys = list(m.queries.labels), list(m.keys.labels)
    grid = plots.head_grid(m.weights, queries, keys, (layer, head))
    with beside:
        show_figure(grid, "fig_grid", f"{s.model}_{s.map}_grid", height=170 * L + 40)
    st.caption(
        "Rows are layers, columns heads; the outlined head is enlarged below. Hover any cell."
    )
    left, right = st.columns([3, 2])
    w = m.weights[layer, head]
    with left:
        fig = attention_heatmap(
            w, queries, keys, title=f"{MAPS[s.map]}: layer {s.layer}, head {s.head}"
        )
        show_figure(fig, "fig_head", f"{s.model}_{s.map}_L{s.layer}H{s.head}", height=380)
        header = ["query \\ key", *(f"{i}:{t}" for i, t in enumerate(keys))]
        st.download_button(
            "Download this head's weights (CSV)",
            matrix_csv(header, w, [f"{i}:{t}" for i, t in enumerate(queries)]),
            file_name=f"{s.model}_{s.map}_L{s.layer}H{s.head}.csv",
            mime="text/csv",
            key="download_head",
            on_click="ignore",
        )
    summaries = analysis.head_summaries(m.weights, queries, keys, self_map)
    with right:
        _formula(model, summaries[layer * H + head], w)
    st.markdown("**Head summary**")
    st.dataframe(_summary_table(summaries), hide_index=True, width="stretch")
    if s.rollout and self_map:
        flow = analysis.rollout(m.weights)[-1]
        fig = attention_heatmap(
            flow, queries, keys, title=f"Rollout through all {L} layers", zmax=None
        )
        show_figure(fig, "fig_rollout", f"{s.model}_{s.map}_rollout", height=380)
        st.latex(
            r"\tilde A^{(l)} = \tfrac12 I + \tfrac12 \bar A^{(l)},\qquad "
            r"R = \tilde A^{(%d)} \cdots \tilde A^{(1)}" % L
        )
        st.caption(
            "Rollout (Abnar & Zuidema) mixes each layer's head-mean attention with the "
            "residual connection and multiplies through the layers: how much of each input "
            "position reaches each position at the top."
        )


def _formula(model, h: analysis.HeadSummary, w: np.ndarray) -> None:
    d = model.config.d_model // model.config.num_heads
    q, k = np.unravel_index(np.argmax(w), w.shape)
    st.latex(r"\alpha_{ij} = \operatorname{softmax}_j \frac{q_i^\top k_j}{\sqrt{%d}}" % d)
    st.latex(r"\max_{ij} \alpha_{ij} = \alpha_{%d,%d} = %.3f" % (q, k, float(w[q, k])))
    lines = [
        f"- entropy: **{h.entropy:.2f} bits** per row (uniform over {w.shape[1]} keys: "
        f"{np.log2(max(w.shape[1], 2)):.2f})",
    ]
    if h.offset is not None:
        lines.append(
            f"- most common offset of the peak: **{h.offset:+d}** ({h.offset_share:.0%} of rows)"
        )
    if h.previous_token is not None:
        lines.append(f"- previous-token score: **{h.previous_token:.2f}**")
    if h.induction is not None:
        lines.append(f"- induction score: **{h.induction:.2f}**")
    if h.copy is not None:
        lines.append(f"- peak on the emitted character: **{h.copy:.0%}** of rows")
    st.markdown("\n".join(lines))


def _summary_table(summaries: list[analysis.HeadSummary]) -> pd.DataFrame:
    def fmt(v):
        return None if v is None else round(v, 3)

    return pd.DataFrame(
        {
            "layer": [h.layer + 1 for h in summaries],
            "head": [h.head + 1 for h in summaries],
            "entropy (bits)": [round(h.entropy, 3) for h in summaries],
            "peak offset": [h.offset for h in summaries],
            "offset share": [fmt(h.offset_share) for h in summaries],
            "previous-token": [fmt(h.previous_token) for h in summaries],
            "induction": [fmt(h.induction) for h in summaries],
            "peak on emitted": [fmt(h.copy) for h in summaries],
        }
    )


@st.fragment
@boundary("running the model with heads switched off")
def ablation(model, p: Prediction) -> None:
    s = st.session_state
    st.subheader("What if a head is switched off?")
    options = [
        head_id(stack, layer, head)
        for stack, m in p.maps.items()
        for layer in range(m.weights.shape[0])
        for head in range(m.weights.shape[1])
    ]
    unknown = [h for h in s.ablate if h not in options]
    if unknown:
        st.warning(f"This model has no head {', '.join(unknown)}; ignoring it.", icon="⚠️")
        s.ablate = [h for h in s.ablate if h in options]
    st.multiselect(
        "Heads to switch off (their output is zeroed; stack:layer.head)",
        options,
        key="ablate",
        help="The model is not changed: the heads are zeroed for this input only.",
    )
    url_state.sync(PARAMS)
    if not s.ablate:
        st.caption("Pick one or more heads to see how the output changes without them.")
        return
    q = predict(model, s.model, s.text, [parse_head(h) for h in s.ablate])
    c = st.columns(3)
    c[0].markdown("**Output with all heads**")
    c[0].code(p.text, language=None)
    c[1].markdown("**Output without them**")
    c[1].code(q.text or "(empty)", language=None)
    n = min(len(p.text), len(q.text))
    changed = sum(a != b for a, b in zip(p.text[:n], q.text[:n], strict=True))
    changed += abs(len(p.text) - len(q.text))
    c[2].metric("Characters changed", changed)
    if "second_half_accuracy" in q.checks:
        after, before = q.checks["second_half_accuracy"], p.checks["second_half_accuracy"]
        c[2].metric("Second half predicted", f"{after:.0%}", delta=f"{after - before:+.0%}")
    if q.attention is not None:
        fig = attention_heatmap(
            q.attention, q.target_tokens, q.source_tokens,
            title="Last layer's head-mean attention with the heads off",
        )  # fmt: skip
        show_figure(fig, "fig_ablated", f"{s.model}_ablated", height=340)


@st.fragment
def step_through(p: Prediction) -> None:
    s = st.session_state
    st.subheader("Decoding step by step")
    n = len(p.target_tokens)
    if n == 0:
        st.caption("The model wrote nothing to step through.")
        return
    if not 1 <= s.step <= n:
        s.step = n
    st.slider("Output step", 1, n, key="step") if n > 1 else None
    url_state.sync(PARAMS)
    t = s.step - 1
    cross = p.maps["cross"].weights  # (L, H, T_q, T_k)
    L, H = cross.shape[:2]
    prefix = "".join(p.target_tokens[:t])
    st.markdown(
        f"Written so far: `{md_escape(prefix) or ' '}` → step {t + 1} writes "
        f"**{md_escape(p.target_tokens[t])}**"
    )
    if p.top:
        st.caption(
            "Likeliest next tokens: "
            + ", ".join(f"{md_escape(tok)} {pr:.1%}" for tok, pr in p.top[t])
        )
    st.latex(
        r"c^{(l,h)}_{%d} = \sum_{j=1}^{%d} \alpha^{(l,h)}_{%d,j}\, v^{(l,h)}_j"
        % (t + 1, len(p.source_tokens), t + 1)
    )
    rows = cross[:, :, t].reshape(L * H, -1)  # (L * H, T_k)
    labels = [f"L{layer + 1} H{head + 1}" for layer in range(L) for head in range(H)]
    fig = plots.step_rows(
        rows, p.source_tokens, labels, f"Where each cross-attention head looks at step {t + 1}"
    )
    show_figure(
        fig,
        "fig_step",
        f"{s.model}_step{t + 1}",
        height=max(200, 40 * L * H) * (1.2 if presenting() else 1),
    )
