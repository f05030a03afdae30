"""Plotly figures of attention over an image: the paper's one-image-per-word figure.

Each panel is the scene with one word's weights laid over it: the G x G weights are drawn
as a smoothed (upsampled) heatmap that darkens what the model did not look at, the gold
shape is outlined, and hovering a region names it and its weight. Nothing here imports
streamlit.

Shape symbols: P image side, G grid side, T words.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from attention_viz.plots.heatmap import plot_text

# Weight 0 darkens the image, the word's largest weight leaves it as it is (the paper's look).
DIM = [[0.0, "rgba(0,0,0,0.82)"], [1.0, "rgba(0,0,0,0)"]]
GOLD = "#00e676"
PEAK = "#ff1744"


def _panel(
    fig: go.Figure,
    image: np.ndarray,
    weights: np.ndarray | None,
    word: str,
    gold: np.ndarray | None,
    row: int,
    col: int,
    grid_lines: bool,
) -> None:
    """One word's panel: image, weights (G, G) overlaid, gold mask (P, P) outlined."""
    P, G = image.shape[0], (weights.shape[0] if weights is not None else 1)
    fig.add_trace(go.Image(z=image, hoverinfo="skip", name="scene"), row=row, col=col)
    if weights is not None:
        k = P / G
        centres = np.arange(G) * k + (k - 1) / 2
        labels = np.array([[f"({r},{c})" for c in range(G)] for r in range(G)], dtype=object)
        fig.add_trace(
            go.Heatmap(
                z=weights,
                x=centres,
                y=centres,
                customdata=labels,
                zmin=0.0,
                zmax=max(float(weights.max()), 1e-9),
                zsmooth="best",
                colorscale=DIM,
                showscale=False,
                name="attention",
                hovertemplate=(
                    f"word: {plot_text(word)}<br>region (row,col): %{{customdata}}"
                    "<br>weight: %{z:.4f}<extra></extra>"
                ),
            ),
            row=row,
            col=col,
        )
        r, c = np.unravel_index(int(weights.argmax()), weights.shape)
        fig.add_trace(
            go.Scatter(
                x=[centres[c]],
                y=[centres[r]],
                mode="markers",
                marker={"symbol": "x-thin", "size": 9, "line": {"width": 2, "color": PEAK}},
                name="largest weight",
                hoverinfo="skip",
                showlegend=False,
            ),
            row=row,
            col=col,
        )
    if gold is not None and gold.any():
        fig.add_trace(
            go.Contour(
                z=gold.astype(float),
                x=np.arange(P),
                y=np.arange(P),
                contours={"start": 0.5, "end": 0.5, "size": 1, "coloring": "none"},
                line={"color": GOLD, "width": 2},
                showscale=False,
                hoverinfo="skip",
                name="gold shape",
            ),
            row=row,
            col=col,
        )
    if grid_lines and weights is not None:
        k = P / G
        for i in range(1, G):
            at = i * k - 0.5
            style = {"color": "rgba(255,255,255,0.6)", "width": 1}
            fig.add_shape(
                type="line", x0=at, x1=at, y0=-0.5, y1=P - 0.5, line=style, row=row, col=col
            )
            fig.add_shape(
                type="line", y0=at, y1=at, x0=-0.5, x1=P - 0.5, line=style, row=row, col=col
            )


def word_panels(
    image: np.ndarray,
    attention: np.ndarray | None,
    words: Sequence[str],
    gold: Sequence[np.ndarray | None],
    columns: int = 6,
    grid_lines: bool = False,
) -> go.Figure:
    """The scene, then one small panel per word with that word's attention.

    Args:
        image: (P, P, 3) uint8; attention: (T, G, G) or None (a model without attention);
        gold: per word the (P, P) mask of the shape it describes, or None.
    """
    n = len(words) + 1
    cols = min(columns, n)
    rows = -(-n // cols)
    titles = ["input"] + [f"{t + 1}. {plot_text(w)}" for t, w in enumerate(words)]
    fig = make_subplots(
        rows=rows,
        cols=cols,
        subplot_titles=titles,
        horizontal_spacing=0.01,
        vertical_spacing=0.06 if rows > 1 else 0.02,
    )
    _panel(fig, image, None, "", None, 1, 1, False)
    for t, word in enumerate(words):
        weights = None if attention is None else attention[t]
        r, c = divmod(t + 1, cols)
        _panel(fig, image, weights, word, gold[t], r + 1, c + 1, grid_lines)
    _image_axes(fig)
    fig.update_layout(margin={"l": 5, "r": 5, "t": 30, "b": 5}, showlegend=False)
    return fig


def word_view(
    image: np.ndarray,
    weights: np.ndarray,
    word: str,
    gold: np.ndarray | None,
    grid_lines: bool,
    title: str,
) -> go.Figure:
    """One word's attention, large (the step slider's view)."""
    fig = make_subplots(rows=1, cols=1)
    _panel(fig, image, weights, word, gold, 1, 1, grid_lines)
    _image_axes(fig)
    fig.update_layout(title=title, margin={"l": 5, "r": 5, "t": 40, "b": 5}, showlegend=False)
    return fig


def region_bars(weights: np.ndarray, top: int = 8) -> go.Figure:
    """The regions with the largest weights of one word, as bars."""
    flat = weights.ravel()
    G = weights.shape[-1]
    order = np.argsort(-flat)[:top]
    labels = [f"({j // G},{j % G})" for j in order]
    fig = go.Figure(
        go.Bar(
            x=flat[order],
            y=labels,
            orientation="h",
            hovertemplate="region %{y}<br>weight %{x:.4f}<extra></extra>",
            marker_color="#1f77b4",
        )
    )
    fig.update_layout(
        xaxis={"title": "weight", "range": [0, 1]},
        yaxis={"autorange": "reversed", "title": "region (row,col)"},
        margin={"l": 10, "r": 10, "t": 10, "b": 10},
    )
    return fig


def _image_axes(fig: go.Figure) -> None:
    fig.update_xaxes(showticklabels=False, showgrid=False, zeroline=False, constrain="domain")
    fig.update_yaxes(
        showticklabels=False,
        showgrid=False,
        zeroline=False,
        autorange="reversed",
        scaleanchor="x",
        constrain="domain",
    )
    for axis in fig.layout:
        if axis.startswith("yaxis") and axis != "yaxis":
            fig.layout[axis].scaleanchor = "x" + axis[5:]
