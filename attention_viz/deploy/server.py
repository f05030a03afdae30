"""One Streamlit server of this checkout's app.py, on a loopback port, as a child process."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Mapping, Sequence
from pathlib import Path

APP = Path(__file__).resolve().parents[2] / "app.py"
HEALTH_PATH = "_stcore/health"


def healthy(url: str, timeout: float = 2.0) -> bool:
    """Whether a Streamlit server (or a proxy in front of one) answers /_stcore/health."""
    try:
        with urllib.request.urlopen(f"{url.rstrip('/')}/{HEALTH_PATH}", timeout=timeout) as r:
            return r.status == 200
    except (urllib.error.URLError, OSError):
        return False


class Server:
    """`streamlit run app.py` on 127.0.0.1:PORT, its output in `log`."""

    def __init__(
        self,
        port: int,
        log: Path,
        env: Mapping[str, str] | None = None,
        options: Sequence[str] = (),
    ) -> None:
        self.port = port
        self.url = f"http://127.0.0.1:{port}"
        self.log = log
        self.env = {**os.environ, **(env or {})}
        self.options = list(options)  # more `--section.option value` pairs
        self.process: subprocess.Popen | None = None

    def start(self, wait: float = 90.0) -> Server:
        """Start and wait until healthy. Raises RuntimeError naming the log if it is not."""
        if healthy(self.url):
            raise RuntimeError(f"something already answers at {self.url}")
        command = [
            sys.executable, "-m", "streamlit", "run", str(APP),
            "--server.headless", "true", "--server.address", "127.0.0.1",
            "--server.port", str(self.port), "--browser.gatherUsageStats", "false",
            *self.options,
        ]  # fmt: skip
        self.log.parent.mkdir(parents=True, exist_ok=True)
        with self.log.open("a") as log:
            self.process = subprocess.Popen(
                command, cwd=APP.parent, env=self.env, stdout=log, stderr=subprocess.STDOUT
            )
        deadline = time.monotonic() + wait
        while not healthy(self.url):
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"the server on port {self.port} did not start; see {self.log}")
            time.sleep(0.3)
        return self

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def kill(self) -> None:
        """Die at once, as a crashed or unplugged machine does (SIGKILL)."""
        if self.running:
            assert self.process is not None
            self.process.kill()
            self.process.wait()

    def stop(self) -> None:
        if self.running:
            assert self.process is not None
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.kill()
