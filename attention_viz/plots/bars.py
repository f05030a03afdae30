"""Bar charts every sequence page uses: one step's weights, the likeliest tokens, row entropy."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

from attention_viz.plots import spec
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
    bars = {
        "type": "bar",
        "x": x,
        "y": np.asarray(weights, dtype=np.float64),
        "customdata": ticks,
        "marker": {"color": "#1f77b4"},
        "name": "attention",
        "hovertemplate": f"{key_title}: %{{customdata}}<br>weight: %{{y:.4f}}<extra></extra>",
    }
    gold = {}
    if span is not None:
        x0, x1 = span[0] - 0.5, span[1] - 0.5
        gold = {
            "shapes": [spec.vrect(x0, x1, fillcolor="#d62728", opacity=0.12, line={"width": 0})],
            "annotations": [spec.note("gold span", x0, 1, xanchor="left", yanchor="top")],
        }
    return spec.figure(
        [bars],
        title={"text": title} if title else None,
        xaxis={"title": {"text": key_title}, "tickmode": "array", "tickvals": x,
               "ticktext": ticks},
        yaxis={"title": {"text": "attention weight"}, "range": [0, 1]},
        margin={**_MARGIN, "t": 40 if title else 10},
        **gold,
    )  # fmt: skip


def candidate_bars(candidates: Sequence[tuple[str, float]]) -> go.Figure:
    """The likeliest tokens at one step and their probabilities (horizontal bars)."""
    labels = [plot_text(w) for w, _ in candidates]
    bars = {
        "type": "bar",
        "x": [p for _, p in candidates],
        "y": np.arange(len(labels)),
        "orientation": "h",
        "customdata": labels,
        "marker": {"color": "#ff7f0e"},
        "hovertemplate": "%{customdata}: p = %{x:.4f}<extra></extra>",
    }
    return spec.figure(
        [bars],
        xaxis={"title": {"text": "probability"}, "range": [0, 1]},
        yaxis=_rows_axis(labels),
        margin=_MARGIN,
    )


def entropy_bars(entropy: np.ndarray, rows: Sequence[str], max_bits: float) -> go.Figure:
    """Horizontal bars: the attention entropy (bits) of each query's row."""
    labels = [plot_text(t) for t in rows]
    bars = {
        "type": "bar",
        "x": np.asarray(entropy, dtype=np.float64),
        "y": np.arange(len(labels)),
        "orientation": "h",
        "customdata": labels,
        "hovertemplate": "%{customdata}: %{x:.2f} bits<extra></extra>",
        "marker": {"color": "#9467bd"},
    }
    return spec.figure(
        [bars],
        xaxis={"title": {"text": "entropy (bits)"}, "range": [0, max(max_bits, 0.1)]},
        yaxis=_rows_axis(labels),
        margin=_MARGIN,
    )


def _rows_axis(labels: Sequence[str]) -> dict:
    """A y axis with one labelled row per bar, the first at the top."""
    ticks = list(range(len(labels)))
    return {"tickmode": "array", "tickvals": ticks, "ticktext": labels, "autorange": "reversed"}
