"""Streamlit's browser protocol (Streamlit 1.67), spoken the way its frontend speaks it.

What the browser does, and this module does too:
1. GET the page (an HTML file; a proxy in front may set its affinity cookie here) and
   GET /_stcore/health, which sets the `_streamlit_xsrf` cookie.
2. Open a websocket to /_stcore/stream with the subprotocols
   ["streamlit", <xsrf cookie value>, <last session id, on a reconnect>], the cookies and a
   same-origin Origin header.
3. Send BackMsg protobufs (rerun_script with a ClientState: query string, page name or page
   script hash, widget states, fragment id) and read ForwardMsg protobufs (new_session,
   delta, page_info_changed, script_finished, ...).
4. When the socket closes, wait 250-500 ms (then up to 4 s, doubling), ping
   /_stcore/health and reconnect, offering the last session id.

Only loopback addresses are accepted: this is a load generator for one's own machine.
"""

from __future__ import annotations

import asyncio
import ipaddress
import random
import socket
import urllib.error
import urllib.request
from dataclasses import dataclass
from http.cookiejar import CookieJar
from urllib.parse import urlsplit

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import WebSocketException

STREAM_PATH = "_stcore/stream"
HEALTH_PATH = "_stcore/health"
XSRF_COOKIE = "_streamlit_xsrf"
NO_TOKEN = "PLACEHOLDER_AUTH_TOKEN"  # what the frontend offers when it has no XSRF cookie
UPSTREAM_HEADER = "X-Upstream"  # set by the nginx config of attention_viz.deploy


class NotLoopbackError(ValueError):
    """The URL names a host that is not this machine."""


def check_loopback(url: str) -> tuple[str, int]:
    """(host, port) of an http:// URL whose host resolves only to loopback addresses.

    Raises:
        NotLoopbackError: another scheme, or a host with any non-loopback address.
    """
    parts = urlsplit(url)
    if parts.scheme != "http" or not parts.hostname:
        raise NotLoopbackError(f"expected an http://HOST:PORT URL, got {url!r}")
    host, port = parts.hostname, parts.port or 80
    try:
        infos = socket.getaddrinfo(host, port, proto=socket.IPPROTO_TCP)
    except socket.gaierror as e:
        raise NotLoopbackError(f"cannot resolve {host!r}: {e}") from e
    addresses = {info[4][0] for info in infos}
    if not all(ipaddress.ip_address(a.split("%")[0]).is_loopback for a in addresses):
        raise NotLoopbackError(
            f"{host} resolves to {', '.join(sorted(addresses))}: the load generator only "
            "drives servers on this machine (127.0.0.0/8, ::1)"
        )
    return host, port


@dataclass(frozen=True)
class Endpoint:
    """One page of an app: http://HOST:PORT[/BASE]/PAGE?QUERY."""

    base: str  # http://host:port[/base], no trailing slash
    page: str  # the page's URL path ("" for the home page)

    @classmethod
    def of(cls, url: str, page: str) -> Endpoint:
        check_loopback(url)
        parts = urlsplit(url)
        return cls(f"http://{parts.netloc}{parts.path.rstrip('/')}", page)

    @property
    def origin(self) -> str:
        parts = urlsplit(self.base)
        return f"{parts.scheme}://{parts.netloc}"

    def http(self, path: str, query: str = "") -> str:
        return f"{self.base}/{path}" + (f"?{query}" if query else "")

    @property
    def stream(self) -> str:
        return "ws" + self.http(STREAM_PATH).removeprefix("http")


class Browser:
    """The network side of one browser tab: cookies, HTTP GETs and the websocket."""

    def __init__(self, endpoint: Endpoint) -> None:
        self.endpoint = endpoint
        self.cookies = CookieJar()
        self._opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies))

    async def get(self, url: str, timeout: float = 10.0) -> int:
        """HTTP status of a GET (cookies kept); 0 when nothing answers."""

        def fetch() -> int:
            try:
                with self._opener.open(url, timeout=timeout) as response:
                    response.read()
                    return response.status
            except urllib.error.HTTPError as e:
                return e.code
            except OSError:
                return 0

        return await asyncio.to_thread(fetch)

    def cookie(self, name: str) -> str | None:
        return next((c.value for c in self.cookies if c.name == name), None)

    async def load(self, query: str) -> bool:
        """What a browser fetches before it opens the websocket: the page, then health."""
        await self.get(self.endpoint.http(self.endpoint.page, query))
        return await self.get(self.endpoint.http(HEALTH_PATH)) == 200

    async def open_socket(self, last_session_id: str | None, timeout: float) -> ClientConnection:
        protocols = ["streamlit", self.cookie(XSRF_COOKIE) or NO_TOKEN]
        if last_session_id:
            protocols.append(last_session_id)
        header = "; ".join(f"{c.name}={c.value}" for c in self.cookies)
        headers = {"Origin": self.endpoint.origin, **({"Cookie": header} if header else {})}
        return await connect(
            self.endpoint.stream,
            subprotocols=protocols,  # type: ignore[arg-type]
            additional_headers=headers,
            max_size=None,
            open_timeout=timeout,
        )  # compression: permessage-deflate is offered, as Chromium and Firefox do

    async def reconnect(
        self, last_session_id: str | None, rng: random.Random, give_up_after: float
    ) -> ClientConnection | None:
        """The frontend's retry loop: back off, ping health, reopen; None after give_up_after s."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + give_up_after
        attempt = 0
        while loop.time() < deadline:
            attempt += 1
            ceiling = min(4.0, 0.5 * 2 ** (attempt - 1))
            floor = 0.25 if attempt == 1 else ceiling / 2
            await asyncio.sleep(rng.uniform(floor, ceiling))
            if await self.get(self.endpoint.http(HEALTH_PATH), timeout=2.0) != 200:
                continue
            try:
                return await self.open_socket(last_session_id, timeout=5.0)
            except (OSError, TimeoutError, WebSocketException):
                continue  # refused, reset, or a handshake the proxy failed: try again
        return None


def rerun_message(
    query_string: str,
    widget_states: list[WidgetState],
    page_script_hash: str = "",
    page_name: str = "",
    fragment_id: str = "",
) -> bytes:
    """A serialized BackMsg asking for a script run, as the frontend's sendRerunBackMsg."""
    msg = BackMsg()
    run = msg.rerun_script
    run.query_string = query_string
    run.widget_states.widgets.extend(widget_states)
    if page_script_hash:
        run.page_script_hash = page_script_hash
    else:
        run.page_name = page_name  # first load, or a new server: the page is the URL path
    if fragment_id:
        run.fragment_id = fragment_id
    return msg.SerializeToString()


def parse(data: bytes | str) -> ForwardMsg:
    msg = ForwardMsg()
    msg.ParseFromString(data if isinstance(data, bytes) else data.encode())
    return msg
