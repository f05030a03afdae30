"""App-wide CSS for phones and projectors; app.py calls apply() once per run.

Phones (≤ 640 px): columns already stack (Streamlit); here long text wraps instead of being
cut, formulas and wide charts scroll sideways inside their own box, and the title is
smaller. A figure whose labels need more width than a phone has is drawn inside a container
keyed `wide_key(width, key)` (ui.widgets.show_figure); the rules below give it that min width.
Presentation mode: large fonts, the sidebar folded away and little blank space above the
title; ui.stage lays each page out so that its main chart and controls fit a 1280×720
projector.

All of it is our own constant CSS, never user text.
"""

from __future__ import annotations

import streamlit as st

from attention_viz.plots.responsive import WIDTHS

PHONE = "@media (max-width: 640px)"
_WIDE = "phonewide"  # key prefix of a chart's sideways-scrolling container


def wide_key(width: int, key: str) -> str:
    """Key of the container that gives chart `key` a min width of `width` px (one of WIDTHS)."""
    return f"{_WIDE}{width}-{key}"


def _wide_rules() -> str:
    rules = [f'[class*="st-key-{_WIDE}"] {{ overflow-x: auto; overflow-y: hidden; }}']
    rules += [
        f'[class*="st-key-{_WIDE}{w}-"] .stElementContainer {{ min-width: {w}px; }}' for w in WIDTHS
    ]
    return "\n".join(rules)


# Fixes for every width: text Streamlit would cut with an ellipsis wraps instead.
_ALWAYS = """
[data-testid="stMetricValue"] > div, [data-testid="stMetricLabel"] p,
[data-testid="stMetricLabel"] > div, [data-testid="stWidgetLabel"] p,
[data-testid="stCheckbox"] label p, [data-testid="stBaseButton-secondary"] p,
[data-testid="stPageLink-NavLink"] * {
  white-space: normal !important; overflow-wrap: break-word; text-overflow: clip !important;
}
[data-testid="stMarkdownContainer"] { overflow-wrap: break-word; }
[data-testid="stMarkdownContainer"] .katex-display { overflow-x: auto; overflow-y: hidden; }
"""

_PHONE_CSS = f"""
{PHONE} {{
  .stMainBlockContainer {{ padding-top: 3.5rem; padding-left: 1rem; padding-right: 1rem; }}
  [data-testid="stMain"] h1 {{ font-size: 2rem; }}
  [data-testid="stMain"] h2 {{ font-size: 1.5rem; }}
  [data-testid="stMain"] h3 {{ font-size: 1.25rem; }}
  {_wide_rules()}
}}
"""

# Large type for a projector, and the blank space above the title given to the content.
_PRESENTATION_CSS = """
[data-testid="stMain"] [data-testid="stMarkdownContainer"] p,
[data-testid="stMain"] [data-testid="stMarkdownContainer"] li,
[data-testid="stMain"] [data-testid="stWidgetLabel"] p,
[data-testid="stMain"] [data-testid="stCaptionContainer"],
[data-testid="stMain"] input, [data-testid="stMain"] textarea,
[data-testid="stMain"] button p { font-size: 1.35rem !important; line-height: 1.5; }
[data-testid="stMain"] h1 { font-size: 2.6rem !important; padding-top: 0; }
[data-testid="stMain"] h2, [data-testid="stMain"] h3 { font-size: 2rem !important; }
[data-testid="stMain"] [data-testid="stMetricValue"],
[data-testid="stMain"] [data-testid="stMetricValue"] p { font-size: 2.4rem !important; }
[data-testid="stMain"] .katex { font-size: 1.45em !important; }
[data-testid="stHeader"] { background: transparent; }
.stMainBlockContainer { padding-top: 2.5rem; padding-left: 2rem; padding-right: 2rem; }
"""

# Constant CSS only (tests/core/test_no_user_text_in_html.py): st.html never sees a variable.
STYLE = f"<style>{_ALWAYS}{_PHONE_CSS}</style>"
PRESENTING_STYLE = f"<style>{_ALWAYS}{_PHONE_CSS}{_PRESENTATION_CSS}</style>"


def apply(presenting: bool) -> None:
    """Emit the app's CSS; in presentation mode also fold the sidebar away (once: a lecturer
    who opens it again keeps it open)."""
    if presenting:
        st.html(PRESENTING_STYLE)
    else:
        st.html(STYLE)
    if presenting:
        st.set_page_config(initial_sidebar_state="collapsed")
