"""Attention heatmaps with token (or value) labels, shared by every page.

Axes are numeric positions with the labels as tick text: plotly merges repeated category
labels (two "e" characters, two "the"), so tokens are never used as categories.
All label text is HTML-escaped: plotly renders a subset of HTML tags in text.
"""

from __future__ import annotations

import html
from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

from attention_viz.plots import spec

MAX_TICKS = 60  # beyond this, label every k-th position so ticks stay readable


def plot_text(label: str) -> str:
    """A token as plotly shows it: HTML escaped, a blank shown as ␣."""
    return html.escape(label, quote=False) if label.strip() else "␣" * max(1, len(label))


def attention_heatmap(
    weights: np.ndarray,
    row_labels: Sequence[str],
    col_labels: Sequence[str],
    *,
    row_title: str = "query",
    col_title: str = "key",
    title: str | None = None,
    overlay: Sequence[tuple[int, int]] | None = None,
    overlay_name: str = "gold alignment",
    zmax: float | None = 1.0,
    colorscale: str = "Blues",
    max_ticks: int = MAX_TICKS,
) -> go.Figure:
    """Heatmap of attention weights, one row per query and one column per key.

    Args:
        weights: (T_q, T_k).
        row_labels, col_labels: T_q and T_k labels (tokens or formatted values).
        overlay: (row, col) cells to outline, e.g. the gold word alignment.
        zmax: top of the colour scale; None scales to the largest weight.
        max_ticks: label every k-th position beyond this many (hover still names every cell).
    Returns:
        a figure whose hover shows the row label, the column label and the weight.
    """
    weights = np.asarray(weights, dtype=np.float64)
    n_rows, n_cols = weights.shape
    if len(row_labels) != n_rows or len(col_labels) != n_cols:
        raise ValueError(
            f"{n_rows}x{n_cols} weights but {len(row_labels)} row labels"
            f" and {len(col_labels)} column labels"
        )
    rows = [plot_text(t) for t in row_labels]
    cols = [plot_text(t) for t in col_labels]
    hover = np.empty((n_rows, n_cols, 2), dtype=object)  # (T_q, T_k, 2): row label, col label
    hover[:, :, 0] = np.array(rows, dtype=object)[:, None]
    hover[:, :, 1] = np.array(cols, dtype=object)[None, :]
    data = [
        {
            "type": "heatmap",
            "z": weights,
            "x": np.arange(n_cols),
            "y": np.arange(n_rows),
            "customdata": hover,
            "colorscale": spec.colorscale(colorscale),
            "zmin": 0.0,
            "zmax": zmax,
            "colorbar": {"title": {"text": "weight"}},
            "hovertemplate": (
                f"{row_title}: %{{customdata[0]}}<br>{col_title}: %{{customdata[1]}}"
                "<br>weight: %{z:.4f}<extra></extra>"
            ),
            "name": "attention",
        }
    ]
    if overlay:
        r, c = zip(*overlay, strict=True)
        data.append(
            {
                "type": "scatter",
                "x": list(c),
                "y": list(r),
                "mode": "markers",
                "marker": {"symbol": "square-open", "size": 14, "color": "#d62728",
                           "line": {"width": 2}},
                "name": overlay_name,
                "hoverinfo": "skip",
            }
        )  # fmt: skip
    return spec.figure(
        data,
        title={"text": title} if title else None,
        xaxis={"title": {"text": col_title}, **_ticks(cols, max_ticks), "side": "bottom"},
        yaxis={"title": {"text": row_title}, **_ticks(rows, max_ticks), "autorange": "reversed"},
        margin={"l": 10, "r": 10, "t": 40 if title else 10, "b": 10},
        legend={"orientation": "h", "y": -0.15},
    )


def _ticks(labels: Sequence[str], max_ticks: int) -> dict:
    step = max(1, -(-len(labels) // max_ticks))  # ceil division
    positions = list(range(0, len(labels), step))
    return {"tickmode": "array", "tickvals": positions, "ticktext": [labels[i] for i in positions]}


def bin_weights(
    weights: np.ndarray, max_rows: int, max_cols: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Shrink a (T_q, T_k) weight matrix to at most max_rows x max_cols contiguous bins.

    Each cell is the total weight of the keys in its column bin, averaged over the queries in
    its row bin, so every row still sums to 1. Rows and columns should be sorted by position.

    Returns:
        (binned (R, C), row_edges (R + 1,), col_edges (C + 1,)): bin i covers original
        indices row_edges[i] to row_edges[i + 1] - 1.
    """
    n_rows, n_cols = weights.shape
    row_edges = np.linspace(0, n_rows, min(n_rows, max_rows) + 1).round().astype(int)
    col_edges = np.linspace(0, n_cols, min(n_cols, max_cols) + 1).round().astype(int)
    by_cols = np.add.reduceat(weights, col_edges[:-1], axis=1)  # (T_q, C)
    summed = np.add.reduceat(by_cols, row_edges[:-1], axis=0)  # (R, C)
    return summed / np.diff(row_edges)[:, None], row_edges, col_edges
