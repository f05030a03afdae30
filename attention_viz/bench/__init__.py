"""`python -m attention_viz bench TARGET`: one module per target, each with run(quick)."""

from __future__ import annotations

import time
from collections.abc import Callable

import numpy as np


def wall_times(fn: Callable[[], object], repeats: int, warmup: int = 2) -> list[float]:
    """Wall seconds of each of `repeats` calls of fn(), after `warmup` untimed calls."""
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return times


def median_seconds(fn: Callable[[], object], repeats: int, warmup: int = 2) -> float:
    """Median wall time of fn() over `repeats` calls, after `warmup` untimed calls."""
    return float(np.median(wall_times(fn, repeats, warmup)))


def machine() -> str:
    """One line naming the machine the figures come from."""
    import os
    import platform

    import torch

    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next(line.split(":", 1)[1].strip() for line in f if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    threads = torch.get_num_threads()
    return f"{cpu}, {os.cpu_count()} cores, torch {torch.__version__}, {threads} threads"
