"""App-wide sidebar: device, presentation mode, image export format."""

from __future__ import annotations

import streamlit as st

from attention_viz.device import pick_device
from attention_viz.ui import url_state
from attention_viz.ui.widgets import EXPORT_KEY, PRESENT_KEY, presenting

PARAMS = [url_state.flag(PRESENT_KEY, False), url_state.choice(EXPORT_KEY, ["png", "svg"], "png")]

# Our own constant CSS, not user text: larger type everywhere for a projector.
_PRESENTATION_CSS = """
<style>
html, body, [data-testid="stAppViewContainer"] { font-size: 22px; }
[data-testid="stMarkdownContainer"] p, [data-testid="stMarkdownContainer"] li,
[data-testid="stWidgetLabel"] p, label, button, input, textarea { font-size: 1.3rem !important; }
h1 { font-size: 3rem !important; } h2 { font-size: 2.3rem !important; }
.katex { font-size: 1.6em !important; }
</style>
"""


def render() -> list[str]:
    """Draw the sidebar controls; returns warnings about bad URL values."""
    warnings = url_state.restore(PARAMS)
    with st.sidebar:
        st.toggle("Presentation mode", key=PRESENT_KEY, help="Large fonts for a projector")
        st.radio(
            "Chart export format",
            ["png", "svg"],
            key=EXPORT_KEY,
            horizontal=True,
            help="What the camera button in each chart's toolbar saves",
        )
        device, note = pick_device()
        st.caption(f"Models run on **{device.type}** ({note}).")
    if presenting():
        st.html(_PRESENTATION_CSS)
    url_state.sync(PARAMS)
    return warnings
