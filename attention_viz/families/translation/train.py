"""Training of the translation models: teacher forcing, Adam, pad-masked loss, fixed seeds.

python -m attention_viz train translation-attention     # rebuilds pretrained/<name>.*
"""

from __future__ import annotations

import random
import time
from dataclasses import asdict, dataclass, replace
from pathlib import Path

import torch
from torch import nn

from attention_viz.checkpoint import save_checkpoint
from attention_viz.families.translation.corpus import (
    BOS,
    EOS,
    MAX_SOURCE_LEN,
    MAX_TARGET_LEN,
    Vocab,
    sample_pairs,
    source_vocab,
    target_vocab,
)
from attention_viz.families.translation.grammar import Translation
from attention_viz.families.translation.model import TranslationConfig, Translator

ATTENTION_OF = {
    "translation-attention": "additive",
    "translation-dot": "dot",
    "translation-location": "location",
}


@dataclass(frozen=True)
class TrainConfig:
    train_sentences: int = 24_000  # distinct sentences of the train split
    valid_sentences: int = 300  # held-out combinations, for the learning curve
    epochs: int = 8
    batch_size: int = 64
    lr: float = 3e-3  # Adam
    lr_decay: float = 0.7  # per epoch, after the first half of training
    clip: float = 1.0  # gradient norm
    seed: int = 0


QUICK = TrainConfig(train_sentences=400, valid_sentences=50, epochs=2)


def batch_tensors(pairs: list[Translation], sv: Vocab, tv: Vocab):
    """Padded id tensors: source (B, T_k), valid_lens (B,), target_in/target_out (B, T_q)."""
    T_k = max(len(p.source_tokens) for p in pairs)
    T_q = max(len(p.target_tokens) for p in pairs) + 1
    bos, eos = tv.index(BOS), tv.index(EOS)
    src, tin, tout = [], [], []
    for p in pairs:
        s, t = sv.encode(p.source_tokens), tv.encode(p.target_tokens)
        src.append(s + [0] * (T_k - len(s)))
        tin.append([bos, *t] + [0] * (T_q - len(t) - 1))
        tout.append([*t, eos] + [0] * (T_q - len(t) - 1))
    lens = torch.tensor([len(p.source_tokens) for p in pairs])
    return torch.tensor(src), lens, torch.tensor(tin), torch.tensor(tout)


def fit(
    model: Translator,
    train: list[Translation],
    valid: list[Translation],
    cfg: TrainConfig,
    log=print,
) -> dict[str, list[float]]:
    """Train in place; returns learning curves (per epoch: train loss, valid loss and accuracy)."""
    rng = random.Random(cfg.seed)
    opt = torch.optim.Adam(model.parameters(), lr=cfg.lr)
    loss_fn = nn.CrossEntropyLoss(ignore_index=0)  # padding does not count
    sv, tv = model.source_vocab, model.target_vocab
    curves: dict[str, list[float]] = {"train_loss": [], "valid_loss": [], "valid_exact": []}
    # Batches of similar length waste less time on padding.
    order = sorted(train, key=lambda p: len(p.target_tokens))
    batches = [order[i : i + cfg.batch_size] for i in range(0, len(order), cfg.batch_size)]
    for epoch in range(cfg.epochs):
        model.train()
        rng.shuffle(batches)
        total, count, start = 0.0, 0, time.perf_counter()
        for batch in batches:
            src, lens, tin, tout = batch_tensors(batch, sv, tv)
            logits, _ = model(src, lens, tin)  # (B, T_q, V)
            loss = loss_fn(logits.reshape(-1, logits.shape[-1]), tout.reshape(-1))
            opt.zero_grad()
            loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), cfg.clip)
            opt.step()
            total, count = total + loss.item() * len(batch), count + len(batch)
        if epoch >= cfg.epochs // 2:
            for group in opt.param_groups:
                group["lr"] *= cfg.lr_decay
        valid_loss, exact = validate(model, valid, loss_fn)
        curves["train_loss"].append(round(total / count, 5))
        curves["valid_loss"].append(round(valid_loss, 5))
        curves["valid_exact"].append(round(exact, 5))
        log(
            f"epoch {epoch + 1}/{cfg.epochs}: train loss {total / count:.4f}, valid loss "
            f"{valid_loss:.4f}, valid exact {exact:.3f} ({time.perf_counter() - start:.0f} s)"
        )
    model.eval()
    return curves


def validate(model: Translator, valid: list[Translation], loss_fn) -> tuple[float, float]:
    """(teacher-forced loss, greedy exact match) on a validation set; NaNs when it is empty."""
    if not valid:
        return float("nan"), float("nan")
    model.eval()
    with torch.inference_mode():
        src, lens, tin, tout = batch_tensors(valid, model.source_vocab, model.target_vocab)
        logits, _ = model(src, lens, tin)
        loss = float(loss_fn(logits.reshape(-1, logits.shape[-1]), tout.reshape(-1)))
    preds = model.predict_batch([" ".join(p.source_tokens) for p in valid])
    exact = sum(p.target_tokens == v.target_tokens for p, v in zip(preds, valid, strict=True))
    return loss, exact / len(valid)


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
    if name not in ATTENTION_OF:
        raise KeyError(f"unknown translation model {name!r}; known: {', '.join(ATTENTION_OF)}")
    cfg = replace(QUICK if quick else TrainConfig(), seed=seed)
    # One thread: these ops are tiny, and a second thread costs more in synchronisation than
    # it gains (measured 4x slower with 2 threads on the 2-core machine).
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        model, meta, seconds = _train(name, cfg, quick)
    finally:
        torch.set_num_threads(threads)
    save_checkpoint(stem, model.config, model.state_dict(), meta)
    print(f"wrote {stem}.safetensors and .json ({seconds:.0f} s of training)")


def _train(name: str, cfg: TrainConfig, quick: bool) -> tuple[Translator, dict, float]:
    """Sample the data, fit, evaluate; returns (model, JSON meta, seconds of training)."""
    from attention_viz.families.translation.evaluate import evaluate_suite

    seed = cfg.seed
    torch.manual_seed(seed)
    model = new_model(ATTENTION_OF[name])
    train_pairs = sample_pairs(cfg.train_sentences, seed, "train")
    valid = sample_pairs(cfg.valid_sentences, seed + 1, "heldout")
    print(
        f"{name}: {len(train_pairs)} training sentences, "
        f"{sum(p.numel() for p in model.parameters())} parameters, {torch.get_num_threads()} "
        "threads"
    )
    start = time.perf_counter()
    curves = fit(model, train_pairs, valid, cfg)
    seconds = time.perf_counter() - start
    metrics = evaluate_suite(model, n=100 if quick else 1000)
    meta = {
        "name": name,
        "vocab": {
            "source": list(model.source_vocab.tokens),
            "target": list(model.target_vocab.tokens),
        },
        "training": {
            **asdict(cfg),
            "quick": quick,
            "seconds": round(seconds, 1),
            "threads": torch.get_num_threads(),
        },
        "curves": curves,
        "metrics": metrics,
    }
    return model, meta, seconds
