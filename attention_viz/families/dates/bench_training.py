"""Training speed of date-attention, for `python -m attention_viz bench dates`.

    shipped_recipe()   the recipe of pretrained/date-attention (train.py), validated every
                       20 steps, data generated before the clock runs
    live_recipe()      the page's live training (live.py); BEFORE: its recipe before the
                       speed-up (batch 256 at 5e-3, the for-loop Adam)
    responsiveness()   one date's latency on another thread, idle and during a live training

The clocks count optimisation only (no data generation, no validation), one torch thread
unless told otherwise, twice: wall seconds, and CPU seconds of the training thread (what the
training itself cost when other processes share the cores). Each returns, for 99% and 99.9%
validation exact match, where it was first reached: {"step", "seconds", "cpu_seconds"}, or
None when not within the run; and the load average before and after the run.
"""

from __future__ import annotations

import math
import os
import threading
import time
from dataclasses import replace

import torch

from attention_viz.bench import median_seconds
from attention_viz.device import THREADS_ENV
from attention_viz.families.dates import data, live, train, vocab
from attention_viz.families.dates.evaluate import exact_match
from attention_viz.families.dates.model import DateSeq2Seq, DateSeq2SeqConfig
from attention_viz.training import training_threads

TARGETS = (0.99, 0.999)
BEFORE = live.LiveConfig(batch_size=256, learning_rate=5e-3, warmup_steps=30, fused_adam=False)


def _reached(curve: list[tuple[int, float, float, float]], load_before: float) -> dict:
    """curve: (step, seconds, cpu seconds, val accuracy) -> {"99.0%": {...} or None,
    "99.9%": ..., "load": (1-minute load average before, after)}."""
    out: dict = {}
    for target in TARGETS:
        hit = next((r for r in curve if r[3] >= target), None)
        out[f"{target:.1%}"] = (
            None if hit is None else {"step": hit[0], "seconds": hit[1], "cpu_seconds": hit[2]}
        )
    out["load"] = (round(load_before, 2), round(os.getloadavg()[0], 2))
    return out


def shipped_recipe(max_epochs: int = 4, eval_every: int = 20, log=print) -> dict:
    """train.py's recipe for date-attention (seed 0): batches of 256 sorted by length and
    padded, Adam 5e-3 with its warm-up and cosine schedule over 12 epochs of 50,000 examples."""
    cfg = train.recipe("date-attention")
    torch.manual_seed(cfg.seed)
    model = DateSeq2Seq(DateSeq2SeqConfig(decoder="attention"), vocab.SOURCE_VOCAB)
    steps = cfg.epochs * math.ceil(cfg.examples_per_epoch / cfg.batch_size)
    optimizer = torch.optim.Adam(model.parameters(), lr=cfg.learning_rate)
    scheduler = torch.optim.lr_scheduler.LambdaLR(
        optimizer, lambda k: train.rate_factor(k, steps, cfg.warmup_steps)
    )
    val = data.generate(cfg.val_examples, "val", data.VAL_SEED)
    curve: list[tuple[int, float, float, float]] = []
    seconds, cpu_seconds, step = 0.0, 0.0, 0
    load = os.getloadavg()[0]
    with training_threads():
        for epoch in range(1, max_epochs + 1):
            examples = train.epoch_examples(cfg, epoch)
            batches = list(train._batches(examples, cfg.batch_size, cfg.seed * 1000 + epoch))
            for batch in batches:
                start, start_cpu = time.perf_counter(), time.thread_time()
                model.train()
                loss = train._loss(model, batch)
                optimizer.zero_grad(set_to_none=True)
                loss.backward()
                torch.nn.utils.clip_grad_norm_(model.parameters(), cfg.grad_clip)
                optimizer.step()
                scheduler.step()
                seconds += time.perf_counter() - start
                cpu_seconds += time.thread_time() - start_cpu
                step += 1
                if step % eval_every == 0:
                    curve.append((step, seconds, cpu_seconds, exact_match(model.eval(), val)))
                    if curve[-1][3] >= TARGETS[-1]:
                        log(f"  shipped recipe: step {step}, {seconds:.1f} s, {curve[-1][3]:.2%}")
                        return _reached(curve, load)
            log(f"  shipped recipe: epoch {epoch}, {seconds:.1f} s, {curve[-1][3]:.2%}")
    return _reached(curve, load)


def live_recipe(
    threads: int = 1, config: live.LiveConfig | None = None, seed: int = 0, log=print
) -> dict:
    """The live trainer to 99.9% validation exact match (validated every 10 steps)."""
    config = replace(config or live.LiveConfig(), eval_every=10, seed=seed)
    prepared = live.prepare(config)
    before = os.environ.get(THREADS_ENV)
    os.environ[THREADS_ENV] = str(threads)  # training_threads() reads it
    try:
        curve = []
        load = os.getloadavg()[0]
        for e in live.LiveTrainer(config, prepared).run():
            curve.append((e.step, e.seconds, e.cpu_seconds, e.val_accuracy))
        log(
            f"  live recipe (batch {config.batch_size}), {threads} thread(s), seed {seed}: "
            f"step {e.step}, {e.cpu_seconds:.1f} s CPU, {e.seconds:.1f} s wall, "
            f"{e.val_accuracy:.2%} ({e.reason})"
        )
    finally:
        if before is None:
            os.environ.pop(THREADS_ENV)
        else:
            os.environ[THREADS_ENV] = before
    return _reached(curve, load)


def responsiveness(model, repeats: int = 200) -> dict:
    """Median ms of one predict() on this thread, idle and while a live training runs on
    another (what a second session sees)."""
    text = "Tuesday, September 25, 1984"
    idle = median_seconds(lambda: model.predict(text), repeats)
    config = replace(live.LiveConfig(), max_steps=100_000, target=2.0, pool_examples=20_000)
    trainer = live.LiveTrainer(config, live.prepare(config))
    stop = threading.Event()
    worker = threading.Thread(target=lambda: [None for _ in trainer.run(stop)], daemon=True)
    worker.start()
    time.sleep(1.0)  # let it get going
    busy = median_seconds(lambda: model.predict(text), repeats)
    stop.set()
    worker.join()
    return {"idle_ms": idle * 1e3, "during_training_ms": busy * 1e3}
