"""Figures of the kernel-regression page: fit, heatmap, error, LOO curve, training."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from attention_viz.plots.heatmap import bin_weights

TRUTH, PREDICTION, POINTS, QUERY = "#7f7f7f", "#1f77b4", "#ff7f0e", "#d62728"


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
    fig = go.Figure()
    top = float(query_weights.max()) or 1.0
    fig.add_scatter(
        x=x_train,
        y=y_train,
        mode="markers",
        name="training points (colour: weight for the chosen query)",
        marker={
            "color": query_weights,
            "colorscale": "Oranges",
            "cmin": 0.0,
            "cmax": top,
            "size": 4 + (18 if len(x_train) <= 200 else 8) * np.sqrt(query_weights / top),
            "line": {"width": 0.5, "color": "#444"},
            "colorbar": {"title": {"text": "weight"}, "x": 1.02},
        },
        customdata=query_weights,
        hovertemplate="key x = %{x:.3f}<br>value y = %{y:.3f}<br>weight = %{customdata:.4f}"
        "<extra></extra>",
    )
    # Lines after the points, so many points never hide the prediction.
    fig.add_scatter(x=x_query, y=y_true, name="truth", line={"color": TRUTH, "dash": "dash"})
    fig.add_scatter(x=x_query, y=y_hat, name="prediction", line={"color": PREDICTION, "width": 3})
    xq, yq = float(chosen_x), float(chosen_y)
    fig.add_vline(x=xq, line={"color": QUERY, "width": 1})
    fig.add_scatter(
        x=[xq],
        y=[yq],
        mode="markers",
        name=f"chosen query x = {xq:.2f}",
        marker={"color": QUERY, "size": 14, "symbol": "x"},
        hovertemplate="query x = %{x:.3f}<br>prediction = %{y:.3f}<extra></extra>",
    )
    fig.update_layout(
        xaxis_title="x",
        yaxis_title="y",
        legend={"orientation": "h", "y": -0.2},
        margin={"l": 10, "r": 10, "t": 10, "b": 10},
    )
    return fig


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
    fig = go.Figure(
        go.Heatmap(
            z=z,
            x=col_x,
            y=row_x,
            colorscale="Blues",
            zmin=0.0,
            colorbar={"title": {"text": "weight"}},
            hovertemplate="query x = %{y:.3f}<br>" + key + " = %{x:.3f}<br>weight = %{z:.4f}"
            "<extra></extra>",
        )
    )
    fig.update_layout(
        xaxis_title=key,
        yaxis={"title": "query x", "autorange": "reversed"},
        margin={"l": 10, "r": 10, "t": 10, "b": 10},
    )
    return fig


def error_figure(x_query: np.ndarray, error: np.ndarray) -> go.Figure:
    """Prediction minus truth at each query."""
    fig = go.Figure(
        go.Scatter(
            x=x_query,
            y=error,
            fill="tozeroy",
            line={"color": PREDICTION},
            hovertemplate="x = %{x:.3f}<br>error = %{y:.4f}<extra></extra>",
            name="error",
        )
    )
    fig.add_hline(y=0, line={"color": TRUTH, "width": 1})
    fig.update_layout(
        xaxis_title="x",
        yaxis_title="prediction − truth",
        margin={"l": 10, "r": 10, "t": 10, "b": 10},
    )
    return fig


def loo_figure(
    bandwidths: np.ndarray, errors: np.ndarray, current: float | None, best: float
) -> go.Figure:
    """Leave-one-out error against bandwidth (log x), with the current and best marked."""
    fig = go.Figure(
        go.Scatter(
            x=bandwidths,
            y=errors,
            mode="lines+markers",
            marker={"size": 4},
            name="LOO error",
            hovertemplate="h = %{x:.4g}<br>LOO MSE = %{y:.4f}<extra></extra>",
        )
    )
    best_error = float(errors[np.argmin(np.abs(bandwidths - best))])
    fig.add_scatter(
        x=[best],
        y=[best_error],
        mode="markers",
        name=f"best h = {best:.3g}",
        marker={"color": "#2ca02c", "size": 14, "symbol": "star"},
    )
    if current is not None:
        fig.add_vline(x=current, line={"color": QUERY, "dash": "dot"})
        fig.add_scatter(
            x=[current],
            y=[float(np.interp(np.log(current), np.log(bandwidths), errors))],
            mode="markers",
            name=f"current h = {current:.3g}",
            marker={"color": QUERY, "size": 12},
        )
    fig.update_layout(
        xaxis={"type": "log", "title": "bandwidth h"},
        yaxis={"type": "log", "title": "leave-one-out MSE"},
        legend={"x": 0.01, "y": 0.99, "bgcolor": "rgba(255,255,255,0.7)"},
        margin={"l": 10, "r": 10, "t": 10, "b": 10},
    )
    return fig


def training_figure(losses: np.ndarray, bandwidths: np.ndarray) -> go.Figure:
    """Loss and width during SGD on the learned width."""
    steps = np.arange(1, len(losses) + 1)
    fig = go.Figure()
    fig.add_scatter(x=steps, y=losses, name="LOO loss (batch)", line={"color": PREDICTION})
    fig.add_scatter(
        x=np.arange(len(bandwidths)),
        y=bandwidths,
        name="width h",
        yaxis="y2",
        line={"color": QUERY, "dash": "dot"},
    )
    fig.update_layout(
        xaxis_title="SGD step",
        yaxis={"title": "loss"},
        yaxis2={"title": "h", "overlaying": "y", "side": "right", "type": "log"},
        legend={"orientation": "h", "y": -0.25},
        margin={"l": 10, "r": 10, "t": 10, "b": 10},
    )
    return fig
