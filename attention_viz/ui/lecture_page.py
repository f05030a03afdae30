"""Lecture: the shipped path through every page, and an editor for the lecturer's own path.

The editor changes my path in st.session_state (ui.lecture_state); the path itself, its
checks, its JSON file and its link code are in attention_viz.lecture.
"""

from __future__ import annotations

import re

import streamlit as st

from attention_viz.lecture import DEFAULT, PATH_PARAM, LecturePath, PathError, Stop, encode
from attention_viz.lecture.pages import page_title
from attention_viz.lecture.path import MAX_BYTES, MAX_POINT, MAX_POINTS, MAX_TITLE, from_json
from attention_viz.ui import lecture_state as state
from attention_viz.ui.widgets import md_escape

UPLOAD_KEY = "lecture_upload"
LOADED_KEY = "lecture_loaded"  # (file_id, error or None, message) of the last file read
EDIT_ERROR_KEY = "lecture_edit_error"


def main() -> None:
    st.title("Lecture")
    st.caption(
        "An ordered path of views through the pages, each with talking points and a question "
        "for the room. While a path is active, a bar above every page has Previous and Next "
        "(keys PageUp and PageDown, what a presenter's clicker sends), the notes, and "
        "“Leave the path”. The path and the stop are in the URL: a reload or a shared link "
        "keeps them."
    )
    lecture, mine = st.tabs(["The lecture", f"My path ({len(state.draft().stops)} stops)"])
    with lecture:
        _default_path()
    with mine:
        _editor()


def _default_path() -> None:
    st.subheader(md_escape(DEFAULT.title))
    c = st.columns([2, 3, 5])
    if c[0].button("Start the lecture", icon=":material/play_arrow:", type="primary"):
        state.start(DEFAULT)
    c[1].button(
        "Copy it into my path",
        icon=":material/content_copy:",
        help="Replaces my path with these stops, to reorder, rename and extend",
        on_click=lambda: state.set_draft(DEFAULT, reset_widgets=True),
    )
    for i, stop in enumerate(DEFAULT.stops):
        with st.container(border=True):
            left, right = st.columns([6, 1], vertical_alignment="center")
            with left:
                _notes(i, stop)
            if right.button("Open", key=f"lecture_open_default_{i}", width="stretch"):
                state.start(DEFAULT, i)


def _notes(i: int, stop: Stop) -> None:
    """A stop as a reader sees it: title, page, talking points, question."""
    lines = [f"**{i + 1}. {md_escape(stop.title)}** · {md_escape(page_title(stop.page))}", ""]
    lines += [f"- {md_escape(point)}" for point in stop.points]
    if stop.question:
        lines += ["", f"**Ask the room:** {md_escape(stop.question)}"]
    st.markdown("\n".join(lines))


def _editor() -> None:
    mine, v = state.draft(), state.version()
    error = st.session_state.pop(EDIT_ERROR_KEY, None)
    if error:
        st.error(md_escape(error))
    st.text_input(
        "Title of my path",
        mine.title,
        max_chars=MAX_TITLE,
        key=f"lecture_path_title_{v}",
        on_change=_retitle,
        args=(v,),
    )
    if not mine.stops:
        st.info(
            "My path is empty. Open any page, set it up, and press “Add this view to my path” "
            "(in the sidebar, or in the path bar while a path is active); or copy the lecture "
            "into it; or load a JSON file below."
        )
    elif st.button("Start my path", icon=":material/play_arrow:", type="primary"):
        state.start(mine)
    _share(mine)
    if mine.stops:
        st.subheader("Stops")
    for i, stop in enumerate(mine.stops):
        _stop_editor(i, stop, len(mine.stops), v)


def _stop_editor(i: int, stop: Stop, n: int, v: int) -> None:
    with st.container(border=True):
        head = st.columns([5, 1, 1, 1, 1.4], vertical_alignment="bottom")
        head[0].text_input(
            f"Stop {i + 1} · {page_title(stop.page)}",
            stop.title,
            max_chars=MAX_TITLE,
            key=f"lecture_stop_title_{v}_{i}",
            on_change=_edit,
            args=(i, v),
        )
        tools = (
            ("up", ":material/arrow_upward:", "Move up", i == 0, _move, (i, -1)),
            ("down", ":material/arrow_downward:", "Move down", i == n - 1, _move, (i, 1)),
            ("remove", ":material/delete:", "Remove this stop", False, _remove, (i,)),
        )
        for col, (name, icon, tip, off, action, args) in zip(head[1:4], tools, strict=True):
            col.button(
                "",
                icon=icon,
                key=f"lecture_{name}_{v}_{i}",
                help=tip,
                disabled=off,
                on_click=action,
                args=args,
                width="stretch",
            )
        if head[4].button("Open", key=f"lecture_open_mine_{v}_{i}", width="stretch"):
            state.start(state.draft(), i)
        body = st.columns(2)
        body[0].text_area(
            f"Talking points (one per line, at most {MAX_POINTS})",
            "\n".join(stop.points),
            max_chars=MAX_POINTS * (MAX_POINT + 1),
            height=100,
            key=f"lecture_stop_points_{v}_{i}",
            on_change=_edit,
            args=(i, v),
        )
        body[1].text_area(
            "Question for the room",
            stop.question,
            max_chars=MAX_POINT,
            height=100,
            key=f"lecture_stop_question_{v}_{i}",
            on_change=_edit,
            args=(i, v),
        )
        shown = ", ".join(f"{k}={val}" for k, val in stop.params.items()) or "the page's defaults"
        st.caption(f"URL state: {md_escape(shown[:300])}")


def _share(mine: LecturePath) -> None:
    """A link, a JSON download, and loading a JSON file."""
    if mine.stops:
        try:
            code = encode(mine)
        except PathError as e:
            st.warning(md_escape(str(e)))
        else:
            base = (st.context.url or "").rstrip("/").removesuffix("/lecture")  # the app's root
            st.caption(
                "A link that opens this page with my path loaded (copy button on the right):"
            )
            st.code(f"{base}/lecture?{PATH_PARAM}={code}", language=None)
        st.download_button(
            "Download my path (JSON)",
            mine.to_json(),
            file_name=f"{_slug(mine.title)}.json",
            mime="application/json",
            icon=":material/download:",
            on_click="ignore",
        )
    upload = st.file_uploader(
        f"Load a path from a JSON file (at most {MAX_BYTES // 1000} KB; replaces my path)",
        type=["json"],
        key=UPLOAD_KEY,
    )
    if upload is None:
        return
    seen = st.session_state.get(LOADED_KEY)
    if seen is None or seen[0] != upload.file_id:
        try:
            loaded = from_json(upload.getvalue())
        except PathError as e:
            seen = (
                upload.file_id,
                True,
                f"{upload.name} was not loaded: {e}. My path is unchanged.",
            )
        else:
            state.set_draft(loaded, reset_widgets=True)
            done = f"Loaded “{loaded.title}” from {upload.name}: {len(loaded.stops)} stops."
            seen = (upload.file_id, False, done)
        st.session_state[LOADED_KEY] = seen
        if not seen[1]:
            st.rerun()  # redraw the editor with the loaded stops
    (st.error if seen[1] else st.success)(md_escape(seen[2]))


def _retitle(v: int) -> None:
    _apply(lambda p: p.retitled(st.session_state[f"lecture_path_title_{v}"].strip()))


def _edit(i: int, v: int) -> None:
    s = st.session_state
    points = [p.strip() for p in s[f"lecture_stop_points_{v}_{i}"].splitlines() if p.strip()]
    stop = state.draft().stops[i]
    new = Stop(
        stop.page,
        stop.params,
        s[f"lecture_stop_title_{v}_{i}"].strip(),
        tuple(points),
        s[f"lecture_stop_question_{v}_{i}"].strip(),
    )
    _apply(lambda p: p.replaced(i, new))


def _move(i: int, offset: int) -> None:
    _apply(lambda p: p.moved(i, offset), reset=True)


def _remove(i: int) -> None:
    _apply(lambda p: p.removed(i), reset=True)


def _apply(change, reset: bool = False) -> None:
    try:
        new = change(state.draft())
    except PathError as e:
        st.session_state[EDIT_ERROR_KEY] = f"Not changed: {e}."
        st.session_state[state.VERSION_KEY] = state.version() + 1  # show the stored values
        return
    state.set_draft(new, reset_widgets=reset)


def _slug(title: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")[:60] or "lecture-path"


main()
