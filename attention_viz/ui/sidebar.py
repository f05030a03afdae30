"""App-wide sidebar: device, presentation mode, image export format."""

from __future__ import annotations

import streamlit as st

from attention_viz.device import pick_device
from attention_viz.ui import url_state
from attention_viz.ui.widgets import EXPORT_KEY, PRESENT_KEY, presenting

PARAMS = [
    url_state.flag(PRESENT_KEY, False, bind=True),
    url_state.choice(EXPORT_KEY, ["png", "svg"], "png", bind=True),
]

# Our own constant CSS, not user text: larger type everywhere for a projector.
_PRESENTATION_CSS = """
<style>
[data-testid="stMain"] [data-testid="stMarkdownContainer"] p,
[data-testid="stMain"] [data-testid="stMarkdownContainer"] li,
[data-testid="stMain"] [data-testid="stWidgetLabel"] p,
[data-testid="stMain"] [data-testid="stCaptionContainer"],
[data-testid="stMain"] input, [data-testid="stMain"] textarea,
[data-testid="stMain"] button p { font-size: 1.35rem !important; line-height: 1.5; }
[data-testid="stMain"] h1 { font-size: 3.2rem !important; }
[data-testid="stMain"] h2, [data-testid="stMain"] h3 { font-size: 2.2rem !important; }
[data-testid="stMain"] [data-testid="stMetricValue"],
[data-testid="stMain"] [data-testid="stMetricValue"] p { font-size: 2.4rem !important; }
[data-testid="stMain"] .katex { font-size: 1.45em !important; }
</style>
"""


def render() -> list[str]:
    """Draw the sidebar controls; returns warnings about bad URL values."""
    warnings = url_state.restore(PARAMS)
    with st.sidebar:
        st.toggle(
            "Presentation mode",
            help="Large fonts for a projector",
            **url_state.bind(PARAMS, PRESENT_KEY),
        )
        st.radio(
            "Chart export format",
            ["png", "svg"],
            horizontal=True,
            help="What the camera button in each chart's toolbar saves",
            **url_state.bind(PARAMS, EXPORT_KEY),
        )
        device, note = pick_device()
        st.caption(f"Models run on **{device.type}** ({note}).")
    if presenting():
        st.html(_PRESENTATION_CSS)
    return warnings
