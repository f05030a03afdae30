"""The capacity sweep: levels of concurrent sessions against one server, each for T seconds,
with the server's memory (RSS) and CPU read from /proc (psutil is not a dependency).

The sweep starts its own server (this checkout's app.py on the URL's loopback port), opens
every page once (a cold start, timed apart from the levels) and stops it at the end; or it
measures a running server given its process id.
"""

from __future__ import annotations

import os
import tempfile
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from urllib.parse import urlsplit

from attention_viz.deploy.replicas import warm_up
from attention_viz.deploy.server import Server
from attention_viz.loadtest.limits import PAGES
from attention_viz.loadtest.protocol import check_loopback
from attention_viz.loadtest.report import Resources
from attention_viz.loadtest.runner import Event, check_bounds, run_load

TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
MAX_LEVELS = 10


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (/proc/PID/stat fields 14 and 15)."""
    stat = Path(f"/proc/{pid}/stat").read_text()
    fields = stat[stat.rindex(")") + 2 :].split()  # after "pid (comm) "
    return (int(fields[11]) + int(fields[12])) / TICKS


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


class Sampler:
    """Samples a process's RSS twice a second on a thread; CPU from the start and end times."""

    def __init__(self, pid: int, every: float = 0.5) -> None:
        self.pid, self.every = pid, every
        self.peak = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)

    def _loop(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, rss_mb(self.pid))
            self._stop.wait(self.every)

    def __enter__(self) -> Sampler:
        self._t0, self._cpu0, self._self0 = time.monotonic(), cpu_seconds(self.pid), _own_cpu()
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.wall = wall = max(time.monotonic() - self._t0, 1e-9)
        self.cpu_pct = 100 * (cpu_seconds(self.pid) - self._cpu0) / wall
        self.client_cpu_pct = 100 * (_own_cpu() - self._self0) / wall
        self.end = rss_mb(self.pid)


def _own_cpu() -> float:
    t = os.times()
    return t.user + t.system


def sweep(
    url: str,
    levels: Sequence[int],
    seconds: float,
    pages: Sequence[str],
    seed: int = 0,
    server_pid: int | None = None,
    server_env: Mapping[str, str] | None = None,
    pause: float = 5.0,
    log: Callable[[str], None] = print,
    train_steps: int | None = None,
) -> tuple[list[Event], list[Resources]]:
    """Run each level in turn against one server; returns every event and each level's
    server figures. Starts (and stops) the server unless `server_pid` names a running one."""
    if not 1 <= len(levels) <= MAX_LEVELS:
        raise ValueError(f"--sweep takes 1 to {MAX_LEVELS} levels")
    for level in levels:
        check_bounds(url, level, seconds, pages)
    _, port = check_loopback(url)
    server = None
    if server_pid is None:
        log_file = Path(tempfile.mkdtemp(prefix="attention-viz-sweep-")) / "server.log"
        server = Server(port, log_file, server_env).start()
        url, server_pid = server.url + urlsplit(url).path, server.pid
        log(f"started {url} (pid {server_pid}); log: {server.log}")
        log(f"cold start: every page opened once in {warm_up([server.url], PAGES):.1f} s")
    events: list[Event] = []
    resources: list[Resources] = []
    try:
        log(f"idle server: RSS {rss_mb(server_pid):.0f} MB")
        for level in levels:
            log(f"{level} sessions for {seconds:g} s (load average {os.getloadavg()[0]:.2f})")
            with Sampler(server_pid) as s:
                level_events = run_load(
                    url, level, seconds, pages, seed=seed, train_steps=train_steps
                )
            events += level_events
            resources.append(
                Resources(
                    level,
                    round(s.peak, 1),
                    round(s.end, 1),
                    round(s.cpu_pct, 1),
                    round(s.client_cpu_pct, 1),
                    round(os.getloadavg()[0], 2),
                    round(s.wall, 1),
                    len(level_events),
                )
            )
            time.sleep(pause)  # disconnected sessions are cleaned up between levels
    finally:
        if server is not None:
            server.stop()
    return events, resources
