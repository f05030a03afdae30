"""Plotly figures of the date page: heatmaps, step bars, entropy, learning curves, by length."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

from attention_viz.plots.heatmap import attention_heatmap, plot_text

MODEL_COLOURS = {
    "date-baseline": "#7f7f7f",
    "date-peeky": "#ff7f0e",
    "date-attention": "#1f77b4",
    "date-additive": "#2ca02c",
}


def date_heatmap(
    weights: np.ndarray,
    source: Sequence[str],
    target: Sequence[str],
    gold: Sequence[tuple[int, int]] | None = None,
    title: str | None = None,
) -> go.Figure:
    """Output characters (rows) x input characters (columns); gold: cells to outline.

    Args:
        weights: (T_q, T_k) = (len(target), len(source)).
    """
    return attention_heatmap(
        weights,
        list(target),
        list(source),
        row_title="output character",
        col_title="input character",
        title=title,
        overlay=gold,
        overlay_name="gold field span",
    )


def entropy_figure(entropy: np.ndarray, target: Sequence[str], max_bits: float) -> go.Figure:
    """Horizontal bars: the attention entropy (bits) of each output character's row."""
    rows = [plot_text(t) for t in target]
    fig = go.Figure(
        go.Bar(
            x=entropy,
            y=np.arange(len(rows)),
            orientation="h",
            customdata=rows,
            hovertemplate="output %{customdata}: %{x:.2f} bits<extra></extra>",
            marker_color="#9467bd",
        )
    )
    fig.update_layout(
        xaxis={"title": "entropy (bits)", "range": [0, max(max_bits, 0.1)]},
        yaxis={
            "tickmode": "array",
            "tickvals": list(range(len(rows))),
            "ticktext": rows,
            "autorange": "reversed",
        },
        margin={"l": 10, "r": 10, "t": 10, "b": 10},
    )
    return fig


def step_figure(
    weights: np.ndarray, source: Sequence[str], span: tuple[int, int] | None = None
) -> go.Figure:
    """One decoding step's weights as bars over the input characters; span shaded if known.

    Args:
        weights: (T_k,).
    """
    cols = [plot_text(t) for t in source]
    fig = go.Figure(
        go.Bar(
            x=np.arange(len(cols)),
            y=weights,
            customdata=cols,
            hovertemplate="input %{customdata}: %{y:.4f}<extra></extra>",
            marker_color="#1f77b4",
            name="attention",
        )
    )
    if span is not None:
        fig.add_vrect(
            x0=span[0] - 0.5,
            x1=span[1] - 0.5,
            fillcolor="#d62728",
            opacity=0.12,
            line_width=0,
            annotation_text="gold span",
            annotation_position="top left",
        )
    fig.update_layout(
        xaxis={"tickmode": "array", "tickvals": list(range(len(cols))), "ticktext": cols},
        yaxis={"title": "weight", "range": [0, 1]},
        margin={"l": 10, "r": 10, "t": 10, "b": 10},
    )
    return fig


def learning_curves(histories: dict[str, list[dict]]) -> go.Figure:
    """Validation exact match per epoch for each model (the book's comparison figure)."""
    fig = go.Figure()
    for name, history in histories.items():
        fig.add_trace(
            go.Scatter(
                x=[r["epoch"] for r in history],
                y=[100 * r["val_accuracy"] for r in history],
                mode="lines+markers",
                name=name,
                line={"color": MODEL_COLOURS.get(name)},
                hovertemplate=f"{name}<br>epoch %{{x}}: %{{y:.2f}}%<extra></extra>",
            )
        )
    fig.update_layout(
        xaxis={"title": "epoch", "dtick": 1},
        yaxis={"title": "validation exact match (%)", "range": [0, 100.5]},
        margin={"l": 10, "r": 10, "t": 10, "b": 10},
        legend={"orientation": "h", "y": -0.2},
    )
    return fig


def accuracy_by_length(reports: dict[str, list[dict]]) -> go.Figure:
    """Grouped bars: test exact match per input-length bucket, one colour per model."""
    fig = go.Figure()
    for name, rows in reports.items():
        fig.add_trace(
            go.Bar(
                x=[r["chars"] for r in rows],
                y=[100 * r["accuracy"] for r in rows],
                customdata=[r["n"] for r in rows],
                name=name,
                marker_color=MODEL_COLOURS.get(name),
                hovertemplate=(
                    f"{name}<br>%{{x}} characters: %{{y:.2f}}% (n = %{{customdata}})<extra></extra>"
                ),
            )
        )
    lows = [r["accuracy"] for rows in reports.values() for r in rows]
    bottom = max(0.0, min(lows, default=0.0) * 100 - 5)
    fig.update_layout(
        barmode="group",
        xaxis={"title": "input length (characters)", "type": "category"},
        yaxis={"title": "test exact match (%)", "range": [bottom, 100.5]},
        margin={"l": 10, "r": 10, "t": 10, "b": 10},
        legend={"orientation": "h", "y": -0.25},
    )
    return fig
