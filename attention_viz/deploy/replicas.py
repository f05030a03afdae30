"""N identical app replicas on loopback ports behind nginx, on one machine.

Nothing is shared between replicas: a student's state lives in their session (on one
replica, reached through the affinity cookie) and in their URL, so a replica can die and the
student's page comes back on another from the URL alone. The replicas share one cookie
secret so that a cookie one of them signed is valid on the others.
"""

from __future__ import annotations

import secrets
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from attention_viz.deploy.nginx import Nginx, render
from attention_viz.deploy.server import Server, healthy

MAX_REPLICAS = 16


@dataclass
class Deployment:
    directory: Path  # nginx.conf, its logs and temp files, and one log per replica
    url: str  # what students open: the proxy
    replicas: list[Server] = field(default_factory=list)
    proxy: Nginx | None = None

    def replica_at(self, address: str) -> Server:
        """The replica an X-Upstream header ("127.0.0.1:PORT") names."""
        return next(r for r in self.replicas if address.endswith(f":{r.port}"))

    def stop(self) -> None:
        if self.proxy is not None:
            self.proxy.stop()
        for r in self.replicas:
            r.stop()


def start(
    replicas: int,
    port: int,
    replica_ports: list[int],
    directory: Path | None = None,
    expose_upstream: bool = True,
) -> Deployment:
    """Start the replicas, then nginx on 127.0.0.1:port; stops what started if one fails.

    Args:
        replica_ports: one loopback port per replica.
        directory: where the config and logs go (default: a new temporary directory).
    """
    if not 1 <= replicas <= MAX_REPLICAS or len(replica_ports) != replicas:
        raise ValueError(f"give 1 to {MAX_REPLICAS} replicas, one port each")
    if healthy(f"http://127.0.0.1:{port}"):
        raise RuntimeError(f"something already answers on port {port}")
    directory = directory or Path(tempfile.mkdtemp(prefix="attention-viz-replicas-"))
    secret = secrets.token_hex(32)
    deployment = Deployment(directory, f"http://127.0.0.1:{port}")
    try:
        for p in replica_ports:
            env = {"STREAMLIT_SERVER_COOKIE_SECRET": secret}  # not on the command line (ps)
            server = Server(p, directory / f"replica-{p}.log", env=env)
            deployment.replicas.append(server.start())
        config = render(
            directory,
            f"127.0.0.1:{port}",
            [f"127.0.0.1:{p}" for p in replica_ports],
            expose_upstream=expose_upstream,
        )
        deployment.proxy = Nginx(directory, config).start()
        if not _wait_healthy(deployment.url):
            raise RuntimeError(f"nginx does not answer on {deployment.url}; see {directory}")
    except BaseException:
        deployment.stop()
        raise
    return deployment


def _wait_healthy(url: str, seconds: float = 10.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if healthy(url):
            return True
        time.sleep(0.2)
    return False
