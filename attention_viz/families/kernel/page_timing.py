"""Server-side rerun time of a page after a widget change, for `bench` (drives AppTest)."""

from __future__ import annotations

import time
from pathlib import Path

from streamlit.testing.v1 import AppTest

PAGES = Path(__file__).resolve().parent


def kernel_rerun_seconds(n_train: int, repeats: int) -> list[float]:
    """Times of the kernel page's rerun after each bandwidth change (alternating 0.3 / 0.6)."""
    at = AppTest.from_file(str(PAGES / "page.py"), default_timeout=120)
    at.query_params["n_train"] = str(n_train)
    at.run()
    times = []
    for i in range(repeats + 1):
        slider = at.select_slider(key="bandwidth").set_value(0.3 if i % 2 else 0.6)
        start = time.perf_counter()
        slider.run()
        times.append(time.perf_counter() - start)
        if at.exception:
            raise RuntimeError(at.exception[0].message)
    return times[1:]  # the first rerun also warms caches
