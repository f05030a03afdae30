"""Learning curves from the training history every checkpoint carries (attention_viz.training)."""

from __future__ import annotations

import plotly.graph_objects as go

from attention_viz.plots import spec

_MARGIN = {"l": 10, "r": 10, "t": 10, "b": 10}


def accuracy_curves(histories: dict[str, list[dict]], colours: dict[str, str]) -> go.Figure:
    """Validation exact match per epoch, one line per model (the book's comparison figure)."""
    lines = [
        {
            "type": "scatter",
            "x": [r["epoch"] for r in history],
            "y": [100 * r["val_accuracy"] for r in history],
            "mode": "lines+markers",
            "name": name,
            "line": {"color": colours.get(name)} if colours.get(name) else None,
            "hovertemplate": f"{name}<br>epoch %{{x}}: %{{y:.2f}}%<extra></extra>",
        }
        for name, history in histories.items()
    ]
    return spec.figure(
        lines,
        xaxis={"title": {"text": "epoch"}, "dtick": 1},
        yaxis={"title": {"text": "validation exact match (%)"}, "range": [0, 100.5]},
        margin=_MARGIN,
        legend={"orientation": "h", "y": -0.2},
    )


def loss_curves(history: list[dict]) -> go.Figure:
    """One model: training (and validation) loss per epoch, validation exact match on the right."""
    epochs = [r["epoch"] for r in history]
    lines = [
        {"type": "scatter", "x": epochs, "y": [r[key] for r in history], "name": name}
        for key, name in (("loss", "train loss"), ("valid_loss", "validation loss"))
        if all(key in r for r in history)
    ]
    lines.append(
        {
            "type": "scatter",
            "x": epochs,
            "y": [r["val_accuracy"] for r in history],
            "name": "validation exact match",
            "yaxis": "y2",
            "line": {"dash": "dot"},
        }
    )
    return spec.figure(
        lines,
        xaxis={"title": {"text": "epoch"}, "dtick": 1},
        yaxis={"title": {"text": "cross-entropy"}, "type": "log"},
        yaxis2={"title": {"text": "exact match"}, "overlaying": "y", "side": "right",
                "range": [0, 1]},
        margin=_MARGIN,
        legend={"orientation": "h", "y": -0.25},
    )  # fmt: skip
