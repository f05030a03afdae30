"""Presentation mode's page layout: the main chart and its controls on one 1280×720 screen.

A lecturer drags a control and watches the chart change, so in presentation mode a page opens
with its main chart and the controls that change it, both on screen without scrolling: the
introduction moves into the title's tooltip, a control such as the quiz switch sits beside the
title, and the controls go in a column beside the chart (`columns`). Secondary sections follow
below. Outside presentation mode a page keeps its usual reading order.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from attention_viz.ui.widgets import presenting

T = TypeVar("T")
CONTROLS_SHARE = (2, 5)  # presenting: the controls' column and the chart's, side by side


def heading(title: str, intro: str, aside: Callable[[], T] | None = None) -> T | None:
    """The page's title and introduction (markdown), then `aside` (a control, e.g. the quiz
    switch); returns what `aside` returns.

    Presenting, the introduction is the title's tooltip (its ⓘ) and `aside` sits on the
    title's line, so the page's main chart starts right under the title."""
    if not presenting():
        st.title(title)
        st.caption(intro)
        return aside() if aside is not None else None
    with st.container(horizontal=True, vertical_alignment="center", gap="large"):
        st.title(title, help=intro, width="content")
        return aside() if aside is not None else None


def columns(
    share: tuple[int, int] = CONTROLS_SHARE,
) -> tuple[DeltaGenerator, DeltaGenerator] | None:
    """Presenting: (controls, chart), a column for the main controls beside one for the main
    chart, their widths in the ratio `share`; None otherwise (the page draws its controls
    above the chart)."""
    if not presenting():
        return None
    controls, chart = st.columns(share, gap="medium")
    return controls, chart
