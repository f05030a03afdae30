"""Training the tiny transformers: `python -m attention_viz train transformer-reverse`.

Fresh generated batches every step (no epochs), Adam with linear warmup and cosine decay,
cross-entropy. Validation every `eval_every` steps; training stops once the validation
figure reaches the recipe's target (or at the step or time limit). One CPU thread and
fixed seeds: the same command writes the same weights on the same machine.
"""

from __future__ import annotations

import math
import os
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

import torch
import torch.nn.functional as F

from attention_viz import training
from attention_viz.checkpoint import save_checkpoint
from attention_viz.families.transformer import evaluate, tasks
from attention_viz.families.transformer.language_model import InductionLM
from attention_viz.families.transformer.model import TransformerConfig, TransformerSeq2Seq


@dataclass(frozen=True)
class TrainConfig(training.TrainConfig):
    """Step-based: each "epoch" of attention_viz.training.fit is eval_every fresh batches."""

    epochs: int = 30  # max_steps / eval_every, rounded up (set by __post_init__)
    batch_size: int = 128
    learning_rate: float = 3e-3  # Adam's peak rate
    grad_clip: float = 1.0
    max_steps: int = 3_000  # the schedule's length; training usually stops earlier
    warmup: int = 100  # steps of linear warmup
    eval_every: int = 100  # steps between validations
    val_examples: int = 1_000  # validation inputs (seed tasks.VAL_SEED)
    target: float = 0.999  # stop once the validation figure reaches this
    buckets: int = 4  # length buckets per batch (seq2seq): less padding, the same loss
    # CPU seconds of training (validation excluded) before giving up. CPU time, not wall
    # time: on a machine shared with other work a wall-clock limit would make the weights
    # depend on the load. The target is 120 s; this only stops a runaway recipe.
    time_limit: float = 300.0

    def __post_init__(self) -> None:
        object.__setattr__(self, "epochs", -(-self.max_steps // self.eval_every))


RECIPES: dict[str, tuple[TransformerConfig, TrainConfig]] = {
    "transformer-reverse": (
        TransformerConfig("reverse", d_model=64, num_heads=4, encoder_layers=2, decoder_layers=1),
        TrainConfig(batch_size=256, learning_rate=4e-3, max_steps=800, eval_every=50),
    ),
    # Sort as reverse and dates: 2 encoder layers + 1 decoder layer. It was 1 + 2, with the
    # same exact match (99.8%); a decoder layer runs at every output step, an encoder layer
    # once, so this decodes one input in about 60% of the time. The whole cosine schedule
    # runs (target 1.0 stops it only at a perfect validation).
    "transformer-sort": (
        TransformerConfig("sort", d_model=64, num_heads=4, encoder_layers=2, decoder_layers=1),
        TrainConfig(
            batch_size=256, learning_rate=4e-3, max_steps=1_000, eval_every=50, target=1.0
        ),
    ),
    "transformer-induction": (
        TransformerConfig(
            "induction", d_model=64, num_heads=4, encoder_layers=0, decoder_layers=2,
            d_ff=0, positions="learned", max_len=32,
        ),
        TrainConfig(batch_size=64, target=0.995),
    ),
    "transformer-dates": (
        TransformerConfig("dates", d_model=64, num_heads=4, encoder_layers=2, decoder_layers=1),
        TrainConfig(max_steps=1_200, eval_every=100, val_examples=2_000),
    ),
}  # fmt: skip


def _batch(model, step: int, seed: int, size: int):
    """One fresh batch: (ids, valid_lens, targets) for seq2seq, (ids, None, None) for the LM."""
    task = model.task
    batch_seed = tasks.TRAIN_SEED_BASE + seed * 1_000_003 + step
    if isinstance(model, InductionLM):
        ids, _ = task.encode(task.generate(size, batch_seed))
        return torch.from_numpy(ids), None, None
    if task.name == "dates":
        from attention_viz.families.dates import data, vocab

        examples = data.generate(size, "train", batch_seed)
        ids, lens, _ = vocab.encode_sources([e.text for e in examples])
        targets = vocab.encode_targets([e.target for e in examples])
    else:
        texts = task.generate(size, batch_seed)
        ids, lens = task.encode(texts)
        targets = task.encode_targets([task.target(t) for t in texts])
    return torch.from_numpy(ids), torch.from_numpy(lens), torch.from_numpy(targets)


def _loss(model, ids, lens, targets, buckets: int = 1) -> torch.Tensor:
    if targets is None:  # next-token prediction on the second half (the first is random)
        logits = model(ids, need_weights=False).logits  # (B, T, V)
        half = (ids > 0).sum(1) // 2  # (B,)
        pos = torch.arange(ids.shape[1] - 1)
        keep = (pos[None, :] >= half[:, None]) & (ids[:, 1:] > 0)  # (B, T - 1)
        gold = ids[:, 1:].masked_fill(~keep, -100)
        return F.cross_entropy(logits[:, :-1].reshape(-1, logits.shape[-1]), gold.reshape(-1))
    dates = model.task.name == "dates"
    ignore = -100 if dates else 0  # <pad> = 0 after <eos>
    total = torch.zeros(())
    # The same sum as over the whole padded batch, in length buckets: sorted by source
    # length, each part padded only to its own longest input (padding is masked, so the
    # numbers are those of the whole batch, with less work on padding).
    for part in torch.argsort(lens).tensor_split(buckets):
        width = int(lens[part].max())
        t = targets[part] if dates else targets[part, : width + 2]  # <bos> .. <eos>
        logits = model.logits(ids[part, :width], lens[part], t[:, :-1])  # (b, T_q, V)
        total = total + F.cross_entropy(
            logits.reshape(-1, logits.shape[-1]),
            t[:, 1:].reshape(-1),
            ignore_index=ignore,
            reduction="sum",
        )
    return total / (targets[:, 1:] != ignore).sum()


def train_model(
    name: str, seed: int = 0, quick: bool = False, log: Callable[[str], None] = print
) -> tuple[torch.nn.Module, list[dict], TrainConfig]:
    """Train `name`'s recipe from scratch; returns (model in eval mode, history, config)."""
    model_config, train_config = RECIPES[name]
    if quick:
        train_config = TrainConfig(
            **{**asdict(train_config), "max_steps": 30, "eval_every": 15, "val_examples": 50}
        )
    torch.manual_seed(seed)
    model = (
        InductionLM(model_config)
        if model_config.task == "induction"
        else TransformerSeq2Seq(model_config)
    )
    warm, total, every = train_config.warmup, train_config.max_steps, train_config.eval_every

    def schedule(optimizer):
        # linear warmup, then cosine decay to 5% of the peak rate
        return torch.optim.lr_scheduler.LambdaLR(
            optimizer,
            lambda k: (
                min(1.0, (k + 1) / warm)
                * (0.05 + 0.95 * 0.5 * (1 + math.cos(math.pi * min(k / total, 1.0))))
            ),
        ), "batch"

    def batches(epoch: int):
        steps = range((epoch - 1) * every + 1, min(epoch * every, total) + 1)
        return (_batch(model, step, seed, train_config.batch_size) for step in steps)

    # CPU seconds of this process spent training (validation excluded): on a machine shared
    # with other work, wall time counts the waiting too; this counts only what was computed.
    cpu = {"start": time.process_time(), "validating": 0.0}

    def validate(m) -> dict:
        start = time.process_time()
        spent = start - cpu["start"] - cpu["validating"]
        accuracy = evaluate.headline(m, train_config.val_examples, tasks.VAL_SEED)
        cpu["validating"] += time.process_time() - start
        return {"val_accuracy": round(accuracy, 5), "cpu_seconds": round(spent, 2)}

    def stop(record: dict) -> bool:
        reached = record["val_accuracy"] >= train_config.target
        return reached or record["cpu_seconds"] > train_config.time_limit

    history = training.fit(
        model,
        train_config,
        batches,
        lambda m, b: _loss(m, *b, train_config.buckets),
        validate,
        schedule,
        log,
        stop,
    )
    for record in history:  # an epoch here is eval_every steps
        record["step"] = min(record["epoch"] * every, total)
    return model.eval(), history, train_config


def train(name: str, stem: Path, quick: bool = False, seed: int = 0) -> None:
    """Registry entry: train model `name` on one thread and write `stem`.safetensors/.json."""
    with training.training_threads() as threads:
        print(f"training {name} ({'quick' if quick else 'full'} run, seed {seed})")
        load_start = os.getloadavg()[0]
        model, history, train_config = train_model(name, seed, quick)
        load_end = os.getloadavg()[0]
        metrics = evaluate.report(model, quick=quick)
        print(evaluate.format_report(metrics))
    meta = {
        "name": name,
        "vocab": _vocab(model),
        "training": {
            **asdict(train_config),
            "seed": seed,
            "quick": quick,
            "seconds": history[-1]["train_seconds"],
            "wall_seconds": history[-1]["wall_seconds"],
            "cpu_seconds": history[-1]["cpu_seconds"],
            "threads": threads,
            # 1-minute load average when training started and ended (the machine is shared)
            "load_average": [round(load_start, 2), round(load_end, 2)],
            "torch": torch.__version__,
        },
        "history": history,
        "metrics": metrics,
    }
    save_checkpoint(stem, model.config, model.state_dict(), meta)
    print(f"wrote {stem.with_suffix('.safetensors')} and {stem.with_suffix('.json')}")


def _vocab(model) -> dict:
    if isinstance(model, InductionLM):
        return {"tokens": list(model.vocab)}
    return {"source": list(model.task.source_vocab), "target": list(model.target_vocab)}
