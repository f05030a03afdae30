"""Attention Lab: router only. Run with `streamlit run app.py`."""

import streamlit as st

from attention_viz.device import configure_threads
from attention_viz.ui import sidebar
from attention_viz.ui.widgets import show_warnings

PAGES = [
    st.Page("attention_viz/ui/home.py", title="Home", icon=":material/home:", default=True),
    st.Page(
        "attention_viz/ui/kernel_regression.py",
        title="Kernel regression",
        icon=":material/scatter_plot:",
        url_path="kernel_regression",
    ),
    st.Page(
        "attention_viz/ui/dates.py",
        title="Date conversion",
        icon=":material/calendar_month:",
        url_path="dates",
    ),
    st.Page(
        "attention_viz/ui/translation.py",
        title="Translation",
        icon=":material/translate:",
        url_path="translation",
    ),
]


def main() -> None:
    st.set_page_config(page_title="Attention Lab", page_icon="🔍", layout="wide")
    configure_threads()
    page = st.navigation(PAGES)
    show_warnings(sidebar.render())
    page.run()


if __name__ == "__main__":
    main()
