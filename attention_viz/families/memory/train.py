"""Train the copy-task NTM from scratch, reproducibly, and ship it to pretrained/.

    python -m attention_viz train ntm-copy           # stops on the validation target
    python -m attention_viz train ntm-copy --quick   # a short run, for tests

A curriculum on length: episodes start with sequences of at most `start_length` vectors and
the longest length grows by `length_step` whenever the validation bit error rate over the
lengths in play falls below `promote_error`. Training stops when every validation sequence of
length 1..max_length is copied with at most `target_error` wrong bits `patience` times in a
row (the learning rate is halved at each such hit, so the model settles rather than stops at
its first lucky evaluation), or when `max_seconds` of CPU time have passed (then the record
says the target was not met).
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass, replace
from pathlib import Path

import torch
import torch.nn.functional as F

from attention_viz import training
from attention_viz.checkpoint import save_checkpoint
from attention_viz.families.memory.data import copy_batch
from attention_viz.families.memory.model import NTM, NTMConfig, count_parameters

VALIDATION_SEED = 10_000  # validation data; tests and evaluate use other seeds


@dataclass(frozen=True)
class TrainConfig(training.TrainConfig):
    """Step-based: each "epoch" of attention_viz.training.fit is eval_every fresh batches."""

    epochs: int = 200  # max_steps / eval_every, rounded up (set by __post_init__)
    batch_size: int = 64  # sequences per step (all of one length)
    learning_rate: float = 3e-3  # Adam
    grad_clip: float = 10.0  # gradient norm clipping
    # Curriculum: the longest length at the start. Off by default (= max_length): with short
    # sequences only, the LSTM learns to hold them itself and is slow to start using memory.
    start_length: int = 10
    length_step: int = 2  # ... grows by this much
    promote_error: float = 0.01  # ... when validation bit errors fall below this rate
    target_error: float = 0.0  # validation bit error rate that counts as a hit
    patience: int = 3  # stop after this many hits in a row
    decay_on_hit: float = 0.5  # multiply the learning rate by this at every hit (settle in)
    eval_every: int = 100  # steps between validations
    val_per_length: int = 64  # validation sequences per length
    max_steps: int = 20_000
    max_seconds: float = 14 * 60.0  # of this process's CPU time (the machine is shared)

    def __post_init__(self) -> None:
        object.__setattr__(self, "epochs", -(-self.max_steps // self.eval_every))


QUICK = TrainConfig(max_steps=300, eval_every=100, val_per_length=8, max_seconds=120.0)


def validation_errors(model: NTM, max_length: int, per_length: int, seed: int) -> dict[int, float]:
    """Bit error rate per length 1..max_length on fixed fresh data drawn from `seed`."""
    generator = torch.Generator().manual_seed(seed)
    width, rates = model.config.width, {}
    model.eval()
    for length in range(1, max_length + 1):
        _, targets = copy_batch(per_length, length, width, generator)  # (L, B, W)
        bits = targets.transpose(0, 1)  # (B, L, W)
        rates[length] = float((model.copy(bits) != bits.bool()).float().mean())
    model.train()
    return rates


class HalveOnHit:
    """Multiply the learning rate by `factor` after each validation that hits the target."""

    def __init__(self, optimizer: torch.optim.Optimizer, factor: float):
        self.optimizer, self.factor = optimizer, factor

    def step(self, record: dict) -> None:
        if record["hit"]:
            for group in self.optimizer.param_groups:
                group["lr"] *= self.factor


def fit(
    config: NTMConfig, train: TrainConfig, seed: int = 0, log=print
) -> tuple[NTM, list[dict], dict]:
    """Train an NTM with attention_viz.training.fit; returns (model, history, summary)."""
    with training.training_threads():
        return _fit(config, train, seed, log)


def _fit(config: NTMConfig, train: TrainConfig, seed: int, log) -> tuple[NTM, list[dict], dict]:
    torch.manual_seed(seed)
    generator = torch.Generator().manual_seed(seed)
    model = NTM(config)
    state = {"longest": min(train.start_length, config.max_length), "good": 0, "met": False}
    cpu_start = time.process_time()

    def batches(epoch: int):
        last = min(epoch * train.eval_every, train.max_steps)
        for _ in range((epoch - 1) * train.eval_every + 1, last + 1):
            length = int(torch.randint(1, state["longest"] + 1, (1,), generator=generator))
            inputs, targets = copy_batch(train.batch_size, length, config.width, generator)
            yield inputs, targets, length

    def loss_of(m: NTM, batch) -> torch.Tensor:
        inputs, targets, length = batch
        logits, _ = m(inputs)  # (T, B, W)
        return F.binary_cross_entropy_with_logits(logits[length + 1 :], targets)

    def validate(m: NTM) -> dict:
        longest = state["longest"]
        rates = validation_errors(m, config.max_length, train.val_per_length, VALIDATION_SEED)
        in_play = sum(rates[n] for n in range(1, longest + 1)) / longest
        overall = sum(rates.values()) / len(rates)
        if longest < config.max_length and in_play < train.promote_error:
            state["longest"] = min(longest + train.length_step, config.max_length)
        hit = state["longest"] == config.max_length and overall <= train.target_error
        state["good"] = state["good"] + 1 if hit else 0
        return {
            "longest": longest,
            "val_error": overall,  # bit error rate, lengths 1..max_length
            "val_bit_error_in_play": in_play,
            "cpu_seconds": round(time.process_time() - cpu_start, 1),
            "lr": adam["optimizer"].param_groups[0]["lr"],  # before this validation's halving
            "hit": hit,
        }

    adam: dict = {}

    def schedule(optimizer):
        adam["optimizer"] = optimizer
        return HalveOnHit(optimizer, train.decay_on_hit), "validation"

    def stop(record: dict) -> bool:
        if state["good"] >= train.patience:
            state["met"] = True
            return True
        if record["cpu_seconds"] > train.max_seconds:
            log(f"stopped at the time limit ({train.max_seconds:.0f}s CPU) before the target")
            return True
        return False

    history = training.fit(model, train, batches, loss_of, validate, schedule, log, stop)
    for record in history:  # an epoch here is eval_every steps
        record["step"] = min(record["epoch"] * train.eval_every, train.max_steps)
    summary = {
        "steps": history[-1]["step"],
        "seconds": history[-1]["train_seconds"],
        "cpu_seconds": history[-1]["cpu_seconds"],
        "target_met": state["met"],
        "parameters": count_parameters(model),
    }
    return model.eval(), history, summary


def train(name: str, stem: Path, quick: bool = False, seed: int = 0) -> None:
    """Train `name` (ntm-copy) and write stem.safetensors + stem.json."""
    from attention_viz.families.memory.evaluate import fresh_metrics

    config, schedule = NTMConfig(), QUICK if quick else TrainConfig()
    if quick:
        config = replace(config, max_length=4)
    model, history, summary = fit(config, schedule, seed)
    metrics = fresh_metrics(model, per_length=100 if quick else 1000)
    meta = {
        "name": name,
        "training": {
            **asdict(schedule),
            "seed": seed,
            "quick": quick,
            "seconds": summary["seconds"],
            "cpu_seconds": summary["cpu_seconds"],
            "threads": 1,
            "steps": summary["steps"],
            "target_met": summary["target_met"],
        },
        "history": history,
        "metrics": {**metrics, "parameters": summary["parameters"]},
    }
    save_checkpoint(stem, config, model.state_dict(), meta)
    print(f"wrote {stem}.safetensors ({summary['parameters']} parameters)")
