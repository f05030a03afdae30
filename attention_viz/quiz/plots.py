"""The quiz's own figure pieces: an image with its answer cells drawn and named (A1 … D4).

The reveals reuse the shared builders (plots.bars.step_bars, plots.heatmap.attention_heatmap,
families.captioning.plots.word_view); this only adds the coarse cells a student picks from.
Figures are the plain dicts plotly.js reads (plots.spec), built on every rerun.

Shape symbols: P image side, C cells per side.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from attention_viz.plots import spec
from attention_viz.quiz.phenomena import cell_labels

LINE = {"color": "rgba(255,255,255,0.9)", "width": 2}
LABEL = {"font": {"color": "white", "size": 12}, "bgcolor": "rgba(0,0,0,0.45)"}


def add_cells(fig: go.Figure, size: int, cells: int, picked: int | None = None) -> go.Figure:
    """The figure (one built by plots.spec) with a cells x cells grid drawn over its
    (size, size) image, each cell named in its corner; the picked cell (row-major index)
    outlined in orange. The figure given is not changed."""
    shapes, notes = _cells(size, cells, picked)
    return spec.amended(fig, shapes=shapes, annotations=notes)


def _cells(size: int, cells: int, picked: int | None) -> tuple[list[dict], list[dict]]:
    """The grid's lines and the picked cell's outline (shapes), and the cell names (notes)."""
    k = size / cells
    shapes = []
    for i in range(1, cells):
        at = i * k - 0.5
        shapes.append({"type": "line", "x0": at, "x1": at, "y0": -0.5, "y1": size - 0.5,
                       "line": LINE})  # fmt: skip
        shapes.append({"type": "line", "y0": at, "y1": at, "x0": -0.5, "x1": size - 0.5,
                       "line": LINE})  # fmt: skip
    notes = []
    for index, label in enumerate(cell_labels(cells)):
        r, c = divmod(index, cells)
        notes.append({"x": c * k + 1, "y": r * k + 1, "text": label, "showarrow": False,
                      "xanchor": "left", "yanchor": "top", **LABEL})  # fmt: skip
    if picked is not None:
        r, c = divmod(picked, cells)
        shapes.append(
            {
                "type": "rect",
                "x0": c * k - 0.5,
                "x1": (c + 1) * k - 0.5,
                "y0": r * k - 0.5,
                "y1": (r + 1) * k - 0.5,
                "line": {"color": "#ff9800", "width": 4},
            }
        )
    return shapes, notes


def cell_grid(image: np.ndarray, cells: int) -> go.Figure:
    """The (P, P, 3) image, large, with its cells drawn and named: what the student sees."""
    size = image.shape[0]
    shapes, notes = _cells(size, cells, None)
    plain = {"showticklabels": False, "showgrid": False, "zeroline": False, "constrain": "domain"}
    return spec.figure(
        [{"type": "image", "z": image, "hoverinfo": "skip"}],
        xaxis=plain,
        yaxis={**plain, "scaleanchor": "x"},
        shapes=shapes,
        annotations=notes,
        margin={"l": 5, "r": 5, "t": 5, "b": 5},
    )
