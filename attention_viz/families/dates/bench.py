"""`python -m attention_viz bench dates`: inference latency, batched throughput, training time.

Targets (issue 3): one date <= 1 ms; >= 5,000 dates/s batched; date-attention trained from
scratch to >= 99% validation exact match in <= 60 s on a 2-core machine.
"""

from __future__ import annotations

import time

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
        figures["seconds_to_99pct"] = time_to_99()
    return figures


def time_to_99() -> float | None:
    """Train date-attention from scratch (the shipped recipe, seed 0) until 99% val exact match.

    One thread, as `python -m attention_viz train` uses.
    """
    from attention_viz.families.dates.model import DateSeq2SeqConfig
    from attention_viz.families.dates.train import TrainConfig, train_model

    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    start = time.perf_counter()
    _, history = train_model(
        DateSeq2SeqConfig(decoder="attention"),
        TrainConfig(),
        seed=0,
        log=lambda s: print("  " + s),
        stop_at=0.99,
    )
    wall = time.perf_counter() - start
    torch.set_num_threads(threads)
    reached = history[-1]["val_accuracy"] >= 0.99
    seconds = history[-1]["train_seconds"]
    print(
        f"date-attention from scratch: {history[-1]['val_accuracy']:.2%} validation exact match "
        f"after {seconds:.1f} s of training ({wall:.1f} s wall, validation included)"
        + ("" if reached else "  -- 99% NOT reached")
    )
    return seconds if reached else None
