"""`python -m attention_viz bench transformer`: training time to target, latency, throughput.

Targets (the issue): each model trained from scratch on one CPU thread in <= 120 s; one input
<= 2 ms (the median). Latency is measured two ways, both greedy on one thread, each as the
fastest and the median of the repeated calls:

    prediction only   model.predict(text, detail=False): the output and its main attention map
    with all maps     model.predict(text): every map (cross, encoder and decoder
                      self-attention), the top candidates of each step, the log-probability

One input on the CPU decodes in numpy (one_input.py), batches in torch (incremental.py).
Full runs retrain every model (minutes); --quick reads the training figures from the shipped
weights' record instead. Timings depend on the machine's load: each model's line says it.
"""

from __future__ import annotations

import os

import numpy as np
import torch

from attention_viz.bench import machine, median_seconds, wall_times
from attention_viz.registry import list_models, load_model

BATCH = 2_000  # inputs per batched-throughput measurement


def _inputs(model, n: int) -> list[str]:
    if model.task.name == "dates":
        from attention_viz.families.dates import data

        return [e.text for e in data.generate(n, "test", data.TEST_SEED)]
    from attention_viz.families.transformer import tasks

    return model.task.generate(n, tasks.TEST_SEED)


def _load() -> str:
    try:
        return "load average " + " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "load average unknown"


def run(quick: bool = False) -> dict:
    """Print and return per model: training figures, latency (ms) both ways, inputs/s."""
    print(f"{machine()}; {_load()}")
    figures: dict = {"machine": machine(), "load": _load(), "models": {}}
    repeats = 50 if quick else 300
    for name in list_models("transformer"):
        model = load_model(name)
        texts = _inputs(model, 200 if quick else BATCH)
        one_text = max(texts[:20], key=len)  # the longest of the first few: not a lucky short one
        threads = torch.get_num_threads()
        torch.set_num_threads(1)  # one short input: a second thread only waits
        load = _load()
        lean = _latency(lambda m=model, t=one_text: m.predict(t, detail=False), repeats)
        full = _latency(lambda m=model, t=one_text: m.predict(t), repeats)
        batch_1 = _batch_seconds(model, texts, quick)
        torch.set_num_threads(threads)
        batch = _batch_seconds(model, texts, quick)
        trained = _training(model) if quick else _time_to_target(name)
        figures["models"][name] = {
            **trained,
            "input_chars": len(one_text),
            "ms_prediction_only": lean[1],
            "ms_prediction_only_fastest": lean[0],
            "ms_with_all_maps": full[1],
            "ms_with_all_maps_fastest": full[0],
            "latency_load": load,
            "inputs_per_s": len(texts) / batch,
            "inputs_per_s_1_thread": len(texts) / batch_1,
        }
        print(
            f"{name:<22} one input ({len(one_text)} chars, 1 thread), fastest / median of "
            f"{repeats}: prediction only {lean[0]:.2f} / {lean[1]:.2f} ms, with all maps "
            f"{full[0]:.2f} / {full[1]:.2f} ms ({load})\n"
            f"{'':<22} batched {len(texts) / batch:,.0f} inputs/s ({threads} threads), "
            f"{len(texts) / batch_1:,.0f} inputs/s (1 thread)\n"
            f"{'':<22} training: {_describe(trained)}"
        )
    return figures


def _latency(fn, repeats: int, warmup: int = 20) -> tuple[float, float]:
    """(fastest, median) wall time of fn() in ms over `repeats` calls, after warmup calls."""
    times = wall_times(fn, repeats, warmup)
    return min(times) * 1e3, float(np.median(times)) * 1e3


def _batch_seconds(model, texts: list[str], quick: bool) -> float:
    return median_seconds(lambda: model.predict_batch(texts), repeats=1 if quick else 3, warmup=1)


def _training(model) -> dict:
    """The shipped weights' training figures (their JSON record)."""
    record = model.training_record
    last = record["history"][-1]
    return {
        "train_seconds": last["train_seconds"],
        "cpu_seconds": last.get("cpu_seconds"),
        "steps": last.get("step"),
        "batch_size": record["training"]["batch_size"],
        "val_accuracy": last["val_accuracy"],
        "load": record["training"].get("load_average"),
    }


def _describe(t: dict) -> str:
    per_step = t["train_seconds"] / t["steps"] if t.get("steps") else None
    cpu = "" if t.get("cpu_seconds") is None else f" ({t['cpu_seconds']} s of CPU)"
    load = t.get("load") or ""
    if isinstance(load, list):  # the shipped record: load average at the start and the end
        load = f"load average {load[0]} -> {load[-1]}"
    load = f", {load}" if load else ""
    # a recipe that stops only at a target it did not reach ran its whole schedule
    schedule = ", the whole schedule" if t.get("target_reached") is False else ""
    return (
        f"{t['train_seconds']} s to validation {t['val_accuracy']}{cpu}, {t['steps']} steps of "
        f"{t['batch_size']} = {per_step:.3f} s/step{schedule}{load}"
        if per_step
        else f"{t['train_seconds']} s"
    )


def _time_to_target(name: str) -> dict:
    """Train `name` from scratch with the shipped recipe (seed 0, one thread)."""
    from attention_viz.families.transformer.train import train_model

    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    load = _load()
    try:
        _, history, config = train_model(name, seed=0, log=lambda s: None)
    finally:
        torch.set_num_threads(threads)
    last = history[-1]
    return {
        # to the recipe's end: its validation target, or its last step (sort's target of
        # 1.0 runs the whole schedule)
        "train_seconds": last["train_seconds"],
        "target_reached": last["val_accuracy"] >= config.target,
        "cpu_seconds": last.get("cpu_seconds"),
        "steps": last["step"],
        "batch_size": config.batch_size,
        "val_accuracy": last["val_accuracy"],
        "load": f"{load} at the start",
    }
