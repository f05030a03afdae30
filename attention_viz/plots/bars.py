"""Bar charts every sequence page uses: one step's weights, the likeliest tokens, row entropy."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

from attention_viz.plots.heatmap import plot_text

_MARGIN = {"l": 10, "r": 10, "t": 10, "b": 10}


def step_bars(
    weights: np.ndarray,
    labels: Sequence[str],
    key_title: str = "key",
    span: tuple[int, int] | None = None,
    title: str | None = None,
) -> go.Figure:
    """One query's weights (T_k,) as bars over the keys; span [start, end) shaded as gold."""
    ticks = [plot_text(t) for t in labels]
    x = np.arange(len(ticks))
    fig = go.Figure(
        go.Bar(
            x=x,
            y=np.asarray(weights, dtype=np.float64),
            customdata=ticks,
            marker_color="#1f77b4",
            name="attention",
            hovertemplate=f"{key_title}: %{{customdata}}<br>weight: %{{y:.4f}}<extra></extra>",
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
        title=title,
        xaxis={"title": key_title, "tickmode": "array", "tickvals": x, "ticktext": ticks},
        yaxis={"title": "attention weight", "range": [0, 1]},
        margin={**_MARGIN, "t": 40 if title else 10},
    )
    return fig


def candidate_bars(candidates: Sequence[tuple[str, float]]) -> go.Figure:
    """The likeliest tokens at one step and their probabilities (horizontal bars)."""
    labels = [plot_text(w) for w, _ in candidates]
    fig = go.Figure(
        go.Bar(
            x=[p for _, p in candidates],
            y=np.arange(len(labels)),
            orientation="h",
            customdata=labels,
            marker_color="#ff7f0e",
            hovertemplate="%{customdata}: p = %{x:.4f}<extra></extra>",
        )
    )
    fig.update_layout(
        xaxis={"title": "probability", "range": [0, 1]},
        yaxis=_rows_axis(labels),
        margin=_MARGIN,
    )
    return fig


def entropy_bars(entropy: np.ndarray, rows: Sequence[str], max_bits: float) -> go.Figure:
    """Horizontal bars: the attention entropy (bits) of each query's row."""
    labels = [plot_text(t) for t in rows]
    fig = go.Figure(
        go.Bar(
            x=entropy,
            y=np.arange(len(labels)),
            orientation="h",
            customdata=labels,
            hovertemplate="%{customdata}: %{x:.2f} bits<extra></extra>",
            marker_color="#9467bd",
        )
    )
    fig.update_layout(
        xaxis={"title": "entropy (bits)", "range": [0, max(max_bits, 0.1)]},
        yaxis=_rows_axis(labels),
        margin=_MARGIN,
    )
    return fig


def _rows_axis(labels: Sequence[str]) -> dict:
    """A y axis with one labelled row per bar, the first at the top."""
    ticks = list(range(len(labels)))
    return {"tickmode": "array", "tickvals": ticks, "ticktext": labels, "autorange": "reversed"}
