"""Training the captioners: `python -m attention_viz train caption-attention`.

The training scenes are generated once (numpy arrays, so the loop never redraws), then
teacher forcing with Adam on cross-entropy plus, for the attention model, the paper's doubly
stochastic regulariser. Every `eval_every` steps the model captions the validation scenes
(greedy); training stops once validation meets the target (or after max_steps). One torch
thread and fixed seeds: the same command writes the same weights on the same machine.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import torch

from attention_viz import training
from attention_viz.checkpoint import save_checkpoint
from attention_viz.families.captioning import captions, scenes
from attention_viz.families.captioning.decoders import loss_terms
from attention_viz.families.captioning.evaluate import rendered, report, test_report
from attention_viz.families.captioning.model import CaptionConfig, Captioner, count_parameters

MODELS = {
    "caption-attention": CaptionConfig(),
    # The baseline keeps the 3x3 last convolution it was trained with: a mean of regions
    # that each see 31 px is the stronger no-attention baseline.
    "caption-baseline": CaptionConfig(attention=False, final_kernel=3, reads="what"),
}


@dataclass(frozen=True)
class TrainConfig(training.TrainConfig):
    """Step-based: each "epoch" of attention_viz.training.fit is eval_every batches."""

    epochs: int = 8  # max_steps / eval_every, rounded up (set by __post_init__)
    batch_size: int = 64
    learning_rate: float = 5e-3  # Adam's peak rate; cosine decay to 5% of it by max_steps
    grad_clip: float = 5.0
    scenes: int = 8_000  # training scenes, generated once
    max_steps: int = 2_000  # also the cosine schedule's length
    eval_every: int = 250  # steps between validation checks
    val_scenes: int = 300
    target_exact: float = 0.985  # stop when validation exact match reaches this ...
    target_pointing: float = 0.95  # ... and (with attention) pointing accuracy this

    def __post_init__(self) -> None:
        object.__setattr__(self, "epochs", -(-self.max_steps // self.eval_every))


QUICK = TrainConfig(scenes=600, max_steps=60, eval_every=30, val_scenes=40)


def tensors(scene_list: list[scenes.Scene]) -> tuple[torch.Tensor, torch.Tensor]:
    """(images (N, P, P, 3) uint8, captions (N, 2 + MAX_WORDS) ids: <bos> words <eos> <pad>...)."""
    images, _ = rendered(scene_list)
    ids = np.zeros((len(scene_list), captions.MAX_WORDS + 2), dtype=np.int64)
    for i, s in enumerate(scene_list):
        row = [captions.BOS, *captions.encode(captions.caption(s)), captions.EOS]
        ids[i, : len(row)] = row
    return torch.from_numpy(np.stack(images)), torch.from_numpy(ids)


def train_model(
    model_config: CaptionConfig,
    train_config: TrainConfig,
    seed: int = 0,
    log: Callable[[str], None] = print,
) -> tuple[Captioner, list[dict], float]:
    """Train a fresh model; returns it (eval mode), one record per check, and the seconds
    spent generating the training scenes."""
    start = time.perf_counter()
    images, ids = tensors(scenes.generate(train_config.scenes, "train", scenes.TRAIN_SEED + seed))
    val = scenes.generate(train_config.val_scenes, "val", scenes.VAL_SEED)
    data_seconds = time.perf_counter() - start
    log(f"{len(images):,} training scenes generated in {data_seconds:.1f} s")
    torch.manual_seed(seed)
    model = Captioner(model_config)
    steps, every = train_config.max_steps, train_config.eval_every
    order = np.random.default_rng(seed)
    cursor = {"perm": order.permutation(len(images)), "at": 0}
    penalties: list[float] = []
    cpu_start = time.process_time()

    def schedule(optimizer):
        return torch.optim.lr_scheduler.LambdaLR(
            optimizer, lambda k: 0.05 + 0.95 * 0.5 * (1 + np.cos(np.pi * min(k / steps, 1.0)))
        ), "batch"

    def batches(epoch: int):
        for _ in range((epoch - 1) * every + 1, min(epoch * every, steps) + 1):
            if cursor["at"] + train_config.batch_size > len(cursor["perm"]):
                cursor["perm"], cursor["at"] = order.permutation(len(images)), 0
            at = cursor["at"]
            batch = torch.from_numpy(cursor["perm"][at : at + train_config.batch_size])
            cursor["at"] += train_config.batch_size
            pixels = images[batch].permute(0, 3, 1, 2).float() / 255.0  # (B, 3, P, P)
            yield pixels, ids[batch]

    def loss_of(m: Captioner, batch) -> torch.Tensor:
        pixels, caption = batch
        T = int((caption != 0).sum(1).max())  # drop the all-padding tail of the batch
        lens = torch.full((len(caption),), 1)
        logits, weights = m(pixels, lens, caption[:, : T - 1])  # (B, T-1, V)
        ce, reg = loss_terms(logits, caption[:, 1:T], weights, model_config.penalty)
        penalties.append(reg.item())
        return ce + reg

    def validate(m: Captioner) -> dict:
        r = report(m, val)
        penalty = float(np.mean(penalties)) if penalties else 0.0
        penalties.clear()
        return {
            "penalty": round(penalty, 5),  # the regulariser's share of the loss
            "val_accuracy": r["exact_match"],  # exact caption match
            "val_bleu": r["bleu"],
            "val_pointing": r["pointing"],
            "cpu_seconds": round(time.process_time() - cpu_start, 2),  # since data was made
        }

    def stop(record: dict) -> bool:
        pointed = record["val_pointing"] is None
        pointed = pointed or record["val_pointing"] >= train_config.target_pointing
        return record["val_accuracy"] >= train_config.target_exact and pointed

    history = training.fit(model, train_config, batches, loss_of, validate, schedule, log, stop)
    for record in history:  # an epoch here is eval_every steps; data generation counts too
        record["step"] = min(record["epoch"] * every, steps)
        record["train_seconds"] = round(record["train_seconds"] + data_seconds, 2)
    return model.eval(), history, data_seconds


def train(name: str, stem: Path, quick: bool = False, seed: int = 0) -> None:
    """Registry entry: train model `name` on one thread and write `stem`.safetensors/.json."""
    with training.training_threads() as threads:
        model_config = MODELS[name]
        train_config = QUICK if quick else TrainConfig()
        print(f"training {name} ({'quick' if quick else 'full'} run, seed {seed}, 1 thread)")
        wall, cpu = time.perf_counter(), time.process_time()
        model, history, data_seconds = train_model(model_config, train_config, seed)
        seconds, cpu_seconds = time.perf_counter() - wall, time.process_time() - cpu
        print(f"trained in {seconds:.0f} s wall clock, {cpu_seconds:.0f} s of CPU time")
        metrics = test_report(model, n=100 if quick else 1_000)
        print(
            f"fresh test scenes: exact {metrics['exact_match']:.2%}  BLEU {metrics['bleu']:.1f}"
            + ("" if metrics["pointing"] is None else f"  pointing {metrics['pointing']:.2%}")
        )
    meta = {
        "name": name,
        "vocab": {"target": list(captions.VOCAB)},
        "training": {
            **asdict(train_config),
            "seed": seed,
            "quick": quick,
            "seconds": round(seconds, 1),
            # On one thread CPU time is the wall time the run takes on a machine it has to
            # itself; wall time grows when other processes share the cores.
            "cpu_seconds": round(cpu_seconds, 1),
            "data_seconds": round(data_seconds, 1),
            "threads": threads,
            "torch": torch.__version__,
        },
        "history": history,
        "metrics": {**metrics, "parameters": count_parameters(model)},
    }
    save_checkpoint(stem, model_config, model.state_dict(), meta)
    print(f"wrote {stem.with_suffix('.safetensors')} and {stem.with_suffix('.json')}")
