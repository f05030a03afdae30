"""Figures of the kernel-regression page: fit, heatmap, error, LOO curve, training."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from attention_viz.plots import spec
from attention_viz.plots.heatmap import bin_weights

TRUTH, PREDICTION, POINTS, QUERY = "#7f7f7f", "#1f77b4", "#ff7f0e", "#d62728"
_MARGIN = {"l": 10, "r": 10, "t": 10, "b": 10}


def fit_figure(
    x_train: np.ndarray,
    y_train: np.ndarray,
    x_query: np.ndarray,
    y_true: np.ndarray,
    y_hat: np.ndarray,
    chosen_x: float,
    chosen_y: float,
    query_weights: np.ndarray,
) -> go.Figure:
    """Truth, prediction and training points; the chosen query's weights colour the points.

    Args:
        x_train, y_train: (N,); x_query, y_true, y_hat: (M,); chosen_x, chosen_y: one query
        and its prediction; query_weights: (N,), that query's attention row.
    """
    top = float(query_weights.max()) or 1.0
    points = {
        "type": "scatter",
        "x": x_train,
        "y": y_train,
        "mode": "markers",
        "name": "training points (colour: weight for the chosen query)",
        "marker": {
            "color": query_weights,
            "colorscale": spec.colorscale("Oranges"),
            "cmin": 0.0,
            "cmax": top,
            "size": 4 + (18 if len(x_train) <= 200 else 8) * np.sqrt(query_weights / top),
            "line": {"width": 0.5, "color": "#444"},
            "colorbar": {"title": {"text": "weight"}, "x": 1.02},
        },
        "customdata": query_weights,
        "hovertemplate": "key x = %{x:.3f}<br>value y = %{y:.3f}<br>weight = %{customdata:.4f}"
        "<extra></extra>",
    }
    xq, yq = float(chosen_x), float(chosen_y)
    chosen = {
        "type": "scatter",
        "x": [xq],
        "y": [yq],
        "mode": "markers",
        "name": f"chosen query x = {xq:.2f}",
        "marker": {"color": QUERY, "size": 14, "symbol": "x"},
        "hovertemplate": "query x = %{x:.3f}<br>prediction = %{y:.3f}<extra></extra>",
    }
    # Lines after the points, so many points never hide the prediction.
    truth = _line(x_query, y_true, "truth", {"color": TRUTH, "dash": "dash"})
    prediction = _line(x_query, y_hat, "prediction", {"color": PREDICTION, "width": 3})
    return spec.figure(
        [points, truth, prediction, chosen],
        xaxis={"title": {"text": "x"}},
        yaxis={"title": {"text": "y"}},
        legend={"orientation": "h", "x": 0, "y": 1.02, "yanchor": "bottom"},  # above: clear of x
        margin=_MARGIN,
        shapes=[spec.vline(xq, {"color": QUERY, "width": 1})],
    )


def _line(x: np.ndarray, y: np.ndarray, name: str, line: dict, **more) -> dict:
    return {"type": "scatter", "x": x, "y": y, "name": name, "line": line, **more}


def display_weights(
    weights: np.ndarray, x_query: np.ndarray, x_train: np.ndarray, max_cells: int = 200
) -> tuple[np.ndarray, np.ndarray, np.ndarray, bool]:
    """The weights to draw: binned to at most max_cells per side, with each bin's mean x.

    Returns:
        (z (R, C), row_x (R,), col_x (C,), binned); rows of z still sum to 1.
    """
    if weights.shape[0] <= max_cells and weights.shape[1] <= max_cells:
        return weights, x_query, x_train, False
    z, row_edges, col_edges = bin_weights(weights, max_cells, max_cells)
    row_x = np.add.reduceat(x_query, row_edges[:-1]) / np.diff(row_edges)
    col_x = np.add.reduceat(x_train, col_edges[:-1]) / np.diff(col_edges)
    return z, row_x, col_x, True


def kernel_heatmap(z: np.ndarray, row_x: np.ndarray, col_x: np.ndarray, binned: bool) -> go.Figure:
    """Query x key heatmap on the inputs' own axes (sorted), so cells keep their true widths.

    Hover reads the coordinates directly: no per-cell label strings, which at 200 x 200
    cells would cost more than the whole computation.
    """
    key = "key x" + (" (bin mean; cell = summed weight)" if binned else "")
    heatmap = {
        "type": "heatmap",
        "z": z,
        "x": col_x,
        "y": row_x,
        "colorscale": spec.colorscale("Blues"),
        "zmin": 0.0,
        "colorbar": {"title": {"text": "weight"}},
        "hovertemplate": "query x = %{y:.3f}<br>" + key + " = %{x:.3f}<br>weight = %{z:.4f}"
        "<extra></extra>",
    }
    return spec.figure(
        [heatmap],
        xaxis={"title": {"text": key}},
        yaxis={"title": {"text": "query x"}, "autorange": "reversed"},
        margin=_MARGIN,
    )


def error_figure(x_query: np.ndarray, error: np.ndarray) -> go.Figure:
    """Prediction minus truth at each query."""
    error_line = _line(
        x_query,
        error,
        "error",
        {"color": PREDICTION},
        fill="tozeroy",
        hovertemplate="x = %{x:.3f}<br>error = %{y:.4f}<extra></extra>",
    )
    return spec.figure(
        [error_line],
        xaxis={"title": {"text": "x"}},
        yaxis={"title": {"text": "prediction − truth"}},
        margin=_MARGIN,
        shapes=[spec.hline(0, {"color": TRUTH, "width": 1})],
    )


def loo_figure(
    bandwidths: np.ndarray, errors: np.ndarray, current: float | None, best: float
) -> go.Figure:
    """Leave-one-out error against bandwidth (log x), with the current and best marked."""
    curve = {
        "type": "scatter",
        "x": bandwidths,
        "y": errors,
        "mode": "lines+markers",
        "marker": {"size": 4},
        "name": "LOO error",
        "hovertemplate": "h = %{x:.4g}<br>LOO MSE = %{y:.4f}<extra></extra>",
    }
    best_error = float(errors[np.argmin(np.abs(bandwidths - best))])
    traces = [curve, _marker(best, best_error, f"best h = {best:.3g}", "#2ca02c", 14, "star")]
    shapes = []
    if current is not None:
        shapes.append(spec.vline(current, {"color": QUERY, "dash": "dot"}))
        current_error = float(np.interp(np.log(current), np.log(bandwidths), errors))
        traces.append(_marker(current, current_error, f"current h = {current:.3g}", QUERY, 12))
    return spec.figure(
        traces,
        xaxis={"type": "log", "title": {"text": "bandwidth h"}},
        yaxis={"type": "log", "title": {"text": "leave-one-out MSE"}},
        legend={"x": 0.01, "y": 0.99, "bgcolor": "rgba(255,255,255,0.7)"},
        margin=_MARGIN,
        shapes=shapes,
    )


def _marker(x: float, y: float, name: str, colour: str, size: int, symbol: str | None = None):
    marker = {"color": colour, "size": size, **({"symbol": symbol} if symbol else {})}
    return {"type": "scatter", "x": [x], "y": [y], "mode": "markers", "name": name,
            "marker": marker}  # fmt: skip


def training_figure(losses: np.ndarray, bandwidths: np.ndarray) -> go.Figure:
    """Loss and width during SGD on the learned width."""
    steps = np.arange(1, len(losses) + 1)
    loss = _line(steps, losses, "LOO loss (batch)", {"color": PREDICTION})
    width = _line(
        np.arange(len(bandwidths)), bandwidths, "width h", {"color": QUERY, "dash": "dot"},
        yaxis="y2",
    )  # fmt: skip
    return spec.figure(
        [loss, width],
        xaxis={"title": {"text": "SGD step"}},
        yaxis={"title": {"text": "loss"}},
        yaxis2={"title": {"text": "h"}, "overlaying": "y", "side": "right", "type": "log"},
        legend={"orientation": "h", "y": -0.25},
        margin=_MARGIN,
    )
