"""Plotly figures of the self-attention steps: annotated heatmaps whose hover says how each
cell was computed. Tokens are HTML-escaped (plots.heatmap.plot_text); no streamlit here.
Figures are the plain dicts plotly.js reads (plots.spec, plots.grid), built on every rerun.

Shape symbols: T tokens, D = d_model, H heads, E = d_head.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import plotly.graph_objects as go

from attention_viz.families.selfattention.steps import Steps
from attention_viz.families.selfattention.tokens import BASE
from attention_viz.plots import grid, spec
from attention_viz.plots.heatmap import plot_text

MAX_ANNOTATED = 16  # columns per panel up to which every cell shows its number
SIGNED = "RdBu_r"  # diverging: negative blue, positive red, 0 white
Hover = Callable[[int, int], str]


def token_labels(tokens: Sequence[str]) -> list[str]:
    return [f"{i} {plot_text(t)}" for i, t in enumerate(tokens)]


def _panel(z: np.ndarray, hover: Hover, *, weights: bool = False) -> dict:
    """One annotated heatmap: a panel of _figure."""
    n_rows, n_cols = z.shape
    finite = np.isfinite(z)
    text = np.where(finite, np.vectorize(lambda v: f"{v:.2f}")(np.where(finite, z, 0)), "−∞")
    hovers = np.array([[hover(i, j) for j in range(n_cols)] for i in range(n_rows)], dtype=object)
    bound = float(np.abs(z[finite]).max()) if finite.any() else 1.0
    return {
        "type": "heatmap",
        "z": np.where(finite, z, np.nan),
        "x": np.arange(n_cols),
        "y": np.arange(n_rows),
        "text": text,
        "texttemplate": "%{text}" if n_cols <= MAX_ANNOTATED else None,
        "customdata": hovers,
        "hovertemplate": "%{customdata}<extra></extra>",
        "colorscale": spec.colorscale("Blues" if weights else SIGNED),
        "zmin": 0.0 if weights else -max(bound, 1e-9),
        "zmax": 1.0 if weights else max(bound, 1e-9),
        "showscale": False,
        "xgap": 1,
        "ygap": 1,
    }


def _layout(titles: Sequence[str], rows: Sequence[str], columns: Sequence[Sequence[str]]) -> dict:
    """A one-row grid of titled panels, each with its columns' labels under it; the rows'
    labels beside the first panel only."""
    n = len(titles)
    layout = grid.subplots(1, n, list(titles), horizontal_spacing=0.06 if n < 4 else 0.04)
    for c, labels in enumerate(columns, start=1):
        x_axis, y_axis = grid.axes(1, c, n)
        layout[x_axis].update(
            tickmode="array", tickvals=list(range(len(labels))), ticktext=list(labels)
        )
        layout[y_axis].update(
            tickmode="array",
            tickvals=list(range(len(rows))),
            autorange="reversed",
            ticktext=list(rows) if c == 1 else [""] * len(rows),
        )
    return layout


def _figure(panels: Sequence[dict], layout: dict, n_rows: int, height: int = 0) -> go.Figure:
    """The panels in a _layout grid, tall enough for n_rows rows (and at least height px)."""
    return spec.figure(
        [{**panel, **grid.cell(1, c, len(panels))} for c, panel in enumerate(panels, start=1)],
        **layout,
        margin={"l": 10, "r": 10, "t": 40, "b": 10},
        height=max(90 + 42 * n_rows, height),
    )


def _dims(n: int) -> list[str]:
    return [str(c) for c in range(n)]


def input_figure(s: Steps, tokens: Sequence[str]) -> go.Figure:
    """X, P and X + P, one row per token."""
    rows, d = token_labels(tokens), s.x.shape[1]
    x = _panel(s.x, lambda i, c: f"X[{i}, {c}] = word vector of {rows[i]}, dim {c}")
    if s.p is None:
        return _figure([x], _layout(["X (word vectors)"], rows, [_dims(d)]), len(rows))

    def p_hover(i: int, c: int) -> str:
        f = "sin" if c % 2 == 0 else "cos"
        return f"P[{i}, {c}] = {f}({i} / {BASE:g}^({c - c % 2}/{d})) = {s.p[i, c]:.3f}"

    xp = _panel(
        s.xp,
        lambda i, c: f"(X+P)[{i}, {c}] = {s.x[i, c]:.2f} + {s.p[i, c]:.2f} = {s.xp[i, c]:.2f}",
    )
    titles = ["X (word vectors)", "P (positions)", "X + P"]
    return _figure([x, _panel(s.p, p_hover), xp], _layout(titles, rows, [_dims(d)] * 3), len(rows))


def projection_figure(s: Steps, head: int, tokens: Sequence[str]) -> go.Figure:
    """Q, K and V of one head: Q[i, c] = (X+P)[i] · W_Q[:, c]."""
    rows, e = token_labels(tokens), s.q.shape[-1]
    sub = f"<sub>{head + 1}</sub>" if s.n_heads > 1 else ""
    panels = [
        _panel(
            m[head],
            lambda i, c, name=name, m=m: (
                f"{name}[{i}, {c}] = (X+P)[{i}] · W_{name}[:, {c}] = {m[head, i, c]:.3f}"
                f"<br>row {i}: {rows[i]}"
            ),
        )
        for name, m in (("Q", s.q), ("K", s.k), ("V", s.v))
    ]
    titles = [f"{m}{sub} = (X+P) W<sub>{m}</sub>{sub}" for m in "QKV"]
    return _figure(panels, _layout(titles, rows, [_dims(e)] * 3), len(rows))


def score_figure(s: Steps, head: int, tokens: Sequence[str]) -> go.Figure:
    """QKᵀ, ÷√E, mask and softmax of one head: scores to weights, one row per query."""
    rows = token_labels(tokens)
    div = s.divisor
    titles = [
        "scores Q Kᵀ",
        f"÷ √{round(div * div)}" if div != 1 else "÷ 1 (scaling off)",
        "causal mask" if s.mask is not None else "mask (none)",
        "softmax (each row)",
    ]
    raw, scaled, masked, a = s.scores[head], s.scaled[head], s.masked[head], s.weights[head]

    def mask_hover(i: int, j: int) -> str:
        if np.isfinite(masked[i, j]):
            return f"key {j} ≤ query {i}: kept, {masked[i, j]:.3f}"
        return f"key {j} comes after query {i}: −∞ (weight exactly 0)"

    panels = [
        _panel(raw, lambda i, j: f"Q[{i}]·K[{j}] = {raw[i, j]:.3f}<br>{rows[i]} → {rows[j]}"),
        _panel(scaled, lambda i, j: f"{raw[i, j]:.3f} / {div:.3g} = {scaled[i, j]:.3f}"),
        _panel(masked, mask_hover),
        _panel(
            a,
            lambda i, j: (
                f"a[{i}, {j}] = exp(s[{i}, {j}]) / Σ<sub>k</sub> exp(s[{i}, k]) = {a[i, j]:.4f}"
                f"<br>query {rows[i]}, key {rows[j]}"
            ),
            weights=True,
        ),
    ]
    return _figure(panels, _layout(titles, rows, [rows] * 4), len(rows))


def heads_figure(s: Steps, tokens: Sequence[str]) -> go.Figure:
    """The attention weights of every head side by side."""
    rows = token_labels(tokens)
    panels = [
        _panel(
            a,
            lambda i, j, a=a, h=h: (
                f"head {h + 1}: query {rows[i]}, key {rows[j]}<br>weight: {a[i, j]:.4f}"
            ),
            weights=True,
        )
        for h, a in enumerate(s.weights)
    ]
    titles = [f"head {h + 1}" for h in range(s.n_heads)]
    return _figure(panels, _layout(titles, rows, [rows] * s.n_heads), len(rows))


def output_figure(s: Steps, tokens: Sequence[str]) -> go.Figure:
    """Per-head outputs A V side by side (concat), W_O, and the layer's output."""
    rows = token_labels(tokens)
    n, width = s.concat.shape
    e = width // s.n_heads
    concat_cols = [f"{c // e + 1}.{c % e}" if s.n_heads > 1 else str(c) for c in range(width)]
    weights = s.weights

    def concat_hover(i: int, c: int) -> str:
        h, col = divmod(c, e)
        terms = " + ".join(f"{weights[h, i, j]:.2f}·{s.v[h, j, col]:.2f}" for j in range(n))
        return f"head {h + 1}: Σ<sub>j</sub> A[{i}, j] V[j, {col}] = {terms} = {s.concat[i, c]:.3f}"

    panels = [
        _panel(s.concat, concat_hover),
        _panel(s.w_o, lambda r, c: f"W_O[{r}, {c}] = {s.w_o[r, c]:.3f}"),
        _panel(
            s.output,
            lambda i, c: f"out[{i}, {c}] = Concat[{i}] · W_O[:, {c}] = {s.output[i, c]:.3f}",
        ),
    ]
    titles = [
        "Concat(A V) of the heads" if s.n_heads > 1 else "A V",
        "W<sub>O</sub>",
        "output = Concat · W<sub>O</sub>",
    ]
    layout = _layout(titles, rows, [concat_cols, _dims(s.w_o.shape[1]), _dims(s.output.shape[1])])
    # W_O has H·E rows, not tokens: its own y labels.
    layout["yaxis2"].update(ticktext=concat_cols, tickvals=list(range(width)))
    return _figure(panels, layout, len(rows), height=90 + 30 * width)


def saturation_figure(
    d_models: Sequence[int], unscaled: Sequence[float], scaled: Sequence[float], current: int
) -> go.Figure:
    """Mean largest weight per row against d_model, with and without ÷√d."""
    curves = [
        {"type": "scatter", "x": list(d_models), "y": list(ys), "name": name,
         "mode": "lines+markers", "line": {"dash": dash}}
        for name, ys, dash in (("q·k (unscaled)", unscaled, "solid"), ("q·k / √d", scaled, "dash"))
    ]  # fmt: skip
    return spec.figure(
        curves,
        xaxis={"title": {"text": "d_model"}, "type": "log"},
        yaxis={"title": {"text": "mean max weight per row"}, "range": [0, 1.02]},
        margin={"l": 10, "r": 10, "t": 10, "b": 10},
        legend={"orientation": "h", "y": -0.3},
        height=260,
        shapes=[spec.vline(current, {"color": "grey", "dash": "dot"})],
    )
