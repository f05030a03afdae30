"""Figures of the translation page: alignment heatmaps, one step's weights, learning curves."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

from attention_viz.plots.heatmap import attention_heatmap, plot_text

# The score of each attention, as LaTeX beside a one-line explanation (for the page).
SCORE_LATEX = {
    "additive": (
        r"e_{t,j} = v^\top \tanh\!\left(W_q\, s_{t-1} + W_k\, h_j\right)",
        "Bahdanau's additive score: the previous decoder state against each encoder state.",
    ),
    "dot": (
        r"e_{t,j} = s_t^\top h_j",
        "Luong's dot score: the current decoder state against each encoder state.",
    ),
    "general": (r"e_{t,j} = s_t^\top W\, h_j", "Luong's general score."),
    "location": (
        r"e_t = W_a\,[\mathrm{emb}(y_{t-1});\, s_{t-1}]",
        "Location-based (the PyTorch tutorial): the scores of all positions come from "
        "the decoder's input word and state alone; no encoder state h_j enters them, so "
        "it can only learn where words usually are.",
    ),
}


def alignment_heatmap(
    attention: np.ndarray,
    source_tokens: Sequence[str],
    target_tokens: Sequence[str],
    gold: Sequence[tuple[int, int]] | None = None,
    title: str | None = None,
) -> go.Figure:
    """French words (rows) × English words (columns); gold (source, target) links outlined.

    Args:
        attention: (T_q, T_k), one row per French word.
        gold: alignment pairs (source position, target position), e.g. Translation.alignment.
    """
    overlay = [(j, i) for i, j in gold] if gold else None  # heatmap cells are (row, column)
    return attention_heatmap(
        attention,
        list(target_tokens),
        list(source_tokens),
        row_title="French word (query)",
        col_title="English word (key)",
        title=title,
        overlay=overlay,
    )


def step_bars(
    weights: np.ndarray, source_tokens: Sequence[str], title: str | None = None
) -> go.Figure:
    """Bars of one decoding step's attention weights over the source words: weights (T_k,)."""
    labels = [plot_text(t) for t in source_tokens]
    x = np.arange(len(labels))
    fig = go.Figure(
        go.Bar(
            x=x,
            y=np.asarray(weights, dtype=np.float64),
            customdata=labels,
            marker={"color": "#1f77b4"},
            hovertemplate="English word: %{customdata}<br>weight: %{y:.4f}<extra></extra>",
        )
    )
    fig.update_layout(
        title=title,
        xaxis={
            "title": "English word (key)",
            "tickmode": "array",
            "tickvals": x,
            "ticktext": labels,
        },
        yaxis={"title": "attention weight", "range": [0, 1]},
        margin={"l": 10, "r": 10, "t": 40 if title else 10, "b": 10},
    )
    return fig


def candidate_bars(candidates: Sequence[tuple[str, float]]) -> go.Figure:
    """The likeliest next words at one step and their probabilities (horizontal bars)."""
    labels = [plot_text(w) for w, _ in candidates]
    fig = go.Figure(
        go.Bar(
            x=[p for _, p in candidates],
            y=np.arange(len(labels)),
            orientation="h",
            customdata=labels,
            marker={"color": "#ff7f0e"},
            hovertemplate="%{customdata}: p = %{x:.4f}<extra></extra>",
        )
    )
    fig.update_layout(
        xaxis={"title": "probability", "range": [0, 1]},
        yaxis={
            "tickmode": "array",
            "tickvals": list(range(len(labels))),
            "ticktext": labels,
            "autorange": "reversed",
        },
        margin={"l": 10, "r": 10, "t": 10, "b": 10},
    )
    return fig


def learning_curves(curves: dict[str, list[float]]) -> go.Figure:
    """Training and validation loss per epoch, validation exact match on a second axis."""
    fig = go.Figure()
    for key, name in (("train_loss", "train loss"), ("valid_loss", "validation loss")):
        values = curves.get(key, [])
        fig.add_trace(go.Scatter(x=np.arange(1, len(values) + 1), y=values, name=name))
    exact = curves.get("valid_exact", [])
    fig.add_trace(
        go.Scatter(
            x=np.arange(1, len(exact) + 1),
            y=exact,
            name="validation exact match",
            yaxis="y2",
            line={"dash": "dot"},
        )
    )
    fig.update_layout(
        xaxis={"title": "epoch"},
        yaxis={"title": "cross-entropy", "type": "log"},
        yaxis2={"title": "exact match", "overlaying": "y", "side": "right", "range": [0, 1]},
        margin={"l": 10, "r": 10, "t": 10, "b": 10},
        legend={"orientation": "h", "y": -0.25},
    )
    return fig
