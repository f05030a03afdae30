"""Subplot grids as the layout dicts `make_subplots` writes, without building a Layout.

`make_subplots` validates a Layout with one x and one y axis per cell and every later
`add_trace(row=, col=)` and `update_xaxes(row=, col=)` validates again: a 3 x 4 grid of head
maps costs 40 ms and more. The same grid written here is a few dicts (plots.spec). Numbers
are computed as make_subplots computes them, so the figures are the same to the last digit:
tests/core/test_figure_specs_families.py compares them.

Rows and columns count from 1, row 1 at the top (make_subplots' default start_cell). Cells
are numbered row by row: cell (row, col) has axes x{n} and y{n}, n = (row - 1) * cols + col,
written "x" and "y" for n = 1.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

TITLE_FONT = {"size": 16}  # make_subplots' subplot title font


def subplots(
    rows: int,
    cols: int,
    titles: Sequence[str] | None = None,
    *,
    horizontal_spacing: float | None = None,
    vertical_spacing: float | None = None,
    column_widths: Sequence[float] | None = None,
    shared_xaxes: bool = False,
    shared_yaxes: bool = False,
) -> dict:
    """Layout properties of a rows x cols grid, as `make_subplots` with the same arguments.

    Args:
        titles: one per cell, row by row; an empty or missing title is left out.
        horizontal_spacing, vertical_spacing: gaps between cells, as fractions of the
            figure; default 0.2 / cols, and 0.5 / rows with titles, else 0.3 / rows.
        column_widths: relative widths of the columns; default equal.
        shared_xaxes: every column's x axes match its bottom one, whose labels alone show.
        shared_yaxes: every row's y axes match its first one, whose labels alone show.
    Returns:
        {"xaxis": {...}, "yaxis": {...}, "xaxis2": ..., "annotations": [...]}: each axis
        with its domain and anchor; a dict of its own, for the caller to add to.
    """
    h = 0.2 / cols if horizontal_spacing is None else horizontal_spacing
    if vertical_spacing is None:
        vertical_spacing = (0.3 if titles is None else 0.5) / rows
    v, titles = vertical_spacing, titles or ()
    free_width = 1.0 - h * (cols - 1)
    if column_widths is None:
        widths = [free_width / cols] * cols
    else:
        total = float(sum(column_widths))
        widths = [free_width * (w / total) for w in column_widths]
    heights = [(1.0 - v * (rows - 1)) / rows] * rows
    layout: dict = {}
    notes = []
    for row in range(1, rows + 1):
        up = rows - row  # cells below this row (start_cell="top-left")
        y0 = sum(heights[:up]) + up * v
        y_domain = [_clamp(y0), _clamp(y0 + heights[-row])]
        for col in range(1, cols + 1):
            x0 = sum(widths[: col - 1]) + (col - 1) * h
            x_domain = [x0, x0 + widths[col - 1]]
            n = _number(row, col, cols)
            layout[f"xaxis{n}"] = {"domain": x_domain, "anchor": f"y{n}"}
            layout[f"yaxis{n}"] = {"domain": y_domain, "anchor": f"x{n}"}
            index = (row - 1) * cols + col - 1
            if index < len(titles) and titles[index]:
                notes.append(_title(titles[index], sum(x_domain) / 2.0, y_domain[1]))
    for row in range(1, rows + 1):
        for col in range(1, cols + 1):
            n = _number(row, col, cols)
            if shared_xaxes and row < rows:
                _match(layout[f"xaxis{n}"], f"x{_number(rows, col, cols)}")
            if shared_yaxes and col > 1:
                _match(layout[f"yaxis{n}"], f"y{_number(row, 1, cols)}")
    if notes:
        layout["annotations"] = notes
    return layout


def cell(row: int, col: int, cols: int) -> dict:
    """Trace properties that draw a trace in cell (row, col): {"xaxis": "x2", "yaxis": "y2"}."""
    n = _number(row, col, cols)
    return {"xaxis": f"x{n}", "yaxis": f"y{n}"}


def axes(row: int, col: int, cols: int) -> tuple[str, str]:
    """The layout keys of cell (row, col)'s axes: ("xaxis2", "yaxis2")."""
    n = _number(row, col, cols)
    return f"xaxis{n}", f"yaxis{n}"


_AXIS = re.compile(r"([xy])axis\d*")


def all_axes(layout: dict, letters: str) -> list[dict]:
    """The layout's cartesian axes (xaxis, xaxis2, ...) of the given letters ("x", "y" or
    "xy"), in order: a grid's cell by cell."""
    return [
        v
        for k, v in layout.items()
        if (m := _AXIS.fullmatch(k)) and m.group(1) in letters and isinstance(v, dict)
    ]


def _number(row: int, col: int, cols: int) -> str:
    n = (row - 1) * cols + col
    return "" if n == 1 else str(n)


def _clamp(y: float) -> float:
    """What make_subplots does with a domain end a rounding error put just outside [0, 1]."""
    return 0.0 if -0.01 < y < 0.0 else 1.0 if 1.0 < y < 1.01 else y


def _match(axis: dict, reference: str) -> None:
    axis["matches"] = reference
    axis["showticklabels"] = False


def _title(text: str, x: float, y: float) -> dict:
    return {"y": y, "xref": "paper", "x": x, "yref": "paper", "text": text, "showarrow": False,
            "font": dict(TITLE_FONT), "xanchor": "center", "yanchor": "bottom"}  # fmt: skip
