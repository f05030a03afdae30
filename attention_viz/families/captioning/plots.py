"""Plotly figures of attention over an image: the paper's one-image-per-word figure.

Each panel is the scene with one word's weights laid over it: the G x G weights are drawn
as a smoothed (upsampled) heatmap that darkens what the model did not look at, the gold
shape is outlined, and hovering a region names it and its weight. Nothing here imports
streamlit. Figures are the plain dicts plotly.js reads (plots.spec, plots.grid), built on
every rerun.

Shape symbols: P image side, G grid side, T words.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

from attention_viz.plots import grid, spec
from attention_viz.plots.heatmap import plot_text

# Weight 0 darkens the image, the word's largest weight leaves it as it is (the paper's look).
DIM = ((0.0, "rgba(0,0,0,0.82)"), (1.0, "rgba(0,0,0,0)"))
GOLD = "#00e676"
PEAK = "#ff1744"
GRID_LINE = {"color": "rgba(255,255,255,0.6)", "width": 1}


def _panel(
    image: np.ndarray,
    weights: np.ndarray | None,
    word: str,
    gold: np.ndarray | None,
    cell: dict,
    grid_lines: bool,
) -> tuple[list[dict], list[dict]]:
    """One word's panel: image, weights (G, G) overlaid, gold mask (P, P) outlined.

    cell: the panel's axes ({"xaxis": "x2", "yaxis": "y2"}, plots.grid.cell).
    Returns:
        (traces, shapes): what the panel draws, on those axes.
    """
    P, G = image.shape[0], (weights.shape[0] if weights is not None else 1)
    traces = [{"type": "image", "z": image, "hoverinfo": "skip", "name": "scene", **cell}]
    shapes = []
    if weights is not None:
        k = P / G
        centres = np.arange(G) * k + (k - 1) / 2  # (G,) pixel centre of each region
        labels = np.array([[f"({r},{c})" for c in range(G)] for r in range(G)], dtype=object)
        r, c = np.unravel_index(int(weights.argmax()), weights.shape)
        traces += [
            {
                "type": "heatmap",
                "z": weights,
                "x": centres,
                "y": centres,
                "customdata": labels,
                "zmin": 0.0,
                "zmax": max(float(weights.max()), 1e-9),
                "zsmooth": "best",
                "colorscale": DIM,
                "showscale": False,
                "name": "attention",
                "hovertemplate": (
                    f"word: {plot_text(word)}<br>region (row,col): %{{customdata}}"
                    "<br>weight: %{z:.4f}<extra></extra>"
                ),
                **cell,
            },
            {
                "type": "scatter",
                "x": [centres[c]],
                "y": [centres[r]],
                "mode": "markers",
                "marker": {"symbol": "x-thin", "size": 9, "line": {"width": 2, "color": PEAK}},
                "name": "largest weight",
                "hoverinfo": "skip",
                "showlegend": False,
                **cell,
            },
        ]
        if grid_lines:
            refs = {"xref": cell["xaxis"], "yref": cell["yaxis"]}
            for i in range(1, G):
                at = i * k - 0.5
                shapes += [
                    {"type": "line", "x0": at, "x1": at, "y0": -0.5, "y1": P - 0.5,
                     "line": GRID_LINE, **refs},
                    {"type": "line", "y0": at, "y1": at, "x0": -0.5, "x1": P - 0.5,
                     "line": GRID_LINE, **refs},
                ]  # fmt: skip
    if gold is not None and gold.any():
        traces.append(
            {
                "type": "contour",
                "z": gold.astype(float),
                "x": np.arange(P),
                "y": np.arange(P),
                "contours": {"start": 0.5, "end": 0.5, "size": 1, "coloring": "none"},
                "line": {"color": GOLD, "width": 2},
                "showscale": False,
                "hoverinfo": "skip",
                "name": "gold shape",
                **cell,
            }
        )
    return traces, shapes


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
    layout = grid.subplots(
        rows,
        cols,
        titles,
        horizontal_spacing=0.01,
        vertical_spacing=0.06 if rows > 1 else 0.02,
    )
    traces, shapes = _panel(image, None, "", None, grid.cell(1, 1, cols), False)
    for t, word in enumerate(words):
        weights = None if attention is None else attention[t]
        r, c = divmod(t + 1, cols)
        more = _panel(image, weights, word, gold[t], grid.cell(r + 1, c + 1, cols), grid_lines)
        traces += more[0]
        shapes += more[1]
    return spec.figure(
        traces,
        **_image_axes(layout),
        shapes=shapes or None,
        margin={"l": 5, "r": 5, "t": 30, "b": 5},
        showlegend=False,
    )


def word_view(
    image: np.ndarray,
    weights: np.ndarray,
    word: str,
    gold: np.ndarray | None,
    grid_lines: bool,
    title: str,
) -> go.Figure:
    """One word's attention, large (the step slider's view)."""
    traces, shapes = _panel(image, weights, word, gold, grid.cell(1, 1, 1), grid_lines)
    return spec.figure(
        traces,
        **_image_axes(grid.subplots(1, 1)),
        shapes=shapes or None,
        title={"text": title},
        margin={"l": 5, "r": 5, "t": 40, "b": 5},
        showlegend=False,
    )


def region_bars(weights: np.ndarray, top: int = 8) -> go.Figure:
    """The regions with the largest weights of one word, as bars."""
    flat = weights.ravel()
    G = weights.shape[-1]
    order = np.argsort(-flat)[:top]
    labels = [f"({j // G},{j % G})" for j in order]
    bars = {
        "type": "bar",
        "x": flat[order],
        "y": labels,
        "orientation": "h",
        "hovertemplate": "region %{y}<br>weight %{x:.4f}<extra></extra>",
        "marker": {"color": "#1f77b4"},
    }
    return spec.figure(
        [bars],
        xaxis={"title": {"text": "weight"}, "range": [0, 1]},
        yaxis={"autorange": "reversed", "title": {"text": "region (row,col)"}},
        margin={"l": 10, "r": 10, "t": 10, "b": 10},
    )


def _image_axes(layout: dict) -> dict:
    """A grid's axes as images want them: no ticks or grid, square pixels, y downwards."""
    plain = {"showticklabels": False, "showgrid": False, "zeroline": False, "constrain": "domain"}
    for name, axis in layout.items():
        if name.startswith("xaxis"):
            axis.update(plain)
        elif name.startswith("yaxis"):
            axis.update(plain, autorange="reversed", scaleanchor="x" + name[5:])
    return layout
