"""Which torch device models run on, and torch's thread count."""

from __future__ import annotations

import os

import torch

DEVICE_ENV = "ATTENTION_VIZ_DEVICE"
THREADS_ENV = "ATTENTION_VIZ_THREADS"


def pick_device() -> tuple[torch.device, str]:
    """CUDA > MPS > CPU, unless ATTENTION_VIZ_DEVICE names one.

    Returns:
        (device, note): note says why, e.g. that the requested device is unavailable.
    """
    wanted = os.environ.get(DEVICE_ENV, "").strip().lower()
    available = _available()
    if wanted:
        if wanted in available:
            return torch.device(wanted), f"set by {DEVICE_ENV}"
        return torch.device(available[0]), (
            f"{DEVICE_ENV}={wanted!r} is not available here (have: {', '.join(available)}); "
            f"using {available[0]}"
        )
    return torch.device(available[0]), "best available"


def _available() -> list[str]:
    found = []
    if torch.cuda.is_available():
        found.append("cuda")
    mps = getattr(torch.backends, "mps", None)
    if mps is not None and mps.is_available():
        found.append("mps")
    return [*found, "cpu"]


SERVER_THREADS = 1  # the app: its parallelism is its sessions, one core each (see below)


def configure_threads(default: int | None = None) -> int:
    """Set torch's intra-op threads once per process, so concurrent sessions share the cores.

    ATTENTION_VIZ_THREADS overrides; else `default`; else the number of cores this process
    may use (right for one user: the CLI, a notebook). A server passes SERVER_THREADS: each
    session's small ops on several threads each oversubscribe the cores (2 sessions x 2
    threads on 2 cores), and spin-waiting threads of the pool then slow every op several
    times over; one thread per op lets concurrent sessions use the cores instead.
    """
    try:
        n = int(os.environ.get(THREADS_ENV, "0"))
    except ValueError:
        n = 0
    if n <= 0 and default is not None:
        n = default
    if n <= 0:
        n = (
            len(os.sched_getaffinity(0))
            if hasattr(os, "sched_getaffinity")
            else os.cpu_count() or 1
        )
    if torch.get_num_threads() != n:
        torch.set_num_threads(n)
    return n
