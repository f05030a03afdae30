"""`python -m attention_viz bench dates`: inference latency, batched throughput, training time.

Targets (issue 3): one date <= 1 ms; >= 5,000 dates/s batched. Issue 11: date-attention
trained from scratch to >= 99% validation exact match in <= 20 s on a 2-core machine (aim:
99.9% in <= 10 s); before (the shipped recipe) and after (the live recipe): bench_training.
"""

from __future__ import annotations

import torch

from attention_viz.bench import machine, median_seconds
from attention_viz.families.dates import data
from attention_viz.registry import list_models, load_model


def run(quick: bool = False) -> dict:
    """Print and return the figures: per model latency (ms) and throughput (dates/s).

    Latency is measured with the process's threads (what the app and CLI use) and with one.
    """
    print(machine())
    texts = [e.text for e in data.generate(2_000 if quick else 10_000, "test", data.TEST_SEED)]
    figures: dict = {"machine": machine(), "models": {}}
    for name in list_models("dates"):
        model = load_model(name)
        one = median_seconds(
            lambda m=model: m.predict("Tuesday, September 25, 1984"), repeats=20 if quick else 300
        )
        batch = median_seconds(
            lambda m=model: m.predict_batch(texts), repeats=1 if quick else 3, warmup=1
        )
        threads = torch.get_num_threads()
        torch.set_num_threads(1)  # one date is ten tiny steps: a second thread only waits
        one_1 = median_seconds(
            lambda m=model: m.predict("Tuesday, September 25, 1984"), repeats=20 if quick else 300
        )
        torch.set_num_threads(threads)
        figures["models"][name] = {
            "ms_per_date": one * 1e3,
            "ms_per_date_1_thread": one_1 * 1e3,
            "dates_per_s": len(texts) / batch,
        }
        print(
            f"{name:<16} one date {one * 1e3:.3f} ms ({one_1 * 1e3:.3f} ms on 1 thread)   "
            f"batched {len(texts) / batch:,.0f} dates/s ({len(texts):,} dates)"
        )
    if not quick:
        figures["training"] = training_speed(load_model("date-attention"))
    return figures


def training_speed(model) -> dict:
    """Time to 99% and 99.9% validation exact match: shipped recipe vs the live one."""
    from attention_viz.families.dates import bench_training as bt

    print("date-attention from scratch (optimisation seconds; no data generation or validation):")
    figures = {
        "shipped recipe, 1 thread": bt.shipped_recipe(),
        "live recipe, 1 thread": bt.live_recipe(threads=1),
        "live recipe, 2 threads": bt.live_recipe(threads=2),
    }
    for name, reached in figures.items():
        shown = "   ".join(
            f"{k}: " + ("not reached" if v is None else f"{v[1]:.1f} s (step {v[0]})")
            for k, v in reached.items()
        )
        print(f"  {name:<26} {shown}")
    latency = bt.responsiveness(model)
    figures["responsiveness"] = latency
    print(
        f"one date on another thread: {latency['idle_ms']:.2f} ms idle, "
        f"{latency['during_training_ms']:.2f} ms while a live training runs"
    )
    return figures
