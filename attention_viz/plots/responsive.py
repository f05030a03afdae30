"""Chart sizes that stay readable on a phone (390 px wide) and fit a projector (1280×720).

A token heatmap with 27 input characters cannot show 27 labels in the 358 px a phone leaves:
plotly rotates them and they overlap. Such a figure states the width its labels need
(`min_width`); the page draws it inside a container that scrolls sideways when the screen is
narrower (ui.layout). Widths are rounded up to a few fixed steps so that the app's CSS is a
constant list of rules. In presentation mode charts grow with the fonts, but never beyond
what fits on a 720-px screen under the title and the lecture path bar, beside the page's
controls (ui.stage; `chart_height`).

Nothing here imports streamlit; ui.widgets.show_figure applies these to every figure.
"""

from __future__ import annotations

import re

import plotly.graph_objects as go

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


def min_width(fig: go.Figure, font_size: int) -> int:
    """The width (px) below which the figure's category labels or title would overlap.

    Counts the labels of every x axis that shows an array of tick texts (token axes),
    scaled by the share of the figure width that axis gets (subplots), plus room for the
    y labels and a colour bar; side-by-side subplots need PANEL_PX each; a title needs its
    own length. 0 when a phone's width is enough.
    Returns one of WIDTHS (rounded up), or 0.
    """
    layout = fig.layout
    need = 0.0
    for axis in fig.select_xaxes():
        shown = axis.tickmode == "array" and axis.ticktext and axis.showticklabels is not False
        if not shown:
            continue
        labels = axis.ticktext
        lo, hi = axis.domain if axis.domain else (0.0, 1.0)
        need = max(need, len(labels) * LABEL_EM * font_size / max(hi - lo, 0.05))
    columns = {round(a.domain[0], 2) for a in fig.select_xaxes() if a.domain}
    need = max(need, len(columns) * PANEL_PX if len(columns) > 1 else 0)
    if need:
        need += FRAME_PX + (COLORBAR_PX if _has_colorbar(fig) else 0)
    title = _TAGS.sub("", layout.title.text or "") if layout.title else ""
    need = max(need, len(title) * TITLE_EM * font_size + 20)
    if need <= PHONE_WIDTH:
        return 0
    for width in WIDTHS:
        if width >= need:
            return width
    return WIDTHS[-1]


def tidy(fig: go.Figure) -> None:
    """Let plotly grow the margins to fit long or rotated tick labels instead of cutting them."""
    fig.update_xaxes(automargin=True)
    fig.update_yaxes(automargin=True)


def _has_colorbar(fig: go.Figure) -> bool:
    return any(
        getattr(t, "showscale", None) is not False and t.type in ("heatmap", "contour")
        for t in fig.data
    )
