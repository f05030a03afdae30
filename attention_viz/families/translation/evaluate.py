"""Evaluation of a translation model: exact match, BLEU, AER and per-phenomenon accuracy.

    python -m attention_viz evaluate translation-attention [--file pairs.tsv]

Without a file, fresh sentences are drawn from the held-out-combination and long splits with
EVAL_SEED, which no training run uses. The alignment error rate compares the argmax of the
attention under teacher forcing (the model reads the reference translation) with the gold
alignment, so every sentence is scored, right or wrong.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import torch

from attention_viz.analysis.bleu import corpus_bleu
from attention_viz.families.translation.corpus import batch_tensors, sample_pairs
from attention_viz.families.translation.grammar import (
    PHENOMENA,
    Translation,
    reference_translate,
    tokenize_english,
    tokenize_french,
)
from attention_viz.families.translation.metrics import (
    accuracy_by_tag,
    alignment_error_rate,
    argmax_alignment,
)

EVAL_SEED = 10_000
CHUNK = 256


def forced_attention(model, pairs: list[Translation]) -> list[np.ndarray]:
    """Teacher-forced attention of each pair, (len(target), len(source)) each."""
    out = []
    with torch.inference_mode():
        for i in range(0, len(pairs), CHUNK):
            chunk = pairs[i : i + CHUNK]
            src, lens, tin, _ = batch_tensors(chunk, model.source_vocab, model.vocab)
            device = next(model.parameters()).device
            _, weights = model(src.to(device), lens.to(device), tin.to(device))  # (B, T_q, T_k)
            weights = weights.float().cpu().numpy()
            out += [
                w[: len(p.target_tokens), : len(p.source_tokens)]
                for w, p in zip(weights, chunk, strict=True)
            ]
    return out


def evaluate_pairs(model, pairs: list[Translation], with_alignment: bool = True) -> dict:
    """Greedy exact match, corpus BLEU (0-100, sacrebleu; its signature beside it), AER and
    accuracy per phenomenon on `pairs`."""
    hyps = []
    for i in range(0, len(pairs), CHUNK):
        hyps += model.predict_batch([" ".join(p.source_tokens) for p in pairs[i : i + CHUNK]])
    correct = [h.target_tokens == p.target_tokens for h, p in zip(hyps, pairs, strict=True)]
    bleu = corpus_bleu([h.target_tokens for h in hyps], [p.target_tokens for p in pairs])
    result = {
        "count": len(pairs),
        "exact_match": round(float(np.mean(correct)), 4),
        "bleu": round(bleu.score, 2),
        "bleu_signature": bleu.signature,
    }
    if with_alignment:
        links = [argmax_alignment(a) for a in forced_attention(model, pairs)]
        aer = alignment_error_rate(links, [p.alignment for p in pairs])
        result["aer"] = round(aer, 4)
    by_tag = accuracy_by_tag(correct, [p.phenomena for p in pairs], PHENOMENA)
    result["phenomena"] = {
        k: {"accuracy": round(v["accuracy"], 4), "count": v["count"]} for k, v in by_tag.items()
    }
    return result


def evaluate_suite(model, n: int = 1000, seed: int = EVAL_SEED) -> dict:
    """evaluate_pairs on n fresh held-out-combination and n long sentences."""
    return {
        split: evaluate_pairs(model, sample_pairs(n, seed, split)) for split in ("heldout", "long")
    }


def read_pairs(file: str) -> list[Translation]:
    """english<TAB>french lines; gold alignments where the toy grammar reproduces the French."""
    pairs = []
    for number, line in enumerate(Path(file).read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        if "\t" not in line:
            raise ValueError(f"{file}:{number}: expected english<TAB>french")
        english, french = line.split("\t", 1)
        source, target = tokenize_english(english), tokenize_french(french)
        try:
            gold = reference_translate(source)
            ok = gold.target_tokens == target
        except ValueError:
            gold, ok = None, False
        pairs.append(
            Translation(
                source,
                target,
                gold.alignment if ok else [],
                gold.phenomena if gold else frozenset(),
            )
        )
    if not pairs:
        raise ValueError(f"{file}: no sentence pairs")
    return pairs


def evaluate(model, file: str | None) -> int:
    """Print the report; exit code 0 (the figures are the result, not a pass/fail)."""
    if file:
        pairs = read_pairs(file)
        aligned = [p for p in pairs if p.alignment]
        report = {"file": evaluate_pairs(model, pairs, with_alignment=False)}
        if aligned:
            report["file"]["aer"] = evaluate_pairs(model, aligned)["aer"]
    else:
        report = evaluate_suite(model)
    print(format_report(report))
    return 0


def format_report(report: dict) -> str:
    lines = []
    signatures = set()
    for split, r in report.items():
        signatures.add(r["bleu_signature"])
        aer = f", AER {r['aer']:.3f}" if "aer" in r else ""
        lines.append(
            f"{split} ({r['count']} sentences): exact match {100 * r['exact_match']:.1f}%,"
            f" BLEU {r['bleu']:.1f}{aer}"
        )
        for tag, v in r["phenomena"].items():
            if v["count"]:
                lines.append(f"  {tag:<16} {100 * v['accuracy']:5.1f}%  ({v['count']} sentences)")
    lines += [f"BLEU: sacrebleu {s}" for s in sorted(signatures)]
    return "\n".join(lines)
