"""The quiz's own figure pieces: an image with its answer cells drawn and named (A1 … D4).

The reveals reuse the shared builders (plots.bars.step_bars, plots.heatmap.attention_heatmap,
families.captioning.plots.word_view); this only adds the coarse cells a student picks from.

Shape symbols: P image side, C cells per side.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from attention_viz.quiz.phenomena import cell_labels

LINE = {"color": "rgba(255,255,255,0.9)", "width": 2}


def add_cells(fig: go.Figure, size: int, cells: int, picked: int | None = None) -> go.Figure:
    """Draw a cells x cells grid over a (size, size) image axis, each cell named in its
    corner; outline the picked cell (row-major index) in orange."""
    k = size / cells
    for i in range(1, cells):
        at = i * k - 0.5
        fig.add_shape(type="line", x0=at, x1=at, y0=-0.5, y1=size - 0.5, line=LINE)
        fig.add_shape(type="line", y0=at, y1=at, x0=-0.5, x1=size - 0.5, line=LINE)
    for index, label in enumerate(cell_labels(cells)):
        r, c = divmod(index, cells)
        fig.add_annotation(
            x=c * k + 1,
            y=r * k + 1,
            text=label,
            showarrow=False,
            xanchor="left",
            yanchor="top",
            font={"color": "white", "size": 12},
            bgcolor="rgba(0,0,0,0.45)",
        )
    if picked is not None:
        r, c = divmod(picked, cells)
        fig.add_shape(
            type="rect",
            x0=c * k - 0.5,
            x1=(c + 1) * k - 0.5,
            y0=r * k - 0.5,
            y1=(r + 1) * k - 0.5,
            line={"color": "#ff9800", "width": 4},
        )
    return fig


def cell_grid(image: np.ndarray, cells: int) -> go.Figure:
    """The (P, P, 3) image, large, with its cells drawn and named: what the student sees."""
    size = image.shape[0]
    fig = go.Figure(go.Image(z=image, hoverinfo="skip"))
    add_cells(fig, size, cells)
    fig.update_xaxes(showticklabels=False, showgrid=False, zeroline=False, constrain="domain")
    fig.update_yaxes(
        showticklabels=False, showgrid=False, zeroline=False, scaleanchor="x", constrain="domain"
    )
    fig.update_layout(margin={"l": 5, "r": 5, "t": 5, "b": 5})
    return fig
