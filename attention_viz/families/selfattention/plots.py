"""Plotly figures of the self-attention steps: annotated heatmaps whose hover says how each
cell was computed. Tokens are HTML-escaped (plots.heatmap.plot_text); no streamlit here.

Shape symbols: T tokens, D = d_model, H heads, E = d_head.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from attention_viz.families.selfattention.steps import Steps
from attention_viz.families.selfattention.tokens import BASE
from attention_viz.plots.heatmap import plot_text

MAX_ANNOTATED = 16  # columns per panel up to which every cell shows its number
SIGNED = "RdBu_r"  # diverging: negative blue, positive red, 0 white
Hover = Callable[[int, int], str]


def token_labels(tokens: Sequence[str]) -> list[str]:
    return [f"{i} {plot_text(t)}" for i, t in enumerate(tokens)]


def _panel(fig, col: int, z: np.ndarray, hover: Hover, *, weights: bool = False) -> None:
    """One annotated heatmap in column `col` of a one-row subplot figure."""
    n_rows, n_cols = z.shape
    finite = np.isfinite(z)
    text = np.where(finite, np.vectorize(lambda v: f"{v:.2f}")(np.where(finite, z, 0)), "−∞")
    hovers = np.array([[hover(i, j) for j in range(n_cols)] for i in range(n_rows)], dtype=object)
    bound = float(np.abs(z[finite]).max()) if finite.any() else 1.0
    fig.add_trace(
        go.Heatmap(
            z=np.where(finite, z, np.nan),
            x=np.arange(n_cols),
            y=np.arange(n_rows),
            text=text,
            texttemplate="%{text}" if n_cols <= MAX_ANNOTATED else None,
            customdata=hovers,
            hovertemplate="%{customdata}<extra></extra>",
            colorscale="Blues" if weights else SIGNED,
            zmin=0.0 if weights else -max(bound, 1e-9),
            zmax=1.0 if weights else max(bound, 1e-9),
            showscale=False,
            xgap=1,
            ygap=1,
        ),
        row=1,
        col=col,
    )


def _figure(
    titles: Sequence[str], rows: Sequence[str], columns: Sequence[Sequence[str]], widths=None
) -> go.Figure:
    fig = make_subplots(
        rows=1,
        cols=len(titles),
        subplot_titles=list(titles),
        horizontal_spacing=0.06 if len(titles) < 4 else 0.04,
        column_widths=widths,
    )
    for c, labels in enumerate(columns, start=1):
        fig.update_xaxes(
            tickmode="array",
            tickvals=list(range(len(labels))),
            ticktext=list(labels),
            row=1,
            col=c,
        )
        fig.update_yaxes(
            tickmode="array",
            tickvals=list(range(len(rows))),
            autorange="reversed",
            ticktext=list(rows) if c == 1 else [""] * len(rows),
            row=1,
            col=c,
        )
    fig.update_layout(margin={"l": 10, "r": 10, "t": 40, "b": 10}, height=90 + 42 * len(rows))
    return fig


def _dims(n: int) -> list[str]:
    return [str(c) for c in range(n)]


def input_figure(s: Steps, tokens: Sequence[str]) -> go.Figure:
    """X, P and X + P, one row per token."""
    rows, d = token_labels(tokens), s.x.shape[1]
    if s.p is None:
        fig = _figure(["X (word vectors)"], rows, [_dims(d)])
        _panel(fig, 1, s.x, lambda i, c: f"X[{i}, {c}] = word vector of {rows[i]}, dim {c}")
        return fig
    fig = _figure(["X (word vectors)", "P (positions)", "X + P"], rows, [_dims(d)] * 3)
    _panel(fig, 1, s.x, lambda i, c: f"X[{i}, {c}] = word vector of {rows[i]}, dim {c}")

    def p_hover(i: int, c: int) -> str:
        f = "sin" if c % 2 == 0 else "cos"
        return f"P[{i}, {c}] = {f}({i} / {BASE:g}^({c - c % 2}/{d})) = {s.p[i, c]:.3f}"

    _panel(fig, 2, s.p, p_hover)
    _panel(
        fig,
        3,
        s.xp,
        lambda i, c: f"(X+P)[{i}, {c}] = {s.x[i, c]:.2f} + {s.p[i, c]:.2f} = {s.xp[i, c]:.2f}",
    )
    return fig


def projection_figure(s: Steps, head: int, tokens: Sequence[str]) -> go.Figure:
    """Q, K and V of one head: Q[i, c] = (X+P)[i] · W_Q[:, c]."""
    rows, e = token_labels(tokens), s.q.shape[-1]
    sub = f"<sub>{head + 1}</sub>" if s.n_heads > 1 else ""
    fig = _figure(
        [
            f"Q{sub} = (X+P) W<sub>Q</sub>{sub}",
            f"K{sub} = (X+P) W<sub>K</sub>{sub}",
            f"V{sub} = (X+P) W<sub>V</sub>{sub}",
        ],
        rows,
        [_dims(e)] * 3,
    )
    for col, (name, m) in enumerate((("Q", s.q), ("K", s.k), ("V", s.v)), start=1):
        _panel(
            fig,
            col,
            m[head],
            lambda i, c, name=name, m=m: (
                f"{name}[{i}, {c}] = (X+P)[{i}] · W_{name}[:, {c}] = {m[head, i, c]:.3f}"
                f"<br>row {i}: {rows[i]}"
            ),
        )
    return fig


def score_figure(s: Steps, head: int, tokens: Sequence[str]) -> go.Figure:
    """QKᵀ, ÷√E, mask and softmax of one head: scores to weights, one row per query."""
    rows = token_labels(tokens)
    div = s.divisor
    titles = [
        "scores Q Kᵀ",
        f"÷ √{round(div * div)}" if div != 1 else "÷ 1 (scaling off)",
        "causal mask" if s.mask is not None else "mask (none)",
        "weights = softmax(row)",
    ]
    fig = _figure(titles, rows, [rows] * 4)
    raw, scaled, masked, a = s.scores[head], s.scaled[head], s.masked[head], s.weights[head]
    _panel(fig, 1, raw, lambda i, j: f"Q[{i}]·K[{j}] = {raw[i, j]:.3f}<br>{rows[i]} → {rows[j]}")
    _panel(fig, 2, scaled, lambda i, j: f"{raw[i, j]:.3f} / {div:.3g} = {scaled[i, j]:.3f}")

    def mask_hover(i: int, j: int) -> str:
        if np.isfinite(masked[i, j]):
            return f"key {j} ≤ query {i}: kept, {masked[i, j]:.3f}"
        return f"key {j} comes after query {i}: −∞ (weight exactly 0)"

    _panel(fig, 3, masked, mask_hover)
    _panel(
        fig,
        4,
        a,
        lambda i, j: (
            f"a[{i}, {j}] = exp(s[{i}, {j}]) / Σ<sub>k</sub> exp(s[{i}, k]) = {a[i, j]:.4f}"
            f"<br>query {rows[i]}, key {rows[j]}"
        ),
        weights=True,
    )
    return fig


def heads_figure(s: Steps, tokens: Sequence[str]) -> go.Figure:
    """The attention weights of every head side by side."""
    rows = token_labels(tokens)
    fig = _figure([f"head {h + 1}" for h in range(s.n_heads)], rows, [rows] * s.n_heads)
    for h in range(s.n_heads):
        a = s.weights[h]
        _panel(
            fig,
            h + 1,
            a,
            lambda i, j, a=a, h=h: (
                f"head {h + 1}: query {rows[i]}, key {rows[j]}<br>weight: {a[i, j]:.4f}"
            ),
            weights=True,
        )
    return fig


def output_figure(s: Steps, tokens: Sequence[str]) -> go.Figure:
    """Per-head outputs A V side by side (concat), W_O, and the layer's output."""
    rows = token_labels(tokens)
    n, width = s.concat.shape
    e = width // s.n_heads
    concat_cols = [f"{c // e + 1}.{c % e}" if s.n_heads > 1 else str(c) for c in range(width)]
    fig = _figure(
        [
            "Concat(A V) of the heads" if s.n_heads > 1 else "A V",
            "W<sub>O</sub>",
            "output = Concat · W<sub>O</sub>",
        ],
        rows,
        [concat_cols, _dims(s.w_o.shape[1]), _dims(s.output.shape[1])],
    )
    weights = s.weights

    def concat_hover(i: int, c: int) -> str:
        h, col = divmod(c, e)
        terms = " + ".join(f"{weights[h, i, j]:.2f}·{s.v[h, j, col]:.2f}" for j in range(n))
        return f"head {h + 1}: Σ<sub>j</sub> A[{i}, j] V[j, {col}] = {terms} = {s.concat[i, c]:.3f}"

    _panel(fig, 1, s.concat, concat_hover)
    # W_O has H·E rows, not tokens: its own y labels (a second y axis per subplot).
    _panel(fig, 2, s.w_o, lambda r, c: f"W_O[{r}, {c}] = {s.w_o[r, c]:.3f}")
    fig.update_yaxes(ticktext=concat_cols, tickvals=list(range(width)), row=1, col=2)
    _panel(
        fig,
        3,
        s.output,
        lambda i, c: f"out[{i}, {c}] = Concat[{i}] · W_O[:, {c}] = {s.output[i, c]:.3f}",
    )
    fig.update_layout(height=max(fig.layout.height, 90 + 30 * width))
    return fig


def saturation_figure(
    d_models: Sequence[int], unscaled: Sequence[float], scaled: Sequence[float], current: int
) -> go.Figure:
    """Mean largest weight per row against d_model, with and without ÷√d."""
    fig = go.Figure()
    for name, ys, dash in (("q·k (unscaled)", unscaled, "solid"), ("q·k / √d", scaled, "dash")):
        fig.add_trace(
            go.Scatter(
                x=list(d_models), y=list(ys), name=name, mode="lines+markers", line={"dash": dash}
            )
        )
    fig.add_vline(x=current, line={"color": "grey", "dash": "dot"})
    fig.update_layout(
        xaxis={"title": "d_model", "type": "log"},
        yaxis={"title": "mean max weight per row", "range": [0, 1.02]},
        margin={"l": 10, "r": 10, "t": 10, "b": 10},
        legend={"orientation": "h", "y": -0.3},
        height=260,
    )
    return fig
