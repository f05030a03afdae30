"""One training loop, one thread policy and one checkpoint metadata schema for every family.

    history = fit(model, config, batches, loss_of, validate)
    save_checkpoint(stem, model.config, model.state_dict(), record(name, config, history, ...))

The metadata every weights JSON carries (beside "config" and "sha256"):

    name      the registered model name
    vocab     {"source": [...], "target": [...]} where the model has vocabularies
    training  the TrainConfig's fields + seed, quick, seconds, threads, torch version
    history   one record per epoch: epoch, loss, train_seconds, wall_seconds, val_accuracy
              and whatever else the family's validate() returns
    metrics   the final figures on fresh test data (the family's evaluation)

plus family-specific keys (e.g. the dates' per-epoch snapshot inputs).
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass
from typing import Any

import torch
from torch import nn

from attention_viz.device import THREADS_ENV, configure_threads

Batch = tuple[Any, ...]  # whatever loss_of takes


@dataclass(frozen=True)
class TrainConfig:
    """What every family's training has; a family subclasses it to add its own fields."""

    epochs: int = 10
    batch_size: int = 64
    learning_rate: float = 3e-3  # Adam's (peak) rate
    grad_clip: float = 1.0  # gradient norm
    seed: int = 0


# A schedule: optimizer -> (scheduler, when it steps): "batch" after every batch, "epoch"
# after every epoch, "validation" after each validation, as scheduler.step(record) (e.g. a
# rate that drops when the validation figure reaches a target).
Schedule = Callable[[torch.optim.Optimizer], tuple[Any, str]]


def fit(
    model: nn.Module,
    config: TrainConfig,
    batches: Callable[[int], Iterable[Batch]],
    loss_of: Callable[[nn.Module, Batch], torch.Tensor],
    validate: Callable[[nn.Module], dict[str, Any]],
    schedule: Schedule | None = None,
    log: Callable[[str], None] = print,
    stop: Callable[[dict[str, Any]], bool] | None = None,
) -> list[dict[str, Any]]:
    """Adam with gradient clipping; returns one history record per epoch (model in eval mode).

    Args:
        batches: epoch number (from 1) -> that epoch's batches.
        loss_of: (model, batch) -> the mean loss over the batch.
        validate: model (in eval mode) -> figures for this epoch's record, e.g. val_accuracy.
        stop: record -> True to end after this epoch (e.g. a validation target reached).
    Each record: epoch, loss (mean over the epoch's batches), train_seconds (cumulative: data and
    optimisation, not validation), wall_seconds (cumulative, everything), threads (torch's
    intra-op threads while training), + validate's figures.
    """
    optimizer = torch.optim.Adam(model.parameters(), lr=config.learning_rate)
    scheduler, when = schedule(optimizer) if schedule else (None, "")
    history: list[dict[str, Any]] = []
    train_seconds, wall_start = 0.0, time.perf_counter()
    for epoch in range(1, config.epochs + 1):
        start = time.perf_counter()
        model.train()
        losses = []
        for batch in batches(epoch):
            loss = loss_of(model, batch)
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), config.grad_clip)
            optimizer.step()
            if when == "batch":
                scheduler.step()
            losses.append(loss.item())
        if when == "epoch":
            scheduler.step()
        train_seconds += time.perf_counter() - start
        model.eval()
        figures = validate(model)
        record = {
            "epoch": epoch,
            "loss": round(sum(losses) / max(len(losses), 1), 5),
            "train_seconds": round(train_seconds, 2),
            "wall_seconds": round(time.perf_counter() - wall_start, 2),
            "threads": torch.get_num_threads(),
            **figures,
        }
        history.append(record)
        if when == "validation":
            scheduler.step(record)
        shown = ", ".join(f"{k} {v:.4f}" for k, v in figures.items() if isinstance(v, float))
        log(
            f"epoch {epoch}/{config.epochs}: loss {record['loss']:.4f}, {shown} "
            f"({train_seconds:.1f} s training)"
        )
        if stop is not None and stop(record):
            break
    return history


def record(
    name: str,
    config: TrainConfig,
    history: list[dict[str, Any]],
    metrics: dict[str, Any],
    quick: bool,
    vocab: dict[str, list[str]] | None = None,
    **extra: Any,
) -> dict[str, Any]:
    """The checkpoint metadata of the schema above."""
    meta: dict[str, Any] = {"name": name}
    if vocab is not None:
        meta["vocab"] = vocab
    meta["training"] = {
        **asdict(config),
        "quick": quick,
        "seconds": history[-1]["train_seconds"] if history else 0.0,
        # What the training ran on: record() is called after training_threads() has put
        # the caller's count back.
        "threads": history[-1].get("threads") if history else torch.get_num_threads(),
        "torch": torch.__version__,
    }
    meta["history"] = history
    meta["metrics"] = metrics
    meta.update(extra)
    return meta


@contextlib.contextmanager
def training_threads() -> Iterator[int]:
    """The thread policy of every training run: one thread unless ATTENTION_VIZ_THREADS says
    otherwise. These models are too small to gain from a second thread (measured 4x slower
    with 2 threads on the 2-core machine), one thread does not crawl when other processes share
    the cores, and the weights do not change with the core count. Restores the count after."""
    before = torch.get_num_threads()
    if os.environ.get(THREADS_ENV):
        configure_threads()
    else:
        torch.set_num_threads(1)
    try:
        yield torch.get_num_threads()
    finally:
        torch.set_num_threads(before)


def count_parameters(model: nn.Module) -> int:
    return int(sum(p.numel() for p in model.parameters()))
