"""A `streamlit run app.py` the fault tests own: its own environment, a crash (kill -9) and a
restart on the same port, and its resident memory read from /proc."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from attention_viz.bench.app_server import free_port

ROOT = Path(__file__).resolve().parent.parent


class AppServer:
    """One server process on a fixed loopback port; start() again after kill() to restart."""

    def __init__(self, env: dict[str, str] | None = None, port: int | None = None):
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {**os.environ, **(env or {})}
        self.process: subprocess.Popen | None = None
        self.log = tempfile.TemporaryFile(mode="w+")  # noqa: SIM115 - closed in __exit__

    def start(self, timeout: float = 90.0) -> float:
        """Start the server; returns the seconds until /_stcore/health answered."""
        started = time.perf_counter()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless=true",
             f"--server.port={self.port}", "--server.address=127.0.0.1",
             "--browser.gatherUsageStats=false", "--server.fileWatcherType=none"],
            cwd=ROOT, env=self.env, stdout=self.log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        while True:
            try:
                with urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=1) as r:
                    if r.status == 200:
                        return time.perf_counter() - started
            except OSError:
                pass
            if self.process.poll() is not None or time.perf_counter() - started > timeout:
                raise RuntimeError(f"streamlit did not start:\n{self.log_text()}")
            time.sleep(0.05)

    def kill(self) -> None:
        """A crash: SIGKILL, no clean shutdown, the browser's websocket just drops."""
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(10)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def rss_mb(self) -> float:
        """Resident memory of the server process (VmRSS), in MB."""
        assert self.process is not None
        for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
        raise RuntimeError("no VmRSS line")

    def log_text(self) -> str:
        self.log.seek(0)
        return self.log.read()

    def __enter__(self) -> AppServer:
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()
        self.log.close()


@contextmanager
def sessions(browser, count: int) -> Iterator[list]:
    """`count` browser sessions (contexts); fails if any page logged a JavaScript error."""
    contexts = [browser.new_context(viewport={"width": 1300, "height": 900}) for _ in range(count)]
    errors: list[str] = []
    pages = []
    for c in contexts:
        p = c.new_page()
        p.on("pageerror", lambda e: errors.append(str(e)))
        pages.append(p)
    try:
        yield pages
    finally:
        for c in contexts:
            c.close()
    assert not errors, f"JavaScript errors: {errors}"
