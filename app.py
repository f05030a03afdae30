"""Attention Lab: router only. Run with `streamlit run app.py`."""

import streamlit as st

from attention_viz.device import configure_threads
from attention_viz.families import families
from attention_viz.family import PACKAGE_DIR
from attention_viz.ui import layout, sidebar
from attention_viz.ui.widgets import presenting, show_warnings


def pages() -> list:
    """Home, then one page per family that has one, in the families' order."""
    home = st.Page(
        str(PACKAGE_DIR / "ui/home.py"), title="Home", icon=":material/home:", default=True
    )
    return [home] + [
        st.Page(str(f.page_path()), title=f.title, icon=f.icon, url_path=f.key)
        for f in families()
        if f.page is not None
    ]


def main() -> None:
    st.set_page_config(page_title="Attention Lab", page_icon="🔍", layout="wide")
    configure_threads()
    page = st.navigation(pages())
    show_warnings(sidebar.render())
    layout.apply(presenting())
    page.run()


if __name__ == "__main__":
    main()
