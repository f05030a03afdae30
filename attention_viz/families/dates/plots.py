"""The date page's own figure: test accuracy by input length, per model (the shared
heatmaps, bars and curves are in attention_viz.plots)."""

from __future__ import annotations

import plotly.graph_objects as go


def accuracy_by_length(reports: dict[str, list[dict]], colours: dict[str, str]) -> go.Figure:
    """Grouped bars: test exact match per input-length bucket, one colour per model."""
    fig = go.Figure()
    for name, rows in reports.items():
        fig.add_trace(
            go.Bar(
                x=[r["chars"] for r in rows],
                y=[100 * r["accuracy"] for r in rows],
                customdata=[r["n"] for r in rows],
                name=name,
                marker_color=colours.get(name),
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
