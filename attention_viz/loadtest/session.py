"""One simulated browser tab: its page, its widgets' states, and timed script runs.

The tab keeps what the frontend keeps (the query string the server last wrote, the page's
script hash, the session id, every rendered widget's current value) and sends all of it with
each rerun, as the frontend's WidgetStateManager does. A run is timed from the BackMsg sent
to its script_finished; the first plotly chart of the run is timed too.
"""

from __future__ import annotations

import asyncio
import random
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, urlencode

from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState
from websockets.asyncio.client import ClientConnection
from websockets.exceptions import ConnectionClosed, WebSocketException

from attention_viz.loadtest.protocol import (
    UPSTREAM_HEADER,
    Browser,
    Endpoint,
    parse,
    rerun_message,
)

RECONNECT_GIVE_UP = 60.0  # seconds a tab keeps trying before it counts as lost
RECONNECT_TRIES = 5  # sockets that close again mid-rerun before it counts as lost


@dataclass
class Widget:
    id: str
    kind: str  # the element's type: slider, text_input, button, ...
    label: str
    element: Any  # the element's protobuf
    fragment_id: str  # "" outside a fragment


@dataclass
class Run:
    """What one script run (or one attempt at one) did."""

    error: str = ""  # "", "exception", "disconnect", "timeout", "page_not_found", "lost"
    latency: float = 0.0  # seconds from the BackMsg sent to script_finished (or the failure)
    first_chart: float | None = None  # seconds to the first plotly chart delta, if any
    charts: int = 0
    alerts: list[str] = field(default_factory=list)  # st.error texts the page showed
    upstream: str = ""  # which replica answered (behind attention_viz.deploy's nginx)


def initial_state(widget: Widget, current: bool = True) -> WidgetState | None:
    """The value the frontend reports for a widget it has just drawn (None: no value), or,
    with current=False, the widget's default."""
    e, state = widget.element, WidgetState(id=widget.id)
    if not current:
        e = type(e)()
        e.CopyFrom(widget.element)
        e.set_value = False
        if widget.kind in ("radio", "selectbox"):
            e.ClearField("raw_value")
    if widget.kind == "slider":
        values = list(e.value) if e.set_value else list(e.default)
        if e.options:  # a select_slider: the options' formatted text
            state.string_array_value.data.extend(e.options[int(v)] for v in values)
        else:
            state.double_array_value.data.extend(values)
    elif widget.kind == "checkbox":
        state.bool_value = e.value if e.set_value else e.default
    elif widget.kind in ("radio", "selectbox"):
        if e.HasField("raw_value"):
            state.string_value = e.raw_value
        elif e.HasField("default") and e.options:
            state.string_value = e.options[e.default]
        else:
            return None
    elif widget.kind == "number_input":
        state.double_value = e.value if e.set_value else e.default
    elif widget.kind in ("text_input", "text_area"):
        state.string_value = e.value if e.set_value else e.default
    else:
        return None  # buttons send one-shot triggers only; other widgets are not driven
    return state


def _url_text(state: WidgetState) -> str:
    """A widget value as the frontend writes it into the URL."""
    kind = state.WhichOneof("value")
    value = getattr(state, kind)
    if kind in ("string_array_value", "double_array_value"):
        return ",".join(_number_text(v) for v in value.data)
    if kind == "bool_value":
        return "true" if value else "false"
    return _number_text(value)


def _number_text(v: object) -> str:
    if isinstance(v, float):
        return str(int(v)) if v.is_integer() else repr(v)
    return str(v)


class Tab:
    """A browser tab on one page of the app."""

    def __init__(self, endpoint: Endpoint, rng: random.Random, timeout: float = 30.0) -> None:
        self.browser = Browser(endpoint)
        self.rng = rng
        self.timeout = timeout
        self.ws: ClientConnection | None = None
        self.session_id = ""
        self.page_script_hash = ""
        self.query_string = ""
        self.widgets: dict[str, Widget] = {}
        self.states: dict[str, WidgetState] = {}
        self.last_run_fragment = False
        self.timed_fragment = False  # the page has a fragment with run_every
        self.auto_reruns: dict[str, float] = {}  # timed fragments: id -> interval (s)
        self.upstream = ""
        self.metrics: dict[str, str] = {}  # label -> value of the st.metric boxes shown
        self.events: list[tuple[str, Run]] = []  # runs nobody asked for: reconnects

    # -- what a student does ------------------------------------------------------------

    async def open(self, query: str = "") -> Run:
        """Load the page the way a browser does, and wait for its first run. Timed from the
        first HTTP request: the page, health and the websocket handshake count too."""
        loop = asyncio.get_running_loop()
        begun = loop.time()
        self.query_string = query
        if not await self.browser.load(query):
            return Run(error="disconnect", latency=loop.time() - begun)
        try:
            self.ws = await self.browser.open_socket(None, self.timeout)
        except (OSError, TimeoutError, WebSocketException):
            return Run(error="disconnect", latency=loop.time() - begun)
        self.upstream = self.ws.response.headers.get(UPSTREAM_HEADER, "")
        run = await self._run(rerun_message(query, [], page_name=self.browser.endpoint.page))
        before_run = loop.time() - begun - run.latency  # HTTP and handshake
        run.latency += before_run
        if run.first_chart is not None:
            run.first_chart += before_run
        return run

    def find(self, kind: str, label: str) -> Widget | None:
        """The rendered widget of this type whose label starts with `label`."""
        return next(
            (w for w in self.widgets.values() if w.kind == kind and w.label.startswith(label)),
            None,
        )

    async def act(self, changes: list[WidgetState], fragment_id: str = "") -> Run:
        """Send new widget values (and one-shot triggers) and wait for the run they cause."""
        if self.ws is None and await self.recover(rerun=False) is None:
            return Run(error="lost")
        triggers = []
        for s in changes:
            if s.WhichOneof("value") in ("trigger_value", "string_trigger_value"):
                triggers.append(s)
            else:
                self.states[s.id] = s
                self._write_url(s)
        message = rerun_message(
            self.query_string,
            [*self.states.values(), *triggers],
            self.page_script_hash,
            fragment_id=fragment_id,
        )
        run = await self._run(message)
        if run.error == "disconnect":  # the page was mid-run: the frontend reruns it
            await self.recover(rerun=True)
        return run

    def _write_url(self, state: WidgetState) -> None:
        """A widget bound to the URL (bind="query-params") is written there by the frontend
        itself: key=value, left out at the widget's default."""
        widget = self.widgets.get(state.id)
        key = getattr(widget.element, "query_param_key", "") if widget else ""
        if not key:
            return
        params = [(k, v) for k, v in parse_qsl(self.query_string, keep_blank_values=True)]
        params = [(k, v) for k, v in params if k != key]
        default = initial_state(widget, current=False)
        if default is None or _url_text(state) != _url_text(default):
            params.append((key, _url_text(state)))
        self.query_string = urlencode(params)

    async def idle(self, seconds: float) -> None:
        """Think time. Watches the socket as the frontend does: a close starts a reconnect,
        with a rerun only if the last run was a fragment's or the page has a timed fragment
        (App.handleConnectionStateChanged)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + seconds
        while (left := deadline - loop.time()) > 0:
            if self.ws is None:
                await asyncio.sleep(left)
                return
            try:
                await asyncio.wait_for(self.ws.recv(), left)  # nothing is expected; ignore it
            except (TimeoutError, asyncio.TimeoutError):
                return
            except (ConnectionClosed, OSError):
                self.ws = None
                await self.recover(rerun=self.last_run_fragment or self.timed_fragment)

    async def reload(self) -> Run | None:
        """What a student does with a page that never finished: reload it (a new socket,
        the page run again from its URL). Logged as a "reload" event."""
        return await self.recover(rerun=True, label="reload")

    async def recover(self, rerun: bool = False, label: str = "reconnect") -> Run | None:
        """Reconnect (offering the last session id) and, if `rerun`, run the page again with
        its query string and widget states. Appends (label, Run) to self.events, timed
        from the socket's loss to the page back (rerun) or the socket open (no rerun).

        Returns:
            the Run, or None when no server answered for RECONNECT_GIVE_UP seconds.
        """
        loop = asyncio.get_running_loop()
        lost_at = loop.time()
        for _ in range(RECONNECT_TRIES):
            ws = await self.browser.reconnect(self.session_id, self.rng, RECONNECT_GIVE_UP)
            if ws is None:
                break
            self.ws = ws
            self.upstream = ws.response.headers.get(UPSTREAM_HEADER, "")
            run = Run(upstream=self.upstream)
            if rerun:
                message = rerun_message(
                    self.query_string,
                    list(self.states.values()),
                    self.page_script_hash,
                    page_name=self.browser.endpoint.page,
                )
                run = await self._run(message)
                if run.error == "disconnect":
                    continue
            run.latency = loop.time() - lost_at
            self.events.append((label, run))
            return run
        self.events.append((label, Run(error="lost", latency=loop.time() - lost_at)))
        return None

    async def close(self) -> None:
        if self.ws is not None:
            await self.ws.close()
            self.ws = None

    # -- the protocol -------------------------------------------------------------------

    async def _run(self, message: bytes) -> Run:
        assert self.ws is not None
        loop = asyncio.get_running_loop()
        start = loop.time()
        run = Run(upstream=self.upstream)
        try:
            await self.ws.send(message)
            await asyncio.wait_for(self._read_run(run, start), self.timeout)
        except (TimeoutError, asyncio.TimeoutError):
            run.error = "timeout"
            await self.close()  # its late messages would be read as the next run's;
            self.widgets.clear()  # the student reloads the page (see reload())
            self.states.clear()
            self.last_run_fragment = False
        except (ConnectionClosed, OSError):
            run.error = "disconnect"
            self.ws = None
        run.latency = loop.time() - start
        return run

    async def _read_run(self, run: Run, start: float) -> None:
        assert self.ws is not None
        loop = asyncio.get_running_loop()
        run_id = None
        fragment = False
        seen: set[str] = set()
        while True:
            msg = parse(await self.ws.recv())
            kind = msg.WhichOneof("type")
            if kind == "new_session":
                run_id = msg.metadata.run.script_run_id
                fragment = bool(msg.metadata.run.fragment_ids)
                if not fragment:  # a full run registers its timed fragments anew
                    self.auto_reruns.clear()
                self.page_script_hash = msg.new_session.page_script_hash
                if msg.new_session.HasField("initialize"):
                    self.session_id = msg.new_session.initialize.session_id
            elif run_id is None or msg.metadata.run.script_run_id not in ("", run_id):
                continue  # the end of an earlier run
            elif kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
                self._on_element(msg.delta, seen, run)
                if run.charts == 1 and run.first_chart is None:
                    run.first_chart = loop.time() - start
            elif kind == "navigation":  # with st.navigation, the page is named here
                self.page_script_hash = msg.navigation.page_script_hash
            elif kind == "auto_rerun":  # a timed fragment: the frontend reruns on reconnect
                self.timed_fragment = True
                self.auto_reruns[msg.auto_rerun.fragment_id] = msg.auto_rerun.interval
            elif kind == "stop_auto_rerun":
                for gone in msg.stop_auto_rerun.fragment_ids:
                    self.auto_reruns.pop(gone, None)
            elif kind == "page_info_changed":
                self.query_string = msg.page_info_changed.query_string
            elif kind == "page_not_found":
                run.error = "page_not_found"
            elif kind == "script_finished":
                if msg.script_finished == ForwardMsg.FINISHED_EARLY_FOR_RERUN:
                    continue
                if msg.script_finished == ForwardMsg.FINISHED_WITH_COMPILE_ERROR:
                    run.error = "exception"
                if not fragment:  # the frontend forgets widgets a full run did not draw
                    for gone in set(self.widgets) - seen:
                        self.widgets.pop(gone, None)
                        self.states.pop(gone, None)
                self.last_run_fragment = fragment
                return

    def _on_element(self, delta: Any, seen: set[str], run: Run) -> None:
        element = delta.new_element
        kind = element.WhichOneof("type")
        if kind == "plotly_chart":
            run.charts += 1
            return
        if kind == "exception":
            run.error = "exception"
            run.alerts.append(f"{element.exception.type}: {element.exception.message}")
            return
        if kind == "metric":
            self.metrics[element.metric.label] = element.metric.body
            return
        if kind == "alert" and element.alert.format == element.alert.ERROR:
            run.alerts.append(element.alert.body)
            return
        proto = getattr(element, kind)
        widget_id = getattr(proto, "id", "")
        if not widget_id or kind in ("plotly_chart", "download_button"):
            return
        widget = Widget(widget_id, kind, getattr(proto, "label", ""), proto, delta.fragment_id)
        self.widgets[widget_id] = widget
        seen.add(widget_id)
        if widget_id not in self.states:  # the frontend keeps the value it already has
            state = initial_state(widget)
            if state is not None:
                self.states[widget_id] = state
