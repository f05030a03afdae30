"""Pieces every page uses: safe text, error boundaries, figures with export, cached models."""

from __future__ import annotations

import contextlib
import logging
import re
import secrets
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

import plotly.graph_objects as go
import streamlit as st

from attention_viz import faults
from attention_viz.checkpoint import WeightsError
from attention_viz.plots import responsive
from attention_viz.plots import spec as figure_spec
from attention_viz.registry import load_model
from attention_viz.ui import layout, startup

PRESENT_KEY = "present"  # app-wide presentation mode (large fonts), in the URL as ?present=1
EXPORT_KEY = "export_format"  # image format of every chart's camera button
BASE_FONT, PRESENT_FONT = 13, 22

log = logging.getLogger(__name__)

# Every character markdown, GFM, KaTeX ($) or Streamlit (:red[...], :emoji:) gives a meaning;
# "=" too (a line of them under text makes a heading).
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:&=])")


def md_escape(text: str) -> str:
    """User text made literal inside Streamlit markdown (no emphasis, links, HTML, LaTeX,
    emoji, headings): a backslash before every special character (CommonMark escapes)."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text)


def show_failure(what: str, error: Exception) -> None:
    """An unexpected error: its traceback goes to the server log under a short reference,
    the user gets one line naming what failed (never the traceback)."""
    ref = secrets.token_hex(4)
    log.error("%s failed [ref %s]", what, ref, exc_info=error)
    st.error(
        f"Something went wrong while {what} ({type(error).__name__}; reference {ref} in the "
        "server log). The rest of the page still works: try another input, or reload.",
        icon=":material/error:",
    )


@contextmanager
def boundary(what: str) -> Iterator[None]:
    """Error boundary around a model call or a page section (also a decorator): an
    unexpected exception becomes show_failure's message and the page goes on after the
    block. Expected input errors (ValueError) are the caller's to word, inside the block.
    Streamlit's own rerun and stop signals are BaseExceptions and pass through."""
    try:
        yield
    except Exception as e:  # everything: that is the point of a boundary
        show_failure(what, e)


def presenting() -> bool:
    return bool(st.session_state.get(PRESENT_KEY, False))


def show_figure(fig: go.Figure, key: str, filename: str, height: int | None = None) -> None:
    """Draw a plotly figure with the app's fonts and an export button in its toolbar."""
    font = PRESENT_FONT if presenting() else BASE_FONT
    spec = figure_spec.as_json_ready(fig)
    height = responsive.chart_height(height or spec["layout"].get("height"), presenting())
    spec = responsive.styled(spec, font, height)
    config = {
        "displaylogo": False,
        "toImageButtonOptions": {
            "format": st.session_state.get(EXPORT_KEY, "png"),
            "filename": filename,
            "scale": 2,
        },
    }
    width = responsive.min_width(spec, font)  # a phone scrolls a chart narrower than this
    with st.container(key=layout.wide_key(width, key)) if width else contextlib.nullcontext():
        # As built: a dict would be validated again, a Figure deep-copied (plots.spec).
        st.plotly_chart(figure_spec.Prebuilt(spec), key=key, config=config, width="stretch")


@st.cache_resource(show_spinner="Loading model…")
def _cached_model(name: str):
    model = faults.armed(load_model(name), name)  # armed only under $ATTENTION_VIZ_FAULT
    startup.freeze()  # the model lives as long as the server: full collections skip it
    return model


def model_or_message(name: str):
    """The shared model, or None after showing why it could not be loaded."""
    try:
        return _cached_model(name)
    except WeightsError as e:
        st.error(md_escape(str(e)))
    except KeyError as e:
        st.error(md_escape(str(e.args[0] if e.args else e)))
    return None


def show_warnings(warnings: Iterable[str]) -> None:
    for w in warnings:
        st.warning(md_escape(w), icon="⚠️")
