"""`python -m attention_viz bench kernel`: Nadaraya–Watson, LOO, learned width, page times."""

from __future__ import annotations

import os
import time
from pathlib import Path

import numpy as np

from attention_viz import kernel_regression as kr
from attention_viz.bench import machine, median_seconds
from attention_viz.bench.app_server import running_app
from attention_viz.families.kernel.data import query_grid, sample

SIZES = [(50, 50), (1_000, 1_000), (10_000, 1_000)]


def run(quick: bool = False) -> None:
    repeats = 5 if quick else 30
    print(f"machine: {machine()}")
    print("nadaraya_watson (Gaussian, weights returned), median of", repeats)
    for n_train, n_query in SIZES:
        x, y = sample("d2l", n_train, 0.5, seed=0)
        q = query_grid("d2l", n_query)
        t = median_seconds(
            lambda x=x, y=y, q=q: kr.nadaraya_watson(x, y, q, "gaussian", 0.5), repeats
        )
        print(f"  n_train={n_train:>6,} n_query={n_query:>5,}: {t * 1e3:8.3f} ms")

    x, y = sample("d2l", 1_000, 0.5, seed=0)
    hs = np.logspace(-3, 3, 61)
    t = median_seconds(lambda: kr.loo_curve(x, y, hs), 3 if quick else 5, warmup=1)
    print(f"loo_curve n=1,000 x 61 bandwidths: {t * 1e3:.1f} ms")
    t = median_seconds(lambda: kr.fit_parametric(x, y, steps=100), 1 if quick else 3, warmup=0)
    print(f"fit_parametric n=1,000, 100 SGD steps: {t * 1e3:.1f} ms")

    from attention_viz.families.kernel.page_timing import kernel_rerun_seconds

    print("kernel page rerun after a bandwidth change (server side, AppTest), median:")
    for n_train in (50, 1_000, 10_000):
        times = kernel_rerun_seconds(n_train, 3 if quick else 10)
        print(f"  n_train={n_train:>6,}: {np.median(times) * 1e3:7.1f} ms")

    seconds = cold_start_to_heatmap()
    if seconds is None:
        print("streamlit run -> heatmap in Chromium: skipped (needs playwright and chromium)")
    else:
        print(f"streamlit run -> kernel heatmap visible in headless Chromium: {seconds:.2f} s")


def cold_start_to_heatmap() -> float | None:
    """Seconds from launching `streamlit run app.py` to the kernel heatmap drawn in Chromium."""
    chromium = os.environ.get("CHROMIUM", "/usr/bin/chromium")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return None
    if not Path(chromium).is_file():
        return None
    args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium, args=args)
        page = browser.new_page()
        start = time.perf_counter()
        try:
            with running_app() as url:
                page.goto(f"{url}/kernel_regression")
                page.wait_for_function(
                    "() => [...document.querySelectorAll('.js-plotly-plot')]"
                    ".some(p => p._fullData && p._fullData.some(t => t.type === 'heatmap'))",
                    timeout=60_000,
                )
                return time.perf_counter() - start
        finally:
            browser.close()
