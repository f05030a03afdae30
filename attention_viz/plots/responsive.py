"""Chart sizes that stay readable on a phone (390 px wide) and fit a projector (1280×720).

A token heatmap with 27 input characters cannot show 27 labels in the 358 px a phone leaves:
plotly rotates them and they overlap. Such a figure states the width its labels need
(`min_width`); the page draws it inside a container that scrolls sideways when the screen is
narrower (ui.layout). Widths are rounded up to a few fixed steps so that the app's CSS is a
constant list of rules. In presentation mode charts grow with the fonts, but never beyond
what fits on a 720-px screen under the title and the lecture path bar, beside the page's
controls (ui.stage; `chart_height`).

Nothing here imports streamlit; ui.widgets.show_figure applies these to every figure.

They work on the figure's plain dict (`fig.to_dict()`), not through plotly's property
machinery: `fig.update_xaxes(...)` and friends validate every path on every call and cost
milliseconds a figure, which a page of ten charts pays on every rerun of every session.
"""

from __future__ import annotations

import re

import plotly.graph_objects as go

from attention_viz.plots import grid

PRESENT_SCALE = 1.25  # charts grow with the presentation fonts...
PRESENT_MAX_HEIGHT = 440  # ...to at most this (px): 720 minus the title and the path bar
WIDTH_STEP = 80  # min widths are rounded up to a multiple of this (px)
WIDTHS = tuple(range(400, 1601, WIDTH_STEP))  # the steps the CSS knows: 400, 480, ..., 1600
PHONE_WIDTH = 358  # px a phone (390 px) leaves for a chart; narrower needs nothing
PANEL_PX = 110  # a subplot panel (a head's map, an image) narrower than this is unreadable
LABEL_EM = 1.3  # one category label (upright or rotated) needs this many font sizes of axis
TITLE_EM = 0.55  # average width of a title character, in font sizes
FRAME_PX = 70  # y tick labels, axis title and margins beside the plot area
COLORBAR_PX = 90  # a colour bar and its tick labels

_TAGS = re.compile(r"<[^>]+>")


def chart_height(height: int | None, presenting: bool) -> int | None:
    """The height to draw a chart at: larger in presentation mode, but within one screen.

    Args:
        height: what the page asked for (px); None keeps plotly's default (450).
        presenting: presentation mode is on.
    """
    if height is None:
        return None
    if not presenting:
        return int(height)
    return min(int(height * PRESENT_SCALE), PRESENT_MAX_HEIGHT)


def styled(fig: go.Figure | dict, font_size: int, height: int | None = None) -> dict:
    """The figure as a dict with the app's font size everywhere and room for its labels.

    Streamlit's plotly theme sets axis, legend and annotation fonts of its own, so each is
    set explicitly; every axis lets plotly grow the margins to fit long or rotated tick
    labels instead of cutting them (automargin).

    Args:
        fig: a plotly figure (converted with to_dict) or such a dict (changed in place).
        font_size: px, for every text in the chart.
        height: px, or None to keep the figure's own.
    Returns:
        The dict, ready for `go.Figure(spec, _validate=False)`.
    """
    spec = fig.to_dict() if isinstance(fig, go.Figure) else fig
    layout = spec.setdefault("layout", {})
    size = {"size": font_size}
    _merge(layout, "font", size)
    _merge(layout.setdefault("hoverlabel", {}), "font", size)
    _merge(layout.setdefault("legend", {}), "font", size)
    for name in ("xaxis", "yaxis"):
        layout.setdefault(name, {})
    for axis in grid.all_axes(layout, "xy"):
        _merge(axis, "tickfont", size)
        title = axis.setdefault("title", {})
        if isinstance(title, str):
            title = axis["title"] = {"text": title}
        _merge(title, "font", size)
        axis["automargin"] = True
    for note in layout.get("annotations", ()):
        _merge(note, "font", size)
    if height:
        layout["height"] = int(height)
    return spec


def _merge(parent: dict, key: str, values: dict) -> None:
    parent[key] = {**(parent.get(key) or {}), **values}


def min_width(fig: go.Figure | dict, font_size: int) -> int:
    """The width (px) below which the figure's category labels or title would overlap.

    Counts the labels of every x axis that shows an array of tick texts (token axes),
    scaled by the share of the figure width that axis gets (subplots), plus room for the
    y labels and a colour bar; side-by-side subplots need PANEL_PX each; a title needs its
    own length. 0 when a phone's width is enough.
    Returns one of WIDTHS (rounded up), or 0.
    """
    spec = fig.to_dict() if isinstance(fig, go.Figure) else fig
    layout = spec.get("layout", {})
    x_axes = grid.all_axes(layout, "x")
    need = 0.0
    for axis in x_axes:
        labels = axis.get("ticktext")
        shown = axis.get("tickmode") == "array" and labels is not None and len(labels) > 0
        if not shown or axis.get("showticklabels") is False:
            continue
        lo, hi = axis.get("domain") or (0.0, 1.0)
        need = max(need, len(labels) * LABEL_EM * font_size / max(hi - lo, 0.05))
    columns = {round(a["domain"][0], 2) for a in x_axes if a.get("domain")}
    need = max(need, len(columns) * PANEL_PX if len(columns) > 1 else 0)
    if need:
        need += FRAME_PX + (COLORBAR_PX if _has_colorbar(spec) else 0)
    title = layout.get("title") or {}
    title = _TAGS.sub("", (title.get("text") if isinstance(title, dict) else title) or "")
    need = max(need, len(title) * TITLE_EM * font_size + 20)
    if need <= PHONE_WIDTH:
        return 0
    for width in WIDTHS:
        if width >= need:
            return width
    return WIDTHS[-1]


def _has_colorbar(spec: dict) -> bool:
    return any(
        t.get("showscale") is not False and t.get("type") in ("heatmap", "contour")
        for t in spec.get("data", ())
    )
