"""The date page's own figures: test accuracy by input length per model, and a live
training's curves (the shared heatmaps, bars and curves are in attention_viz.plots)."""

from __future__ import annotations

import math
from collections.abc import Sequence

import plotly.graph_objects as go

from attention_viz.plots import spec

_MARGIN = {"l": 10, "r": 10, "t": 10, "b": 10}


def accuracy_by_length(reports: dict[str, list[dict]], colours: dict[str, str]) -> go.Figure:
    """Grouped bars: test exact match per input-length bucket, one colour per model."""
    bars = [
        {
            "type": "bar",
            "x": [r["chars"] for r in rows],
            "y": [100 * r["accuracy"] for r in rows],
            "customdata": [r["n"] for r in rows],
            "name": name,
            "marker": {"color": colours.get(name)} if colours.get(name) else None,
            "hovertemplate": (
                f"{name}<br>%{{x}} characters: %{{y:.2f}}% (n = %{{customdata}})<extra></extra>"
            ),
        }
        for name, rows in reports.items()
    ]
    lows = [r["accuracy"] for rows in reports.values() for r in rows]
    bottom = max(0.0, min(lows, default=0.0) * 100 - 5)
    return spec.figure(
        bars,
        barmode="group",
        xaxis={"title": {"text": "input length (characters)"}, "type": "category"},
        yaxis={"title": {"text": "test exact match (%)"}, "range": [bottom, 100.5]},
        margin=_MARGIN,
        legend={"orientation": "h", "y": -0.25},
    )


def live_curves(events: Sequence, target: float) -> go.Figure:
    """Training loss (log scale, left) and validation exact match (right) against the
    training seconds of a live run (events: live.Progress)."""
    seconds = [e.seconds for e in events]
    steps = [e.step for e in events]
    loss = {
        "type": "scatter",
        "x": seconds,
        "y": [e.loss for e in events],
        "customdata": steps,
        "name": "training loss",
        "mode": "lines+markers",
        "line": {"color": "#d62728"},
        "hovertemplate": "step %{customdata}, %{x:.1f} s: loss %{y:.4f}<extra></extra>",
    }
    accuracy = {
        "type": "scatter",
        "x": seconds,
        "y": [100 * e.val_accuracy for e in events],
        "customdata": steps,
        "name": "validation exact match",
        "mode": "lines+markers",
        "line": {"color": "#1f77b4"},
        "hovertemplate": "step %{customdata}, %{x:.1f} s: %{y:.2f}%<extra></extra>",
        "yaxis": "y2",
    }
    losses = [e.loss for e in events if math.isfinite(e.loss)]
    # log10 range: the losses seen (before the first step: 0.01 to 10).
    low, high = (min(losses), max(losses)) if losses else (0.01, 10.0)
    goal = 100 * target
    return spec.figure(
        [loss, accuracy],
        margin=_MARGIN,
        legend={"orientation": "h", "y": -0.3},
        xaxis={
            "title": {"text": "training seconds (no data generation, no validation)"},
            "range": [0, max(max(seconds, default=0.0) * 1.05, 1.0)],
            "domain": [0.0, 0.94],  # room for the right axis' labels
        },
        yaxis={
            "title": {"text": "loss"},
            "type": "log",
            "range": [math.log10(low) - 0.1, math.log10(high) + 0.1],
            "showgrid": False,
        },
        yaxis2={
            "title": {"text": "validation exact match (%)"},
            "overlaying": "y",
            "side": "right",
            "range": [0, 101],
            "tickmode": "linear",
            "dtick": 20,
        },
        shapes=[spec.hline(goal, {"dash": "dot", "color": "#1f77b4"}, yref="y2")],
        annotations=[
            spec.note(f"target {target:.1%}", 1, goal, xref="x domain", yref="y2",
                      xanchor="right", yanchor="top")
        ],
    )  # fmt: skip
