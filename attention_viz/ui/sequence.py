"""The page skeleton every sequence family shares; a family page composes these sections and
plugs in its own (calendar check, epoch scrubber, batch conversion; vocabulary, beam, AER).

    model_picker -> heatmap (+ CSV, formula) -> step_through -> teacher_forcing -> compare
    -> about (learning curves and metrics from the checkpoint's training record)

Every section takes a Prediction (attention_viz.prediction) and the family's record; none
computes anything a notebook user would also want: that lives in the core.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import streamlit as st

from attention_viz.analysis.tables import matrix_csv
from attention_viz.analysis.weights import attention_entropy
from attention_viz.attention import SCORES
from attention_viz.family import Family
from attention_viz.plots import bars, curves
from attention_viz.plots.heatmap import attention_heatmap
from attention_viz.prediction import Prediction
from attention_viz.ui.widgets import md_escape, model_or_message, show_figure


@dataclass(frozen=True)
class Axes:
    """How a family names the rows (queries) and columns (keys) of its heatmap."""

    query: str  # e.g. "output character"
    key: str  # e.g. "input character"
    gold: str = "gold"  # legend name of the outlined gold cells, e.g. "gold alignment"


def model_picker(family: Family, key: str = "model", label: str = "Model", **kwargs) -> None:
    """A selectbox over the family's models; its help lists what each one is."""
    described = "\n".join(f"- **{m.name}**: {m.label or m.summary}" for m in family.models)
    st.selectbox(label, family.names(), key=key, help=described, **kwargs)


def heatmap(
    p: Prediction,
    axes: Axes,
    key: str,
    filename: str,
    gold: list[tuple[int, int]] | None = None,
    title: str | None = None,
    height: int | None = None,
) -> None:
    """The main query x key heatmap (gold cells outlined) and its weights as CSV."""
    fig = attention_heatmap(
        p.attention,
        p.target_tokens,
        p.source_tokens,
        row_title=f"{axes.query} (query)",
        col_title=f"{axes.key} (key)",
        title=title,
        overlay=gold,
        overlay_name=axes.gold,
    )
    show_figure(fig, key, filename, height=height or 120 + 34 * len(p.target_tokens))
    header = [f"{axes.query} \\ {axes.key}", *(f"{i}:{t}" for i, t in enumerate(p.source_tokens))]
    rows = [f"{i}:{t}" for i, t in enumerate(p.target_tokens)]
    st.download_button(
        "Download the weights (CSV)",
        matrix_csv(header, p.attention, rows),
        file_name=f"{filename}.csv",
        mime="text/csv",
        key=f"csv_{key}",
        on_click="ignore",
    )


def formula(family: Family, name: str, p: Prediction) -> None:
    """The model's score, the softmax and the context vector, with this input's sizes."""
    score = family.model(name).score
    if score is None:
        return
    st.latex(SCORES[score].latex)
    st.caption(SCORES[score].note)
    T_q, T_k = p.attention.shape
    st.latex(r"a_{t,j} = \frac{\exp e_{t,j}}{\sum_{k=1}^{%d} \exp e_{t,k}}" % T_k)
    st.latex(r"c_t = \sum_{j=1}^{%d} a_{t,j}\, h_j,\quad t = 1, \dots, %d" % (T_k, T_q))


def entropy(p: Prediction, key: str, filename: str, height: int | None = None) -> np.ndarray:
    """Bars of each row's entropy (bits); returns the entropies."""
    bits = attention_entropy(p.attention)  # (T_q,)
    max_bits = float(np.log2(max(len(p.source_tokens), 2)))
    show_figure(bars.entropy_bars(bits, p.target_tokens, max_bits), key, filename, height)
    return bits


def step_through(
    p: Prediction,
    axes: Axes,
    key: str = "step",
    span_of: Callable[[int], tuple[int, int] | None] | None = None,
    joiner: str = " ",
) -> None:
    """A slider over the output steps: what was written so far, the step's weights over the
    keys and its likeliest tokens (or, under teacher forcing, the model's own choice)."""
    n = len(p.target_tokens)
    if n == 0:
        return
    s = st.session_state
    st.subheader("Step through the decoding")
    if n > 1:
        s[key] = min(max(1, s.get(key, 1)), n)
        st.slider(f"Decoding step t (1–{n})", 1, n, key=key)
    t = min(s.get(key, 1), n)
    written = joiner.join(p.target_tokens[: t - 1])
    st.markdown(
        f"Written so far: **{md_escape(written) or '(nothing)'}** → step {t} writes "
        f"**{md_escape(p.target_tokens[t - 1])}**"
    )
    left, right = st.columns([3, 2])
    with left:
        if p.attention is None:
            st.info("This model has no attention weights to show per step.")
        else:
            weights = p.attention[t - 1]
            span = span_of(t) if span_of else None
            fig = bars.step_bars(weights, p.source_tokens, axes.key, span)
            show_figure(fig, f"{key}_bars", f"step_{t}_attention", height=280)
            j = int(weights.argmax())
            st.caption(
                md_escape(
                    f"Step {t} looks hardest at {axes.key} {j} ({p.source_tokens[j]!r}) "
                    f"with weight {weights[j]:.3f}."
                )
            )
    with right:
        if p.top and t <= len(p.top):
            label = "The model's own likeliest tokens here" if p.forced else "Likeliest tokens"
            st.markdown(label)
            show_figure(bars.candidate_bars(p.top[t - 1]), f"{key}_top", "step_top", 200)


def teacher_forced_note(p: Prediction) -> None:
    """Under teacher forcing: where the model's own choice differs from the reference."""
    wrong = [
        f"{k + 1}: {md_escape(w)} (reference {md_escape(r)})"
        for k, (w, r) in enumerate(zip(p.predicted, p.target_tokens, strict=True))
        if w != r
    ]
    st.caption(
        "Teacher forcing: each row is the step that writes the reference token, with the "
        "true tokens before it fed in. "
        + (
            "The model's own choice differs at steps " + "; ".join(wrong)
            if wrong
            else "At every step the model's own choice is the reference token."
        )
    )


def about(family: Family, name: str, metrics_rows: Callable[[dict], list[dict]]) -> None:
    """How the model was trained and how well it does, from its checkpoint's record."""
    with st.expander("How this model was trained, and how well it does"):
        record = model_or_message(name).training_record
        st.dataframe(metrics_rows(record), hide_index=True, width="stretch")
        history = record.get("history", [])
        if history:
            show_figure(curves.loss_curves(history), f"curves_{name}", f"{name}_curves", 280)
        training = record.get("training", {})
        if training:
            st.caption(
                f"Trained with seed {training.get('seed')} for {training.get('epochs')} epochs "
                f"({training.get('seconds')} s on {training.get('threads')} thread(s)); "
                f"rebuild with `python -m attention_viz train {name}`."
            )


def accuracy_curves(family: Family, key: str, filename: str) -> None:
    """Every model of the family: validation exact match after each epoch."""
    histories = {n: model_or_message(n).training_record.get("history", []) for n in family.names()}
    colours = {m.name: m.colour for m in family.models}
    show_figure(curves.accuracy_curves(histories, colours), key, filename, height=320)
