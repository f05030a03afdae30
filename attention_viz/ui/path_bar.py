"""The lecture path bar on every page (Streamlit), drawn by app.py above the page.

While a path is active: "Stop k/N · title" over ◀ Previous · Next ▶ (PageUp / PageDown, the keys
a presenter's clicker sends), Notes (the stop's talking points and its question, in a popover),
"Add this view to my path" and "Leave the path". Without one, only "Add this view to my path",
in the sidebar.
"""

from __future__ import annotations

import streamlit as st

from attention_viz.lecture.pages import page_keys, page_title
from attention_viz.lecture.path import MAX_POINT, MAX_TITLE, PathError, Stop
from attention_viz.ui import lecture_state as state
from attention_viz.ui.widgets import md_escape, presenting, show_warnings

NEXT_KEY, PREVIOUS_KEY = "PageDown", "PageUp"  # a presenter's clicker sends these
# Our own constant CSS: in presentation mode the bar's controls keep their usual size (the
# room reads the stop's title, which grows with the page; the lecturer works the buttons),
# and the bar is one thin line, so that the page's main chart still fits under it (the
# buttons' shortcut hints give way to their tooltips, which name the keys too).
_PRESENTING_CSS = """
<style>
[data-testid="stMain"] .st-key-lecture_bar button p { font-size: 1rem !important; }
[data-testid="stMain"] .st-key-lecture_bar { padding: 0.25rem 0.75rem; }
[data-testid="stMain"] .st-key-lecture_bar kbd { display: none; }
</style>
"""


def render(page_key: str) -> None:
    """Draw the bar for the page being shown (its url_path: a family key, "" or "lecture")."""
    state.note_view()
    active, warnings = state.active()
    show_warnings(warnings)
    if active is None:
        with st.sidebar:
            st.divider()
            _add_view(page_key, "sidebar")
        return
    _bar(active, page_key)


def _bar(active: state.Active, page_key: str) -> None:
    k, n, stop = active.index, len(active.path.stops), active.stop
    compact = presenting()  # one line: the stop's title (wrapped if long) beside its buttons
    if compact:
        st.html(_PRESENTING_CSS)
    with st.container(
        border=True,
        key="lecture_bar",
        gap="small",
        horizontal=compact,
        wrap=not compact,  # presenting: the title wraps, the buttons stay on its line
        vertical_alignment="center",
    ):
        st.markdown(f"**Stop {k + 1}/{n} · {md_escape(stop.title)}**")
        with st.container(
            horizontal=True,
            gap="small",
            vertical_alignment="center",
            width="content" if compact else "stretch",
        ):
            if st.button(
                "Previous",
                icon=":material/arrow_back:",
                key="lecture_previous",
                disabled=k == 0,
                shortcut=PREVIOUS_KEY,
                help=f"The previous stop, with its view (key: {PREVIOUS_KEY})",
            ):
                state.go(active.value, active.path, k - 1)
            if st.button(
                "Next",
                icon=":material/arrow_forward:",
                key="lecture_next",
                disabled=k == n - 1,
                shortcut=NEXT_KEY,
                help=f"The next stop, with its view (key: {NEXT_KEY})",
                type="primary",
            ):
                state.go(active.value, active.path, k + 1)
            with st.popover("Notes", icon=":material/speaker_notes:"):
                _notes(active)
            _add_view(page_key, "bar")
            st.button(
                "Leave the path", icon=":material/close:", key="lecture_leave", on_click=state.leave
            )
            on_stop = page_key == stop.page and state.current_view() == stop.params
            if not on_stop and st.button(
                "Back to this stop's view",
                icon=":material/undo:",
                key="lecture_back",
                type="tertiary",
                help=f"Open {page_title(stop.page)} as this stop set it up",
            ):
                state.go(active.value, active.path, k)


def _notes(active: state.Active) -> None:
    """The stop's talking points and its question, for the lecturer."""
    k, n, stop = active.index, len(active.path.stops), active.stop
    st.caption(
        f"{md_escape(page_title(stop.page))} · stop {k + 1} of {n} in "
        f"“{md_escape(active.path.title)}”"
    )
    lines = [f"- {md_escape(point)}" for point in stop.points]
    if stop.question:
        lines += ["", f"**Ask the room:** {md_escape(stop.question)}"]
    if lines:
        st.markdown("\n".join(lines))
    else:
        st.caption("This stop has no notes yet; add them on the Lecture page.")


def _add_view(page_key: str, where: str) -> None:
    """A popover that adds the page on screen, with its URL state, to my path."""
    mine = state.draft()
    in_sidebar = where == "sidebar"
    label = "Add this view to my path" if in_sidebar else "Add this view"
    width = "stretch" if in_sidebar else "content"
    if page_key not in page_keys():
        st.button(
            label,
            icon=":material/bookmark_add:",
            key=f"lecture_add_{where}",
            disabled=True,
            help="Open a model page (or Home) first: the Lecture page is not a stop.",
            width=width,
        )
        return
    with st.popover(
        label, icon=":material/bookmark_add:", width=width, help="Add this view to my path"
    ):
        st.caption(
            f"Adds {page_title(page_key)} with its current settings as stop "
            f"{len(mine.stops) + 1} of {md_escape(mine.title)}. Edit, reorder or share it on "
            "the Lecture page."
        )
        st.text_input(
            "Stop title",
            page_title(page_key),
            max_chars=MAX_TITLE,
            key=_field("title", where, page_key),
        )
        st.text_input(
            "Question for the room (optional)",
            max_chars=MAX_POINT,
            key=_field("question", where, page_key),
        )
        st.button(
            "Add",
            icon=":material/add:",
            key=f"lecture_add_{where}",
            type="primary",
            on_click=_add,
            args=(page_key, where),
        )


def _add(page_key: str, where: str) -> None:
    s = st.session_state
    stop = Stop(
        page_key,
        state.current_view(),
        s[_field("title", where, page_key)].strip() or page_title(page_key),
        (),
        s[_field("question", where, page_key)].strip(),
    )
    try:
        mine = state.draft().added(stop)
    except PathError as e:
        st.toast(md_escape(f"Not added: {e}"), icon=":material/error:")
        return
    state.set_draft(mine, reset_widgets=True)
    st.toast(
        md_escape(f"Added “{stop.title}” as stop {len(mine.stops)} of {mine.title}"),
        icon=":material/bookmark_added:",
    )


def _field(name: str, where: str, page_key: str) -> str:
    """A key of the add-a-stop form: new for each page and after each stop added, so that
    the title starts as the page's title and the fields start empty again."""
    return f"lecture_add_{name}_{where}_{page_key or 'home'}_{state.version()}"
