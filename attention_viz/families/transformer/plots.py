"""Plotly figures of the transformer page: the layer × head grid and the step rows.

Axes are numeric positions with token tick labels; every label is HTML-escaped.
Shape symbols: L layers, H heads, T_q queries, T_k keys.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from attention_viz.plots.heatmap import plot_text


def head_grid(
    weights: np.ndarray,
    queries: Sequence[str],
    keys: Sequence[str],
    selected: tuple[int, int] | None = None,
    ablated: Sequence[tuple[int, int]] = (),
) -> go.Figure:
    """Small heatmaps, one per (layer, head) of a (L, H, T_q, T_k) map; rows are layers.

    selected: (layer, head) outlined in red; ablated heads are titled "off".
    """
    L, H, T_q, T_k = weights.shape
    titles = [
        f"L{layer + 1} H{head + 1}" + (" (off)" if (layer, head) in ablated else "")
        for layer in range(L)
        for head in range(H)
    ]
    fig = make_subplots(
        L, H, subplot_titles=titles, horizontal_spacing=0.02, vertical_spacing=0.12 / max(L, 1)
    )
    q = np.array([plot_text(t) for t in queries], dtype=object)
    k = np.array([plot_text(t) for t in keys], dtype=object)
    custom = np.empty((T_q, T_k, 2), dtype=object)  # (T_q, T_k, 2): query label, key label
    custom[:, :, 0] = q[:, None]
    custom[:, :, 1] = k[None, :]
    for layer in range(L):
        for head in range(H):
            fig.add_trace(
                go.Heatmap(
                    z=weights[layer, head],
                    x=np.arange(T_k),
                    y=np.arange(T_q),
                    customdata=custom,
                    coloraxis="coloraxis",
                    hovertemplate=(
                        f"layer {layer + 1}, head {head + 1}<br>query: %{{customdata[0]}}"
                        "<br>key: %{customdata[1]}<br>weight: %{z:.4f}<extra></extra>"
                    ),
                ),
                layer + 1,
                head + 1,
            )
    fig.update_xaxes(showticklabels=False, ticks="")
    fig.update_yaxes(showticklabels=False, ticks="", autorange="reversed")
    if selected is not None:
        layer, head = selected
        axis = layer * H + head + 1
        ref = "" if axis == 1 else str(axis)
        fig.add_shape(
            type="rect", xref=f"x{ref} domain", yref=f"y{ref} domain", x0=0, x1=1, y0=0, y1=1,
            line={"color": "#d62728", "width": 3},
        )  # fmt: skip
    fig.update_layout(
        coloraxis={
            "colorscale": "Blues",
            "cmin": 0.0,
            "cmax": 1.0,
            "colorbar": {"title": "weight"},
        },
        margin={"l": 10, "r": 10, "t": 30, "b": 10},
    )
    return fig


def step_rows(
    rows: np.ndarray, keys: Sequence[str], head_labels: Sequence[str], title: str
) -> go.Figure:
    """One output step's attention: a row per (layer, head), a column per key. rows: (L*H, T_k)."""
    n, T_k = rows.shape
    k = [plot_text(t) for t in keys]
    custom = np.empty((n, T_k, 2), dtype=object)
    custom[:, :, 0] = np.array(head_labels, dtype=object)[:, None]
    custom[:, :, 1] = np.array(k, dtype=object)[None, :]
    fig = go.Figure(
        go.Heatmap(
            z=rows,
            x=np.arange(T_k),
            y=np.arange(n),
            customdata=custom,
            colorscale="Blues",
            zmin=0.0,
            zmax=1.0,
            hovertemplate=(
                "%{customdata[0]}<br>key: %{customdata[1]}<br>weight: %{z:.4f}<extra></extra>"
            ),
        )
    )
    fig.update_layout(
        title=title,
        xaxis={"tickmode": "array", "tickvals": list(range(T_k)), "ticktext": k, "title": "key"},
        yaxis={
            "tickmode": "array", "tickvals": list(range(n)), "ticktext": list(head_labels),
            "autorange": "reversed",
        },
        margin={"l": 10, "r": 10, "t": 40, "b": 10},
    )  # fmt: skip
    return fig
