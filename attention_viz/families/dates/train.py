"""Training the date seq2seq models: `python -m attention_viz train date-attention`.

Teacher forcing, Adam, cross-entropy over the 10 output characters. Every epoch sees fresh
examples of the training dates (new formats, cases and noise); after each epoch the model is
scored (greedy decoding) on the validation dates and its attention on a fixed set of
example inputs is recorded, so the page can replay how attention emerged.
Seeds fix everything: the same command writes the same weights on the same machine.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

from attention_viz.bench import machine
from attention_viz.checkpoint import save_checkpoint
from attention_viz.families.dates import FAMILY, data, vocab
from attention_viz.families.dates.evaluate import (
    confidence_threshold,
    exact_match,
    full_report,
    inference_speed,
)
from attention_viz.families.dates.model import DateSeq2Seq, DateSeq2SeqConfig
from attention_viz.training import (
    TrainConfig,
    count_parameters,
    fit,
    record,
    training_threads,
)


@dataclass(frozen=True)
class DatesTrainConfig(TrainConfig):
    epochs: int = 12  # passes over freshly generated training examples
    batch_size: int = 256  # large batches: fewer, fatter LSTM calls on 2 cores
    learning_rate: float = 5e-3  # Adam's peak rate; cosine decay to 2% of it by the end
    warmup_steps: int = 0  # a linear ramp to the peak rate (at most a quarter of the steps)
    grad_clip: float = 1.0  # LSTMs occasionally spike early on
    examples_per_epoch: int = 50_000  # from the 80% of dates in the training split
    # Each all-numeric format with zero-padded month and day (PADDED_FORMATS) is drawn this
    # many times as often as each other format (1: all formats alike).
    padded_weight: int = 1
    val_examples: int = 2_000  # validation dates, scored after every epoch
    snapshot_inputs: int = 6  # example inputs whose attention is kept after every epoch


QUICK = DatesTrainConfig(epochs=2, examples_per_epoch=3_000, val_examples=300)
# Per model, where it differs from the defaults; chosen on the validation dates
# (pretrained/README.md, "How date-attention's recipe was chosen"): the warm-up and the
# padded formats put more of its attention argmax in the gold field (>= 95%). The other
# three were trained with the defaults.
RECIPES = {
    "date-attention": DatesTrainConfig(warmup_steps=200, padded_weight=3),
}


def recipe(name: str) -> DatesTrainConfig:
    """The full training run of model `name` (seed 0)."""
    return RECIPES.get(name, DatesTrainConfig())


# yyyy-mm-dd, mm/dd/yyyy, dd.mm.yyyy, yyyymmdd, ...: every field written with all its digits.
PADDED_FORMATS = tuple(
    f.name for f in data.FORMATS if "{mm}" in f.template and "{dd}" in f.template
)


def training_formats(padded_weight: int) -> tuple[str, ...]:
    """FORMATS names for data.generate, each PADDED_FORMATS name `padded_weight` times."""
    return tuple(
        f.name
        for f in data.FORMATS
        for _ in range(padded_weight if f.name in PADDED_FORMATS else 1)
    )


def epoch_examples(config: DatesTrainConfig, epoch: int) -> list[data.Example]:
    """The fresh training examples of one epoch (seed 1000 * seed + epoch)."""
    formats = training_formats(config.padded_weight)
    return data.generate(config.examples_per_epoch, "train", config.seed * 1000 + epoch, formats)


def rate_factor(step: int, steps: int, warmup_steps: int) -> float:
    """The learning rate over Adam's peak at `step` of `steps`: a linear warm-up over
    min(warmup_steps, steps // 4) steps, then cosine decay from 1 to 2% at the end."""
    warmup = min(warmup_steps, steps // 4)
    if step < warmup:
        return (step + 1) / warmup
    return 0.02 + 0.98 * 0.5 * (1 + float(np.cos(np.pi * min(step / steps, 1.0))))


def snapshot_examples(n: int) -> list[data.Example]:
    """Fixed test-split inputs, one per format family, for the per-epoch attention maps."""
    return [data.example_of_family(f, seed=11 + i) for i, f in enumerate(data.FAMILIES)][:n]


def train_model(
    model_config: DateSeq2SeqConfig,
    train_config: DatesTrainConfig,
    log: Callable[[str], None] = print,
    stop_at: float | None = None,
) -> tuple[DateSeq2Seq, list[dict]]:
    """Train a fresh model; returns it (in eval mode) and one history record per epoch.

    stop_at: end after the first epoch whose validation exact match reaches it (the bench's
    time-to-99%); the schedule is still the full run's, so the run is the same up to there.

    Each record (attention_viz.training.fit): epoch, loss, val_accuracy, train_seconds,
    wall_seconds, cpu_seconds (process CPU, cumulative, validation excluded), outputs (the
    decodings of the snapshot inputs) and attention (for each snapshot input, its (10, len)
    weights rounded to 3 decimals; None without attention).
    """
    seed = train_config.seed
    torch.manual_seed(seed)
    model = DateSeq2Seq(model_config, vocab.SOURCE_VOCAB)
    steps = train_config.epochs * -(-train_config.examples_per_epoch // train_config.batch_size)

    def schedule(optimizer):
        # A late spike at full rate can cost the last 0.1%: decay it (cosine, floor 2%).
        warmup = train_config.warmup_steps
        return torch.optim.lr_scheduler.LambdaLR(
            optimizer, lambda k: rate_factor(k, steps, warmup)
        ), "batch"

    def batches(epoch: int):
        examples = epoch_examples(train_config, epoch)
        return _batches(examples, train_config.batch_size, seed * 1000 + epoch)

    val = data.generate(train_config.val_examples, "val", data.VAL_SEED)
    snaps = snapshot_examples(train_config.snapshot_inputs)

    # CPU seconds of training (data and optimisation, not validation): on a shared machine
    # the wall clock (train_seconds) also counts the other processes' turns on the cores.
    cpu = {"start": time.process_time(), "validating": 0.0}

    def validate(m: DateSeq2Seq) -> dict:
        start = time.process_time()
        spent = start - cpu["start"] - cpu["validating"]
        figures = {"val_accuracy": round(exact_match(m, val), 5), "cpu_seconds": round(spent, 2)}
        figures.update(_snapshot(m, snaps))
        cpu["validating"] += time.process_time() - start
        return figures

    stop = None if stop_at is None else (lambda r: r["val_accuracy"] >= stop_at)
    history = fit(model, train_config, batches, _loss, validate, schedule, log, stop)
    return model.eval(), history


def _batches(examples: list[data.Example], batch_size: int, seed: int):
    """Batches of similar input length (less padding for the LSTM), in a random order."""
    rng = np.random.default_rng(seed)
    order = sorted(range(len(examples)), key=lambda i: (len(examples[i].text), rng.random()))
    chunks = [order[i : i + batch_size] for i in range(0, len(order), batch_size)]
    for k in rng.permutation(len(chunks)):
        chunk = [examples[i] for i in chunks[k]]
        ids, lens, _ = vocab.encode_sources([e.text for e in chunk])
        targets = vocab.encode_targets([e.target for e in chunk])  # (B, 11)
        yield torch.from_numpy(ids), torch.from_numpy(lens), torch.from_numpy(targets)


def _loss(model: DateSeq2Seq, batch) -> torch.Tensor:
    source, lens, targets = batch
    logits, _ = model(source, lens, targets[:, :-1])  # (B, 10, V)
    return F.cross_entropy(logits.reshape(-1, logits.shape[-1]), targets[:, 1:].reshape(-1))


def _snapshot(model: DateSeq2Seq, snaps: list[data.Example]) -> dict:
    """The model's outputs for the snapshot inputs, and their attention (None without)."""
    preds = model.predict_batch([e.text for e in snaps])
    attention = [np.round(p.attention, 3).tolist() for p in preds] if model.has_attention else None
    return {"outputs": [p.text for p in preds], "attention": attention}


def train(name: str, stem: Path, quick: bool = False, seed: int = 0) -> None:
    """Family entry: train model `name` and write `stem`.safetensors/.json."""
    model_config = DateSeq2SeqConfig(**FAMILY.model(name).options)
    train_config = replace(QUICK if quick else recipe(name), seed=seed)
    print(f"training {name} ({'quick' if quick else 'full'} run, seed {seed})")
    with training_threads():
        model, history = train_model(model_config, train_config)
        report = full_report(model, n=2_000 if quick else 20_000)
        print(f"fresh test dates: exact match {report['exact_match']:.3%}")
        if report.get("attention_in_span") is not None:
            print(f"attention argmax inside the gold field span: {report['attention_in_span']:.2%}")
        confidence = confidence_threshold(model, n=2_000 if quick else 20_000)
        print(
            f"low-confidence threshold {confidence['threshold']:.4f} ({confidence['how']}); "
            f"below it: {confidence['correct_below']:.2%} of right test answers, "
            f"{confidence['probe_below']:.1%} of {confidence['probe_n']} inputs that are no date"
        )
        speed = inference_speed(model, n=2_000 if quick else 10_000, repeats=30 if quick else 300)
        print(f"one date {speed['ms_per_date']:.3f} ms, batched {speed['dates_per_s']:,} dates/s")
        threads = torch.get_num_threads()
    reached = [r["train_seconds"] for r in history if r["val_accuracy"] >= 0.99]
    metrics = {
        **report,
        "seconds_to_99pct_val": reached[0] if reached else None,
        "train_seconds": history[-1]["train_seconds"],
        "cpu_seconds": history[-1]["cpu_seconds"],
        "parameters": count_parameters(model),
        "confidence": confidence,
        "inference": {**speed, "threads": threads, "machine": machine()},
    }
    snapshots = [
        {"text": e.text, "target": e.target, "spans": e.spans, "format": e.format}
        for e in snapshot_examples(train_config.snapshot_inputs)
    ]
    vocabs = {"source": list(vocab.SOURCE_VOCAB), "target": list(vocab.TARGET_VOCAB)}
    meta = record(name, train_config, history, metrics, quick, vocabs, snapshot_inputs=snapshots)
    save_checkpoint(stem, model_config, model.state_dict(), meta)
    print(f"wrote {stem.with_suffix('.safetensors')} and {stem.with_suffix('.json')}")
