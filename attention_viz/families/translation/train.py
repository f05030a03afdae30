"""Training of the translation models: teacher forcing, Adam, pad-masked loss, fixed seeds.

python -m attention_viz train translation-attention     # rebuilds pretrained/<name>.*
"""

from __future__ import annotations

import random
from dataclasses import dataclass, replace
from pathlib import Path

import torch
from torch import nn

from attention_viz.checkpoint import save_checkpoint
from attention_viz.families.translation import FAMILY
from attention_viz.families.translation.corpus import (
    MAX_SOURCE_LEN,
    MAX_TARGET_LEN,
    batch_tensors,
    sample_pairs,
    source_vocab,
    target_vocab,
)
from attention_viz.families.translation.evaluate import evaluate_suite
from attention_viz.families.translation.grammar import Translation
from attention_viz.families.translation.model import TranslationConfig, Translator
from attention_viz.training import TrainConfig, count_parameters, fit, record, training_threads


@dataclass(frozen=True)
class TranslationTrainConfig(TrainConfig):
    epochs: int = 8
    batch_size: int = 64
    learning_rate: float = 3e-3  # Adam
    grad_clip: float = 1.0  # gradient norm
    train_sentences: int = 24_000  # distinct sentences of the train split
    valid_sentences: int = 300  # held-out combinations, for the learning curve
    lr_decay: float = 0.7  # per epoch, after the first half of training


QUICK = TranslationTrainConfig(train_sentences=400, valid_sentences=50, epochs=2)

_LOSS = nn.CrossEntropyLoss(ignore_index=0)  # padding does not count


def train_translator(
    model: Translator,
    train: list[Translation],
    valid: list[Translation],
    cfg: TranslationTrainConfig,
    log=print,
) -> list[dict]:
    """Train in place with attention_viz.training.fit; returns the per-epoch history."""
    rng = random.Random(cfg.seed)
    sv, tv = model.source_vocab, model.vocab
    # Batches of similar length waste less time on padding.
    order = sorted(train, key=lambda p: len(p.target_tokens))
    chunks = [order[i : i + cfg.batch_size] for i in range(0, len(order), cfg.batch_size)]

    def batches(epoch: int):
        rng.shuffle(chunks)
        return (batch_tensors(chunk, sv, tv) for chunk in chunks)

    def schedule(optimizer):
        half = cfg.epochs // 2  # after each epoch of the second half, lr *= lr_decay
        decay = torch.optim.lr_scheduler.MultiplicativeLR(
            optimizer, lambda e: cfg.lr_decay if e - 1 >= half else 1.0
        )
        return decay, "epoch"

    return fit(model, cfg, batches, _loss, lambda m: validate(m, valid), schedule, log)


def _loss(model: Translator, batch) -> torch.Tensor:
    src, lens, tin, tout = batch
    logits, _ = model(src, lens, tin)  # (B, T_q, V)
    return _LOSS(logits.reshape(-1, logits.shape[-1]), tout.reshape(-1))


def validate(model: Translator, valid: list[Translation]) -> dict[str, float]:
    """Teacher-forced loss and greedy exact match on a validation set (NaNs when empty)."""
    if not valid:
        return {"valid_loss": float("nan"), "val_accuracy": float("nan")}
    with torch.inference_mode():
        src, lens, tin, tout = batch_tensors(valid, model.source_vocab, model.vocab)
        valid_loss = float(_loss(model, (src, lens, tin, tout)))
    preds = model.predict_batch([" ".join(p.source_tokens) for p in valid])
    exact = sum(p.target_tokens == v.target_tokens for p, v in zip(preds, valid, strict=True))
    return {"valid_loss": round(valid_loss, 5), "val_accuracy": round(exact / len(valid), 5)}


def new_model(attention: str, **overrides) -> Translator:
    sv, tv = source_vocab(), target_vocab()
    config = TranslationConfig(
        source_vocab_size=len(sv),
        target_vocab_size=len(tv),
        attention=attention,
        max_source_len=MAX_SOURCE_LEN,
        max_target_len=MAX_TARGET_LEN,
        **overrides,
    )
    return Translator(config, sv, tv)


def train(name: str, stem: Path, quick: bool = False, seed: int = 0) -> None:
    """Train model `name` from scratch with fixed seeds and write stem.safetensors/.json."""
    attention = FAMILY.model(name).options["attention"]
    cfg = replace(QUICK if quick else TranslationTrainConfig(), seed=seed)
    with training_threads():
        torch.manual_seed(seed)
        model = new_model(attention)
        train_pairs = sample_pairs(cfg.train_sentences, seed, "train")
        valid = sample_pairs(cfg.valid_sentences, seed + 1, "heldout")
        print(
            f"{name}: {len(train_pairs)} training sentences, {count_parameters(model)} "
            f"parameters, {torch.get_num_threads()} threads"
        )
        history = train_translator(model, train_pairs, valid, cfg)
        metrics = evaluate_suite(model, n=100 if quick else 1000)
    vocab = {"source": list(model.source_vocab.tokens), "target": list(model.vocab.tokens)}
    save_checkpoint(
        stem, model.config, model.state_dict(), record(name, cfg, history, metrics, quick, vocab)
    )
    print(f"wrote {stem}.safetensors and .json ({history[-1]['train_seconds']:.0f} s of training)")
