"""`python -m attention_viz serve --replicas N`: the app behind nginx on this machine."""

from __future__ import annotations

import argparse
import signal
import threading
from pathlib import Path


def add_parser(sub) -> None:
    """Add the `serve` command to the CLI's subparsers."""
    c = sub.add_parser(
        "serve",
        help="run N replicas of the app behind nginx (sticky sessions, websockets) until Ctrl-C",
    )
    c.add_argument("--replicas", type=int, default=2, help="app servers (1-16)")
    c.add_argument("--port", type=int, default=8080, help="nginx listens on 127.0.0.1:PORT")
    c.add_argument(
        "--replica-port",
        type=int,
        default=8501,
        help="the first replica's port; the others follow it (8501, 8502, ...)",
    )
    c.add_argument("--dir", type=Path, default=None, help="config and logs (default: a temp dir)")
    c.add_argument("--no-warm", action="store_true", help="skip opening every page once first")
    c.add_argument(
        "--config-only",
        metavar="HOST:PORT",
        nargs="+",
        default=None,
        help="only print the nginx.conf for replicas already running at these addresses "
        "(other machines); nginx then listens on --listen",
    )
    c.add_argument("--listen", default=None, help="with --config-only, e.g. 0.0.0.0:80")
    c.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from attention_viz.deploy import replicas

    if args.config_only:
        from attention_viz.deploy.nginx import render

        directory = args.dir or Path("/var/lib/attention-viz")
        listen = args.listen or f"127.0.0.1:{args.port}"
        print(render(directory, listen, args.config_only, expose_upstream=False), end="")
        return 0
    ports = [args.replica_port + i for i in range(args.replicas)]
    try:
        warm = () if args.no_warm else replicas.PAGES
        deployment = replicas.start(args.replicas, args.port, ports, args.dir, warm=warm)
    except RuntimeError as e:
        raise ValueError(str(e)) from e
    print(f"Attention Lab: {deployment.url}  ({args.replicas} replicas on ports {ports})")
    print(f"config and logs: {deployment.directory}   (Ctrl-C stops everything)")
    done = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: done.set())
    try:
        while not done.wait(1.0):
            dead = [r.port for r in deployment.replicas if not r.running]
            if dead:
                print(f"replica(s) on {dead} stopped; nginx sends their students to the others")
                done.set()
    except KeyboardInterrupt:
        pass
    finally:
        deployment.stop()
    return 0
