"""N identical app replicas on loopback ports behind nginx, on one machine.

Nothing is shared between replicas: a student's state lives in their session (on one
replica, reached through the affinity cookie) and in their URL, so a replica can die and the
student's page comes back on another from the URL alone. The replicas share one cookie
secret so that a cookie one of them signed is valid on the others.
"""

from __future__ import annotations

import asyncio
import random
import secrets
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from attention_viz.deploy.nginx import Nginx, render
from attention_viz.deploy.server import Server, healthy
from attention_viz.loadtest.limits import PAGES
from attention_viz.loadtest.runner import run_sync

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
    warm: Sequence[str] = PAGES,
) -> Deployment:
    """Start the replicas, warm them, then nginx on 127.0.0.1:port; stops what started if
    one fails.

    Args:
        replica_ports: one loopback port per replica.
        directory: where the config and logs go (default: a new temporary directory).
        warm: pages each replica runs once before nginx opens (load generator names, see
            attention_viz.loadtest.limits): imports and models are loaded before the
            first student arrives, not by a room of them at once.
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
        if warm:
            warm_up([r.url for r in deployment.replicas], warm)
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


def warm_up(urls: list[str], pages: Sequence[str]) -> float:
    """Open each page once on each server (servers in parallel, pages in turn): imports and
    models load now. Returns the seconds it took (a cold start's cost)."""
    started = time.monotonic()
    run_sync(_warm(urls, pages))
    return time.monotonic() - started


async def _warm(urls: list[str], pages: Sequence[str]) -> None:
    from attention_viz.loadtest.actions import SCENARIOS
    from attention_viz.loadtest.protocol import Endpoint
    from attention_viz.loadtest.session import Tab

    async def one(url: str) -> None:
        for page in pages:
            scenario = SCENARIOS[page]
            tab = Tab(Endpoint.of(url, scenario.path), random.Random(0), timeout=120)
            run = await tab.open(scenario.query(random.Random(0)))
            await tab.close()
            if run.error:
                raise RuntimeError(f"warming {url}/{scenario.path} failed: {run.error}")

    await asyncio.gather(*(one(u) for u in urls))


def _wait_healthy(url: str, seconds: float = 10.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if healthy(url):
            return True
        time.sleep(0.2)
    return False
