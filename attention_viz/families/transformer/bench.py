"""`python -m attention_viz bench transformer`: training time to target, latency, throughput.

Targets (the issue): each model trained from scratch on one CPU thread in <= 120 s; one input
<= 2 ms. Full runs retrain every model (minutes); --quick reads the training time from the
shipped weights' record instead.
"""

from __future__ import annotations

import torch

from attention_viz.bench import machine, median_seconds
from attention_viz.registry import list_models, load_model

BATCH = 2_000  # inputs per batched-throughput measurement


def _inputs(model, n: int) -> list[str]:
    if model.task.name == "dates":
        from attention_viz.families.dates import data

        return [e.text for e in data.generate(n, "test", data.TEST_SEED)]
    from attention_viz.families.transformer import tasks

    return model.task.generate(n, tasks.TEST_SEED)


def run(quick: bool = False) -> dict:
    """Print and return per model: training seconds to target, latency (ms), inputs/s."""
    print(machine())
    figures: dict = {"machine": machine(), "models": {}}
    for name in list_models("transformer"):
        model = load_model(name)
        texts = _inputs(model, 200 if quick else BATCH)
        one_text = texts[0]
        threads = torch.get_num_threads()
        torch.set_num_threads(1)  # one short input: a second thread only waits
        one = median_seconds(lambda m=model, t=one_text: m.predict(t), repeats=20 if quick else 200)
        batch_1 = _batch_seconds(model, texts, quick)
        torch.set_num_threads(threads)
        batch = _batch_seconds(model, texts, quick)
        seconds = model.training_record["training"]["seconds"] if quick else _time_to_target(name)
        figures["models"][name] = {
            "train_seconds_to_target": seconds,
            "ms_per_input_1_thread": one * 1e3,
            "inputs_per_s": len(texts) / batch,
            "inputs_per_s_1_thread": len(texts) / batch_1,
        }
        print(
            f"{name:<22} trained in {seconds} s   one input {one * 1e3:.2f} ms (1 thread, "
            f"{len(one_text)} chars)   batched {len(texts) / batch:,.0f} inputs/s "
            f"({threads} threads), {len(texts) / batch_1:,.0f} inputs/s (1 thread)"
        )
    return figures


def _batch_seconds(model, texts: list[str], quick: bool) -> float:
    return median_seconds(lambda: model.predict_batch(texts), repeats=1 if quick else 3, warmup=1)


def _time_to_target(name: str) -> float | None:
    """Train `name` from scratch with the shipped recipe (seed 0, one thread) until its target."""
    from attention_viz.families.transformer.train import train_model

    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        _, history, config = train_model(name, seed=0, log=lambda s: None)
    finally:
        torch.set_num_threads(threads)
    last = history[-1]
    return last["train_seconds"] if last["val_accuracy"] >= config.target else None
