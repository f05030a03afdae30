"""Plotly figures of the transformer page: the layer × head grid and the step rows.

Axes are numeric positions with token tick labels; every label is HTML-escaped. Figures are
the plain dicts plotly.js reads (plots.spec, plots.grid), built on every rerun.
Shape symbols: L layers, H heads, T_q queries, T_k keys.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

from attention_viz.plots import grid, spec
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
    layout = grid.subplots(L, H, titles, horizontal_spacing=0.02, vertical_spacing=0.12 / max(L, 1))
    for axis in grid.all_axes(layout, "x"):
        axis.update(showticklabels=False, ticks="")
    for axis in grid.all_axes(layout, "y"):
        axis.update(showticklabels=False, ticks="", autorange="reversed")
    q = np.array([plot_text(t) for t in queries], dtype=object)
    k = np.array([plot_text(t) for t in keys], dtype=object)
    custom = np.empty((T_q, T_k, 2), dtype=object)  # (T_q, T_k, 2): query label, key label
    custom[:, :, 0] = q[:, None]
    custom[:, :, 1] = k[None, :]
    x, y = np.arange(T_k), np.arange(T_q)
    maps = [
        {
            "type": "heatmap",
            "z": weights[layer, head],  # (T_q, T_k)
            "x": x,
            "y": y,
            "customdata": custom,
            "coloraxis": "coloraxis",
            "hovertemplate": (
                f"layer {layer + 1}, head {head + 1}<br>query: %{{customdata[0]}}"
                "<br>key: %{customdata[1]}<br>weight: %{z:.4f}<extra></extra>"
            ),
            **grid.cell(layer + 1, head + 1, H),
        }
        for layer in range(L)
        for head in range(H)
    ]
    shapes = None
    if selected is not None:
        x_ref, y_ref = grid.cell(selected[0] + 1, selected[1] + 1, H).values()
        shapes = [{"type": "rect", "xref": f"{x_ref} domain", "yref": f"{y_ref} domain",
                   "x0": 0, "x1": 1, "y0": 0, "y1": 1,
                   "line": {"color": "#d62728", "width": 3}}]  # fmt: skip
    return spec.figure(
        maps,
        **layout,
        shapes=shapes,
        coloraxis={
            "colorscale": spec.colorscale("Blues"),
            "cmin": 0.0,
            "cmax": 1.0,
            "colorbar": {"title": {"text": "weight"}},
        },
        margin={"l": 10, "r": 10, "t": 30, "b": 10},
    )


def step_rows(
    rows: np.ndarray, keys: Sequence[str], head_labels: Sequence[str], title: str
) -> go.Figure:
    """One output step's attention: a row per (layer, head), a column per key. rows: (L*H, T_k)."""
    n, T_k = rows.shape
    k = [plot_text(t) for t in keys]
    custom = np.empty((n, T_k, 2), dtype=object)  # (L*H, T_k, 2): head label, key label
    custom[:, :, 0] = np.array(head_labels, dtype=object)[:, None]
    custom[:, :, 1] = np.array(k, dtype=object)[None, :]
    heatmap = {
        "type": "heatmap",
        "z": rows,
        "x": np.arange(T_k),
        "y": np.arange(n),
        "customdata": custom,
        "colorscale": spec.colorscale("Blues"),
        "zmin": 0.0,
        "zmax": 1.0,
        "hovertemplate": (
            "%{customdata[0]}<br>key: %{customdata[1]}<br>weight: %{z:.4f}<extra></extra>"
        ),
    }
    return spec.figure(
        [heatmap],
        title={"text": title},
        xaxis={"tickmode": "array", "tickvals": list(range(T_k)), "ticktext": k,
               "title": {"text": "key"}},
        yaxis={"tickmode": "array", "tickvals": list(range(n)), "ticktext": list(head_labels),
               "autorange": "reversed"},
        margin={"l": 10, "r": 10, "t": 40, "b": 10},
    )  # fmt: skip
