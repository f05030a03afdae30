"""The session's lecture paths (Streamlit): the active one, my own, and moving between stops.

The active path and its stop live in the URL (?path=default&stop=3, or ?path=<code>&stop=3 for
a custom path), so a reload or a shared link keeps them. The session keeps a copy too, because
Streamlit clears the query parameters when the user picks a page in the navigation; the copy
puts them back. The user's own path ("my path", the one the editor and "Add this view" change)
is in st.session_state; when it is the active path, every edit rewrites the URL's code too.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import streamlit as st
from streamlit.runtime.state.session_state_proxy import get_session_state

from attention_viz.families import family
from attention_viz.family import PACKAGE_DIR
from attention_viz.lecture.pages import HOME
from attention_viz.lecture.path import RESERVED_PARAMS, LecturePath, PathError, Stop
from attention_viz.lecture.share import NAMED, PATH_PARAM, STOP_PARAM, decode, name_or_code

DRAFT_KEY = "lecture_draft"  # my path: a LecturePath
ACTIVE_KEY = "lecture_active"  # (URL value of the active path, stop number) kept for the URL
SEEN_KEY = "lecture_seen_params"  # every URL parameter name this session has shown
VERSION_KEY = "lecture_version"  # bumped when my path changes shape: the editor's widgets reset
APP_WIDE = ("present", "export_format")  # URL parameters that follow the user from page to page
MAX_SHOWN = 40  # characters of a bad URL value quoted back


@dataclass(frozen=True)
class Active:
    """The path being followed."""

    value: str  # what ?path= holds: a name in NAMED or a code
    path: LecturePath
    index: int  # the current stop, 0-based

    @property
    def stop(self) -> Stop:
        return self.path.stops[self.index]


def draft() -> LecturePath:
    """My path (empty until the user adds, copies or loads stops)."""
    return st.session_state.get(DRAFT_KEY) or LecturePath("My lecture")


def version() -> int:
    return st.session_state.get(VERSION_KEY, 0)


def active() -> tuple[Active | None, list[str]]:
    """The path being followed, from the URL (or the session's copy of it), and warnings
    about URL values that could not be used (a corrupt code, a stop out of range)."""
    query = st.query_params
    value, stop = query.get(PATH_PARAM), query.get(STOP_PARAM)
    kept = st.session_state.get(ACTIVE_KEY)
    if value is None and kept is not None:
        value, stop = kept
    if value is None:
        return None, []
    try:
        path = decode(value)
        if not path.stops:
            raise PathError("the path has no stops")
    except PathError as e:
        _forget()
        return None, [f"URL parameter {PATH_PARAM}={_shown(value)!r} is not used: {e}."]
    warnings = []
    index = 0
    if stop is not None:
        try:
            index = int(stop) - 1
        except ValueError:
            index = -1
        if not 0 <= index < len(path.stops):
            warnings.append(
                f"URL parameter {STOP_PARAM}={_shown(stop)!r} is not valid (expected a whole "
                f"number from 1 to {len(path.stops)}); showing stop 1."
            )
            index = 0
    _remember(value, index)
    if value not in NAMED and not draft().stops:
        st.session_state[DRAFT_KEY] = path  # a shared path becomes mine to edit
    return Active(value, path, index), warnings


def current_view() -> dict[str, str]:
    """The URL parameters of the view on screen, without the path's and the app's own."""
    return {k: v for k, v in st.query_params.to_dict().items() if k not in RESERVED_PARAMS}


def go(value: str, path: LecturePath, index: int) -> None:
    """Open stop `index` of a path: its page with its URL state (never returns)."""
    stop = path.stops[index]
    query = {k: st.query_params[k] for k in APP_WIDE if k in st.query_params}  # e.g. present
    query |= {**stop.params, PATH_PARAM: value, STOP_PARAM: str(index + 1)}
    # A page restores its URL state only into keys the session does not hold yet, and a
    # widget bound to the URL keeps its session value over the URL's: drop every value the
    # session holds for a URL parameter, so that the stop's URL is what shows.
    defaults = _bound_defaults(set(current_view()) - set(stop.params))
    for key in (seen_keys() | set(stop.params)) - set(APP_WIDE):
        st.session_state.pop(key, None)
    _unbind(query)
    # On the same page the browser keeps a bound widget's value when the URL no longer
    # names it; a value set in the session is the one a widget is made to show.
    for key, default in defaults.items():
        st.session_state[key] = default
    _remember(value, index)
    st.switch_page(page_script(stop.page), query_params=query)


def note_view() -> None:
    """Remember the URL parameters this session has used (see go)."""
    seen = st.session_state.setdefault(SEEN_KEY, set())
    seen.update(current_view())


def seen_keys() -> set[str]:
    return set(st.session_state.get(SEEN_KEY, set())) | set(current_view())


def _unbind(keys) -> None:
    """Streamlit refuses to set a URL parameter that a widget of the last run was bound to
    (on this page, the next stop's page when it is the same, or another), and switch_page
    sets them all; the stop's values must win, so those bindings go first. The page's
    widgets bind again when they are drawn. Streamlit 1.67 has no public call for this."""
    with get_session_state().query_params() as qp:
        for key in keys:
            binding = qp.get_binding_for_param(key)
            if binding is not None:
                qp.unbind_widget(binding.widget_id)


def _bound_defaults(keys) -> dict[str, Any]:
    """The default values of the widgets of the last run bound to these URL parameters
    (what Streamlit itself restores on a browser Back; Streamlit 1.67 internals)."""
    safe = get_session_state()
    with safe.query_params() as qp:
        bindings = [qp.get_binding_for_param(key) for key in keys]
    try:
        metadata = safe._state._new_widget_state.widget_metadata
        return {
            b.param_key: metadata[b.widget_id].deserializer(None)
            for b in bindings
            if b is not None and b.widget_id in metadata
        }
    except (AttributeError, KeyError, TypeError, ValueError):  # another Streamlit version
        return {}


def start(path: LecturePath, index: int = 0) -> None:
    """Follow a path from stop `index` (never returns; shows an error if it cannot)."""
    try:
        value = name_or_code(path)
    except PathError as e:
        st.error(f"This path cannot be followed from a link: {e}.")
        return
    go(value, path, index)


def leave() -> None:
    """Stop following the path (my path is kept)."""
    _forget()


def set_draft(new: LecturePath, reset_widgets: bool = False) -> None:
    """Replace my path; if it is the path being followed, the URL follows the change."""
    old = draft()
    st.session_state[DRAFT_KEY] = new
    if reset_widgets:
        st.session_state[VERSION_KEY] = version() + 1
    value = st.query_params.get(PATH_PARAM)
    if value is None or not old.stops:
        return
    try:
        following_mine = decode(value) == old
    except PathError:
        following_mine = False
    if not following_mine:
        return
    if not new.stops:
        _forget()
        return
    try:
        code = name_or_code(new)
    except PathError:
        _forget()
        return
    stop = _number(st.query_params.get(STOP_PARAM), len(new.stops))
    st.query_params[PATH_PARAM] = code
    _remember(code, stop - 1)


def _number(raw: str | None, n: int) -> int:
    """A stop number from the URL, clamped to 1..n (1 when it is not a number)."""
    try:
        return min(max(int(raw or "1"), 1), n)
    except ValueError:
        return 1


def page_script(key: str) -> str:
    """The page script of a stop's page, as app.py registers it."""
    if key == HOME:
        return str(PACKAGE_DIR / "ui/home.py")
    return str(family(key).page_path())


def _remember(value: str, index: int) -> None:
    st.session_state[ACTIVE_KEY] = (value, str(index + 1))
    if st.query_params.get(PATH_PARAM) != value:
        st.query_params[PATH_PARAM] = value
    if st.query_params.get(STOP_PARAM) != str(index + 1):
        st.query_params[STOP_PARAM] = str(index + 1)


def _forget() -> None:
    st.session_state.pop(ACTIVE_KEY, None)
    for key in (PATH_PARAM, STOP_PARAM):
        if key in st.query_params:
            del st.query_params[key]


def _shown(raw: str) -> str:
    return raw if len(raw) <= MAX_SHOWN else raw[:MAX_SHOWN] + "…"
