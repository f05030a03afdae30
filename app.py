"""Attention Lab: router only. Run with `streamlit run app.py`."""

import streamlit as st

from attention_viz.families import families
from attention_viz.family import PACKAGE_DIR
from attention_viz.ui import layout, path_bar, sidebar
from attention_viz.ui.startup import prepare_server, rerun_on_reconnect
from attention_viz.ui.widgets import boundary, presenting, show_warnings


def pages() -> list:
    """Home, the Lecture, then one page per family that has one, in the families' order."""
    home = st.Page(
        str(PACKAGE_DIR / "ui/home.py"), title="Home", icon=":material/home:", default=True
    )
    lecture = st.Page(
        str(PACKAGE_DIR / "ui/lecture_page.py"),
        title="Lecture",
        icon=":material/school:",
        url_path="lecture",
    )
    return [home, lecture] + [
        st.Page(str(f.page_path()), title=f.title, icon=f.icon, url_path=f.key)
        for f in families()
        if f.page is not None
    ]


def main() -> None:
    st.set_page_config(page_title="Attention Lab", page_icon="🔍", layout="wide")
    prepare_server()
    page = st.navigation(pages())
    show_warnings(sidebar.render())
    layout.apply(presenting())
    with st.sidebar:
        rerun_on_reconnect()
    path_bar.render(page.url_path)
    with boundary("drawing this page"):  # the last resort; pages have their own boundaries
        page.run()


if __name__ == "__main__":
    main()
