"""Self-attention, step by step: widgets -> steps.self_attention_steps -> plots."""

from __future__ import annotations

import contextlib

import numpy as np
import streamlit as st

from attention_viz.families.selfattention import page_weights, plots
from attention_viz.families.selfattention.presets import (
    PRESETS,
    PresetError,
    head_weights,
    output_weights,
)
from attention_viz.families.selfattention.steps import (
    Options,
    Steps,
    equivariance_gap,
    mean_max_weight,
    self_attention_steps,
)
from attention_viz.families.selfattention.tokens import (
    MAX_TOKENS,
    TokenError,
    embed,
    parse_tokens,
    shuffle_order,
)
from attention_viz.ui import stage, url_state
from attention_viz.ui.widgets import (
    md_escape,
    presenting,
    show_failure,
    show_figure,
    show_warnings,
)

D_MODELS = [4, 6, 8, 12, 16, 32, 64, 128]
MAX_HEADS = 4
HEAD_DEFAULTS = ("previous", "same", "random", "identity")
PARAMS = [
    url_state.text("text", "the cat sat on the mat", 200),
    url_state.integer_choice("d_model", D_MODELS, 4),
    url_state.integer("heads", 1, MAX_HEADS, 1),
    *(url_state.choice(f"preset{h}", list(PRESETS), HEAD_DEFAULTS[h]) for h in range(MAX_HEADS)),
    url_state.integer("seed", 0, 9999, 0),
    url_state.flag("scale", True),
    url_state.flag("causal", False),
    url_state.flag("positions", True),
    url_state.flag("shuffle", False),
]
ROW = url_state.integer("row", 0, MAX_TOKENS - 1, MAX_TOKENS - 1)


@st.cache_data(show_spinner=False)
def _saturation() -> tuple[list[float], list[float]]:
    unscaled = [mean_max_weight(d, scale=False) for d in D_MODELS]
    return unscaled, [mean_max_weight(d, scale=True) for d in D_MODELS]


def main() -> None:
    stage.heading(
        "Self-attention, step by step",
        "Every matrix of one attention layer, with its numbers: hover a cell to see how it "
        "was computed. Edit the weights or switch a step on and off, and everything below "
        "follows.",
    )
    warnings = url_state.restore([*PARAMS, ROW])
    s = st.session_state
    # Presenting: the inputs, the switches and the weights in a column beside the scores and
    # weights of head 1; the rest of the pipeline below.
    beside = stage.columns()
    controls, chart = beside if beside else (contextlib.nullcontext(),) * 2
    with controls:
        st.text_input(f"Tokens (words separated by spaces, at most {MAX_TOKENS})", key="text")
        c = st.columns(2 if beside else [3, 2, 2])
        c[0].select_slider("d_model", D_MODELS, key="d_model")
        c[1].slider("Heads", 1, MAX_HEADS, key="heads")
        t = [st.container()] * 4 if beside else st.columns(4)
        t[0].toggle("Scale by 1/√d_head", key="scale")
        t[1].toggle("Causal mask", key="causal")
        t[2].toggle("Positional encoding", key="positions")
        t[3].toggle("Shuffle the tokens", key="shuffle")
        weights_at = st.container() if beside else contextlib.nullcontext()
        (st if beside else c[2]).number_input("Seed (random weights, shuffle)", 0, 9999, key="seed")
    url_state.sync(PARAMS)

    with chart:
        try:
            words = parse_tokens(s.text)
        except TokenError as e:
            show_warnings(warnings)
            st.error(md_escape(str(e)))
            return
        d_model, n_heads = s.d_model, s.heads
        if d_model % n_heads:
            show_warnings(warnings)
            fits = [d for d in D_MODELS if d % n_heads == 0]
            st.error(
                f"d_model {d_model} cannot be split into {n_heads} equal heads: choose "
                f"d_model {', '.join(map(str, fits[:4]))}…, or a number of heads that divides "
                f"{d_model}."
            )
            return
    order = shuffle_order(len(words), s.seed) if s.shuffle else np.arange(len(words))
    tokens = [words[i] for i in order]
    order_note = "Tokens in order: " + " · ".join(
        f"`{i}` {md_escape(w)}" for i, w in enumerate(tokens)
    )
    if not beside:
        st.caption(order_note)
    with weights_at:
        w_q, w_k, w_v, w_o = _weights(d_model, n_heads, warnings)
    with chart:
        show_warnings(warnings)
        options = Options(scale=s.scale, causal=s.causal, positions=s.positions)
        try:
            steps = self_attention_steps(embed(tokens, d_model), w_q, w_k, w_v, w_o, options)
        except Exception as e:  # the error boundary: this session sees a message, others go on
            show_failure("computing the attention layer", e)
            return
        if beside:
            _scores(steps, 0, tokens)
            st.caption(order_note)
    _lessons(steps, words, order, (w_q, w_k, w_v, w_o), options)
    _pipeline(steps, tokens)
    explain(steps, tokens)
    page_weights.downloads(steps, tokens, (w_q, w_k, w_v, w_o))


def _weights(d_model: int, n_heads: int, warnings: list[str]):
    """Per-head W_Q, W_K, W_V (H, D, E) and W_O (D, D): preset, URL or edited."""
    s = st.session_state
    from_url = page_weights.first_run()
    editable = d_model <= page_weights.MAX_EDITABLE
    folded = presenting()  # in the narrow column beside the scores: one head under another
    if not folded:
        st.subheader("Weights")
    if not editable:
        st.info(f"The matrices can be edited up to d_model {page_weights.MAX_EDITABLE}.")
    heads = []
    for h, col in enumerate([st.container()] * n_heads if folded else st.columns(n_heads)):
        with col:
            st.selectbox(
                f"Head {h + 1} preset", list(PRESETS), key=f"preset{h}", format_func=PRESETS.get
            )
            name = s[f"preset{h}"]
            try:
                preset = head_weights(name, d_model, n_heads, h, s.seed)
            except PresetError as e:  # e.g. a positional preset with d_head 1
                st.warning(md_escape(f"{e}: head {h + 1} uses the identity preset instead."))
                name, preset = "identity", head_weights("identity", d_model, n_heads, h)
            signature = (name, d_model, n_heads, s.seed)
            mats = []
            with st.expander(
                "Edit W_Q, W_K, W_V", expanded=editable and n_heads == 1 and not folded
            ):
                places = st.columns(3) if n_heads == 1 else [st.container()] * 3
                for m, p, place in zip("qkv", preset, places, strict=True):
                    name = f"w{m}{h}"
                    base, version = page_weights.base_matrix(name, p, signature, from_url, warnings)
                    with place:
                        w = page_weights.edit(
                            name, f"W_{m.upper()} (rows: d_model, columns: d_head)", base, version
                        )
                    page_weights.sync(name, w, p)
                    mats.append(w)
            heads.append(mats)
    for h in range(n_heads, MAX_HEADS):  # heads switched off leave the URL
        for m in "qkv":
            page_weights.sync(f"w{m}{h}", np.zeros(1), np.zeros(1))
    w_q, w_k, w_v = (np.stack([hm[i] for hm in heads]) for i in range(3))
    preset_o = output_weights(d_model)
    base, version = page_weights.base_matrix("wo", preset_o, (d_model,), from_url, warnings)
    w_o = base
    if n_heads > 1:
        with st.expander("Edit W_O (mixes the heads' outputs)"):
            w_o = page_weights.edit("wo", "W_O", base, version)
    page_weights.sync("wo", w_o, preset_o)
    return w_q, w_k, w_v, w_o


def _lessons(steps: Steps, words, order, weights, options: Options) -> None:
    """One line and one formula per switch, filled in with the current values."""
    s = st.session_state
    e = steps.q.shape[-1]
    with st.expander("What each switch does", expanded=not presenting()):
        c = st.columns(2)
        with c[0]:
            st.markdown(
                "**Scaling.** Unscaled, q·k has variance ≈ d and the softmax saturates "
                "(one weight → 1); ÷√d keeps it spread."
            )
            st.latex(
                r"a_{ij} = \operatorname{softmax}_j\!\Big(\tfrac{q_i\cdot k_j}{%s}\Big),"
                r"\ \ d_{head} = %d" % (r"\sqrt{%d}" % e if s.scale else "1", e)
            )
            unscaled, scaled = _saturation()
            show_figure(
                plots.saturation_figure(D_MODELS, unscaled, scaled, s.d_model),
                "sa_saturation",
                "selfattention_saturation",
                260,
            )
        with c[1]:
            st.markdown(
                "**Causal mask.** Token i may look only at tokens j ≤ i: the future "
                "gets score −∞, hence weight exactly 0."
            )
            st.latex(
                r"s_{ij} = -\infty \ \text{for}\ j > i \quad(%s)"
                % ("on" if s.causal else r"\text{off}")
            )
            st.markdown(
                "**Positions.** Attention alone ignores word order; adding P tells "
                "each token where it stands."
            )
            st.latex(
                r"P_{t,2i},\,P_{t,2i+1} = \sin,\cos\big(t/10000^{2i/%d}\big)\quad(%s)"
                % (s.d_model, "on" if s.positions else r"\text{off}")
            )
            st.markdown(
                "**Shuffle.** Without positions, shuffling the input shuffles the "
                "output rows the same way (equivariance); positions, or a causal mask, break it."
            )
            gap = _shuffle_gap(words, order, weights, options) if s.shuffle else 0.0
            st.latex(
                r"\max\big|\operatorname{Attn}(\Pi X) - \Pi\operatorname{Attn}(X)\big| = %.3f" % gap
            )
            if s.shuffle:
                st.caption(f"Π: new position k holds old token {', '.join(map(str, order))}.")
            st.markdown(
                f"**Heads.** {steps.n_heads} head(s) of d_head = {e}, side by side, "
                "then mixed by W_O."
            )
            st.latex(
                r"\operatorname{MultiHead} = \operatorname{Concat}(%s)\,W_O"
                % ",".join(f"\\text{{head}}_{h + 1}" for h in range(steps.n_heads))
            )


def _shuffle_gap(words, order, weights, options: Options) -> float:
    x = embed(words, st.session_state.d_model)
    original = self_attention_steps(x, *weights, options)
    shuffled = self_attention_steps(x[order], *weights, options)
    return equivariance_gap(original, shuffled, order)


def _pipeline(steps: Steps, tokens: list[str]) -> None:
    st.subheader("1 · Input: X" + (" + P" if steps.p is not None else ""))
    show_figure(plots.input_figure(steps, tokens), "sa_input", "selfattention_input")
    for h in range(steps.n_heads):
        st.subheader(f"2 · Head {h + 1}: Q, K, V" if steps.n_heads > 1 else "2 · Q, K, V")
        st.latex(
            (
                r"Q = X'W_Q,\ K = X'W_K,\ V = X'W_V,\ X' = %s"
                % ("X+P" if steps.p is not None else "X")
            )
            + r"\quad (%d\times%d)(%d\times%d)"
            % (*steps.xp.shape, steps.xp.shape[1], steps.q.shape[-1])
        )
        show_figure(
            plots.projection_figure(steps, h, tokens),
            f"sa_qkv{h}",
            f"selfattention_qkv_head{h + 1}",
        )
        if h == 0 and presenting():
            st.caption("Scores → weights of this head: at the top of the page.")
        else:
            _scores(steps, h, tokens)
    if steps.n_heads > 1:
        st.subheader("3 · The heads side by side")
        show_figure(plots.heads_figure(steps, tokens), "sa_heads", "selfattention_heads")
    st.subheader("4 · Output")
    st.latex(r"\text{output} = \operatorname{Concat}(A_1V_1,\dots)\,W_O")
    show_figure(plots.output_figure(steps, tokens), "sa_output", "selfattention_output")


def _scores(steps: Steps, h: int, tokens: list[str]) -> None:
    st.markdown("**Scores → weights**: QKᵀ, scaled, masked, then a softmax along each row.")
    show_figure(
        plots.score_figure(steps, h, tokens),
        f"sa_scores{h}",
        f"selfattention_scores_head{h + 1}",
    )


@st.fragment
def explain(steps: Steps, tokens: list[str]) -> None:
    """One query's row worked through with its numbers (reruns alone when the row moves)."""
    s = st.session_state
    n = len(tokens)
    if s.row > n - 1:
        s.row = n - 1
    st.subheader("5 · One query, by hand (head 1)")
    if n > 1:
        st.slider("Query row i", 0, n - 1, key="row")
    url_state.sync([ROW])
    i = s.row
    st.markdown(f"Query {i}: {md_escape(tokens[i])}")
    raw, scaled, a = steps.scores[0, i], steps.scaled[0, i], steps.weights[0, i]
    j = int(np.argmax(a))
    pairs = list(zip(steps.q[0, i], steps.k[0, j], strict=True))
    terms = " + ".join(f"({qv:.2f})({kv:.2f})" for qv, kv in pairs[:4])
    terms += r" + \dots" if len(pairs) > 4 else ""
    st.latex(r"s_{%d,%d} = q_{%d}\cdot k_{%d} = %s = %.3f" % (i, j, i, j, terms, raw[j]))
    st.latex(r"\tfrac{s_{%d,%d}}{%.3g} = %.3f" % (i, j, steps.divisor, scaled[j]))
    shown = [k for k in range(n) if np.isfinite(steps.masked[0, i, k])]
    st.latex(
        r"a_{%d,%d} = \frac{e^{%.2f}}{%s} = %.3f"
        % (i, j, scaled[j], " + ".join(f"e^{{{scaled[k]:.2f}}}" for k in shown), a[j])
    )
    st.latex(
        r"o_{%d} = \sum_j a_{%d,j}\,v_j = [%s]"
        % (i, i, ",\\ ".join(f"{v:.2f}" for v in steps.heads[0, i]))
    )


main()
