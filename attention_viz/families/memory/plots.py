"""Plotly figures of the memory page (no streamlit): memory, addressing stages, heads over time.

Every heatmap's hover names its row, its column and the value; labels are HTML-escaped.
Figures are the plain dicts plotly.js reads (plots.spec, plots.grid), built on every rerun.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

from attention_viz.plots import grid, spec
from attention_viz.plots.heatmap import attention_heatmap, plot_text

STAGE_COLOURS = {
    "previous": "#7f7f7f",
    "content": "#1f77b4",
    "gated": "#2ca02c",
    "shifted": "#ff7f0e",
    "sharpened": "#d62728",
}
HEAD_COLOURS = {"write": "#d62728", "read": "#1f77b4"}
BITS = ((0, "#f7f7f7"), (1, "#252525"))  # 0 light, 1 dark


def memory_heatmap(
    memory: np.ndarray, heads: dict[str, np.ndarray] | None = None, title: str | None = None
) -> go.Figure:
    """(N, M) memory, one row per slot, beside one narrow column per head's (N,) weights."""
    n, m = memory.shape
    heads = heads or {}
    slots = np.array([f"slot {i}" for i in range(n)], dtype=object)
    cols = len(heads) + 1
    layout = grid.subplots(
        1,
        cols,
        [*heads, "memory M(i)"],
        shared_yaxes=True,
        column_widths=[1.2] * len(heads) + [max(m, 4)],
        horizontal_spacing=0.02,
    )
    traces = []
    for col, (name, w) in enumerate(heads.items(), start=1):
        traces.append(
            {
                "type": "heatmap",
                "z": np.asarray(w)[:, None],  # (N, 1)
                "y": np.arange(n),
                "x": [0],
                "customdata": slots[:, None],
                "colorscale": spec.colorscale("Reds"),
                "zmin": 0.0,
                "zmax": 1.0,
                "showscale": False,
                "hovertemplate": f"%{{customdata}}<br>{name} weight: %{{z:.4f}}<extra></extra>",
                "name": name,
                **grid.cell(1, col, cols),
            }
        )
        layout[grid.axes(1, col, cols)[0]]["showticklabels"] = False
    limit = float(max(np.abs(memory).max(), 1e-6))
    traces.append(
        {
            "type": "heatmap",
            "z": memory,
            "x": np.arange(m),
            "y": np.arange(n),
            "customdata": slots[:, None].repeat(m, axis=1),  # (N, M)
            "colorscale": spec.colorscale("RdBu"),
            "zmid": 0.0,
            "zmin": -limit,
            "zmax": limit,
            "colorbar": {"title": {"text": "value"}},
            "hovertemplate": "%{customdata}<br>column %{x}<br>value: %{z:.4f}<extra></extra>",
            "name": "memory",
            **grid.cell(1, cols, cols),
        }
    )
    layout[grid.axes(1, cols, cols)[0]]["title"] = {"text": "column of the slot"}
    layout["yaxis"].update(title={"text": "memory slot"}, autorange="reversed")
    return spec.figure(
        traces,
        **layout,
        title={"text": title} if title else None,
        margin={"l": 10, "r": 10, "t": 60 if title else 30, "b": 10},
    )


def stage_bars(stages: dict[str, np.ndarray], titles: dict[str, str]) -> go.Figure:
    """One bar chart per addressing stage, stacked top to bottom, over the same slots."""
    names = list(stages)
    rows = len(names)
    layout = grid.subplots(
        rows, 1, [titles.get(k, k) for k in names], shared_xaxes=True, vertical_spacing=0.09
    )
    bars = []
    for row, name in enumerate(names, start=1):
        w = np.asarray(stages[name], dtype=float)
        bars.append(
            {
                "type": "bar",
                "x": np.arange(len(w)),
                "y": w,
                "marker": {"color": STAGE_COLOURS.get(name, "#1f77b4")},
                "name": name,
                "hovertemplate": f"{name}<br>slot %{{x}}<br>weight: %{{y:.4f}}<extra></extra>",
                "showlegend": False,
                **grid.cell(row, 1, 1),
            }
        )
        layout[grid.axes(row, 1, 1)[1]].update(range=[0, 1.05], title={"text": "w"})
    n = len(next(iter(stages.values())))
    bottom = layout[grid.axes(rows, 1, 1)[0]]
    bottom.update(title={"text": "memory slot"}, dtick=1 if n <= 16 else 4)
    return spec.figure(bars, **layout, margin={"l": 10, "r": 10, "t": 30, "b": 10}, bargap=0.15)


def weights_over_time(weights: np.ndarray, steps: Sequence[str], title: str) -> go.Figure:
    """(T, N) head weights: rows = steps, columns = slots; hover names step, slot, weight."""
    slots = [f"slot {i}" for i in range(weights.shape[1])]
    fig = attention_heatmap(weights, steps, slots, row_title="step", col_title="slot", title=title)
    every_other = list(range(0, len(slots), 2))  # ticks name the slot number only
    return spec.amended(
        fig, xaxis={"tickvals": every_other, "ticktext": [str(i) for i in every_other]}
    )


def bits_grid(target: np.ndarray, output: np.ndarray, probabilities: np.ndarray) -> go.Figure:
    """Target and output side by side ((L, W) each), wrong output bits marked with an ×."""
    length, width = target.shape
    layout = grid.subplots(1, 2, ["target", "output (× = wrong bit)"], horizontal_spacing=0.08)
    rows = [f"row {i + 1}" for i in range(length)]
    # (L, W, 2): row name, P(1) (as text: one array holds both)
    custom = np.stack(np.broadcast_arrays(np.array(rows)[:, None], probabilities), axis=-1)
    traces = [
        {
            "type": "heatmap",
            "z": z,
            "x": np.arange(width),
            "y": np.arange(length),
            "zmin": 0,
            "zmax": 1,
            "colorscale": BITS,
            "showscale": False,
            "xgap": 2,
            "ygap": 2,
            "customdata": custom,
            "hovertemplate": (
                "%{customdata[0]}, bit %{x}<br>bit: %{z}"
                + ("<br>P(1) = %{customdata[1]:.3f}" if col == 2 else "")
                + "<extra></extra>"
            ),
            **grid.cell(1, col, 2),
        }
        for col, z in enumerate((target, output), start=1)
    ]
    wrong = np.argwhere(target != output)  # (K, 2): row, bit
    if len(wrong):
        traces.append(
            {
                "type": "scatter",
                "x": wrong[:, 1],
                "y": wrong[:, 0],
                "mode": "markers",
                "marker": {"symbol": "x", "size": 14, "color": "#d62728", "line": {"width": 1}},
                "name": "wrong bit",
                "hoverinfo": "skip",
                "showlegend": False,
                **grid.cell(1, 2, 2),
            }
        )
    for axis in grid.all_axes(layout, "y"):
        axis.update(
            autorange="reversed",
            tickvals=list(range(length)),
            ticktext=[str(i + 1) for i in range(length)],
        )
    layout["yaxis"]["title"] = {"text": "row"}
    for axis in grid.all_axes(layout, "x"):
        axis.update(dtick=1, title={"text": "bit"})
    return spec.figure(traces, **layout, margin={"l": 10, "r": 10, "t": 30, "b": 10})


def head_parameters_figure(
    heads: dict[str, dict[str, np.ndarray]], steps: Sequence[str]
) -> go.Figure:
    """Gate g, sharpening γ, key strength β and the mean shift of each head, per step."""
    panels = [
        ("gate", "gate g (1 = content, 0 = previous)"),
        ("shift", "mean shift Σ o·s(o)"),
        ("gamma", "sharpening γ"),
        ("beta", "key strength β"),
    ]
    layout = grid.subplots(
        len(panels), 1, [t for _, t in panels], shared_xaxes=True, vertical_spacing=0.05
    )
    labels = [plot_text(s) for s in steps]
    x = np.arange(len(steps))
    lines = [
        {
            "type": "scatter",
            "x": x,
            "y": values[key],
            "mode": "lines+markers",
            "name": f"{head} head",
            "line": {"color": HEAD_COLOURS[head]} if head in HEAD_COLOURS else {},
            "customdata": labels,
            "hovertemplate": f"{head} head, %{{customdata}}<br>{key}: %{{y:.3f}}<extra></extra>",
            "showlegend": row == 1,
            "legendgroup": head,
            **grid.cell(row, 1, 1),
        }
        for row, (key, _) in enumerate(panels, start=1)
        for head, values in heads.items()
    ]
    layout["yaxis"]["range"] = [-0.05, 1.05]
    layout["yaxis2"]["range"] = [-1.1, 1.1]
    step = max(1, len(steps) // 30 + 1)
    layout[grid.axes(len(panels), 1, 1)[0]].update(
        tickvals=list(range(0, len(steps), step)), ticktext=labels[::step]
    )
    return spec.figure(
        lines,
        **layout,
        margin={"l": 10, "r": 10, "t": 30, "b": 10},
        legend={"orientation": "h", "y": 1.12, "x": 1, "xanchor": "right"},
    )
