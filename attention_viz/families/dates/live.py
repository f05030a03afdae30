"""Training date-attention from scratch while a page watches: progress events, stop on request.

    data = live.prepare(LiveConfig())                     # generated and encoded once (cache it)
    trainer = live.LiveTrainer(LiveConfig(), data, watch="Tuesday, September 25, 1984")
    for event in trainer.run(stop):                       # stop: a threading.Event
        event.step, event.seconds, event.loss, event.val_accuracy, event.attention
    trainer.model                                         # the trained model, in eval mode

Faster than the shipped recipe (`train.py`) per example: the examples are generated and
turned into tensors before the clock starts, and every batch holds inputs of one length, so
the encoder runs without packing or masks. Adam has a short warm-up and a cosine decay, and
the run ends as soon as the validation exact match reaches the target. The clocks count
optimisation only, not data generation or validation: `seconds` on the wall, `cpu_seconds` in
CPU time of the training thread (what it cost when other processes share the cores).

Shape symbols: B batch size, T_k input characters (one length per batch), T_q = 10 output
characters (+1: the start symbol), V target vocabulary size.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field

import numpy as np
import torch
import torch.nn.functional as F

from attention_viz.families.dates import data, vocab
from attention_viz.families.dates.model import DateSeq2Seq, DateSeq2SeqConfig
from attention_viz.training import training_threads


@dataclass(frozen=True)
class LiveConfig:
    decoder: str = "attention"  # the decoder of date-attention (any of decoders.DECODERS)
    # `bench dates` (2-core Xeon, load ~1, one thread), CPU seconds of the training thread to
    # 99% / 99.9% validation for seeds 0 / 1 / 2: 128 at 8e-3 2.8 / 3.3 / 3.5 and 5.8 / 4.2 /
    # 8.0 s; before, 256 at 5e-3 (warm-up 30, for-loop Adam) 6.7 / 5.8 / 5.4 and 12.8 / 7.7 /
    # 9.7 s. A smaller batch costs more per date (96 vs 83 us) but needs fewer dates; 64 at
    # 8e-3 was about as fast as 128 (99.9%: 6.1 / 5.7 s, seeds 0 / 1), 512 at 1e-2 slower.
    batch_size: int = 128  # one input length per batch
    learning_rate: float = 8e-3  # Adam's peak rate, after a linear warm-up
    warmup_steps: int = 60  # the first steps' gradients are large: ramp the rate up
    max_steps: int = 1_200  # the budget; the cosine decay reaches its floor (5%) here
    grad_clip: float = 1.0  # gradient norm
    # One kernel updates every parameter; False: the for-loop Adam (the recipe before, which
    # the bench still measures), ~10% of a step more.
    fused_adam: bool = True
    pool_examples: int = 100_000  # training examples generated once, before the clock starts
    val_examples: int = 2_000  # validation dates (data.VAL_SEED), scored every eval_every steps
    eval_every: int = 25  # steps between validations (and progress events)
    target: float = 0.999  # stop once the validation exact match reaches this
    seed: int = 0


@dataclass(frozen=True)
class Prepared:
    """Training examples as tensors grouped by input length, and the validation set."""

    by_length: list[tuple[torch.Tensor, torch.Tensor]]  # per length: ids (N, T_k), targets (N, 11)
    val: list[data.Example]


@dataclass(frozen=True)
class Progress:
    """One progress event: after `step` optimiser steps."""

    step: int
    seconds: float  # training time so far, wall clock (no data generation, no validation)
    cpu_seconds: float  # the same, in CPU time of the training thread (others' load excluded)
    loss: float  # mean training loss since the previous event (nan at step 0)
    val_accuracy: float  # validation exact match now
    output: str  # the model's output for the watched input
    attention: np.ndarray | None  # (T_q, len(watch)) its attention over the watched input
    done: bool = False
    reason: str = ""  # "target", "budget" or "stopped" on the last event


def prepare(config: LiveConfig) -> Prepared:
    """Generate and encode the training pool and the validation set (not timed)."""
    examples = data.generate(config.pool_examples, "train", config.seed * 1000 + 1)
    groups: dict[int, list[data.Example]] = {}
    for e in examples:
        groups.setdefault(len(e.text), []).append(e)
    by_length = []
    for _, group in sorted(groups.items()):
        ids, _, _ = vocab.encode_sources([e.text for e in group])  # (N, T_k), no padding
        targets = vocab.encode_targets([e.target for e in group])  # (N, 11)
        by_length.append((torch.from_numpy(ids), torch.from_numpy(targets)))
    return Prepared(by_length, data.generate(config.val_examples, "val", data.VAL_SEED))


def rate_factor(step: int, config: LiveConfig) -> float:
    """Linear warm-up to the peak, then cosine decay to 5% of it at max_steps."""
    if step < config.warmup_steps:
        return (step + 1) / config.warmup_steps
    k = min((step - config.warmup_steps) / max(config.max_steps - config.warmup_steps, 1), 1.0)
    return 0.05 + 0.95 * 0.5 * (1 + math.cos(math.pi * k))


@dataclass
class LiveTrainer:
    """A fresh model and its optimiser; run() trains it and yields Progress events."""

    config: LiveConfig
    prepared: Prepared
    watch: str = "Tuesday, September 25, 1984"  # the input whose attention is reported
    model: DateSeq2Seq = field(init=False)

    def __post_init__(self) -> None:
        vocab.check_input(self.watch)  # refuse a bad watched input before training starts
        torch.manual_seed(self.config.seed)
        self.model = DateSeq2Seq(DateSeq2SeqConfig(decoder=self.config.decoder), vocab.SOURCE_VOCAB)

    def run(self, stop: threading.Event | None = None) -> Iterator[Progress]:
        """Train on one torch thread until the target, the step budget or `stop` is set."""
        with training_threads():
            yield from self._run(stop or threading.Event())
        self.model.eval()

    def _run(self, stop: threading.Event) -> Iterator[Progress]:
        c, model = self.config, self.model
        optimizer = torch.optim.Adam(model.parameters(), lr=c.learning_rate, fused=c.fused_adam)
        params = list(model.parameters())
        batches = self._batches()
        seconds, cpu_seconds, losses, step = 0.0, 0.0, [], 0
        yield self._progress(0, 0.0, 0.0, [])  # the untrained model: where the curves start
        while True:
            start, start_cpu = time.perf_counter(), time.thread_time()
            model.train()
            for _ in range(min(c.eval_every, c.max_steps - step)):
                if stop.is_set():
                    break
                ids, targets = next(batches)
                for group in optimizer.param_groups:
                    group["lr"] = c.learning_rate * rate_factor(step, c)
                logits, _ = model(ids, _full_lengths(ids), targets[:, :-1])  # (B, T_q, V)
                loss = F.cross_entropy(logits.flatten(0, 1), targets[:, 1:].flatten())
                optimizer.zero_grad(set_to_none=True)
                loss.backward()
                torch.nn.utils.clip_grad_norm_(params, c.grad_clip, foreach=True)
                optimizer.step()
                losses.append(loss.detach())
                step += 1
            seconds += time.perf_counter() - start
            cpu_seconds += time.thread_time() - start_cpu
            event = self._progress(step, seconds, cpu_seconds, losses)
            losses = []
            reason = _reason(stop.is_set(), event.val_accuracy >= c.target, step >= c.max_steps)
            if reason:
                yield Progress(**{**event.__dict__, "done": True, "reason": reason})
                return
            yield event

    def _progress(
        self, step: int, seconds: float, cpu_seconds: float, losses: list[torch.Tensor]
    ) -> Progress:
        model = self.model.eval()
        with torch.inference_mode():
            val = self.prepared.val
            preds = model.predict_batch([e.text for e in val])
            accuracy = float(np.mean([p.text == e.target for p, e in zip(preds, val, strict=True)]))
            watched = model.predict(self.watch)
        loss = float(torch.stack(losses).mean()) if losses else float("nan")
        return Progress(
            step,
            round(seconds, 3),
            round(cpu_seconds, 3),
            loss,
            accuracy,
            watched.text,
            watched.attention,
        )

    def _batches(self) -> Iterator[tuple[torch.Tensor, torch.Tensor]]:
        """Endless batches of one input length each, in a random order, pass after pass."""
        gen = torch.Generator().manual_seed(self.config.seed)
        size = self.config.batch_size
        while True:
            chunks = []
            for ids, targets in self.prepared.by_length:
                order = torch.randperm(len(ids), generator=gen)
                chunks += [(ids, targets, order[i : i + size]) for i in range(0, len(ids), size)]
            for k in torch.randperm(len(chunks), generator=gen).tolist():
                ids, targets, rows = chunks[k]
                yield ids[rows], targets[rows]  # (B, T_k), (B, 11)


def _reason(stopped: bool, reached: bool, spent: bool) -> str:
    """Why a run ends here ("" if it goes on): a stop request wins over the target."""
    return "stopped" if stopped else "target" if reached else "budget" if spent else ""


def _full_lengths(ids: torch.Tensor) -> torch.Tensor:
    """Every input of a one-length batch is its full width: (B,) on the CPU."""
    return torch.full((ids.shape[0],), ids.shape[1], dtype=torch.int64)
