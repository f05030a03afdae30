"""App-wide sidebar: device, presentation mode, image export format."""

from __future__ import annotations

import streamlit as st

from attention_viz.device import pick_device
from attention_viz.ui import url_state
from attention_viz.ui.widgets import EXPORT_KEY, PRESENT_KEY

PARAMS = [
    url_state.flag(PRESENT_KEY, False, bind=True),
    url_state.choice(EXPORT_KEY, ["png", "svg"], "png", bind=True),
]


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
    return warnings
