"""Plotly figures of the memory page (no streamlit): memory, addressing stages, heads over time.

Every heatmap's hover names its row, its column and the value; labels are HTML-escaped.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from attention_viz.plots.heatmap import attention_heatmap, plot_text

STAGE_COLOURS = {
    "previous": "#7f7f7f",
    "content": "#1f77b4",
    "gated": "#2ca02c",
    "shifted": "#ff7f0e",
    "sharpened": "#d62728",
}


def memory_heatmap(
    memory: np.ndarray, heads: dict[str, np.ndarray] | None = None, title: str | None = None
) -> go.Figure:
    """(N, M) memory, one row per slot, beside one narrow column per head's (N,) weights."""
    n, m = memory.shape
    heads = heads or {}
    slots = np.array([f"slot {i}" for i in range(n)], dtype=object)
    cols = len(heads) + 1
    fig = make_subplots(
        rows=1,
        cols=cols,
        shared_yaxes=True,
        column_widths=[1.2] * len(heads) + [max(m, 4)],
        horizontal_spacing=0.02,
        subplot_titles=[*heads, "memory M(i)"],
    )
    for col, (name, w) in enumerate(heads.items(), start=1):
        fig.add_trace(
            go.Heatmap(
                z=np.asarray(w)[:, None],
                y=np.arange(n),
                x=[0],
                customdata=slots[:, None],
                colorscale="Reds",
                zmin=0.0,
                zmax=1.0,
                showscale=False,
                hovertemplate=f"%{{customdata}}<br>{name} weight: %{{z:.4f}}<extra></extra>",
                name=name,
            ),
            row=1,
            col=col,
        )
        fig.update_xaxes(showticklabels=False, row=1, col=col)
    limit = float(max(np.abs(memory).max(), 1e-6))
    fig.add_trace(
        go.Heatmap(
            z=memory,
            x=np.arange(m),
            y=np.arange(n),
            customdata=slots[:, None].repeat(m, axis=1),
            colorscale="RdBu",
            zmid=0.0,
            zmin=-limit,
            zmax=limit,
            colorbar={"title": {"text": "value"}},
            hovertemplate="%{customdata}<br>column %{x}<br>value: %{z:.4f}<extra></extra>",
            name="memory",
        ),
        row=1,
        col=cols,
    )
    fig.update_xaxes(title_text="column of the slot", row=1, col=cols)
    fig.update_yaxes(title_text="memory slot", autorange="reversed", row=1, col=1)
    fig.update_layout(title=title, margin={"l": 10, "r": 10, "t": 60 if title else 30, "b": 10})
    return fig


def stage_bars(stages: dict[str, np.ndarray], titles: dict[str, str]) -> go.Figure:
    """One bar chart per addressing stage, stacked top to bottom, over the same slots."""
    names = list(stages)
    fig = make_subplots(
        rows=len(names),
        cols=1,
        shared_xaxes=True,
        vertical_spacing=0.09,
        subplot_titles=[titles.get(k, k) for k in names],
    )
    for row, name in enumerate(names, start=1):
        w = np.asarray(stages[name], dtype=float)
        fig.add_trace(
            go.Bar(
                x=np.arange(len(w)),
                y=w,
                marker_color=STAGE_COLOURS.get(name, "#1f77b4"),
                name=name,
                hovertemplate=f"{name}<br>slot %{{x}}<br>weight: %{{y:.4f}}<extra></extra>",
                showlegend=False,
            ),
            row=row,
            col=1,
        )
        fig.update_yaxes(range=[0, 1.05], row=row, col=1, title_text="w")
    n = len(next(iter(stages.values())))
    fig.update_xaxes(title_text="memory slot", dtick=1 if n <= 16 else 4, row=len(names), col=1)
    fig.update_layout(margin={"l": 10, "r": 10, "t": 30, "b": 10}, bargap=0.15)
    return fig


def weights_over_time(weights: np.ndarray, steps: Sequence[str], title: str) -> go.Figure:
    """(T, N) head weights: rows = steps, columns = slots; hover names step, slot, weight."""
    slots = [f"slot {i}" for i in range(weights.shape[1])]
    fig = attention_heatmap(weights, steps, slots, row_title="step", col_title="slot", title=title)
    fig.update_xaxes(
        tickvals=list(range(0, len(slots), 2)), ticktext=[str(i) for i in range(0, len(slots), 2)]
    )
    return fig


def bits_grid(target: np.ndarray, output: np.ndarray, probabilities: np.ndarray) -> go.Figure:
    """Target and output side by side ((L, W) each), wrong output bits marked with an ×."""
    length, width = target.shape
    fig = make_subplots(
        rows=1, cols=2, subplot_titles=["target", "output (× = wrong bit)"], horizontal_spacing=0.08
    )
    rows = [f"row {i + 1}" for i in range(length)]
    for col, (z, text) in enumerate(((target, "bit"), (output, "bit")), start=1):
        custom = np.stack(np.broadcast_arrays(np.array(rows)[:, None], probabilities), axis=-1)
        fig.add_trace(
            go.Heatmap(
                z=z,
                x=np.arange(width),
                y=np.arange(length),
                zmin=0,
                zmax=1,
                colorscale=[[0, "#f7f7f7"], [1, "#252525"]],
                showscale=False,
                xgap=2,
                ygap=2,
                customdata=custom,
                hovertemplate=(
                    "%{customdata[0]}, bit %{x}<br>"
                    + text
                    + ": %{z}"
                    + ("<br>P(1) = %{customdata[1]:.3f}" if col == 2 else "")
                    + "<extra></extra>"
                ),
            ),
            row=1,
            col=col,
        )
    wrong = np.argwhere(target != output)
    if len(wrong):
        fig.add_trace(
            go.Scatter(
                x=wrong[:, 1],
                y=wrong[:, 0],
                mode="markers",
                marker={"symbol": "x", "size": 14, "color": "#d62728", "line": {"width": 1}},
                name="wrong bit",
                hoverinfo="skip",
                showlegend=False,
            ),
            row=1,
            col=2,
        )
    fig.update_yaxes(
        autorange="reversed",
        tickvals=list(range(length)),
        ticktext=[str(i + 1) for i in range(length)],
    )
    fig.update_yaxes(title_text="row", row=1, col=1)
    fig.update_xaxes(dtick=1, title_text="bit")
    fig.update_layout(margin={"l": 10, "r": 10, "t": 30, "b": 10})
    return fig


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
    fig = make_subplots(
        rows=len(panels),
        cols=1,
        shared_xaxes=True,
        vertical_spacing=0.05,
        subplot_titles=[t for _, t in panels],
    )
    colours = {"write": "#d62728", "read": "#1f77b4"}
    labels = [plot_text(s) for s in steps]
    for row, (key, _) in enumerate(panels, start=1):
        for head, values in heads.items():
            fig.add_trace(
                go.Scatter(
                    x=np.arange(len(steps)),
                    y=values[key],
                    mode="lines+markers",
                    name=f"{head} head",
                    line={"color": colours.get(head)},
                    customdata=labels,
                    hovertemplate=(
                        f"{head} head, %{{customdata}}<br>{key}: %{{y:.3f}}<extra></extra>"
                    ),
                    showlegend=row == 1,
                    legendgroup=head,
                ),
                row=row,
                col=1,
            )
    fig.update_yaxes(range=[-0.05, 1.05], row=1, col=1)
    fig.update_yaxes(range=[-1.1, 1.1], row=2, col=1)
    step = max(1, len(steps) // 30 + 1)
    fig.update_xaxes(
        tickvals=list(range(0, len(steps), step)), ticktext=labels[::step], row=len(panels), col=1
    )
    fig.update_layout(
        margin={"l": 10, "r": 10, "t": 30, "b": 10},
        legend={"orientation": "h", "y": 1.12, "x": 1, "xanchor": "right"},
    )
    return fig
